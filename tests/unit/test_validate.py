"""Cross-record validation, on values built in code (no files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kotanet.inventory import YamlDirSource, validate
from kotanet.inventory.choices import LinkStatus, MigrationStatus
from kotanet.inventory.models import Inventory, Migration

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"


@pytest.fixture(scope="module")
def mini() -> Inventory:
    return YamlDirSource(MINI).load()


def _messages(inv: Inventory) -> list[str]:
    return [p.message for p in validate(inv)]


def test_mini_is_valid(mini: Inventory) -> None:
    assert validate(mini) == []


def test_problem_without_locator_names_collection_file_and_field(mini: Inventory) -> None:
    site = mini.sites[1].model_copy(update={"region": "nowhere"})
    inv = mini.model_copy(update={"sites": [mini.sites[0], site, *mini.sites[2:]]})
    (problem,) = validate(inv)
    assert problem.file == "sites.yaml"
    assert problem.field == "sites[1].region"
    assert str(problem).startswith("sites.yaml: sites[1].region: unknown region 'nowhere'")


def test_dependency_cycle_is_reported(mini: Inventory) -> None:
    m1 = mini.migrations[0].model_copy(update={"depends_on": ["2"]})
    m2 = Migration(id="2", route="Loop", a_site="dc", b_site="kel-satu", action="new_fibre",
                   new_links=["fo-kec-tengah--kel-satu"], depends_on=["1"])
    msgs = _messages(mini.model_copy(update={"migrations": [m1, m2]}))
    assert any("in a cycle" in m for m in msgs)


def test_planned_migration_needs_planned_new_link(mini: Inventory) -> None:
    links = [lk.model_copy(update={"status": LinkStatus.ACTIVE}) if lk.id == "fo-kec-tengah--kel-satu" else lk
             for lk in mini.links]
    msgs = _messages(mini.model_copy(update={"links": links}))
    assert any("is planned but its new link" in m for m in msgs)
    done = mini.migrations[0].model_copy(update={"status": MigrationStatus.DONE})
    assert _messages(mini.model_copy(update={"links": links, "migrations": [done]})) == []


def test_replace_radio_must_retire_a_radio_link(mini: Inventory) -> None:
    m = mini.migrations[0].model_copy(update={"retires": ["fo-dc--bts-01"]})
    msgs = _messages(mini.model_copy(update={"migrations": [m]}))
    assert msgs == ["route 1 replaces a radio link, but 'fo-dc--bts-01' is fibre"]


def test_wireless_interface_may_serve_several_links(mini: Inventory) -> None:
    radio = mini.link("r24-bts-01--kel-satu")
    assert radio is not None
    twin = radio.model_copy(update={"id": "r24-bts-01--kel-satu-b"})
    assert _messages(mini.model_copy(update={"links": [*mini.links, twin]})) == []
