"""Exact and Monte Carlo availability, checked against brute force, an independent exact method
(inclusion-exclusion over minimal paths, written here), hand-worked answers and naive recomputation.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Hashable, Iterator

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kotanet.topology.reliability as rel
from kotanet.topology.reliability import (
    Estimate,
    Method,
    availability_to_root,
    bridges_and_cutpoints_for,
    brute_force_two_terminal,
    cut_off_by,
    monte_carlo_one_to_all,
    monte_carlo_two_terminal,
    single_failure_impact,
    two_terminal,
    wilson_interval,
)

pytestmark = pytest.mark.unit

Link = tuple[Hashable, Hashable, str, float]


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def graph(links: list[Link], sites: dict[Hashable, float] | None = None) -> nx.MultiGraph[Hashable]:
    g: nx.MultiGraph[Hashable] = nx.MultiGraph()
    for v, a in (sites or {}).items():
        g.add_node(v, availability=a)
    for u, v, key, a in links:
        g.add_edge(u, v, key=key, availability=a)
    return g


def random_multigraph(rng: random.Random, *, n: int, m: int, p_site: float = 0.3) -> nx.MultiGraph[int]:
    """``n`` sites, ``m`` links between random pairs (parallels and self-loops happen)."""
    g: nx.MultiGraph[int] = nx.MultiGraph()
    for v in range(n):
        if rng.random() < p_site:
            g.add_node(v, availability=round(rng.uniform(0.5, 1.0), 3))
        else:
            g.add_node(v)
    for k in range(m):
        u, v = rng.randrange(n), rng.randrange(n)
        if rng.random() < 0.25 and g.number_of_edges():  # a parallel link next to an existing one
            u, v, _ = rng.choice(list(g.edges(keys=True)))
        g.add_edge(u, v, key=f"L{k}", availability=round(rng.uniform(0.2, 1.0), 3))
    return g


def n_components(g: nx.MultiGraph[int], s: int, t: int) -> int:
    """What brute force enumerates: links (no loops) and unreliable non-terminal sites."""
    loops = sum(1 for u, v in g.edges() if u == v)
    weak = sum(1 for v, a in g.nodes(data="availability", default=1.0) if a < 1.0 and v not in (s, t))
    return g.number_of_edges() - loops + weak


def inclusion_exclusion(g: nx.MultiGraph[Hashable], s: Hashable, t: Hashable) -> float:
    """Independent exact R(s, t): inclusion-exclusion over the minimal s-t paths.

    Each simple path P (as links, plus the unreliable sites inside it) is an event "all of P is up".
    P(∪ A_i) is built one path at a time: with the union U_k of the first k events written as
    Σ_S c_S · P(all of S up), U_{k+1} = U_k + A_{k+1} - Σ_S c_S · (S ∪ A_{k+1}); terms with the same
    component set are merged, which keeps the sum small. P(all of S up) = Π_{x∈S} a_x.
    """
    if s == t:
        return 1.0
    prob: dict[tuple[str, Hashable], float] = {}
    for _, _, key, a in g.edges(keys=True, data="availability"):
        prob[("link", key)] = a
    for v, a in g.nodes(data="availability", default=1.0):
        prob[("site", v)] = a
    terms: dict[frozenset[tuple[str, Hashable]], int] = defaultdict(int)
    for path in nx.all_simple_edge_paths(g, s, t):
        event = frozenset({("link", k) for _, _, k in path} | {("site", v) for _, v, _ in path[:-1]})
        update: dict[frozenset[tuple[str, Hashable]], int] = defaultdict(int)
        update[event] += 1
        for union, c in terms.items():
            update[union | event] -= c
        for union, c in update.items():
            terms[union] += c
        terms = defaultdict(int, {u: c for u, c in terms.items() if c})
    return sum(c * math.prod(prob[x] for x in union) for union, c in terms.items())


def naive_cut_off(
    g: nx.MultiGraph[Hashable], root: Hashable, *, link: str | None = None, site: Hashable | None = None
) -> frozenset[Hashable]:
    """Remove one link (by key) or one site, recompute root's component, diff with the original."""
    before = nx.node_connected_component(g, root)
    h = g.copy()
    if link is not None:
        u, v = next((u, v) for u, v, k in g.edges(keys=True) if k == link)
        h.remove_edge(u, v, key=link)
    else:
        h.remove_node(site)
    after = nx.node_connected_component(h, root)
    return frozenset(before - after)


