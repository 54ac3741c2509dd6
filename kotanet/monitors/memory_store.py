"""An in-memory Store: for tests, benchmarks and one-shot runs. Passes the store conformance suite."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Collection, Sequence

from kotanet.monitors.records import Annotation, Transition
from kotanet.monitors.store import Sample, SampleKind
from kotanet.monitors.stores import transition_rows
from kotanet.timeutil import from_micros, to_micros

__all__ = ["MemoryStore"]


class MemoryStore:
    def __init__(self) -> None:
        self._transitions: dict[str, list[Transition]] = {}
        self._samples: dict[tuple[str, SampleKind], list[tuple[int, float]]] = {}
        self._annotations: list[Annotation] = []
        self._heartbeats: dict[str, dt.datetime] = {}

    @property
    def description(self) -> str:
        return "in-memory store"

    def append_transitions(self, transitions: Sequence[Transition]) -> None:
        transition_rows(transitions)  # check the whole batch first: all or nothing, like the database stores
        for tr in sorted(transitions, key=lambda t: (t.target, t.epoch_us)):
            rows = self._transitions.setdefault(tr.target, [])
            keys = [r.epoch_us for r in rows]
            i = bisect.bisect_left(keys, tr.epoch_us)
            if i < len(rows) and rows[i].epoch_us == tr.epoch_us:
                rows[i] = tr  # the same instant again: the later write wins (idempotent for identical rows)
            else:
                rows.insert(i, tr)

    def transitions(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Transition]:
        lo = to_micros(start) if start else None
        hi = to_micros(end) if end else None
        out: list[Transition] = []
        for target in sorted(self._transitions if targets is None else set(targets) & set(self._transitions)):
            rows = self._transitions[target]
            keys = [r.epoch_us for r in rows]
            i = 0 if lo is None else bisect.bisect_left(keys, lo)
            j = len(rows) if hi is None else bisect.bisect_left(keys, hi)
            if lo is not None and i > 0:
                out.append(rows[i - 1])
            out.extend(rows[i:j])
        return out

    def last_transitions(self) -> dict[str, Transition]:
        return {t: rows[-1] for t, rows in self._transitions.items() if rows}

    def targets(self) -> list[str]:
        return sorted(self._transitions)

    def append_samples(self, samples: Sequence[Sample]) -> None:
        for s in samples:
            self._samples.setdefault((s.target, s.kind), []).append((to_micros(s.at), s.value))

    def samples(self, target: str, kind: SampleKind, *, start: dt.datetime, end: dt.datetime,
                step_s: int = 60) -> list[tuple[dt.datetime, float]]:
        lo, hi, step = to_micros(start), to_micros(end), step_s * 1_000_000
        buckets: dict[int, list[float]] = {}
        for at, value in self._samples.get((target, kind), []):
            if lo <= at < hi:
                buckets.setdefault(at - at % step, []).append(value)
        return [(from_micros(b, dt.UTC), sum(v) / len(v)) for b, v in sorted(buckets.items())]

    def annotate(self, annotation: Annotation) -> None:
        self._annotations.append(annotation)

    def annotations(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Annotation]:
        return sorted((a for a in self._annotations
                       if (targets is None or a.target in targets)
                       and (end is None or a.start < end) and (start is None or a.end >= start)),
                      key=lambda a: (a.target, a.start))

    def heartbeat(self, poller: str, at: dt.datetime) -> None:
        self._heartbeats[poller] = at

    def last_heartbeat(self, poller: str) -> dt.datetime | None:
        return self._heartbeats.get(poller)

    def close(self) -> None:
        return None
