"""A store in PostgreSQL (psycopg 3), for a site where several pollers write to one database.

The schema is the SQLite one with ``bigint`` microseconds since the epoch (plus the UTC offset the instant was
written with). Every batch is one transaction (READ COMMITTED), committed before the call returns; PostgreSQL
makes a commit durable (WAL flushed) unless the server runs with ``synchronous_commit = off`` or ``fsync = off``.

Several pollers may write at once: rows are written in (target, at_us) order, so two batches that share a
target cannot deadlock; a re-appended identical transition is a no-op (``ON CONFLICT .. DO UPDATE .. WHERE``
the row differs, so nothing is rewritten); the schema is created under an advisory lock, so pollers that start
together do not race. Text keys use the "C" collation, so targets sort by code point, as in the other stores.

A lost connection raises StoreUnavailableError; the next call reconnects.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.conninfo
import psycopg.errors

from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.store import Sample, SampleKind
from kotanet.monitors.stores import (
    StoreUnavailableError,
    annotation_row,
    at_instant,
    redact_url,
    sample_rows,
    transition_rows,
    utc_offset_s,
)
from kotanet.timeutil import from_micros, to_micros

__all__ = ["SCHEMA_VERSION", "PostgresStore"]

SCHEMA_VERSION = 1
_SCHEMA_LOCK = 0x6B6F74616E6574  # "kotanet": the advisory lock taken while creating the schema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS targets (target text COLLATE "C" PRIMARY KEY);
CREATE TABLE IF NOT EXISTS transitions (
    target text COLLATE "C" NOT NULL,
    at_us bigint NOT NULL,
    at_offset_s integer NOT NULL,
    state text NOT NULL CHECK (state IN ('up', 'down', 'unknown')),
    reason text NOT NULL,
    PRIMARY KEY (target, at_us)
);
CREATE INDEX IF NOT EXISTS transitions_at ON transitions (at_us);
CREATE TABLE IF NOT EXISTS samples (
    target text COLLATE "C" NOT NULL,
    kind text NOT NULL,
    at_us bigint NOT NULL,
    value double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_target_kind_at ON samples (target, kind, at_us);
CREATE TABLE IF NOT EXISTS annotations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target text COLLATE "C" NOT NULL,
    start_us bigint NOT NULL,
    start_offset_s integer NOT NULL,
    end_us bigint NOT NULL,
    end_offset_s integer NOT NULL,
    text text NOT NULL,
    CHECK (end_us >= start_us)
);
CREATE INDEX IF NOT EXISTS annotations_target_start ON annotations (target, start_us);
CREATE TABLE IF NOT EXISTS heartbeats (
    poller text PRIMARY KEY,
    at_us bigint NOT NULL,
    at_offset_s integer NOT NULL
);
"""

_COLUMNS = "target, at_us, at_offset_s, state, reason"

Connection = psycopg.Connection[tuple[Any, ...]]


