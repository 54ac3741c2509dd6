"""The measurement store contract. Every implementation (SQLite, PostgreSQL) passes one conformance suite,
tests/conformance/test_store.py.

What is kept:
- state transitions per target (a target is in a state from a transition until its next one), each with
  the reason; appended in batches, and a batch is committed atomically: after `append_transitions`
  returns, the transitions survive a kill -9 of the process;
- samples (latency, utilisation, ...), downsampled on read;
- annotations (a note on a target's timeline);
- poller heartbeats, so that a restarted poller writes the gap since its last heartbeat as `unknown`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from kotanet.monitors.records import Annotation, Transition

__all__ = ["Sample", "SampleKind", "Store", "StoreError"]


class SampleKind(StrEnum):
    LATENCY_MS = "latency_ms"
    UTILISATION_IN = "utilisation_in"  # fraction of capacity, 0..1
    UTILISATION_OUT = "utilisation_out"
    TLS_DAYS_LEFT = "tls_days_left"


@dataclass(frozen=True, slots=True)
class Sample:
    target: str
    at: dt.datetime  # aware
    kind: SampleKind
    value: float


class StoreError(Exception):
    """The store cannot be reached or refused a write; the message names the store and what to do.
    (A subclass of KotanetError lives in each adapter; this base lets callers buffer and retry.)"""


@runtime_checkable
class Store(Protocol):
    """A measurement store. Times are aware datetimes; results come back in time order."""

    @property
    def description(self) -> str: ...

    def append_transitions(self, transitions: Sequence[Transition]) -> None:
        """Commit a batch atomically (all or nothing). Re-appending an identical transition is a no-op."""
        ...

    def transitions(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Transition]:
        """Transitions with start <= at < end, in (target, at) order, PLUS for each target the last transition
        before `start` (the state it carried into the window)."""
        ...

    def last_transitions(self) -> dict[str, Transition]:
        """Each target's latest transition."""
        ...

    def targets(self) -> list[str]: ...

    def append_samples(self, samples: Sequence[Sample]) -> None: ...

    def samples(self, target: str, kind: SampleKind, *, start: dt.datetime, end: dt.datetime,
                step_s: int = 60) -> list[tuple[dt.datetime, float]]:
        """Averages per `step_s` bucket (bucket start times, in UTC), empty buckets left out."""
        ...

    def annotate(self, annotation: Annotation) -> None: ...

    def annotations(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Annotation]:
        """Annotations that overlap [start, end)."""
        ...

    def heartbeat(self, poller: str, at: dt.datetime) -> None:
        """Record that `poller` was alive at `at` (one row per poller, overwritten)."""
        ...

    def last_heartbeat(self, poller: str) -> dt.datetime | None: ...

    def close(self) -> None: ...
