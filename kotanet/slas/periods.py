"""Calendar periods (month, quarter, year) and service-hours windows in a policy's time zone.

A period runs from local midnight of its first day to local midnight of the day after its last, in an
IANA time zone resolved with :mod:`zoneinfo` (Asia/Jakarta by default: UTC+7, no DST; the code is
DST-safe anyway, because all arithmetic is done on epoch microseconds, never on wall-clock datetimes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kotanet.errors import UsageError
from kotanet.inventory.choices import PeriodKind
from kotanet.inventory.models import ServiceHours
from kotanet.slas.intervals import Interval, Span, from_micros, merge_spans, to_micros

__all__ = [
    "PERIOD_FORMS",
    "Period",
    "TimeZone",
    "parse_period",
    "period_containing",
    "resolve_tz",
    "service_spans",
    "service_windows",
    "split",
]

TimeZone = str | dt.tzinfo
"""An IANA name ("Asia/Jakarta") or a tzinfo (a ZoneInfo, datetime.UTC)."""

PERIOD_FORMS = "YYYY-MM (2026-10), YYYY-Qn (2026-Q4) or YYYY (2026)"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANK = {PeriodKind.MONTH: 0, PeriodKind.QUARTER: 1, PeriodKind.YEAR: 2}


def resolve_tz(tz: TimeZone) -> dt.tzinfo:
    """A tzinfo for an IANA name (unknown name → UsageError) or the tzinfo itself."""
    if isinstance(tz, dt.tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {tz!r}", hint="use an IANA name such as Asia/Jakarta") from exc


def _local_midnight(year: int, month: int, day: int, tz: dt.tzinfo) -> dt.datetime:
    # fold=0: where midnight is skipped by a DST change the day starts at the change; where it repeats,
    # at its first occurrence. Normalize through UTC so the datetime's fields are the real local time.
    return dt.datetime(year, month, day, tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month, quarter or year ``[start, end)`` in one time zone, with its label."""

    kind: PeriodKind
    start: dt.datetime
    end: dt.datetime
    label: str

    def __post_init__(self) -> None:
        if to_micros(self.end) <= to_micros(self.start):
            raise ValueError(f"period {self.label} ends before it starts")

    @classmethod
    def of_month(cls, year: int, month: int, tz: TimeZone) -> Period:
        zone = resolve_tz(tz)
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        return cls(PeriodKind.MONTH, _local_midnight(year, month, 1, zone), _local_midnight(ny, nm, 1, zone),
                   f"{year:04d}-{month:02d}")

    @classmethod
    def of_quarter(cls, year: int, quarter: int, tz: TimeZone) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter} is not 1..4")
        zone = resolve_tz(tz)
        first = 3 * quarter - 2
        ny, nm = (year + 1, 1) if quarter == 4 else (year, first + 3)
        return cls(PeriodKind.QUARTER, _local_midnight(year, first, 1, zone), _local_midnight(ny, nm, 1, zone),
                   f"{year:04d}-Q{quarter}")

    @classmethod
    def of_year(cls, year: int, tz: TimeZone) -> Period:
        zone = resolve_tz(tz)
        return cls(PeriodKind.YEAR, _local_midnight(year, 1, 1, zone), _local_midnight(year + 1, 1, 1, zone),
                   f"{year:04d}")

    @property
    def tz(self) -> dt.tzinfo:
        tz = self.start.tzinfo
        assert tz is not None  # checked by __post_init__ (to_micros refuses naive datetimes)
        return tz

    @property
    def span(self) -> Span:
        return (to_micros(self.start), to_micros(self.end))

    @property
    def seconds(self) -> float:
        a, b = self.span
        return (b - a) / 1_000_000

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    def contains(self, instant: dt.datetime) -> bool:
        a, b = self.span
        return a <= to_micros(instant) < b

    def next(self) -> Period:
        """The period of the same kind that follows this one."""
        return period_containing(self.kind, self.end, self.tz)

    def previous(self) -> Period:
        """The period of the same kind that precedes this one."""
        return period_containing(self.kind, from_micros(to_micros(self.start) - 1, self.tz), self.tz)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str, tz: TimeZone) -> Period:
    """``2026-10`` (a month), ``2026-Q4`` (a quarter) or ``2026`` (a year) in ``tz``; else UsageError."""
    value = text.strip()
    if m := _MONTH.match(value):
        year, month = int(m.group(1)), int(m.group(2))
        kind: PeriodKind | None = PeriodKind.MONTH
    elif m := _QUARTER.match(value):
        year, month = int(m.group(1)), int(m.group(2))
        kind = PeriodKind.QUARTER
    elif m := _YEAR.match(value):
        year, month = int(m.group(1)), 1
        kind = PeriodKind.YEAR
    else:
        kind = None
    if kind is None or not 1 <= year <= 9998:
        raise UsageError(f"bad period {text!r}: use {PERIOD_FORMS}")
    if kind is PeriodKind.MONTH:
        return Period.of_month(year, month, tz)
    if kind is PeriodKind.QUARTER:
        return Period.of_quarter(year, month, tz)
    return Period.of_year(year, tz)


