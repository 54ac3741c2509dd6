"""The poller: probes every target on its interval, turns results into transitions with the flap rule,
and writes them to the store. The clock, the probes, the store and the sleep are passed in.

Targets and how their state is derived (ids from kotanet.monitors.targets):
  device:<id>    ICMP to the management address (or the SNMP agent answering, when ICMP is not probed)
  site:<id>      reachable when any of its routing devices answers (combine_site)
  link:<id>      up when both ends' ifOperStatus are up (combine_link), from SNMP
  service:<id>   HTTP(S) probe of the URL

Crash safety: every cycle writes a heartbeat. On start, the poller reads its last heartbeat; every target
of its shard whose last transition is not `unknown` gets an `unknown` transition at that heartbeat, so the
time the poller was dead is never counted as up. Transitions that the store refuses (locked, unreachable)
stay in a bounded buffer and are retried every cycle; when the buffer is full the oldest undelivered
transitions of a target are replaced by one `unknown` transition at the earliest lost instant, so a gap
is recorded as unknown, never silently as up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kotanet.clock import Clock
from kotanet.inventory.choices import DeviceRole, LinkStatus
from kotanet.inventory.models import Inventory
from kotanet.monitors.probe import Probe, ProbeKind, ProbeResult, ProbeSpec
from kotanet.monitors.records import DEFAULT_FLAP_RULE, FlapRule, State, Transition
from kotanet.monitors.statemachine import Tracker, combine_link, combine_site
from kotanet.monitors.store import Sample, SampleKind, Store, StoreError
from kotanet.monitors.targets import MONITORED_SITE_KINDS, TargetKind, target_id

__all__ = ["AddressMap", "CycleReport", "Poller", "PollerOptions", "ProbePlan", "Shard", "plan_probes"]


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard I of N: owns the targets whose stable hash modulo N is I (0-based)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not (self.count >= 1 and 0 <= self.index < self.count):
            raise ValueError(f"shard {self.index + 1}/{self.count} is out of range")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'I/N' with I counted from 1, as on the command line."""
        try:
            i, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ValueError(f"--shard {text!r} is not I/N (e.g. 1/3)") from None
        return cls(i - 1, n)

    def owns(self, key: str) -> bool:
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index


@dataclass(frozen=True, slots=True)
class AddressMap:
    """Where to reach things: the inventory's own addresses, or a simulated city's (`kotanet simulate`)."""

    devices: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # device id -> (host, snmp port)
    urls: Mapping[str, str] = field(default_factory=dict)  # service id -> URL
    # (device id, interface name) -> ifIndex, when the agents do not number interfaces by position (the lab)
    ifindexes: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # only what is in the map is probed: devices and services not in it are skipped, never probed at their
    # inventory addresses (the lab's twin holds the routers only)
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class ProbePlan:
    """The probes to run, and how derived targets are made from them."""

    specs: tuple[ProbeSpec, ...]
    site_devices: Mapping[str, tuple[str, ...]]  # site target -> device targets
    link_ends: Mapping[str, tuple[tuple[str, int], tuple[str, int]]]  # link target -> ((device, ifIndex) x 2)

    def targets(self) -> list[str]:
        out = {s.target for s in self.specs if s.kind is not ProbeKind.SNMP}
        return sorted(out | set(self.site_devices) | set(self.link_ends))

    def shard(self, shard: Shard) -> ProbePlan:
        """The part of the plan shard `shard` owns. A site or a link belongs to the shard of its own id; the
        device probes it needs go with it (a device may then be probed by two shards: that is reads, not
        double counting — each target is written by exactly one shard)."""
        sites = {t: d for t, d in self.site_devices.items() if shard.owns(t)}
        links = {t: e for t, e in self.link_ends.items() if shard.owns(t)}
        need_icmp = {d for devs in sites.values() for d in devs}
        need_snmp = {target_id(TargetKind.DEVICE, dev) for ends in links.values() for dev, _ in ends}
        specs = tuple(s for s in self.specs
                      if shard.owns(s.target) or (s.kind is ProbeKind.ICMP and s.target in need_icmp)
                      or (s.kind is ProbeKind.SNMP and s.target in need_snmp))
        return ProbePlan(specs, sites, links)

    def owned(self, shard: Shard | None) -> list[str]:
        return [t for t in self.targets() if shard is None or shard.owns(t)]


