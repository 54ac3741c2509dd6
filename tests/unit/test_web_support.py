"""Shared set-up of the web tests (no tests here): an app over the embedded Bogor inventory, a month of seeded
history in a memory store, a fixed clock for the figures and a clock the tests move for sessions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from kotanet.clock import FixedClock
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.store import Store
from kotanet.slas.seed import seed_history
from kotanet.slas.signing import init_keys
from kotanet.web.app import create_app
from kotanet.web.auth import Auth
from kotanet.web.db import WebDb
from kotanet.web.roles import Role
from kotanet.web.settings import WebSettings

NOW = dt.datetime.fromisoformat("2026-11-24T08:00:00+07:00")
PASSWORD = "correct horse battery"
USERS = {"admin1": Role.ADMIN, "eng1": Role.ENGINEER, "noc1": Role.NOC, "aud1": Role.AUDITOR}
FAST = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)  # real argon2id, cheap for tests
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class MovingClock:
    at: dt.datetime = NOW

    def now(self) -> dt.datetime:
        return self.at


@cache
def bogor() -> Inventory:
    return open_inventory(None)


@cache
def seeded_store() -> MemoryStore:
    """A month and a bit of generated history (read-only in the tests)."""
    store = MemoryStore()
    seed_history(bogor(), store, months=1, now=NOW, seed=0)
    return store


@dataclass
class Web:
    client: TestClient
    settings: WebSettings
    clock: MovingClock
    state_dir: Path
    csrf: dict[str, str] = field(default_factory=dict)

    def login(self, name: str, password: str = PASSWORD) -> str:
        """Log ``name`` in on this client (replacing any session); returns the session's CSRF token."""
        self.client.cookies.clear()
        r = self.client.post("/login", data={"username": name, "password": password, "next": "/"},
                             follow_redirects=False)
        assert r.status_code == 303, r.text
        page = self.client.get("/maintenance")
        m = _CSRF.search(page.text)
        assert m, "no CSRF token on the page"
        self.csrf[name] = m.group(1)
        return m.group(1)

    @property
    def db(self) -> WebDb:
        return WebDb(self.state_dir)


def make_web(tmp_path: Path, *, store: Store | None = None, metrics_public: bool = False,
             with_key: bool = True) -> Web:
    clock = MovingClock()
    key_dir = tmp_path / "keys"
    if with_key:
        init_keys(key_dir)
    settings = WebSettings(state_dir=tmp_path / "web", store=store if store is not None else seeded_store(),
                           clock=FixedClock(NOW), session_clock=clock, metrics_public=metrics_public,
                           key_dir=key_dir, figures_ttl_s=60.0)
    app = create_app(settings, inventory=bogor(), hasher=FAST)
    auth = Auth(WebDb(settings.state_dir), settings, FAST)
    for name, role in USERS.items():
        auth.add_user(name, role, PASSWORD)
    return Web(TestClient(app), settings, clock, settings.state_dir)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m
    return m.group(1)
