"""A generated but realistic monitoring history, for demos, screenshots and tests (``kotanet sla seed-demo``).

`seed_history` writes state transitions and annotations for every monitor target of an inventory
(`kotanet.monitors.targets.all_targets`) into any Store, from the start of the month ``months`` months
before ``now``'s month up to ``now``. Deterministic for a seed (one ``random.Random(seed)``, targets and
links always visited in inventory order).

What it makes:

* **Random outages** of every link, as a Poisson process with the link's own ``mtbf_hours``/``mttr_hours``
  or the per-medium planning defaults of `kotanet.topology.budget.MEDIUM_DEFAULTS` (2.4 GHz radios fail
  about every 2 months, fibre about every 2 years but for longer); durations are log-normal around the
  MTTR. Sites (power cuts), devices (unplanned reboots) and services (HTTP errors) get their own, rarer
  outages at the invented rates of ``SITE_RATES``, ``DEVICE_RATE`` and ``SERVICE_RATE``.
* **Correlation**: an outage is a *root* event on one target and spreads to everything that cannot work
  without it, from `kotanet.topology.analysis.analyze`: a link's outage takes down every site whose
  ``spof_links`` hold it (and their devices); a site's outage takes down its devices, the links that end
  there, every site whose ``spof_sites`` hold it, and the services hosted there until they fail over.
  So a cut radio makes the kelurahan behind it go down at the same instants.
* **Flaps**: short down/up bursts on the two 5.8 GHz radios with the thinnest fade margin.
* **Maintenance**: outages inside the inventory's maintenance windows, on the targets they name
  (`kotanet.slas.policy.window_targets`), and on what hangs behind them.
* **Poller gaps**: two stretches where every target is ``unknown`` ("poller was not running").
* **Scripted incidents**, so that the demo tells a story and some SLA targets breach: a long fibre cut
  ("fibre cut by road works, Jl. Pajajaran") on the fibre link that most sites depend on; a lightning
  strike that keeps a kelurahan's only 2.4 GHz radio down for 52 h (the kelurahan's own figure breaches
  its kecamatan's 95 % that month, though the kecamatan's time-weighted aggregate holds); a UPS transfer
  failure at the data centre (the 99.99 % road-map target breaches); a 6 h carrier fault on the leased
  line (its 99.5 % contract breaches); and 4.7 h of HTTP 503 on the land-tax service at its payment
  deadline (its 99.5 % breaches). The random outages mostly stay within the objectives; the leased
  line's default rate sits exactly at its 99.5 % floor, so it may also breach on its own.
* **Annotations** on the scripted incidents, the maintenance outages and the longest random outages; a
  root event's note is also put on the sites it took down, naming the cause.

Transitions carry reasons like the poller's ("ICMP timeout 3/3", "ifOperStatus down (both ends)",
"HTTP 503"); an ``up`` transition has no reason, as in the poller. Nothing is dated at or after ``now``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kotanet.inventory.choices import FailoverMode, LinkMedium, ScopeKind, ServiceKind, SiteKind
from kotanet.inventory.models import Inventory, Link
from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.store import Store
from kotanet.monitors.targets import TargetKind, all_targets, parse_target, target_id
from kotanet.slas.intervals import from_micros, to_micros
from kotanet.slas.periods import resolve_tz
from kotanet.slas.policy import window_targets
from kotanet.topology.analysis import analyze
from kotanet.topology.budget import MEDIUM_DEFAULTS
from kotanet.topology.graph import link_sites
from kotanet.topology.linkbudgets import link_budgets

__all__ = [
    "DEVICE_RATE",
    "POLLER_ID",
    "SERVICE_RATE",
    "SITE_RATES",
    "SeedSummary",
    "generate_history",
    "seed_history",
]

_H = 3_600_000_000  # one hour in microseconds
_M = 60_000_000  # one minute in microseconds

#: Own outages of a site (power cuts, a dead router), by kind: (MTBF hours, MTTR hours). Invented for a
#: city network: kelurahan offices have no UPS, towers sit on PLN power with a small battery.
SITE_RATES: dict[SiteKind, tuple[float, float]] = {
    SiteKind.KELURAHAN: (2_190.0, 2.0),
    SiteKind.KECAMATAN: (4_380.0, 1.5),
    SiteKind.DEPARTMENT: (4_380.0, 1.5),
    SiteKind.TOWER: (4_380.0, 3.0),
    SiteKind.CITY_HALL: (8_760.0, 1.0),
    SiteKind.NOC: (8_760.0, 1.0),
    SiteKind.DATA_CENTRE: (17_520.0, 0.5),
    SiteKind.DRC: (26_280.0, 1.0),
}
#: Unplanned reboots of a device: (MTBF hours, MTTR hours).
DEVICE_RATE = (4_380.0, 0.1)
#: Application failures of a service (HTTP 5xx, timeouts): (MTBF hours, MTTR hours).
SERVICE_RATE = (1_000.0, 0.5)
#: The poller whose heartbeat is written at ``now``, so that a real poller started later on the same
#: store records the time since as unknown (kotanet.monitors.poller.PollerOptions.poller_id).
POLLER_ID = "poller-1"

# How long a service hosted at a failed site is down before it runs from its replica, by failover mode.
_FAILOVER_US = {FailoverMode.AUTOMATIC: 3 * _M, FailoverMode.MANUAL: 25 * _M}

_SITE_DOWN = "ICMP timeout 3/3"
_DEVICE_DOWN = "ICMP timeout 3/3; SNMP no response"
_LINK_DOWN = ("ifOperStatus down (both ends)", "ifOperStatus down (both ends)", "ifOperStatus down (b end)")
_LINK_END_DOWN = "ifOperStatus down (one end unreachable)"
_SERVICE_DOWN = ("HTTP 503", "HTTP 503", "HTTP 502", "HTTP timeout after 10 s", "TLS handshake timeout")
_SERVICE_VIA_SITE = "HTTP timeout after 10 s"
_GAP = "poller was not running"

_NOTES: dict[str, tuple[str, ...]] = {
    LinkMedium.FIBRE.value: ("fibre cut by an excavator (PDAM pipe works), Jl. Raya Tajur",
                             "aerial fibre span torn down by a truck, Jl. Sholeh Iskandar",
                             "fibre damaged by rodents in a handhole: re-spliced"),
    LinkMedium.RADIO_2_4.value: ("2.4 GHz interference from a new hotspot: moved to another channel",
                                 "lightning strike: radio and surge arrester replaced",
                                 "CPE power adapter failed: replaced"),
    LinkMedium.RADIO_5_8.value: ("backhaul dish knocked out of alignment by wind: re-aligned",
                                 "PoE injector failed at the tower: replaced",
                                 "rain fade during a heavy storm"),
    LinkMedium.LEASED_LINE.value: ("carrier fault: ticket opened with the carrier",),
    TargetKind.SITE.value: ("PLN power cut; the office has no UPS", "router power supply failed: replaced",
                            "tower power failure: genset refuelled"),
    TargetKind.SERVICE.value: ("application server out of memory: restarted",
                               "database connection pool exhausted: restarted"),
    TargetKind.DEVICE.value: ("unplanned reboot (firmware watchdog)",),
}
_LONGEST_ANNOTATED = 8


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """What `seed_history` wrote. ``incidents`` describes the scripted incidents, one line each."""

    start: dt.datetime
    end: dt.datetime
    targets: int
    transitions: int
    annotations: int
    outages: int
    flaps: int
    maintenance_outages: int
    unknown_gaps: int
    incidents: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "targets": self.targets,
                "transitions": self.transitions, "annotations": self.annotations, "outages": self.outages,
                "flaps": self.flaps, "maintenance_outages": self.maintenance_outages,
                "unknown_gaps": self.unknown_gaps, "incidents": list(self.incidents)}


@dataclass(frozen=True, slots=True)
class _Event:
    """A root outage: ``root`` is down over [start, end) (microseconds) and takes its dependents with it."""

    root: str
    start: int
    end: int
    note: str = ""
    reason: str = ""


class _Deps:
    """Who goes down with whom, from the inventory and its SPOF analysis."""

    def __init__(self, inv: Inventory, targets: Sequence[str]) -> None:
        self.known = known = set(targets)
        analysis = analyze(inv)
        self.by_link: dict[str, list[str]] = {}
        self.by_site: dict[str, list[str]] = {}
        for sa in analysis.sites.values():
            if target_id(TargetKind.SITE, sa.site) not in known:
                continue
            for lk in sa.spof_links:
                self.by_link.setdefault(lk, []).append(sa.site)
            for s in sa.spof_sites:
                self.by_site.setdefault(s, []).append(sa.site)
        self.devices: dict[str, list[str]] = {}
        for d in inv.devices:
            t = target_id(TargetKind.DEVICE, d.id)
            if t in known:
                self.devices.setdefault(d.site, []).append(t)
        self.links_at: dict[str, list[str]] = {}
        for lk_id, (a, b) in link_sites(inv).items():
            t = target_id(TargetKind.LINK, lk_id)
            if t in known:
                for s in dict.fromkeys((a, b)):
                    self.links_at.setdefault(s, []).append(t)
        self.services_at: dict[str, list[tuple[str, FailoverMode]]] = {}
        for sv in inv.services:
            self.services_at.setdefault(sv.primary_site, []).append(
                (target_id(TargetKind.SERVICE, sv.id), sv.failover))

    def _behind_site(self, site: str) -> list[str]:
        """Sites cut off when ``site`` is down: those it is a SPOF for, and those hanging on a SPOF link that
        ends at it (for the DC, the analysis' root, only the latter say so)."""
        sites = list(self.by_site.get(site, []))
        for t in self.links_at.get(site, []):
            sites += self.by_link.get(parse_target(t)[1], [])
        return [s for s in dict.fromkeys(sites) if s != site]

    def dependent_sites(self, root: str) -> list[str]:
        """The site targets an outage of ``root`` takes down with it."""
        kind, ref = parse_target(root)
        if kind is TargetKind.LINK:
            return [target_id(TargetKind.SITE, s) for s in self.by_link.get(ref, [])]
        if kind is TargetKind.SITE:
            return [target_id(TargetKind.SITE, s) for s in self._behind_site(ref)]
        return []

    def spread(self, ev: _Event, rng: random.Random) -> Iterator[tuple[str, int, int, str]]:
        """(target, start, end, reason) for the root and everything its outage takes down."""
        kind, ref = parse_target(ev.root)
        if kind is TargetKind.LINK:
            yield ev.root, ev.start, ev.end, ev.reason or rng.choice(_LINK_DOWN)
            sites = self.by_link.get(ref, [])
        elif kind is TargetKind.SITE:
            yield ev.root, ev.start, ev.end, ev.reason or _SITE_DOWN
            for t in self.devices.get(ref, []):
                yield t, ev.start, ev.end, _DEVICE_DOWN
            for t in self.links_at.get(ref, []):
                yield t, ev.start, ev.end, _LINK_END_DOWN
            for t, mode in self.services_at.get(ref, []):
                cut = _FAILOVER_US.get(mode)
                yield t, ev.start, ev.end if cut is None else min(ev.end, ev.start + cut), _SERVICE_VIA_SITE
            sites = self._behind_site(ref)
        elif kind is TargetKind.DEVICE:
            yield ev.root, ev.start, ev.end, ev.reason or _DEVICE_DOWN
            return
        else:
            yield ev.root, ev.start, ev.end, ev.reason or rng.choice(_SERVICE_DOWN)
            return
        for s in sites:
            yield target_id(TargetKind.SITE, s), ev.start, ev.end, _SITE_DOWN
            for t in self.devices.get(s, []):
                yield t, ev.start, ev.end, _DEVICE_DOWN


def _month_starts(now: dt.datetime, months: int, tz: dt.tzinfo) -> list[int]:
    """Epoch microseconds of the local month starts from ``months`` months before now's month to now's."""
    local = now.astimezone(tz)
    out: list[int] = []
    for back in range(months, -1, -1):
        idx = local.year * 12 + local.month - 1 - back
        y, m = divmod(idx, 12)
        out.append(to_micros(dt.datetime(y, m + 1, 1, tzinfo=tz)))
    return out


def _whole_s(us: float) -> int:
    """Microseconds rounded down to a whole second (the poller's resolution)."""
    return int(us) // 1_000_000 * 1_000_000


def _duration(rng: random.Random, mttr_h: float) -> int:
    """A log-normal repair time with mean ``mttr_h``, at least 3 min; a draw above 4 × MTTR is drawn again
    (a few times), so that the tail stays plausible without piling up at the cap."""
    sigma = 0.8
    hours = 4 * mttr_h
    for _ in range(4):
        hours = rng.lognormvariate(math.log(mttr_h) - sigma * sigma / 2, sigma)
        if hours <= 4 * mttr_h:
            break
    return _whole_s(max(min(hours, 4 * mttr_h) * _H, 3 * _M))


def _poisson(rng: random.Random, root: str, lo: int, hi: int, mtbf_h: float, mttr_h: float) -> list[_Event]:
    """A root's random outages over [lo, hi): exponential times between failures (mean MTBF)."""
    out: list[_Event] = []
    t = _whole_s(lo + rng.expovariate(1.0 / mtbf_h) * _H)
    while t < hi:
        d = _duration(rng, mttr_h)
        out.append(_Event(root, t, t + d))
        t = _whole_s(t + d + rng.expovariate(1.0 / mtbf_h) * _H)
    return out


def _link_rates(lk: Link) -> tuple[float, float]:
    mtbf, mttr = MEDIUM_DEFAULTS[lk.medium.value]
    return lk.mtbf_hours or mtbf, lk.mttr_hours or mttr


def _place(rng: random.Random, lo: int, hi: int, dur: int) -> int:
    """A start in [lo, hi - dur], away from the edges when there is room; lo when there is none."""
    room = hi - lo - dur
    if room <= 0:
        return lo
    return _whole_s(lo + room * rng.uniform(0.15, 0.85))


def _scripted(inv: Inventory, deps: _Deps, rng: random.Random, months: list[int], now_us: int,
              sla_sites: set[str], tz: dt.tzinfo) -> tuple[list[_Event], list[str]]:
    """The deliberate incidents: (events, one-line descriptions)."""
    events: list[_Event] = []
    lines: list[str] = []
    n = len(months)

    def month(i: int) -> tuple[int, int]:
        i = max(0, min(i, n - 1))
        hi = months[i + 1] if i + 1 < n else now_us
        return months[i], min(hi, now_us)

    def add(root: str, month_index: int, dur: int, note: str, reason: str = "") -> None:
        lo, hi = month(month_index)
        start = _place(rng, lo, hi, dur)
        events.append(_Event(root, start, start + dur, note, reason))
        local = from_micros(start, tz)
        lines.append(f"{root}: {note} ({local:%Y-%m-%d %H:%M} {local.tzname() or ''}, {dur / _H:.1f} h)")

    active = [lk for lk in inv.links if target_id(TargetKind.LINK, lk.id) in deps.known]
    # 1. The long fibre cut, on the fibre link most sites depend on (ties: inventory order).
    fibres = [lk for lk in active if lk.medium is LinkMedium.FIBRE]
    if fibres:
        cut = max(fibres, key=lambda lk: len(deps.by_link.get(lk.id, [])))
        add(target_id(TargetKind.LINK, cut.id), n - 1, 14 * _H + 20 * _M,
            "fibre cut by road works, Jl. Pajajaran: 14 h to re-splice")
    # 2. Lightning: a kelurahan whose only uplink is a 2.4 GHz radio stays down 52 h (> 5 % of any month).
    for lk in active:
        behind = deps.by_link.get(lk.id, [])
        if lk.medium is LinkMedium.RADIO_2_4 and any(s in sla_sites for s in behind):
            add(target_id(TargetKind.LINK, lk.id), 0, 52 * _H,
                "lightning strike at the mast: radio and surge arrester replaced, spare came from Jakarta",
                "ifOperStatus down (both ends)")
            break
    # 3. The data centre: a UPS transfer failure during a PLN outage (the 99.99 % budget is 4.3 min).
    dcs = [s for s in inv.sites if s.kind is SiteKind.DATA_CENTRE]
    if dcs:
        add(target_id(TargetKind.SITE, dcs[0].id), 1, 25 * _M,
            "UPS failed to take the load during a PLN outage (Tier I: single power path)")
    # 4. A carrier fault on a leased line, longer than its 99.5 % monthly budget (3.6 h).
    leased = [lk for lk in active if lk.medium is LinkMedium.LEASED_LINE]
    if leased:
        add(target_id(TargetKind.LINK, leased[0].id), n - 2, 6 * _H + 10 * _M,
            "carrier fault (fibre cut in the carrier's metro ring): ticket escalated twice",
            "ifOperStatus down (both ends)")
    # 5. The land-tax service overloaded at the payment deadline: 4.7 h of HTTP 503 (> 3.6 h at 99.5 %).
    land_tax = [sv for sv in inv.services if sv.kind is ServiceKind.LAND_TAX]
    if land_tax:
        add(target_id(TargetKind.SERVICE, land_tax[0].id), 0, 4 * _H + 40 * _M,
            "payment deadline rush: application server overloaded until a second node was added", "HTTP 503")
    return events, lines


def _flaps(inv: Inventory, deps: _Deps, rng: random.Random, lo: int, hi: int) -> list[_Event]:
    """Bursts of short outages on the two active 5.8 GHz radios with the thinnest fade margin."""
    radios = {lk.id for lk in inv.links if lk.medium is LinkMedium.RADIO_5_8
              and target_id(TargetKind.LINK, lk.id) in deps.known}
    if not radios:
        return []
    budgets = sorted((b for b in link_budgets(inv) if b.link in radios and b.margin_db is not None),
                     key=lambda b: (b.margin_db, b.link))
    out: list[_Event] = []
    for b in budgets[:2]:
        root = target_id(TargetKind.LINK, b.link)
        for _ in range(2):  # two stormy afternoons each
            t = _place(rng, lo, hi, 3 * _H)
            for _ in range(rng.randint(4, 7)):
                d = rng.randint(2, 5) * _M + rng.randint(0, 59) * 1_000_000
                out.append(_Event(root, t, t + d, reason="ifOperStatus down (b end)"))
                t += d + rng.randint(3, 12) * _M
    return out


def _timeline(downs: list[tuple[int, int, str]], gaps: list[tuple[int, int]], lo: int,
              hi: int) -> list[tuple[int, State, str]]:
    """The target's transitions over [lo, hi): up by default, down in the union of ``downs`` (the reason of
    the earliest covering outage), unknown in the gaps (over everything)."""
    points = {lo}
    for a, b, _ in downs:
        points.add(a)
        points.add(b)
    for a, b in gaps:
        points.add(a)
        points.add(b)
    downs = sorted(downs)
    out: list[tuple[int, State, str]] = []
    cur: tuple[State, str] | None = None
    gi = 0
    active: list[tuple[int, int, str]] = []
    di = 0
    for p in sorted(x for x in points if lo <= x < hi):
        while gi < len(gaps) and gaps[gi][1] <= p:
            gi += 1
        while di < len(downs) and downs[di][0] <= p:
            active.append(downs[di])
            di += 1
        active = [d for d in active if d[1] > p]
        if gi < len(gaps) and gaps[gi][0] <= p:
            nxt = (State.UNKNOWN, _GAP)
        elif active:
            nxt = (State.DOWN, active[0][2])
        else:
            nxt = (State.UP, "")
        if cur is None or nxt[0] is not cur[0]:
            out.append((p, nxt[0], nxt[1]))
            cur = nxt
    return out


def generate_history(inv: Inventory, *, months: int, now: dt.datetime, seed: int = 0
                     ) -> tuple[list[Transition], list[Annotation], SeedSummary]:
    """The history `seed_history` writes, without writing it (pure). See the module docstring."""
    if months < 0:
        raise ValueError("months must be >= 0")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    tz = resolve_tz(inv.settings.timezone)
    rng = random.Random(seed)
    targets = all_targets(inv)
    deps = _Deps(inv, targets)
    starts = _month_starts(now, months, tz)
    lo, hi = starts[0], to_micros(now)
    sla_sites = {t for sla in inv.sla_targets if sla.scope is ScopeKind.TENANT
                 for t in (s.id for s in inv.sites if s.tenant == sla.ref)}

    scripted, lines = _scripted(inv, deps, rng, starts, hi, sla_sites, tz)
    random_events: list[_Event] = []
    for lk in inv.links:
        root = target_id(TargetKind.LINK, lk.id)
        if root in deps.known:
            random_events += _poisson(rng, root, lo, hi, *_link_rates(lk))
    for s in inv.sites:
        root = target_id(TargetKind.SITE, s.id)
        if root in deps.known and s.kind in SITE_RATES:
            random_events += _poisson(rng, root, lo, hi, *SITE_RATES[s.kind])
    for t in targets:
        kind, _ = parse_target(t)
        if kind is TargetKind.DEVICE:
            random_events += _poisson(rng, t, lo, hi, *DEVICE_RATE)
        elif kind is TargetKind.SERVICE:
            random_events += _poisson(rng, t, lo, hi, *SERVICE_RATE)
    flaps = _flaps(inv, deps, rng, lo, hi)

    maint: list[_Event] = []
    for w in inv.maintenance:
        a, b = to_micros(w.start), to_micros(w.end)
        if b <= lo or a >= hi:
            continue
        for root in sorted(window_targets(inv, w)):
            if root in deps.known:
                # the work starts a few minutes into the window and ends a little before it closes
                w0 = a + rng.randint(3, 15) * _M
                w1 = max(w0 + _M, b - rng.randint(5, 30) * _M)
                maint.append(_Event(root, w0, w1, f"maintenance {w.id}: {w.reason}".rstrip(": ")))

    # Two poller gaps, away from the scripted incidents (those must keep their full length).
    gaps: list[tuple[int, int]] = []
    for dur in (rng.randint(35, 50) * _M, rng.randint(120, 180) * _M):
        for _ in range(50):
            a = _place(rng, lo, hi, dur)
            if all(a + dur <= ev.start or a >= ev.end for ev in scripted) and \
                    all(a + dur <= g0 or a >= g1 for g0, g1 in gaps):
                gaps.append((a, a + dur))
                break
    gaps.sort()

    # Annotate the longest random outages of links and sites (the ones a report would show first).
    longest = sorted((ev for ev in random_events if parse_target(ev.root)[0] in (TargetKind.LINK, TargetKind.SITE)),
                     key=lambda ev: (ev.start - ev.end, ev.root, ev.start))[:_LONGEST_ANNOTATED]
    noted: dict[tuple[str, int], _Event] = {}
    for ev in longest:
        kind, ref = parse_target(ev.root)
        if kind is TargetKind.LINK:
            link = inv.link(ref)
            pool = _NOTES[link.medium.value] if link is not None else _NOTES[TargetKind.SITE.value]
        else:
            pool = _NOTES[kind.value]
        noted[(ev.root, ev.start)] = _Event(ev.root, ev.start, ev.end, rng.choice(pool), ev.reason)
    random_events = [noted.get((ev.root, ev.start), ev) for ev in random_events]

    downs: dict[str, list[tuple[int, int, str]]] = {t: [] for t in targets}
    annotations: list[Annotation] = []
    all_events = [*scripted, *random_events, *flaps, *maint]
    for ev in all_events:
        if ev.start >= hi:
            continue
        for t, a, b, reason in deps.spread(ev, rng):
            if t in downs:
                downs[t].append((a, min(b, hi), reason))
        if ev.note:
            end = from_micros(min(ev.end, hi), dt.UTC)
            start = from_micros(ev.start, dt.UTC)
            annotations.append(Annotation(ev.root, start, end, ev.note))
            for site in deps.dependent_sites(ev.root):
                annotations.append(Annotation(site, start, end, f"{ev.note} ({ev.root})"))

    transitions: list[Transition] = []
    for t in targets:
        for at, state, reason in _timeline(downs[t], gaps, lo, hi):
            transitions.append(Transition(t, from_micros(at, dt.UTC), state, reason))

    summary = SeedSummary(
        start=from_micros(lo, tz), end=now, targets=len(targets), transitions=len(transitions),
        annotations=len(annotations), outages=len(scripted) + len(random_events), flaps=len(flaps),
        maintenance_outages=len(maint), unknown_gaps=len(gaps), incidents=tuple(lines))
    return transitions, annotations, summary


def seed_history(inv: Inventory, store: Store, *, months: int, now: dt.datetime, seed: int = 0) -> SeedSummary:
    """Write a generated history (module docstring) for every target of ``inv`` into ``store``: the
    transitions in batches, the annotations, and a heartbeat of ``POLLER_ID`` at ``now``. Idempotent: the
    same arguments on the same store write nothing new."""
    transitions, annotations, summary = generate_history(inv, months=months, now=now, seed=seed)
    batch = 5_000
    for i in range(0, len(transitions), batch):
        store.append_transitions(transitions[i:i + batch])
    have = set(store.annotations(start=summary.start, end=now))
    for note in annotations:
        if note not in have:  # seeding the same store twice adds nothing
            store.annotate(note)
    store.heartbeat(POLLER_ID, now)
    return summary
