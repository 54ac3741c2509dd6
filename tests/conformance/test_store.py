"""The one conformance suite every Store passes: memory, SQLite and PostgreSQL.

Each test runs once per store. The memory and SQLite runs are tier `unit`, the PostgreSQL run is tier `service`
(a fresh database per module on 127.0.0.1:5432, or $KOTANET_TEST_POSTGRES_DSN; skipped on a laptop without
PostgreSQL, a failure in CI). The tier comes from the store parameter, so this module has no `pytestmark`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.sqlite_store import SqliteStore
from kotanet.monitors.store import Sample, SampleKind, Store
from tests.conftest import require_service

UTC = dt.UTC
WIB = dt.timezone(dt.timedelta(hours=7))
T0 = dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
ADMIN_DSNS = ("postgresql://postgres@127.0.0.1:5432/postgres", "postgresql://root@127.0.0.1:5432/postgres")


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def tr(target: str, minutes: float, state: State = State.UP, reason: str = "") -> Transition:
    return Transition(target, at(minutes), state, reason)


# --- PostgreSQL: a fresh database per module ---------------------------------------------------------------------


@contextmanager
def temporary_pg_database() -> Iterator[str]:
    """Create ``kotanet_test_<random>`` on the local server and yield its URL; drop it afterwards.
    Skips (fails in CI) when PostgreSQL or psycopg is missing."""
    try:
        import psycopg
    except ImportError:
        require_service(False, "psycopg (the PostgreSQL driver)")
        raise
    candidates = [os.environ["KOTANET_TEST_POSTGRES_DSN"]] if os.environ.get("KOTANET_TEST_POSTGRES_DSN") \
        else list(ADMIN_DSNS)
    admin = None
    for dsn in candidates:
        try:
            admin = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
            break
        except psycopg.Error:
            continue
    if admin is None:
        require_service(False, "PostgreSQL at 127.0.0.1:5432")
        raise AssertionError("unreachable")  # require_service skipped or failed
    name = f"kotanet_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f"CREATE DATABASE {name}".encode())
        try:
            yield _url(psycopg.conninfo.conninfo_to_dict(psycopg.conninfo.make_conninfo(dsn, dbname=name)))
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


def _url(params: Mapping[str, object]) -> str:
    """A postgresql:// URL (the form open_store takes) for libpq connection parameters."""
    user = quote(str(params.get("user") or "postgres"), safe="")
    password = f":{quote(str(params['password']), safe='')}" if params.get("password") else ""
    host, port = params.get("host") or "127.0.0.1", params.get("port") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{params['dbname']}"


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    with temporary_pg_database() as dsn:
        yield dsn


