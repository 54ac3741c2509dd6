"""Exact and Monte Carlo availability of sites in a network, and single points of failure.

Model
-----
The network is an undirected ``networkx.MultiGraph``. Every edge is a link with a unique key (the
link id, a ``str``) and an attribute ``availability`` ``a_e`` in [0, 1]: the probability that the
link is up. Nodes (sites) may carry ``availability`` ``a_v`` (default 1.0, a perfect node). All
components fail independently. Self-loops are ignored (they never help connectivity).

*Two-terminal reliability* ``R(s, t)`` is the probability that the up links and up sites contain a
path from ``s`` to ``t``. Both terminals are treated as perfect, so ``R(s, t)`` is conditional on
``s`` and ``t`` themselves being up; a caller who wants "site t is in service" multiplies by
``a_t`` (and by ``a_s`` for the root) itself. Every intermediate site's availability counts.

Exact method: factoring (pivotal decomposition, Moskowitz 1958; Page & Perry 1988) with
reductions applied at every step of the recursion:

* parallel reduction: links ``e1..ek`` between the same two sites act as one link with
  ``a = 1 - Π (1 - a_i)``;
* series reduction: a non-terminal site ``v`` with exactly two neighbours ``x`` and ``y`` (links
  ``a_xv``, ``a_vy``) is replaced by one link ``x-y`` of availability ``a_xv · a_v · a_vy``;
* irrelevant parts are dropped: a non-terminal site of degree 0 or 1 (dangling trees), and every
  block (biconnected component) that is not on the block-cut-tree path from ``s`` to ``t``;
* articulation-point decomposition: if the blocks on that path are ``B_1 .. B_k`` joined at cut
  vertices ``c_1 .. c_{k-1}``, then ``R(s, t) = Π R_{B_i}(c_{i-1}, c_i) · Π a_{c_i}`` (with
  ``c_0 = s``, ``c_k = t``), because the blocks share no link and no non-terminal site;
* factoring on a link ``e = s-v`` at the source (Shannon expansion):
  ``R(G) = a_e · [a_v · R(G / e) + (1 - a_v) · R(G - v)] + (1 - a_e) · R(G - e)``, where
  ``G / e`` contracts ``v`` into ``s``; if ``s`` and ``t`` are adjacent the pivot is the link
  ``s-t`` itself: ``R(G) = a_e + (1 - a_e) · R(G - e)``.
  Sub-problems are memoised on their exact (reduced) graph.
* a biconnected sub-problem still larger than 16 links after all reductions is factored in
  *frontier form* instead (the BDD form of the same Shannon expansion, Hardy, Lucet & Limnios
  2007): links are pivoted in a fixed sweep order, and sub-problems that leave the undecided part
  of the graph in the same state (the same grouping of the frontier sites into connected pieces,
  the same frontier sites down) are merged by adding their probabilities. Its cost grows with the
  number of such states, i.e. with the width of the network, not with ``2^links``: a city core of
  ~35 irreducible links takes milliseconds, an 8x8 street grid a third of a second; a wide mesh
  whose sites can fail grows fast (a 10x10 grid of unreliable sites is out of reach: use
  :func:`availability_to_root`, which falls back to Monte Carlo, or :func:`monte_carlo_two_terminal`).

All of this is exact: results agree with state enumeration to floating-point rounding (1e-15).

One-to-all availability (:func:`availability_to_root`) uses the block-cut tree rooted at the root:
a site ``v`` whose block-cut-tree path from the root is ``B_1, c_1, B_2, ..., B_k, v`` has
``A(v) = Π R_{B_i}(c_{i-1}, c_i) · Π a_{c_i}``, each factor being a two-terminal reliability inside
one block between its entry cut vertex and the exit (the next cut vertex, or ``v``). A block whose
reduced size exceeds ``exact_limit`` links, or whose exact evaluation would need more than
10,000 frontier states for some exit, is estimated by Monte Carlo instead (one vectorised
one-to-all simulation for the whole block), with a Wilson score interval.

Single points of failure come from one depth-first search from the root (Hopcroft-Tarjan
lowpoints, with parallel links recognised by link key): a link is a bridge iff it is the only link
of a DFS-tree edge ``p-c`` with ``low(c) > pre(p)``, and its failure cuts off exactly the DFS
subtree of ``c``; a site ``w`` cuts off itself and the subtrees of its DFS children ``c`` with
``low(c) >= pre(w)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import numpy.typing as npt

__all__ = [
    "BRUTE_FORCE_LIMIT",
    "DEFAULT_EXACT_LIMIT",
    "DEFAULT_MC_SAMPLES",
    "Estimate",
    "Method",
    "availability_to_root",
    "bridges_and_cutpoints_for",
    "brute_force_two_terminal",
    "cut_off_by",
    "monte_carlo_one_to_all",
    "monte_carlo_two_terminal",
    "single_failure_impact",
    "two_terminal",
    "wilson_interval",
]

N = TypeVar("N", bound=Hashable)

#: Most components (links plus unreliable non-terminal sites) :func:`brute_force_two_terminal` enumerates.
BRUTE_FORCE_LIMIT = 22
#: A block is solved exactly while it has at most this many links after series/dangling reduction
#: with its entry as the only terminal (see :func:`availability_to_root`). Measured on this
#: machine: a 5x5 street grid of unreliable sites (40 links) takes 0.3 s for all 25 sites, a 6x6
#: one (60 links) 4 s, a 7x7 one 32 s; a city core of ~35 irreducible links with 80 sites 0.3 s.
DEFAULT_EXACT_LIMIT = 40
#: Monte Carlo trials per block: the 95 % Wilson half-width is at most ``1.96 / (2 sqrt(n))`` = 0.0031,
#: and about ``1.96 sqrt(p (1 - p) / n)`` = 1.9e-4 for a block availability ``p`` = 0.999.
DEFAULT_MC_SAMPLES = 100_000

#: Past this many links (after reduction) a biconnected sub-problem is pivoted in the merged
#: frontier form (:func:`_frontier`) rather than by the plain recursion.
_FACTORING_LINKS = 16

#: In :func:`availability_to_root`, a block whose exact evaluation would hold more frontier
#: states than this for some exit (a wide mesh, whatever its link count) is simulated instead.
_MAX_FRONTIER_STATES = 10_000

_Adj = dict[Hashable, dict[Hashable, float]]
_Memo = dict[tuple[Hashable, Hashable, frozenset[Any], frozenset[Any]], float]
_U64 = npt.NDArray[np.uint64]


class Method(StrEnum):
    """How an :class:`Estimate` was obtained."""

    EXACT = "exact"
    MONTE_CARLO = "monte_carlo"


@dataclass(frozen=True, slots=True)
class Estimate:
    """An availability with its 95 % (or requested) confidence interval.

    For ``method == EXACT`` the interval is degenerate (``ci_low == value == ci_high``) and
    ``samples == 0``. For Monte Carlo, ``samples`` is the number of trials behind the estimate (the
    smallest, if several simulated blocks were multiplied).
    """

    value: float
    method: Method
    ci_low: float
    ci_high: float
    samples: int

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """An exact value: a degenerate interval and no samples."""
        return cls(value, Method.EXACT, value, value, 0)

    @property
    def half_width(self) -> float:
        """``(ci_high - ci_low) / 2``: 0 for an exact value."""
        return (self.ci_high - self.ci_low) / 2


# --------------------------------------------------------------------------------------------------
# Input: a validated view of the multigraph
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Net:
    """The multigraph as plain dicts: ``adj[u][v]`` lists the keys of the links ``u-v`` (no loops)."""

    adj: dict[Hashable, dict[Hashable, list[str]]]
    ends: dict[str, tuple[Hashable, Hashable]]
    link: dict[str, float]
    site: dict[Hashable, float]
    index: dict[Hashable, int]  # position of each site in the graph's own order

    def pair(self, u: Hashable, v: Hashable) -> float:
        """Availability of the bundle of parallel links ``u-v``: ``1 - Π (1 - a_i)``."""
        down = 1.0
        for key in self.adj[u][v]:
            down *= 1.0 - self.link[key]
        return 1.0 - down

    def multi(self, u: Hashable, v: Hashable) -> bool:
        """More than one link between ``u`` and ``v``: none of them is a bridge."""
        return len(self.adj[u][v]) > 1


def _probability(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what}: availability must be a number in [0, 1], got {value!r}")
    p = float(value)
    if not 0.0 <= p <= 1.0:  # also rejects NaN
        raise ValueError(f"{what}: availability must be in [0, 1], got {value!r}")
    return p


def _net(g: nx.MultiGraph[Any], *, need_link_availability: bool = True) -> _Net:
    if not isinstance(g, nx.MultiGraph) or g.is_directed():
        raise TypeError(
            f"expected an undirected networkx.MultiGraph keyed by link id, got {type(g).__name__}"
        )
    adj: dict[Hashable, dict[Hashable, list[str]]] = {v: {} for v in g.nodes}
    site = {
        v: _probability(data.get("availability", 1.0), f"site {v!r}") for v, data in g.nodes(data=True)
    }
    ends: dict[str, tuple[Hashable, Hashable]] = {}
    link: dict[str, float] = {}
    for u, v, key, data in g.edges(keys=True, data=True):
        if key in ends:
            raise ValueError(
                f"link key {key!r} is used by both {ends[key]!r} and {(u, v)!r}; link keys must be unique"
            )
        ends[key] = (u, v)
        if need_link_availability:
            if "availability" not in data:
                raise ValueError(f"link {key!r} ({u!r}-{v!r}) has no 'availability' attribute")
            link[key] = _probability(data["availability"], f"link {key!r}")
        if u != v:
            adj[u].setdefault(v, []).append(key)
            adj[v].setdefault(u, []).append(key)
    return _Net(adj, ends, link, site, {v: i for i, v in enumerate(adj)})


def _require(g: nx.MultiGraph[Any], *nodes: Hashable) -> None:
    for v in nodes:
        if v not in g:
            raise ValueError(f"site {v!r} is not in the graph")


# --------------------------------------------------------------------------------------------------
# Depth-first search with lowpoints: blocks, bridges, articulation points
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Dfs:
    """A DFS tree from ``root`` over the root's component.

    ``order`` is the preorder, ``pre[v]`` the position of ``v`` in it, and the subtree of ``v`` is
    ``order[pre[v]:end[v]]``. ``low[v]`` is the smallest preorder number reachable from the subtree
    of ``v`` by one non-tree link. ``block[v]`` (``v`` not the root) names the block holding the tree
    link ``parent[v]-v`` by its *head*: the DFS child ``h`` where the block starts, so the block's
    entry (closest to the root) is ``parent[h]`` and its sites are ``parent[h]`` and every ``v``
    with ``block[v] == h``.
    """

    root: Hashable
    order: list[Hashable]
    pre: dict[Hashable, int]
    end: dict[Hashable, int]
    parent: dict[Hashable, Hashable]
    low: dict[Hashable, int]
    block: dict[Hashable, Hashable]


def _dfs(
    adj: Mapping[Hashable, Iterable[Hashable]],
    root: Hashable,
    multi: Callable[[Hashable, Hashable], bool] | None = None,
) -> _Dfs:
    """Iterative Hopcroft-Tarjan DFS. ``multi(u, v)`` says ``u-v`` has parallel links (back links)."""
    pre: dict[Hashable, int] = {root: 0}
    low: dict[Hashable, int] = {root: 0}
    end: dict[Hashable, int] = {}
    parent: dict[Hashable, Hashable] = {}
    order: list[Hashable] = [root]
    stack = [(root, iter(adj[root]))]
    while stack:
        u, neighbours = stack[-1]
        for v in neighbours:
            if v not in pre:
                pre[v] = low[v] = len(order)
                order.append(v)
                parent[v] = u
                stack.append((v, iter(adj[v])))
                break
            if u in parent and v == parent[u] and not (multi is not None and multi(u, v)):
                continue  # the tree link itself
            low[u] = min(low[u], pre[v])
        else:
            stack.pop()
            end[u] = len(order)
            if stack:
                p = stack[-1][0]
                low[p] = min(low[p], low[u])
    block: dict[Hashable, Hashable] = {}
    for v in itertools.islice(order, 1, None):
        p = parent[v]
        block[v] = v if low[v] >= pre[p] else block[p]
    return _Dfs(root, order, pre, end, parent, low, block)


# --------------------------------------------------------------------------------------------------
# Exact two-terminal reliability: factoring with reductions
# --------------------------------------------------------------------------------------------------


def _add_link(adj: _Adj, u: Hashable, v: Hashable, p: float) -> None:
    """Add a link ``u-v``, merging it in parallel with an existing one: ``1 - (1-p)(1-q)``."""
    if p <= 0.0 or u == v:
        return
    q = adj[u].get(v)
    if q is not None:
        p = 1.0 - (1.0 - p) * (1.0 - q)
    adj[u][v] = p
    adj[v][u] = p


def _drop_site(adj: _Adj, v: Hashable) -> None:
    for w in adj.pop(v):
        del adj[w][v]


def _reduce(adj: _Adj, site: Mapping[Hashable, float], s: Hashable, t: Hashable) -> None:
    """Dangling and series reductions in place, until none applies (terminals are kept)."""
    work = [v for v in adj if v not in (s, t)]
    while work:
        v = work.pop()
        if v in (s, t) or v not in adj:
            continue
        nbrs = adj[v]
        if site.get(v, 1.0) <= 0.0 or len(nbrs) <= 1:
            work.extend(nbrs)
            _drop_site(adj, v)
        elif len(nbrs) == 2:
            (x, pxv), (y, pvy) = nbrs.items()
            p = pxv * site.get(v, 1.0) * pvy
            _drop_site(adj, v)
            _add_link(adj, x, y, p)
            work.append(x)
            work.append(y)


def _copy(adj: _Adj) -> _Adj:
    return {u: dict(nbrs) for u, nbrs in adj.items()}


def _factor(
    adj: _Adj,
    site: Mapping[Hashable, float],
    s: Hashable,
    t: Hashable,
    memo: _Memo,
    *,
    cap: int | None = None,
) -> float:
    """``R(s, t)`` of the simple graph ``adj`` (parallel links already merged). Mutates ``adj``."""
    if s == t:
        return 1.0
    _reduce(adj, site, s, t)
    if not adj[s] or not adj[t]:
        return 0.0
    if len(adj) == 2:  # only s and t are left: one (merged) link
        return adj[s][t]
    dfs = _dfs(adj, s)
    if t not in dfs.pre:
        return 0.0
    heads: list[Hashable] = []
    x = t
    while x != s:
        heads.append(dfs.block[x])
        x = dfs.parent[dfs.block[x]]
    if len(dfs.order) < len(adj) or _hangers(dfs, heads):
        return _by_blocks(adj, site, s, t, dfs=dfs, heads=heads, memo=memo, cap=cap)

    key = (
        s,
        t,
        frozenset((u, v, p) for u, nbrs in adj.items() for v, p in nbrs.items()),
        frozenset((v, site[v]) for v in adj if v in site and v not in (s, t)),
    )
    cached = memo.get(key)
    if cached is not None:
        return cached
    if len(key[2]) > 2 * _FACTORING_LINKS:
        result = _frontier(adj, site, s, t, cap)
    elif t in adj[s]:
        p = adj[s][t]
        del adj[s][t]
        del adj[t][s]
        result = p + (1.0 - p) * _factor(adj, site, s, t, memo, cap=cap)
    else:
        v = _pivot(adj, s)
        p = adj[s][v]
        pv = site.get(v, 1.0)
        # Link s-v down.
        down = _copy(adj)
        del down[s][v]
        del down[v][s]
        result = (1.0 - p) * _factor(down, site, s, t, memo, cap=cap)
        if pv < 1.0:  # link up but site v down: v is gone
            gone = _copy(adj)
            _drop_site(gone, v)
            result += p * (1.0 - pv) * _factor(gone, site, s, t, memo, cap=cap)
        # Link s-v and site v up: contract v into s.
        merged = adj
        for w, q in merged.pop(v).items():
            del merged[w][v]
            _add_link(merged, s, w, q)
        result += p * pv * _factor(merged, site, s, t, memo, cap=cap)
    memo[key] = result
    return result


class _TooWideError(Exception):
    """The frontier evaluation would hold more states than allowed."""


_S_LABEL = 0  # the component holding s
_T_LABEL = 1  # the component holding t (until it meets s's: success)
_DEAD = -1  # a failed site


def _canonical(labels: Iterable[int]) -> tuple[int, ...]:
    """Renumber the ordinary labels (>= 2) by first occurrence; keep s, t and dead labels."""
    names: dict[int, int] = {}
    return tuple(names.setdefault(x, len(names) + 2) if x >= 2 else x for x in labels)


def _frontier(
    adj: _Adj, site: Mapping[Hashable, float], s: Hashable, t: Hashable, max_states: int | None = None
) -> float:
    """``R(s, t)`` by factoring every link in a fixed order with equivalent sub-problems merged.

    Links are pivoted in the order of :func:`_sweep_order` from ``s``. After the first ``i`` links have been
    decided (each up with ``a_e``, down with ``1 - a_e``; each site when it is first met: up with
    ``a_v``, down with ``1 - a_v``), the rest of the problem depends only on how the *frontier*
    sites (those with undecided links) are grouped into connected components, which group holds
    ``s`` and which ``t``, and which frontier sites are down. Sub-problems with the same grouping are
    therefore merged and their probabilities added (the BDD form of the factoring recursion,
    Hardy, Lucet & Limnios 2007). A state in which ``s``'s and ``t``'s groups meet adds its
    probability to ``R``; one in which either group loses its last frontier site is dropped.
    The cost grows with the number of groupings of the frontier, not with ``2^links``.
    """
    pos = _sweep_order(adj, s)
    links = sorted(
        ((pos[u], pos[v], u, v, p) for v in pos for u, p in adj[v].items() if pos[u] < pos[v]),
        key=lambda x: (x[1], x[0]),
    )
    last: dict[Hashable, int] = {}
    for i, (_, _, u, v, _) in enumerate(links):
        last[u] = last[v] = i
    frontier: list[Hashable] = []
    where: dict[Hashable, int] = {}
    states: dict[tuple[int, ...], float] = {(): 1.0}
    reliability = 0.0
    for i, (_, _, u, v, p) in enumerate(links):
        for w in (u, v):
            if w in where:
                continue
            where[w] = len(frontier)
            frontier.append(w)
            a = 1.0 if w in (s, t) else site.get(w, 1.0)
            grown: dict[tuple[int, ...], float] = {}
            for state, q in states.items():
                if a > 0.0:
                    # A new group gets the next free label: still canonical.
                    label = _S_LABEL if w == s else _T_LABEL if w == t else max(2, max(state, default=1) + 1)
                    key = (*state, label)
                    grown[key] = grown.get(key, 0.0) + q * a
                if a < 1.0:
                    key = (*state, _DEAD)
                    grown[key] = grown.get(key, 0.0) + q * (1.0 - a)
            states = grown
        iu, iv = where[u], where[v]
        decided: dict[tuple[int, ...], float] = {}
        for state, q in states.items():
            lu, lv = state[iu], state[iv]
            if _DEAD in (lu, lv) or lu == lv:
                decided[state] = decided.get(state, 0.0) + q
                continue
            decided[state] = decided.get(state, 0.0) + q * (1.0 - p)
            keep, gone = (lu, lv) if lu < lv else (lv, lu)
            if keep == _S_LABEL and gone == _T_LABEL:
                reliability += q * p
                continue
            # gone >= 2 here: drop its label and close the gap, which keeps first-occurrence order.
            merged = tuple([keep if x == gone else x - 1 if x > gone else x for x in state])
            decided[merged] = decided.get(merged, 0.0) + q * p
        states = decided
        leaving = [w for w in (u, v) if last[w] == i]
        if leaving:
            drop = sorted((where[w] for w in leaving), reverse=True)
            pruned: dict[tuple[int, ...], float] = {}
            for state, q in states.items():
                rest = list(state)
                lost = [rest.pop(j) for j in drop]
                if (_S_LABEL in lost and _S_LABEL not in rest) or (_T_LABEL in lost and _T_LABEL not in rest):
                    continue  # s's or t's group can no longer grow: they never meet
                key = _canonical(rest)
                pruned[key] = pruned.get(key, 0.0) + q
            states = pruned
            for j in drop:
                del frontier[j]
            where = {w: j for j, w in enumerate(frontier)}
        if max_states is not None and len(states) > max_states:
            raise _TooWideError(f"{len(states)} frontier states")
        if not states:
            break
    return reliability


def _sweep_order(adj: _Adj, s: Hashable) -> dict[Hashable, int]:
    """An order of the sites of ``s``'s component that keeps the frontier narrow.

    Greedy: starting from ``s``, repeatedly take the candidate (a site next to those taken) that
    leaves the fewest taken sites with untaken neighbours, then the one with the fewest untaken
    neighbours, then the earliest discovered. This follows a chain to its end before opening
    another and sweeps a grid diagonal by diagonal.
    """
    order = {s: 0}
    left = {v: len(nbrs) for v, nbrs in adj.items()}  # untaken neighbours of each site
    for w in adj[s]:
        left[w] -= 1
    found = {w: i for i, w in enumerate(adj[s])}
    seen = len(found)

    def cost(c: Hashable) -> tuple[int, int, int]:
        closes = sum(1 for w in adj[c] if w in order and left[w] == 1)
        return (1 if left[c] > 0 else 0) - closes, left[c], found[c]

    while found:
        best = min(found, key=cost)
        del found[best]
        order[best] = len(order)
        for w in adj[best]:
            left[w] -= 1
            if w not in order and w not in found:
                found[w] = seen
                seen += 1
    return order


def _hangers(dfs: _Dfs, heads: list[Hashable]) -> bool:
    """Whether some site lies outside the single block ``heads[0]`` (a dangling block)."""
    h = heads[0]
    return any(dfs.block[v] != h for v in itertools.islice(dfs.order, 1, None))


def _pivot(adj: _Adj, s: Hashable) -> Hashable:
    """The neighbour of ``s`` to factor on: the one with the fewest links (ties: first seen).

    Deleting a link to a low-degree neighbour soon enables series reductions; contracting it adds
    few links to the source.
    """
    return min(adj[s], key=lambda v: len(adj[v]))


def _by_blocks(
    adj: _Adj,
    site: Mapping[Hashable, float],
    s: Hashable,
    t: Hashable,
    *,
    dfs: _Dfs,
    heads: list[Hashable],
    memo: _Memo,
    cap: int | None,
) -> float:
    """Articulation-point decomposition: ``Π R_B(entry, exit) · Π a_c`` over the s-t block path."""
    members: dict[Hashable, list[Hashable]] = {h: [] for h in heads}
    for v in itertools.islice(dfs.order, 1, None):
        group = members.get(dfs.block[v])
        if group is not None:
            group.append(v)
    result = 1.0
    exit_ = t
    for h in heads:
        entry = dfs.parent[h]
        nodes = [entry, *members[h]]  # a list, not a set: the same order on every run
        if len(nodes) == 2:
            result *= adj[entry][exit_]
        else:
            inside = set(nodes)
            sub = {u: {v: p for v, p in adj[u].items() if v in inside} for u in nodes}
            result *= _factor(sub, site, entry, exit_, memo, cap=cap)
        if entry != s:
            result *= site.get(entry, 1.0)
        if result == 0.0:
            return 0.0
        exit_ = entry
    return result


def _simple(net: _Net, nodes: Iterable[Hashable]) -> _Adj:
    """The simple graph on ``nodes`` with parallel links merged, in the graph's own site order
    (never a set's order, which changes from run to run with string hashing)."""
    keep = set(nodes)
    ordered = sorted(keep, key=net.index.__getitem__)
    adj: _Adj = {u: {} for u in ordered}
    for u in ordered:
        for v in net.adj[u]:
            if v in keep:
                p = net.pair(u, v)
                if p > 0.0:
                    adj[u][v] = p
    return adj


def _component(adj: Mapping[Hashable, Iterable[Hashable]], root: Hashable) -> set[Hashable]:
    seen = {root}
    frontier = [root]
    while frontier:
        u = frontier.pop()
        for v in adj[u]:
            if v not in seen:
                seen.add(v)
                frontier.append(v)
    return seen


def two_terminal(g: nx.MultiGraph[N], s: N, t: N) -> float:
    """Exact probability that ``s`` and ``t`` are connected, both terminals taken as perfect.

    ``R(s, t) = P(there is an s-t path of up links through up intermediate sites)``, computed by
    factoring with parallel, series and articulation-point reductions (see the module docstring).
    ``R(s, s) = 1``; sites in different components give 0.

    Raises ``ValueError`` for an unknown site or a missing/out-of-range availability, ``TypeError``
    if ``g`` is not an undirected ``MultiGraph``.
    """
    _require(g, s, t)
    net = _net(g)
    if s == t:
        return 1.0
    comp = _component(net.adj, s)
    if t not in comp:
        return 0.0
    return _factor(_simple(net, comp), net.site, s, t, {})


# --------------------------------------------------------------------------------------------------
# Brute force (reference for tests)
# --------------------------------------------------------------------------------------------------


def brute_force_two_terminal(g: nx.MultiGraph[N], s: N, t: N) -> float:
    """``R(s, t)`` by enumerating every up/down state of every component. For tests only.

    The components are all links (self-loops excluded) and every non-terminal site with
    availability < 1; the ``2^k`` states are enumerated at once (vectorised), each with probability
    ``Π_{up} a_i · Π_{down} (1 - a_i)``, and ``R`` is the total probability of the states in which a
    label-propagation from ``s`` reaches ``t``. Raises ``ValueError`` if ``k`` exceeds
    ``BRUTE_FORCE_LIMIT`` (22).
    """
    _require(g, s, t)
    net = _net(g)
    if s == t:
        return 1.0
    links = [(key, u, v) for key, (u, v) in net.ends.items() if u != v]
    sites = [v for v, a in net.site.items() if a < 1.0 and v not in (s, t)]
    k = len(links) + len(sites)
    if k > BRUTE_FORCE_LIMIT:
        raise ValueError(
            f"brute force would enumerate 2^{k} states ({len(links)} links, {len(sites)} unreliable "
            f"sites); the limit is 2^{BRUTE_FORCE_LIMIT}: use two_terminal"
        )
    state = np.arange(1 << k, dtype=np.int64)
    probs = [net.link[key] for key, _, _ in links] + [net.site[v] for v in sites]
    weight = np.ones(1 << k)
    up: list[npt.NDArray[np.bool_]] = []
    for i, p in enumerate(probs):
        bit = ((state >> i) & 1).astype(bool)
        up.append(bit)
        weight *= np.where(bit, p, 1.0 - p)
    site_up = {v: up[len(links) + j] for j, v in enumerate(sites)}
    every = np.ones(1 << k, dtype=bool)
    reach = {v: np.zeros(1 << k, dtype=bool) for v in net.adj}
    reach[s] = every.copy()
    changed = True
    while changed:
        changed = False
        for i, (_, u, v) in enumerate(links):
            for a, b in ((u, v), (v, u)):
                relay = reach[a] & site_up.get(a, every) if a != s else reach[a]
                new = relay & up[i] & ~reach[b]
                if new.any():
                    reach[b] |= new
                    changed = True
    return float(weight[reach[t]].sum())


# --------------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------------


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    With ``p̂ = k/n`` and ``z`` the ``(1 + confidence)/2`` normal quantile:
    ``centre = (p̂ + z²/2n) / (1 + z²/n)``, ``half = z/(1 + z²/n) · sqrt(p̂(1-p̂)/n + z²/4n²)``.
    Unlike the Wald interval it stays inside [0, 1] and is not degenerate at ``p̂ = 1``.
    """
    if trials <= 0:
        raise ValueError(f"trials must be positive, got {trials}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    n = float(trials)
    phat = successes / n
    denom = 1.0 + z * z / n
    centre = (phat + z * z / (2.0 * n)) / denom
    half = z / denom * math.sqrt(phat * (1.0 - phat) / n + z * z / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _bits(up: npt.NDArray[np.bool_]) -> _U64:
    """Pack a boolean vector (length a multiple of 64) into 64-bit words."""
    packed: _U64 = np.packbits(up).view(np.uint64)
    return packed


def _simulate(
    adj: _Adj,
    site: Mapping[Hashable, float],
    source: Hashable,
    samples: int,
    rng: np.random.Generator,
) -> dict[Hashable, int]:
    """One-to-all Monte Carlo on a simple graph: for each site, in how many trials it is reached.

    Each trial draws every link and every non-source site once; a site ``v`` counts as reached when
    an up path joins it to ``source`` through up intermediate sites (``v`` itself taken as perfect,
    like a terminal). Trials are bit-packed 64 to a word and propagated link by link in BFS order
    until nothing changes.
    """
    order = _bfs_order(adj, source)
    nodes = list(order)
    links = [(u, v, p) for u in order for v, p in adj[u].items() if v in order and order[v] > order[u]]
    # Chunks of trials keep the memory to about 2^22 random floats per chunk.
    per_chunk = max(64, min(samples, (1 << 22) // max(1, len(links))) // 64 * 64)
    counts = dict.fromkeys(nodes, 0)
    done = 0
    while done < samples:
        n = min(per_chunk, samples - done)
        width = -(-n // 64) * 64
        valid = _bits(np.arange(width) < n)
        ones = np.full(width // 64, np.iinfo(np.uint64).max, dtype=np.uint64)
        live = {v: _bits(rng.random(width) < site.get(v, 1.0)) for v in nodes if site.get(v, 1.0) < 1.0}
        live[source] = ones
        link_up = [(u, v, _bits(rng.random(width) < p)) for u, v, p in links]
        reach = {v: np.zeros(width // 64, dtype=np.uint64) for v in nodes}
        reach[source] = ones.copy()
        relay = {v: reach[v] & live.get(v, ones) for v in nodes}
        changed = True
        while changed:
            changed = False
            for u, v, up in link_up:
                for a, b in ((u, v), (v, u)):
                    new = relay[a] & up & ~reach[b]
                    if new.any():
                        reach[b] |= new
                        relay[b] = reach[b] & live[b] if b in live else reach[b]
                        changed = True
        for v in nodes:
            counts[v] += int(np.bitwise_count(reach[v] & valid).sum())
        done += n
    return counts


def _bfs_order(adj: Mapping[Hashable, Iterable[Hashable]], source: Hashable) -> dict[Hashable, int]:
    order = {source: 0}
    queue = [source]
    for u in queue:
        for v in adj[u]:
            if v not in order:
                order[v] = len(order)
                queue.append(v)
    return order


def monte_carlo_two_terminal(
    g: nx.MultiGraph[N],
    s: N,
    t: N,
    *,
    samples: int,
    seed: int | np.random.Generator,
    confidence: float = 0.95,
) -> Estimate:
    """Plain Monte Carlo estimate of ``R(s, t)`` with a Wilson score interval.

    Each of ``samples`` trials draws the state of every link and site of ``s``'s component
    (terminals perfect) and checks whether ``t`` is reached; the estimate is ``k / samples``. No
    reductions are applied: this is the baseline the exact method is checked and timed against.
    ``s == t`` and ``t`` outside ``s``'s component are exact (1 and 0).
    """
    _require(g, s, t)
    if samples <= 0:
        raise ValueError(f"samples must be positive, got {samples}")
    net = _net(g)
    if s == t:
        return Estimate.exact(1.0)
    comp = _component(net.adj, s)
    if t not in comp:
        return Estimate.exact(0.0)
    counts = _simulate(_simple(net, comp), net.site, s, samples, _rng(seed))
    k = counts.get(t, 0)
    low, high = wilson_interval(k, samples, confidence)
    return Estimate(k / samples, Method.MONTE_CARLO, low, high, samples)


def monte_carlo_one_to_all(
    g: nx.MultiGraph[N],
    source: N,
    *,
    samples: int,
    seed: int | np.random.Generator,
    confidence: float = 0.95,
) -> dict[N, Estimate]:
    """Plain Monte Carlo estimate of ``R(source, v)`` for every site, from one shared simulation.

    Each trial draws every link and site of the source's component once and propagates
    reachability from ``source`` (trials bit-packed 64 to a machine word, vectorised with numpy);
    ``v`` is counted when reached (``v`` itself taken as perfect). Each estimate is ``k_v / samples``
    with a Wilson interval; the estimates of different sites are correlated (same trials). With the
    same ``seed`` the value for ``t`` equals :func:`monte_carlo_two_terminal` ``(g, source, t)``.
    ``source`` is exactly 1 and sites outside its component exactly 0.
    """
    _require(g, source)
    if samples <= 0:
        raise ValueError(f"samples must be positive, got {samples}")
    net = _net(g)
    comp = _component(net.adj, source)
    counts = _simulate(_simple(net, comp), net.site, source, samples, _rng(seed))
    result: dict[N, Estimate] = {}
    for v in g.nodes:
        if v == source:
            result[v] = Estimate.exact(1.0)
        elif v not in comp:
            result[v] = Estimate.exact(0.0)
        else:
            k = counts.get(v, 0)
            low, high = wilson_interval(k, samples, confidence)
            result[v] = Estimate(k / samples, Method.MONTE_CARLO, low, high, samples)
    return result


# --------------------------------------------------------------------------------------------------
# One-to-all availability
# --------------------------------------------------------------------------------------------------


def _block_members(dfs: _Dfs) -> dict[Hashable, list[Hashable]]:
    members: dict[Hashable, list[Hashable]] = {}
    for v in itertools.islice(dfs.order, 1, None):
        members.setdefault(dfs.block[v], []).append(v)
    return members


def _reduced_size(adj: _Adj, site: Mapping[Hashable, float], entry: Hashable) -> int:
    """Links left in a block after series/dangling reduction with ``entry`` as the only terminal."""
    work = _copy(adj)
    _reduce(work, site, entry, entry)
    return sum(len(nbrs) for nbrs in work.values()) // 2


def _block_exact(
    sub: _Adj, site: Mapping[Hashable, float], entry: Hashable, members: list[Hashable]
) -> dict[Hashable, float]:
    """``R_B(entry, v)`` for every site ``v`` of a block, one exit at a time with a shared memo.

    Raises :class:`_TooWideError` if a sub-problem outgrows the frontier state cap.
    """
    memo: _Memo = {}
    return {v: _factor(_copy(sub), site, entry, v, memo, cap=_MAX_FRONTIER_STATES) for v in members}


def availability_to_root(
    g: nx.MultiGraph[N],
    root: N,
    *,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    mc_samples: int = DEFAULT_MC_SAMPLES,
    seed: int | np.random.Generator = 0,
    confidence: float = 0.95,
    cache: dict[Any, dict[Hashable, float]] | None = None,
) -> dict[N, Estimate]:
    """``R(root, v)`` for every site ``v``, from per-block two-terminal reliabilities.

    ``cache`` (optional, owned by the caller): exact block results keyed by the block's content (its entry,
    every link's availability, every site's), so that a caller analysing many similar networks (the
    migration plan: one route changes one block) solves each distinct block once.

    With the block-cut tree rooted at ``root``, a site ``v`` reached through blocks
    ``B_1 .. B_k`` with entry cut vertices ``c_0 = root, c_1, .., c_{k-1}`` has
    ``A(v) = Π_i R_{B_i}(c_{i-1}, c_i) · Π_{i>=1} a_{c_i}`` with ``c_k = v``; this equals
    :func:`two_terminal` ``(g, root, v)`` (root and ``v`` perfect). Each block is solved once for
    all its sites (cached per block, entry and exit): exactly by factoring when its size after
    series/dangling reduction with the entry as the only terminal is at most ``exact_limit`` links
    and no exit needs more than 10,000 frontier states, otherwise by one vectorised one-to-all
    Monte Carlo run of ``mc_samples`` trials (seeded from ``seed``: same input, same output).
    Neither the root's nor ``v``'s own availability is included: multiply by ``a_v`` for "site
    ``v`` is in service".

    The interval of a product with ``m`` simulated factors is the product of the factors' Wilson
    intervals, each at confidence ``1 - (1 - confidence)/m`` (Bonferroni), so it covers with
    probability at least ``confidence``. The root gets exactly 1; sites outside the root's
    component exactly 0.
    """
    _require(g, root)
    if exact_limit < 0:
        raise ValueError(f"exact_limit must be >= 0, got {exact_limit}")
    if mc_samples <= 0:
        raise ValueError(f"mc_samples must be positive, got {mc_samples}")
    net = _net(g)
    rng = _rng(seed)
    dfs = _dfs(net.adj, root, net.multi)

    # Per-block factors: exact value, or (successes, trials) for a simulated block.
    exact_factor: dict[Hashable, float] = {}
    mc_factor: dict[Hashable, tuple[int, int]] = {}
    for head, members in _block_members(dfs).items():
        entry = dfs.parent[head]
        if len(members) == 1:
            exact_factor[head] = net.pair(entry, head)
            continue
        sub = _simple(net, [entry, *members])
        key = None
        if cache is not None:  # a block identical link for link (and site for site) was solved before
            key = (entry, tuple(sorted(((repr(u), repr(v), p) for u, nb in sub.items() for v, p in nb.items()))),
                   tuple(sorted((repr(v), net.site.get(v, 1.0)) for v in members)))
            if key in cache:
                exact_factor.update(cache[key])
                continue
        if _reduced_size(sub, net.site, entry) <= exact_limit:
            try:
                solved = _block_exact(sub, net.site, entry, members)
                exact_factor.update(solved)
                if cache is not None and key is not None:
                    cache[key] = solved
                continue
            except _TooWideError:
                pass
        counts = _simulate(sub, net.site, entry, mc_samples, rng)
        for v in members:
            mc_factor[v] = (counts.get(v, 0), mc_samples)

    # Top-down along the block-cut tree: exact part and simulated factors of each site's path.
    exact_part: dict[Hashable, float] = {root: 1.0}
    simulated: dict[Hashable, tuple[tuple[int, int], ...]] = {root: ()}
    for v in itertools.islice(dfs.order, 1, None):
        entry = dfs.parent[dfs.block[v]]
        through = net.site[entry] if entry != root else 1.0
        exact_part[v] = exact_part[entry] * through * exact_factor.get(v, 1.0)
        simulated[v] = simulated[entry] + ((mc_factor[v],) if v in mc_factor else ())

    result: dict[N, Estimate] = {}
    for v in g.nodes:
        if v not in exact_part:
            result[v] = Estimate.exact(0.0)
        elif not simulated[v]:
            result[v] = Estimate.exact(exact_part[v])
        else:
            result[v] = _product_estimate(exact_part[v], simulated[v], confidence)
    return result


def _product_estimate(exact: float, factors: tuple[tuple[int, int], ...], confidence: float) -> Estimate:
    each = 1.0 - (1.0 - confidence) / len(factors)
    value = low = high = exact
    for k, n in factors:
        lo, hi = wilson_interval(k, n, each)
        value *= k / n
        low *= lo
        high *= hi
    return Estimate(value, Method.MONTE_CARLO, low, high, min(n for _, n in factors))


# --------------------------------------------------------------------------------------------------
# Single points of failure
# --------------------------------------------------------------------------------------------------


def cut_off_by(
    g: nx.MultiGraph[N],
    root: N,
    failed_edges: Iterable[str] = (),
    failed_nodes: Iterable[N] = (),
) -> set[N]:
    """Sites connected to ``root`` before, and not after, the given links and sites fail.

    ``C = comp(root, G) \\ comp(root, G - failed)``. A failed site that was connected is in ``C``
    itself. Raises ``ValueError`` for an unknown link key or site, or if ``root`` is among the
    failed sites.
    """
    _require(g, root)
    net = _net(g, need_link_availability=False)
    dead_links = set(failed_edges)
    for key in dead_links:
        if key not in net.ends:
            raise ValueError(f"link {key!r} is not in the graph")
    dead_sites: set[Hashable] = set(failed_nodes)
    _require(g, *dead_sites)
    if root in dead_sites:
        raise ValueError(f"the root {root!r} cannot be among the failed sites")
    before = _component(net.adj, root)
    after: set[Hashable] = {root}
    frontier: list[Hashable] = [root]
    while frontier:
        u = frontier.pop()
        for v, keys in net.adj[u].items():
            if v in after or v in dead_sites or all(k in dead_links for k in keys):
                continue
            after.add(v)
            frontier.append(v)
    return {v for v in g.nodes if v in before and v not in after}


def single_failure_impact(g: nx.MultiGraph[N], root: N) -> dict[str | N, frozenset[N]]:
    """For every link key and every non-root site: the sites its failure alone cuts off from root.

    From one DFS from ``root`` (lowpoints over link keys, so parallel links are never bridges):

    * a link is a bridge iff it is the only link of a tree edge ``p-c`` with ``low(c) > pre(p)``;
      it cuts off exactly the DFS subtree of ``c``; any other link cuts off nothing;
    * a site ``w`` cuts off itself and the subtree of each DFS child ``c`` with
      ``low(c) >= pre(w)``.

    Elements outside the root's component cut off nothing. Runs in ``O(V + E)`` plus the size of
    the answer. Raises ``ValueError`` if a link key equals a site name (the keys would clash).
    """
    _require(g, root)
    net = _net(g, need_link_availability=False)
    clash = [key for key in net.ends if key in net.adj]
    if clash:
        raise ValueError(f"link keys {sorted(clash)[:5]!r} are also site names; rename them")
    dfs = _dfs(net.adj, root, net.multi)
    order, pre, end, low, parent = dfs.order, dfs.pre, dfs.end, dfs.low, dfs.parent

    def subtree(v: Hashable) -> list[Hashable]:
        return order[pre[v] : end[v]]

    impact: dict[Any, frozenset[Any]] = {}
    empty: frozenset[Any] = frozenset()
    for key, (u, v) in net.ends.items():
        impact[key] = empty
        if u == v or u not in pre or v not in pre or net.multi(u, v):
            continue
        child = u if pre[u] > pre[v] else v
        top = v if child == u else u
        if parent.get(child) == top and low[child] > pre[top]:
            impact[key] = frozenset(subtree(child))
    cut: dict[Hashable, list[Hashable]] = {}
    for c in itertools.islice(order, 1, None):
        p = parent[c]
        if low[c] >= pre[p]:
            cut.setdefault(p, [p]).extend(subtree(c))
    for w in g.nodes:
        if w == root:
            continue
        if w in pre:
            impact[w] = frozenset(cut.get(w, (w,)))
        else:
            impact[w] = empty
    return impact


def bridges_and_cutpoints_for(
    g: nx.MultiGraph[N], root: N
) -> dict[N, tuple[frozenset[str], frozenset[N]]]:
    """Each connected site's single points of failure: ``(links, sites)`` whose failure cuts it off.

    A link or site separates ``v`` from ``root`` iff it lies on every root-``v`` path, hence on the
    DFS-tree path: the bridges on that path, and the tree ancestors ``p`` (not the root, not ``v``)
    whose child ``c`` towards ``v`` has ``low(c) >= pre(p)``. The site itself and the root are not
    listed. Sites outside the root's component have no path to lose and are left out.
    """
    _require(g, root)
    net = _net(g, need_link_availability=False)
    dfs = _dfs(net.adj, root, net.multi)
    links: dict[Hashable, frozenset[str]] = {root: frozenset()}
    sites: dict[Hashable, frozenset[Any]] = {root: frozenset()}
    for v in itertools.islice(dfs.order, 1, None):
        p = dfs.parent[v]
        links[v] = links[p]
        sites[v] = sites[p]
        if dfs.low[v] > dfs.pre[p] and not net.multi(p, v):
            links[v] = links[p] | {net.adj[p][v][0]}
        if p != root and dfs.low[v] >= dfs.pre[p]:
            sites[v] = sites[p] | {p}
    return {v: (links[v], sites[v]) for v in g.nodes if v in links}
