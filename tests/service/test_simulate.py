"""The simulated city against the real probes and the real poller: every agent and service answers, every
fault is seen on the next poll, the address map file lives exactly as long as the city."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kotanet.inventory import open_inventory
from kotanet.inventory.models import Inventory
from kotanet.monitors.http import HttpProbe
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.poller import Poller, ProbePlan, plan_probes
from kotanet.monitors.probe import Probe, ProbeKind, ProbeResult
from kotanet.monitors.records import State
from kotanet.monitors.simulate import SIMULATION_FILE, SimulatedCity, load_address_map, send_control
from kotanet.monitors.snmp import SnmpProbe
from tests.conftest import MINI, require_service

pytestmark = pytest.mark.service

T0 = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)
LINK = "fo-dc--kec-tengah"  # dc-r1 Gi0/0/0 (ifIndex 1) <-> kec-tengah-r1 sfp1 (ifIndex 1)


class StepClock:
    def __init__(self, at: dt.datetime = T0) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(MINI)


@pytest.fixture(scope="module")
def clock() -> StepClock:
    return StepClock()


@pytest.fixture(scope="module")
def city(inv: Inventory, clock: StepClock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedCity]:
    require_service(importlib.util.find_spec("snmpsim") is not None, "snmpsim (pip install snmpsim)")
    started = time.monotonic()
    with SimulatedCity(inv, tmp_path_factory.mktemp("state"), clock=clock, start_timeout_s=20) as c:
        assert time.monotonic() - started < 10, "the city must start in a few seconds"
        yield c


@pytest.fixture(autouse=True)
def all_up(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "city" in request.fixturenames:
        c: SimulatedCity = request.getfixturevalue("city")
        for target in [f"device:{d}" for d in c.agents] + [f"service:{s}" for s in c.services]:
            c.up(target)
        for a in c.agents.values():
            for itf in a.interfaces:
                c.up(f"interface:{a.device}:{itf.name}")


def poll(city: SimulatedCity, inv: Inventory, *, timeout_s: float = 0.5) -> dict[str, ProbeResult]:
    """One round of the real SNMP and HTTP probes over the plan for the simulated addresses."""
    plan = plan_probes(inv, city.address_map, timeout_s=timeout_s, retries=0)
    specs = [s for s in plan.specs if s.kind in (ProbeKind.SNMP, ProbeKind.HTTP)]

    async def go() -> list[ProbeResult]:
        snmp, web = SnmpProbe(), HttpProbe()
        try:
            return list(await asyncio.gather(*(
                (snmp if s.kind is ProbeKind.SNMP else web).probe(s, T0) for s in specs)))
        finally:
            await snmp.close()
            await web.close()

    return {r.target: r for r in asyncio.run(go())}


def test_every_agent_and_service_answers(city: SimulatedCity, inv: Inventory) -> None:
    first = poll(city, inv)
    devices = [d for d in inv.devices if d.mgmt_ip is not None]
    assert len(city.agents) == len(devices) == 5
    for d in devices:
        r = first[f"device:{d.id}"]
        assert r.ok is True and r.reason == "", (d.id, r.reason)
        n = len(d.interfaces)
        assert {k for k in r.values if k.startswith("ifOperStatus.")} == {f"ifOperStatus.{i}" for i in range(1, n + 1)}
        assert all(r.values[f"ifOperStatus.{i}"] == 1 and r.values[f"ifAdminStatus.{i}"] == 1
                   for i in range(1, n + 1))
        assert r.values["sysUpTime"] > 86_400
    for sv in inv.services:
        r = first[f"service:{sv.id}"]
        assert r.ok is True and r.values["status"] == 200, r.reason
    time.sleep(0.3)
    second = poll(city, inv)
    # 64-bit counters grow with capacity x load: a radio link is busier than an idle port
    a, b = first["device:bts-01-r1"].values, second["device:bts-01-r1"].values
    assert b["ifHCInOctets.1"] > a["ifHCInOctets.1"] and b["ifHCOutOctets.1"] > a["ifHCOutOctets.1"]
    assert second["device:bts-01-r1"].values["sysUpTime"] > first["device:bts-01-r1"].values["sysUpTime"]


def test_address_map_file_while_running(city: SimulatedCity) -> None:
    path = city.state_dir / SIMULATION_FILE
    data = json.loads(path.read_text())
    assert set(data["devices"]) == set(city.agents)
    assert all(v[0] == "127.0.0.1" and v[2] == "public" for v in data["devices"].values())
    assert data["pids"]["owner"] == os.getpid() and data["started_at"] == T0.isoformat()
    assert load_address_map(city.state_dir) == city.address_map


def test_device_down_is_a_silent_agent(city: SimulatedCity, inv: Inventory) -> None:
    city.down("device:kec-tengah-r1")
    r = poll(city, inv)
    assert r["device:kec-tengah-r1"].ok is False and "SNMP timeout" in r["device:kec-tengah-r1"].reason
    assert r["device:dc-r1"].ok is True
    city.up("device:kec-tengah-r1")
    assert poll(city, inv)["device:kec-tengah-r1"].ok is True


def test_interface_down_and_up_within_one_second(city: SimulatedCity, inv: Inventory) -> None:
    city.down("interface:dc-r1:Gi0/0/1")
    v = poll(city, inv)["device:dc-r1"].values
    assert (v["ifOperStatus.1"], v["ifOperStatus.2"], v["ifOperStatus.3"]) == (1, 2, 1)
    city.up("interface:dc-r1:Gi0/0/1")  # the same second: still seen on the next poll
    v = poll(city, inv)["device:dc-r1"].values
    assert v["ifOperStatus.2"] == 1


def test_link_down_sets_both_ends(city: SimulatedCity, inv: Inventory) -> None:
    city.down_link(LINK)
    r = poll(city, inv)
    assert r["device:dc-r1"].values["ifOperStatus.1"] == 2
    assert r["device:kec-tengah-r1"].values["ifOperStatus.1"] == 2
    assert r["device:kec-tengah-r1"].values["ifOperStatus.2"] == 1
    city.up(f"link:{LINK}")
    r = poll(city, inv)
    assert r["device:dc-r1"].values["ifOperStatus.1"] == r["device:kec-tengah-r1"].values["ifOperStatus.1"] == 1


def test_service_503_silent_and_slow(city: SimulatedCity, inv: Inventory) -> None:
    city.down("service:website")
    r = poll(city, inv)["service:website"]
    assert r.ok is False and r.reason == "HTTP 503"
    city.degrade_service("website", silent=True)
    r = poll(city, inv)["service:website"]
    assert r.ok is False and r.reason.startswith("timeout after"), r.reason
    city.up("service:website")
    city.degrade_service("website", delay_s=0.3)
    r = poll(city, inv)["service:website"]
    assert r.ok is True and r.latency_ms is not None and r.latency_ms >= 300
    city.up("service:website")
    assert poll(city, inv)["service:website"].values["status"] == 200


def test_flap_and_timed_restore_follow_the_clock(city: SimulatedCity, clock: StepClock, inv: Inventory) -> None:
    city.flap("device:drc-r1", period_s=60, times=2)
    seen = []
    for _ in range(4):
        seen.append(poll(city, inv)["device:drc-r1"].ok)
        clock.advance(30)
        city.tick()
    assert seen == [False, True, False, True]
    assert city.next_change() is None
    city.down("interface:drc-r1:ge-0/0/0", for_s=90)
    clock.advance(60)
    assert city.tick() == []
    assert poll(city, inv)["device:drc-r1"].values["ifOperStatus.1"] == 2
    clock.advance(30)
    assert city.tick() == ["interface:drc-r1:ge-0/0/0"]
    assert poll(city, inv)["device:drc-r1"].values["ifOperStatus.1"] == 1


def test_fault_through_the_control_directory(city: SimulatedCity, inv: Inventory) -> None:
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            city.process_control()
            time.sleep(0.02)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        msg = send_control(city.state_dir, {"action": "down", "target": f"link:{LINK}", "for_s": 600},
                           timeout_s=5)
        assert msg == f"down link:{LINK} for 600 s"
        assert poll(city, inv)["device:dc-r1"].values["ifOperStatus.1"] == 2
        with pytest.raises(Exception, match="no link 'ghost'"):
            send_control(city.state_dir, {"action": "down", "target": "link:ghost"}, timeout_s=5)
    finally:
        stop.set()
        server.join(5)


def test_stop_removes_the_file_and_the_processes(inv: Inventory, tmp_path: Path) -> None:
    require_service(importlib.util.find_spec("snmpsim") is not None, "snmpsim (pip install snmpsim)")
    city = SimulatedCity(inv, tmp_path, clock=StepClock(), start_timeout_s=20)
    with city:
        pids = [p for k, p in city.pids.items() if k != "owner"]
        assert (tmp_path / SIMULATION_FILE).exists()
        assert load_address_map(tmp_path) is not None
    assert not (tmp_path / SIMULATION_FILE).exists()
    assert load_address_map(tmp_path) is None
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_stale_file_from_a_dead_run_is_ignored_and_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / SIMULATION_FILE).write_text(json.dumps({
        "pids": {"owner": dead.pid}, "devices": {"dc-r1": ["127.0.0.1", 1161, "public"]},
        "services": {}, "control_dir": str(tmp_path)}))
    assert load_address_map(tmp_path) is None
    assert not (tmp_path / SIMULATION_FILE).exists()
    assert load_address_map(tmp_path / "nothing-here") is None


# ---------------------------------------------------------------------------------------- the real poller

def _poller(plan: ProbePlan, clock: StepClock) -> tuple[Poller, MemoryStore, dict[ProbeKind, Probe]]:
    store = MemoryStore()
    probes: dict[ProbeKind, Probe] = {ProbeKind.SNMP: SnmpProbe(), ProbeKind.HTTP: HttpProbe()}
    return Poller(plan, probes, store, clock=clock), store, probes


def test_poller_records_a_link_down_for_five_polls(city: SimulatedCity, clock: StepClock, inv: Inventory) -> None:
    plan = plan_probes(inv, city.address_map, interval_s=60, timeout_s=0.5, retries=0)
    poller, store, probes = _poller(plan, clock)
    start = clock.now()
    failed_polls: list[dt.datetime] = []

    async def go() -> None:
        try:
            for k in range(10):
                if k == 2:
                    city.down_link(LINK, for_s=5 * 60)  # restored by tick() at the 7th poll
                city.tick()
                report = await poller.cycle()
                if poller.last_results[("device:dc-r1", ProbeKind.SNMP)].values.get("ifOperStatus.1") == 2:
                    failed_polls.append(report.at)
                clock.advance(60)
        finally:
            for p in probes.values():
                await p.close()  # type: ignore[attr-defined]

    asyncio.run(go())
    at = [start + dt.timedelta(seconds=60 * k) for k in range(10)]
    assert failed_polls == at[2:7]
    rows = [(t.at, t.state) for t in store.transitions(targets=[f"link:{LINK}"])]
    assert rows == [(at[0], State.UP), (at[2], State.DOWN), (at[7], State.UP)], rows
    others = store.last_transitions()
    assert all(tr.state is State.UP for t, tr in others.items() if t != f"link:{LINK}"), others


def test_a_cycle_with_a_third_unreachable_finishes_within_its_interval(city: SimulatedCity, clock: StepClock,
                                                                        inv: Inventory) -> None:
    interval = 10.0
    plan = plan_probes(inv, city.address_map, interval_s=interval, timeout_s=1.0, retries=1)
    poller, _, probes = _poller(plan, clock)
    silent = ["device:kec-tengah-r1", "device:kel-satu-r1"]  # 2 of the 6 probed targets
    for target in silent:
        city.down(target)

    async def go() -> list[float]:
        durations = []
        try:
            for _ in range(2):
                report = await poller.cycle()
                assert report.failed == 2 and report.probes == 6
                durations.append(report.duration_s)
                clock.advance(interval)
        finally:
            for p in probes.values():
                await p.close()  # type: ignore[attr-defined]
        return durations

    durations = asyncio.run(go())
    assert all(d < interval for d in durations), durations
    assert all(d >= 2.0 for d in durations)  # the two silent agents were waited for, 2 x 1 s, in parallel
