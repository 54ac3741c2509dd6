"""The SQLite store under failure: kill -9 mid-run, a locked database, an unwritable path; and store URLs."""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from kotanet.errors import KotanetError, UsageError
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.records import State, Transition
from kotanet.monitors.sqlite_store import SqliteStore
from kotanet.monitors.store import StoreError
from kotanet.monitors.stores import (
    ACCEPTED_URL_FORMS,
    StoreUnavailableError,
    default_store_url,
    open_store,
    redact_url,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

T0 = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
BATCH = 50
TIMEOUT_S = 30.0

# Appends batch after batch and prints each batch number once append_transitions has returned.
WRITER = r"""
import datetime as dt, sys
from kotanet.monitors.records import State, Transition
from kotanet.monitors.sqlite_store import SqliteStore
store = SqliteStore(sys.argv[1])
size = int(sys.argv[2])
t0 = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
for n in range(int(sys.argv[3]), int(sys.argv[3]) + 100_000):
    store.append_transitions([
        Transition(f"t{(n + i) % 7}", t0 + dt.timedelta(seconds=n * size + i), State.DOWN if i % 2 else State.UP,
                   f"batch {n}")
        for i in range(size)])
    print(n, flush=True)
"""


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The child's stdout lines, then None at EOF, read on a thread so the test can wait with a timeout."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _next(lines: queue.Queue[str | None], deadline: float, what: str) -> str | None:
    try:
        return lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        pytest.fail(f"timed out after {TIMEOUT_S:g} s waiting for {what}")


def _run_and_kill(db: Path, err: Path, first: int, lines_before_kill: int) -> list[int]:
    """Start a writer at batch `first`, SIGKILL it once it has reported `lines_before_kill` batches; return
    every batch number it reported committed (also those printed before the kill and read after it)."""
    with err.open("w") as err_file:
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(BATCH), str(first)],
                                stdout=subprocess.PIPE, stderr=err_file, text=True, cwd=ROOT)
    try:
        lines = _lines(proc)
        deadline = time.monotonic() + TIMEOUT_S
        reported: list[int] = []
        while len(reported) < lines_before_kill:  # let it get into its run, then kill it wherever it is
            line = _next(lines, deadline, "the writer's batches")
            if line is None:
                pytest.fail(f"the writer exited early: {err.read_text()}")
            reported.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=TIMEOUT_S) == -signal.SIGKILL
        while (line := _next(lines, deadline, "the end of the writer's output")) is not None:
            reported.append(int(line))
        return reported
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=TIMEOUT_S)
        if proc.stdout is not None:
            proc.stdout.close()


def test_kill_9_keeps_every_batch_reported_committed(tmp_path: Path) -> None:
    """Four writers in turn on one database, each killed mid-run: every batch a writer reported is there in
    full, no batch is there in part, and the file passes integrity_check after each crash."""
    db, err = tmp_path / "kotanet.db", tmp_path / "writer.err"
    first = 0
    for lines_before_kill in (40, 15, 25, 35):
        reported = _run_and_kill(db, err, first, lines_before_kill)
        assert reported == list(range(first, first + len(reported)))
        with sqlite3.connect(db) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        raw.close()
        store = SqliteStore(db)
        try:
            per_batch = Counter(int(t.reason.removeprefix("batch ")) for t in store.transitions())
            assert store.targets() == [f"t{i}" for i in range(7)]
        finally:
            store.close()
        missing = [n for n in reported if per_batch[n] != BATCH]
        assert not missing, f"batches reported committed but not (fully) there after kill -9: {missing}"
        # all or nothing: at most the one batch being committed as the kill came is there, unreported
        assert set(per_batch.values()) == {BATCH}, f"a batch is there in part: {per_batch}"
        assert sorted(per_batch) in (list(range(reported[-1] + 1)), list(range(reported[-1] + 2)))
        first = max(per_batch) + 1


def _transitions(n: int = 3) -> list[Transition]:
    return [Transition("sw-1", T0 + dt.timedelta(minutes=i), State.UP if i % 2 else State.DOWN) for i in range(n)]


