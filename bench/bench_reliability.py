"""Benchmark: province-scale availability and single-failure analysis against naive approaches.

Run:  .venv/bin/python bench/bench_reliability.py [--sites 5000 --links 8000] [--seed 1] [--naive-full]

It builds a seeded synthetic province network, then times

  (a)  availability_to_root for every site (exact per block, Monte Carlo for blocks over the limit),
  (b)  single_failure_impact for every link and every site,

against the naive ways of getting the same answers in the same run:

  (a') plain Monte Carlo per site (whole network simulated every trial) to the same 95 % half-width;
       its cost per trial is measured on the real network and multiplied out to the number of
       trials each site needs (extrapolated: running it would take hours), plus the stronger
       one-run-for-all-sites variant for reference;
  (b') per failure, remove the element and recompute networkx.node_connected_component from the
       root; timed on a random sample of elements and extrapolated (all with --naive-full).

The sampled naive results are also checked against the fast ones.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from statistics import NormalDist
from typing import Any, TypeVar

import networkx as nx

from kotanet.topology.budget import MEDIUM_DEFAULTS, link_availability
from kotanet.topology.reliability import (
    DEFAULT_EXACT_LIMIT,
    DEFAULT_MC_SAMPLES,
    Estimate,
    Method,
    availability_to_root,
    bridges_and_cutpoints_for,
    monte_carlo_one_to_all,
    single_failure_impact,
    wilson_interval,
)

T = TypeVar("T")


def province(sites: int, links: int, seed: int) -> nx.MultiGraph[int]:
    """A seeded synthetic province network; site 0 is the data centre (the root).

    * core: a ring of 12 sites with 4 chords, fibre;
    * downtown: a 10x10 street grid of fibre hung on core site 3 by two links (one block of 101
      sites, too wide for the exact limit: it exercises the Monte Carlo fallback);
    * regions: rings of 5-8 sites, each closed on one core site (a block joined to the core at an
      articulation point); every 8th region is homed on two core sites instead (joining the core
      block), every 4th gets a chord;
    * access: the remaining sites hang as feeder trees off region sites (bridges). The links left
      over close small rings between a site and a tree ancestor 2-5 hops up, on tree links not yet
      in a ring (so rings do not merge into one big block), or double a tree link with a parallel
      radio (so it is no longer a bridge).
    """
    rng = random.Random(seed)
    g: nx.MultiGraph[int] = nx.MultiGraph()
    fibre = link_availability(*MEDIUM_DEFAULTS["fibre"])
    radios = [link_availability(*MEDIUM_DEFAULTS[m]) for m in ("radio_5_8ghz", "radio_2_4ghz")]
    leased = link_availability(*MEDIUM_DEFAULTS["leased_line"])
    count = 0

    def link(u: int, v: int, a: float) -> None:
        nonlocal count
        g.add_edge(u, v, key=f"L{count}", availability=a)
        count += 1

    def medium() -> float:
        r = rng.random()
        return fibre if r < 0.6 else leased if r < 0.7 else rng.choice(radios)

    g.add_nodes_from(range(sites))
    for v in range(1, sites):  # the sites' own availability: power and equipment, 1-9 h a year down
        g.nodes[v]["availability"] = round(rng.uniform(0.999, 0.9999), 6)
    core = list(range(12))
    for i in core:
        link(i, (i + 1) % 12, fibre)
    for i, j in ((0, 6), (2, 9), (4, 10), (1, 7)):
        link(i, j, fibre)
    side = 10
    grid = {(i, j): 12 + i * side + j for i in range(side) for j in range(side)}
    for (i, j), v in grid.items():
        if i + 1 < side:
            link(v, grid[i + 1, j], fibre)
        if j + 1 < side:
            link(v, grid[i, j + 1], fibre)
    link(grid[0, 0], 3, fibre)
    link(grid[side - 1, side - 1], 3, fibre)
    nxt = 12 + side * side
    region_sites: list[int] = []
    budget = max(0, sites - nxt)
    region_count = min(40, budget // 40)
    for r in range(region_count):
        k = rng.randint(5, 8)
        ring = list(range(nxt, nxt + k))
        nxt += k
        home = core[r % 12]
        link(home, ring[0], fibre)
        for a, b in itertools.pairwise(ring):
            link(a, b, medium())
        link(ring[-1], core[(r + 5) % 12] if r % 8 == 0 else home, fibre)
        if r % 4 == 1:
            link(ring[1], ring[-2], medium())
        region_sites.extend(ring)
    parent: dict[int, int] = {}
    for v in range(nxt, sites):
        # Mostly a recent site as parent (feeder chains with branches), sometimes a region site.
        u = rng.randrange(max(nxt, v - 30), v) if v > nxt and rng.random() < 0.85 else rng.choice(region_sites)
        parent[v] = u
        link(u, v, medium())
    tree_sites = list(range(nxt, sites))
    in_ring: set[int] = set()  # tree sites whose parent link already lies on a ring
    tries = 0
    while count < links and tree_sites and tries < 100 * links:
        tries += 1
        v = rng.choice(tree_sites)
        if rng.random() < 0.6:  # parallel radio on the tree link
            link(parent[v], v, rng.choice(radios))
            continue
        path = [v]
        for _ in range(rng.randint(2, 5)):
            if path[-1] not in parent:
                break
            path.append(parent[path[-1]])
        if len(path) < 3 or any(x in in_ring for x in path[:-1]):
            continue
        in_ring.update(path[:-1])
        link(v, path[-1], medium())
    return g


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def block_summary(g: nx.MultiGraph[int]) -> tuple[int, int, int, int]:
    """(blocks of 3+ sites, largest block, bridges, articulation points), by networkx."""
    simple: Any = nx.Graph(g)
    blocks = [len(b) for b in nx.biconnected_components(simple) if len(b) > 2]
    bridges = sum(1 for a, b in nx.bridges(simple) if g.number_of_edges(a, b) == 1)
    cut = sum(1 for _ in nx.articulation_points(simple))
    return len(blocks), max(blocks, default=0), bridges, cut


def naive_monte_carlo(g: nx.MultiGraph[int], root: int, trials: int, seed: int) -> tuple[float, dict[int, Estimate]]:
    """Seconds per trial of a plain whole-network one-source simulation (bit-packed, vectorised),
    and its estimates."""
    est, seconds = timed(lambda: monte_carlo_one_to_all(g, root, samples=trials, seed=seed))
    return seconds / trials, est


def traced_peak_mib(fn: Callable[[], object]) -> float:
    """Peak of Python allocations while ``fn`` runs (tracemalloc; slows it down, so not timed)."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--links", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--naive-sample", type=int, default=400, help="failures timed for (b')")
    parser.add_argument("--naive-full", action="store_true", help="time (b') on every element")
    parser.add_argument("--mc-trials", type=int, default=4096, help="trials timed for (a')")
    parser.add_argument("--half-width", type=float, default=0.0, help="target for (a'); default: widest of (a)")
    args = parser.parse_args(argv)

    g, t_build = timed(lambda: province(args.sites, args.links, args.seed))
    root = 0
    n_blocks, biggest, n_bridges, n_cut = block_summary(g)
    sites, links = g.number_of_nodes(), g.number_of_edges()
    print(f"network: {sites} sites, {links} links (seed {args.seed}), built in {t_build:.2f} s")
    print(f"  {n_blocks} 2-connected blocks (largest {biggest} sites), {n_bridges} bridges, {n_cut} cut sites")

    # (a) and (b): the real thing.
    est, t_avail = timed(lambda: availability_to_root(g, root, seed=args.seed))
    impact, t_impact = timed(lambda: single_failure_impact(g, root))
    spofs, t_spof = timed(lambda: bridges_and_cutpoints_for(g, root))
    rss = peak_rss_mib()
    traced = traced_peak_mib(lambda: (availability_to_root(g, root, seed=args.seed), single_failure_impact(g, root)))
    simulated = sum(1 for e in est.values() if e.method is Method.MONTE_CARLO)
    half = max((e.half_width for e in est.values()), default=0.0)
    print(
        f"(a)  availability_to_root: {t_avail:.2f} s for {len(est)} sites ({len(est) - simulated} exact, "
        f"{simulated} Monte Carlo; exact_limit={DEFAULT_EXACT_LIMIT}, {DEFAULT_MC_SAMPLES} trials per simulated block)"
    )
    print(f"(b)  single_failure_impact: {t_impact:.3f} s for {len(impact)} elements")
    print(f"     (bridges_and_cutpoints_for, the same per site: {t_spof:.3f} s for {len(spofs)} sites)")
    print(
        f"     memory: peak RSS of the process after (a)+(b) {rss:.0f} MiB (interpreter, numpy and networkx "
        f"included); peak traced Python allocations during (a)+(b) {traced:.0f} MiB"
    )

    # (a') naive Monte Carlo per site to the same half-width.
    target = args.half_width or half or 1e-4
    z = NormalDist().inv_cdf(0.975)
    per_trial, naive_est = naive_monte_carlo(g, root, args.mc_trials, args.seed)

    def trials_needed(h: float) -> list[int]:  # Wald: n = z² p (1 - p) / h² for each site
        return [max(1, math.ceil(z * z * e.value * (1 - e.value) / (h * h))) for v, e in est.items() if v != root]

    needed = trials_needed(target)
    t_naive_a = per_trial * sum(needed)
    t_shared = per_trial * max(needed)
    loose = trials_needed(1e-3)
    t_loose = per_trial * max(loose)
    print(
        f"(a') naive Monte Carlo per site to the same 95 % half-width ±{target:.1e} (the widest interval of (a)): "
        f"{per_trial * 1e6:.0f} µs per whole-network trial (measured over {args.mc_trials} trials) "
        f"x {sum(needed):,} trials = {t_naive_a:,.0f} s (EXTRAPOLATED)"
    )
    print(
        f"     one shared one-to-all simulation instead: {max(needed):,} trials = {t_shared:,.0f} s "
        "(extrapolated), still with no exact values"
    )
    print(
        f"     at a loose ±1e-3: per site {per_trial * sum(loose):,.0f} s, shared {t_loose:,.0f} s "
        "(extrapolated)"
    )
    agree = 0
    for v, e in est.items():
        low, high = wilson_interval(round(naive_est[v].value * args.mc_trials), args.mc_trials, 0.999)
        agree += low <= e.value <= high
    print(
        f"     check: {agree} of {len(est)} values of (a) are in the 99.9 % interval of these trials (one run: a "
        "subtree behind an unlucky link misses together)"
    )

    # (b') naive per-failure recomputation.
    elements: list[Any] = [k for _, _, k in g.edges(keys=True)] + [v for v in g if v != root]
    sample = elements
    if not args.naive_full:
        sample = random.Random(args.seed).sample(elements, min(args.naive_sample, len(elements)))
    ends = {k: (u, v) for u, v, k in g.edges(keys=True)}
    whole: Any = g  # (the networkx stubs want a plain Graph here)
    before = nx.node_connected_component(whole, root)

    def naive_b() -> int:
        mismatches = 0
        for x in sample:
            if isinstance(x, str):
                u, v = ends[x]
                data = g.edges[u, v, x]
                g.remove_edge(u, v, key=x)
                cut = before - nx.node_connected_component(whole, root)
                g.add_edge(u, v, key=x, **data)
            else:
                view = nx.restricted_view(g, [x], [])
                cut = before - nx.node_connected_component(view, root)
            mismatches += cut != impact[x]
        return mismatches

    mismatches, t_sample = timed(naive_b)
    t_naive_b = t_sample / len(sample) * len(elements)
    how = "measured on all" if args.naive_full else f"EXTRAPOLATED from {len(sample)} sampled"
    print(
        f"(b') naive remove-and-recompute: {t_sample / len(sample) * 1e3:.2f} ms per failure, "
        f"{t_naive_b:.1f} s for {len(elements)} elements ({how}); mismatches with (b): {mismatches}"
    )
    if mismatches:
        print("ERROR: single_failure_impact disagrees with the naive recomputation", file=sys.stderr)
        return 1

    total = t_avail + t_impact
    print(f"peak RSS overall: {peak_rss_mib():.0f} MiB")
    print(
        f"whole analysis (a)+(b): {total:.2f} s (target < 30 s); speed-ups: (a) {t_naive_a / t_avail:,.0f}x "
        f"per-site naive, {t_shared / t_avail:,.0f}x shared naive; (b) {t_naive_b / t_impact:,.0f}x"
    )
    star_b = "" if args.naive_full else "*"
    print()
    print(f"| task ({sites} sites, {links} links) | kotanet | naive | naive method | speed-up |")
    print("|---|---:|---:|---|---:|")
    print(
        f"| availability of every site | {t_avail:.2f} s | {t_naive_a:,.0f} s* | plain Monte Carlo per site "
        f"to ±{target:.1e} (95 %) | {t_naive_a / t_avail:,.0f}x |"
    )
    print(
        f"| availability of every site | {t_avail:.2f} s | {t_shared:,.0f} s* | one whole-network Monte Carlo "
        f"run for all sites to ±{target:.1e} (95 %) | {t_shared / t_avail:,.0f}x |"
    )
    print(
        f"| availability of every site | {t_avail:.2f} s | {t_loose:,.0f} s* | one whole-network Monte Carlo "
        f"run for all sites to ±1e-3 (95 %) | {t_loose / t_avail:,.0f}x |"
    )
    print(
        f"| single-failure impact of every link and site | {t_impact:.2f} s | {t_naive_b:.1f} s{star_b} "
        f"| remove element + `node_connected_component` | {t_naive_b / t_impact:,.0f}x |"
    )
    print(f"| peak memory: process RSS / traced during (a)+(b) | {rss:.0f} / {traced:.0f} MiB | | | |")
    print()
    print("\\* extrapolated from a measured sample, as described above.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
