"""The one conformance suite every InventorySource passes (YAML directory now; NetBox joins it later).

A new source adds a factory to SOURCES: a callable that, given a tmp dir, returns (fresh empty source, cleanup).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kotanet.errors import InventoryError
from kotanet.inventory import InventorySource, YamlDirSource
from kotanet.inventory.models import Inventory

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"

SourceFactory = Callable[[Path], InventorySource]


def _yaml_dir(tmp: Path) -> InventorySource:
    return YamlDirSource(tmp / "inv")


SOURCES: dict[str, SourceFactory] = {"yaml-dir": _yaml_dir}


@pytest.fixture(params=sorted(SOURCES))
def source(request: pytest.FixtureRequest, tmp_path: Path) -> InventorySource:
    return SOURCES[request.param](tmp_path)


@pytest.fixture(scope="module")
def reference() -> Inventory:
    return YamlDirSource(MINI).load()


def test_is_an_inventory_source(source: InventorySource) -> None:
    assert isinstance(source, InventorySource)
    assert source.description


def test_save_then_load_is_lossless(source: InventorySource, reference: Inventory) -> None:
    source.save(reference)
    assert source.load() == reference


def test_second_save_changes_nothing(source: InventorySource, reference: Inventory) -> None:
    source.save(reference)
    first = source.load()
    source.save(first)
    assert source.load() == first


def test_update_is_visible(source: InventorySource, reference: Inventory) -> None:
    source.save(reference)
    renamed = [s.model_copy(update={"name": "Kel. Satu Baru"}) if s.id == "kel-satu" else s for s in reference.sites]
    source.save(reference.model_copy(update={"sites": renamed}))
    loaded = source.load()
    site = loaded.site("kel-satu")
    assert site is not None and site.name == "Kel. Satu Baru"


def test_invalid_save_is_refused_and_changes_nothing(source: InventorySource, reference: Inventory) -> None:
    source.save(reference)
    broken = reference.model_copy(update={"regions": []})
    with pytest.raises(InventoryError) as info:
        source.save(broken)
    assert any("unknown region" in p.message for p in info.value.problems)
    assert source.load() == reference
