"""The one conformance suite every InventorySource passes: the YAML directory (unit tier) and NetBox (service
tier: a real NetBox 4.7.3 from scripts/netbox-dev, with kotanet's own files in a directory next to it).

A new source adds a factory to SOURCES: a callable that, given the test's request and a tmp dir, returns a
source, and the tier it needs. Each test item carries exactly one tier marker, from its source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kotanet.errors import InventoryError
from kotanet.inventory import InventorySource, YamlDirSource
from kotanet.inventory.models import Inventory

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"

SourceFactory = Callable[[pytest.FixtureRequest, Path], InventorySource]


def _yaml_dir(_request: pytest.FixtureRequest, tmp: Path) -> InventorySource:
    return YamlDirSource(tmp / "inv")


def _netbox(request: pytest.FixtureRequest, tmp: Path) -> InventorySource:
    from kotanet.inventory.netbox.client import NetBoxClient
    from kotanet.inventory.netbox.source import NetBoxSource

    nb = request.getfixturevalue("netbox_for_conformance")
    return NetBoxSource(NetBoxClient(nb.url, nb.token_v2), tmp / "policy")


SOURCES: dict[str, tuple[SourceFactory, pytest.MarkDecorator]] = {
    "yaml-dir": (_yaml_dir, pytest.mark.unit),
    "netbox": (_netbox, pytest.mark.service),
}


@pytest.fixture(scope="module")
def netbox_for_conformance() -> Iterator[object]:
    """One NetBox (and database) for this module; every test saves the whole inventory first, and a save
    replaces what kotanet manages, so the tests do not depend on each other's leftovers."""
    from tests.service.netbox_fixture import netbox_server

    with netbox_server("conformance") as nb:
        yield nb


@pytest.fixture(params=[pytest.param(name, marks=mark) for name, (_, mark) in sorted(SOURCES.items())])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> InventorySource:
    factory, _ = SOURCES[request.param]
    return factory(request, tmp_path)


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
