"""The `InventorySource` contract, and its YAML-directory implementation.

Every source (YAML directory, NetBox) returns a validated `Inventory` from `load()` and writes one with
`save()`. All sources pass one conformance suite (tests/conformance/test_inventory_source.py).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Protocol, runtime_checkable

from kotanet.inventory.models import Inventory
from kotanet.inventory.validate import check
from kotanet.inventory.yamlio import Locator, load_dir, paused_gc, save_dir

__all__ = ["EMBEDDED_DATASET", "InventorySource", "YamlDirSource", "embedded_path", "open_inventory"]

EMBEDDED_DATASET = "bogor"


@runtime_checkable
class InventorySource(Protocol):
    """Where an inventory lives. `load` returns a validated inventory or raises InventoryError."""

    @property
    def description(self) -> str: ...

    def load(self) -> Inventory: ...

    def save(self, inventory: Inventory) -> None: ...


def embedded_path(name: str = EMBEDDED_DATASET) -> Path:
    """The directory of a dataset shipped inside the package (installed as real files)."""
    root = resources.files("kotanet.inventory") / "data" / name
    return Path(str(root))


class YamlDirSource:
    """A directory of YAML files, one per collection, that people edit and review in git."""

    def __init__(self, root: Path, *, label: str | None = None) -> None:
        self.root = root
        self.label = str(root) if label is None else label

    @property
    def description(self) -> str:
        return f"YAML directory {self.label}"

    def load(self) -> Inventory:
        inv = load_dir(self.root, label_root=self.label)
        with paused_gc():
            return check(inv, Locator(self.root, self.label))

    def save(self, inventory: Inventory) -> None:
        check(inventory)
        save_dir(inventory, self.root)


def open_inventory(path: Path | None) -> Inventory:
    """Load and validate the inventory at `path`, or the embedded Bogor dataset when `path` is None."""
    if path is None:
        return YamlDirSource(embedded_path(), label=EMBEDDED_DATASET).load()
    return YamlDirSource(path).load()
