"""State transitions read back from Prometheus: the read side of the Store protocol over ``kotanet_target_up``.

``PrometheusTransitions`` lets the SLA report (``build_report``) and the engine run on what a Prometheus
server scraped from the pollers (``kotanet.monitors.metrics``: the gauge is 1 while a target is up, 0
while it is down, and absent while it is unknown). It range-queries, on a grid of ``step_s`` seconds
(multiples of the step since the Unix epoch)::

    min by (target) (last_over_time(kotanet_target_up{target=~"..."}[<step - 1 ms>]))

so the point at grid time t stands for the step (t - step, t] and carries the last sample in it; and it
turns the points into transitions: 1 -> up, 0 -> down, no point (a gap in the samples, or the series
went stale) -> unknown. A state is dated at the first grid point that shows it. When several series
carry one target (two pollers, a restart under another instance label) the lowest value wins: a down
report is never hidden by an up one.

Resolution limit: a transition is known to one step. A state that begins at τ is dated at the first
grid point at or after the first sample showing it, i.e. up to one step (plus the scrape interval)
late; a state that lasts less than a step can be missed entirely, and a gap shorter than a step is not
seen as unknown. So each transition may move by at most one step, and over a period with counted time
T and n transitions the availability differs from the exact (store) figure by at most about
``step * n / (T - step * n)``. The exact figures are the store's; this source is a cross-check and a
fallback for a site whose store was lost.

Only reads are supported: the write methods raise ReadOnlySourceError; ``annotations`` are always empty
(Prometheus does not keep them) and ``samples`` is not offered (query Prometheus directly for those).

Also here: ``up_samples``, the ``kotanet_target_up`` samples a poller would have exported for given
transitions (for backfilling tests and benchmarks).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_right
from collections.abc import Collection, Sequence

from kotanet.clock import Clock, SystemClock
from kotanet.errors import KotanetError
from kotanet.monitors.promserver import PrometheusClient
from kotanet.monitors.records import Annotation, State, Transition
from kotanet.monitors.store import Sample, SampleKind
from kotanet.monitors.targets import METRIC_UP

__all__ = ["DEFAULT_STEP_S", "PrometheusTransitions", "ReadOnlySourceError", "up_expr", "up_samples"]

DEFAULT_STEP_S = 60


class ReadOnlySourceError(KotanetError, NotImplementedError):
    """A write (or an unsupported read) was asked of a read-only source."""


def _matcher(targets: Sequence[str] | None) -> str:
    if targets is None:
        return ""
    alternatives = "|".join(re.escape(t) for t in targets)
    # a PromQL string literal: backslashes and double quotes are escaped once more
    return '{target=~"' + alternatives.replace("\\", "\\\\").replace('"', '\\"') + '"}'


def up_expr(step_s: int, targets: Sequence[str] | None = None, metric: str = METRIC_UP) -> str:
    """The PromQL this source range-queries at ``step_s``: per target, the last sample in each step."""
    return f"min by (target) (last_over_time({metric}{_matcher(targets)}[{step_s * 1000 - 1}ms]))"


def up_samples(transitions: Sequence[Transition], *, start: dt.datetime, end: dt.datetime, step_s: float = 60,
               phase_s: float = 0.0) -> list[tuple[float, float]]:
    """The (unix s, 1.0 | 0.0) samples of one target's ``kotanet_target_up`` at start + phase + k * step
    (< end): the state of the last transition at or before each instant; none while unknown (before the
    first transition, or in an ``unknown`` state), as the poller's gauge is absent then."""
    ts = sorted(transitions, key=lambda t: t.epoch_us)
    times = [t.epoch_us / 1e6 for t in ts]
    out: list[tuple[float, float]] = []
    t = start.timestamp() + phase_s
    hi = end.timestamp()
    while t < hi:
        i = bisect_right(times, t) - 1
        if i >= 0:
            state = ts[i].state
            if state is State.UP:
                out.append((t, 1.0))
            elif state is State.DOWN:
                out.append((t, 0.0))
        t += step_s
    return out


