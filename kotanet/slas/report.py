"""The SLA report: one row per SLA target in scope, with its figures, outages and policy, for one period.

``build_report`` reads the store (transitions and annotations of the members in the period) and hands
them to ``assemble_report``, which is pure. Figures come from :func:`kotanet.slas.engine.compute`, one
member (monitor target) at a time; an SLA target that covers several members (a tenant's sites) gets the
time-weighted aggregate

    availability = Σ up / Σ (up + bad)     over its members

(every member-second counts once: two sites down for an hour each weigh as much as one site down for
two hours), and its state follows the engine's rules on the summed shares and budgets (exact comparisons
with the objective). The per-member figures are kept beside it.

A store without data gives a valid report in which all counted time is unknown (state ``no_data``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from kotanet import __version__
from kotanet.errors import UsageError
from kotanet.i18n import Lang
from kotanet.inventory.models import Inventory
from kotanet.monitors.records import DEFAULT_FLAP_RULE, Annotation, FlapRule, Transition
from kotanet.monitors.store import Store
from kotanet.slas.engine import SlaFigures, SlaState, compute
from kotanet.slas.periods import Period, parse_period
from kotanet.slas.policy import SlaPolicy, resolve_policies, select_targets
from kotanet.timeutil import to_micros

__all__ = [
    "MemberRow",
    "OutageRow",
    "Progress",
    "ReportRow",
    "SlaReport",
    "assemble_report",
    "build_report",
    "check_started",
    "manifest_facts",
]

Progress = Callable[[int, int], None]
"""Called with (targets done, targets in all) while a report is built."""


@dataclass(frozen=True, slots=True)
class OutageRow:
    """One outage of one member, in the SLA target's time zone."""

    member: str
    start: dt.datetime
    end: dt.datetime
    duration_s: float
    unknown_s: float
    ongoing: bool
    annotation: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    """The figures of one monitor target covered by an SLA target."""

    member: str
    availability: float | None
    state: SlaState
    up_s: float
    down_s: float
    sli_down_s: float
    unknown_s: float
    maintenance_s: float
    outage_count: int

    @classmethod
    def of(cls, f: SlaFigures) -> MemberRow:
        return cls(f.target, f.availability, f.state, f.up_s, f.down_s, f.sli_down_s, f.unknown_s,
                   f.maintenance_s, f.outage_count)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One SLA target's line of the report. Seconds are summed over its members."""

    policy: SlaPolicy
    period: Period
    """The report's period in this target's time zone."""
    availability: float | None
    state: SlaState
    up_s: float
    down_s: float
    sli_down_s: float
    """Bad time in the SLI: down, plus unknown when the policy counts unknown as down."""
    unknown_s: float
    maintenance_s: float
    outside_service_hours_s: float
    not_elapsed_s: float
    budget_total_s: float
    outages: tuple[OutageRow, ...]
    members: tuple[MemberRow, ...]
    data_range: tuple[dt.datetime, dt.datetime] | None

    @property
    def target(self) -> str:
        return self.policy.target

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def scope(self) -> str:
        return self.policy.scope_label

    @property
    def objective_pct(self) -> float:
        return self.policy.objective_pct

    @property
    def availability_pct(self) -> float | None:
        return None if self.availability is None else 100.0 * self.availability

    @property
    def budget_remaining_s(self) -> float:
        return self.budget_total_s - self.sli_down_s

    @property
    def aggregated(self) -> bool:
        """True when the figures are summed over several members."""
        return len(self.members) > 1

    def to_dict(self) -> dict[str, object]:
        rng = self.data_range
        return {
            "target": self.target, "name": self.name, "scope": self.scope, "objective_pct": self.objective_pct,
            "availability": self.availability, "state": str(self.state), "up_s": self.up_s,
            "down_s": self.down_s, "sli_down_s": self.sli_down_s, "unknown_s": self.unknown_s,
            "maintenance_s": self.maintenance_s, "outside_service_hours_s": self.outside_service_hours_s,
            "not_elapsed_s": self.not_elapsed_s, "budget_total_s": self.budget_total_s,
            "budget_remaining_s": self.budget_remaining_s,
            "data_range": None if rng is None else [rng[0].isoformat(), rng[1].isoformat()],
            "members": [{"member": m.member, "availability": m.availability, "state": str(m.state),
                         "up_s": m.up_s, "down_s": m.down_s, "unknown_s": m.unknown_s,
                         "maintenance_s": m.maintenance_s, "outages": m.outage_count} for m in self.members],
            "outages": [{"member": o.member, "start": o.start.isoformat(), "end": o.end.isoformat(),
                         "duration_s": o.duration_s, "unknown_s": o.unknown_s, "ongoing": o.ongoing,
                         "annotation": o.annotation} for o in self.outages],
            "policy": self.policy.summary(),
        }