class PostgresStore:
    """A Store in a PostgreSQL database (which must exist; the tables are created on first open).

    ``dsn``: a ``postgresql://`` URL or a libpq ``key=value`` string. ``connect_timeout_s``: how long to try
    to reach the server."""

    def __init__(self, dsn: str, *, connect_timeout_s: float = 10.0) -> None:
        self._dsn = dsn
        self._shown = redact_url(dsn)
        self._connect_timeout_s = connect_timeout_s
        self._lock = threading.RLock()
        self._closed = False
        self._conn: Connection | None = None
        try:
            self._password = str(psycopg.conninfo.conninfo_to_dict(dsn).get("password") or "")
        except psycopg.Error as exc:
            raise StoreUnavailableError(f"bad PostgreSQL store URL {self._shown}: {self._scrub(str(exc))}",
                                        hint="write it as postgresql://user@host:port/dbname") from exc
        with self._lock:
            conn = self._connection()
            try:
                self._ensure_schema(conn)
            except BaseException as exc:
                self.close()
                if isinstance(exc, psycopg.Error):
                    raise self._unavailable(exc, "creating the schema") from exc
                raise

    # --- plumbing --------------------------------------------------------------------------------------------

    @property
    def description(self) -> str:
        return f"PostgreSQL store {self._shown}"

    def _scrub(self, text: str) -> str:
        text = " ".join(text.split())
        return text.replace(self._password, "***") if getattr(self, "_password", "") else text

    def _connection(self) -> Connection:
        if self._closed:
            raise RuntimeError(f"{self.description} has been closed")
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        try:
            self._conn = psycopg.connect(self._dsn, autocommit=True, application_name="kotanet",
                                         connect_timeout=max(2, round(self._connect_timeout_s)))
        except psycopg.Error as exc:
            raise self._cannot_connect(exc) from exc
        return self._conn

    def _cannot_connect(self, exc: psycopg.Error) -> StoreUnavailableError:
        text = self._scrub(str(exc))
        low = text.lower()
        if "password" in low or "authentication" in low or ("role" in low and "does not exist" in low):
            hint = "check the user and password in the store URL (or ~/.pgpass)"
        elif "database" in low and "does not exist" in low:
            hint = "create the database (createdb), or fix its name in the store URL"
        else:
            hint = "check that PostgreSQL runs and is reachable at the URL's host and port, or use a sqlite: store"
        return StoreUnavailableError(f"cannot connect to {self.description}: {text}", hint=hint)

    def _unavailable(self, exc: psycopg.Error, doing: str) -> StoreUnavailableError:
        text = self._scrub(str(exc))
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            hint = "grant this user the rights to create and write the kotanet tables"
        elif isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            hint = "point the store URL at the primary server, not a read-only standby"
        else:
            hint = "check that PostgreSQL is running and reachable, then retry"
        return StoreUnavailableError(f"{self.description} failed while {doing}: {text}", hint=hint)

    @staticmethod
    def _is_bug(exc: psycopg.Error) -> bool:
        """Errors that come from kotanet, not from the server's state: they propagate unchanged."""
        if isinstance(exc, psycopg.errors.InsufficientPrivilege | psycopg.errors.UndefinedTable):
            return False
        return isinstance(exc, psycopg.DataError | psycopg.IntegrityError | psycopg.ProgrammingError)

    def _ensure_schema(self, conn: Connection) -> None:
        if self._schema_version(conn) == SCHEMA_VERSION:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            version = self._schema_version(conn)
            if version is not None and version > SCHEMA_VERSION:
                raise StoreUnavailableError(
                    f"{self.description} has schema version {version}, newer than this kotanet knows "
                    f"({SCHEMA_VERSION})", hint="upgrade kotanet")
            if version == SCHEMA_VERSION:
                return
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement.encode())
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))

    @staticmethod
    def _schema_version(conn: Connection) -> int | None:
        row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if row is None or not row[0]:
            return None
        found = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return None if found is None or found[0] is None else int(found[0])

    @contextmanager
    def _write(self, doing: str) -> Iterator[Connection]:
        """One transaction, committed when the block ends; server errors become StoreUnavailableError."""
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    yield conn
            except psycopg.Error as exc:
                if self._is_bug(exc):
                    raise
                raise self._unavailable(exc, doing) from exc

    def _read(self, sql: str, params: dict[str, Any], doing: str) -> list[tuple[Any, ...]]:
        with self._lock:
            conn = self._connection()
            try:
                return conn.execute(sql.encode(), params).fetchall()
            except psycopg.Error as exc:
                if self._is_bug(exc):
                    raise
                raise self._unavailable(exc, doing) from exc

    # --- transitions -----------------------------------------------------------------------------------------

    def append_transitions(self, transitions: Sequence[Transition]) -> None:
        rows = transition_rows(transitions)  # validates everything before the transaction starts
        if not rows:
            return
        with self._write("appending transitions") as conn, conn.cursor() as cur:
            cur.executemany("INSERT INTO targets (target) VALUES (%s) ON CONFLICT DO NOTHING",
                            [(t,) for t in sorted({r[0] for r in rows})])
            cur.executemany(
                f"INSERT INTO transitions ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (target, at_us) DO UPDATE SET at_offset_s = EXCLUDED.at_offset_s, "
                "state = EXCLUDED.state, reason = EXCLUDED.reason "
                "WHERE (transitions.at_offset_s, transitions.state, transitions.reason) "
                "IS DISTINCT FROM (EXCLUDED.at_offset_s, EXCLUDED.state, EXCLUDED.reason)", rows)

    def transitions(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Transition]:
        if targets is not None and not targets:
            return []
        params: dict[str, Any] = {}
        window = ["true"]
        target_filter = ""
        if targets is not None:
            params["targets"] = sorted({str(t) for t in targets})
            target_filter = " AND target = ANY(%(targets)s)"
        if start is not None:
            params["lo"] = to_micros(start)
            window.append("at_us >= %(lo)s")
        if end is not None:
            params["hi"] = to_micros(end)
            window.append("at_us < %(hi)s")
        sql = f"SELECT {_COLUMNS} FROM transitions WHERE {' AND '.join(window)}{target_filter}"
        if start is not None:
            sql += (
                f" UNION ALL SELECT c.target, c.at_us, c.at_offset_s, c.state, c.reason FROM targets g "
                f"CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM transitions t WHERE t.target = g.target "
                "AND t.at_us < %(lo)s ORDER BY t.at_us DESC LIMIT 1) c "
                f"WHERE true{target_filter.replace('AND target', 'AND g.target')}")
        sql += " ORDER BY 1, 2"
        return [_transition(row) for row in self._read(sql, params, "reading transitions")]

    def last_transitions(self) -> dict[str, Transition]:
        rows = self._read(
            "SELECT c.target, c.at_us, c.at_offset_s, c.state, c.reason FROM targets g "
            f"CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM transitions t WHERE t.target = g.target "
            "ORDER BY t.at_us DESC LIMIT 1) c ORDER BY 1", {}, "reading the last transitions")
        return {str(row[0]): _transition(row) for row in rows}

    def targets(self) -> list[str]:
        return [str(r[0]) for r in self._read("SELECT target FROM targets ORDER BY target", {}, "listing targets")]

    # --- samples ---------------------------------------------------------------------------------------------

    def append_samples(self, samples: Sequence[Sample]) -> None:
        rows = sample_rows(samples)
        if not rows:
            return
        with self._write("appending samples") as conn, conn.cursor() as cur, \
                cur.copy("COPY samples (target, kind, at_us, value) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def samples(self, target: str, kind: SampleKind, *, start: dt.datetime, end: dt.datetime,
                step_s: int = 60) -> list[tuple[dt.datetime, float]]:
        if step_s < 1:
            raise ValueError(f"step_s must be at least 1 second, not {step_s}")
        rows = self._read(
            "SELECT at_us - (((at_us %% %(step)s) + %(step)s) %% %(step)s) AS bucket, avg(value) FROM samples "
            "WHERE target = %(target)s AND kind = %(kind)s AND at_us >= %(lo)s AND at_us < %(hi)s "
            "GROUP BY bucket ORDER BY bucket",
            {"step": step_s * 1_000_000, "target": target, "kind": SampleKind(kind).value, "lo": to_micros(start),
             "hi": to_micros(end)}, "reading samples")
        return [(from_micros(int(b), dt.UTC), float(v)) for b, v in rows]

    # --- annotations -----------------------------------------------------------------------------------------

    def annotate(self, annotation: Annotation) -> None:
        row = annotation_row(annotation)
        with self._write("adding an annotation") as conn:
            conn.execute("INSERT INTO annotations (target, start_us, start_offset_s, end_us, end_offset_s, text) "
                         "VALUES (%s, %s, %s, %s, %s, %s)", row)

    def annotations(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Annotation]:
        if targets is not None and not targets:
            return []
        clauses = ["true"]
        params: dict[str, Any] = {}
        if targets is not None:
            params["targets"] = sorted({str(t) for t in targets})
            clauses.append("target = ANY(%(targets)s)")
        if end is not None:
            params["hi"] = to_micros(end)
            clauses.append("start_us < %(hi)s")
        if start is not None:
            params["lo"] = to_micros(start)
            clauses.append("end_us >= %(lo)s")
        rows = self._read(
            "SELECT target, start_us, start_offset_s, end_us, end_offset_s, text FROM annotations "
            f"WHERE {' AND '.join(clauses)} ORDER BY target, start_us, id", params, "reading annotations")
        return [Annotation(str(t), at_instant(s, so), at_instant(e, eo), str(text)) for t, s, so, e, eo, text in rows]

    # --- heartbeats ------------------------------------------------------------------------------------------

    def heartbeat(self, poller: str, at: dt.datetime) -> None:
        offset = utc_offset_s(at, f"heartbeat of {poller}")
        with self._write("recording a heartbeat") as conn:
            conn.execute("INSERT INTO heartbeats (poller, at_us, at_offset_s) VALUES (%s, %s, %s) "
                         "ON CONFLICT (poller) DO UPDATE SET at_us = EXCLUDED.at_us, "
                         "at_offset_s = EXCLUDED.at_offset_s", (poller, to_micros(at), offset))

    def last_heartbeat(self, poller: str) -> dt.datetime | None:
        rows = self._read("SELECT at_us, at_offset_s FROM heartbeats WHERE poller = %(poller)s", {"poller": poller},
                          "reading a heartbeat")
        return at_instant(int(rows[0][0]), int(rows[0][1])) if rows else None

    # --- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self._shown!r})"


def _transition(row: Sequence[Any]) -> Transition:
    target, at_us, offset_s, state, reason = row
    return Transition(str(target), at_instant(int(at_us), int(offset_s)), State(state), str(reason))
