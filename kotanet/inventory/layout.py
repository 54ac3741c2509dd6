"""Which collection lives in which file of an inventory directory. Shared by every storage adapter."""

from __future__ import annotations

__all__ = ["COLLECTION_FILES", "SETTINGS_FILE", "file_for"]

SETTINGS_FILE = "inventory.yaml"

# collection name -> file name, in dependency order (what a record refers to comes first).
COLLECTION_FILES: dict[str, str] = {
    "regions": "regions.yaml",
    "tenants": "tenants.yaml",
    "sites": "sites.yaml",
    "racks": "racks.yaml",
    "power_feeds": "power_feeds.yaml",
    "devices": "devices.yaml",
    "links": "links.yaml",
    "circuits": "circuits.yaml",
    "services": "services.yaml",
    "migrations": "migrations.yaml",
    "sla_targets": "sla_targets.yaml",
    "maintenance": "maintenance.yaml",
}


def file_for(collection: str) -> str:
    return SETTINGS_FILE if collection == "settings" else COLLECTION_FILES[collection]