def plan_probes(inv: Inventory, addresses: AddressMap | None = None, *, interval_s: float = 60.0,
                timeout_s: float = 2.0, retries: int = 1, snmp_community: str = "public") -> ProbePlan:
    """ICMP and SNMP per device with a management address, HTTP per service. ifIndex of an interface is its
    position in the device's interface list, counted from 1 (the simulated agents use the same)."""
    addresses = addresses or AddressMap()
    specs: list[ProbeSpec] = []
    site_devs: dict[str, list[str]] = {}
    for d in inv.devices:
        if d.mgmt_ip is None or d.role is DeviceRole.SPLICE_CLOSURE:
            continue
        if addresses.exclusive and d.id not in addresses.devices:
            continue
        host, port = addresses.devices.get(d.id, (str(d.mgmt_ip), 161))
        dev_t = target_id(TargetKind.DEVICE, d.id)
        specs.append(ProbeSpec(dev_t, ProbeKind.ICMP, host, 0, interval_s, timeout_s, retries))
        ifindexes = ",".join(str(_ifindex(addresses, d.id, itf.name, i)) for i, itf in enumerate(d.interfaces, 1)
                             if _ifindex(addresses, d.id, itf.name, i) is not None)
        specs.append(ProbeSpec(dev_t, ProbeKind.SNMP, host, port, interval_s, timeout_s, retries,
                               {"version": "2c", "community": snmp_community, "ifindexes": ifindexes}))
        if d.role.routing:
            site_devs.setdefault(target_id(TargetKind.SITE, d.site), []).append(dev_t)
    for s in inv.sites:
        if s.kind in MONITORED_SITE_KINDS and target_id(TargetKind.SITE, s.id) not in site_devs:
            devs = [target_id(TargetKind.DEVICE, d.id) for d in inv.devices if d.site == s.id and d.mgmt_ip
                    and (not addresses.exclusive or d.id in addresses.devices)]
            if devs:
                site_devs[target_id(TargetKind.SITE, s.id)] = devs
    links: dict[str, tuple[tuple[str, int], tuple[str, int]]] = {}
    devices = {d.id: d for d in inv.devices}
    for lk in inv.links:
        if lk.status is not LinkStatus.ACTIVE:
            continue
        ends: list[tuple[str, int]] = []
        for ep in (lk.a, lk.b):
            dev = devices[ep.device]
            pos = next(i for i, itf in enumerate(dev.interfaces, start=1) if itf.name == ep.interface)
            idx = _ifindex(addresses, ep.device, ep.interface, pos)
            if idx is not None:
                ends.append((ep.device, idx))
        if len(ends) == 2 and all(devices[dev].mgmt_ip is not None and (not addresses.exclusive
                                                                         or dev in addresses.devices)
                                  for dev, _ in ends):
            links[target_id(TargetKind.LINK, lk.id)] = (ends[0], ends[1])
    for sv in inv.services:
        if addresses.exclusive and sv.id not in addresses.urls:
            continue
        url = addresses.urls.get(sv.id, sv.url)
        parts = urlsplit(url)
        specs.append(ProbeSpec(target_id(TargetKind.SERVICE, sv.id), ProbeKind.HTTP, parts.hostname or "",
                               parts.port or 0, interval_s, timeout_s * 2, retries, {"url": url}))
    return ProbePlan(tuple(specs), {k: tuple(v) for k, v in site_devs.items()}, links)


def _ifindex(addresses: AddressMap, device: str, interface: str, position: int) -> int | None:
    """The interface's ifIndex: the map's, else its 1-based position (None: an exclusive map lacks it)."""
    idx = addresses.ifindexes.get((device, interface))
    if idx is not None:
        return idx
    if addresses.exclusive and addresses.ifindexes:
        return None
    return position


@dataclass(frozen=True, slots=True)
class PollerOptions:
    poller_id: str = "poller-1"
    concurrency: int = 256
    buffer_limit: int = 100_000
    rule: FlapRule = DEFAULT_FLAP_RULE
    shard: Shard | None = None


@dataclass(frozen=True, slots=True)
class CycleReport:
    at: dt.datetime
    probes: int
    failed: int
    undecided: int
    transitions: int
    buffered: int
    store_error: str
    duration_s: float
    states: Mapping[str, State]


Sleep = Callable[[float], Awaitable[None]]


