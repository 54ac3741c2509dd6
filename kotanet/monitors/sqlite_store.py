"""The embedded default store: one SQLite file (``kotanet.db`` in the state directory).

Durability. The database runs in WAL mode with ``synchronous=FULL``: each batch is one ``BEGIN IMMEDIATE`` ..
``COMMIT`` transaction, and COMMIT returns only after the WAL frames of that transaction (ending with the commit
frame) have been written and fsync()ed. So a batch that ``append_transitions`` returned from survives a kill -9
of the process, an OS crash and a power cut (on a disk that honours fsync); a batch interrupted at any point is
rolled back as a whole when the WAL is next read, because a transaction without its commit frame is ignored.
With ``synchronous=NORMAL`` the WAL is fsynced only at checkpoints: a committed batch has been write()n to the
WAL file before COMMIT returns, so it lives in the kernel's page cache and still survives a kill -9 of the
process, but an OS crash or a power cut can lose the last committed batches (the file stays consistent, it
only goes back in time). The contract promises kill -9; we pay one fsync per batch (one per poll cycle) so
that a power cut in the server room does not lose the minutes that an SLA report is about.

Concurrency. Readers never block the writer nor each other (WAL). Writers are serialised by SQLite: a writer
waits up to ``busy_timeout_s`` for another one, then StoreUnavailableError says the database is locked.

Times are stored as integer microseconds since the epoch plus the UTC offset they were written with, so an
instant comes back exact and in the same offset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.store import Sample, SampleKind
from kotanet.monitors.stores import (
    StoreUnavailableError,
    annotation_row,
    at_instant,
    sample_rows,
    transition_rows,
    utc_offset_s,
)
from kotanet.timeutil import from_micros, to_micros

__all__ = ["SCHEMA_VERSION", "SqliteStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS targets (target TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transitions (
    target TEXT NOT NULL,
    at_us INTEGER NOT NULL,
    at_offset_s INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('up', 'down', 'unknown')),
    reason TEXT NOT NULL,
    PRIMARY KEY (target, at_us)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transitions_at ON transitions (at_us);
CREATE TABLE IF NOT EXISTS samples (
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    at_us INTEGER NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_target_kind_at ON samples (target, kind, at_us);
CREATE TABLE IF NOT EXISTS annotations (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    start_us INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    end_us INTEGER NOT NULL,
    end_offset_s INTEGER NOT NULL,
    text TEXT NOT NULL,
    CHECK (end_us >= start_us)
);
CREATE INDEX IF NOT EXISTS annotations_target_start ON annotations (target, start_us);
CREATE TABLE IF NOT EXISTS heartbeats (
    poller TEXT PRIMARY KEY,
    at_us INTEGER NOT NULL,
    at_offset_s INTEGER NOT NULL
) WITHOUT ROWID;
"""

_COLUMNS = "target, at_us, at_offset_s, state, reason"


