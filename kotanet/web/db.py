"""The dashboard's own database: SQLite (WAL) in the state directory, through the standard library.

It keeps users (argon2 password hashes), sessions and API tokens (SHA-256 of the secret only: a stolen
database gives no usable session or token), login failures for the rate limit, the maintenance windows
scheduled in the dashboard, the status of each migration route, outage acknowledgements and the reports
generated. Every call opens its own short connection, so the object can be shared by server threads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from kotanet.errors import KotanetError
from kotanet.inventory.choices import MigrationStatus, ScopeKind
from kotanet.inventory.models import MaintenanceWindow
from kotanet.web.roles import Role

__all__ = ["Ack", "ReportRecord", "RouteStatus", "SessionRow", "UserRow", "WebDb", "WebWindow", "secret_digest"]

DB_NAME = "web.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, lang TEXT NOT NULL DEFAULT 'en',
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL, expires_us INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at_us);
CREATE TABLE IF NOT EXISTS maintenance (
    id TEXT PRIMARY KEY, start TEXT NOT NULL, end TEXT NOT NULL, scope TEXT NOT NULL, refs TEXT NOT NULL,
    reason TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS route_status (
    route TEXT PRIMARY KEY, status TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS acks (
    target TEXT NOT NULL, member TEXT NOT NULL, start_us INTEGER NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
    note TEXT NOT NULL, PRIMARY KEY (member, start_us));
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, period TEXT NOT NULL, formats TEXT NOT NULL, lang TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, files INTEGER NOT NULL);
"""


def secret_digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (a session id, an API token): what the database keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class UserRow:
    name: str
    role: Role
    password_hash: str
    lang: str
    created_at: str


@dataclass(frozen=True, slots=True)
class SessionRow:
    user: UserRow
    csrf: str
    expires_us: int


@dataclass(frozen=True, slots=True)
class RouteStatus:
    route: str
    status: MigrationStatus
    updated_by: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Ack:
    target: str
    member: str
    start_us: int
    by: str
    at: str
    note: str


@dataclass(frozen=True, slots=True)
class ReportRecord:
    id: str
    period: str
    formats: str
    lang: str
    created_by: str
    created_at: str
    files: int


@dataclass(frozen=True, slots=True)
class WebWindow:
    """A maintenance window scheduled in the dashboard, with who scheduled it."""

    window: MaintenanceWindow
    created_by: str
    created_at: str


