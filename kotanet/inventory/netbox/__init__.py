"""NetBox as kotanet's source of truth: an InventorySource over pynetbox, and push / pull / diff.

Modules: `mapping` (pure: inventory <-> NetBox payloads), `client` (the only one that talks to NetBox),
`sync` (plan and apply a push; pull), `source` (`NetBoxSource`), `cli` (`kotanet netbox ...`).
pynetbox is imported only when a client is made, so importing this package stays cheap.
"""

from kotanet.inventory.netbox.client import NetBoxClient, NetBoxError, RejectedError
from kotanet.inventory.netbox.source import NetBoxSource

__all__ = ["NetBoxClient", "NetBoxError", "NetBoxSource", "RejectedError"]
