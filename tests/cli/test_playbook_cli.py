"""`kotanet playbook render|deploy|drift|backups` through the real command: outputs and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kotanet.inventory import open_inventory
from kotanet.playbooks.render import render_all
from tests.conftest import run_kotanet

pytestmark = pytest.mark.cli

CREDS_ENV = {"KOTANET_DEVICE_USERNAME": "noc", "KOTANET_DEVICE_PASSWORD": "pw-not-used"}


def test_render_all_writes_configs_and_mops(tmp_path: Path) -> None:
    proc = run_kotanet("playbook", "render", "--all", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    expected = render_all(open_inventory(None))
    folders = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert folders == sorted(f"route-{r}" for r in expected)
    for route, configs in expected.items():
        folder = tmp_path / "out" / f"route-{route}"
        for dev, cfg in configs.items():
            ext = {"ios": "cfg", "routeros": "rsc", "junos": "set"}[cfg.platform.value]
            assert (folder / f"{dev}.{ext}").read_text() == cfg.text
        mops = sorted(p.name for p in folder.glob("MOP-*"))
        assert mops == sorted(f"MOP-route-{route}.{lang}.{fmt}" for lang in ("en", "id") for fmt in ("md", "html"))
    assert "wrote 51 config(s) and 72 MOP file(s) for 18 route(s)" in proc.stdout


def test_render_one_route_for_another_platform_in_indonesian(tmp_path: Path) -> None:
    proc = run_kotanet("--lang", "id", "playbook", "render", "7", "--platform", "junos", "--lang", "id",
                       "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "route-7").iterdir())
    assert names == ["MOP-route-7.id.html", "MOP-route-7.id.md", "kec-tanah-sareal-ap1.set",
                     "kec-tanah-sareal-r1.set", "kel-kedung-badak-r1.set"]
    assert "set interfaces sfp1 unit 0 family inet address 10.255.0.30/30" in \
        (tmp_path / "route-7" / "kel-kedung-badak-r1.set").read_text()
    assert (tmp_path / "route-7" / "MOP-route-7.id.md").read_text().startswith("# Prosedur kerja (MOP): rute 7")
    assert "konfigurasi" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["playbook", "render", "99"], "unknown route '99' (valid routes: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
                                   "14, 15, 16a, 16b, 17)"),
    (["playbook", "render"], "give a ROUTE or --all"),
    (["playbook", "render", "4", "--all"], "give a ROUTE or --all"),
    (["playbook", "render", "4", "--platform", "cumulus"], "unknown platform 'cumulus'"),
    (["playbook", "render", "4", "--lang", "fr"], "unknown MOP language 'fr'"),
    (["playbook", "deploy", "7"], "give exactly one of --dry-run and --commit"),
    (["playbook", "deploy", "7", "--dry-run", "--commit"], "give exactly one of --dry-run and --commit"),
    (["playbook", "deploy", "99", "--dry-run"], "unknown route '99'"),
    (["playbook", "deploy", "7", "--dry-run"], "a real network address, and --live was not given"),
    (["playbook", "deploy", "7", "--dry-run", "--driver", "telnet"], "unknown driver 'telnet'"),
    (["playbook", "drift"], "give a ROUTE or --all"),
])
def test_bad_input_exits_2_with_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    proc = run_kotanet(*args, "--out" if args[1] == "render" else "--json", *([str(tmp_path)] if args[1] == "render"
                                                                          else []),
                       env={**CREDS_ENV, "KOTANET_HOME": str(tmp_path / "home")})
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "home" / "backups").exists()  # nothing was contacted or backed up


def test_secrets_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    secrets = tmp_path / "s.yaml"
    secrets.write_text("default: {username: noc, password: hunter2-secret}\n")
    secrets.chmod(0o644)
    proc = run_kotanet("playbook", "deploy", "7", "--dry-run", "--secrets", str(secrets),
                       env={"KOTANET_HOME": str(tmp_path / "home")})
    assert proc.returncode == 2
    assert f"chmod 600 {secrets}" in proc.stderr
    assert "hunter2-secret" not in proc.stderr + proc.stdout


def test_targets_file_missing_a_device_is_refused(tmp_path: Path) -> None:
    targets = tmp_path / "t.json"
    targets.write_text('{"devices": {"kel-kedung-badak-r1": {"host": "127.0.0.1", "port": 1, '
                       '"platform": "routeros"}}}')
    proc = run_kotanet("playbook", "deploy", "7", "--commit", "--targets", str(targets),
                       env={**CREDS_ENV, "KOTANET_HOME": str(tmp_path / "home")})
    assert proc.returncode == 2
    assert "device kec-tanah-sareal-ap1 is not in" in proc.stderr
    targets.write_text("{not json")
    proc = run_kotanet("playbook", "deploy", "7", "--commit", "--targets", str(targets), env=CREDS_ENV)
    assert proc.returncode == 2
    assert f"{targets}:1: not valid JSON" in proc.stderr


def test_backups_empty(tmp_path: Path) -> None:
    proc = run_kotanet("playbook", "backups", env={"KOTANET_HOME": str(tmp_path)})
    assert proc.returncode == 0
    assert f"no backups in {tmp_path / 'backups'}" in proc.stdout
