"""`kotanet users ...` and `kotanet grafana export` through the real command."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.conftest import FIXED_NOW, run_kotanet

pytestmark = pytest.mark.cli

SECRET = "s3cret-passw0rd"


def kotanet_in(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOTANET_NOW": FIXED_NOW, "COLUMNS": "160", "NO_COLOR": "1", "KOTANET_HOME": str(home)}
    env.pop("KOTANET_LANG", None)
    env.pop("KOTANET_WEB_STATE", None)
    return subprocess.run([sys.executable, "-m", "kotanet.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_users_add_list_token_remove(tmp_path: Path) -> None:
    r = kotanet_in(tmp_path, "users", "add", "budi", "--role", "engineer", "--password-stdin", stdin=SECRET + "\n")
    assert r.returncode == 0, r.stderr
    assert "added user budi (engineer)" in r.stdout
    assert SECRET not in r.stdout + r.stderr
    db = tmp_path / "web" / "web.db"
    (stored,) = sqlite3.connect(db).execute("SELECT password_hash FROM users WHERE name = 'budi'").fetchone()
    assert stored.startswith("$argon2id$") and PasswordHasher().verify(stored, SECRET)

    r = kotanet_in(tmp_path, "users", "add", "budi", "--role", "noc", "--password-stdin", stdin=SECRET + "\n")
    assert r.returncode == 2 and "already exists" in r.stderr and "Traceback" not in r.stderr
    r = kotanet_in(tmp_path, "users", "add", "sari", "--role", "superuser", "--password-stdin", stdin=SECRET + "\n")
    assert r.returncode == 2 and "unknown role" in r.stderr
    r = kotanet_in(tmp_path, "users", "add", "sari", "--role", "auditor", "--password-stdin", stdin="short\n")
    assert r.returncode == 2 and "too short" in r.stderr
    r = kotanet_in(tmp_path, "users", "add", "Bad Name", "--role", "auditor", "--password-stdin", stdin=SECRET)
    assert r.returncode == 2 and "invalid user name" in r.stderr

    r = kotanet_in(tmp_path, "users", "token", "budi")
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert token.startswith("knt_") and len(token) > 40
    assert "shown only once" in r.stderr
    assert token not in db.read_bytes().decode("latin-1")

    r = kotanet_in(tmp_path, "users", "list")
    assert r.returncode == 0
    line = next(ln for ln in r.stdout.splitlines() if "budi" in ln)
    assert "engineer" in line and " 1 " in line
    assert token not in r.stdout and "argon2" not in r.stdout

    assert kotanet_in(tmp_path, "users", "token", "nobody").returncode == 2
    r = kotanet_in(tmp_path, "users", "remove", "budi")
    assert r.returncode == 0 and "removed user budi" in r.stdout
    assert kotanet_in(tmp_path, "users", "remove", "budi").returncode == 2
    assert sqlite3.connect(db).execute("SELECT count(*) FROM tokens").fetchone() == (0,)


def test_users_speak_indonesian(tmp_path: Path) -> None:
    r = kotanet_in(tmp_path, "--lang", "id", "users", "add", "ani", "--role", "noc", "--password-stdin",
                   stdin=SECRET + "\n")
    assert r.returncode == 0 and "pengguna ani (noc) ditambahkan" in r.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_and_stops(tmp_path: Path) -> None:
    import time

    import httpx

    r = kotanet_in(tmp_path, "users", "add", "ops", "--role", "noc", "--password-stdin", stdin=SECRET + "\n")
    assert r.returncode == 0, r.stderr
    port = _free_port()
    env = {**os.environ, "KOTANET_NOW": FIXED_NOW, "NO_COLOR": "1", "KOTANET_HOME": str(tmp_path)}
    env.pop("KOTANET_WEB_STATE", None)
    proc = subprocess.Popen([sys.executable, "-m", "kotanet.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).text == "ok\n":
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "kotanet serve did not come up"
            time.sleep(0.2)
        assert httpx.get(url + "/").status_code == 303
        with httpx.Client(base_url=url) as c:
            assert c.post("/login", data={"username": "ops", "password": SECRET}).status_code == 303
            page = c.get("/")
            assert page.status_code == 200 and "sla-balaikota" in page.text
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert f"NOC dashboard at {url}/" in err
    assert SECRET not in out + err


def test_grafana_export(tmp_path: Path) -> None:
    r = run_kotanet("grafana", "export")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["uid"] == "kotanet-noc" and d["panels"]
    out = tmp_path / "dash" / "kotanet.json"
    r = run_kotanet("grafana", "export", "--out", str(out))
    assert r.returncode == 0 and json.loads(out.read_text()) == d
    assert "wrote the Grafana dashboard" in r.stderr
    r = run_kotanet("grafana", "export", "--out", "/proc/no/such/dir/x.json")
    assert r.returncode == 2 and "Traceback" not in r.stderr