@dataclass(frozen=True, slots=True)
class SlaReport:
    """The whole report. ``generated_at`` is the clock's ``now`` that the figures were computed at."""

    inventory: str
    period: Period
    """The period in the inventory's time zone (each row carries it in its own target's zone)."""
    scope: str | None
    lang: Lang
    generated_at: dt.datetime
    store: str
    flap: FlapRule
    rows: tuple[ReportRow, ...]
    version: str = __version__

    @property
    def flap_rule(self) -> str:
        """The flap rule the transitions were made under, in words (English)."""
        return self.flap.text

    @property
    def complete(self) -> bool:
        return all(r.not_elapsed_s == 0 for r in self.rows)

    @property
    def data_range(self) -> tuple[dt.datetime, dt.datetime] | None:
        """First and last transition used, over every row (None when the store had none in the period)."""
        ranges = [r.data_range for r in self.rows if r.data_range is not None]
        if not ranges:
            return None
        return min(a for a, _ in ranges), max(b for _, b in ranges)

    def counts(self) -> dict[SlaState, int]:
        """How many rows are in each state (every state present, in enum order)."""
        return {s: sum(1 for r in self.rows if r.state is s) for s in SlaState}

    def policy_summary(self) -> list[dict[str, object]]:
        return [r.policy.summary() for r in self.rows]

    def to_dict(self) -> dict[str, object]:
        rng = self.data_range
        return {
            "kotanet_version": self.version, "inventory": self.inventory, "period": self.period.label,
            "period_start": self.period.start.isoformat(), "period_end": self.period.end.isoformat(),
            "scope": self.scope, "generated_at": self.generated_at.isoformat(), "store": self.store,
            "flap_rule": self.flap_rule, "complete": self.complete,
            "data_range": None if rng is None else [rng[0].isoformat(), rng[1].isoformat()],
            "counts": {str(k): v for k, v in self.counts().items()},
            "rows": [r.to_dict() for r in self.rows],
        }


# ----------------------------------------------------------------------------------------- building


def _micros(seconds: float) -> int:
    """Seconds made by the engine from exact microsecond sums, back to those microseconds."""
    return round(seconds * 1_000_000)


def _aggregate_state(up: int, bad: int, countable: int, objective_pct: float, complete: bool) -> SlaState:
    """The engine's state rules (docs/sla-definitions.md) on summed shares, compared exactly."""
    total = up + bad
    if total == 0:
        return SlaState.NO_DATA
    obj = Fraction(repr(float(objective_pct))) / 100
    allowed = 1 - obj
    if complete:
        return SlaState.BREACHED if Fraction(up, total) < obj else SlaState.MET
    if bad > allowed * countable:
        return SlaState.BREACHED
    if 4 * bad > 3 * allowed * countable or (allowed > 0 and Fraction(bad, total) > allowed) or (
            allowed == 0 and bad > 0):
        return SlaState.AT_RISK
    return SlaState.MET


def _row(policy: SlaPolicy, period: Period, figures: Sequence[SlaFigures]) -> ReportRow:
    outages = sorted((OutageRow(f.target, o.start, o.end, o.duration_s, o.unknown_s, o.ongoing, o.annotation)
                      for f in figures for o in f.outages), key=lambda o: (to_micros(o.start), o.member))
    ranges = [f.data_range for f in figures if f.data_range is not None]
    rng = (min(a for a, _ in ranges), max(b for _, b in ranges)) if ranges else None
    members = tuple(MemberRow.of(f) for f in figures)
    if len(figures) == 1:
        f = figures[0]
        availability, state = f.availability, f.state
    else:
        up = sum(_micros(f.up_s) for f in figures)
        bad = sum(_micros(f.sli_down_s) for f in figures)
        countable = sum(_micros(f.countable_s) for f in figures)
        availability = up / (up + bad) if up + bad else None
        complete = all(f.complete for f in figures) if figures else True
        state = _aggregate_state(up, bad, countable, policy.objective_pct, complete)
    return ReportRow(
        policy=policy,
        period=period,
        availability=availability,
        state=state,
        up_s=sum(f.up_s for f in figures),
        down_s=sum(f.down_s for f in figures),
        sli_down_s=sum(f.sli_down_s for f in figures),
        unknown_s=sum(f.unknown_s for f in figures),
        maintenance_s=sum(f.maintenance_s for f in figures),
        outside_service_hours_s=sum(f.outside_service_hours_s for f in figures),
        not_elapsed_s=sum(f.not_elapsed_s for f in figures),
        budget_total_s=sum(f.budget_total_s for f in figures),
        outages=tuple(outages),
        members=members,
        data_range=rng,
    )


