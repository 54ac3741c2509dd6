"""Benchmark: monthly SLA figures for a province-scale fleet, against naive sample averaging.

Run:  .venv/bin/python bench/bench_sla.py [--targets 10000 --outages 50 --reference 200 --prometheus 24 --seed 7]

1. Generates, seeded, one year (2026, Asia/Jakarta) of state transitions per target: about ``--outages``
   outages a year (Poisson count, uniform start, log-normal duration, median 20 min, 1 % of them over a
   day), about 4 monitoring gaps (``unknown``) a year, and for 1 target in 10 a monthly 2-hour
   maintenance window. Generation (building the Transition objects) is timed separately.
2. kotanet: ``compute_many`` over the 12 months for every target: availability, up/down/unknown/
   maintenance seconds, every outage (as exact epoch-microsecond records), MTTR/MTBF, budget, burn
   rate, state. Target (issue): all targets x 12 months in under 2 s; the PASS line judges this.
   Then, timed separately and added up: building every outage as an ``Outage`` value with two
   aware datetimes, which SlaFigures.outages does on access (a report reads one target's outages).
3. Reference, same run: for ``--reference`` targets, the naive method. A 60-second sample series of
   ``up`` per target (scrape phase seeded per target), samples in maintenance or without data dropped,
   averaged per month like Prometheus's ``avg_over_time(up[1mo])``, vectorized with numpy.
   Every month's availability must agree with kotanet's within the sampling error, bounded per
   target-month by

       |A_samples - A_exact| <= 60 s * R / (T - 60 s * R)

   where T is the counted (up + down) time and R the number of up or down runs in the counted time:
   a run of length L holds between L/60 - 1 and L/60 + 1 samples, so each run's sample-time error is
   at most 60 s (R is bounded here by transitions + maintenance edges + 1 in the month).
   The script prints both per-target times and their ratio; note the comparison is pure-Python
   intervals (kotanet, with outage lists) against numpy-vectorized sampling (availability only).

4. Reference, same run: for the first ``--prometheus`` of those targets, a real Prometheus (Debian's
   binary; skipped with a message when it is not installed): their 60-s series for the year (same
   samples as step 3) are backfilled with promtool, and ``avg_over_time(kotanet_target_up[<month>])``
   is queried at each month's end (``prometheus_reference``). The same tolerance applies. Only the
   query time is compared per target (ingest is reported but not compared: a live Prometheus has
   already paid it); the all-targets figure is a linear extrapolation from the subset, said so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from kotanet.inventory.choices import PeriodKind
from kotanet.inventory.models import ServiceHours
from kotanet.monitors.promserver import PrometheusServer, backfill, prometheus_binaries
from kotanet.slas import Interval, Period, SlaFigures, State, Transition, compute_many, split

TZ = ZoneInfo("Asia/Jakarta")
YEAR = Period.of_year(2026, TZ)
MONTHS = split(YEAR, PeriodKind.MONTH)
NOW = dt.datetime(2027, 1, 2, tzinfo=TZ)
SAMPLE_S = 60


def generate(n_targets: int, outages_per_year: float, seed: int
             ) -> tuple[dict[str, list[Transition]], dict[str, list[Interval]]]:
    """Seeded transitions (and maintenance windows) per target over the year, plus one before it."""
    rng = random.Random(seed)
    lo = YEAR.start.timestamp()
    span = YEAR.seconds
    prologue = YEAR.start - dt.timedelta(days=3)
    transitions: dict[str, list[Transition]] = {}
    maintenance: dict[str, list[Interval]] = {}
    mu = math.log(20 * 60)  # median outage 20 minutes
    for i in range(n_targets):
        name = f"t{i:05d}"
        events: list[tuple[float, float, State]] = []
        n_out = _poisson(rng, outages_per_year)
        for _ in range(n_out):
            dur = rng.lognormvariate(mu, 1.2) if rng.random() > 0.01 else rng.uniform(86400, 3 * 86400)
            events.append((lo + rng.random() * span, dur, State.DOWN))
        for _ in range(_poisson(rng, 4)):
            events.append((lo + rng.random() * span, rng.uniform(60, 4 * 3600), State.UNKNOWN))
        events.sort()
        ts = [Transition(name, prologue, State.UP, "monitor start")]
        free = lo
        for start, dur, state in events:
            if start < free:  # overlaps the previous event: skip it, as a poller would merge them
                continue
            end = start + dur
            ts.append(Transition(name, dt.datetime.fromtimestamp(round(start, 3), TZ), state, "probe"))
            ts.append(Transition(name, dt.datetime.fromtimestamp(round(end, 3), TZ), State.UP, "probe"))
            free = end + 1
        transitions[name] = ts
        if i % 10 == 0:
            maintenance[name] = [
                Interval(dt.datetime(2026, m, 10, 22, tzinfo=TZ), dt.datetime(2026, m, 11, 0, tzinfo=TZ))
                for m in range(1, 13)
            ]
    return transitions, maintenance


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method is too slow for lam=50; a rounded normal approximation is plenty for a workload.
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def naive_availability(ts: list[Transition], windows: list[Interval], phase_s: int
                       ) -> tuple[list[float | None], list[int]]:
    """Per month: the mean of 60-s ``up`` samples (1 up, 0 down; no sample when unknown or in
    maintenance), i.e. avg_over_time(up[1mo]) with maintenance masked; and each month's run bound R."""
    times = np.array([t.at.timestamp() for t in ts])
    code = np.array([{State.UP: 1, State.DOWN: 0, State.UNKNOWN: -1}[t.state] for t in ts], dtype=np.int8)
    out: list[float | None] = []
    runs: list[int] = []
    for month in MONTHS:
        lo, hi = month.start.timestamp(), month.end.timestamp()
        samples = np.arange(lo + phase_s, hi, SAMPLE_S)
        idx = np.searchsorted(times, samples, side="right") - 1
        value = np.where(idx >= 0, code[np.maximum(idx, 0)], -1)
        mask = value >= 0
        edges = 0
        for w in windows:
            a, b = w.start.timestamp(), w.end.timestamp()
            mask &= ~((samples >= a) & (samples < b))
            edges += int(a < hi and b > lo) * 2
        kept = value[mask]
        out.append(float(kept.mean()) if kept.size else None)
        runs.append(int(((times >= lo) & (times < hi)).sum()) + edges + 1)
    return out, runs