class SqliteStore:
    """A Store in one SQLite file, created (with its schema) on first open.

    ``busy_timeout_s``: how long a write waits for another process's write lock before giving up."""

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout_s: float = 5.0) -> None:
        self._path = Path(path).absolute()
        self._busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()
        self._closed = False
        try:
            conn = sqlite3.connect(self._path, timeout=busy_timeout_s, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise self._cannot_open(exc) from exc
        try:
            self._conn = conn
            conn.execute(f"PRAGMA busy_timeout = {max(0, int(busy_timeout_s * 1000))}")
            mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
            if mode != "wal":
                raise StoreUnavailableError(
                    f"SQLite store {self._path} cannot use WAL mode (journal_mode is {mode})",
                    hint="put the database on a local filesystem that supports shared memory")
            conn.execute("PRAGMA synchronous = FULL")
            self._ensure_schema(conn)
        except sqlite3.Error as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
                raise self._cannot_open(exc) from exc
            raise self._unavailable(exc, "opening it") from exc
        except BaseException:
            conn.close()
            raise

    # --- plumbing --------------------------------------------------------------------------------------------

    @property
    def description(self) -> str:
        return f"SQLite store {self._path}"

    @property
    def path(self) -> Path:
        return self._path

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        version = self._schema_version(conn)
        if version == SCHEMA_VERSION:
            return  # an existing store: opening it writes nothing (so it opens even while another writes)
        if version is not None and version > SCHEMA_VERSION:
            raise StoreUnavailableError(
                f"{self.description} has schema version {version}, newer than this kotanet knows "
                f"({SCHEMA_VERSION})", hint="upgrade kotanet")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            if conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 0:
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            else:
                conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _schema_version(conn: sqlite3.Connection) -> int | None:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
        if found is None:
            return None
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def _cannot_open(self, exc: sqlite3.Error) -> StoreUnavailableError:
        parent = self._path.parent
        if not parent.exists():
            why = f"directory {parent} does not exist"
            hint = "create it, or choose another store path"
        elif not parent.is_dir():
            why = f"{parent} is not a directory"
            hint = "choose another store path"
        elif self._path.is_dir():
            why = "it is a directory"
            hint = "choose a file path"
        else:
            why = f"{exc} (is {parent} writable by this user?)"
            hint = "fix the permissions or choose another store path"
        return StoreUnavailableError(f"cannot open SQLite store {self._path}: {why}", hint=hint)

    def _unavailable(self, exc: sqlite3.Error, doing: str) -> StoreUnavailableError:
        text = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return StoreUnavailableError(
                f"{self.description} is locked by another process (waited {self._busy_timeout_s:g} s while "
                f"{doing})", hint="another program is writing to it; stop it or wait for it, then retry")
        if "readonly" in text or "read-only" in text:
            return StoreUnavailableError(f"{self.description} is read-only ({text}) while {doing}",
                                         hint="make the file and its directory writable by this user")
        if "not a database" in text or "malformed" in text:
            return StoreUnavailableError(f"{self.description} is not a usable SQLite database ({text})",
                                         hint="point the store URL at a kotanet.db file or at a new path")
        return StoreUnavailableError(f"{self.description} failed while {doing}: {text}",
                                     hint="check the disk (space, permissions) and retry")

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError(f"{self.description} has been closed")
        return self._conn

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE (takes the write lock, waiting up to the busy timeout) ..
        COMMIT; rolled back on any error. SQLite errors become StoreUnavailableError."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._unavailable(exc, doing) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):  # the transaction may be gone already (SQLite rolled it back)
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError | sqlite3.InternalError) \
                        or type(exc) is sqlite3.DatabaseError:
                    raise self._unavailable(exc, doing) from exc
                raise

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any], doing: str) -> list[Any]:
        """One statement, so one consistent snapshot."""
        with self._lock:
            conn = self._connection()
            try:
                return conn.execute(sql, params).fetchall()
            except (sqlite3.OperationalError, sqlite3.InternalError) as exc:
                raise self._unavailable(exc, doing) from exc
            except sqlite3.DatabaseError as exc:
                if type(exc) is sqlite3.DatabaseError:
                    raise self._unavailable(exc, doing) from exc
                raise

    # --- transitions -----------------------------------------------------------------------------------------

    def append_transitions(self, transitions: Sequence[Transition]) -> None:
        rows = transition_rows(transitions)  # validates everything before the transaction starts
        if not rows:
            return
        with self._write("appending transitions") as conn:
            conn.executemany("INSERT OR IGNORE INTO targets (target) VALUES (?)",
                             [(t,) for t in sorted({r[0] for r in rows})])
            conn.executemany(
                f"INSERT INTO transitions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (target, at_us) DO UPDATE SET at_offset_s = excluded.at_offset_s, "
                "state = excluded.state, reason = excluded.reason", rows)

    def transitions(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Transition]:
        if targets is not None and not targets:
            return []
        params: dict[str, Any] = {}
        window = []
        target_filter = ""
        if targets is not None:
            params["targets"] = _json_list(targets)
            target_filter = " AND target IN (SELECT value FROM json_each(:targets))"
        if start is not None:
            params["lo"] = to_micros(start)
            window.append("at_us >= :lo")
        if end is not None:
            params["hi"] = to_micros(end)
            window.append("at_us < :hi")
        where = " AND ".join(window) or "1"
        sql = f"SELECT {_COLUMNS} FROM transitions WHERE {where}{target_filter}"
        if start is not None:
            carry_filter = target_filter.replace("AND target", "AND g.target")
            sql += (
                f" UNION ALL SELECT {_COLUMNS} FROM ("
                "SELECT g.target AS target, (SELECT max(x.at_us) FROM transitions x "
                "WHERE x.target = g.target AND x.at_us < :lo) AS carry_us "
                f"FROM targets g WHERE 1{carry_filter}) c "
                "JOIN transitions t USING (target) WHERE t.at_us = c.carry_us")
        sql += " ORDER BY 1, 2"
        return [_transition(row) for row in self._read(sql, params, "reading transitions")]

    def last_transitions(self) -> dict[str, Transition]:
        rows = self._read(
            f"SELECT {_COLUMNS} FROM (SELECT g.target AS target, (SELECT max(x.at_us) FROM transitions x "
            "WHERE x.target = g.target) AS last_us FROM targets g) c "
            "JOIN transitions t USING (target) WHERE t.at_us = c.last_us ORDER BY 1", (),
            "reading the last transitions")
        return {row[0]: _transition(row) for row in rows}

    def targets(self) -> list[str]:
        rows = self._read("SELECT target FROM targets ORDER BY target", (), "listing targets")
        return [str(r[0]) for r in rows]

    # --- samples ---------------------------------------------------------------------------------------------

    def append_samples(self, samples: Sequence[Sample]) -> None:
        rows = sample_rows(samples)
        if not rows:
            return
        with self._write("appending samples") as conn:
            conn.executemany("INSERT INTO samples (target, kind, at_us, value) VALUES (?, ?, ?, ?)", rows)

    def samples(self, target: str, kind: SampleKind, *, start: dt.datetime, end: dt.datetime,
                step_s: int = 60) -> list[tuple[dt.datetime, float]]:
        if step_s < 1:
            raise ValueError(f"step_s must be at least 1 second, not {step_s}")
        step = step_s * 1_000_000
        rows = self._read(
            "SELECT at_us - (((at_us % :step) + :step) % :step) AS bucket, avg(value) FROM samples "
            "WHERE target = :target AND kind = :kind AND at_us >= :lo AND at_us < :hi "
            "GROUP BY bucket ORDER BY bucket",
            {"step": step, "target": target, "kind": SampleKind(kind).value, "lo": to_micros(start),
             "hi": to_micros(end)}, "reading samples")
        return [(from_micros(int(b), dt.UTC), float(v)) for b, v in rows]

    # --- annotations -----------------------------------------------------------------------------------------

    def annotate(self, annotation: Annotation) -> None:
        row = annotation_row(annotation)
        with self._write("adding an annotation") as conn:
            conn.execute("INSERT INTO annotations (target, start_us, start_offset_s, end_us, end_offset_s, text) "
                         "VALUES (?, ?, ?, ?, ?, ?)", row)

    def annotations(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Annotation]:
        if targets is not None and not targets:
            return []
        clauses = ["1"]
        params: dict[str, Any] = {}
        if targets is not None:
            params["targets"] = _json_list(targets)
            clauses.append("target IN (SELECT value FROM json_each(:targets))")
        if end is not None:
            params["hi"] = to_micros(end)
            clauses.append("start_us < :hi")
        if start is not None:
            params["lo"] = to_micros(start)
            clauses.append("end_us >= :lo")
        rows = self._read(
            "SELECT target, start_us, start_offset_s, end_us, end_offset_s, text FROM annotations "
            f"WHERE {' AND '.join(clauses)} ORDER BY target, start_us, id", params, "reading annotations")
        return [Annotation(str(t), at_instant(s, so), at_instant(e, eo), str(text)) for t, s, so, e, eo, text in rows]

    # --- heartbeats ------------------------------------------------------------------------------------------

    def heartbeat(self, poller: str, at: dt.datetime) -> None:
        offset = utc_offset_s(at, f"heartbeat of {poller}")
        with self._write("recording a heartbeat") as conn:
            conn.execute("INSERT INTO heartbeats (poller, at_us, at_offset_s) VALUES (?, ?, ?) "
                         "ON CONFLICT (poller) DO UPDATE SET at_us = excluded.at_us, "
                         "at_offset_s = excluded.at_offset_s", (poller, to_micros(at), offset))

    def last_heartbeat(self, poller: str) -> dt.datetime | None:
        rows = self._read("SELECT at_us, at_offset_s FROM heartbeats WHERE poller = ?", (poller,),
                          "reading a heartbeat")
        return at_instant(int(rows[0][0]), int(rows[0][1])) if rows else None

    # --- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteStore({str(self._path)!r})"


def _json_list(items: Collection[str]) -> str:
    return json.dumps(sorted({str(t) for t in items}))


def _transition(row: Sequence[Any]) -> Transition:
    target, at_us, offset_s, state, reason = row
    return Transition(str(target), at_instant(int(at_us), int(offset_s)), State(state), str(reason))