class WebDb:
    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / DB_NAME
        try:
            with self._conn() as con:
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise KotanetError(f"cannot open the dashboard database {self.path}: {exc}",
                               hint="check that the state directory is writable") from exc

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as con:
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("PRAGMA busy_timeout=10000")
            yield con

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._conn() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # ------------------------------------------------------------------------------------------ users

    def add_user(self, name: str, role: Role, password_hash: str, at: dt.datetime) -> None:
        with self._tx() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise KotanetError(f"user {name!r} already exists",
                                   hint="pick another name, or `kotanet users remove` it first")
            con.execute("INSERT INTO users (name, role, password_hash, lang, created_at) VALUES (?, ?, ?, 'en', ?)",
                        (name, role.value, password_hash, at.isoformat()))

    def user(self, name: str) -> UserRow | None:
        with self._conn() as con:
            row = con.execute("SELECT name, role, password_hash, lang, created_at FROM users WHERE name = ?",
                              (name,)).fetchone()
        return None if row is None else UserRow(row[0], Role(row[1]), row[2], row[3], row[4])

    def users(self) -> list[UserRow]:
        with self._conn() as con:
            rows = con.execute("SELECT name, role, password_hash, lang, created_at FROM users ORDER BY name").fetchall()
        return [UserRow(r[0], Role(r[1]), r[2], r[3], r[4]) for r in rows]

    def remove_user(self, name: str) -> bool:
        with self._tx() as con:
            con.execute("DELETE FROM sessions WHERE user = ?", (name,))
            con.execute("DELETE FROM tokens WHERE user = ?", (name,))
            return con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def set_lang(self, name: str, lang: str) -> None:
        with self._tx() as con:
            con.execute("UPDATE users SET lang = ? WHERE name = ?", (lang, name))

    def set_password_hash(self, name: str, password_hash: str) -> None:
        with self._tx() as con:
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))

    # --------------------------------------------------------------------------------- sessions, tokens

    def add_session(self, session_id: str, user: str, csrf: str, expires_us: int) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO sessions (id_hash, user, csrf, expires_us) VALUES (?, ?, ?, ?)",
                        (secret_digest(session_id), user, csrf, expires_us))

    def session(self, session_id: str, now_us: int) -> SessionRow | None:
        """The live session with this id (None when unknown or expired)."""
        with self._conn() as con:
            row = con.execute(
                "SELECT u.name, u.role, u.password_hash, u.lang, u.created_at, s.csrf, s.expires_us "
                "FROM sessions s JOIN users u ON u.name = s.user WHERE s.id_hash = ?",
                (secret_digest(session_id),)).fetchone()
        if row is None or row[6] <= now_us:
            return None
        return SessionRow(UserRow(row[0], Role(row[1]), row[2], row[3], row[4]), row[5], row[6])

    def end_session(self, session_id: str) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM sessions WHERE id_hash = ?", (secret_digest(session_id),))

    def purge_sessions(self, now_us: int) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM sessions WHERE expires_us <= ?", (now_us,))

    def add_token(self, token: str, user: str, at: dt.datetime) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO tokens (token_hash, user, created_at) VALUES (?, ?, ?)",
                        (secret_digest(token), user, at.isoformat()))

    def token_user(self, token: str) -> UserRow | None:
        with self._conn() as con:
            row = con.execute("SELECT u.name, u.role, u.password_hash, u.lang, u.created_at FROM tokens t "
                              "JOIN users u ON u.name = t.user WHERE t.token_hash = ?",
                              (secret_digest(token),)).fetchone()
        return None if row is None else UserRow(row[0], Role(row[1]), row[2], row[3], row[4])

    def token_count(self, user: str) -> int:
        with self._conn() as con:
            return int(con.execute("SELECT count(*) FROM tokens WHERE user = ?", (user,)).fetchone()[0])

    # ---------------------------------------------------------------------------------- login failures

    def failures(self, key: str, since_us: int) -> int:
        with self._conn() as con:
            return int(con.execute("SELECT count(*) FROM login_failures WHERE key = ? AND at_us > ?",
                                   (key, since_us)).fetchone()[0])

    def add_failure(self, key: str, at_us: int) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO login_failures (key, at_us) VALUES (?, ?)", (key, at_us))

    def clear_failures(self, key: str, before_us: int | None = None) -> None:
        with self._tx() as con:
            if before_us is None:
                con.execute("DELETE FROM login_failures WHERE key = ?", (key,))
            else:
                con.execute("DELETE FROM login_failures WHERE at_us <= ?", (before_us,))

    # ------------------------------------------------------------------------------------- maintenance

    def add_window(self, window: MaintenanceWindow, by: str, at: dt.datetime) -> None:
        with self._tx() as con:
            if con.execute("SELECT 1 FROM maintenance WHERE id = ?", (window.id,)).fetchone():
                raise KotanetError(f"maintenance window {window.id!r} already exists", hint="pick another id")
            con.execute("INSERT INTO maintenance (id, start, end, scope, refs, reason, created_by, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (window.id, window.start.isoformat(), window.end.isoformat(), window.scope.value,
                         json.dumps(window.refs), window.reason, by, at.isoformat()))

    def replace_window(self, window: MaintenanceWindow) -> bool:
        with self._tx() as con:
            return con.execute("UPDATE maintenance SET start = ?, end = ?, scope = ?, refs = ?, reason = ? "
                               "WHERE id = ?",
                               (window.start.isoformat(), window.end.isoformat(), window.scope.value,
                                json.dumps(window.refs), window.reason, window.id)).rowcount > 0

    def remove_window(self, window_id: str) -> bool:
        with self._tx() as con:
            return con.execute("DELETE FROM maintenance WHERE id = ?", (window_id,)).rowcount > 0

    def windows(self) -> list[WebWindow]:
        with self._conn() as con:
            rows = con.execute("SELECT id, start, end, scope, refs, reason, created_by, created_at FROM maintenance "
                               "ORDER BY start, id").fetchall()
        return [WebWindow(MaintenanceWindow(id=r[0], start=dt.datetime.fromisoformat(r[1]),
                                            end=dt.datetime.fromisoformat(r[2]), scope=ScopeKind(r[3]),
                                            refs=json.loads(r[4]), reason=r[5]), r[6], r[7]) for r in rows]

    def window_count(self) -> int:
        with self._conn() as con:
            return int(con.execute("SELECT count(*) FROM maintenance").fetchone()[0])

    # ------------------------------------------------------------------------------------- route status

    def route_statuses(self) -> dict[str, RouteStatus]:
        with self._conn() as con:
            rows = con.execute("SELECT route, status, updated_by, updated_at FROM route_status").fetchall()
        return {r[0]: RouteStatus(r[0], MigrationStatus(r[1]), r[2], r[3]) for r in rows}

    def set_route_status(self, route: str, status: MigrationStatus, by: str, at: dt.datetime) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO route_status (route, status, updated_by, updated_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (route) DO UPDATE SET status = excluded.status, "
                        "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                        (route, status.value, by, at.isoformat()))

    # --------------------------------------------------------------------------------------------- acks

    def ack(self, ack: Ack) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO acks (target, member, start_us, by, at, note) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (member, start_us) DO UPDATE SET by = excluded.by, at = excluded.at, "
                        "note = excluded.note, target = excluded.target",
                        (ack.target, ack.member, ack.start_us, ack.by, ack.at, ack.note))

    def acks(self, members: list[str]) -> dict[tuple[str, int], Ack]:
        if not members:
            return {}
        marks = ",".join("?" * len(members))
        with self._conn() as con:
            rows = con.execute(f"SELECT target, member, start_us, by, at, note FROM acks WHERE member IN ({marks})",
                               members).fetchall()
        return {(r[1], r[2]): Ack(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def ack_count(self) -> int:
        with self._conn() as con:
            return int(con.execute("SELECT count(*) FROM acks").fetchone()[0])

    # ------------------------------------------------------------------------------------------ reports

    def add_report(self, rec: ReportRecord) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO reports (id, period, formats, lang, created_by, created_at, files) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (rec.id, rec.period, rec.formats, rec.lang, rec.created_by, rec.created_at, rec.files))

    def reports(self) -> list[ReportRecord]:
        with self._conn() as con:
            rows = con.execute("SELECT id, period, formats, lang, created_by, created_at, files FROM reports "
                               "ORDER BY created_at DESC, id").fetchall()
        return [ReportRecord(*r) for r in rows]

    def report(self, report_id: str) -> ReportRecord | None:
        with self._conn() as con:
            r = con.execute("SELECT id, period, formats, lang, created_by, created_at, files FROM reports "
                            "WHERE id = ?", (report_id,)).fetchone()
        return None if r is None else ReportRecord(*r)