def _up_series(ts: list[Transition], windows: list[Interval], phase_s: int) -> tuple[np.ndarray, np.ndarray]:
    """The year's 60-s ``kotanet_target_up`` samples of one target, as a poller would have exported them
    with maintenance masked: (unix seconds, 1 | 0), none while unknown or in maintenance."""
    times = np.array([t.at.timestamp() for t in ts])
    code = np.array([{State.UP: 1, State.DOWN: 0, State.UNKNOWN: -1}[t.state] for t in ts], dtype=np.int8)
    lo, hi = int(YEAR.start.timestamp()), int(YEAR.end.timestamp())
    samples = np.arange(lo + phase_s, hi, SAMPLE_S, dtype=np.int64)
    idx = np.searchsorted(times, samples, side="right") - 1
    value = np.where(idx >= 0, code[np.maximum(idx, 0)], -1)
    mask = value >= 0
    for w in windows:
        a, b = w.start.timestamp(), w.end.timestamp()
        mask &= ~((samples >= a) & (samples < b))
    return samples[mask], value[mask]


def _openmetrics(series: dict[str, tuple[np.ndarray, np.ndarray]]) -> Iterator[str]:
    yield "# HELP kotanet_target_up Target state.\n# TYPE kotanet_target_up gauge\n"
    for name, (times, values) in series.items():
        prefix = f'kotanet_target_up{{kind="device",target="{name}"}} '
        yield "".join([f"{prefix}{v} {t}\n" for t, v in zip(times.tolist(), values.tolist(), strict=True)])
    yield "# EOF\n"


