"""The inventory commands, end to end through the real `kotanet` command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import MINI, run_kotanet

pytestmark = pytest.mark.cli


def test_validate_embedded_exits_0() -> None:
    proc = run_kotanet("inventory", "validate")
    assert proc.returncode == 0, proc.stderr
    assert "bogor: valid" in proc.stdout


def test_show_json_embedded_meets_the_acceptance_counts() -> None:
    proc = run_kotanet("inventory", "show", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("sites", "devices", "links", "migrations"):
        assert isinstance(data[key], int)
    assert isinstance(data["links_by_medium"], dict)
    assert data["migrations"] == 18  # rows 1..17, row 16 split into 16a and 16b
    assert data["sites_by_kind"]["kelurahan"] >= 68
    assert data["sites_by_kind"]["tower"] == 18
    assert data["sites_by_kind"]["data_centre"] >= 1
    assert data["sites_by_kind"]["drc"] >= 1
    assert sum(data["links_by_medium"].values()) == data["links"]


def test_show_tables_in_indonesian() -> None:
    proc = run_kotanet("--lang", "id", "inventory", "show", str(MINI))
    assert proc.returncode == 0, proc.stderr
    assert "Inventaris: Mini city" in proc.stdout
    assert "Tautan menurut media dan status" in proc.stdout


def test_validate_message_in_indonesian() -> None:
    proc = run_kotanet("inventory", "validate", str(MINI), env={"KOTANET_LANG": "id"})
    assert proc.returncode == 0
    assert "lokasi" in proc.stdout and "perangkat" in proc.stdout


def test_export_yaml_round_trips_exactly(tmp_path: Path) -> None:
    out = tmp_path / "y"
    proc = run_kotanet("inventory", "export", str(MINI), "--format", "yaml", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    for src in MINI.glob("*.yaml"):
        assert (out / src.name).read_bytes() == src.read_bytes()


def test_export_json_has_every_collection(tmp_path: Path) -> None:
    out = tmp_path / "inv.json"
    proc = run_kotanet("inventory", "export", str(MINI), "--format", "json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["settings"]["name"] == "Mini city"
    assert [s["id"] for s in data["sites"]] == ["dc", "drc", "kec-tengah", "bts-01", "kel-satu"]
    assert data["links"][3]["radio"]["frequency_mhz"] == 2437.0


def test_export_csv_then_import_is_identity(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert run_kotanet("inventory", "export", str(MINI), "-f", "csv", "-o", str(out)).returncode == 0
    rows = list(csv.DictReader((out / "sites.csv").open(encoding="utf-8")))
    assert rows[0]["id"] == "dc" and rows[0]["latitude"] == "-6.594" and rows[0]["tier"] == "I"
    inv = tmp_path / "inv"
    assert run_kotanet("inventory", "export", str(MINI), "-f", "yaml", "-o", str(inv)).returncode == 0
    proc = run_kotanet("inventory", "import-csv", str(inv), "--sites", str(out / "sites.csv"),
                       "--devices", str(out / "devices.csv"))
    assert proc.returncode == 0, proc.stderr
    for src in MINI.glob("*.yaml"):
        assert (inv / src.name).read_bytes() == src.read_bytes(), src.name


def test_import_csv_adds_and_updates(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    assert run_kotanet("inventory", "export", str(MINI), "-f", "yaml", "-o", str(inv)).returncode == 0
    sites = tmp_path / "sites.csv"
    sites.write_text("id,name,kind,region,latitude,longitude\n"
                     "kel-dua,Kel. Dua,kelurahan,utara,-6.55,106.80\n"
                     "drc,DRC (renamed),drc,utara,-6.56,106.80\n", encoding="utf-8")
    proc = run_kotanet("inventory", "import-csv", str(inv), "--sites", str(sites))
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load((inv / "sites.yaml").read_text(encoding="utf-8"))["sites"]
    by_id = {s["id"]: s for s in data}
    assert by_id["kel-dua"]["name"] == "Kel. Dua"
    assert by_id["drc"]["name"] == "DRC (renamed)"
    assert "operator" not in by_id["drc"]  # a CSV row replaces the record: an empty cell is the default
    assert len(data) == 6


def test_import_csv_device_keeps_interfaces(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    assert run_kotanet("inventory", "export", str(MINI), "-f", "yaml", "-o", str(inv)).returncode == 0
    devs = tmp_path / "devices.csv"
    devs.write_text("id,site,role,platform,model\ndc-r1,dc,core_router,ios,ISR4451\n", encoding="utf-8")
    assert run_kotanet("inventory", "import-csv", str(inv), "--devices", str(devs)).returncode == 0
    data = yaml.safe_load((inv / "devices.yaml").read_text(encoding="utf-8"))["devices"]
    assert data[0]["model"] == "ISR4451"
    assert [i["name"] for i in data[0]["interfaces"]] == ["Gi0/0/0", "Gi0/0/1", "Gi0/0/2"]


def test_init_copies_the_embedded_dataset(tmp_path: Path) -> None:
    dst = tmp_path / "city"
    proc = run_kotanet("inventory", "init", str(dst))
    assert proc.returncode == 0, proc.stderr
    assert (dst / "README.md").is_file()
    assert run_kotanet("inventory", "validate", str(dst)).returncode == 0
    again = run_kotanet("inventory", "init", str(dst))
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    proc = run_kotanet("inventory", "validate", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "no such inventory directory" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_export_format_is_usage_error() -> None:
    proc = run_kotanet("inventory", "export", "--format", "xml")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_version() -> None:
    proc = run_kotanet("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("kotanet ")
