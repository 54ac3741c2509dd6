"""A real NetBox 4.7.3 for a test module: scripts/netbox-dev starts it on a free loopback port with a database
of its own (CREATE DATABASE ... TEMPLATE from the committed schema dump), and stops it (by pid) afterwards.

Skips on a laptop without PostgreSQL or Redis (saying which); fails in CI (KOTANET_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, require_service

SCRIPT = ROOT / "scripts" / "netbox-dev"

__all__ = ["NetBox", "netbox_server"]


def _reachable(port: int, payload: bytes | None = None, expect: bytes = b"") -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            if payload:
                s.sendall(payload)
                return s.recv(16).startswith(expect)
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False,
                          cwd=ROOT)


class NetBox:
    """What scripts/netbox-dev start reported: url, tokens (v1, v2), pid, database."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.url: str = info["url"]
        self.token_v1: str = info["token_v1"]
        self.token_v2: str = info["token_v2"]
        self.pid: int = info["pid"]
        self.db: str = info["db"]

    def env(self, token: str | None = None) -> dict[str, str]:
        return {"NETBOX_URL": self.url, "NETBOX_TOKEN": token or self.token_v2}


@contextmanager
def netbox_server(tag: str) -> Iterator[NetBox]:
    require_service(_reachable(5432), "PostgreSQL on 127.0.0.1:5432")
    require_service(_reachable(6379, b"PING\r\n", b"+PONG"), "Redis on 127.0.0.1:6379")
    install = _run("install", timeout=1800)
    assert install.returncode == 0, install.stderr[-3000:]
    port = _free_port()
    db = f"kotanet_nb_{tag}_{uuid.uuid4().hex[:8]}"
    started = _run("start", "--port", str(port), "--db", db, "--fresh", "--workers", "3", timeout=600)
    if started.returncode == 2:
        require_service(False, started.stderr.strip().splitlines()[-1])
    assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-3000:]
    nb = NetBox(json.loads(started.stdout))
    try:
        yield nb
    finally:
        _run("stop", "--port", str(port), "--drop-db", timeout=120)
        if Path(f"/proc/{nb.pid}").exists():  # only the pid the script reported
            with suppress(ProcessLookupError):
                os.killpg(nb.pid, signal.SIGKILL)
