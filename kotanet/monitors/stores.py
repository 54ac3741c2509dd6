"""Choosing a measurement store by URL, the error a store raises when it cannot be used, and the row
conversions the SQL adapters share.

Store URLs::

    sqlite:///abs/path.db     SQLite file at an absolute path (the default: kotanet.db in the state dir)
    sqlite:relative.db        SQLite file relative to the current directory
    memory:                   in-memory store (nothing survives the process)
    postgresql://user:password@host:5432/dbname   (also postgres://...)

Paths in sqlite URLs are taken literally (no percent-decoding). The adapters are imported only when their
URL is opened, so PostgreSQL support (psycopg) is needed only by those who use it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from kotanet.errors import KotanetError, UsageError
from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.store import Sample, SampleKind, Store, StoreError
from kotanet.timeutil import from_micros, to_micros

__all__ = [
    "ACCEPTED_URL_FORMS",
    "StoreUnavailableError",
    "annotation_row",
    "at_instant",
    "default_store_url",
    "open_store",
    "open_store_or_default",
    "redact_url",
    "sample_rows",
    "transition_rows",
    "utc_offset_s",
]

ACCEPTED_URL_FORMS = ("sqlite:///abs/path.db, sqlite:relative.db, memory:, postgresql://user@host:port/dbname, "
                      "prometheus://host:port (read-only)")


class StoreUnavailableError(KotanetError, StoreError):
    """The store cannot be opened or refused a read or write (unreachable, locked, unwritable, not a store).

    The message names the store (any password redacted) and the hint says what to do. As a StoreError,
    the poller buffers what it could not write and retries later."""


def default_store_url(state_dir: Path) -> str:
    """The embedded default: SQLite file ``kotanet.db`` in the state directory."""
    return "sqlite://" + (Path(state_dir).absolute() / "kotanet.db").as_posix()


def open_store_or_default(url: str | None) -> Store:
    """`url`, or the embedded default: a SQLite file in $KOTANET_HOME (created if missing)."""
    if url:
        return open_store(url)
    from kotanet.paths import kotanet_home

    home = kotanet_home()
    home.mkdir(parents=True, exist_ok=True)
    return open_store(default_store_url(home))


def open_store(url: str, *, busy_timeout_s: float = 5.0, connect_timeout_s: float = 10.0) -> Store:
    """Open (creating the schema if needed) the store that ``url`` names.

    Raises UsageError for a URL of no accepted form, StoreUnavailableError when the store cannot be used."""
    text = url.strip()
    if text == "memory:":
        from kotanet.monitors.memory_store import MemoryStore

        return MemoryStore()
    if text.startswith("sqlite:"):
        path = _sqlite_path(text, url)
        from kotanet.monitors.sqlite_store import SqliteStore

        return SqliteStore(path, busy_timeout_s=busy_timeout_s)
    if text.startswith(("postgresql://", "postgres://")):
        try:
            from kotanet.monitors.pg_store import PostgresStore
        except ImportError as exc:
            raise StoreUnavailableError(
                f"cannot open PostgreSQL store {redact_url(text)}: the psycopg driver is not installed",
                hint="pip install 'psycopg[binary]>=3.1', or use a sqlite: store") from exc
        return PostgresStore(text, connect_timeout_s=connect_timeout_s)
    if text.startswith(("prometheus://", "prometheus+https://")):
        from kotanet.monitors.prometheus_source import PrometheusTransitions

        scheme = "https" if text.startswith("prometheus+https://") else "http"
        return PrometheusTransitions(f"{scheme}://{text.split('://', 1)[1]}")  # read-only: for SLA reports
    raise _bad_url(url)


def _sqlite_path(text: str, original: str) -> Path:
    if text.startswith("sqlite://"):
        rest = text[len("sqlite://"):]
        if not rest.startswith("/") or rest.startswith("//") or len(rest) < 2:
            raise _bad_url(original)  # sqlite://host/... or sqlite:////x: no authority, one leading slash
        return Path(rest)
    rest = text[len("sqlite:"):]
    if not rest or rest.startswith("/"):
        raise _bad_url(original)  # sqlite:/abs is ambiguous: absolute paths take sqlite:///
    return Path(rest)


def _bad_url(url: str) -> UsageError:
    shown = redact_url(url.strip()) or "(empty)"
    return UsageError(f"unknown store URL {shown!r}; accepted forms: {ACCEPTED_URL_FORMS}")


_PASSWORD_KV = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` (or a libpq key=value DSN) with any password replaced by ``***``."""
    if "://" not in url:
        return _PASSWORD_KV.sub(r"\1***", url)
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{hostport}"
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = "&".join(f"{k}={'***' if k.lower() == 'password' else v}" for k, v in pairs)
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# --- row conversions shared by the SQL adapters ---------------------------------------------------------------


