"""What the pages and the API show, computed from the inventory, the measurement store and the web database.

* :class:`Snapshot`: every SLA target's figures for the running month plus its live state, computed with
  :func:`kotanet.slas.report.build_report` on the inventory whose maintenance windows are the inventory's
  own merged with those scheduled in the dashboard. It is cached for ``figures_ttl_s`` seconds: while a
  stale snapshot exists, one thread recomputes it and the others keep serving the stale one, so 50
  clients never queue behind a computation. Scheduling or removing a window drops the cache.
* :func:`timeline`: the up/down/maintenance/unknown segments of one monitor target over a span (pure).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from kotanet.inventory.choices import PeriodKind, ScopeKind
from kotanet.inventory.models import Inventory, MaintenanceWindow, SlaTarget
from kotanet.inventory.source import open_inventory
from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.store import SampleKind, Store
from kotanet.monitors.targets import TargetKind
from kotanet.slas.engine import SlaState
from kotanet.slas.periods import Period, parse_period, period_containing
from kotanet.slas.policy import resolve_policies, select_targets, window_targets
from kotanet.slas.report import ReportRow, SlaReport, assemble_report
from kotanet.timeutil import to_micros
from kotanet.web.db import WebDb
from kotanet.web.settings import WebSettings

_log = logging.getLogger(__name__)

__all__ = ["Figures", "Live", "Segment", "Snapshot", "TargetRow", "timeline"]


class Live(StrEnum):
    """A target's state right now."""

    UP = "up"
    DOWN = "down"
    MAINTENANCE = "maintenance"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One SLA target as the overview shows it."""

    id: str
    name: str
    kind: ScopeKind
    ref: str
    departments: tuple[str, ...]
    objective_pct: float
    availability: float | None
    budget_total_s: float
    budget_remaining_s: float
    state: SlaState
    live: Live
    members: int
    members_down: int
    outages: int
    down_s: float
    unknown_s: float
    maintenance_s: float

    @property
    def budget_left_fraction(self) -> float | None:
        return self.budget_remaining_s / self.budget_total_s if self.budget_total_s > 0 else None


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: dt.datetime
    period: Period
    rows: tuple[TargetRow, ...]
    live: dict[str, State]
    version: int
    by_id: dict[str, TargetRow] = field(default_factory=dict)
    down_now: tuple[str, ...] = ()
    """Monitor targets down now and not in maintenance, sorted."""
    memo: dict[object, list[TargetRow]] = field(default_factory=dict, compare=False, repr=False)

    def counts(self) -> dict[str, int]:
        """SLA targets per SLA state."""
        out = {s.value: 0 for s in SlaState}
        for r in self.rows:
            out[r.state.value] += 1
        return out

    def live_counts(self) -> dict[str, int]:
        """SLA targets per state now."""
        out = {s.value: 0 for s in Live}
        for r in self.rows:
            out[r.live.value] += 1
        return out

    def sorted_selection(self, filters: dict[str, str], *, key: Callable[[TargetRow], Any]) -> list[TargetRow]:
        """select(**filters) sorted by ``key``, remembered for this snapshot (a few filter sets at most)."""
        memo_key = (tuple(sorted(filters.items())), key)
        memo = self.memo
        found = memo.get(memo_key)
        if found is None:
            found = sorted(self.select(**filters), key=key)
            if len(memo) > 64:
                memo.clear()
            memo[memo_key] = found
        return found

    def select(self, *, department: str | None = None, kind: str | None = None, state: str | None = None,
               live: str | None = None, q: str | None = None) -> list[TargetRow]:
        rows: Sequence[TargetRow] = self.rows
        if department:
            rows = [r for r in rows if department in r.departments]
        if kind:
            rows = [r for r in rows if r.kind.value == kind]
        if state:
            rows = [r for r in rows if r.state.value == state]
        if live:
            rows = [r for r in rows if r.live.value == live]
        if q:
            needle = q.lower()
            rows = [r for r in rows if needle in r.id.lower() or needle in r.name.lower()]
        return list(rows)


@dataclass(frozen=True, slots=True)
class Segment:
    start: dt.datetime
    end: dt.datetime
    state: Live

    @property
    def seconds(self) -> float:
        return (to_micros(self.end) - to_micros(self.start)) / 1e6


def timeline(transitions: Sequence[Transition], windows: Sequence[MaintenanceWindow], start: dt.datetime,
             end: dt.datetime) -> list[Segment]:
    """The segments of ``[start, end)``: the transitions' states (unknown before the first), with every
    maintenance window laid over them; adjacent segments of one state are merged. Pure."""
    lo, hi = to_micros(start), to_micros(end)
    if hi <= lo:
        return []
    tz = start.tzinfo or dt.UTC
    points: list[tuple[int, Live]] = [(lo, Live.UNKNOWN)]
    for tr in sorted(transitions, key=lambda t: t.epoch_us):
        at = tr.epoch_us
        state = Live(tr.state.value)
        if at <= lo:
            points[0] = (lo, state)
        elif at < hi:
            points.append((at, state))
    spans = sorted((max(lo, to_micros(w.start)), min(hi, to_micros(w.end))) for w in windows)
    spans = [(a, b) for a, b in spans if a < b]
    # cut points: transitions and window edges
    cuts = sorted({lo, hi, *(p[0] for p in points), *(a for a, _ in spans), *(b for _, b in spans)})
    out: list[tuple[int, int, Live]] = []
    j = 0
    for a, b in pairwise(cuts):
        while j + 1 < len(points) and points[j + 1][0] <= a:
            j += 1
        state = points[j][1]
        if any(x <= a and b <= y for x, y in spans):
            state = Live.MAINTENANCE
        if out and out[-1][2] is state and out[-1][1] == a:
            out[-1] = (out[-1][0], b, state)
        else:
            out.append((a, b, state))
    return [Segment(dt.datetime.fromtimestamp(a / 1e6, tz), dt.datetime.fromtimestamp(b / 1e6, tz), s)
            for a, b, s in out]


def departments_of(inv: Inventory, target: SlaTarget) -> tuple[str, ...]:
    """The departments (tenants) an SLA target belongs to."""
    if target.scope is ScopeKind.TENANT:
        return (target.ref,)
    if target.scope is ScopeKind.SITE:
        site = inv.site(target.ref)
        return (site.tenant,) if site and site.tenant else ()
    if target.scope is ScopeKind.SERVICE:
        return tuple(sorted({sv.tenant for sv in inv.services if sv.id == target.ref and sv.tenant}))
    link = inv.link(target.ref)
    if link is None:
        return ()
    out: set[str] = set()
    for ep in (link.a, link.b):
        dev = inv.device(ep.device)
        site = inv.site(dev.site) if dev else None
        if site and site.tenant:
            out.add(site.tenant)
    return tuple(sorted(out))


def read_report(inv: Inventory, store: Store, label: str, now: dt.datetime, scope: str | None = None) -> SlaReport:
    """build_report's result, reading the store once for every member (build_report asks once per SLA
    target, which a fleet of 10,000 targets pays for)."""
    policies = resolve_policies(inv, select_targets(inv, scope))
    members = sorted({m for p in policies for m in p.members})
    periods = [parse_period(label, tz) for tz in {p.tz for p in policies} | {inv.settings.timezone}]
    lo = min(p.start for p in periods)
    hi = max(p.end for p in periods)
    by_member: dict[str, list[Transition]] = {m: [] for m in members}
    notes: list[Annotation] = []
    if members:
        for tr in store.transitions(targets=members, start=lo, end=hi):
            by_member.setdefault(tr.target, []).append(tr)
        notes = store.annotations(targets=members, start=lo, end=hi)
    return assemble_report(inv, policies, by_member, label, now=now, scope=scope, annotations=notes,
                           store=store.description)


class Figures:
    """The dashboard's view of the network; shared by every request thread."""

    def __init__(self, settings: WebSettings, db: WebDb, inventory: Inventory | None = None) -> None:
        self.settings = settings
        self.db = db
        self.base = inventory if inventory is not None else open_inventory(settings.inventory)
        self._store_lock = threading.RLock()
        self._store: Store | None = settings.store
        self._owns_store = settings.store is None
        self._snap: Snapshot | None = None
        self._snap_mono = 0.0
        self._snap_fingerprint: tuple[int, str] | None = None
        self._compute_lock = threading.Lock()
        self._version = 0
        self._inv_cache: tuple[int, Inventory] | None = None
        self._inv_lock = threading.Lock()
        self._depts = {t.id: departments_of(self.base, t) for t in self.base.sla_targets}
        self.tenant_names = {t.id: t.name for t in self.base.tenants}
        self._scene: dict[str, object] | None = None
        self.compute_s = 0.0

    # ------------------------------------------------------------------------------------ store

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The measurement store, one user at a time (the adapters are not all thread-safe)."""
        with self._store_lock:
            if self._store is None:
                from kotanet.monitors.stores import default_store_url, open_store

                self._store = open_store(self.settings.store_url or default_store_url(self.settings.state_dir))
            yield self._store

    def close(self) -> None:
        with self._store_lock:
            if self._store is not None and self._owns_store:
                self._store.close()
                self._store = None

    # -------------------------------------------------------------------------------- inventory

    def inventory(self) -> Inventory:
        """The inventory with the dashboard's maintenance windows merged into its own."""
        with self._inv_lock:
            version = self._version
            if self._inv_cache is not None and self._inv_cache[0] == version:
                return self._inv_cache[1]
            extra = [w.window for w in self.db.windows()]
            inv = self.base if not extra else self.base.model_copy(
                update={"maintenance": [*self.base.maintenance, *extra]})
            self._inv_cache = (version, inv)
            return inv

    def invalidate(self) -> None:
        """Maintenance changed: the next snapshot is recomputed before it is served."""
        with self._inv_lock:
            self._version += 1
            self._inv_cache = None
        self._snap = None

    def now(self) -> dt.datetime:
        return self.settings.clock.now()

    def period(self) -> Period:
        return period_containing(PeriodKind.MONTH, self.now(), self.base.settings.timezone)

    # --------------------------------------------------------------------------------- snapshot

    @property
    def ttl_s(self) -> float:
        """How long a snapshot is served: the setting, but at least three times what the last computation took,
        so that recomputing never takes more than about a third of a core (10,000 targets take seconds)."""
        return max(self.settings.figures_ttl_s, 3 * self.compute_s)

    def snapshot(self) -> Snapshot:
        """The current snapshot. A stale one is still served while a background thread computes the next, so no
        request waits for a computation except the very first (and the first after maintenance changed)."""
        snap = self._snap
        if snap is not None:
            if time.monotonic() - self._snap_mono >= self.ttl_s and self._compute_lock.acquire(blocking=False):
                threading.Thread(target=self._refresh, name="kotanet-figures", daemon=True).start()
            return snap
        with self._compute_lock:
            current = self._snap
            if current is not None:
                return current
            fingerprint = self._fingerprint()
            return self._keep(self._compute(), fingerprint)

    def _refresh(self) -> None:
        try:
            snap, fingerprint = self._snap, self._fingerprint()
            if (snap is not None and snap.version == self._version and fingerprint == self._snap_fingerprint
                    and _minute(self.now()) == _minute(snap.at)):
                # nothing was written and the minute has not turned: the figures would be the same
                self._snap_mono = time.monotonic()
                return
            self._keep(self._compute(), fingerprint)
        except Exception as exc:  # keep serving the stale snapshot; the next request tries again
            _log.warning("recomputing the SLA figures failed: %s", type(exc).__name__)
        finally:
            self._compute_lock.release()

    def _keep(self, snap: Snapshot, fingerprint: tuple[int, str] | None = None) -> Snapshot:
        if snap.version == self._version:  # else maintenance changed meanwhile: the next request recomputes
            self._snap, self._snap_mono = snap, time.monotonic()
            self._snap_fingerprint = fingerprint
        return snap

    def _fingerprint(self) -> tuple[int, str]:
        """What the store holds, cheaply: every target's last transition, digested. A poller that records a change
        moves it; a heartbeat alone does not. History written behind a target's last transition (a backfill) is
        not seen here: it shows when the minute turns, which recomputes anyway."""
        with self.store() as store:
            last = store.last_transitions()
        digest = hashlib.blake2b(digest_size=16)
        for target in sorted(last):
            tr = last[target]
            digest.update(f"{target}\t{tr.at.isoformat()}\t{tr.state}\n".encode())
        return len(last), digest.hexdigest()

    def _compute(self) -> Snapshot:
        t0 = time.monotonic()
        version = self._version
        inv = self.inventory()
        now = self.now()
        period = period_containing(PeriodKind.MONTH, now, inv.settings.timezone)
        with self.store() as store:
            report = read_report(inv, store, period.label, now)
            live = {t: tr.state for t, tr in store.last_transitions().items()}
        in_maint = self.in_maintenance(inv, now)
        rows = tuple(self._row(r, live, in_maint) for r in report.rows)
        down = tuple(sorted(t for t, s in live.items() if s is State.DOWN and t not in in_maint))
        self.compute_s = time.monotonic() - t0
        return Snapshot(now, period, rows, live, version, {r.id: r for r in rows}, down)

    @staticmethod
    def in_maintenance(inv: Inventory, now: dt.datetime) -> set[str]:
        """Monitor targets inside a maintenance window at ``now``."""
        out: set[str] = set()
        n = to_micros(now)
        for w in inv.maintenance:
            if to_micros(w.start) <= n < to_micros(w.end):
                out |= window_targets(inv, w)
        return out

    def _row(self, r: ReportRow, live: dict[str, State], in_maint: set[str]) -> TargetRow:
        members = r.policy.members
        states = [live.get(m, State.UNKNOWN) for m in members]
        down = sum(1 for m, s in zip(members, states, strict=True) if s is State.DOWN and m not in in_maint)
        if down:
            now_state = Live.DOWN
        elif any(m in in_maint for m in members):
            now_state = Live.MAINTENANCE
        elif (members and all(s is State.UP for s in states)) or any(s is State.UP for s in states):
            now_state = Live.UP
        else:
            now_state = Live.UNKNOWN
        return TargetRow(
            id=r.target, name=r.name, kind=r.policy.scope, ref=r.policy.ref,
            departments=self._depts.get(r.target, ()), objective_pct=r.objective_pct,
            availability=r.availability, budget_total_s=r.budget_total_s,
            budget_remaining_s=r.budget_remaining_s, state=r.state, live=now_state, members=len(members),
            members_down=down, outages=len(r.outages), down_s=r.down_s, unknown_s=r.unknown_s,
            maintenance_s=r.maintenance_s)

    # ---------------------------------------------------------------------------------- detail

    def report_for(self, target: str) -> SlaReport:
        """This month's report of one SLA target (not cached: the detail page shows it fresh)."""
        inv = self.inventory()
        with self.store() as store:
            return read_report(inv, store, self.period().label, self.now(), scope=target)

    def member_transitions(self, members: Sequence[str], start: dt.datetime, end: dt.datetime
                           ) -> dict[str, list[Transition]]:
        out: dict[str, list[Transition]] = {m: [] for m in members}
        with self.store() as store:
            for tr in store.transitions(targets=list(members), start=start, end=end):
                out.setdefault(tr.target, []).append(tr)
        return out

    def samples(self, member: str, kind: SampleKind, start: dt.datetime, end: dt.datetime, step_s: int
                ) -> list[tuple[dt.datetime, float]]:
        with self.store() as store:
            return store.samples(member, kind, start=start, end=end, step_s=step_s)

    def windows_for(self, inv: Inventory, member: str) -> list[MaintenanceWindow]:
        return [w for w in inv.maintenance if member in window_targets(inv, w)]

    def live_states(self) -> dict[str, State]:
        return self.snapshot().live

    def departments(self) -> list[tuple[str, str]]:
        used = sorted({d for ds in self._depts.values() for d in ds})
        return [(d, self.tenant_names.get(d, d)) for d in used]

    @property
    def tz(self) -> dt.tzinfo:
        return ZoneInfo(self.base.settings.timezone)

    def scene(self) -> dict[str, object]:
        """The topology map's drawing (kotanet.topology.mapview), computed once."""
        with self._inv_lock:
            if self._scene is None:
                from kotanet.topology.analysis import analyze
                from kotanet.topology.mapview import build_scene

                self._scene = build_scene(self.base, analyze(self.base)).to_json()
            return self._scene

    def map_data(self) -> dict[str, object]:
        """The scene plus every site's and link's live state (up, down, maintenance, unknown)."""
        snap = self.snapshot()
        maint = self.in_maintenance(self.inventory(), self.now())
        states: dict[str, str] = {}
        for target, state in snap.live.items():
            kind = target.partition(":")[0]
            if kind in (TargetKind.SITE, TargetKind.LINK):
                states[target] = Live.MAINTENANCE.value if target in maint else state.value
        return {"scene": self.scene(), "live": states, "at": snap.at.isoformat()}


def _minute(at: dt.datetime) -> dt.datetime:
    return at.replace(second=0, microsecond=0)
