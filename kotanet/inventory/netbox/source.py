"""`NetBoxSource`: the InventorySource whose network lives in NetBox and whose policy lives in kotanet's files.

NetBox holds what it models (regions, tenants, sites, racks, power, devices, interfaces, addresses, cables,
wireless links, circuits). The inventory's settings, services, migrations, SLA targets and maintenance windows
have no NetBox model: they stay in kotanet's YAML files (inventory.yaml, services.yaml, migrations.yaml,
sla_targets.yaml, maintenance.yaml) in a directory next to it, reviewed in git like any kotanet inventory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kotanet.atomic import write_atomic
from kotanet.i18n import Lang, t
from kotanet.inventory.layout import COLLECTION_FILES, SETTINGS_FILE
from kotanet.inventory.models import Inventory, Settings
from kotanet.inventory.netbox.client import NetBoxClient
from kotanet.inventory.netbox.mapping import POLICY_COLLECTIONS, Pulled
from kotanet.inventory.netbox.sync import Plan, pull, push
from kotanet.inventory.validate import check
from kotanet.inventory.yamlio import Locator, dump_inventory, parse_inventory, read_raw

__all__ = ["POLICY_FILES", "NetBoxSource", "combine", "read_policy", "write_policy"]

POLICY_FILES = (SETTINGS_FILE, *(COLLECTION_FILES[c] for c in POLICY_COLLECTIONS))


def read_policy(root: Path, *, default_name: str = "NetBox") -> tuple[Inventory, bool]:
    """The settings and policy collections from `root` (unvalidated), and whether `root` had inventory.yaml.
    Without one, minimal settings named `default_name`."""
    if not (root / SETTINGS_FILE).is_file():
        return Inventory.model_construct(settings=Settings(name=default_name)), False
    raw = read_raw(root, str(root))
    keep: dict[str, Any] = {k: v for k, v in raw.items() if k == "settings" or k in POLICY_COLLECTIONS}
    return parse_inventory(keep, Locator(root, str(root))), True


def combine(policy: Inventory, pulled: Pulled) -> Inventory:
    """One inventory: kotanet's files for the policy, NetBox for the network (not yet validated)."""
    values = {"settings": policy.settings, **{c: getattr(policy, c) for c in POLICY_COLLECTIONS},
              **pulled.collections()}
    return Inventory.model_construct(**values)


def write_policy(inv: Inventory, root: Path) -> None:
    """Write only kotanet's own files (settings and the policy collections) to `root`, each atomically; the
    files NetBox holds are left as they are. A policy collection that is now empty loses its file."""
    files = dump_inventory(inv)
    root.mkdir(parents=True, exist_ok=True)
    for name in POLICY_FILES:
        path = root / name
        if name not in files:
            path.unlink(missing_ok=True)
            continue
        write_atomic(path, files[name])


class NetBoxSource:
    """An inventory held in NetBox (the network) and in `policy_dir` (kotanet's own files).

    `save` validates, pushes (idempotent, bulk) and writes the policy files; `load` pulls and validates.
    Objects NetBox holds that kotanet cannot map are skipped; `warnings` lists them after a load."""

    def __init__(self, client: NetBoxClient, policy_dir: Path, *, lang: Lang = Lang.EN) -> None:
        self.client = client
        self.policy_dir = policy_dir
        self.lang = lang
        self.warnings: list[str] = []
        self.last_push: Plan | None = None

    @property
    def description(self) -> str:
        return t("netbox.source.description", self.lang, url=self.client.url, path=str(self.policy_dir))

    def load(self) -> Inventory:
        policy, _ = read_policy(self.policy_dir, default_name=urlsplit(self.client.url).netloc or "NetBox")
        pulled = pull(self.client)
        self.warnings = pulled.warnings
        inv = combine(policy, pulled)
        return check(inv)

    def save(self, inventory: Inventory) -> None:
        valid = check(inventory)  # raises InventoryError before anything is written
        self.last_push = push(self.client, valid)
        write_policy(valid, self.policy_dir)

