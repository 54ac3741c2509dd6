"""A real Prometheus (Debian's package) against kotanet:

1. it scrapes a poller's metrics endpoint (PollerMetrics over a real Poller with scripted probes) and
   the series come back through its HTTP API;
2. the SLA figures of one past month agree between the stores (MemoryStore, SqliteStore, PostgreSQL when
   a server is at 127.0.0.1:5432: IDENTICAL) and Prometheus backfilled with the equivalent 60-s
   ``kotanet_target_up`` series (read back by PrometheusTransitions: same outage count, every transition
   dated at the next 60-s grid point, availability within the resolution bound).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import CollectorRegistry, start_http_server

from kotanet.inventory import YamlDirSource
from kotanet.inventory.models import Inventory
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.metrics import PollerMetrics
from kotanet.monitors.poller import Poller, plan_probes
from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec
from kotanet.monitors.prometheus_source import PrometheusTransitions, ReadOnlySourceError, up_samples
from kotanet.monitors.promserver import (
    PrometheusServer,
    backfill,
    free_port,
    openmetrics_gauge,
    prometheus_binaries,
)
from kotanet.monitors.records import State, Transition
from kotanet.monitors.store import Store
from kotanet.monitors.stores import open_store
from kotanet.monitors.targets import METRIC_UP, parse_target
from kotanet.slas.engine import SlaFigures, compute
from kotanet.slas.intervals import Interval
from kotanet.slas.periods import Period
from kotanet.slas.report import build_report
from tests.conftest import FIXED_NOW, MINI, ROOT, require_service

pytestmark = pytest.mark.service

TZ = ZoneInfo("Asia/Jakarta")
STEP_S = 60
NOW = dt.datetime.fromisoformat(FIXED_NOW)
MONTH = Period.of_month(2026, 10, TZ)


@pytest.fixture(scope="module")
def prometheus_installed() -> None:
    subprocess.run([str(ROOT / "scripts" / "ensure-deb"), "prometheus"], check=False, timeout=600)
    require_service(prometheus_binaries() is not None, "prometheus and promtool (Debian package prometheus)")


@pytest.fixture(scope="module")
def mini() -> Inventory:
    return YamlDirSource(MINI).load()


# ------------------------------------------------------------------------------------- 1. live scrape


class ScriptedProbe:
    """Deterministic answers: every target answers, except kel-satu-r1's ICMP; bts-01-r1's wlan1 (ifIndex 2,
    end a of link r24-bts-01--kel-satu, 30 Mbit/s) sends 15 Mbit/s and receives 3 Mbit/s per 60-s cycle."""

    def __init__(self, kind: ProbeKind, values: dict[str, dict[str, float]]) -> None:
        self.kind = kind
        self.values = values

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        if self.kind is ProbeKind.ICMP and spec.target == "device:kel-satu-r1":
            return ProbeResult(spec.target, at, False, "timeout")
        return ProbeResult(spec.target, at, True, latency_ms=2.5, values=dict(self.values.get(spec.target, {})))


class StepClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


def _value(prom: PrometheusServer, expr: str) -> float:
    result = prom.wait_for(expr, timeout_s=20)
    assert len(result) == 1, result
    return result[0].value


def test_prometheus_scrapes_a_poller(prometheus_installed: None, mini: Inventory) -> None:
    values: dict[str, dict[str, float]] = {
        f"device:{d.id}": {f"ifOperStatus.{i}": 1 for i in range(1, len(d.interfaces) + 1)} for d in mini.devices}
    bts = values["device:bts-01-r1"]
    bts.update({"ifHCInOctets.2": 0, "ifHCOutOctets.2": 0, "sysUpTime": 100})
    clock = StepClock(dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC))
    poller = Poller(plan_probes(mini), {k: ScriptedProbe(k, values) for k in ProbeKind}, MemoryStore(), clock=clock)
    registry = CollectorRegistry()
    metrics = PollerMetrics(registry, poller, capacities={"link:r24-bts-01--kel-satu": 30.0})
    cycles = 4
    for _ in range(cycles):
        metrics.observe(asyncio.run(poller.cycle()))
        clock.at += dt.timedelta(seconds=60)
        bts["ifHCOutOctets.2"] += 112_500_000
        bts["ifHCInOctets.2"] += 22_500_000
        bts["sysUpTime"] += 60
    port = free_port()
    httpd, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    try:
        with PrometheusServer([f"127.0.0.1:{port}"], scrape_interval_s=1) as prom:
            assert _value(prom, f'up{{instance="127.0.0.1:{port}"}}') == 1.0
            assert _value(prom, "kotanet_poll_cycles_total") == float(cycles)
            assert _value(prom, f'{METRIC_UP}{{target="site:dc"}}') == 1.0
            assert _value(prom, f'{METRIC_UP}{{target="site:kel-satu"}}') == 0.0  # ICMP failed 4 times >= 3
            assert _value(prom, f'{METRIC_UP}{{target="link:r24-bts-01--kel-satu"}}') == 1.0
            util = 'kotanet_link_utilisation{link="r24-bts-01--kel-satu",direction="%s"}'
            assert _value(prom, util % "a_to_b") == pytest.approx(0.5)
            assert _value(prom, util % "b_to_a") == pytest.approx(0.1)
            up = prom.client.query(f'{METRIC_UP}{{job="kotanet"}}', time.time())
            assert {s.labels["target"] for s in up} == set(poller.owned)
            assert {s.labels["kind"] for s in up} == {parse_target(t)[0].value for t in poller.owned}
            # the same series through the transitions source (2-s steps: each holds a 1-s scrape)
            time.sleep(2.5)
            src = PrometheusTransitions(prom.client, step_s=2)
            since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10)
            trs = src.transitions(targets=["site:dc", "site:kel-satu"], start=since)
            last = {t.target: t.state for t in trs}
            assert last == {"site:dc": State.UP, "site:kel-satu": State.DOWN}, trs
            assert "site:kel-satu" in src.targets()
            with pytest.raises(ReadOnlySourceError, match="read-only"):
                src.append_transitions(trs)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# ------------------------------------------------------------------------- 2. three sources, one month

# Targets of the month: the mini inventory's SLA members plus a link; maintenance per target (website has
# none: the maintenance-free one).
MAINTENANCE: dict[str, list[Interval]] = {
    "service:website": [],
    "site:kec-tengah": [Interval(dt.datetime(2026, 10, 12, 22, tzinfo=TZ), dt.datetime(2026, 10, 13, 1, tzinfo=TZ))],
    "site:kel-satu": [Interval(dt.datetime(2026, 10, 20, 1, tzinfo=TZ), dt.datetime(2026, 10, 20, 3, tzinfo=TZ))],
    "link:fo-dc--bts-01": [Interval(dt.datetime(2026, 10, 5, 1, tzinfo=TZ), dt.datetime(2026, 10, 5, 3, tzinfo=TZ))],
}


def _generate(seed: int = 11) -> list[Transition]:
    """Per target: up from late September, 3-6 outages (5 min - 3 h) and for two targets a monitoring gap,
    at arbitrary (sub-second) instants; the last target's last outage runs over the month's end. Every
    state lasts more than two 60-s steps, so each change has its own grid point."""
    rng = random.Random(seed)
    out: list[Transition] = []
    lo, hi = MONTH.start.timestamp(), MONTH.end.timestamp()
    for i, target in enumerate(MAINTENANCE):
        out.append(Transition(target, dt.datetime(2026, 9, 28, 9, tzinfo=TZ), State.UP, "monitor start"))
        events: list[tuple[float, float, State]] = []
        for _ in range(rng.randint(3, 6)):
            events.append((rng.uniform(lo, hi - 4 * 3600), rng.uniform(300, 3 * 3600), State.DOWN))
        if i % 2:
            events.append((rng.uniform(lo, hi - 4 * 3600), rng.uniform(1200, 5400), State.UNKNOWN))
        if i == len(MAINTENANCE) - 1:
            events.append((hi - 1234.5678, 4000.0, State.DOWN))  # crosses into November
        events.sort()
        free = lo
        for start, dur, state in events:
            if start < free:
                continue
            end = start + dur
            out.append(Transition(target, dt.datetime.fromtimestamp(round(start, 6), TZ), state, "probe"))
            out.append(Transition(target, dt.datetime.fromtimestamp(round(end, 6), TZ), State.UP, "probe"))
            free = end + 3 * STEP_S
    return out


@contextlib.contextmanager
def _postgres() -> Iterator[str | None]:
    """A fresh database on 127.0.0.1:5432 when PostgreSQL (and psycopg) are there, else None."""
    try:
        import psycopg

        from tests.conformance.test_store import ADMIN_DSNS, temporary_pg_database
    except ImportError:
        yield None
        return
    for dsn in ADMIN_DSNS:
        try:
            psycopg.connect(dsn, connect_timeout=3).close()
            break
        except psycopg.Error:
            continue
    else:
        yield None
        return
    with temporary_pg_database() as url:
        yield url


def _figures(source: Store, target: str) -> SlaFigures:
    trs = source.transitions(targets=[target], start=MONTH.start, end=MONTH.end)
    return compute(trs, period=MONTH, now=NOW, objective_pct=99.5, target=target, maintenance=MAINTENANCE[target])


def _ceil_step(t: dt.datetime) -> float:
    return math.ceil(t.timestamp() / STEP_S) * STEP_S


def test_stores_and_prometheus_agree(prometheus_installed: None, mini: Inventory, tmp_path: Path) -> None:
    transitions = _generate()
    by_target = {t: [x for x in transitions if x.target == t] for t in MAINTENANCE}
    with contextlib.ExitStack() as stack:
        pg_url = stack.enter_context(_postgres())
        stores: dict[str, Store] = {"memory": MemoryStore(), "sqlite": open_store(f"sqlite://{tmp_path / 'k.db'}")}
        if pg_url is not None:
            stores["postgresql"] = open_store(pg_url)
        for store in stores.values():
            stack.callback(store.close)
            store.append_transitions(transitions)

        # Prometheus: the gauge a poller would have exported, every 60 s (on the minute), absent while unknown.
        window = (MONTH.start - dt.timedelta(days=2), MONTH.end + dt.timedelta(days=2))
        text = openmetrics_gauge(METRIC_UP, "Target state.", [
            ({"target": t, "kind": parse_target(t)[0].value},
             up_samples(by_target[t], start=window[0], end=window[1], step_s=STEP_S)) for t in MAINTENANCE])
        blocks = backfill(text, tmp_path / "tsdb")
        assert blocks
        prom = stack.enter_context(PrometheusServer(data_dir=tmp_path / "tsdb"))
        source = PrometheusTransitions(prom.client, step_s=STEP_S, tz=TZ)
        assert set(source.targets()) == set(MAINTENANCE)

        for target in MAINTENANCE:
            exact = {name: _figures(s, target) for name, s in stores.items()}
            ref = exact["memory"]
            for name, f in exact.items():
                assert f == ref, f"{name} differs from the memory store for {target}"
            assert ref.outage_count >= 3 and ref.availability is not None

            # Every transition inside the month comes back at the next grid point (the ±step resolution).
            inside = [t for t in by_target[target] if MONTH.start <= t.at < MONTH.end]
            got = source.transitions(targets=[target], start=MONTH.start, end=MONTH.end)
            assert [(t.state, t.at.timestamp()) for t in got if t.at >= MONTH.start] == \
                [(t.state, _ceil_step(t.at)) for t in inside]
            assert got[0].at < MONTH.start and got[0].state is State.UP  # the state carried into the month

            prom_f = _figures(source, target)
            assert prom_f.availability is not None
            # Bound: each of the n transitions moves by less than one step, so at most step * n seconds move
            # between up, down and unknown; then |A - A'| = |a D - b U| / (T T') <= step * n / min(T, T').
            n = len(inside)
            moved = STEP_S * n
            bound = moved / min(ref.sli_total_s, prom_f.sli_total_s)
            delta = abs(prom_f.availability - ref.availability)
            print(f"{target}: exact {ref.availability:.6%} prometheus {prom_f.availability:.6%} "
                  f"|Δ| {delta:.2e} <= bound {bound:.2e} ({n} transitions); outages {ref.outage_count}")
            assert delta <= bound
            assert prom_f.outage_count == ref.outage_count
            assert abs(prom_f.down_s - ref.down_s) <= moved
            assert prom_f.maintenance_s == ref.maintenance_s

        # The whole SLA report of the mini inventory from each source.
        reports = {name: build_report(mini, s, "2026-10", now=NOW) for name, s in stores.items()}
        for name, rep in reports.items():
            assert {**rep.to_dict(), "store": ""} == {**reports["memory"].to_dict(), "store": ""}, name
        prom_rep = build_report(mini, source, "2026-10", now=NOW)
        assert "Prometheus" in prom_rep.store
        for row, exact_row in zip(prom_rep.rows, reports["memory"].rows, strict=True):
            n = sum(1 for m in row.policy.members for t in by_target[m] if MONTH.start <= t.at < MONTH.end)
            assert row.availability is not None and exact_row.availability is not None
            bound = STEP_S * n / min(exact_row.up_s + exact_row.sli_down_s, row.up_s + row.sli_down_s)
            assert abs(row.availability - exact_row.availability) <= bound, row.target
            assert len(row.outages) == len(exact_row.outages), row.target
