"""`kotanet keys init`, `kotanet sla report|verify|status` end to end (clock: tests.conftest.FIXED_NOW,
24 Nov 2026)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import MINI, run_kotanet

pytestmark = pytest.mark.cli


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A KOTANET_HOME with a signing key."""
    path = tmp_path_factory.mktemp("home")
    r = run_kotanet("keys", "init", env={"KOTANET_HOME": str(path)})
    assert r.returncode == 0, r.stderr
    assert "ed25519:SHA256:" in r.stdout
    return path


def env(home: Path) -> dict[str, str]:
    return {"KOTANET_HOME": str(home), "KOTANET_STORE": "memory:"}


@pytest.fixture(scope="module")
def export(home: Path) -> Path:
    out = home / "exports" / "2026-10"
    r = run_kotanet("sla", "report", "--period", "2026-10", "--inventory", str(MINI), "--out", str(out),
                    env=env(home))
    assert r.returncode == 0, r.stderr
    return out


def test_keys_init(home: Path) -> None:
    key = home / "keys" / "kotanet-sla.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (home / "keys" / "kotanet-sla.pub").is_file()
    again = run_kotanet("keys", "init", env={"KOTANET_HOME": str(home)})
    assert again.returncode == 2 and "--force" in again.stderr


def test_report_on_an_empty_store_is_valid_and_all_unknown(export: Path) -> None:
    names = sorted(p.name for p in export.iterdir())
    assert names == ["manifest.json", "manifest.sig", "signer.pub", "sla-2026-10-outages.csv",
                     "sla-2026-10-summary.csv", "sla-2026-10.pdf", "sla-2026-10.xlsx"]
    rows = list(csv.reader(io.StringIO((export / "sla-2026-10-summary.csv").read_text())))
    assert rows[0][0] == "SLA target"
    top = [r for r in rows[1:] if r[3] == ""]
    assert [r[0] for r in top] == ["website", "kec-tengah"]
    assert all(r[8] == "" and r[9] == "no_data" for r in top)
    # website: the whole of October (44,640 min) is unknown
    assert top[0][12] == "44640.00"
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["period"]["label"] == "2026-10" and manifest["data_range"] is None
    assert manifest["generated_at"] == "2026-11-24T08:00:00+07:00"


def test_verify_exit_codes(export: Path, home: Path, tmp_path: Path) -> None:
    ok = run_kotanet("sla", "verify", str(export))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK" in ok.stdout
    pinned = run_kotanet("sla", "verify", str(export), "--trusted-key", str(home / "keys" / "kotanet-sla.pub"))
    assert pinned.returncode == 0
    bad = tmp_path / "tampered"
    shutil.copytree(export, bad)
    xlsx = bad / "sla-2026-10.xlsx"
    data = xlsx.read_bytes()
    xlsx.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]))
    r = run_kotanet("sla", "verify", str(bad))
    assert r.returncode == 1
    assert "sla-2026-10.xlsx" in r.stdout
    missing = run_kotanet("sla", "verify", str(tmp_path / "no-such-dir"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "needle"), [
    (["--period", "2026-13"], "bad period"),
    (["--period", "2026-12"], "in the future"),
    (["--period", "2026-10", "--scope", "site:nowhere"], "tenant:ID"),
    (["--period", "2026-10", "--format", "docx"], "unknown export format"),
])
def test_bad_input_is_one_line_and_exit_2(home: Path, tmp_path: Path, args: list[str], needle: str) -> None:
    r = run_kotanet("sla", "report", *args, "--inventory", str(MINI), "--out", str(tmp_path / "o"), env=env(home))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert not (tmp_path / "o").exists()


def test_missing_key_is_exit_2_with_the_hint(tmp_path: Path) -> None:
    r = run_kotanet("sla", "report", "--period", "2026-10", "--inventory", str(MINI), "--out", str(tmp_path / "o"),
                    env={"KOTANET_HOME": str(tmp_path / "empty"), "KOTANET_STORE": "memory:"})
    assert r.returncode == 2
    assert "kotanet keys init" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_lang_id_gives_indonesian_headers(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "id"
    r = run_kotanet("sla", "report", "--period", "2026-10", "--inventory", str(MINI), "--out", str(out),
                    "--format", "csv,pdf", "--lang", "id", "--scope", "website", env=env(home))
    assert r.returncode == 0, r.stderr
    header = (out / "sla-2026-10-summary.csv").read_text().splitlines()[0]
    assert header.startswith("target SLA,nama,cakupan,target terpantau,periode")
    assert "ditulis ke" in r.stderr
    assert run_kotanet("sla", "verify", str(out)).returncode == 0


def test_status_json(home: Path) -> None:
    r = run_kotanet("sla", "status", "--inventory", str(MINI), "--json", env=env(home))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["period"] == "2026-11"
    assert [t["target"] for t in data["targets"]] == ["website", "kec-tengah"]
    web = data["targets"][0]
    assert web["availability"] is None and web["state"] == "no_data" and web["slo"] == pytest.approx(0.995)
    # the whole of November's budget is left: 0.5 % of 43,200 min = 216 min
    assert web["budget_seconds"] == pytest.approx(216 * 60)
