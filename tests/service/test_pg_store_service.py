"""PostgreSQL-only store tests: concurrent pollers, a lost connection, an unreachable server."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest

from kotanet.monitors.records import State, Transition
from kotanet.monitors.stores import StoreUnavailableError, open_store
from tests.conformance.test_store import temporary_pg_database
from tests.conftest import ROOT

pytestmark = pytest.mark.service

T0 = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
TIMEOUT_S = 60

# One poller: waits for "go" on stdin, then appends its batches (own target + a target every poller shares).
POLLER = r"""
import datetime as dt, sys
from kotanet.monitors.records import State, Transition
from kotanet.monitors.stores import open_store
dsn, name, batches = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.stdin.readline()
store = open_store(dsn)  # the pollers start together: the schema is created once, under a lock
t0 = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
shared = [Transition("shared", t0 + dt.timedelta(seconds=i), State.UP, "same for all") for i in range(50)]
for n in range(batches):
    rows = [Transition(name, t0 + dt.timedelta(seconds=n * 20 + i), State.DOWN if i % 2 else State.UP, f"{name} {n}")
            for i in range(20)]
    store.append_transitions(rows + (shared if n % 2 else shared[::-1]))
    store.heartbeat(name, t0 + dt.timedelta(seconds=n))
store.close()
"""


@pytest.fixture
def pg_dsn() -> Iterator[str]:
    with temporary_pg_database() as dsn:
        yield dsn


def test_pollers_writing_at_once(pg_dsn: str) -> None:
    names, batches = [f"poller-{i}" for i in range(4)], 25
    procs = [subprocess.Popen([sys.executable, "-c", POLLER, pg_dsn, name, str(batches)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) for name in names]
    try:
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            _, err = proc.communicate(timeout=TIMEOUT_S)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    store = open_store(pg_dsn)
    try:
        assert store.targets() == sorted([*names, "shared"])
        rows = store.transitions()
        per_batch = Counter(t.reason for t in rows if t.target != "shared")
        assert per_batch == {f"{name} {n}": 20 for name in names for n in range(batches)}
        assert [t.at for t in rows if t.target == "shared"] == [T0 + dt.timedelta(seconds=i) for i in range(50)]
        assert all(store.last_heartbeat(name) == T0 + dt.timedelta(seconds=batches - 1) for name in names)
    finally:
        store.close()


def test_a_lost_connection_fails_one_call_and_the_next_reconnects(pg_dsn: str) -> None:
    import psycopg

    store = open_store(pg_dsn)
    try:
        store.append_transitions([Transition("sw-1", T0, State.UP)])
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'kotanet' AND datname = current_database()")
        late = Transition("sw-1", T0 + dt.timedelta(minutes=1), State.DOWN, "3 probes failed")
        with pytest.raises(StoreUnavailableError) as info:
            store.append_transitions([late])
        assert "\n" not in str(info.value) and "PostgreSQL store" in str(info.value)
        store.append_transitions([late])  # the poller retries its buffer: a new connection, and it is written
        assert store.transitions() == [Transition("sw-1", T0, State.UP), late]
    finally:
        store.close()


@pytest.mark.parametrize("url", ["postgresql://kotanet:s3cret@127.0.0.1:1/kotanet",
                                 "postgres://kotanet:s3cret@127.0.0.1:1/kotanet?sslmode=disable"])
def test_an_unreachable_server(url: str) -> None:
    with pytest.raises(StoreUnavailableError) as info:
        open_store(url, connect_timeout_s=3)
    message = str(info.value)
    assert "s3cret" not in message and "kotanet:***@127.0.0.1:1" in message, message
    assert "\n" not in message and "check that PostgreSQL runs" in message
    assert "s3cret" not in str(info.value.__cause__)  # nor in psycopg's message, shown in a traceback