def utc_offset_s(instant: object, what: str) -> int:
    """The UTC offset of an aware datetime in whole seconds; ValueError naming ``what`` for a naive one."""
    if not isinstance(instant, dt.datetime):
        raise TypeError(f"{what}: {instant!r} is not a datetime")
    offset = instant.utcoffset()
    if offset is None:
        raise ValueError(f"{what}: {instant!r} has no UTC offset; pass an aware datetime")
    return int(offset.total_seconds())


def at_instant(micros: int, offset_s: int) -> dt.datetime:
    """The aware datetime stored as (microseconds since the epoch, UTC offset in seconds): the same instant,
    shown in the offset it was written with."""
    tz = dt.UTC if offset_s == 0 else dt.timezone(dt.timedelta(seconds=offset_s))
    return from_micros(micros, tz)


TransitionRow = tuple[str, int, int, str, str]


def transition_rows(transitions: Sequence[Transition]) -> list[TransitionRow]:
    """(target, at_us, at_offset_s, state, reason) per transition, validated, sorted by (target, at_us) and
    stable (a later duplicate in the batch wins). Raises TypeError/ValueError before anything is written."""
    rows: list[TransitionRow] = []
    for i, tr in enumerate(transitions):
        what = f"transition #{i} of the batch"
        if not isinstance(tr, Transition):
            raise TypeError(f"{what} is a {type(tr).__name__}, not a Transition")
        if not isinstance(tr.target, str) or not tr.target:
            raise ValueError(f"{what} has no target")
        if not isinstance(tr.state, State):
            raise ValueError(f"{what} ({tr.target}) has state {tr.state!r}, not a State")
        if not isinstance(tr.reason, str):
            raise ValueError(f"{what} ({tr.target}) has a reason that is not text: {tr.reason!r}")
        offset = utc_offset_s(tr.at, f"{what} ({tr.target})")
        rows.append((tr.target, to_micros(tr.at), offset, tr.state.value, tr.reason))
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def sample_rows(samples: Sequence[Sample]) -> list[tuple[str, str, int, float]]:
    """(target, kind, at_us, value) per sample, validated (aware time, known kind, finite value)."""
    rows: list[tuple[str, str, int, float]] = []
    for i, s in enumerate(samples):
        what = f"sample #{i} of the batch"
        if not isinstance(s, Sample):
            raise TypeError(f"{what} is a {type(s).__name__}, not a Sample")
        utc_offset_s(s.at, what)
        try:
            kind = SampleKind(s.kind)
        except ValueError:
            raise ValueError(f"{what} ({s.target}) has an unknown kind {s.kind!r}") from None
        value = float(s.value)
        if not math.isfinite(value):
            raise ValueError(f"{what} ({s.target}) has a value that is not finite: {value!r}")
        rows.append((s.target, kind.value, to_micros(s.at), value))
    return rows


def annotation_row(annotation: Annotation) -> tuple[str, int, int, int, int, str]:
    """(target, start_us, start_offset_s, end_us, end_offset_s, text), validated."""
    if not isinstance(annotation, Annotation):
        raise TypeError(f"{type(annotation).__name__} is not an Annotation")
    a = annotation
    start_off = utc_offset_s(a.start, f"annotation for {a.target}")
    end_off = utc_offset_s(a.end, f"annotation for {a.target}")
    return (a.target, to_micros(a.start), start_off, to_micros(a.end), end_off, a.text)
