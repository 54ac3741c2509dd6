"""Benchmark: SNMP polling of a simulated city, kotanet's poller against net-snmp's snmpbulkget.

Run:  .venv/bin/python bench/bench_monitor.py [--devices 2000 --interfaces 4 --concurrency 256 --rounds 3]
      (the reference needs Debian's `snmp` package: scripts/ensure-deb snmp)

1. Builds a synthetic inventory of ``--devices`` access routers with ``--interfaces`` interfaces each
   (kotanet's pydantic models; the management addresses are only keys of the address map) and starts a
   ``SimulatedCity`` for it: snmpsim on 127.0.0.1, one UDP port per device, one responder process per
   ~500 devices (at most one per CPU).
2. kotanet: the real ``Poller`` (``plan_probes`` + ``SnmpProbe`` only, a MemoryStore, the poller's own
   semaphore set to ``--concurrency``) runs cycles over every device: one GETBULK per device asking for
   sysUpTime and ifAdminStatus/ifOperStatus/ifHCInOctets/ifHCOutOctets of every interface (one request
   per 48 varbinds). One warm-up cycle first (snmpsim indexes a data file on its first request).
3. Reference, same run, same agents, rounds interleaved with kotanet's: ``snmpbulkget`` (one process per
   agent: the net-snmp tools take one agent each) sending the very same PDU (-Cn1 -Cr1, the same
   OIDs), ``--concurrency`` processes at a time, with the same timeout and no retries.

Measured per round: wall time, requests/s, the client's CPU per request (kotanet: this process's
``time.process_time``; net-snmp: ``getrusage(RUSAGE_CHILDREN)`` of the snmpbulkget processes, the
Python thread pool that starts them is shown apart) and the agent's CPU per request, from
/proc/<pid>/stat of the snmpsim processes. Medians of ``--rounds`` rounds are reported; the Markdown
table at the end is the one for the README.

Note that client and agents share this machine's CPUs: the end-to-end rate is that of the simulator on
this machine, and the verdict on 10,000 targets per minute says which side limits it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import ipaddress
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kotanet.clock import SystemClock
from kotanet.inventory.choices import DeviceRole, Platform, SiteKind
from kotanet.inventory.models import Device, Interface, Inventory, Settings, Site
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.poller import Poller, PollerOptions, plan_probes
from kotanet.monitors.probe import ProbeKind, ProbeSpec
from kotanet.monitors.simulate import SimulatedCity
from kotanet.monitors.snmp import _MAX_VARBINDS, IF_COLUMNS, SYS_UPTIME_OID, SnmpProbe

GOAL_PER_MIN = 10_000
TICK = os.sysconf("SC_CLK_TCK")


def synthetic(devices: int, interfaces: int) -> Inventory:
    site = Site(id="bench", name="Benchmark site", kind=SiteKind.DATA_CENTRE, latitude=-6.6, longitude=106.8)
    base = int(ipaddress.IPv4Address("10.64.0.0"))
    devs = [Device(id=f"bench-{i:05d}", site="bench", role=DeviceRole.ACCESS_ROUTER, platform=Platform.ROUTEROS,
                   mgmt_ip=ipaddress.IPv4Address(base + i + 1),
                   interfaces=[Interface(name=f"ether{k}", speed_mbps=1000) for k in range(1, interfaces + 1)])
            for i in range(devices)]
    return Inventory(settings=Settings(name="bench"), sites=[site], devices=devs)


def agent_cpu_s(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))
    return total / TICK


def udp_rcvbuf_errors() -> int:
    """The kernel's count of UDP datagrams dropped because a socket's receive buffer was full."""
    head, values = [ln.split() for ln in Path("/proc/net/snmp").read_text().splitlines() if ln.startswith("Udp:")]
    return int(values[head.index("RcvbufErrors")])


def children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


@dataclass
class Round:
    wall_s: float
    client_cpu_s: float
    agent_cpu_s: float
    requests: int
    ok: int
    failed: int
    helper_cpu_s: float = 0.0  # net-snmp: the Python threads that start the processes


def measure(pids: Sequence[int], run: Callable[[], tuple[int, int, float]], requests: int) -> Round:
    """Run one round; `run` returns (ok, failed, client CPU seconds outside this process)."""
    a0, c0, w0 = agent_cpu_s(pids), time.process_time(), time.perf_counter()
    ok, failed, outside = run()
    wall, cpu, agent = time.perf_counter() - w0, time.process_time() - c0, agent_cpu_s(pids) - a0
    if outside:
        return Round(wall, outside, agent, requests, ok, failed, helper_cpu_s=cpu)
    return Round(wall, cpu, agent, requests, ok, failed)


# ------------------------------------------------------------------------------------------ kotanet

class KotanetSide:
    def __init__(self, city: SimulatedCity, inv: Inventory, concurrency: int, timeout_s: float) -> None:
        plan = plan_probes(inv, city.address_map, interval_s=60, timeout_s=timeout_s, retries=0)
        self.probe = SnmpProbe()
        self.poller = Poller(plan, {ProbeKind.SNMP: self.probe}, MemoryStore(), clock=SystemClock(),
                             options=PollerOptions(concurrency=concurrency))
        self.specs = [s for s in plan.specs if s.kind is ProbeKind.SNMP]
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._warm_engine())

    async def _warm_engine(self) -> None:
        await self.probe.prepare()  # build pysnmp's engine and open its socket outside the timing

    def run(self) -> tuple[int, int, float]:
        self.loop.run_until_complete(self.poller.cycle())
        snmp = [self.poller.last_results[(s.target, ProbeKind.SNMP)] for s in self.specs]
        bad = [r for r in snmp if r.ok is not True or r.reason]
        if bad:
            print(f"  kotanet: {len(bad)} failed, e.g. {bad[0].target}: {bad[0].reason}", file=sys.stderr)
        return len(snmp) - len(bad), len(bad), 0.0

    def close(self) -> None:
        self.loop.run_until_complete(self.probe.close())
        self.loop.close()


WORKER = """
import asyncio, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench_monitor import synthetic
from kotanet.clock import SystemClock
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.poller import Poller, PollerOptions, ProbePlan, Shard, plan_probes
from kotanet.monitors.probe import ProbeKind
from kotanet.monitors.simulate import load_address_map
from kotanet.monitors.snmp import SnmpProbe

