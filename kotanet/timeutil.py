"""Exact instants as integer microseconds since the Unix epoch. Pure."""

from __future__ import annotations

import datetime as dt

__all__ = ["from_micros", "to_micros"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)


def to_micros(instant: dt.datetime) -> int:
    """Exact microseconds since 1970-01-01T00:00Z of an aware datetime (naive -> ValueError)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant.isoformat()} has no UTC offset; pass an aware datetime")
    return (instant - _EPOCH) // _US


def from_micros(micros: int, tz: dt.tzinfo) -> dt.datetime:
    """The aware datetime, in ``tz``, of ``micros`` microseconds since the epoch (exact)."""
    return (_EPOCH + dt.timedelta(microseconds=micros)).astimezone(tz)
