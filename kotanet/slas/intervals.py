"""Half-open time intervals ``[start, end)`` and their algebra (union, intersection, difference).

Two layers, one algorithm:

* :class:`Interval` holds aware datetimes and is what callers see;
* a *span* is ``(start_us, end_us)``, integer microseconds since the Unix epoch, which is what the SLA
  engine computes with: exact (no float drift, so durations add up to the microsecond) and fast.

All comparisons go through epoch microseconds, never through wall-clock datetimes: Python compares and
subtracts two datetimes that share one ``tzinfo`` by their wall-clock fields, which is wrong around a
DST fold. The span functions expect and return *normalized* lists: sorted, non-empty spans that
neither overlap nor touch (``merge_spans`` makes any list normalized).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kotanet.timeutil import from_micros, to_micros

__all__ = [
    "Interval",
    "Span",
    "Timed",
    "clip",
    "clip_spans",
    "from_micros",
    "intersect",
    "intersect_spans",
    "merge",
    "merge_spans",
    "spans_length",
    "subtract",
    "subtract_spans",
    "to_micros",
    "total_seconds",
]

Span = tuple[int, int]
"""``(start_us, end_us)``: epoch microseconds, start <= end, half-open."""

# Below this many microseconds from the epoch (year 2106), us / 1e6 is within 0.24 us of the exact
# value, so datetime.fromtimestamp (which rounds to the nearest microsecond) gives the exact instant.
_FAST_LIMIT = 2**32 * 1_000_000


class Timed(Protocol):
    """Anything with an aware ``start`` and ``end``: Interval, a maintenance window, an annotation."""

    @property
    def start(self) -> dt.datetime: ...

    @property
    def end(self) -> dt.datetime: ...


@dataclass(frozen=True, slots=True)
class Interval:
    """The half-open interval ``[start, end)`` between two aware datetimes; empty when start == end."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if to_micros(self.end) < to_micros(self.start):
            raise ValueError(f"interval ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})")

    @classmethod
    def of(cls, item: Timed) -> Interval:
        return item if isinstance(item, Interval) else cls(item.start, item.end)

    @property
    def span(self) -> Span:
        return (to_micros(self.start), to_micros(self.end))

    @property
    def seconds(self) -> float:
        a, b = self.span
        return (b - a) / 1_000_000

    @property
    def duration(self) -> dt.timedelta:
        a, b = self.span
        return dt.timedelta(microseconds=b - a)

    @property
    def is_empty(self) -> bool:
        a, b = self.span
        return a == b

    def contains(self, instant: dt.datetime) -> bool:
        a, b = self.span
        return a <= to_micros(instant) < b

    def overlaps(self, other: Timed) -> bool:
        """True when the two share a positive length of time (touching is not overlapping)."""
        a, b = self.span
        c, d = Interval.of(other).span
        return max(a, c) < min(b, d)

    def intersection(self, other: Timed) -> Interval | None:
        """The common part, or None when there is none of positive length."""
        result = intersect([self], [Interval.of(other)])
        return result[0] if result else None


# --------------------------------------------------------------------------------------------------
# Spans: the algorithm, on epoch microseconds
# --------------------------------------------------------------------------------------------------


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The union, normalized: sorted, empty spans dropped, overlapping *and touching* spans joined."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect_spans(xs: Sequence[Span], ys: Sequence[Span]) -> list[Span]:
    """The intersection of two normalized lists, normalized (linear two-pointer sweep)."""
    out: list[Span] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a, b = xs[i]
        c, d = ys[j]
        lo = a if a > c else c
        hi = b if b < d else d
        if lo < hi:
            out.append((lo, hi))
        if b < d:
            i += 1
        else:
            j += 1
    return out


def subtract_spans(xs: Sequence[Span], ys: Sequence[Span]) -> list[Span]:
    """``xs`` minus ``ys``, both normalized; the result is normalized."""
    if not ys:
        return list(xs)
    out: list[Span] = []
    j = 0
    for a, b in xs:
        cur = a
        while j < len(ys) and ys[j][1] <= cur:
            j += 1
        k = j
        while k < len(ys) and ys[k][0] < b:
            c, d = ys[k]
            if c > cur:
                out.append((cur, c))
            cur = max(cur, d)
            if cur >= b:
                break
            k += 1
        if cur < b:
            out.append((cur, b))
    return out


def clip_spans(spans: Sequence[Span], lo: int, hi: int) -> list[Span]:
    """A normalized list cut to ``[lo, hi)``."""
    out: list[Span] = []
    for a, b in spans:
        if b <= lo:
            continue
        if a >= hi:
            break
        out.append((a if a > lo else lo, b if b < hi else hi))
    return [s for s in out if s[0] < s[1]]


def spans_length(spans: Iterable[Span]) -> int:
    """Total microseconds of a normalized (non-overlapping) list."""
    return sum(b - a for a, b in spans)


# --------------------------------------------------------------------------------------------------
# Intervals: the same algebra on datetimes. Results reuse the callers' datetime objects (and so their
# time zones): every endpoint of a result is an endpoint of an input.
# --------------------------------------------------------------------------------------------------


def _spans(items: Iterable[Timed], names: dict[int, dt.datetime]) -> list[Span]:
    spans: list[Span] = []
    for item in items:
        a, b = to_micros(item.start), to_micros(item.end)
        if b < a:
            raise ValueError(f"interval ends ({item.end.isoformat()}) before it starts ({item.start.isoformat()})")
        names.setdefault(a, item.start)
        names.setdefault(b, item.end)
        spans.append((a, b))
    return spans


def _intervals(spans: Iterable[Span], names: dict[int, dt.datetime]) -> list[Interval]:
    return [Interval(names[a], names[b]) for a, b in spans]


def merge(items: Iterable[Timed]) -> list[Interval]:
    """The union of intervals: sorted, overlapping and adjacent ones joined, empty ones dropped."""
    names: dict[int, dt.datetime] = {}
    return _intervals(merge_spans(_spans(items, names)), names)


def intersect(xs: Iterable[Timed], ys: Iterable[Timed]) -> list[Interval]:
    """The time covered by both ``xs`` and ``ys`` (each may overlap itself; both are merged first)."""
    names: dict[int, dt.datetime] = {}
    return _intervals(intersect_spans(merge_spans(_spans(xs, names)), merge_spans(_spans(ys, names))), names)


def subtract(xs: Iterable[Timed], ys: Iterable[Timed]) -> list[Interval]:
    """The time covered by ``xs`` and not by ``ys``."""
    names: dict[int, dt.datetime] = {}
    return _intervals(subtract_spans(merge_spans(_spans(xs, names)), merge_spans(_spans(ys, names))), names)


def clip(items: Iterable[Timed], window: Timed) -> list[Interval]:
    """The union of ``items`` cut to ``window``."""
    return intersect(items, [window])


def total_seconds(items: Iterable[Timed]) -> float:
    """Seconds covered by the union of ``items`` (overlaps counted once)."""
    return spans_length(merge_spans(_spans(items, {}))) / 1_000_000
