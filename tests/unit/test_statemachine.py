from __future__ import annotations

import datetime as dt

import pytest

from kotanet.monitors.probe import ProbeResult
from kotanet.monitors.records import FlapRule, State
from kotanet.monitors.statemachine import Tracker, combine_link, combine_site

pytestmark = pytest.mark.unit

T0 = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def run(tracker: Tracker, pattern: str) -> list[tuple[int, State]]:
    """Feed one result a minute: 'u' ok, 'd' failed, '?' undecided. Returns (minute, new state)."""
    out = []
    for i, ch in enumerate(pattern):
        ok = {"u": True, "d": False, "?": None}[ch]
        tr = tracker.feed(ProbeResult("site:x", T0 + dt.timedelta(minutes=i), ok, reason=f"r{i}"))
        if tr is not None:
            out.append((int((tr.at - T0).total_seconds() // 60), tr.state))
    return out


def test_default_rule_3_to_open_2_to_close() -> None:
    # minutes: 0-1 up (confirmed at 1, dated 0); 2-3 two failures: no outage; 4 up; 5,6,7 failures -> down
    # dated 5; 8 up, 9 down (one success is not enough), 10, 11 up -> up dated 10
    assert run(Tracker("site:x"), "uuddudddudu" + "u") == [(0, State.UP), (5, State.DOWN), (10, State.UP)]


def test_outage_reason_is_the_first_failure() -> None:
    t = Tracker("site:x", state=State.UP)
    trs = [t.feed(ProbeResult("site:x", T0 + dt.timedelta(minutes=i), False, reason=f"timeout {i}"))
           for i in range(3)]
    assert trs[:2] == [None, None]
    assert trs[2] is not None and trs[2].reason == "timeout 0" and trs[2].at == T0


def test_undecided_results_become_unknown() -> None:
    assert run(Tracker("site:x", state=State.UP), "u??u???") == [(4, State.UNKNOWN)]


def test_custom_rule() -> None:
    assert run(Tracker("site:x", rule=FlapRule(open_after=1, close_after=1)), "udu") == [
        (0, State.UP), (1, State.DOWN), (2, State.UP)]


def test_combinations() -> None:
    assert combine_link(True, True) is True
    assert combine_link(True, False) is False and combine_link(None, False) is False
    assert combine_link(True, None) is None
    assert combine_site([False, True]) is True
    assert combine_site([False, False]) is False
    assert combine_site([False, None]) is None and combine_site([]) is None