def prometheus_reference(transitions: dict[str, list[Transition]], maintenance: dict[str, list[Interval]],
                         phases: dict[str, int], workdir: Path
                         ) -> tuple[dict[str, list[float | None]], dict[str, float]]:
    """The same monthly availabilities from a real Prometheus (Debian's 2.42 binary): the targets' 60-s
    ``kotanet_target_up`` series for the year (same scrape phase as the numpy reference, maintenance and
    unknown time left out) are exported as OpenMetrics, backfilled with ``promtool tsdb
    create-blocks-from openmetrics``, and a server on that TSDB answers, per month, ONE instant query for
    all the targets::

        avg_over_time(kotanet_target_up[<month length - 1 ms>])   at <month end - 1 ms>

    i.e. exactly the samples in [month start, month end) (Prometheus 2.x range windows are closed; its
    ``1mo`` is not a calendar month, so each month's exact length is used). Returns the availabilities
    per target and month (None without samples) and the timings (export, backfill, start, query)."""
    timing: dict[str, float] = {}
    t0 = time.perf_counter()
    series = {name: _up_series(transitions[name], maintenance.get(name, []), phases[name]) for name in phases}
    om = workdir / "up.om"
    with om.open("w", encoding="utf-8") as f:
        for piece in _openmetrics(series):
            f.write(piece)
    timing["export"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    backfill(om, workdir / "tsdb")
    om.unlink()
    timing["backfill"] = time.perf_counter() - t0
    out: dict[str, list[float | None]] = {name: [] for name in phases}
    t0 = time.perf_counter()
    with PrometheusServer(data_dir=workdir / "tsdb") as prom:
        timing["start"] = time.perf_counter() - t0
        runs: list[float] = []
        for _ in range(3):  # the first run reads the blocks from disk (cold); the best is reported
            out = {name: [] for name in phases}
            t0 = time.perf_counter()
            for month in MONTHS:
                lo_ms, hi_ms = round(month.start.timestamp() * 1000), round(month.end.timestamp() * 1000)
                result = prom.client.query(f"avg_over_time(kotanet_target_up[{hi_ms - lo_ms - 1}ms])",
                                           (hi_ms - 1) / 1000)
                got = {s.labels["target"]: s.value for s in result}
                for name in phases:
                    out[name].append(got.get(name))
            runs.append(time.perf_counter() - t0)
        timing["query_cold"], timing["query"] = runs[0], min(runs)
    return out, timing


def _agreement(figures: dict[str, tuple[SlaFigures, ...]], refs: dict[str, list[float | None]],
               runs: dict[str, list[int]]) -> tuple[float, float, list[str]]:
    """Worst |A_ref - A_exact|, worst error/tolerance, and the target-months outside the tolerance."""
    worst_err = 0.0
    worst_ratio = 0.0
    bad: list[str] = []
    for name, avails in refs.items():
        for f, a_n, r in zip(figures[name], avails, runs[name], strict=True):
            if f.availability is None or a_n is None:
                if (f.availability is None) != (a_n is None) and f.sli_total_s > SAMPLE_S * (r + 1):
                    bad.append(f"{name} {f.period_label}: exact {f.availability} vs samples {a_n}")
                continue
            err = abs(a_n - f.availability)
            tol = SAMPLE_S * r / max(f.sli_total_s - SAMPLE_S * r, 1.0)
            worst_err = max(worst_err, err)
            worst_ratio = max(worst_ratio, err / tol)
            if err > tol:
                bad.append(f"{name} {f.period_label}: exact {f.availability:.6f} vs samples {a_n:.6f} (tol {tol:.2e})")
    return worst_err, worst_ratio, bad


def _prometheus_section(count: int, subset: list[str], transitions: dict[str, list[Transition]],
                        maintenance: dict[str, list[Interval]], phases: dict[str, int],
                        figures: dict[str, tuple[SlaFigures, ...]], runs: dict[str, list[int]],
                        naive: dict[str, list[float | None]], per_target_fast: float, per_target_naive: float
                        ) -> list[str]:
    """Run and print the real-Prometheus reference; returns the mismatches (empty when skipped)."""
    if count <= 0:
        print("prometheus: skipped (--prometheus 0)")
        return []
    if prometheus_binaries() is None:
        print("prometheus: SKIPPED, the prometheus/promtool binaries are not installed "
              "(scripts/ensure-deb prometheus); the numpy reference above still ran")
        return []
    chosen = subset[:count]
    with tempfile.TemporaryDirectory(prefix="kotanet-bench-prom-") as tmp:
        prom, timing = prometheus_reference(transitions, maintenance, {n: phases[n] for n in chosen}, Path(tmp))
    worst_err, worst_ratio, bad = _agreement(figures, prom, {n: runs[n] for n in chosen})
    same = max((abs(a - b) for n in chosen for a, b in zip(prom[n], naive[n], strict=True)
                if a is not None and b is not None), default=0.0)
    n_samples = sum(1 for n in chosen for a in prom[n] if a is not None)
    per_target_prom = timing["query"] / len(chosen)
    print(f"prometheus {len(chosen)} targets x 12 months, 60-s kotanet_target_up backfilled for the year: "
          f"export {timing['export']:.1f} s, promtool backfill {timing['backfill']:.1f} s, server start "
          f"{timing['start']:.2f} s (ingest, not compared); 12 instant avg_over_time queries (one per month, "
          f"all {len(chosen)} targets each) {timing['query']:.3f} s "
          f"(best of 3; first run {timing['query_cold']:.3f} s)")
    print(f"         per target: kotanet {per_target_fast * 1e3:.3f} ms, Prometheus query "
          f"{per_target_prom * 1e3:.3f} ms"
          f" (availability only, data already in its TSDB) -> kotanet is {per_target_prom / per_target_fast:.1f}x "
          f"faster per target; numpy {per_target_naive * 1e3:.3f} ms")
    print(f"         Prometheus for all {len(transitions):,} targets would take ~"
          f"{per_target_prom * len(transitions):.1f} s of queries (extrapolated linearly from {len(chosen)}; "
          f"one server, 2.42, one query at a time; ingest excluded)")
    print(f"agreement: max |A_prometheus - A_exact| = {worst_err:.2e}; worst error/tolerance = {worst_ratio:.3f}; "
          f"{len(bad)} of {n_samples} target-months outside the tolerance; max |A_prometheus - A_numpy| = "
          f"{same:.1e} (same samples)")
    for line in bad[:10]:
        print("  PROMETHEUS MISMATCH", line)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--targets", type=int, default=10_000)
    ap.add_argument("--outages", type=float, default=50.0, help="mean outages per target per year")
    ap.add_argument("--reference", type=int, default=200, help="targets checked by the naive method")
    ap.add_argument("--prometheus", type=int, default=24,
                    help="of the reference targets, how many a real Prometheus checks too (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="kotanet runs; the best is reported")
    args = ap.parse_args()

    t0 = time.perf_counter()
    transitions, maintenance = generate(args.targets, args.outages, args.seed)
    gen_s = time.perf_counter() - t0
    n_tr = sum(len(v) for v in transitions.values())
    print(f"generated {args.targets:,} targets, {n_tr:,} transitions, "
          f"{sum(len(v) for v in maintenance.values()):,} maintenance windows in {gen_s:.2f} s (not timed below)")

    best = math.inf
    figures: dict[str, tuple[SlaFigures, ...]] = {}
    for _ in range(max(1, args.repeat)):
        figures = {}
        t0 = time.perf_counter()
        figures = compute_many(transitions, periods=MONTHS, now=NOW, objective_pct=99.5, maintenance=maintenance)
        best = min(best, time.perf_counter() - t0)
    n_fig = sum(len(v) for v in figures.values())
    n_out = sum(f.outage_count for v in figures.values() for f in v)
    states: dict[str, int] = {}
    for v in figures.values():
        for f in v:
            states[str(f.state)] = states.get(str(f.state), 0) + 1
    print(f"kotanet  compute_many, 24x7: {n_fig:,} target-months, {n_out:,} outages in {best:.3f} s "
          f"(best of {args.repeat}) = {n_fig / best:,.0f} target-months/s, {n_tr / best:,.0f} transitions/s")
    print(f"         states: {dict(sorted(states.items()))}")
    # Outages are stored as exact epoch-microsecond records; Outage values (with datetimes) are built
    # when a report reads them. Time that too, for every outage, so the total is the whole job.
    t0 = time.perf_counter()
    built = sum(len(f.outages) for v in figures.values() for f in v)
    build_s = time.perf_counter() - t0
    total = best + build_s
    print(f"         + building all {built:,} Outage values with datetimes: {build_s:.3f} s "
          f"-> total {total:.3f} s")
    t0 = time.perf_counter()
    compute_many(transitions, periods=MONTHS, now=NOW, objective_pct=99.5, maintenance=maintenance,
                 service_hours=ServiceHours())
    print(f"         (same, with service hours Mon-Fri 07:00-17:00: {time.perf_counter() - t0:.3f} s, one run)")
    ok_time = best < 2.0

    # Reference: naive 60-s sampling on a subset, same run.
    rng = random.Random(args.seed + 1)
    subset = sorted(rng.sample(sorted(transitions), min(args.reference, len(transitions))))
    phases = {name: rng.randrange(SAMPLE_S) for name in subset}
    t0 = time.perf_counter()
    naive = {name: naive_availability(transitions[name], maintenance.get(name, []), phases[name])
             for name in subset}
    naive_s = time.perf_counter() - t0
    runs = {name: naive[name][1] for name in subset}
    worst_err, worst_ratio, bad = _agreement(figures, {name: naive[name][0] for name in subset}, runs)
    per_target_fast = total / len(transitions)  # the slower, all-materialized figure
    per_target_naive = naive_s / len(subset)
    print(f"naive    60-s samples (numpy), {len(subset)} targets x 12 months in {naive_s:.3f} s")
    print(f"         per target: kotanet {per_target_fast * 1e3:.3f} ms (with outage lists), naive "
          f"{per_target_naive * 1e3:.3f} ms (availability only) -> kotanet is "
          f"{per_target_naive / per_target_fast:.1f}x faster per target")
    print(f"         naive all {len(transitions):,} targets would take ~{per_target_naive * len(transitions):.1f} s "
          f"(extrapolated from {len(subset)})")
    print(f"agreement: max |A_samples - A_exact| = {worst_err:.2e}; worst error/tolerance = {worst_ratio:.3f}; "
          f"{len(bad)} target-months outside the tolerance")
    for line in bad[:10]:
        print("  MISMATCH", line)
    prom_bad = _prometheus_section(args.prometheus, subset, transitions, maintenance, phases, figures, runs,
                                   {name: naive[name][0] for name in subset}, per_target_fast, naive_s / len(subset))
    bad += prom_bad
    verdict = "PASS" if ok_time and not bad else "FAIL"
    print(f"{verdict}: compute (every figure and outage record) for {len(transitions):,} targets x 12 months "
          f"under 2 s: {'yes' if ok_time else 'no'} ({best:.3f} s); naive (and Prometheus) agreement within "
          f"tolerance: {'yes' if not bad else 'no'}")
    print(f"      with every outage also built as an Outage value with datetimes (reports do this on demand): "
          f"{total:.3f} s, {'under' if total < 2.0 else 'OVER'} 2 s")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
