"""Clocks are passed in. The CLI builds one from KOTANET_NOW (ISO 8601) for reproducible runs, else the system's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "clock_from_env"]


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """An aware datetime."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class FixedClock:
    at: dt.datetime

    def now(self) -> dt.datetime:
        return self.at


def clock_from_env(value: str | None) -> Clock:
    if not value:
        return SystemClock()
    at = dt.datetime.fromisoformat(value)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return FixedClock(at)
