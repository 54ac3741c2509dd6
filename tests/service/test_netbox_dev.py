"""scripts/netbox-dev against a real NetBox: install (cached in .netbox/), start on a free port with a fresh
database made from the committed schema dump, /api/status/ reports the pinned version, the v1 (`Token <t>`)
and v2 (`Bearer nbt_<key>.<token>`) tokens both authenticate, a site made through the REST API reads back,
and `stop` leaves none of the processes it started."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, require_service
from tests.service.netbox_fixture import _free_port, _reachable, _run

pytestmark = pytest.mark.service

NETBOX_VERSION = "4.7.3"


def _api(url: str, header: str, method: str = "GET", body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": header, "Accept": "application/json", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
    except OSError:
        return False
    return state != "Z"


def _group(pgid: int) -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                fields = (p / "stat").read_text().rsplit(") ", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(p.name))
    return pids


@pytest.fixture(scope="module")
def netbox() -> Any:
    require_service(_reachable(5432), "PostgreSQL on 127.0.0.1:5432")
    require_service(_reachable(6379, b"PING\r\n", b"+PONG"), "Redis on 127.0.0.1:6379")
    install = _run("install", timeout=1800)
    assert install.returncode == 0, install.stderr[-3000:]
    port = _free_port()
    db = f"kotanet_netbox_test_{uuid.uuid4().hex[:8]}"
    started = _run("start", "--port", str(port), "--db", db, "--fresh", timeout=600)
    if started.returncode == 2:
        require_service(False, started.stderr.strip().splitlines()[-1])
    assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-3000:]
    info = json.loads(started.stdout)
    try:
        yield info
    finally:
        _run("stop", "--port", str(port), "--drop-db", timeout=120)
        if _alive(info["pid"]):  # the test's own safety net: only the pid the script reported
            os.killpg(info["pid"], signal.SIGKILL)


def test_status_reports_the_pinned_version(netbox: dict[str, Any]) -> None:
    status, body = _api(f"{netbox['url']}/api/status/", netbox["header_v1"])
    assert status == 200, body
    assert body["netbox-version"].startswith(NETBOX_VERSION)


def test_both_token_versions_authenticate(netbox: dict[str, Any]) -> None:
    assert netbox["header_v1"] == f"Token {netbox['token_v1']}"
    assert netbox["header_v2"].startswith("Bearer nbt_") and "." in netbox["header_v2"]
    for header in (netbox["header_v1"], netbox["header_v2"]):
        status, body = _api(f"{netbox['url']}/api/users/tokens/", header)
        assert status == 200, body
        status, body = _api(f"{netbox['url']}/api/dcim/sites/", header)
        assert status == 200, body
    status, _ = _api(f"{netbox['url']}/api/dcim/sites/", "Token " + "x" * 40)
    assert status in (401, 403)


def test_site_roundtrip(netbox: dict[str, Any]) -> None:
    slug = f"kotanet-{uuid.uuid4().hex[:6]}"
    status, made = _api(f"{netbox['url']}/api/dcim/sites/", netbox["header_v2"], "POST",
                        {"name": f"Kotanet {slug}", "slug": slug, "status": "active"})
    assert status == 201, made
    status, got = _api(f"{netbox['url']}/api/dcim/sites/{made['id']}/", netbox["header_v1"])
    assert status == 200, got
    assert got["slug"] == slug and got["name"] == f"Kotanet {slug}"
    status, listed = _api(f"{netbox['url']}/api/dcim/sites/?slug={slug}", netbox["header_v2"])
    assert status == 200 and listed["count"] == 1


def test_stop_leaves_no_process(netbox: dict[str, Any]) -> None:
    pid = netbox["pid"]
    assert _alive(pid) and len(_group(pid)) >= 2  # the arbiter and its workers
    stopped = _run("stop", "--port", str(netbox["port"]), timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    deadline = time.monotonic() + 10
    while _group(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid) and _group(pid) == []
    assert not _reachable(netbox["port"])
    assert not (ROOT / ".netbox" / "run" / f"{netbox['port']}.pid").exists()