def period_containing(kind: PeriodKind, instant: dt.datetime, tz: TimeZone) -> Period:
    """The month, quarter or year, in ``tz``, that contains the aware ``instant``."""
    to_micros(instant)  # refuses naive datetimes
    zone = resolve_tz(tz)
    local = instant.astimezone(zone)
    if kind is PeriodKind.MONTH:
        return Period.of_month(local.year, local.month, zone)
    if kind is PeriodKind.QUARTER:
        return Period.of_quarter(local.year, (local.month - 1) // 3 + 1, zone)
    return Period.of_year(local.year, zone)


def split(period: Period, into: PeriodKind) -> list[Period]:
    """A period cut into consecutive periods of a finer (or the same) kind: a year into 4 quarters or
    12 months, a quarter into 3 months. Asking for a coarser kind is a ValueError."""
    if _RANK[into] > _RANK[period.kind]:
        raise ValueError(f"cannot split a {period.kind} into {into}s")
    if into is period.kind:
        return [period]
    out = [period_containing(into, period.start, period.tz)]
    end = to_micros(period.end)
    while to_micros(out[-1].end) < end:
        out.append(out[-1].next())
    return out


def _local_days(period: Period) -> Iterator[dt.date]:
    """Every local date that a service window touching the period can start on (one day of slack
    before, for windows that wrap past midnight)."""
    day = period.start.astimezone(period.tz).date() - dt.timedelta(days=1)
    last = period.end.astimezone(period.tz).date()
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _at(day: dt.date, time: dt.time, tz: dt.tzinfo) -> int:
    return to_micros(dt.datetime.combine(day, time.replace(tzinfo=None), tzinfo=tz))


def service_spans(period: Period, hours: ServiceHours, tz: TimeZone | None = None) -> list[Span]:
    """Service hours inside the period as normalized epoch-microsecond spans (see service_windows)."""
    zone = resolve_tz(tz) if tz is not None else period.tz
    lo, hi = period.span
    spans: list[Span] = []
    days = set(hours.weekdays)
    wraps = hours.end <= hours.start
    for day in _local_days(period):
        if day.weekday() not in days:
            continue
        a = _at(day, hours.start, zone)
        b = _at(day + dt.timedelta(days=1) if wraps else day, hours.end, zone)
        a, b = max(a, lo), min(b, hi)
        if a < b:
            spans.append((a, b))
    return merge_spans(spans)


def service_windows(period: Period, hours: ServiceHours, tz: TimeZone | None = None) -> list[Interval]:
    """The service-hours windows inside ``period``, merged, as intervals in the time zone ``tz``
    (default: the period's own).

    A window opens at ``hours.start`` local time on each listed weekday (0 = Monday) and closes at
    ``hours.end`` the same day; when end <= start it closes on the next day (end == start: 24 hours).
    Local times are resolved by zoneinfo, so a window across a DST change has its real length.
    """
    zone = resolve_tz(tz) if tz is not None else period.tz
    return [Interval(from_micros(a, zone), from_micros(b, zone)) for a, b in service_spans(period, hours, zone)]