class PrometheusTransitions:
    """A read-only transitions source over Prometheus's ``kotanet_target_up`` (see the module docstring).

    ``client``: a PrometheusClient or the server's base URL. ``step_s``: the grid (default 60 s; not
    below the scrape interval). ``clock`` gives "now" for open-ended reads; ``history`` is how far back
    ``transitions`` looks without a ``start`` and ``last_transitions`` looks at all. ``tz``: the zone the
    transitions' times are given in. ``batch``: targets per query."""

    def __init__(self, client: PrometheusClient | str, *, step_s: int = DEFAULT_STEP_S, metric: str = METRIC_UP,
                 clock: Clock | None = None, history: dt.timedelta = dt.timedelta(days=35),
                 tz: dt.tzinfo = dt.UTC, batch: int = 25) -> None:
        if step_s < 1 or int(step_s) != step_s:
            raise ValueError(f"step {step_s!r} s: give a whole number of seconds, at least 1")
        self._own_client = isinstance(client, str)
        self.client = PrometheusClient(client) if isinstance(client, str) else client
        self.step_s = int(step_s)
        self.metric = metric
        self.clock: Clock = clock or SystemClock()
        self.history = history
        self.tz = tz
        self.batch = max(1, batch)

    @property
    def description(self) -> str:
        return (f"Prometheus {self.client.base_url} ({self.metric}, {self.step_s} s steps: "
                f"transitions known to ±{self.step_s} s)")

    # ------------------------------------------------------------------------------------------- reads

    def targets(self) -> list[str]:
        return self.client.label_values("target", match=[self.metric])

    def transitions(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Transition]:
        """Transitions with start <= at < end in (target, at) order, plus for each target the state at the
        grid point before ``start`` (dated there), as the Store contract asks. ``end`` defaults to now,
        ``start`` to ``end - history``."""
        hi = (end or self.clock.now()).timestamp()
        lo = (start.timestamp() if start is not None else hi - self.history.total_seconds())
        step = self.step_s
        first = math.ceil(lo / step) * step - step  # the last grid point before start: the state carried in
        last = math.ceil(hi / step) * step - step  # the last grid point before end
        if last < first:
            return []
        wanted = sorted(set(targets)) if targets is not None else self.targets()
        points: dict[str, list[tuple[float, float]]] = {}
        for i in range(0, len(wanted), self.batch):
            chunk = wanted[i:i + self.batch]
            for piece in self.client.iter_query_range(up_expr(step, chunk, self.metric), first, last, step):
                for series in piece:
                    target = series.labels.get("target")
                    if target is not None and target in chunk:
                        points.setdefault(target, []).extend(series.points)
        out: list[Transition] = []
        for target in wanted:
            out.extend(self._timeline(target, points.get(target, []), last))
        return out

    def _timeline(self, target: str, points: list[tuple[float, float]], last: float) -> list[Transition]:
        step = self.step_s
        out: list[Transition] = []
        prev_t: float | None = None
        prev: State | None = None
        for t, v in sorted(points):
            if prev_t is not None and t - prev_t > 1.5 * step and prev is not State.UNKNOWN:
                out.append(self._tr(target, prev_t + step, State.UNKNOWN))
                prev = State.UNKNOWN
            state = State.UP if v >= 0.5 else State.DOWN
            if state is not prev:
                out.append(self._tr(target, t, state))
                prev = state
            prev_t = t
        if prev_t is not None and prev_t < last and prev is not State.UNKNOWN:
            out.append(self._tr(target, prev_t + step, State.UNKNOWN))
        return out

    def _tr(self, target: str, t: float, state: State) -> Transition:
        reason = {State.UP: f"{self.metric} = 1", State.DOWN: f"{self.metric} = 0",
                  State.UNKNOWN: f"no {self.metric} sample"}[state]
        return Transition(target, dt.datetime.fromtimestamp(t, self.tz), state, f"prometheus: {reason}")

    def last_transitions(self) -> dict[str, Transition]:
        """Each target's latest transition within ``history`` before now."""
        latest: dict[str, Transition] = {}
        for tr in self.transitions():
            latest[tr.target] = tr
        return latest

    def annotations(self, *, targets: Collection[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Annotation]:
        """Always empty: Prometheus keeps no annotations."""
        del targets, start, end
        return []

    def last_heartbeat(self, poller: str) -> dt.datetime | None:
        """None: heartbeats are not kept in Prometheus (see kotanet_poll_last_cycle_timestamp_seconds)."""
        del poller
        return None

    def samples(self, target: str, kind: SampleKind, *, start: dt.datetime, end: dt.datetime,
                step_s: int = 60) -> list[tuple[dt.datetime, float]]:
        del start, end, step_s
        raise ReadOnlySourceError(f"{self.description} does not serve {kind} samples (asked for {target})",
                                  hint="query kotanet_probe_latency_ms / kotanet_link_utilisation in Prometheus")

    # ------------------------------------------------------------------------------------------ writes

    def _read_only(self, what: str) -> ReadOnlySourceError:
        return ReadOnlySourceError(f"{self.description} is read-only: cannot {what}",
                                   hint="write to a store (sqlite:, postgresql://); Prometheus scrapes the poller")

    def append_transitions(self, transitions: Sequence[Transition]) -> None:
        raise self._read_only(f"append {len(transitions)} transition(s)")

    def append_samples(self, samples: Sequence[Sample]) -> None:
        raise self._read_only(f"append {len(samples)} sample(s)")

    def annotate(self, annotation: Annotation) -> None:
        raise self._read_only(f"annotate {annotation.target}")

    def heartbeat(self, poller: str, at: dt.datetime) -> None:
        raise self._read_only(f"record a heartbeat of {poller} at {at.isoformat()}")

    def close(self) -> None:
        if self._own_client:
            self.client.close()
