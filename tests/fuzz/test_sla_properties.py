"""Properties of the SLA engine on random timelines, and an independent minute-by-minute oracle.

The oracle paints every minute of the period with what it is (up, down, unknown, maintenance, outside
service hours, not elapsed) in plain bytearrays, then counts. With every boundary on the minute grid
(transitions, windows, now; both zones' offsets are whole hours) its counts must equal the engine's
exactly, and its runs of bad minutes must be the engine's outages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kotanet.inventory.choices import PeriodKind
from kotanet.inventory.models import ServiceHours
from kotanet.slas import (
    Interval,
    Period,
    SlaFigures,
    SlaState,
    State,
    Transition,
    compute,
    compute_many,
    split,
)
from kotanet.slas.intervals import intersect_spans, merge_spans, subtract_spans

pytestmark = pytest.mark.fuzz

JKT = ZoneInfo("Asia/Jakarta")
BER = ZoneInfo("Europe/Berlin")  # has DST changes in March and October
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _minute(m: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(m * 60, tz)


@dataclass(frozen=True)
class Scenario:
    transitions: list[Transition]
    period: Period
    now: dt.datetime
    maintenance: list[Interval]
    service_hours: ServiceHours | None
    unknown_counts_as_down: bool
    objective_pct: float

    def run(self, **changes: object) -> SlaFigures:
        sc = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        return compute(sc.transitions, target="t", period=sc.period, now=sc.now, maintenance=sc.maintenance,
                       service_hours=sc.service_hours, unknown_counts_as_down=sc.unknown_counts_as_down,
                       objective_pct=sc.objective_pct)


@st.composite
def scenarios(draw: st.DrawFn, kind: PeriodKind = PeriodKind.MONTH) -> Scenario:
    tz = draw(st.sampled_from([JKT, BER]))
    if kind is PeriodKind.MONTH:
        period = Period.of_month(2026, draw(st.sampled_from([2, 3, 10, 11])), tz)
    else:
        period = Period.of_quarter(2026, draw(st.integers(1, 4)), tz)
    lo = int(period.start.timestamp()) // 60
    span = int(period.end.timestamp()) // 60 - lo
    n = draw(st.integers(0, 14))
    offsets = draw(st.lists(st.integers(-2880, span + 1440), min_size=n, max_size=n))
    states = draw(st.lists(st.sampled_from(list(State)), min_size=n, max_size=n))
    transitions = [Transition("t", _minute(lo + o, tz), s) for o, s in zip(offsets, states, strict=True)]
    windows = [Interval(_minute(lo + a, tz), _minute(lo + a + length, tz))
               for a, length in draw(st.lists(st.tuples(st.integers(-1440, span + 1440), st.integers(1, 4000)),
                                              max_size=4))]
    hours = None
    if draw(st.booleans()):
        hours = ServiceHours(weekdays=sorted(draw(st.sets(st.integers(0, 6), min_size=1))),
                             start=dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
                             end=dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))))
    now = _minute(lo + draw(st.integers(1, span + 3000)), tz)
    return Scenario(transitions, period, now, windows, hours, draw(st.booleans()),
                    draw(st.sampled_from([90.0, 95.0, 99.5, 99.99])))


# --------------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------------

UP, DOWN, UNKNOWN, MAINT, OUTSIDE, FUTURE = range(6)
CODE = {State.UP: UP, State.DOWN: DOWN, State.UNKNOWN: UNKNOWN}


def paint(sc: Scenario) -> tuple[bytearray, bytearray]:
    """(what each minute of the period is, whether each minute's raw state is bad)."""
    period = sc.period
    tz = period.tz
    lo = int(period.start.timestamp()) // 60
    hi = int(period.end.timestamp()) // 60
    n = hi - lo
    bad_states = {DOWN, UNKNOWN} if sc.unknown_counts_as_down else {DOWN}
    minutes = bytearray([UNKNOWN]) * n
    ordered = sorted(sc.transitions, key=lambda t: t.at.timestamp())
    for i, t in enumerate(ordered):
        a = int(t.at.timestamp()) // 60 - lo
        b = int(ordered[i + 1].at.timestamp()) // 60 - lo if i + 1 < len(ordered) else n
        a, b = max(a, 0), min(b, n)
        if a < b:
            minutes[a:b] = bytes([CODE[t.state]]) * (b - a)
    raw_bad = bytearray(1 if m in bad_states else 0 for m in minutes)
    hours = sc.service_hours
    inside = bytearray([1]) * n
    if hours is not None:
        inside = bytearray(n)
        day = period.start.astimezone(tz).date() - dt.timedelta(days=1)
        while day <= period.end.astimezone(tz).date():
            if day.weekday() in hours.weekdays:
                end_day = day + dt.timedelta(days=1) if hours.end <= hours.start else day
                a = int(dt.datetime.combine(day, hours.start, tzinfo=tz).timestamp()) // 60 - lo
                b = int(dt.datetime.combine(end_day, hours.end, tzinfo=tz).timestamp()) // 60 - lo
                a, b = max(a, 0), min(b, n)
                if a < b:
                    inside[a:b] = b"\x01" * (b - a)
            day += dt.timedelta(days=1)
    for w in sc.maintenance:
        a = max(int(w.start.timestamp()) // 60 - lo, 0)
        b = min(int(w.end.timestamp()) // 60 - lo, n)
        for m in range(a, b):
            minutes[m] = MAINT
    for m in range(n):
        if not inside[m]:
            minutes[m] = OUTSIDE
    now = int(sc.now.timestamp()) // 60 - lo
    if now < n:
        minutes[now:] = bytes([FUTURE]) * (n - now)
    return minutes, raw_bad


@SLOW
@given(scenarios())
def test_engine_equals_minute_oracle(sc: Scenario) -> None:
    f = sc.run()
    minutes, raw_bad = paint(sc)
    count = [minutes.count(code) * 60.0 for code in range(6)]
    assert (f.up_s, f.down_s, f.unknown_s, f.maintenance_s, f.outside_service_hours_s, f.not_elapsed_s) == tuple(count)
    bad = {DOWN, UNKNOWN} if sc.unknown_counts_as_down else {DOWN}
    runs: list[tuple[int, int]] = []
    for m, code in enumerate(minutes):
        if code in bad:
            if runs and runs[-1][1] == m:
                runs[-1] = (runs[-1][0], m + 1)
            else:
                runs.append((m, m + 1))
    lo = int(f.period.start.timestamp()) // 60
    assert [((a - lo * 60_000_000) // 60_000_000, (b - lo * 60_000_000) // 60_000_000)
            for a, b, *_ in f.outage_records] == runs
    # the last outage is ongoing iff the period is running and the target stayed bad from its start to now
    elapsed = len(minutes) - minutes.count(FUTURE)
    for i, (a, _, _, ongoing, _) in enumerate(f.outage_records):
        start = (a - lo * 60_000_000) // 60_000_000
        expect = (i == len(runs) - 1 and not f.complete and all(raw_bad[start:elapsed]))
        assert ongoing == expect


# --------------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------------


@FAST
@given(scenarios())
def test_shares_add_up_and_availability_is_a_fraction(sc: Scenario) -> None:
    f = sc.run()
    total = f.up_s + f.down_s + f.unknown_s + f.maintenance_s + f.outside_service_hours_s + f.not_elapsed_s
    assert total == pytest.approx(f.period.seconds, abs=1e-6)
    if f.availability is None:
        assert f.state is SlaState.NO_DATA and f.sli_total_s == 0
    else:
        assert 0.0 <= f.availability <= 1.0
        assert f.burn_rate is not None and f.burn_rate >= 0
    assert sum(o.duration_s for o in f.outages) == pytest.approx(f.sli_down_s, abs=1e-6)
    assert f.budget_remaining_s == pytest.approx(f.budget_total_s - f.sli_down_s)
    if f.state is SlaState.BREACHED:
        assert f.availability is not None and f.availability < f.objective_pct / 100 + 1e-12


@SLOW
@given(scenarios(PeriodKind.QUARTER))
def test_months_add_up_to_their_quarter(sc: Scenario) -> None:
    quarter = sc.period
    whole = sc.run()
    months = [m for m in split(quarter, PeriodKind.MONTH) if m.start < sc.now]
    parts = [sc.run(period=m) for m in months]
    for name in ("up_s", "down_s", "unknown_s", "maintenance_s", "outside_service_hours_s", "sli_down_s"):
        assert sum(getattr(p, name) for p in parts) == pytest.approx(getattr(whole, name), abs=1e-6), name
    future = sum(m.seconds for m in split(quarter, PeriodKind.MONTH) if m.start >= sc.now)
    assert sum(p.not_elapsed_s for p in parts) + future == pytest.approx(whole.not_elapsed_s, abs=1e-6)
    if len(months) == 3:  # the budget is over whole periods: the months' budgets make the quarter's
        assert sum(p.budget_total_s for p in parts) == pytest.approx(whole.budget_total_s, rel=1e-12)
    # compute_many agrees with compute, period by period
    many = compute_many({"t": sc.transitions}, periods=months, now=sc.now, objective_pct=sc.objective_pct,
                        maintenance={"t": sc.maintenance}, service_hours=sc.service_hours,
                        unknown_counts_as_down=sc.unknown_counts_as_down)
    assert list(many["t"]) == parts


@FAST
@given(scenarios(), st.data())
def test_adding_maintenance_removes_time_and_never_adds_bad_time(sc: Scenario, data: st.DataObject) -> None:
    period = sc.period
    base = sc.run()
    lo = int(period.start.timestamp()) // 60
    span = int(period.seconds) // 60
    a = data.draw(st.integers(-100, span))
    extra = Interval(_minute(lo + a, period.tz), _minute(lo + a + data.draw(st.integers(1, 5000)), period.tz))
    more = sc.run(maintenance=[*sc.maintenance, extra])
    assert more.maintenance_s >= base.maintenance_s
    assert more.up_s <= base.up_s and more.down_s <= base.down_s and more.unknown_s <= base.unknown_s
    assert more.sli_down_s <= base.sli_down_s
    assert more.outside_service_hours_s == base.outside_service_hours_s
    assert more.not_elapsed_s == base.not_elapsed_s
    assert more.countable_s <= base.countable_s


@FAST
@given(scenarios(), st.data())
def test_maintenance_over_an_outage_never_lowers_availability(sc: Scenario, data: st.DataObject) -> None:
    """Not true of every window (maintenance over up time lowers the SLI: see the unit tests), but true
    of one that covers only bad time: part of an outage."""
    base = sc.run()
    assume(base.outages)
    o = data.draw(st.sampled_from(base.outages))
    cut = data.draw(st.floats(0, 1)) * o.duration_s
    window = Interval(o.start, o.start + dt.timedelta(seconds=max(cut, 1e-6)))
    more = sc.run(maintenance=[*sc.maintenance, window])
    if more.availability is not None:
        assert base.availability is not None
        assert more.availability >= base.availability - 1e-12


# --------------------------------------------------------------------------------------------------
# Span algebra against sets of integer points
# --------------------------------------------------------------------------------------------------

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)).map(lambda t: (min(t), max(t))), max_size=8)


def points(xs: list[tuple[int, int]]) -> set[int]:
    return {p for a, b in xs for p in range(a, b)}


@FAST
@given(spans, spans)
def test_span_algebra_matches_sets(xs: list[tuple[int, int]], ys: list[tuple[int, int]]) -> None:
    mx, my = merge_spans(xs), merge_spans(ys)
    assert points(mx) == points(xs)
    assert all(a < b for a, b in mx) and all(b < c for (_, b), (c, _) in itertools.pairwise(mx))
    assert points(intersect_spans(mx, my)) == points(xs) & points(ys)
    assert points(subtract_spans(mx, my)) == points(xs) - points(ys)
    assert merge_spans(intersect_spans(mx, my)) == intersect_spans(mx, my)
    assert merge_spans(subtract_spans(mx, my)) == subtract_spans(mx, my)
