"""Loading, saving and the byte-stable round trip of YAML inventories."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kotanet.errors import InventoryError
from kotanet.inventory import YamlDirSource, embedded_path, open_inventory, validate
from kotanet.inventory.choices import LinkMedium, SiteKind
from kotanet.inventory.layout import COLLECTION_FILES, SETTINGS_FILE
from kotanet.inventory.yamlio import dump_inventory, load_dir, save_dir

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.yaml"))}


@pytest.mark.parametrize("root", [MINI, embedded_path()], ids=["mini", "bogor"])
def test_round_trip_is_byte_stable(root: Path, tmp_path: Path) -> None:
    inv = YamlDirSource(root).load()
    save_dir(inv, tmp_path)
    assert _files(tmp_path) == _files(root)
    again = load_dir(tmp_path)
    assert again == inv


def test_mini_loads_typed_values() -> None:
    inv = YamlDirSource(MINI).load()
    dc = inv.site("dc")
    assert dc is not None
    assert dc.kind is SiteKind.DATA_CENTRE
    radio = inv.link("r24-bts-01--kel-satu")
    assert radio is not None
    assert radio.medium is LinkMedium.RADIO_2_4
    assert radio.radio is not None and radio.radio.frequency_mhz == 2437.0
    dev = inv.device("dc-r1")
    assert dev is not None and dev.install_date == dt.date(2014, 3, 1)
    window = inv.maintenance[0]
    assert window.start.utcoffset() == dt.timedelta(hours=7)


def test_save_of_invalid_inventory_leaves_files_intact(tmp_path: Path) -> None:
    dst = tmp_path / "inv"
    save_dir(YamlDirSource(MINI).load(), dst)
    before = _files(dst)
    inv = load_dir(dst)
    broken = inv.model_copy(update={"sites": inv.sites[1:]})  # the DC goes, its references dangle
    with pytest.raises(InventoryError) as info:
        YamlDirSource(dst).save(broken)
    assert "unknown site 'dc'" in str(info.value.problems)
    assert _files(dst) == before
    assert not [p for p in os.listdir(dst) if p.endswith(".tmp")]


def test_failed_write_midway_leaves_previous_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dst = tmp_path / "inv"
    save_dir(YamlDirSource(MINI).load(), dst)
    before = _files(dst)
    inv = load_dir(dst)
    changed = inv.model_copy(update={"settings": inv.settings.model_copy(update={"name": "Renamed"})})
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)  # a full disk cannot be caused for real here
    with pytest.raises(OSError, match="No space"):
        save_dir(changed, dst)
    assert _files(dst) == before
    assert not [p for p in os.listdir(dst) if p.endswith(".tmp")]


def test_emptied_collection_file_is_removed(tmp_path: Path) -> None:
    inv = YamlDirSource(MINI).load()
    save_dir(inv, tmp_path)
    save_dir(inv.model_copy(update={"maintenance": []}), tmp_path)
    assert not (tmp_path / "maintenance.yaml").exists()


def test_dump_has_one_file_per_non_empty_collection() -> None:
    inv = YamlDirSource(MINI).load()
    files = dump_inventory(inv)
    assert SETTINGS_FILE in files
    for collection, name in COLLECTION_FILES.items():
        assert (name in files) == bool(getattr(inv, collection))


def test_missing_optional_files_mean_empty_collections(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text("name: Empty town\n", encoding="utf-8")
    inv = YamlDirSource(tmp_path).load()
    assert inv.sites == [] and inv.settings.name == "Empty town"


def test_embedded_dataset_is_valid() -> None:
    inv = open_inventory(None)
    assert validate(inv) == []


def test_number_shaped_text_survives_the_round_trip(tmp_path: Path) -> None:
    """The loader reads YAML 1.2, the dumper writes YAML 1.1: text that 1.2 would read as a number, bool
    or null must be quoted (found with serial numbers like 5248E4331669)."""
    inv = YamlDirSource(MINI).load()
    tricky = ["5248E4331669", "1_000", "0x1F", "0o17", ".inf", "-.5", "+1", "1e5", "null", "~", "true", "007"]
    devices = [d.model_copy(update={"serial": tricky[i % len(tricky)], "model": tricky[-1 - i % len(tricky)]})
               for i, d in enumerate(inv.devices)]
    changed = inv.model_copy(update={"devices": devices})
    save_dir(changed, tmp_path)
    assert load_dir(tmp_path) == changed


def test_shared_values_are_not_written_as_yaml_aliases(tmp_path: Path) -> None:
    inv = YamlDirSource(MINI).load()
    same_date = dt.date(2015, 1, 2)
    devices = [d.model_copy(update={"install_date": same_date}) for d in inv.devices]
    save_dir(inv.model_copy(update={"devices": devices}), tmp_path)
    text = (tmp_path / "devices.yaml").read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text


def test_saved_files_keep_or_get_ordinary_permissions(tmp_path: Path) -> None:
    inv = YamlDirSource(MINI).load()
    old = os.umask(0o022)
    try:
        save_dir(inv, tmp_path)
    finally:
        os.umask(old)
    assert (tmp_path / "sites.yaml").stat().st_mode & 0o777 == 0o644
    (tmp_path / "sites.yaml").chmod(0o640)
    save_dir(inv, tmp_path)
    assert (tmp_path / "sites.yaml").stat().st_mode & 0o777 == 0o640


def test_all_default_nested_record_is_written_in_full(tmp_path: Path) -> None:
    from kotanet.inventory.models import ServiceHours

    inv = YamlDirSource(MINI).load()
    target = inv.sla_targets[0].model_copy(update={"service_hours": ServiceHours()})
    save_dir(inv.model_copy(update={"sla_targets": [target, *inv.sla_targets[1:]]}), tmp_path)
    text = (tmp_path / "sla_targets.yaml").read_text(encoding="utf-8")
    assert "service_hours: {}" not in text and "start: 07:00" in text.replace("'", "")
    assert load_dir(tmp_path).sla_targets[0].service_hours == ServiceHours()
