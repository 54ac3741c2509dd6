"""The model of the city's network: sites, devices, interfaces, links, racks, services, plans and SLAs."""

from kotanet.inventory.models import (
    Circuit,
    Device,
    Endpoint,
    Interface,
    Inventory,
    Link,
    MaintenanceWindow,
    Migration,
    PowerFeed,
    Rack,
    Region,
    Service,
    Settings,
    Site,
    SlaTarget,
    Tenant,
)
from kotanet.inventory.source import InventorySource, YamlDirSource, embedded_path, open_inventory
from kotanet.inventory.validate import check, validate

__all__ = [
    "Circuit",
    "Device",
    "Endpoint",
    "Interface",
    "Inventory",
    "InventorySource",
    "Link",
    "MaintenanceWindow",
    "Migration",
    "PowerFeed",
    "Rack",
    "Region",
    "Service",
    "Settings",
    "Site",
    "SlaTarget",
    "Tenant",
    "YamlDirSource",
    "check",
    "embedded_path",
    "open_inventory",
    "validate",
]