def check_started(period: Period, now: dt.datetime) -> None:
    """A period that has not started at ``now`` is a UsageError ("period in the future")."""
    if to_micros(period.start) >= to_micros(now):
        raise UsageError(
            f"period {period.label} is in the future: it starts at {period.start.isoformat()}, "
            f"after now ({now.astimezone(period.tz).isoformat()})",
            hint="pick a period that has started",
        )


def _label(period: str | Period) -> str:
    return period.label if isinstance(period, Period) else period


def assemble_report(
    inv: Inventory,
    policies: Sequence[SlaPolicy],
    transitions: Mapping[str, Iterable[Transition]],
    period: str | Period,
    *,
    now: dt.datetime,
    scope: str | None = None,
    lang: Lang = Lang.EN,
    annotations: Iterable[Annotation] = (),
    store: str = "",
    flap_rule: FlapRule = DEFAULT_FLAP_RULE,
    progress: Progress | None = None,
) -> SlaReport:
    """The report from transitions already read (pure). ``transitions`` maps a member (monitor target) to
    its transitions, including the last one before the period; a member without any is all unknown."""
    label = _label(period)
    main = parse_period(label, inv.settings.timezone)
    check_started(main, now)
    notes = list(annotations)
    rows: list[ReportRow] = []
    for i, pol in enumerate(policies):
        p = parse_period(label, pol.tz)
        check_started(p, now)
        figures = [
            compute(transitions.get(m, ()), period=p, now=now, objective_pct=pol.objective_pct, target=m,
                    maintenance=pol.windows_for(m), service_hours=pol.service_hours,
                    unknown_counts_as_down=pol.unknown_counts_as_down, flap_rule=flap_rule,
                    annotations=(a for a in notes if a.target == m))
            for m in pol.members
        ]
        rows.append(_row(pol, p, figures))
        if progress is not None:
            progress(i + 1, len(policies))
    return SlaReport(inventory=inv.settings.name, period=main, scope=scope, lang=lang, generated_at=now,
                     store=store, flap=flap_rule, rows=tuple(rows))


def build_report(
    inv: Inventory,
    store: Store,
    period: str | Period,
    *,
    now: dt.datetime,
    scope: str | None = None,
    lang: Lang = Lang.EN,
    flap_rule: FlapRule = DEFAULT_FLAP_RULE,
    progress: Progress | None = None,
) -> SlaReport:
    """The SLA report of the targets in ``scope`` (see select_targets; None: all) for ``period`` (a label
    such as ``2026-10``, parsed in each target's time zone, or a Period whose label is used), as seen at
    ``now``. A malformed period, a period that starts after ``now`` or a scope that matches nothing is a
    UsageError."""
    label = _label(period)
    check_started(parse_period(label, inv.settings.timezone), now)
    policies = resolve_policies(inv, select_targets(inv, scope))
    by_member: dict[str, list[Transition]] = {}
    notes: list[Annotation] = []
    for pol in policies:
        if not pol.members:
            continue
        p = parse_period(label, pol.tz)
        check_started(p, now)
        wanted: Collection[str] = [m for m in pol.members if m not in by_member]
        if wanted:
            for tr in store.transitions(targets=wanted, start=p.start, end=p.end):
                by_member.setdefault(tr.target, []).append(tr)
            notes.extend(store.annotations(targets=wanted, start=p.start, end=p.end))
            for m in wanted:
                by_member.setdefault(m, [])
    return assemble_report(inv, policies, by_member, label, now=now, scope=scope, lang=lang, annotations=notes,
                           store=store.description, flap_rule=flap_rule, progress=progress)


def manifest_facts(report: SlaReport) -> dict[str, object]:
    """What a signed export's manifest.json states besides the files (the CLI's and the dashboard's exports)."""
    rng = report.data_range
    return {
        "kotanet_version": report.version,
        "inventory": report.inventory,
        "period": {"label": report.period.label, "start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat(), "complete": report.complete},
        "scope": report.scope,
        "lang": report.lang.value,
        "generated_at": report.generated_at.isoformat(),
        "store": report.store,
        "flap_rule": report.flap_rule,
        "data_range": None if rng is None else [rng[0].isoformat(), rng[1].isoformat()],
        "policy": report.policy_summary(),
        "summary": [{"target": r.target, "availability": r.availability, "state": r.state.value}
                    for r in report.rows],
    }