devices, interfaces, index, count, concurrency = (int(x) for x in sys.argv[2:7])
timeout, state_dir = float(sys.argv[7]), Path(sys.argv[8])
inv = synthetic(devices, interfaces)
plan = plan_probes(inv, load_address_map(state_dir), interval_s=60, timeout_s=timeout, retries=0)
shard = Shard(index, count)
specs = tuple(s for s in plan.specs if s.kind is ProbeKind.SNMP and shard.owns(s.target))
probe = SnmpProbe()
poller = Poller(ProbePlan(specs, {}, {}), {ProbeKind.SNMP: probe}, MemoryStore(), clock=SystemClock(),
                options=PollerOptions(concurrency=concurrency))
loop = asyncio.new_event_loop()
loop.run_until_complete(probe.prepare())
print(json.dumps({"ready": len(specs)}), flush=True)
for line in sys.stdin:
    c0 = time.process_time()
    loop.run_until_complete(poller.cycle())
    res = [poller.last_results[(s.target, ProbeKind.SNMP)] for s in specs]
    bad = [r for r in res if r.ok is not True or r.reason]
    print(json.dumps({"ok": len(res) - len(bad), "failed": len(bad), "cpu": time.process_time() - c0,
                      "example": bad[0].reason if bad else ""}), flush=True)