def city_network(seed: int = 7) -> nx.MultiGraph[str]:
    """A ~120-site city: a 10-site core ring with chords, 12 district rings each homed on two core
    sites (so the core and districts form one ~80-site block with ~50 independent cycles), leaf
    sites (some dual-homed, some with a parallel radio link) and unreliable district sites."""
    rng = random.Random(seed)
    g: nx.MultiGraph[str] = nx.MultiGraph()
    count = 0

    def link(u: str, v: str, a: float | None = None) -> None:
        nonlocal count
        count += 1
        g.add_edge(u, v, key=f"L{count}", availability=a if a is not None else rng.uniform(0.99, 0.9995))

    core = [f"c{i}" for i in range(10)]
    for i in range(10):
        link(core[i], core[(i + 1) % 10])
    for i, j in [(0, 5), (2, 7), (3, 8)]:
        link(core[i], core[j])
    for d in range(12):
        ring = [f"d{d}_{i}" for i in range(6)]
        link(core[d % 10], ring[0])
        for i in range(5):
            link(ring[i], ring[i + 1])
        link(ring[-1], core[(d * 3 + 4) % 10])
        for v in ring:
            g.nodes[v]["availability"] = 0.9995
        if d % 3 == 0:
            link(ring[1], ring[4])
        for i in range(3):
            leaf = f"s{d}_{i}"
            link(ring[rng.randrange(6)], leaf)
            if rng.random() < 0.4:
                link(ring[rng.randrange(6)], leaf)
            if rng.random() < 0.3:
                u, v = next(iter(g.edges(leaf)))
                link(u, v, 0.98)
    return g


