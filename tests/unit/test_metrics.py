"""The poller's Prometheus metrics, checked on the exact exposition text."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from kotanet.inventory import YamlDirSource
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.metrics import PollerMetrics
from kotanet.monitors.poller import Poller, plan_probes
from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
T0 = dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> dt.datetime:
        return self.at


class TableProbe:
    def __init__(self, kind: ProbeKind, values: dict[str, dict[str, float]]) -> None:
        self.kind = kind
        self.values = values

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        return ProbeResult(spec.target, at, True, latency_ms=2.5, values=dict(self.values.get(spec.target, {})))


def test_exposition() -> None:
    inv = YamlDirSource(MINI).load()
    values: dict[str, dict[str, float]] = {
        f"device:{d.id}": {f"ifOperStatus.{i}": 1 for i in range(1, len(d.interfaces) + 1)} for d in inv.devices}
    bts = values["device:bts-01-r1"]
    bts.update({"ifHCInOctets.2": 0, "ifHCOutOctets.2": 0, "sysUpTime": 100})
    clock = Clock()
    probes = {k: TableProbe(k, values) for k in ProbeKind}
    poller = Poller(plan_probes(inv), probes, MemoryStore(), clock=clock)
    registry = CollectorRegistry()
    metrics = PollerMetrics(registry, poller, capacities={"link:r24-bts-01--kel-satu": 30.0})
    for _ in range(2):
        metrics.observe(asyncio.run(poller.cycle()))
        clock.at += dt.timedelta(seconds=60)
        # 60 s at 15 Mbit/s out = 112,500,000 bytes; at 3 Mbit/s in = 22,500,000 bytes
        bts["ifHCOutOctets.2"] += 112_500_000
        bts["ifHCInOctets.2"] += 22_500_000
        bts["sysUpTime"] += 60
    text = generate_latest(registry).decode()
    lines = set(text.splitlines())
    assert 'kotanet_target_up{kind="site",target="site:kel-satu"} 1.0' in lines
    assert 'kotanet_target_up{kind="link",target="link:r24-bts-01--kel-satu"} 1.0' in lines
    assert 'kotanet_probe_latency_ms{probe="icmp",target="device:dc-r1"} 2.5' in lines
    assert 'kotanet_interface_oper_up{device="bts-01-r1",ifindex="2"} 1.0' in lines
    # 15 / 30 = 0.5 out of end a (towards b), 3 / 30 = 0.1 into end a
    assert 'kotanet_link_utilisation{direction="a_to_b",link="r24-bts-01--kel-satu"} 0.5' in lines
    assert 'kotanet_link_utilisation{direction="b_to_a",link="r24-bts-01--kel-satu"} 0.1' in lines
    assert "kotanet_poll_cycles_total 2.0" in lines
    assert "kotanet_poll_buffered_transitions 0.0" in lines
    stamp = next(ln for ln in lines if ln.startswith("kotanet_poll_last_cycle_timestamp_seconds "))
    assert float(stamp.split()[1]) == (T0 + dt.timedelta(seconds=60)).timestamp()  # the second cycle's start