def _empty_pg(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


# --- the stores under test ---------------------------------------------------------------------------------------


@dataclass
class Backend:
    """Opens handles on one (initially empty) store; `persistent` stores can be closed and reopened."""

    name: str
    opener: Callable[[], Store]
    persistent: bool
    opened: list[Store] = field(default_factory=list)

    def open(self) -> Store:
        store = self.opener()
        self.opened.append(store)
        return store


def _pg_opener(dsn: str) -> Callable[[], Store]:
    from kotanet.monitors.pg_store import PostgresStore

    return lambda: PostgresStore(dsn)


@pytest.fixture(params=[pytest.param("memory", marks=pytest.mark.unit),
                        pytest.param("sqlite", marks=pytest.mark.unit),
                        pytest.param("postgresql", marks=pytest.mark.service)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        shared = MemoryStore()
        b = Backend("memory", lambda: shared, persistent=False)
    elif request.param == "sqlite":
        path = tmp_path / "kotanet.db"
        b = Backend("sqlite", lambda: SqliteStore(path), persistent=True)
    else:
        dsn = request.getfixturevalue("pg_database")
        _empty_pg(dsn)
        b = Backend("postgresql", _pg_opener(dsn), persistent=True)
    yield b
    for store in b.opened:
        store.close()


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.open()


# --- the contract ------------------------------------------------------------------------------------------------


def test_is_a_store(store: Store) -> None:
    assert isinstance(store, Store)
    assert store.description


def test_empty_store(store: Store) -> None:
    assert store.transitions() == []
    assert store.transitions(start=at(0), end=at(60)) == []
    assert store.last_transitions() == {}
    assert store.targets() == []
    assert store.samples("a", SampleKind.LATENCY_MS, start=at(0), end=at(60)) == []
    assert store.annotations() == []
    assert store.last_heartbeat("poller-1") is None
    store.append_transitions([])
    store.append_samples([])
    assert store.transitions() == []


def test_transitions_come_back_in_target_then_time_order(store: Store) -> None:
    rows = [tr(target, m, random.Random(m).choice(list(State)), f"r{m}")
            for target in ("sw-2", "ap-1", "rtr-core") for m in range(0, 100, 7)]
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    store.append_transitions(shuffled[:20])
    store.append_transitions(shuffled[20:])
    expected = sorted(rows, key=lambda t: (t.target, t.epoch_us))
    assert store.transitions() == expected  # Transition equality covers the state and the reason


def test_targets_sort_by_code_point(store: Store) -> None:
    names = ["b", "B", "a", "Z", "é", "_x", "a-1", "a.1", "a1", "kel-Ciawi", "kel-bogor"]
    store.append_transitions([tr(n, 0) for n in names])
    assert store.targets() == sorted(names)
    assert [t.target for t in store.transitions()] == sorted(names)
    assert set(store.last_transitions()) == set(names)


def test_window_is_half_open_with_the_carried_in_state(store: Store) -> None:
    store.append_transitions([tr("a", 0), tr("a", 10, State.DOWN), tr("a", 20), tr("a", 30, State.DOWN),
                              tr("b", 5, State.DOWN), tr("c", 25), tr("d", 40)])
    got = store.transitions(start=at(15), end=at(30))
    assert got == [tr("a", 10, State.DOWN), tr("a", 20), tr("b", 5, State.DOWN), tr("c", 25)]
    # the carry-in is the last transition strictly before start, even when one falls on start
    assert store.transitions(start=at(20), end=at(21)) == [tr("a", 10, State.DOWN), tr("a", 20), tr("b", 5, State.DOWN)]
    # no start: no carry-in; no end: to the last one
    assert store.transitions(end=at(10)) == [tr("a", 0), tr("b", 5, State.DOWN)]
    assert store.transitions(start=at(30)) == [tr("a", 20), tr("a", 30, State.DOWN), tr("b", 5, State.DOWN),
                                               tr("c", 25), tr("d", 40)]
    # a window before everything has nothing to carry in
    assert store.transitions(start=at(-10), end=at(-5)) == []


def test_targets_filter(store: Store) -> None:
    store.append_transitions([tr("a", 0), tr("a", 20), tr("b", 5), tr("c", 25)])
    assert store.transitions(targets=["a", "not-there"]) == [tr("a", 0), tr("a", 20)]
    assert store.transitions(targets={"c", "b"}, start=at(10)) == [tr("b", 5), tr("c", 25)]
    assert store.transitions(targets=("a",), start=at(10), end=at(15)) == [tr("a", 0)]
    assert store.transitions(targets=[]) == []


def test_reappending_is_a_no_op_and_a_later_write_of_the_same_instant_wins(store: Store) -> None:
    batch = [tr("a", 0), tr("a", 10, State.DOWN, "3 probes failed"), tr("b", 5)]
    store.append_transitions(batch)
    store.append_transitions(batch)
    store.append_transitions(list(reversed(batch)))
    assert store.transitions() == sorted(batch, key=lambda t: (t.target, t.epoch_us))
    assert [t.reason for t in store.transitions()] == ["", "3 probes failed", ""]
    # the same instant written again in another zone is the same transition
    store.append_transitions([Transition("b", at(5).astimezone(WIB), State.UP)])
    assert len(store.transitions(targets=["b"])) == 1
    # a different state at the same instant replaces the row (later write wins), also inside one batch
    store.append_transitions([tr("a", 10, State.UNKNOWN, "poller restarted")])
    store.append_transitions([tr("b", 5, State.DOWN, "first"), tr("b", 5, State.UNKNOWN, "second")])
    got = store.transitions()
    assert [(t.target, t.at, t.state, t.reason) for t in got] == [
        ("a", at(0), State.UP, ""), ("a", at(10), State.UNKNOWN, "poller restarted"),
        ("b", at(5), State.UNKNOWN, "second")]


def _forged(kind: str) -> object:
    """A row that no honest caller builds, as a bug or a corrupted buffer would hand it over."""
    if kind == "naive datetime":
        bad = tr("bad", 3)
        object.__setattr__(bad, "at", at(3).replace(tzinfo=None))
        return bad
    if kind == "state not a State":
        bad = tr("bad", 3)
        object.__setattr__(bad, "state", "sideways")
        return bad
    return Sample("bad", at(3), SampleKind.LATENCY_MS, 1.0)  # not a Transition at all


@pytest.mark.parametrize("kind", ["naive datetime", "state not a State", "not a Transition"])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_batch_with_an_invalid_row_writes_nothing(store: Store, backend: Backend, kind: str, position: int,
                                                    request: pytest.FixtureRequest) -> None:
    before = [tr("a", 0), tr("z", 1)]
    store.append_transitions(before)
    batch: list[object] = [tr("a", 5, State.DOWN), tr("m", 7)]
    batch.insert(position, _forged(kind))
    with pytest.raises((TypeError, ValueError, AttributeError)):
        store.append_transitions(batch)  # type: ignore[arg-type]
    assert store.transitions() == before
    assert store.targets() == ["a", "z"]
    assert store.last_transitions() == {"a": tr("a", 0), "z": tr("z", 1)}


def test_last_transitions(store: Store) -> None:
    store.append_transitions([tr("a", 10, State.DOWN), tr("b", 5)])
    store.append_transitions([tr("a", 0), tr("b", 50, State.UNKNOWN, "gap")])  # an older one arrives late
    assert store.last_transitions() == {"a": tr("a", 10, State.DOWN), "b": tr("b", 50, State.UNKNOWN, "gap")}


def test_a_large_batch(store: Store) -> None:
    rows = [tr(f"t{i % 37:02d}", i / 7, State.DOWN if i % 3 else State.UP, f"#{i}") for i in range(3000)]
    store.append_transitions(rows)
    assert store.transitions() == sorted(rows, key=lambda t: (t.target, t.epoch_us))
    assert len(store.targets()) == 37


def _rounded(series: list[tuple[dt.datetime, float]]) -> list[tuple[dt.datetime, float]]:
    """Averages to 9 decimals: the stores may sum in different orders."""
    return [(bucket, round(value, 9)) for bucket, value in series]


def test_samples_are_averaged_per_bucket_and_empty_buckets_left_out(store: Store) -> None:
    def s(target: str, seconds: float, value: float, kind: SampleKind = SampleKind.LATENCY_MS) -> Sample:
        return Sample(target, T0 + dt.timedelta(seconds=seconds), kind, value)

    store.append_samples([s("a", 0, 10.0), s("a", 20, 20.0), s("a", 59.999999, 30.0),  # bucket 0: 20
                          s("a", 60, 5.0),  # bucket 1: 5
                          s("a", 200, 7.0), s("a", 230, 8.0),  # bucket 3: 7.5 (bucket 2 empty)
                          s("a", 300, 99.0),  # at `end`: left out
                          s("a", -1, 99.0),  # before `start`: left out
                          s("b", 10, 99.0), s("a", 10, 0.9, SampleKind.UTILISATION_IN)])
    store.append_samples([s("a", 70, 7.0)])  # bucket 1 now (5 + 7) / 2
    got = store.samples("a", SampleKind.LATENCY_MS, start=T0.astimezone(WIB), end=at(5))
    assert [b for b, _ in got] == [at(0), at(1), at(3)]
    assert all(b.utcoffset() == dt.timedelta(0) for b, _ in got)
    assert [v for _, v in got] == pytest.approx([20.0, 6.0, 7.5])
    five = store.samples("a", SampleKind.LATENCY_MS, start=at(0), end=at(10), step_s=300)
    assert _rounded(five) == [(at(0), round((10 + 20 + 30 + 5 + 7 + 8 + 7) / 7, 9)), (at(5), 99.0)]
    assert _rounded(store.samples("a", SampleKind.UTILISATION_IN, start=at(0), end=at(5))) == [(at(0), 0.9)]
    assert store.samples("nobody", SampleKind.LATENCY_MS, start=at(0), end=at(5)) == []


def test_annotations_that_overlap_the_window(store: Store) -> None:
    notes = [Annotation("a", at(40), at(50), "after"), Annotation("a", at(10), at(20), "ends at start"),
             Annotation("b", at(0), at(100), "covers"), Annotation("a", at(30), at(30), "instant"),
             Annotation("a", at(0), at(5), "before"), Annotation("a", at(10), at(12), "same start, later")]
    for note in notes:
        store.annotate(note)
    got = store.annotations(start=at(20), end=at(40))
    assert [n.text for n in got] == ["ends at start", "instant", "covers"]
    assert store.annotations(targets=["b"], start=at(20), end=at(40)) == [notes[2]]
    assert [n.text for n in store.annotations(targets=["a"])] == [
        "before", "ends at start", "same start, later", "instant", "after"]
    assert [n.text for n in store.annotations(end=at(10))] == ["before", "covers"]
    assert store.annotations(targets=[]) == []


def test_heartbeats_one_per_poller(store: Store) -> None:
    store.heartbeat("poller-1", at(1))
    store.heartbeat("poller-2", at(2))
    store.heartbeat("poller-1", at(3))
    assert store.last_heartbeat("poller-1") == at(3)
    assert store.last_heartbeat("poller-2") == at(2)
    assert store.last_heartbeat("poller-3") is None


def test_an_instant_in_plus_seven_comes_back_as_the_same_instant(store: Store) -> None:
    local = dt.datetime(2026, 11, 24, 7, 30, 15, 123456, tzinfo=WIB)  # 00:30:15.123456Z
    store.append_transitions([Transition("a", local, State.DOWN, "fibre cut")])
    store.annotate(Annotation("a", local, local + dt.timedelta(hours=1), "ticket 42"))
    store.heartbeat("poller-1", local)
    store.append_samples([Sample("a", local, SampleKind.LATENCY_MS, 3.0)])
    (got,) = store.transitions()
    assert got.at == local
    assert got.epoch_us == Transition("a", local, State.DOWN).epoch_us
    assert got.at.utcoffset() is not None
    assert store.transitions(start=local, end=local + dt.timedelta(microseconds=1)) == [got]
    assert store.transitions(end=local) == []
    (note,) = store.annotations()
    assert (note.start, note.end) == (local, local + dt.timedelta(hours=1))
    assert store.last_heartbeat("poller-1") == local
    assert _rounded(store.samples("a", SampleKind.LATENCY_MS, start=local, end=local + dt.timedelta(minutes=1))) == [
        (dt.datetime(2026, 11, 24, 0, 30, tzinfo=UTC), 3.0)]


def test_reopening_sees_committed_data(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip(f"the {backend.name} store keeps nothing after close")
    first = backend.open()
    first.append_transitions([tr("a", 0), tr("a", 10, State.DOWN, "down")])
    first.append_samples([Sample("a", at(0), SampleKind.LATENCY_MS, 4.0)])
    first.annotate(Annotation("a", at(10), at(11), "note"))
    first.heartbeat("poller-1", at(11))
    first.close()
    second = backend.open()
    assert second.transitions() == [tr("a", 0), tr("a", 10, State.DOWN, "down")]
    assert second.last_transitions() == {"a": tr("a", 10, State.DOWN, "down")}
    assert second.targets() == ["a"]
    assert _rounded(second.samples("a", SampleKind.LATENCY_MS, start=at(0), end=at(1))) == [(at(0), 4.0)]
    assert second.annotations() == [Annotation("a", at(10), at(11), "note")]
    assert second.last_heartbeat("poller-1") == at(11)


def test_two_handles_on_one_store_see_each_others_commits(backend: Backend) -> None:
    one, two = backend.open(), backend.open()
    one.append_transitions([tr("a", 0)])
    assert two.transitions() == [tr("a", 0)]
    two.append_transitions([tr("b", 0)])
    assert one.targets() == ["a", "b"]
