"""The availability engine: SLA figures of one target over one period, from its state transitions.

It works on time intervals, never on samples: a target is in a transition's state from that
transition's ``at`` until the next transition. Definitions (docs/sla-definitions.md has a worked example):

* **elapsed** = the period cut at ``now``; the rest is ``not_elapsed_s`` and takes part in nothing else.
  A period that has not started at ``now`` is a UsageError.
* **outside service hours**: elapsed time outside the policy's service hours (when it has some).
* **maintenance**: elapsed service time inside a (merged) maintenance window. It is neither up nor down,
  whatever the target did (Zabbix "excluded downtime"): it leaves the SLI's denominator.
* what is left is the **counted** time, split by state into ``up_s``, ``down_s`` and ``unknown_s``
  (no data: before the first transition, or a monitor's explicit ``unknown``). Hence
  ``up + down + unknown + maintenance + outside_service_hours + not_elapsed = period length``, exactly.
* **SLI** availability = up / (up + bad), where bad = down, plus unknown when the policy says
  ``unknown_counts_as_down``. None (no data) when up + bad is 0.
* **outage**: a maximal stretch of counted bad time. Maintenance, out-of-hours time and (when unknown is
  not counted as down) unknown time split outages; a period's boundaries cut them.
  MTTR = mean outage duration, MTBF = up time / number of outages (None without outages).
* **error budget**: budget_total = (1 − objective) × the period's *whole* countable time (its service
  time minus its maintenance windows, including the part not yet elapsed, as if all of it will be
  counted); consumed = bad time so far; remaining = total − consumed (negative once overspent).
* **burn rate** = (bad / (up + bad)) / (1 − objective) over the elapsed part: 1.0 spends the budget
  exactly by the period's end. None without data; with a 100 % objective: 0 or infinity.
* **state**: no_data without counted up/bad time. A complete period (now >= its end) is breached when
  availability < objective, else met. A running period is breached once the remaining budget is
  negative (no future uptime can save it), at_risk when less than 25 % of the budget remains or the burn
  rate is above 1, else met. Comparisons with the objective are exact (integer arithmetic on the
  objective as written, e.g. 99.99 = 9999/100), so 99.5 % exactly is met.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from operator import attrgetter

from kotanet.errors import UsageError
from kotanet.inventory.models import ServiceHours
from kotanet.monitors.records import DEFAULT_FLAP_RULE, Annotation, FlapRule, State, Transition
from kotanet.slas.intervals import (
    Span,
    Timed,
    clip_spans,
    from_micros,
    intersect_spans,
    merge_spans,
    spans_length,
    subtract_spans,
    to_micros,
)
from kotanet.slas.periods import Period, service_spans

__all__ = [
    "AT_RISK_REMAINING",
    "DEFAULT_FLAP_RULE",
    "Annotation",
    "FlapRule",
    "Outage",
    "OutageRecord",
    "SlaFigures",
    "SlaState",
    "State",
    "Transition",
    "compute",
    "compute_many",
    "group_by_target",
]

AT_RISK_REMAINING = 0.25
"""A running period is at risk when less than this share of its error budget remains."""


class SlaState(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NO_DATA = "no_data"


_UP, _DOWN, _UNKNOWN = State.UP, State.DOWN, State.UNKNOWN




@dataclass(frozen=True, slots=True)
class Outage:
    """A maximal stretch of counted bad time inside one period, in the period's time zone.

    ``end`` is where the counted stretch stops: for an ``ongoing`` outage (the target is still bad at
    ``now``, in a running period) that is ``now``, or the end of the last service window before it.
    ``unknown_s`` is the part without data (non-zero only when unknown counts as down).
    ``annotation`` joins the texts of the target's annotations that overlap it.
    """

    start: dt.datetime
    end: dt.datetime
    duration_s: float
    unknown_s: float
    ongoing: bool
    annotation: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (ISO 8601 times)."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "duration_s": self.duration_s,
                "unknown_s": self.unknown_s, "ongoing": self.ongoing, "annotation": self.annotation}


OutageRecord = tuple[int, int, int, bool, str]
"""An outage as stored in SlaFigures: (start_us, end_us, unknown_us, ongoing, annotation)."""


@dataclass(frozen=True, slots=True)
class SlaFigures:
    """Everything the SLA report says about one target in one period (module docstring: definitions).

    Seconds are floats made from exact microsecond sums. Figures that follow from others are properties.
    """

    target: str
    period: Period
    objective_pct: float
    availability: float | None
    up_s: float
    down_s: float
    unknown_s: float
    maintenance_s: float
    outside_service_hours_s: float
    not_elapsed_s: float
    unknown_counts_as_down: bool
    sli_down_s: float
    """Bad time in the SLI: down_s, plus unknown_s when unknown counts as down (= budget consumed)."""
    outage_records: tuple[OutageRecord, ...]
    """The outages, compact and exact (epoch microseconds); ``outages`` gives them as Outage values.
    Plain tuples of atomic values, which the garbage collector stops tracking: a fleet-year report holds
    half a million of them."""
    countable_s: float
    """The whole period's countable time (service time minus maintenance), elapsed or not."""
    budget_total_s: float
    burn_rate: float | None
    state: SlaState
    flap_rule: str
    data_range_us: tuple[int, int] | None
    """First and last transition inside the elapsed period (epoch us); see data_range."""

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def availability_pct(self) -> float | None:
        return None if self.availability is None else 100.0 * self.availability

    @property
    def sli_total_s(self) -> float:
        """The SLI's denominator: up_s + sli_down_s."""
        return self.up_s + self.sli_down_s

    @property
    def complete(self) -> bool:
        """True when ``now`` was at or after the period's end."""
        return self.not_elapsed_s == 0

    @property
    def outages(self) -> tuple[Outage, ...]:
        """Every outage, in time order, with datetimes in the period's time zone (built on each access)."""
        tz = self.period.tz
        return tuple(Outage(from_micros(a, tz), from_micros(b, tz), (b - a) / 1e6, u / 1e6, ongoing, text)
                     for a, b, u, ongoing, text in self.outage_records)

    @property
    def outage_count(self) -> int:
        return len(self.outage_records)

    @property
    def mttr_s(self) -> float | None:
        """Mean outage duration (ongoing outages count with their duration so far)."""
        return self.sli_down_s / len(self.outage_records) if self.outage_records else None

    @property
    def mtbf_s(self) -> float | None:
        """Up time per outage."""
        return self.up_s / len(self.outage_records) if self.outage_records else None

    @property
    def budget_consumed_s(self) -> float:
        return self.sli_down_s

    @property
    def budget_remaining_s(self) -> float:
        """Negative once the budget is overspent."""
        return self.budget_total_s - self.sli_down_s

    @property
    def budget_remaining_fraction(self) -> float | None:
        return self.budget_remaining_s / self.budget_total_s if self.budget_total_s > 0 else None

    @property
    def data_range(self) -> tuple[dt.datetime, dt.datetime] | None:
        """First and last transition inside the elapsed period; None when none falls inside it (the
        state may still be carried in from an earlier transition)."""
        if self.data_range_us is None:
            return None
        tz = self.period.tz
        return from_micros(self.data_range_us[0], tz), from_micros(self.data_range_us[1], tz)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: every figure, derived ones included (ISO 8601 times, infinity as the string "inf")."""
        burn: object = "inf" if self.burn_rate == math.inf else self.burn_rate
        rng = self.data_range
        return {
            "target": self.target, "period": self.period_label, "period_kind": str(self.period.kind),
            "period_start": self.period.start.isoformat(), "period_end": self.period.end.isoformat(),
            "objective_pct": self.objective_pct, "availability": self.availability,
            "availability_pct": self.availability_pct, "state": str(self.state), "complete": self.complete,
            "up_s": self.up_s, "down_s": self.down_s, "unknown_s": self.unknown_s,
            "maintenance_s": self.maintenance_s, "outside_service_hours_s": self.outside_service_hours_s,
            "not_elapsed_s": self.not_elapsed_s, "unknown_counts_as_down": self.unknown_counts_as_down,
            "sli_down_s": self.sli_down_s, "sli_total_s": self.sli_total_s, "countable_s": self.countable_s,
            "outage_count": self.outage_count, "mttr_s": self.mttr_s, "mtbf_s": self.mtbf_s,
            "budget_total_s": self.budget_total_s, "budget_consumed_s": self.budget_consumed_s,
            "budget_remaining_s": self.budget_remaining_s,
            "budget_remaining_fraction": self.budget_remaining_fraction, "burn_rate": burn,
            "flap_rule": self.flap_rule,
            "data_range": None if rng is None else [rng[0].isoformat(), rng[1].isoformat()],
            "outages": [o.to_dict() for o in self.outages],
        }


# --------------------------------------------------------------------------------------------------
# Preparation shared by compute and compute_many
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Policy:
    objective_pct: float
    num: int  # objective in percent = num / den, exactly as written
    den: int
    unknown_is_bad: bool
    flap_text: str

    @classmethod
    def make(cls, objective_pct: float, unknown_counts_as_down: bool, flap_rule: FlapRule) -> _Policy:
        if not 0 < objective_pct <= 100 or math.isnan(objective_pct):
            raise UsageError(f"objective {objective_pct} % is not in (0, 100]", hint="e.g. 99.5")
        exact = Fraction(repr(float(objective_pct)))
        return cls(float(objective_pct), exact.numerator, exact.denominator, unknown_counts_as_down, flap_rule.text)

    @property
    def allowed_bad_fraction(self) -> float:
        return (100 * self.den - self.num) / (100 * self.den)


@dataclass(frozen=True, slots=True)
class _Window:
    """One period as the engine needs it: its spans, the elapsed cut, and its service time."""

    period: Period
    lo: int
    hi: int
    el: int  # end of the elapsed part: min(hi, now)
    service: list[Span]  # service time ∩ period
    service_len: int
    service_el: list[Span]  # service time ∩ elapsed part
    outside: int  # elapsed time outside service hours
    complete: bool

    @classmethod
    def make(cls, period: Period, now_us: int, hours: ServiceHours | None) -> _Window:
        lo, hi = period.span
        if now_us <= lo:
            raise UsageError(
                f"period {period.label} starts at {period.start.isoformat()}, not before now "
                f"({from_micros(now_us, period.tz).isoformat()})",
                hint="pick a period that has started",
            )
        el = min(hi, now_us)
        service = [(lo, hi)] if hours is None else service_spans(period, hours)
        service_el = clip_spans(service, lo, el)
        return cls(period, lo, hi, el, service, spans_length(service), service_el,
                   (el - lo) - spans_length(service_el), now_us >= hi)


_BY_TIME = attrgetter("epoch_us")


def _timeline(transitions: Iterable[Transition]) -> tuple[list[int], list[State]]:
    ts = sorted(transitions, key=_BY_TIME)  # stable: of two transitions at one instant, the later given wins
    return [t.epoch_us for t in ts], [t.state for t in ts]


def _maintenance_spans(windows: Iterable[Timed]) -> list[Span]:
    return merge_spans((to_micros(w.start), to_micros(w.end)) for w in windows)


def _note_spans(notes: Iterable[Annotation]) -> list[tuple[int, int, str]]:
    return sorted((to_micros(a.start), to_micros(a.end), a.text) for a in notes)


def group_by_target(transitions: Iterable[Transition]) -> dict[str, list[Transition]]:
    """Transitions of many targets, grouped by target (input order kept), for compute_many."""
    out: dict[str, list[Transition]] = {}
    for t in transitions:
        bucket = out.get(t.target)
        if bucket is None:
            out[t.target] = bucket = []
        bucket.append(t)
    return out


# --------------------------------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------------------------------


def _sweep_whole(times: list[int], states: list[State], lo: int, el: int, unknown_is_bad: bool
                 ) -> tuple[int, int, int, list[Span], list[int], bool]:
    """The sweep when the whole elapsed part ``[lo, el)`` is counted (no service hours, no maintenance):
    (up, down, unknown, bad pieces, their unknown us, whether the last piece reaches el still bad)."""
    j = bisect_right(times, lo)
    j_end = bisect_left(times, el, j)
    cur = states[j - 1] if j else _UNKNOWN
    seg = lo
    up = down = unk = 0
    pieces: list[Span] = []
    piece_unk: list[int] = []
    ps = pe = pu = -1  # the open piece; pe == -1: none
    for t, nxt_state in zip(times[j:j_end], states[j:j_end], strict=True):
        if cur is _UP:
            up += t - seg
        elif t > seg:
            if cur is _DOWN:
                down += t - seg
                u = 0
            else:
                unk += t - seg
                u = t - seg
            if cur is _DOWN or unknown_is_bad:
                if seg == pe:
                    pe = t
                    pu += u
                else:
                    if pe >= 0:
                        pieces.append((ps, pe))
                        piece_unk.append(pu)
                    ps, pe, pu = seg, t, u
        seg = t
        cur = nxt_state
    # the last segment [seg, el), seg < el
    ends_bad = False
    if cur is _UP:
        up += el - seg
    else:
        if cur is _DOWN:
            down += el - seg
            u = 0
        else:
            unk += el - seg
            u = el - seg
        if cur is _DOWN or unknown_is_bad:
            ends_bad = True
            if seg == pe:
                pe = el
                pu += u
            else:
                if pe >= 0:
                    pieces.append((ps, pe))
                    piece_unk.append(pu)
                ps, pe, pu = seg, el, u
    if pe >= 0:
        pieces.append((ps, pe))
        piece_unk.append(pu)
    return up, down, unk, pieces, piece_unk, ends_bad


def _sweep_counted(times: list[int], states: list[State], lo: int, el: int, counted: list[Span],
                   unknown_is_bad: bool) -> tuple[int, int, int, list[Span], list[int], bool]:
    """The general sweep: state segments of ``[lo, el)`` against the counted spans, two pointers.
    The last flag: the last piece belongs to a bad run that lasts until el."""
    n = len(times)
    j = bisect_right(times, lo)
    cur = states[j - 1] if j else _UNKNOWN
    seg = lo
    up = down = unk = 0
    pieces: list[Span] = []
    piece_unk: list[int] = []
    piece_run: list[int] = []
    run = 0
    bad = False
    k = 0
    nc = len(counted)
    while True:
        nxt = times[j] if j < n and times[j] < el else el
        if nxt > seg:
            was_bad = bad
            bad = cur is _DOWN or (unknown_is_bad and cur is _UNKNOWN)
            if bad and not was_bad:
                run += 1
            while k < nc and counted[k][1] <= seg:
                k += 1
            while k < nc:
                c0, c1 = counted[k]
                if c0 >= nxt:
                    break
                a = seg if seg > c0 else c0
                b = nxt if nxt < c1 else c1
                d = b - a
                if cur is _UP:
                    up += d
                elif cur is _DOWN:
                    down += d
                else:
                    unk += d
                if bad:
                    u = 0 if cur is _DOWN else d
                    if pieces and pieces[-1][1] == a:
                        pieces[-1] = (pieces[-1][0], b)
                        piece_unk[-1] += u
                    else:
                        pieces.append((a, b))
                        piece_unk.append(u)
                        piece_run.append(run)
                if c1 > nxt:
                    break
                k += 1
        if nxt >= el:
            break
        seg = nxt
        cur = states[j]
        j += 1
    return up, down, unk, pieces, piece_unk, bool(bad and piece_run and piece_run[-1] == run)


def _note_text(notes: list[tuple[int, int, str]], a: int, b: int) -> str:
    """The texts of the notes overlapping [a, b) (an instant note: inside it), once each, joined."""
    return "; ".join(dict.fromkeys(t for x, y, t in notes if x < b and (y > a or (x == y and x >= a))))


def _figures(target: str, times: list[int], states: list[State], win: _Window, maint: list[Span],
             notes: list[tuple[int, int, str]], pol: _Policy) -> SlaFigures:
    lo, hi, el = win.lo, win.hi, win.el
    unknown_is_bad = pol.unknown_is_bad

    # Counted time = service ∩ elapsed − maintenance.
    if maint and maint[0][0] < hi and maint[-1][1] > lo:
        m_full = intersect_spans(clip_spans(maint, lo, hi), win.service)
        m_el = clip_spans(m_full, lo, el)
        counted = subtract_spans(win.service_el, m_el)
        maint_us, maint_full_us = spans_length(m_el), spans_length(m_full)
    else:
        counted, maint_us, maint_full_us = win.service_el, 0, 0
    countable = win.service_len - maint_full_us

    if len(counted) == 1 and counted[0][0] == lo and counted[0][1] == el:
        up, down, unk, pieces, piece_unk, ends_bad = _sweep_whole(times, states, lo, el, unknown_is_bad)
    else:
        up, down, unk, pieces, piece_unk, ends_bad = _sweep_counted(times, states, lo, el, counted,
                                                                    unknown_is_bad)
    sli_down = down + unk if unknown_is_bad else down
    total = up + sli_down

    if notes:
        outages = tuple((a, b, u, False, _note_text(notes, a, b)) for (a, b), u in zip(pieces, piece_unk, strict=True))
    else:
        outages = tuple((a, b, u, False, "") for (a, b), u in zip(pieces, piece_unk, strict=True))
    if ends_bad and outages and not win.complete:
        a, b, u, _, text = outages[-1]
        outages = (*outages[:-1], (a, b, u, True, text))

    # Budget, burn rate and state; the state's comparisons are exact integer arithmetic.
    den100 = 100 * pol.den
    allowed = den100 - pol.num  # the allowed bad share is allowed / den100
    q = allowed / den100
    if total == 0:
        availability = burn = None
        status = SlaState.NO_DATA
    else:
        availability = up / total
        burn = (sli_down / total) / q if allowed else (math.inf if sli_down else 0.0)
        if win.complete:
            status = SlaState.BREACHED if up * den100 < pol.num * total else SlaState.MET
        elif sli_down * den100 > allowed * countable:
            status = SlaState.BREACHED
        elif 4 * sli_down * den100 > 3 * allowed * countable or sli_down * den100 > allowed * total:
            status = SlaState.AT_RISK
        else:
            status = SlaState.MET

    i0 = bisect_left(times, lo)
    i1 = bisect_left(times, el, i0) - 1
    return SlaFigures(
        target,
        win.period,
        pol.objective_pct,
        availability,
        up / 1e6,
        down / 1e6,
        unk / 1e6,
        maint_us / 1e6,
        win.outside / 1e6,
        (hi - el) / 1e6,
        unknown_is_bad,
        sli_down / 1e6,
        outages,
        countable / 1e6,
        countable * q / 1e6,
        burn,
        status,
        pol.flap_text,
        (times[i0], times[i1]) if i0 <= i1 else None,
    )


# --------------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------------


def compute(
    transitions: Iterable[Transition],
    *,
    period: Period,
    now: dt.datetime,
    objective_pct: float,
    target: str | None = None,
    maintenance: Iterable[Timed] = (),
    service_hours: ServiceHours | None = None,
    unknown_counts_as_down: bool = False,
    flap_rule: FlapRule = DEFAULT_FLAP_RULE,
    annotations: Iterable[Annotation] = (),
) -> SlaFigures:
    """SLA figures of ONE target over ``period`` as seen at ``now``.

    ``transitions``: the target's transitions in any order, including at least the last one before the
    period (it gives the state at the period's start; without it that time is unknown). ``target``
    defaults to the transitions' target; transitions of another target are a ValueError.
    ``maintenance``: windows that apply to this target (anything with aware ``start``/``end``, e.g.
    :class:`kotanet.inventory.models.MaintenanceWindow`); ``annotations`` of other targets are ignored.
    """
    items = list(transitions)
    names = {t.target for t in items}
    if target is None:
        if len(names) > 1:
            raise ValueError(f"transitions of several targets ({', '.join(sorted(names))}); use compute_many")
        target = next(iter(names), "")
    elif names - {target}:
        raise ValueError(f"transitions of {', '.join(sorted(names - {target}))} passed for target {target}")
    pol = _Policy.make(objective_pct, unknown_counts_as_down, flap_rule)
    win = _Window.make(period, to_micros(now), service_hours)
    times, states = _timeline(items)
    notes = _note_spans(a for a in annotations if a.target == target)
    return _figures(target, times, states, win, _maintenance_spans(maintenance), notes, pol)


def compute_many(
    transitions: Mapping[str, Iterable[Transition]],
    *,
    periods: Sequence[Period],
    now: dt.datetime,
    objective_pct: float,
    maintenance: Mapping[str, Iterable[Timed]] | None = None,
    service_hours: ServiceHours | None = None,
    unknown_counts_as_down: bool = False,
    flap_rule: FlapRule = DEFAULT_FLAP_RULE,
    annotations: Iterable[Annotation] = (),
) -> dict[str, tuple[SlaFigures, ...]]:
    """SLA figures of many targets (one policy) over many periods: ``{target: (figures per period)}``,
    in the order of ``periods``.

    ``transitions`` maps each target to its transitions (see group_by_target); a target with none gets
    no_data figures. Each target's transitions are sorted once; each period is then found by bisection
    and swept once, and each period's service windows are computed once for all targets. Every period
    must have started at ``now`` (UsageError otherwise). ``maintenance`` maps a target to its windows.
    """
    pol = _Policy.make(objective_pct, unknown_counts_as_down, flap_rule)
    now_us = to_micros(now)
    wins = [_Window.make(p, now_us, service_hours) for p in periods]
    maint_by = maintenance or {}
    notes_by: dict[str, list[Annotation]] = {}
    for a in annotations:
        notes_by.setdefault(a.target, []).append(a)
    out: dict[str, tuple[SlaFigures, ...]] = {}
    for target, items in transitions.items():
        times, states = _timeline(items)
        maint = _maintenance_spans(maint_by.get(target, ()))
        notes = _note_spans(notes_by.get(target, ()))
        out[target] = tuple(_figures(target, times, states, w, maint, notes, pol) for w in wins)
    return out
