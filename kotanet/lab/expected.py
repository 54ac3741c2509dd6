"""The routes each router of the twin should have, and how they differ from the kernel's. Pure.

OSPF picks the shortest paths by cost; with ties, all of them (ECMP). For every router and every other
router's loopback this works out the set of next hops `(gateway, interface)` the kernel must hold, from the
twin's plan and the links that are up. A manhole segment is a transit network, as in OSPF: the cost of the
port into it, nothing out of it, and the next hop is the address of the router on the far side (only
routers whose ports share a subnet become neighbours, once per subnet they share).

`parse_routes` reads `ip -j route show proto ospf`; `diff_routes` names every route that is missing, extra
or has the wrong next hops, so a convergence check can poll until the list is empty.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address

from kotanet.lab.plan import Port, TwinPlan

__all__ = ["NextHop", "RouteDiff", "Routes", "diff_routes", "expected_routes", "parse_routes", "reachable_to"]


@dataclass(frozen=True, slots=True, order=True)
class NextHop:
    gateway: str
    dev: str

    def __str__(self) -> str:
        return f"via {self.gateway} dev {self.dev}"


# namespace -> destination (a loopback address, as text) -> next hops
Routes = dict[str, dict[str, frozenset[NextHop]]]


@dataclass(frozen=True, slots=True)
class RouteDiff:
    namespace: str
    destination: str
    expected: frozenset[NextHop]
    actual: frozenset[NextHop]

    def __str__(self) -> str:
        def show(hops: frozenset[NextHop]) -> str:
            return ", ".join(str(h) for h in sorted(hops)) or "no route"
        return f"{self.namespace}: {self.destination}: expected {show(self.expected)}; kernel has {show(self.actual)}"


# router site -> list of (neighbour router site, cost, interface on this router, the neighbour's address)
_Adj = dict[str, list[tuple[str, int, str, str]]]


def _graph(plan: TwinPlan, down: Iterable[str], dead_sites: Iterable[str] = ()) -> tuple[_Adj, set[str]]:
    """Routers and their adjacencies. A manhole segment joins, pairwise, the routers whose ports on it share a
    subnet (OSPF forms no adjacency across subnets), at the cost of the port the traffic leaves by."""
    dead = set(down)
    gone = set(dead_sites)
    routers = {r.site for r in plan.routers} - gone
    adj: _Adj = {r: [] for r in routers}
    segments: dict[str, list[tuple[int, Port]]] = {}
    for lk in plan.links:
        if lk.id in dead or lk.a.site in gone or lk.b.site in gone:
            continue
        if lk.segment is None:
            assert lk.a.address is not None and lk.b.address is not None
            adj[lk.a.site].append((lk.b.site, lk.cost, lk.a.ifname, str(lk.b.address.ip)))
            adj[lk.b.site].append((lk.a.site, lk.cost, lk.b.ifname, str(lk.a.address.ip)))
            continue
        router = lk.a if lk.a.address is not None else lk.b
        segments.setdefault(lk.segment, []).append((lk.cost, router))
    for ports in segments.values():
        for cost, p in ports:
            for _, q in ports:
                if q.site == p.site:
                    continue
                for pa in p.addresses():  # one adjacency per shared subnet (a spliced fibre's is extra)
                    adj[p.site] += [(q.site, cost, p.ifname, str(qa.ip)) for qa in q.addresses()
                                    if qa.network == pa.network]
    return adj, routers


def _dist_to(adj: _Adj, target: str) -> dict[str, int]:
    """Distance from every node to `target` (links are symmetric except a segment's zero-cost exits)."""
    rev: dict[str, list[tuple[str, int]]] = {n: [] for n in adj}
    for u, edges in adj.items():
        for v, cost, _, _ in edges:
            rev[v].append((u, cost))
    dist = {target: 0}
    heap = [(0, target)]
    while heap:
        d, v = heapq.heappop(heap)
        if d > dist.get(v, 1 << 60):
            continue
        for u, cost in rev[v]:
            nd = d + cost
            if nd < dist.get(u, 1 << 60):
                dist[u] = nd
                heapq.heappush(heap, (nd, u))
    return dist


def expected_routes(plan: TwinPlan, down: Iterable[str] = (), dead: Iterable[str] = ()) -> Routes:
    """namespace -> loopback -> the ECMP set of next hops, with the links in `down` failed and the routers
    of the sites in `dead` crashed (their own kernels are not compared: a killed zebra leaves its routes)."""
    adj, routers = _graph(plan, down, dead)
    alive = [r for r in plan.routers if r.site in routers]
    out: Routes = {r.namespace: {} for r in alive}
    ns = {r.site: r.namespace for r in alive}
    for dst in alive:
        dist = _dist_to(adj, dst.site)
        for src in alive:
            if src.site == dst.site or src.site not in dist:
                continue
            total = dist[src.site]
            hops: set[NextHop] = set()
            for v, cost, dev, gw in adj[src.site]:
                if v in dist and cost + dist[v] == total:
                    hops.add(NextHop(gw, dev))
            for loop in dst.loopbacks:
                out[ns[src.site]][str(loop)] = frozenset(hops)
    return out


def parse_routes(text: str, destinations: Iterable[str] | None = None) -> dict[str, frozenset[NextHop]]:
    """`ip -j route show proto ospf` -> destination -> next hops (only host routes, or `destinations`)."""
    wanted = set(destinations) if destinations is not None else None
    out: dict[str, frozenset[NextHop]] = {}
    for entry in json.loads(text or "[]"):
        dst = str(entry.get("dst", ""))
        if dst.endswith("/32"):
            dst = dst[:-3]
        if wanted is not None and dst not in wanted:
            continue
        if wanted is None and "/" in dst:
            continue
        hops = entry.get("nexthops") or [entry]
        out[dst] = frozenset(NextHop(str(h.get("gateway", "")), str(h.get("dev", ""))) for h in hops)
    return out


def diff_routes(expected: Routes, actual: Mapping[str, Mapping[str, frozenset[NextHop]]]) -> list[RouteDiff]:
    """Every (namespace, destination) whose kernel next hops differ from the expected ones."""
    diffs: list[RouteDiff] = []
    for ns in sorted(expected):
        exp = expected[ns]
        act = actual.get(ns, {})
        for dst in sorted(set(exp) | set(act), key=_addr_key):
            e, a = exp.get(dst, frozenset()), act.get(dst, frozenset())
            if e != a:
                diffs.append(RouteDiff(ns, dst, e, a))
    return diffs


def reachable_to(plan: TwinPlan, routes: Mapping[str, Mapping[str, frozenset[NextHop]]], site: str) -> set[str]:
    """The router sites that have a route to `site`'s router id and that it has a route back to."""
    target = plan.router(site)
    back = routes.get(target.namespace, {})
    out = {site}
    for r in plan.routers:
        if r.site == site:
            continue
        if routes.get(r.namespace, {}).get(str(target.router_id)) and back.get(str(r.router_id)):
            out.add(r.site)
    return out


def _addr_key(text: str) -> tuple[int, str]:
    try:
        return (int(IPv4Address(text)), "")
    except ValueError:
        return (1 << 33, text)
