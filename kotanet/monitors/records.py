"""What the monitors record: state transitions, annotations, and the flap rule that makes them.

These are the values that flow from the monitors to the SLA engine (`kotanet.slas`). Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from kotanet.timeutil import to_micros

__all__ = ["DEFAULT_FLAP_RULE", "Annotation", "FlapRule", "State", "Transition"]


class State(StrEnum):
    """What a monitor knows about a target."""

    UP = "up"
    DOWN = "down"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Transition:
    """``target`` is in ``state`` from ``at`` (aware) until its next transition."""

    target: str
    at: dt.datetime
    state: State
    reason: str = ""
    epoch_us: int = field(init=False, repr=False, compare=False)
    """``at`` in microseconds since the Unix epoch, computed once here so the engine never converts."""

    def __post_init__(self) -> None:
        if self.state.__class__ is not State:
            object.__setattr__(self, "state", State(self.state))
        object.__setattr__(self, "epoch_us", to_micros(self.at))


@dataclass(frozen=True, slots=True)
class Annotation:
    """A note on a target's timeline (a ticket, a cause); it is attached to the outages it overlaps.
    An instant note (start == end) attaches to the outage that contains it."""

    target: str
    start: dt.datetime
    end: dt.datetime
    text: str

    def __post_init__(self) -> None:
        if to_micros(self.end) < to_micros(self.start):
            raise ValueError(f"annotation for {self.target} ends before it starts")


@dataclass(frozen=True, slots=True)
class FlapRule:
    """How the poller turns probe results into transitions; the engine only states it in the figures."""

    open_after: int = 3
    close_after: int = 2

    def __post_init__(self) -> None:
        if self.open_after < 1 or self.close_after < 1:
            raise ValueError("a flap rule needs at least 1 failure to open and 1 success to close an outage")

    @property
    def text(self) -> str:
        fails = "1 failure opens" if self.open_after == 1 else f"{self.open_after} consecutive failures open"
        oks = "1 success closes" if self.close_after == 1 else f"{self.close_after} successes close"
        return f"{fails} an outage, {oks} it"

    def __str__(self) -> str:
        return self.text


DEFAULT_FLAP_RULE = FlapRule()
