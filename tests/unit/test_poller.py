"""The poller's orchestration with a scripted probe (deterministic results) and the in-memory store."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from kotanet.inventory import YamlDirSource, open_inventory
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.poller import Poller, PollerOptions, Shard, plan_probes
from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec
from kotanet.monitors.records import State, Transition
from kotanet.monitors.targets import all_targets

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
T0 = dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)


@dataclass
class SteppingClock:
    at: dt.datetime

    def now(self) -> dt.datetime:
        return self.at


class ScriptedProbe:
    """Answers from a table: target -> ok, and SNMP ifOperStatus values per device."""

    def __init__(self, kind: ProbeKind, ok: dict[str, bool | None], values: dict[str, dict[str, float]]) -> None:
        self.kind = kind
        self.ok = ok
        self.values = values

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        ok = self.ok.get(spec.target, True)
        return ProbeResult(spec.target, at, ok, "" if ok else "ICMP timeout 2/2", latency_ms=1.5 if ok else None,
                           values=self.values.get(spec.target, {}))


def _poller(ok: dict[str, bool | None], values: dict[str, dict[str, float]] | None = None,
            store: MemoryStore | None = None, shard: Shard | None = None) -> tuple[Poller, SteppingClock, MemoryStore]:
    inv = YamlDirSource(MINI).load()
    clock = SteppingClock(T0)
    store = store or MemoryStore()
    vals = values or {}
    probes = {k: ScriptedProbe(k, ok, vals) for k in (ProbeKind.ICMP, ProbeKind.SNMP, ProbeKind.HTTP)}
    return Poller(plan_probes(inv), probes, store, clock=clock, options=PollerOptions(shard=shard)), clock, store


def _cycles(poller: Poller, clock: SteppingClock, n: int) -> None:
    for _ in range(n):
        asyncio.run(poller.cycle())
        clock.at += dt.timedelta(minutes=1)


def _all_up_values() -> dict[str, dict[str, float]]:
    inv = YamlDirSource(MINI).load()
    return {f"device:{d.id}": {f"ifOperStatus.{i}": 1 for i in range(1, len(d.interfaces) + 1)} for d in inv.devices}


def test_plan_covers_every_monitored_target_of_the_mini_inventory() -> None:
    inv = YamlDirSource(MINI).load()
    plan = plan_probes(inv)
    # the active links, the monitored sites, the service and every device with an address
    assert set(plan.targets()) == set(all_targets(inv))
    bts = plan.link_ends["link:r24-bts-01--kel-satu"]
    assert bts == (("bts-01-r1", 2), ("kel-satu-r1", 1))  # wlan1 is bts-01-r1's 2nd interface


def test_three_failures_open_a_site_outage_dated_at_the_first() -> None:
    ok: dict[str, bool | None] = {}
    poller, clock, store = _poller(ok, _all_up_values())
    _cycles(poller, clock, 2)  # two successes: every target up at T0
    ok["device:kel-satu-r1"] = False
    _cycles(poller, clock, 3)  # minutes 2, 3, 4 fail
    trs = store.transitions(targets=["site:kel-satu"])
    assert [(t.at, t.state) for t in trs] == [(T0, State.UP), (T0 + dt.timedelta(minutes=2), State.DOWN)]
    assert "ICMP timeout" in trs[-1].reason


def test_link_state_from_both_ends_if_oper_status() -> None:
    values = _all_up_values()
    poller, clock, store = _poller({}, values)
    _cycles(poller, clock, 2)
    values["device:kel-satu-r1"]["ifOperStatus.1"] = 2  # the station's wlan1 goes down
    _cycles(poller, clock, 3)
    last = store.last_transitions()
    assert last["link:r24-bts-01--kel-satu"].state is State.DOWN
    assert last["link:fo-dc--bts-01"].state is State.UP


def test_shards_cover_every_target_exactly_once() -> None:
    inv = open_inventory(None)
    plan = plan_probes(inv)
    owned = [set(plan.owned(Shard(i, 3))) for i in range(3)]
    assert set().union(*owned) == set(plan.targets())
    assert sum(len(o) for o in owned) == len(plan.targets())
    for i in range(3):  # the probes a shard runs are enough to derive every target it owns
        part = plan.shard(Shard(i, 3))
        assert set(part.owned(Shard(i, 3))) == owned[i]
    assert Shard.parse("2/3") == Shard(1, 3)
    with pytest.raises(ValueError, match="out of range"):
        Shard.parse("4/3")


def test_restart_writes_the_gap_as_unknown() -> None:
    store = MemoryStore()
    poller, clock, _ = _poller({}, _all_up_values(), store=store)
    _cycles(poller, clock, 3)
    last_beat = store.last_heartbeat("poller-1")
    assert last_beat == T0 + dt.timedelta(minutes=2)
    # a new poller process on the same store, an hour later (the first one was killed)
    again, clock2, _ = _poller({}, _all_up_values(), store=store)
    clock2.at = T0 + dt.timedelta(hours=1)
    gap = again.recover()
    assert gap and all(t.state is State.UNKNOWN and t.at == last_beat for t in gap)
    assert {t.target for t in gap} == set(again.owned)
    _cycles(again, clock2, 2)
    trs = store.transitions(targets=["site:dc"])
    assert [(t.at, t.state) for t in trs] == [(T0, State.UP), (last_beat, State.UNKNOWN),
                                              (T0 + dt.timedelta(hours=1), State.UP)]


def test_bounded_buffer_records_lost_transitions_as_unknown() -> None:
    poller, _, _ = _poller({})
    poller.options = PollerOptions(buffer_limit=3)
    poller._buffer.extend(Transition("site:dc", T0 + dt.timedelta(minutes=i), State.UP if i % 2 else State.DOWN)
                          for i in range(6))
    poller._bound_buffer()
    kept = list(poller._buffer)
    assert kept[0] == Transition("site:dc", T0, State.UNKNOWN, "transitions lost: store down")
    assert [t.at for t in kept[1:]] == [T0 + dt.timedelta(minutes=i) for i in (4, 5)]
