"""Turn probe results into state transitions with the flap rule. Pure.

Rule (default: 3 consecutive failures open an outage, 2 consecutive successes close it; configurable):
- a target starts `unknown`;
- `open_after` consecutive failures make it `down`; `close_after` consecutive successes make it `up`;
- the transition is dated at the FIRST result of the confirming streak, so an outage starts when the
  target first failed, not when the rule was satisfied (the SLA counts the real start);
- a result that cannot decide (`ok=None`: a wrong credential, a malformed answer) breaks both streaks;
  `open_after` such results in a row make the state `unknown` (no data), dated at the first of them;
- the same state is never written twice in a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kotanet.monitors.probe import ProbeResult
from kotanet.monitors.records import DEFAULT_FLAP_RULE, FlapRule, State, Transition

__all__ = ["Tracker", "combine_link", "combine_site"]


@dataclass(slots=True)
class _Streak:
    kind: bool | None = None
    count: int = 0
    since: dt.datetime | None = None
    reason: str = ""


class Tracker:
    """The flap-rule state of one target."""

    def __init__(self, target: str, *, rule: FlapRule = DEFAULT_FLAP_RULE, state: State = State.UNKNOWN) -> None:
        self.target = target
        self.rule = rule
        self.state = state
        self._streak = _Streak()

    def feed(self, result: ProbeResult) -> Transition | None:
        s = self._streak
        if s.kind is result.ok and s.count > 0:
            s.count += 1
        else:
            self._streak = s = _Streak(kind=result.ok, count=1, since=result.at, reason=result.reason)
        if result.ok is True:
            want, need = State.UP, self.rule.close_after
        elif result.ok is False:
            want, need = State.DOWN, self.rule.open_after
        else:
            want, need = State.UNKNOWN, self.rule.open_after
        if self.state is want or s.count < need:
            return None
        assert s.since is not None
        self.state = want
        return Transition(self.target, s.since, want, s.reason if want is not State.UP else "")


def combine_link(a_end: bool | None, b_end: bool | None) -> bool | None:
    """A link is up when both ends' ifOperStatus are up, down when either is down, else unknown."""
    if a_end is False or b_end is False:
        return False
    if a_end is True and b_end is True:
        return True
    return None


def combine_site(devices: list[bool | None]) -> bool | None:
    """A site is reachable when any of its routing devices answers; down when all answered down."""
    if any(d is True for d in devices):
        return True
    if devices and all(d is False for d in devices):
        return False
    return None