HOLDER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.mark.parametrize("holder", ["connection", "process"])
def test_a_locked_database_raises_store_unavailable(tmp_path: Path, holder: str) -> None:
    db = tmp_path / "kotanet.db"
    SqliteStore(db).close()
    held: sqlite3.Connection | subprocess.Popen[str]
    if holder == "connection":
        held = conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # takes the write lock and keeps it
    else:
        held = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        assert _next(_lines(held), time.monotonic() + TIMEOUT_S, "the lock holder") == "locked\n"
    try:
        store = SqliteStore(db, busy_timeout_s=0.2)  # opening an existing store writes nothing
        assert store.transitions() == []  # and readers are not blocked (WAL)
        writes: list[Callable[[], None]] = [lambda: store.append_transitions(_transitions()),
                                            lambda: store.heartbeat("p", T0)]
        for write in writes:
            with pytest.raises(StoreUnavailableError) as info:
                write()
            message = str(info.value)
            assert "locked" in message and str(db) in message, message
            assert "\n" not in message
            assert isinstance(info.value, StoreError) and isinstance(info.value, KotanetError)
    finally:
        if isinstance(held, sqlite3.Connection):
            held.execute("ROLLBACK")
            held.close()
        else:
            held.communicate("", timeout=TIMEOUT_S)
    store.append_transitions(_transitions())  # the lock is gone: the same store writes again
    assert store.transitions() == _transitions()
    assert store.last_heartbeat("p") is None
    store.close()


def test_a_locked_new_database_cannot_be_created(tmp_path: Path) -> None:
    db = tmp_path / "kotanet.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailableError, match="locked"):
            SqliteStore(db, busy_timeout_s=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    SqliteStore(db).close()


def _one_line_error(path: Path, *fragments: str) -> None:
    with pytest.raises(StoreUnavailableError) as info:
        open_store(f"sqlite://{path}")
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message, message


def test_a_path_under_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a directory\n")
    _one_line_error(tmp_path / "plain" / "kotanet.db", "is not a directory")


def test_a_missing_directory(tmp_path: Path) -> None:
    _one_line_error(tmp_path / "nowhere" / "kotanet.db", "does not exist", "create it")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _one_line_error(ro / "kotanet.db", "cannot open SQLite store")
    finally:
        ro.chmod(0o755)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "kotanet.db"
    junk.write_bytes(b"this is a report, not a database\n" * 100)
    _one_line_error(junk, "not a usable SQLite database")
    assert junk.read_bytes().startswith(b"this is a report")


def test_a_store_written_by_a_newer_kotanet(tmp_path: Path) -> None:
    db = tmp_path / "kotanet.db"
    SqliteStore(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE schema_version SET version = 99")
    raw.close()
    _one_line_error(db, "schema version 99", "upgrade kotanet")


def test_the_database_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    db = tmp_path / "kotanet.db"
    store = SqliteStore(db)
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    raw.close()
    conn = store._conn  # the store's own connection settings
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    store.close()


# --- store URLs ----------------------------------------------------------------------------------------------------


def test_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(open_store("memory:"), MemoryStore)
    url = default_store_url(tmp_path)
    assert url == f"sqlite://{tmp_path}/kotanet.db"
    store = open_store(url)
    assert isinstance(store, SqliteStore) and store.path == tmp_path / "kotanet.db"
    assert store.description == f"SQLite store {tmp_path / 'kotanet.db'}"
    store.close()
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:relative.db")
    assert isinstance(store, SqliteStore)
    store.close()
    assert (tmp_path / "relative.db").is_file()


@pytest.mark.parametrize("url", ["", "   ", "mysql://kotanet:secret@db/kotanet", "sqlite:", "sqlite://", "sqlite:/x.db",
                                 "sqlite://host/x.db", "sqlite:////x.db", "memory:x", "memory", "postgresql:x",
                                 "/var/lib/kotanet/kotanet.db"])
def test_a_bad_url_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError) as info:
        open_store(url)
    message = str(info.value)
    assert "\n" not in message and ACCEPTED_URL_FORMS in message
    assert "secret" not in message


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://kotanet:s3cret@db.kominfo:5432/kotanet", "postgresql://kotanet:***@db.kominfo:5432/kotanet"),
    ("postgresql://kotanet:p@ss:w0rd@db/kotanet", "postgresql://kotanet:***@db/kotanet"),
    ("postgresql://kotanet@db/kotanet", "postgresql://kotanet@db/kotanet"),
    ("postgresql://db/kotanet?sslmode=require&password=s3cret", "postgresql://db/kotanet?sslmode=require&password=***"),
    ("host=db user=kotanet password=s3cret dbname=kotanet", "host=db user=kotanet password=*** dbname=kotanet"),
    ("host=db password='s3 cret' dbname=kotanet", "host=db password=*** dbname=kotanet"),
])
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