class Poller:
    def __init__(self, plan: ProbePlan, probes: Mapping[ProbeKind, Probe], store: Store, *, clock: Clock,
                 options: PollerOptions | None = None) -> None:
        self.options = options or PollerOptions()
        self.plan = plan.shard(self.options.shard) if self.options.shard else plan
        self.probes = probes
        self.store = store
        self.clock = clock
        self.owned = set(self.plan.owned(self.options.shard))
        self.trackers = {t: Tracker(t, rule=self.options.rule) for t in sorted(self.owned)}
        self._buffer: deque[Transition] = deque()
        self._samples: deque[Sample] = deque(maxlen=self.options.buffer_limit)
        self.last_results: dict[tuple[str, ProbeKind], ProbeResult] = {}

    # ------------------------------------------------------------------ crash recovery
    def recover(self) -> list[Transition]:
        """Write the gap since this poller's last heartbeat as `unknown` for every target it owns."""
        last = self.store.last_heartbeat(self.options.poller_id)
        if last is None:
            return []
        previous = self.store.last_transitions()
        gap = [Transition(t, last, State.UNKNOWN, "poller was not running")
               for t in sorted(self.owned) if t in previous and previous[t].state is not State.UNKNOWN
               and previous[t].at < last]
        if gap:
            self.store.append_transitions(gap)
        return gap

    # ------------------------------------------------------------------ one cycle
    async def _run(self, sem: asyncio.Semaphore, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        async with sem:
            try:
                return await self.probes[spec.kind].probe(spec, at)
            except Exception as exc:  # a probe bug must not stop the cycle: record it as undecided
                return ProbeResult(spec.target, at, None, f"probe error: {type(exc).__name__}: {exc}")

    async def cycle(self) -> CycleReport:
        for probe in self.probes.values():  # set-up that blocks (e.g. SNMP's MIB loading) before any timeout runs
            prepare = getattr(probe, "prepare", None)
            if prepare is not None:
                await prepare()
        started = time.monotonic()
        at = self.clock.now()
        sem = asyncio.Semaphore(self.options.concurrency)
        specs = [s for s in self.plan.specs if s.kind in self.probes]
        results = await asyncio.gather(*(self._run(sem, s, at) for s in specs))
        by_kind: dict[tuple[str, ProbeKind], ProbeResult] = {}
        for spec, res in zip(specs, results, strict=True):
            by_kind[(spec.target, spec.kind)] = res
        self.last_results.update(by_kind)
        derived = self._derive(by_kind, at)
        new: list[Transition] = []
        states: dict[str, State] = {}
        for target, result in derived.items():
            tracker = self.trackers.get(target)
            if tracker is None:
                continue
            tr = tracker.feed(result)
            if tr is not None:
                new.append(tr)
            states[target] = tracker.state
        self._collect_samples(by_kind, at)
        self._buffer.extend(new)
        self._bound_buffer()
        error = self._flush(at)
        return CycleReport(at=at, probes=len(specs), failed=sum(1 for r in results if r.ok is False),
                           undecided=sum(1 for r in results if r.ok is None), transitions=len(new),
                           buffered=len(self._buffer), store_error=error, duration_s=time.monotonic() - started,
                           states=states)

    def _derive(self, by: Mapping[tuple[str, ProbeKind], ProbeResult], at: dt.datetime) -> dict[str, ProbeResult]:
        out: dict[str, ProbeResult] = {}
        for (target, kind), res in by.items():
            direct = kind is not ProbeKind.SNMP or (target, ProbeKind.ICMP) not in by
            if direct:
                out[target] = res
        for site, devs in self.plan.site_devices.items():
            answers = [out[d].ok if d in out else None for d in devs]
            ok = combine_site(answers)
            reason = "" if ok else "; ".join(f"{d}: {out[d].reason}" for d in devs if d in out and out[d].reason)
            out[site] = ProbeResult(site, at, ok, reason)
        for link, ends in self.plan.link_ends.items():
            states: list[bool | None] = []
            for dev, idx in ends:
                snmp = by.get((target_id(TargetKind.DEVICE, dev), ProbeKind.SNMP))
                oper = snmp.values.get(f"ifOperStatus.{idx}") if snmp is not None and snmp.ok else None
                states.append(None if oper is None else oper == 1)
            ok = combine_link(states[0], states[1])
            reason = "" if ok else ("ifOperStatus down" if ok is False else "no SNMP answer from an end")
            out[link] = ProbeResult(link, at, ok, reason)
        return out

    def _collect_samples(self, by: Mapping[tuple[str, ProbeKind], ProbeResult], at: dt.datetime) -> None:
        for (target, kind), res in by.items():
            if res.latency_ms is not None and kind is not ProbeKind.SNMP and target in self.owned:
                self._samples.append(Sample(target, at, SampleKind.LATENCY_MS, res.latency_ms))
            days = res.values.get("tls_days_left")
            if days is not None:
                self._samples.append(Sample(target, at, SampleKind.TLS_DAYS_LEFT, days))

    def _bound_buffer(self) -> None:
        limit = self.options.buffer_limit
        if len(self._buffer) <= limit:
            return
        dropped: dict[str, Transition] = {}
        while len(self._buffer) > limit - 1:
            tr = self._buffer.popleft()
            dropped.setdefault(tr.target, tr)
        # one unknown per target at the earliest lost instant: the gap is recorded, never counted as up
        for target, first in sorted(dropped.items()):
            self._buffer.appendleft(Transition(target, first.at, State.UNKNOWN, "transitions lost: store down"))

    def _flush(self, at: dt.datetime) -> str:
        try:
            if self._buffer:
                self.store.append_transitions(list(self._buffer))
                self._buffer.clear()
            if self._samples:
                self.store.append_samples(list(self._samples))
                self._samples.clear()
            self.store.heartbeat(self.options.poller_id, at)
        except StoreError as exc:
            return str(exc)
        return ""

    async def run(self, *, sleep: Sleep, cycles: int | None = None, interval_s: float | None = None,
                  on_cycle: Callable[[CycleReport], None] | None = None) -> None:
        """Recover, then poll until cancelled (or `cycles` cycles). A slow cycle starts the next at once."""
        self.recover()
        interval = interval_s or min((s.interval_s for s in self.plan.specs), default=60.0)
        n = 0
        while cycles is None or n < cycles:
            report = await self.cycle()
            if on_cycle is not None:
                on_cycle(report)
            n += 1
            if cycles is not None and n >= cycles:
                break
            await sleep(max(0.0, interval - report.duration_s))