"""


class ShardedKotanetSide:
    """K poller processes on this machine, each polling its Shard(i, K) of the devices: the README's scale-out
    deployment (`kotanet monitor run --shard I/K`), here all on one machine to use every core."""

    def __init__(self, args: argparse.Namespace, state_dir: Path, pollers: int) -> None:
        self.procs = [subprocess.Popen(
            [sys.executable, "-c", WORKER, str(Path(__file__).parent), str(args.devices), str(args.interfaces),
             str(i), str(pollers), str(max(1, args.concurrency // pollers)), str(args.timeout), str(state_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for i in range(pollers)]
        for p in self.procs:
            assert p.stdout is not None
            json.loads(p.stdout.readline())  # ready: plan built, SNMP engine prepared

    def run(self) -> tuple[int, int, float]:
        for p in self.procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = []
        for p in self.procs:
            assert p.stdout is not None
            outs.append(json.loads(p.stdout.readline()))
        failed = sum(o["failed"] for o in outs)
        if failed:
            example = next(o["example"] for o in outs if o["failed"])
            print(f"  kotanet x{len(self.procs)}: {failed} failed, e.g. {example}", file=sys.stderr)
        return sum(o["ok"] for o in outs), failed, max(sum(o["cpu"] for o in outs), 1e-9)

    def close(self) -> None:
        for p in self.procs:
            if p.stdin is not None:
                p.stdin.close()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


# ------------------------------------------------------------------------------------------ net-snmp

def _dotted(oid: Sequence[int]) -> str:
    return ".".join(str(x) for x in oid)


class NetSnmpSide:
    """The same GETBULK as SnmpProbe's (non-repeaters 1 = the sysUpTime column, max-repetitions 1, then
    column.(i-1) for every ifIndex i and column), one snmpbulkget process per agent."""

    def __init__(self, binary: str, specs: Sequence[ProbeSpec], concurrency: int, timeout_s: float) -> None:
        self.jobs: list[tuple[list[list[str]], int]] = []
        for s in specs:
            ifindexes = [int(i) for i in s.params["ifindexes"].split(",")]
            wanted = [(*col, i) for i in ifindexes for col in IF_COLUMNS.values()]
            argvs: list[list[str]] = []
            for k in range(0, len(wanted), _MAX_VARBINDS):
                chunk = [_dotted((*oid[:-1], oid[-1] - 1)) for oid in wanted[k:k + _MAX_VARBINDS]]
                first = k == 0
                head = [binary, "-v2c", "-c", s.params["community"], "-r", "0", "-t", f"{timeout_s:g}",
                        f"-Cn{1 if first else 0}", "-Cr1", "-On", "-Oq", f"{s.address}:{s.port}"]
                argvs.append(head + ([_dotted(SYS_UPTIME_OID)] if first else []) + chunk)
            self.jobs.append((argvs, 1 + len(wanted)))
        self.pool = ThreadPoolExecutor(max_workers=concurrency)
        self.errors: list[str] = []

    def _one(self, job: tuple[list[list[str]], int]) -> bool:
        argvs, expected = job
        got = 0
        for argv in argvs:
            r = subprocess.run(argv, capture_output=True, text=True, check=False)
            if r.returncode != 0 or "Timeout" in r.stdout + r.stderr:
                self.errors.append(f"{argv[12]}: {(r.stderr or r.stdout).strip()[:120]}")
                return False
            got += len(r.stdout.splitlines())
        if got != expected:
            self.errors.append(f"{argvs[0][12]}: {got} varbinds, expected {expected}")
            return False
        return True

    def run(self) -> tuple[int, int, float]:
        self.errors.clear()
        c0 = children_cpu_s()
        results = list(self.pool.map(self._one, self.jobs))
        cpu = children_cpu_s() - c0
        ok = sum(results)
        if self.errors:
            print(f"  net-snmp: {len(self.errors)} failed, e.g. {self.errors[0]}", file=sys.stderr)
        return ok, len(results) - ok, max(cpu, 1e-9)

    def close(self) -> None:
        self.pool.shutdown()


# ------------------------------------------------------------------------------------------ report

def med(rounds: Sequence[Round], f: Callable[[Round], float]) -> float:
    return statistics.median(f(r) for r in rounds)


def summary(rounds: Sequence[Round]) -> dict[str, float]:
    return {
        "wall_s": med(rounds, lambda r: r.wall_s),
        "rps": med(rounds, lambda r: r.requests / r.wall_s),
        "client_ms": med(rounds, lambda r: 1000 * r.client_cpu_s / r.requests),
        "helper_ms": med(rounds, lambda r: 1000 * r.helper_cpu_s / r.requests),
        "agent_ms": med(rounds, lambda r: 1000 * r.agent_cpu_s / r.requests),
        "agent_busy": med(rounds, lambda r: r.agent_cpu_s / r.wall_s),
        "client_busy": med(rounds, lambda r: (r.client_cpu_s + r.helper_cpu_s) / r.wall_s),
        "failed": max(r.failed for r in rounds),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devices", type=int, default=2000)
    ap.add_argument("--interfaces", type=int, default=4)
    ap.add_argument("--concurrency", type=int, default=PollerOptions().concurrency)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=10.0, help="per request, both sides (no retries)")
    ap.add_argument("--processes", type=int, default=None, help="snmpsim processes (default: the city's own)")
    ap.add_argument("--pollers", type=int, default=1,
                    help="kotanet poller processes, each polling its --shard I/N of the devices (default 1)")
    args = ap.parse_args()

    binary = shutil.which("snmpbulkget")
    inv = synthetic(args.devices, args.interfaces)
    per_device = math.ceil(len(IF_COLUMNS) * args.interfaces / _MAX_VARBINDS)
    requests = args.devices * per_device
    drops0 = udp_rcvbuf_errors()
    with tempfile.TemporaryDirectory(prefix="kotanet-bench-monitor-") as tmp:
        t0 = time.perf_counter()
        city = SimulatedCity(inv, Path(tmp), clock=SystemClock(), processes=args.processes, start_timeout_s=300)
        with city:
            pids = [p for k, p in city.pids.items() if k != "owner"]
            print(f"simulated city: {args.devices} agents x {args.interfaces} interfaces, {len(pids)} snmpsim "
                  f"process(es), started in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} CPUs; "
                  f"{requests} GETBULK per round ({per_device} per device), concurrency {args.concurrency}",
                  flush=True)
            single = KotanetSide(city, inv, args.concurrency, args.timeout)
            ref = NetSnmpSide(binary, single.specs, args.concurrency, args.timeout) if binary else None
            ours: KotanetSide | ShardedKotanetSide = single
            if args.pollers > 1:
                single.close()
                ours = ShardedKotanetSide(args, Path(tmp), args.pollers)
            if ref is None:
                print("snmpbulkget not found: no reference (install Debian's snmp: scripts/ensure-deb snmp)")
            try:
                warm = measure(pids, ours.run, requests)
                print(f"warm-up (kotanet): {warm.wall_s:.2f} s, agent CPU {warm.agent_cpu_s:.1f} s", flush=True)
                k_rounds: list[Round] = []
                r_rounds: list[Round] = []
                for n in range(1, args.rounds + 1):
                    k_rounds.append(measure(pids, ours.run, requests))
                    line = f"round {n}: kotanet {k_rounds[-1].wall_s:.2f} s"
                    if ref is not None:
                        r_rounds.append(measure(pids, ref.run, requests))
                        line += f", snmpbulkget {r_rounds[-1].wall_s:.2f} s"
                    print(line, flush=True)
            finally:
                ours.close()
                if ref is not None:
                    ref.close()
    report(args, pids, requests, k_rounds, r_rounds, udp_rcvbuf_errors() - drops0)


def report(args: argparse.Namespace, pids: Sequence[int], requests: int, k_rounds: Sequence[Round],
           r_rounds: Sequence[Round], drops: int) -> None:
    k = summary(k_rounds)
    r = summary(r_rounds) if r_rounds else None
    print()
    print(f"SNMP polling, {args.devices} simulated devices x {args.interfaces} interfaces ({requests} GETBULK "
          f"of sysUpTime + 4 ifTable/ifXTable columns per round), concurrency {args.concurrency}, "
          f"{len(pids)} snmpsim process(es), {os.cpu_count()} CPUs, median of {args.rounds} rounds "
          f"after 1 warm-up, {dt.date.today().isoformat()}:")
    print()
    print("| client | cycle wall time | requests/s | client CPU / request | agent CPU / request | failed |")
    print("|---|---:|---:|---:|---:|---:|")
    who = "kotanet `Poller` + `SnmpProbe` (pysnmp, asyncio)" + (
        f", {args.pollers} shard processes" if args.pollers > 1 else "")
    print(f"| {who} | {k['wall_s']:.2f} s | {k['rps']:.0f} | "
          f"{k['client_ms']:.2f} ms | {k['agent_ms']:.2f} ms | {k['failed']:.0f} |")
    if r is not None:
        print(f"| net-snmp `snmpbulkget`, a process per agent | {r['wall_s']:.2f} s | {r['rps']:.0f} | "
              f"{r['client_ms']:.2f} ms (+{r['helper_ms']:.2f} ms launcher) | {r['agent_ms']:.2f} ms | "
              f"{r['failed']:.0f} |")
        print(f"| ratio kotanet / net-snmp | {k['wall_s'] / r['wall_s']:.2f} | {k['rps'] / r['rps']:.2f} | "
              f"{k['client_ms'] / r['client_ms']:.2f} | {k['agent_ms'] / r['agent_ms']:.2f} | |")
    print()
    per_min = k["rps"] * 60 * args.devices / requests  # devices polled per minute, end to end
    client_limit = 60_000 / k["client_ms"] * args.devices / requests  # one core, an agent that costs nothing
    agent_bound = k["agent_busy"] > 0.8 * len(pids) or k["agent_ms"] > 2 * k["client_ms"]
    verdict = "reachable" if per_min >= GOAL_PER_MIN else "NOT reached"
    print(f"10,000 targets per minute: {verdict} end to end on this machine — {per_min:,.0f} devices/min measured "
          f"({k['rps']:.0f} requests/s). The client alone would manage about {client_limit:,.0f} devices/min "
          f"per CPU core ({k['client_ms']:.2f} ms CPU per request, {100 * k['client_busy']:.0f} % of a core "
          f"busy during the cycle); the agents used {k['agent_busy']:.2f} CPU-seconds per second "
          f"({len(pids)} process(es)), {k['agent_ms'] / k['client_ms']:.1f}x the client's CPU per request.")
    if k["failed"] or (r is not None and r["failed"]):
        print(f"Requests timed out; the kernel dropped {drops} UDP datagrams for full receive buffers during the "
              "run (RcvbufErrors): kotanet's SnmpProbe has ONE socket for all its requests, with the default "
              "receive buffer, so at this concurrency answers are lost while the event loop is busy. The "
              "rates above include those timeouts; compare a lower --concurrency.")
    if agent_bound:
        print("The bottleneck is the agent (snmpsim, pure Python), not the poller: real devices answer in "
              "their own CPU, so the poller's own cost is the figure to extrapolate from.")
    else:
        print("The agent is not saturated: the end-to-end rate is the poller's (and its concurrency's).")


if __name__ == "__main__":
    main()