@pytest.fixture(params=["factoring", "frontier"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the plain factoring recursion only, and with the merged-frontier form used
    for every biconnected sub-problem (both are exact; each must agree with the references)."""
    monkeypatch.setattr(rel, "_FACTORING_LINKS", 10**9 if request.param == "factoring" else 0)
    return str(request.param)


# --------------------------------------------------------------------------------------------------
# Hand-worked answers
# --------------------------------------------------------------------------------------------------


def test_single_link_and_trivial_cases(engine: str) -> None:
    g = graph([("s", "t", "L1", 0.9)], {"x": 1.0})
    assert two_terminal(g, "s", "t") == pytest.approx(0.9)
    assert two_terminal(g, "s", "s") == 1.0
    assert two_terminal(g, "s", "x") == 0.0  # other component


def test_parallel_fibre_and_radio(engine: str) -> None:
    # 1 - (1 - 0.99)(1 - 0.95) = 1 - 0.01 · 0.05 = 0.9995
    g = graph([("a", "b", "fibre", 0.99), ("a", "b", "radio", 0.95)])
    assert two_terminal(g, "a", "b") == pytest.approx(0.9995, abs=1e-12)


def test_series_through_an_unreliable_site(engine: str) -> None:
    # s -0.9- m -0.9- t with m up 0.95: 0.9 · 0.95 · 0.9 = 0.7695 (terminals are perfect).
    g = graph([("s", "m", "L1", 0.9), ("m", "t", "L2", 0.9)], {"m": 0.95, "t": 0.5})
    assert two_terminal(g, "s", "t") == pytest.approx(0.7695, abs=1e-12)


def test_bridge_network(engine: str) -> None:
    # Links s-a, s-b, a-b, a-t, b-t, all p = 0.9. Factoring on a-b:
    # up   (prob p): s={a,b} -> t is two 2-parallel stages: (1-(1-p)^2)^2 = 0.99^2 = 0.9801
    # down (prob q): two 2-link paths in parallel: 1 - (1-p^2)^2 = 1 - 0.19^2 = 0.9639
    # R = 0.9 · 0.9801 + 0.1 · 0.9639 = 0.88209 + 0.09639 = 0.97848
    # = 2p^2 + 2p^3 - 5p^4 + 2p^5 = 1.62 + 1.458 - 3.2805 + 1.18098 = 0.97848.
    p = 0.9
    g = graph([("s", "a", "L1", p), ("s", "b", "L2", p), ("a", "b", "L3", p), ("a", "t", "L4", p), ("b", "t", "L5", p)])
    assert two_terminal(g, "s", "t") == pytest.approx(0.97848, abs=1e-12)


def test_bridge_network_with_failing_sites(engine: str) -> None:
    # Same shape, perfect links, sites a and b up with 0.9: s and t are joined iff a or b is up:
    # 1 - 0.1 · 0.1 = 0.99.
    g = graph(
        [(u, v, f"L{i}", 1.0) for i, (u, v) in enumerate(["sa", "sb", "ab", "at", "bt"])],
        {"a": 0.9, "b": 0.9},
    )
    assert two_terminal(g, "s", "t") == pytest.approx(0.99, abs=1e-12)


def test_ring_of_four(engine: str) -> None:
    # s-a-t-b-s, p = 0.9: two disjoint 2-link paths: 1 - (1 - 0.81)^2 = 1 - 0.0361 = 0.9639.
    g = graph([("s", "a", "L1", 0.9), ("a", "t", "L2", 0.9), ("t", "b", "L3", 0.9), ("b", "s", "L4", 0.9)])
    assert two_terminal(g, "s", "t") == pytest.approx(0.9639, abs=1e-12)


def test_articulation_point_chain_and_dangling_parts(engine: str) -> None:
    # s =(0.9 | 0.8)= c, c up 0.99, then the 4-ring c-x-t-y-c with p = 0.9.
    # parallel: 1 - 0.1 · 0.2 = 0.98; ring: 0.9639 (above); R = 0.98 · 0.99 · 0.9639 = 0.93517578.
    # A dangling tree (c-d-e) and a spur with a cycle off s (s-f-g-s) change nothing.
    g = graph(
        [
            ("s", "c", "L1", 0.9),
            ("s", "c", "L2", 0.8),
            ("c", "x", "L3", 0.9),
            ("x", "t", "L4", 0.9),
            ("t", "y", "L5", 0.9),
            ("y", "c", "L6", 0.9),
            ("c", "d", "L7", 0.5),
            ("d", "e", "L8", 0.5),
            ("s", "f", "L9", 0.5),
            ("f", "g", "L10", 0.5),
            ("g", "s", "L11", 0.5),
        ],
        {"c": 0.99},
    )
    assert two_terminal(g, "s", "t") == pytest.approx(0.93517578, abs=1e-12)
    # One-to-all: A(c) = 0.98; A(x) = 0.98 · 0.99 · R_ring(c, x) where, in the 4-ring, x is reached
    # directly (0.9) or round the other way (0.9^3 = 0.729): 1 - 0.1 · 0.271 = 0.9729;
    # A(x) = 0.98 · 0.99 · 0.9729 = 0.94390758. A(e) = 0.98 · 0.99 · 0.5 · 0.5 = 0.24255.
    est = availability_to_root(g, "s")
    assert est["c"].value == pytest.approx(0.98, abs=1e-12)
    assert est["x"].value == pytest.approx(0.94390758, abs=1e-12)
    assert est["t"].value == pytest.approx(0.93517578, abs=1e-12)
    assert est["e"].value == pytest.approx(0.24255, abs=1e-12)
    assert est["s"] == Estimate.exact(1.0)


def test_k4_between_opposite_corners(engine: str) -> None:
    # K4 on s, t, a, b with p = 0.5 everywhere. Factor on the direct link s-t:
    # up: 1. down: the bridge network (s-a, s-b, a-b, a-t, b-t) at p = 0.5:
    # 2p^2 + 2p^3 - 5p^4 + 2p^5 = 0.5 + 0.25 - 0.3125 + 0.0625 = 0.5.
    # R = 0.5 + 0.5 · 0.5 = 0.75.
    g = graph(
        [(u, v, f"L{i}", 0.5) for i, (u, v) in enumerate(["st", "sa", "sb", "ab", "at", "bt"])]
    )
    assert two_terminal(g, "s", "t") == pytest.approx(0.75, abs=1e-12)


def test_zero_and_one_availabilities(engine: str) -> None:
    # A dead site in the only path: 0. A perfect link in parallel with anything: 1.
    g = graph([("s", "m", "L1", 1.0), ("m", "t", "L2", 1.0)], {"m": 0.0})
    assert two_terminal(g, "s", "t") == 0.0
    g = graph([("s", "t", "L1", 1.0), ("s", "t", "L2", 0.3)])
    assert two_terminal(g, "s", "t") == 1.0


# --------------------------------------------------------------------------------------------------
# Against brute force and the independent method
# --------------------------------------------------------------------------------------------------


def test_random_multigraphs_against_brute_force_and_inclusion_exclusion(engine: str) -> None:
    rng = random.Random(20240601)
    checked = 0
    while checked < 120:
        n = rng.randint(2, 7)
        g = random_multigraph(rng, n=n, m=rng.randint(1, 14))
        s, t = rng.randrange(n), rng.randrange(n)
        if n_components(g, s, t) > 18:
            continue
        exact = two_terminal(g, s, t)
        assert 0.0 <= exact <= 1.0
        assert exact == pytest.approx(brute_force_two_terminal(g, s, t), abs=1e-9)
        assert exact == pytest.approx(inclusion_exclusion(g, s, t), abs=1e-9)
        checked += 1


def test_brute_force_knows_its_limit() -> None:
    g = graph([(i, i + 1, f"L{i}", 0.9) for i in range(24)])
    with pytest.raises(ValueError, match="2\\^24"):
        brute_force_two_terminal(g, 0, 24)


def test_city_network_is_fast_and_both_engines_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    # ~120 sites, ~170 links, ~50 independent cycles: every site in well under a second in total
    # (a few ms each), and the plain recursion agrees with the frontier form to 1e-12.
    g = city_network()
    assert g.number_of_edges() - g.number_of_nodes() + 1 >= 36
    start = time.perf_counter()
    values = {v: two_terminal(g, "c0", v) for v in g}
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"two_terminal took {elapsed:.2f} s for {len(values)} sites"
    monkeypatch.setattr(rel, "_FACTORING_LINKS", 10**9)  # plain recursion from here on
    net = rel._net(g)
    for v in ["d9_2", "s4_1", "c5", "d0_3"]:
        plain = rel._factor(rel._simple(net, g.nodes), net.site, "c0", v, {})
        assert plain == pytest.approx(values[v], abs=1e-12)


def test_frontier_matches_plain_factoring_on_a_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 4x4 street grid (24 links, 9 cycles) with unreliable crossings.
    g: nx.MultiGraph[tuple[int, int]] = nx.MultiGraph()
    for i, (u, v) in enumerate(nx.grid_2d_graph(4, 4).edges()):
        g.add_edge(u, v, key=f"L{i}", availability=0.9 - 0.01 * (i % 5))
    for v in list(g.nodes):
        g.nodes[v]["availability"] = 0.97
    net = rel._net(g)
    adj = rel._simple(net, g.nodes)
    frontier = rel._frontier(rel._copy(adj), net.site, (0, 0), (3, 3))
    monkeypatch.setattr(rel, "_FACTORING_LINKS", 10**9)
    plain = rel._factor(rel._copy(adj), net.site, (0, 0), (3, 3), {})
    assert frontier == pytest.approx(plain, abs=1e-12)


# --------------------------------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------------------------------

availability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def small_networks(draw: st.DrawFn) -> tuple[nx.MultiGraph[int], int, int]:
    n = draw(st.integers(min_value=2, max_value=6))
    links = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), availability),
            min_size=1,
            max_size=10,
        )
    )
    sites = draw(st.lists(availability, min_size=n, max_size=n))
    g: nx.MultiGraph[int] = nx.MultiGraph()
    for v, a in enumerate(sites):
        g.add_node(v, availability=a)
    for k, (u, v, a) in enumerate(links):
        g.add_edge(u, v, key=f"L{k}", availability=a)
    s = draw(st.integers(0, n - 1))
    t = draw(st.integers(0, n - 1))
    return g, s, t


@pytest.mark.fuzz
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_networks())
def test_result_is_a_probability_and_matches_brute_force(case: tuple[nx.MultiGraph[int], int, int]) -> None:
    g, s, t = case
    r = two_terminal(g, s, t)
    assert 0.0 <= r <= 1.0
    assert r == pytest.approx(brute_force_two_terminal(g, s, t), abs=1e-9)


@pytest.mark.fuzz
@settings(max_examples=150, deadline=None)
@given(small_networks(), st.data())
def test_better_links_never_lower_availability(case: tuple[nx.MultiGraph[int], int, int], data: st.DataObject) -> None:
    g, s, t = case
    before = two_terminal(g, s, t)
    u, v, key = data.draw(st.sampled_from(sorted(g.edges(keys=True), key=lambda e: e[2])))
    old = g.edges[u, v, key]["availability"]
    g.edges[u, v, key]["availability"] = data.draw(st.floats(min_value=old, max_value=1.0))
    assert two_terminal(g, s, t) >= before - 1e-12


@st.composite
def series_parallel(draw: st.DrawFn, depth: int = 0) -> tuple[str, object]:
    """An SP expression: ("link", a) | ("series", left, site_a, right) | ("parallel", left, right)."""
    kind = draw(st.sampled_from(["link"] if depth >= 4 else ["link", "series", "parallel"]))
    if kind == "link":
        return ("link", draw(availability))
    left = draw(series_parallel(depth + 1))
    right = draw(series_parallel(depth + 1))
    if kind == "series":
        return ("series", left, draw(availability), right)
    return ("parallel", left, right)


def sp_closed_form(expr: tuple[str, object]) -> float:
    # series: R1 · a_mid · R2 ; parallel: 1 - (1 - R1)(1 - R2)
    if expr[0] == "link":
        return float(expr[1])  # type: ignore[arg-type]
    if expr[0] == "series":
        _, left, a, right = expr  # type: ignore[misc]
        return sp_closed_form(left) * float(a) * sp_closed_form(right)
    _, left, right = expr  # type: ignore[misc]
    return 1.0 - (1.0 - sp_closed_form(left)) * (1.0 - sp_closed_form(right))


def sp_build(expr: tuple[str, object], g: nx.MultiGraph[str], s: str, t: str, fresh: Iterator[int]) -> None:
    if expr[0] == "link":
        g.add_edge(s, t, key=f"L{next(fresh)}", availability=expr[1])
    elif expr[0] == "series":
        _, left, a, right = expr  # type: ignore[misc]
        mid = f"m{next(fresh)}"
        g.add_node(mid, availability=a)
        sp_build(left, g, s, mid, fresh)
        sp_build(right, g, mid, t, fresh)
    else:
        _, left, right = expr  # type: ignore[misc]
        sp_build(left, g, s, t, fresh)
        sp_build(right, g, s, t, fresh)


@pytest.mark.fuzz
@settings(max_examples=200, deadline=None)
@given(series_parallel())
def test_series_parallel_closed_form(expr: tuple[str, object]) -> None:
    g: nx.MultiGraph[str] = nx.MultiGraph()
    g.add_nodes_from(["s", "t"])
    sp_build(expr, g, "s", "t", iter(range(10**6)))
    assert two_terminal(g, "s", "t") == pytest.approx(sp_closed_form(expr), abs=1e-9)
    assert availability_to_root(g, "s")["t"].value == pytest.approx(sp_closed_form(expr), abs=1e-9)


# --------------------------------------------------------------------------------------------------
# One-to-all availability and Monte Carlo
# --------------------------------------------------------------------------------------------------


def test_availability_to_root_equals_two_terminal_on_random_graphs() -> None:
    rng = random.Random(7)
    for _ in range(40):
        n = rng.randint(2, 25)
        g = random_multigraph(rng, n=n, m=rng.randint(1, 40))
        root = rng.randrange(n)
        est = availability_to_root(g, root)
        assert set(est) == set(g.nodes)
        for v in g:
            assert est[v].method is Method.EXACT
            assert est[v].ci_low == est[v].value == est[v].ci_high
            assert est[v].value == pytest.approx(two_terminal(g, root, v), abs=1e-9)


def test_availability_to_root_on_the_city_network() -> None:
    g = city_network()
    start = time.perf_counter()
    est = availability_to_root(g, "c0")
    assert time.perf_counter() - start < 5.0
    for v in ["c5", "d3_2", "d9_2", "s7_1", "s11_2"]:
        assert est[v].value == pytest.approx(two_terminal(g, "c0", v), abs=1e-9)


def test_monte_carlo_interval_contains_the_exact_value() -> None:
    g = city_network()
    exact = two_terminal(g, "c0", "s2_0")
    mc = monte_carlo_two_terminal(g, "c0", "s2_0", samples=200_000, seed=11)
    assert mc.method is Method.MONTE_CARLO
    assert mc.samples == 200_000
    assert mc.ci_low <= exact <= mc.ci_high
    assert mc.half_width < 5e-4
    # Same seed, same answer.
    assert monte_carlo_two_terminal(g, "c0", "s2_0", samples=200_000, seed=11) == mc


def test_one_to_all_monte_carlo_shares_trials_with_two_terminal() -> None:
    g = city_network()
    exact = availability_to_root(g, "c0")
    everyone = monte_carlo_one_to_all(g, "c0", samples=50_000, seed=4)
    assert everyone["c0"] == Estimate.exact(1.0)
    # The same seed draws the same trials: the one-to-all value for a site is the two-terminal one.
    assert everyone["d9_2"] == monte_carlo_two_terminal(g, "c0", "d9_2", samples=50_000, seed=4)
    for v in g:
        if v != "c0":
            assert everyone[v].method is Method.MONTE_CARLO
            assert abs(everyone[v].value - exact[v].value) < 5e-3


def test_monte_carlo_fallback_for_big_blocks() -> None:
    # exact_limit=0 sends every block that does not reduce away to Monte Carlo. The intervals
    # (Bonferroni-combined along each path) must cover the exact values for nearly every site;
    # the run is seeded, so this is deterministic.
    g = city_network()
    exact = availability_to_root(g, "c0")
    mc = availability_to_root(g, "c0", exact_limit=0, mc_samples=100_000, seed=5)
    simulated = [v for v in g if mc[v].method is Method.MONTE_CARLO]
    assert len(simulated) >= 70
    covered = sum(1 for v in simulated if mc[v].ci_low <= exact[v].value <= mc[v].ci_high)
    assert covered / len(simulated) >= 0.85
    for v in simulated:
        assert mc[v].samples == 100_000
        assert abs(mc[v].value - exact[v].value) < 5e-3
        assert 0.0 <= mc[v].ci_low <= mc[v].value <= mc[v].ci_high <= 1.0
    for v in g:
        if mc[v].method is Method.EXACT:
            assert mc[v].value == pytest.approx(exact[v].value, abs=1e-12)


def unreliable_grid(side: int) -> nx.MultiGraph[tuple[int, int]]:
    g: nx.MultiGraph[tuple[int, int]] = nx.MultiGraph()
    for i, (u, v) in enumerate(nx.grid_2d_graph(side, side).edges()):
        g.add_edge(u, v, key=f"L{i}", availability=0.95)
    for v in list(g.nodes):
        g.nodes[v]["availability"] = 0.99
    return g


def test_exact_limit_and_state_cap_decide_between_exact_and_monte_carlo(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 5x5 grid is one block of 40 links. With the entry at corner (0, 0), the other three corners
    # (degree 2) are series-reduced, each turning two links into one: 40 - 3 = 37 links left.
    g = unreliable_grid(5)
    exact = availability_to_root(g, (0, 0), exact_limit=37)
    assert all(e.method is Method.EXACT for e in exact.values())
    assert exact[(4, 4)].value == pytest.approx(two_terminal(g, (0, 0), (4, 4)), abs=1e-12)
    over = availability_to_root(g, (0, 0), exact_limit=36, mc_samples=20_000, seed=1)
    assert all(over[v].method is Method.MONTE_CARLO for v in g if v != (0, 0))
    # A wide block stays exact only while its frontier stays small.
    monkeypatch.setattr(rel, "_MAX_FRONTIER_STATES", 10)
    capped = availability_to_root(g, (0, 0), exact_limit=1000, mc_samples=20_000, seed=1)
    assert capped[(4, 4)].method is Method.MONTE_CARLO
    assert capped[(4, 4)].ci_low <= exact[(4, 4)].value <= capped[(4, 4)].ci_high


def test_unreachable_sites_are_exactly_zero() -> None:
    g = graph([("r", "a", "L1", 0.9), ("b", "c", "L2", 0.9)])
    est = availability_to_root(g, "r")
    assert est["b"] == Estimate.exact(0.0)
    assert est["a"].value == pytest.approx(0.9)
    mc = monte_carlo_two_terminal(g, "r", "c", samples=100, seed=0)
    assert mc == Estimate.exact(0.0)


def test_wilson_interval_known_values() -> None:
    # z = 1.959964, z^2 = 3.841459. k = n = 100: low = n / (n + z^2) = 100 / 103.841459 = 0.963006,
    # high = 1. k = 0: low = 0, high = z^2 / (n + z^2) = 3.841459 / 103.841459 = 0.036994.
    assert wilson_interval(100, 100) == pytest.approx((0.963006, 1.0), abs=1e-6)
    assert wilson_interval(0, 100) == pytest.approx((0.0, 0.036994), abs=1e-6)
    # k = 50, n = 100: centre = 0.5, half = z/(1 + z^2/n) · sqrt(0.0025 + z^2/40000)
    # = 1.959964 / 1.0384146 · sqrt(0.0025 + 0.00009604) = 1.887458 · 0.0509514 = 0.096169.
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.5 - 0.096169, abs=1e-6)
    assert high == pytest.approx(0.5 + 0.096169, abs=1e-6)


# --------------------------------------------------------------------------------------------------
# Single points of failure
# --------------------------------------------------------------------------------------------------


def test_single_failure_impact_matches_naive_recomputation() -> None:
    rng = random.Random(99)
    for _ in range(40):
        n = rng.randint(2, 30)
        g = random_multigraph(rng, n=n, m=rng.randint(1, 40))
        root = rng.randrange(n)
        impact = single_failure_impact(g, root)
        keys = [k for _, _, k in g.edges(keys=True)]
        assert set(impact) == set(keys) | (set(g.nodes) - {root})
        for key in keys:
            assert impact[key] == naive_cut_off(g, root, link=key), key
        for v in g:
            if v != root:
                assert impact[v] == naive_cut_off(g, root, site=v), v


def test_parallel_links_are_never_bridges() -> None:
    # r =(fibre, radio)= a -L3- b: L1 and L2 cut nothing, L3 cuts b, site a cuts a and b.
    g = graph([("r", "a", "L1", 0.99), ("r", "a", "L2", 0.9), ("a", "b", "L3", 0.99)])
    impact = single_failure_impact(g, "r")
    assert impact["L1"] == frozenset()
    assert impact["L2"] == frozenset()
    assert impact["L3"] == frozenset({"b"})
    assert impact["a"] == frozenset({"a", "b"})
    assert impact["b"] == frozenset({"b"})
    spof = bridges_and_cutpoints_for(g, "r")
    assert spof["b"] == (frozenset({"L3"}), frozenset({"a"}))
    assert spof["a"] == (frozenset(), frozenset())
    assert spof["r"] == (frozenset(), frozenset())


def test_bridges_and_cutpoints_match_single_failure_impact() -> None:
    rng = random.Random(3)
    for _ in range(30):
        n = rng.randint(2, 30)
        g = random_multigraph(rng, n=n, m=rng.randint(1, 40))
        root = rng.randrange(n)
        impact = single_failure_impact(g, root)
        spof = bridges_and_cutpoints_for(g, root)
        assert set(spof) == nx.node_connected_component(g, root)
        for v, (links, sites) in spof.items():
            assert links == {k for _, _, k in g.edges(keys=True) if v in impact[k]}
            assert sites == {w for w in g if w not in (root, v) and v in impact[w]}


def test_cut_off_by_several_failures_matches_naive() -> None:
    rng = random.Random(12)
    for _ in range(40):
        n = rng.randint(3, 25)
        g = random_multigraph(rng, n=n, m=rng.randint(2, 35))
        root = rng.randrange(n)
        keys = [k for _, _, k in g.edges(keys=True)]
        dead_links = set(rng.sample(keys, k=min(len(keys), rng.randint(0, 3))))
        dead_sites = set(rng.sample([v for v in g if v != root], k=rng.randint(0, 2)))
        h = g.copy()
        h.remove_edges_from([(u, v, k) for u, v, k in g.edges(keys=True) if k in dead_links])
        h.remove_nodes_from(dead_sites)
        expected = nx.node_connected_component(g, root) - nx.node_connected_component(h, root)
        assert cut_off_by(g, root, dead_links, dead_sites) == expected


def test_single_failure_impact_is_linear_time_on_a_big_network() -> None:
    # 5,000 sites / ~8,000 links: one DFS, no BFS per failure.
    rng = random.Random(1)
    g: nx.MultiGraph[int] = nx.MultiGraph()
    for v in range(1, 5000):
        g.add_edge(v, rng.randrange(max(0, v - 20), v), key=f"L{v}", availability=0.99)
    for k in range(3000):
        u = rng.randrange(5000)
        g.add_edge(u, min(4999, u + rng.randint(1, 5)), key=f"X{k}", availability=0.99)
    start = time.perf_counter()
    impact = single_failure_impact(g, 0)
    assert time.perf_counter() - start < 5.0
    assert len(impact) == g.number_of_edges() + 4999


# --------------------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------------------


def test_validation_errors() -> None:
    g: nx.MultiGraph[str] = nx.MultiGraph()
    g.add_edge("a", "b", key="L1")
    with pytest.raises(ValueError, match=r"L1.*availability"):
        two_terminal(g, "a", "b")
    g = graph([("a", "b", "L1", 1.5)])
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        two_terminal(g, "a", "b")
    g = graph([("a", "b", "L1", 0.9), ("b", "c", "L1", 0.9)])
    with pytest.raises(ValueError, match="unique"):
        two_terminal(g, "a", "c")
    g = graph([("a", "b", "L1", 0.9)])
    with pytest.raises(ValueError, match="'z'"):
        two_terminal(g, "a", "z")
    with pytest.raises(TypeError, match="MultiGraph"):
        two_terminal(nx.Graph([("a", "b")]), "a", "b")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="root"):
        cut_off_by(g, "a", failed_nodes=["a"])
    with pytest.raises(ValueError, match="L9"):
        cut_off_by(g, "a", failed_edges=["L9"])
    clash = graph([("a", "b", "b", 0.9)])
    with pytest.raises(ValueError, match="site names"):
        single_failure_impact(clash, "a")


def test_estimate_is_frozen() -> None:
    e = Estimate.exact(0.5)
    assert (e.value, e.method, e.ci_low, e.ci_high, e.samples) == (0.5, Method.EXACT, 0.5, 0.5, 0)
    assert e.method == "exact"
    with pytest.raises(AttributeError):
        e.value = 0.6  # type: ignore[misc]
