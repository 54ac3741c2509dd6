"""Shared by the dashboard's service tests: the real app (create_app) under a real uvicorn on a free loopback
port, over a store seeded with a month of generated history, with one user per role and a signing key.

    with live_app(tmp_path) as app:
        app.url, app.users["auditor"], app.token("engineer"), app.key_dir ...
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kotanet.clock import Clock, FixedClock
from kotanet.inventory.models import Inventory

ROLES = ("admin", "engineer", "noc", "auditor")
#: The tests' "now" (tests/conftest.py FIXED_NOW): the seeded month ends here.
NOW = dt.datetime.fromisoformat("2026-11-24T08:00:00+07:00")


@dataclass
class LiveApp:
    url: str
    state_dir: Path
    store_url: str
    key_dir: Path
    users: dict[str, tuple[str, str]]  # role -> (name, password)
    inventory: Inventory
    server: Any
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str) -> str:
        """An API token of the role's user (made once, then reused)."""
        if role not in self.tokens:
            from kotanet.web.auth import Auth
            from kotanet.web.db import WebDb
            from kotanet.web.settings import WebSettings

            auth = Auth(WebDb(self.state_dir), WebSettings(state_dir=self.state_dir))
            self.tokens[role] = auth.new_token(self.users[role][0])
        return self.tokens[role]


def seed_store(store_url: str, inv: Inventory, now: dt.datetime, months: int = 1) -> None:
    from kotanet.monitors.stores import open_store
    from kotanet.slas.seed import seed_history

    store = open_store(store_url)
    try:
        seed_history(inv, store, months=months, now=now, seed=0)
    finally:
        store.close()


def add_users(state_dir: Path) -> dict[str, tuple[str, str]]:
    """One user per role; the password is the role name repeated (not a secret: a test fixture)."""
    from kotanet.web.auth import Auth
    from kotanet.web.db import WebDb
    from kotanet.web.roles import Role
    from kotanet.web.settings import WebSettings

    auth = Auth(WebDb(state_dir), WebSettings(state_dir=state_dir))
    users = {}
    for role in ROLES:
        name, password = f"test-{role}", f"{role}-pass-{role}"
        auth.add_user(name, Role(role), password)
        users[role] = (name, password)
    return users


@contextlib.contextmanager
def serve(app: Any, *, host: str = "127.0.0.1") -> Iterator[tuple[str, Any]]:
    """Serve an ASGI app with uvicorn in a thread on a free port of `host`: (base URL, uvicorn.Server)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(256)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}", server
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@contextlib.contextmanager
def live_app(root: Path, *, clock: Clock | None = None, inventory: Inventory | None = None,
             inventory_dir: Path | None = None, store_url: str | None = None, seed: bool = True,
             **settings: Any) -> Iterator[LiveApp]:
    """The dashboard on the embedded dataset (or `inventory_dir`), over a seeded SQLite store in `root`."""
    from kotanet.inventory.source import open_inventory
    from kotanet.monitors.stores import default_store_url
    from kotanet.slas.signing import init_keys
    from kotanet.web.app import create_app
    from kotanet.web.settings import WebSettings

    clock = clock or FixedClock(NOW)
    state_dir = root / "web"
    state_dir.mkdir(parents=True, exist_ok=True)
    key_dir = root / "keys"
    init_keys(key_dir)
    inv = inventory or open_inventory(inventory_dir)
    url = store_url or default_store_url(state_dir)
    if seed:
        seed_store(url, inv, clock.now())
    users = add_users(state_dir)
    app = create_app(WebSettings(state_dir=state_dir, inventory=inventory_dir, store_url=url, clock=clock,
                                 key_dir=key_dir, **settings))
    with serve(app) as (base, server):
        yield LiveApp(base, state_dir, url, key_dir, users, inv, server)
