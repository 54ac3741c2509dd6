"""NetBox as kotanet's source of truth: an InventorySource over pynetbox, and push / pull / diff."""
