"""The SLA engine, periods and interval algebra against numbers worked out by hand (in the comments).

Calendar facts used below: 1 November 2026 is a Sunday; November has 30 days = 720 h = 43,200 min.
Asia/Jakarta is UTC+7 all year (no DST); Europe/Berlin moves to summer time on 29 March 2026, 02:00.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from zoneinfo import ZoneInfo

import pytest

from kotanet.errors import UsageError
from kotanet.inventory.choices import PeriodKind, ScopeKind
from kotanet.inventory.models import MaintenanceWindow, ServiceHours
from kotanet.slas import (
    Annotation,
    FlapRule,
    Interval,
    Period,
    SlaState,
    State,
    Transition,
    compute,
    compute_many,
    group_by_target,
    intersect,
    merge,
    parse_period,
    period_containing,
    service_windows,
    split,
    subtract,
    total_seconds,
)

pytestmark = pytest.mark.unit

JKT = ZoneInfo("Asia/Jakarta")
BER = ZoneInfo("Europe/Berlin")
NOV = Period.of_month(2026, 11, JKT)
AFTER_NOV = dt.datetime(2026, 12, 5, tzinfo=JKT)
MIN = 60.0
HOUR = 3600.0


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=JKT)


def tr(when: dt.datetime, state: State, target: str = "x") -> Transition:
    return Transition(target, when, state)


UP_BEFORE = tr(at(31, 12, month=10), State.UP)  # up since before the period


# --------------------------------------------------------------------------------------------------
# The worked example of docs/sla-definitions.md
# --------------------------------------------------------------------------------------------------

WORKED = [
    UP_BEFORE,
    tr(at(10, 9), State.DOWN),  # 90-minute outage 09:00-10:30 ...
    tr(at(10, 10, 30), State.UP),
    tr(at(20, 14), State.UNKNOWN),  # ... and 60 minutes without data 14:00-15:00
    tr(at(20, 15), State.UP),
]
WORKED_MAINT = [Interval(at(10, 10), at(10, 12))]  # 120 minutes, overlapping the outage's last 30


def test_worked_example_unknown_excluded() -> None:
    f = compute(WORKED, period=NOV, now=AFTER_NOV, objective_pct=99.5, maintenance=WORKED_MAINT)
    # maintenance 120; down = 90 - 30 (inside maintenance) = 60; unknown 60;
    # up = 43,200 - 120 - 60 - 60 = 42,960 minutes.
    assert f.maintenance_s == 120 * MIN
    assert f.down_s == 60 * MIN
    assert f.unknown_s == 60 * MIN
    assert f.up_s == 42_960 * MIN
    assert f.not_elapsed_s == 0 and f.outside_service_hours_s == 0
    # SLI = 42,960 / (42,960 + 60) = 42,960 / 43,020 = 0.998605 (99.86 %)
    assert f.availability == pytest.approx(0.9986053, abs=1e-7)
    # budget over the countable month: 0.5 % of (43,200 - 120) = 215.4 min; consumed 60; remaining 155.4
    assert f.countable_s == 43_080 * MIN
    assert f.budget_total_s == pytest.approx(215.4 * MIN)
    assert f.budget_consumed_s == 60 * MIN
    assert f.budget_remaining_s == pytest.approx(155.4 * MIN)
    assert f.budget_remaining_fraction == pytest.approx(0.72145, abs=1e-5)  # 155.4 / 215.4
    # burn rate = (60 / 43,020) / 0.005 = 0.0013947 / 0.005 = 0.27894
    assert f.burn_rate == pytest.approx(0.27894, abs=1e-5)
    assert f.state is SlaState.MET and f.complete
    # one outage, 09:00-10:00 (its last 30 minutes are maintenance)
    assert f.outage_count == 1
    (o,) = f.outages
    assert (o.start, o.end, o.duration_s, o.ongoing) == (at(10, 9), at(10, 10), 60 * MIN, False)
    assert f.mttr_s == 60 * MIN
    assert f.mtbf_s == 42_960 * MIN
    assert f.data_range == (at(10, 9), at(20, 15))


def test_worked_example_unknown_counts_as_down() -> None:
    f = compute(WORKED, period=NOV, now=AFTER_NOV, objective_pct=99.5, maintenance=WORKED_MAINT,
                unknown_counts_as_down=True)
    # the shares stay what they are; the SLI's bad time becomes 60 down + 60 unknown = 120 min
    assert (f.up_s, f.down_s, f.unknown_s) == (42_960 * MIN, 60 * MIN, 60 * MIN)
    assert f.sli_down_s == 120 * MIN and f.sli_total_s == 43_080 * MIN
    # 42,960 / 43,080 = 0.997214 (99.72 %); remaining 215.4 - 120 = 95.4 min;
    # burn (120 / 43,080) / 0.005 = 0.55710
    assert f.availability == pytest.approx(0.9972145, abs=1e-7)
    assert f.budget_remaining_s == pytest.approx(95.4 * MIN)
    assert f.burn_rate == pytest.approx(0.55710, abs=1e-5)
    # the hour without data is now an outage of its own, all of it unknown
    assert [(o.start, o.duration_s, o.unknown_s) for o in f.outages] == [
        (at(10, 9), 60 * MIN, 0.0), (at(20, 14), 60 * MIN, 60 * MIN)]
    assert f.mttr_s == 60 * MIN and f.mtbf_s == 21_480 * MIN  # 42,960 / 2


# --------------------------------------------------------------------------------------------------
# Maintenance
# --------------------------------------------------------------------------------------------------


def test_maintenance_windows_merge_and_clip() -> None:
    windows = [
        Interval(at(5, 1), at(5, 3)),
        Interval(at(5, 2), at(5, 4)),  # overlaps the first: 01:00-04:00
        Interval(at(5, 4), at(5, 5)),  # adjacent: 01:00-05:00 = 4 h
        Interval(at(31, 22, month=10), at(1, 2)),  # starts before the period: 00:00-02:00 counts = 2 h
        Interval(at(30, 23), at(2, 1, month=12)),  # ends after it: 23:00-24:00 = 1 h
    ]
    f = compute([UP_BEFORE], period=NOV, now=AFTER_NOV, objective_pct=99.5, maintenance=windows)
    assert f.maintenance_s == 7 * HOUR
    assert f.up_s == (720 - 7) * HOUR
    assert f.availability == 1.0 and f.state is SlaState.MET
    assert merge(windows[:3]) == [Interval(at(5, 1), at(5, 5))]


def test_maintenance_accepts_inventory_windows() -> None:
    mw = MaintenanceWindow(id="mw1", start=at(5, 1), end=at(5, 3), scope=ScopeKind.SITE, refs=["s1"])
    f = compute([UP_BEFORE], period=NOV, now=AFTER_NOV, objective_pct=99.5, maintenance=[mw])
    assert f.maintenance_s == 2 * HOUR


def test_future_maintenance_counts_in_budget_not_in_elapsed_time() -> None:
    now = at(15, 0)
    f = compute([UP_BEFORE], period=NOV, now=now, objective_pct=99.5,
                maintenance=[Interval(at(20, 0), at(20, 10))])  # 10 h, after now
    assert f.maintenance_s == 0
    assert f.not_elapsed_s == 16 * 24 * HOUR  # Nov 15 00:00 -> Dec 1 00:00 = 16 days
    assert f.countable_s == 710 * HOUR  # 720 - 10
    assert f.budget_total_s == pytest.approx(0.005 * 710 * HOUR)  # 3.55 h


def test_outage_split_by_maintenance() -> None:
    ts = [UP_BEFORE, tr(at(12, 10), State.DOWN), tr(at(12, 14), State.UP)]
    f = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5,
                maintenance=[Interval(at(12, 11), at(12, 12))])
    # down 10:00-14:00 minus maintenance 11:00-12:00 -> 10-11 and 12-14: 3 h down in two outages
    assert [(o.start, o.end) for o in f.outages] == [(at(12, 10), at(12, 11)), (at(12, 12), at(12, 14))]
    assert f.down_s == 3 * HOUR and f.maintenance_s == 1 * HOUR
    assert f.mttr_s == 1.5 * HOUR


def test_maintenance_over_up_time_can_lower_availability() -> None:
    """Zabbix semantics: maintenance leaves the denominator, whatever the state. Excluding up time
    therefore LOWERS the SLI (pinned here because it surprises people)."""
    ts = [UP_BEFORE, tr(at(10, 0), State.DOWN), tr(at(10, 12), State.UP)]  # 12 h down of 720
    base = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5)
    masked = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5,
                     maintenance=[Interval(at(20, 0), at(30, 0))])  # 240 h of up time
    # 708 / 720 = 0.98333 without, (708 - 240) / (720 - 240) = 468 / 480 = 0.975 with
    assert base.availability == pytest.approx(708 / 720)
    assert masked.availability == pytest.approx(0.975)


# --------------------------------------------------------------------------------------------------
# Unknown, no data, future periods
# --------------------------------------------------------------------------------------------------


def test_time_before_first_transition_is_unknown() -> None:
    ts = [tr(at(16, 0), State.UP)]  # monitoring starts on the 16th: 15 days = 360 h unknown
    f = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5)
    assert f.unknown_s == 360 * HOUR and f.up_s == 360 * HOUR
    assert f.availability == 1.0
    g = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5, unknown_counts_as_down=True)
    assert g.availability == 0.5 and g.state is SlaState.BREACHED
    assert [(o.start, o.end) for o in g.outages] == [(at(1, 0), at(16, 0))]


def test_no_data_period() -> None:
    f = compute([], period=NOV, now=AFTER_NOV, objective_pct=99.5, target="x")
    assert f.target == "x"
    assert f.availability is None and f.burn_rate is None
    assert f.state is SlaState.NO_DATA
    assert f.unknown_s == 720 * HOUR and f.outage_count == 0
    assert f.mttr_s is None and f.mtbf_s is None and f.data_range is None
    # transitions that all lie after `now` give no data either
    later = compute([tr(at(3, 0, month=12), State.UP)], period=NOV, now=at(20, 0), objective_pct=99.5)
    assert later.state is SlaState.NO_DATA


def test_future_period_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="2026-12"):
        compute([UP_BEFORE], period=Period.of_month(2026, 12, JKT), now=at(20, 0), objective_pct=99.5)
    with pytest.raises(UsageError):  # a period starting exactly now has nothing elapsed either
        compute([UP_BEFORE], period=NOV, now=NOV.start, objective_pct=99.5)
    with pytest.raises(UsageError):
        compute_many({"x": [UP_BEFORE]}, periods=[NOV, NOV.next()], now=at(20, 0), objective_pct=99.5)


# --------------------------------------------------------------------------------------------------
# A running period: ongoing outage, at risk, breached
# --------------------------------------------------------------------------------------------------


def test_ongoing_outage_at_now() -> None:
    now = at(20, 12)
    ts = [UP_BEFORE, tr(at(20, 11), State.DOWN)]
    f = compute(ts, period=NOV, now=now, objective_pct=99.5)
    (o,) = f.outages
    assert o.ongoing and o.start == at(20, 11) and o.end == now and o.duration_s == HOUR
    # not elapsed: Nov 20 12:00 -> Dec 1 00:00 = 10.5 days = 252 h
    assert f.not_elapsed_s == 252 * HOUR and not f.complete
    # budget 0.5 % of 720 h = 216 min; 60 consumed: 156 left (72 %); burn (60 / 28,080) / 0.005 = 0.427
    assert f.budget_remaining_s == pytest.approx(156 * MIN)
    assert f.burn_rate == pytest.approx(60 / 28_080 / 0.005)
    assert f.state is SlaState.MET
    # seen after the month: the outage was cut by the period's end, it is not "ongoing" in this period
    done = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5)
    assert not done.outages[0].ongoing and done.outages[0].end == at(1, 0, month=12)


def test_running_period_at_risk_then_breached() -> None:
    now = at(20, 12)
    # 3 h down: 180 of 216 min consumed, 36 left = 16.7 % < 25 % -> at risk
    three = [UP_BEFORE, tr(at(5, 0), State.DOWN), tr(at(5, 3), State.UP)]
    assert compute(three, period=NOV, now=now, objective_pct=99.5).state is SlaState.AT_RISK
    # 4 h down: 240 > 216 min -> no uptime can save the month -> breached already
    four = [UP_BEFORE, tr(at(5, 0), State.DOWN), tr(at(5, 4), State.UP)]
    f = compute(four, period=NOV, now=now, objective_pct=99.5)
    assert f.state is SlaState.BREACHED and f.budget_remaining_s == pytest.approx(-24 * MIN)
    # 1 h down on day 1 only: 3 % of the budget, but the burn rate is 24 -> at risk
    early = [UP_BEFORE, tr(at(1, 10), State.DOWN), tr(at(1, 11), State.UP)]
    g = compute(early, period=NOV, now=at(2, 0), objective_pct=99.5)
    assert g.burn_rate == pytest.approx((60 / 1440) / 0.005)  # 8.33
    assert g.state is SlaState.AT_RISK


def test_objective_boundary_is_exact() -> None:
    # 216 min down in a full 43,200-min month = exactly 99.5 % -> met; one second more -> breached
    exact = [UP_BEFORE, tr(at(5, 0), State.DOWN), tr(at(5, 3, 36), State.UP)]
    f = compute(exact, period=NOV, now=AFTER_NOV, objective_pct=99.5)
    assert f.down_s == 216 * MIN and f.state is SlaState.MET and f.budget_remaining_s == 0
    over = [UP_BEFORE, tr(at(5, 0), State.DOWN), tr(at(5, 3, 36) + dt.timedelta(seconds=1), State.UP)]
    assert compute(over, period=NOV, now=AFTER_NOV, objective_pct=99.5).state is SlaState.BREACHED
    # 99.99 %: 0.01 % of 43,200 min = 4.32 min = 259.2 s
    e2 = [UP_BEFORE, tr(at(5, 0), State.DOWN), tr(at(5, 0) + dt.timedelta(seconds=259.2), State.UP)]
    assert compute(e2, period=NOV, now=AFTER_NOV, objective_pct=99.99).state is SlaState.MET


def test_objective_100_percent() -> None:
    ts = [UP_BEFORE, tr(at(5, 0), State.DOWN), tr(at(5, 0, 1), State.UP)]
    f = compute(ts, period=NOV, now=at(20, 0), objective_pct=100)
    assert f.budget_total_s == 0 and f.burn_rate == math.inf and f.state is SlaState.BREACHED
    g = compute([UP_BEFORE], period=NOV, now=at(20, 0), objective_pct=100)
    assert g.burn_rate == 0.0 and g.state is SlaState.MET
    with pytest.raises(UsageError):
        compute([UP_BEFORE], period=NOV, now=at(20, 0), objective_pct=0)


# --------------------------------------------------------------------------------------------------
# Service hours
# --------------------------------------------------------------------------------------------------


def test_service_hours_month_in_jakarta() -> None:
    hours = ServiceHours()  # Mon-Fri 07:00-17:00
    windows = service_windows(NOV, hours)
    # weekdays of November 2026: Mon 2 - Fri 6, 9-13, 16-20, 23-27, Mon 30 -> 21 days x 10 h = 210 h
    assert len(windows) == 21
    assert total_seconds(windows) == 210 * HOUR
    assert windows[0] == Interval(at(2, 7), at(2, 17))
    assert windows[0].start.utcoffset() == dt.timedelta(hours=7)
    assert windows[-1] == Interval(at(30, 7), at(30, 17))
    # down from Friday 6th 16:00 to Monday 9th 08:00: counts Fri 16-17 and Mon 07-08 = 2 h, two outages
    ts = [UP_BEFORE, tr(at(6, 16), State.DOWN), tr(at(9, 8), State.UP)]
    f = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5, service_hours=hours)
    assert f.down_s == 2 * HOUR and f.up_s == 208 * HOUR
    assert f.outside_service_hours_s == 510 * HOUR  # 720 - 210
    assert [(o.start, o.end) for o in f.outages] == [(at(6, 16), at(6, 17)), (at(9, 7), at(9, 8))]
    assert f.availability == pytest.approx(208 / 210)
    # budget: 0.5 % of 210 h = 63 min; 120 consumed -> breached
    assert f.budget_total_s == pytest.approx(63 * MIN) and f.state is SlaState.BREACHED


def test_service_hours_clip_maintenance_and_ongoing_outside_hours() -> None:
    hours = ServiceHours()
    # maintenance Saturday 7th all day: outside service hours, so it removes nothing
    f = compute([UP_BEFORE], period=NOV, now=AFTER_NOV, objective_pct=99.5, service_hours=hours,
                maintenance=[Interval(at(7, 0), at(8, 0)), Interval(at(9, 16), at(9, 18))])
    assert f.maintenance_s == 1 * HOUR  # only Mon 9th 16:00-17:00
    assert f.countable_s == 209 * HOUR
    # down since Friday 16:00, now Saturday noon: the outage Fri 16-17 is still ongoing
    g = compute([UP_BEFORE, tr(at(6, 16), State.DOWN)], period=NOV, now=at(7, 12), objective_pct=99.5,
                service_hours=hours)
    (o,) = g.outages
    assert o.ongoing and o.end == at(6, 17)


def test_service_hours_wrapping_midnight() -> None:
    night = ServiceHours(weekdays=[0], start=dt.time(22, 0), end=dt.time(6, 0))  # Mon 22:00 - Tue 06:00
    windows = service_windows(NOV, night)
    # Mondays 2, 9, 16, 23, 30: the last is cut at the month's end (22:00-24:00)
    assert [w.seconds / HOUR for w in windows] == [8, 8, 8, 8, 2]


def test_service_hours_across_dst() -> None:
    march = Period.of_month(2026, 3, BER)
    assert march.seconds == (31 * 24 - 1) * HOUR  # the spring-forward day has 23 h
    hours = ServiceHours(weekdays=list(range(7)), start=dt.time(1, 0), end=dt.time(4, 0))
    windows = service_windows(march, hours)
    # every day 3 h, except Sunday 29 March: 01:00-04:00 local lasts 2 h (02:00 -> 03:00)
    assert total_seconds(windows) == (31 * 3 - 1) * HOUR
    dst_day = next(w for w in windows if w.start.day == 29)
    assert dst_day.seconds == 2 * HOUR
    f = compute([Transition("x", dt.datetime(2026, 2, 1, tzinfo=BER), State.UP)], period=march,
                now=dt.datetime(2026, 4, 2, tzinfo=BER), objective_pct=99.5, service_hours=hours)
    assert f.up_s == 92 * HOUR and f.outside_service_hours_s == (743 - 92) * HOUR


# --------------------------------------------------------------------------------------------------
# Outages, annotations, flap rule, data range
# --------------------------------------------------------------------------------------------------


def test_mttr_and_mtbf() -> None:
    ts = [UP_BEFORE]
    for day, minutes in ((3, 10), (13, 20), (23, 30)):
        ts += [tr(at(day, 8), State.DOWN), tr(at(day, 8, minutes), State.UP)]
    f = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5)
    # outages 10 + 20 + 30 = 60 min: MTTR 20 min; up 43,200 - 60 = 43,140 min: MTBF 14,380 min
    assert f.outage_count == 3
    assert f.mttr_s == 20 * MIN
    assert f.mtbf_s == 14_380 * MIN


def test_repeated_and_simultaneous_transitions() -> None:
    ts = [UP_BEFORE, tr(at(3, 8), State.DOWN), tr(at(3, 8, 10), State.DOWN),  # still down: one outage
          tr(at(3, 8, 20), State.UP), tr(at(3, 8, 20), State.DOWN),  # same instant: the later wins
          tr(at(3, 8, 30), State.UP)]
    f = compute(list(reversed(ts)), period=NOV, now=AFTER_NOV, objective_pct=99.5)
    # reversed input: the sort is stable, so at 08:20 the later *given* (UP, here) wins -> 20 min down
    assert f.down_s == 20 * MIN
    g = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5)
    assert g.down_s == 30 * MIN and g.outage_count == 1  # 08:00-08:30 in one piece


def test_annotations_attach_to_overlapping_outages() -> None:
    ts = [UP_BEFORE, tr(at(3, 8), State.DOWN), tr(at(3, 9), State.UP),
          tr(at(4, 8), State.DOWN), tr(at(4, 9), State.UP)]
    notes = [Annotation("x", at(3, 8, 30), at(3, 10), "fibre cut near Tugu Kujang"),
             Annotation("x", at(3, 8, 45), at(3, 8, 45), "ticket #12"),  # an instant note
             Annotation("x", at(3, 9), at(3, 9, 30), "after the repair"),  # touches only: not attached
             Annotation("y", at(4, 8), at(4, 9), "another target")]
    f = compute(ts, period=NOV, now=AFTER_NOV, objective_pct=99.5, annotations=notes)
    assert [o.annotation for o in f.outages] == ["fibre cut near Tugu Kujang; ticket #12", ""]


def test_flap_rule_is_stated() -> None:
    f = compute([UP_BEFORE], period=NOV, now=AFTER_NOV, objective_pct=99.5)
    assert f.flap_rule == "3 consecutive failures open an outage, 2 successes close it"
    assert FlapRule(1, 1).text == "1 failure opens an outage, 1 success closes it"
    g = compute([UP_BEFORE], period=NOV, now=AFTER_NOV, objective_pct=99.5, flap_rule=FlapRule(5, 3))
    assert g.flap_rule.startswith("5 consecutive failures")
    with pytest.raises(ValueError, match="flap rule"):
        FlapRule(0, 2)


def test_data_range_and_carried_state() -> None:
    f = compute([UP_BEFORE], period=NOV, now=AFTER_NOV, objective_pct=99.5)
    assert f.data_range is None and f.up_s == 720 * HOUR  # state carried in from October


def test_targets_are_checked() -> None:
    with pytest.raises(ValueError, match="several targets"):
        compute([UP_BEFORE, tr(at(2, 0), State.DOWN, "y")], period=NOV, now=AFTER_NOV, objective_pct=99.5)
    with pytest.raises(ValueError, match="passed for target"):
        compute([UP_BEFORE], target="y", period=NOV, now=AFTER_NOV, objective_pct=99.5)
    with pytest.raises(ValueError, match="UTC offset"):
        Transition("x", dt.datetime(2026, 11, 1), State.UP)
    assert Transition("x", at(1), "down").state is State.DOWN  # type: ignore[arg-type]


def test_compute_many_matches_compute() -> None:
    ts = [*WORKED, tr(at(2, 0), State.UP, "y"), tr(at(5, 0, month=12), State.DOWN, "y")]
    grouped = group_by_target(ts)
    periods = split(Period.of_quarter(2026, 4, JKT), PeriodKind.MONTH)
    now = at(10, 0, month=12)
    many = compute_many(grouped, periods=periods, now=now, objective_pct=99.5,
                        maintenance={"x": WORKED_MAINT}, annotations=[Annotation("y", at(5), at(6), "n")])
    assert set(many) == {"x", "y"}
    for target, figs in many.items():
        assert [f.period_label for f in figs] == ["2026-10", "2026-11", "2026-12"]
        for p, f in zip(periods, figs, strict=True):
            one = compute(grouped[target], period=p, now=now, objective_pct=99.5,
                          maintenance=WORKED_MAINT if target == "x" else [])
            assert f == one
    assert many["y"][0].state is SlaState.NO_DATA  # y has no data in October


def test_to_dict_is_json_ready() -> None:
    f = compute(WORKED, period=NOV, now=at(20, 14, 30), objective_pct=100, maintenance=WORKED_MAINT)
    d = f.to_dict()
    text = json.dumps(d)
    assert '"period": "2026-11"' in text and d["burn_rate"] == "inf"
    assert d["outages"] == [o.to_dict() for o in f.outages]


# --------------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------------


def test_parse_month_quarter_year() -> None:
    m = parse_period("2026-10", "Asia/Jakarta")
    assert (m.kind, m.label, m.start, m.end) == (PeriodKind.MONTH, "2026-10", at(1, month=10), at(1, month=11))
    q = parse_period(" 2026-q4 ", JKT)
    assert (q.kind, q.label, q.start, q.end) == (PeriodKind.QUARTER, "2026-Q4", at(1, month=10),
                                                  at(1, month=1, year=2027))
    y = parse_period("2026", JKT)
    assert (y.kind, y.label) == (PeriodKind.YEAR, "2026")
    assert y.seconds == 365 * 24 * HOUR
    assert str(y) == "2026"
    # 2026-10-01 00:00 in Jakarta is 2026-09-30 17:00 UTC
    assert m.start.astimezone(dt.UTC) == dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "2026-Q5", "2026-Q0", "2026/10", "", "Q4-2026",
                                  "2026-1", "oktober", "0000"])
def test_parse_period_errors(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_period(text, JKT)
    lines = err.value.lines()
    assert len(lines) == 1 and "YYYY-MM (2026-10), YYYY-Qn (2026-Q4) or YYYY (2026)" in lines[0]


def test_unknown_time_zone() -> None:
    with pytest.raises(UsageError, match="Mars/Olympus"):
        parse_period("2026", "Mars/Olympus")


def test_period_containing_and_split() -> None:
    late = dt.datetime(2026, 12, 31, 20, tzinfo=dt.UTC)  # 1 January 2027, 03:00 in Jakarta
    assert period_containing(PeriodKind.QUARTER, late, JKT).label == "2027-Q1"
    assert period_containing(PeriodKind.MONTH, late, "UTC").label == "2026-12"
    assert period_containing(PeriodKind.YEAR, late, JKT).label == "2027"
    year = Period.of_year(2026, JKT)
    assert [p.label for p in split(year, PeriodKind.QUARTER)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    months = split(year, PeriodKind.MONTH)
    assert len(months) == 12 and months[0].start == year.start and months[-1].end == year.end
    assert sum(p.seconds for p in months) == year.seconds
    assert [p.label for p in split(Period.of_quarter(2026, 2, JKT), PeriodKind.MONTH)] == [
        "2026-04", "2026-05", "2026-06"]
    assert split(year, PeriodKind.YEAR) == [year]
    with pytest.raises(ValueError, match="cannot split"):
        split(months[0], PeriodKind.YEAR)
    assert NOV.next().label == "2026-12" and NOV.previous().label == "2026-10"
    assert Period.of_month(2026, 12, JKT).next().label == "2027-01"


# --------------------------------------------------------------------------------------------------
# Interval algebra
# --------------------------------------------------------------------------------------------------


def test_interval_algebra() -> None:
    a = Interval(at(1, 0), at(1, 10))
    b = Interval(at(1, 5), at(1, 15))
    c = Interval(at(1, 20), at(1, 22))
    assert merge([c, b, a]) == [Interval(at(1, 0), at(1, 15)), c]
    assert intersect([a, c], [b]) == [Interval(at(1, 5), at(1, 10))]
    assert subtract([Interval(at(1, 0), at(1, 23))], [b, c]) == [
        Interval(at(1, 0), at(1, 5)), Interval(at(1, 15), at(1, 20)), Interval(at(1, 22), at(1, 23))]
    assert total_seconds([a, b, c]) == 17 * HOUR  # 0-15 and 20-22
    assert a.overlaps(b) and not a.overlaps(Interval(at(1, 10), at(1, 11)))  # touching is not overlapping
    assert a.intersection(c) is None
    assert a.contains(at(1, 0)) and not a.contains(at(1, 10))  # half-open
    # endpoints in different zones compare as instants: 10:00 in Jakarta is 03:00 UTC
    utc = Interval(dt.datetime(2026, 11, 1, 3, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC))
    assert merge([a, utc]) == [Interval(at(1, 0), dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC))]
    with pytest.raises(ValueError, match="before it starts"):
        Interval(at(2), at(1))
    with pytest.raises(ValueError, match="UTC offset"):
        Interval(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2))
