"""Redundancy, predicted availability and single points of failure of every site, relative to the DC. Pure.

Classes (wired = fibre or leased line; radio = 2.4/5.8 GHz):
  unreachable      no path to the DC at all;
  radio-only       a path exists, but none that is wired end to end;
  fibre-only       a wired path exists, and one link fails it: no redundancy at all;
  fibre+radio      a wired path, and no single link failure cuts the site off, but two wired link-disjoint
                   paths do not exist: the backup is radio (the master plan's target);
  fibre-redundant  two link-disjoint wired paths.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import networkx as nx

from kotanet.errors import UsageError
from kotanet.inventory.choices import TIA_TIER_AVAILABILITY, FailoverMode, LinkMedium, SiteKind, TiaTier
from kotanet.inventory.models import Inventory, Service
from kotanet.topology.graph import AvailabilityModel, NetworkState, build_graph, dc_site, state_today
from kotanet.topology.reliability import (
    Estimate,
    availability_to_root,
    bridges_and_cutpoints_for,
    cut_off_by,
)

__all__ = [
    "USER_SITE_KINDS",
    "NetworkAnalysis",
    "RedundancyClass",
    "ServiceAnalysis",
    "SiteAnalysis",
    "WhatIf",
    "analyze",
    "analyze_services",
    "what_if",
]

WIRED = frozenset({LinkMedium.FIBRE, LinkMedium.LEASED_LINE})
USER_SITE_KINDS = frozenset({SiteKind.DEPARTMENT, SiteKind.KELURAHAN, SiteKind.KECAMATAN, SiteKind.CITY_HALL,
                             SiteKind.NOC})
CONNECTIVITY_EXACT_LIMIT = 3000  # above this many sites, edge connectivity is reported as 1 or ">= 2"


class RedundancyClass(StrEnum):
    UNREACHABLE = "unreachable"
    RADIO_ONLY = "radio-only"
    FIBRE_ONLY = "fibre-only"
    FIBRE_RADIO = "fibre+radio"
    FIBRE_REDUNDANT = "fibre-redundant"


@dataclass(frozen=True, slots=True)
class SiteAnalysis:
    """`paths`: the preferred path (lowest OSPF cost) first, then the other link-disjoint paths to the DC."""

    site: str
    name: str
    kind: SiteKind
    cls: RedundancyClass
    availability: Estimate  # of the site's connection to the DC (the site's own equipment excluded)
    end_to_end: float  # availability x the DC's TIA-942 tier availability
    meets_sla: bool
    spof_links: tuple[str, ...]
    spof_sites: tuple[str, ...]
    edge_connectivity: int
    paths: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict[str, object]:
        return {
            "site": self.site,
            "name": self.name,
            "kind": self.kind.value,
            "class": self.cls.value,
            "availability": self.availability.value,
            "availability_method": self.availability.method.value,
            "availability_ci": [self.availability.ci_low, self.availability.ci_high],
            "end_to_end": self.end_to_end,
            "meets_sla": self.meets_sla,
            "spof": [*self.spof_links, *self.spof_sites],
            "spof_links": list(self.spof_links),
            "spof_sites": list(self.spof_sites),
            "edge_connectivity": self.edge_connectivity,
            "paths": [list(p) for p in self.paths],
        }


@dataclass(frozen=True, slots=True)
class NetworkAnalysis:
    dc: str
    dc_tier: TiaTier
    dc_availability: float
    sla_pct: float
    state: NetworkState
    sites: Mapping[str, SiteAnalysis]
    max_path_availability_for_sla: float = field(default=0.0)

    @property
    def sla_reachable(self) -> bool:
        """Can any site meet the SLA end to end, given the DC's tier? (A perfect network gives the tier.)"""
        return self.dc_availability >= self.sla_pct / 100.0

    def to_json(self) -> dict[str, object]:
        return {
            "dc": self.dc,
            "dc_tier": self.dc_tier.value,
            "dc_availability": self.dc_availability,
            "sla_pct": self.sla_pct,
            "sla_reachable_with_dc_tier": self.sla_reachable,
            "path_availability_needed": self.max_path_availability_for_sla,
            "state": self.state.label(),
            "classes": _count(s.cls.value for s in self.sites.values()),
            "sites": [s.to_json() for s in self.sites.values()],
        }


def _count(values: Iterable[str]) -> dict[str, int]:
    out = {c.value: 0 for c in RedundancyClass}
    for v in values:
        out[v] += 1
    return out


def _wired(g: nx.MultiGraph[str]) -> nx.MultiGraph[str]:
    w: nx.MultiGraph[str] = nx.MultiGraph()
    w.add_nodes_from(g.nodes(data=True))
    for u, v, k, d in g.edges(keys=True, data=True):
        if d["medium"] in WIRED:
            w.add_edge(u, v, key=k, **d)
    return w


def _adjacency(g: nx.MultiGraph[str]) -> dict[str, list[str]]:
    """Each site's neighbours, one entry per parallel link (for unit-capacity flows)."""
    adj: dict[str, list[str]] = {v: [] for v in g.nodes}
    for u, v in g.edges():
        if u != v:
            adj[u].append(v)
            adj[v].append(u)
    return adj


def _drop_loops(path: list[str]) -> list[str]:
    """A walk that flow decomposition may produce (it can revisit a site through a cycle) made simple."""
    out: list[str] = []
    where: dict[str, int] = {}
    for v in path:
        if v in where:
            del out[where[v] + 1:]
            where = {w: i for i, w in enumerate(out)}
        else:
            where[v] = len(out)
            out.append(v)
    return out


def disjoint_paths(adj: Mapping[str, Sequence[str]], src: str, dst: str,
                   limit: int | None = None) -> list[tuple[str, ...]]:
    """A maximum set of link-disjoint src-dst paths (unit-capacity max flow by BFS augmentation, then its
    decomposition). len(result) is the local edge connectivity (capped at `limit`)."""
    flow: dict[tuple[str, str], int] = {}
    cap: dict[tuple[str, str], int] = {}
    for u, nbrs in adj.items():
        for v in nbrs:
            cap[(u, v)] = cap.get((u, v), 0) + 1
    count = 0
    while limit is None or count < limit:
        prev: dict[str, str] = {src: src}
        queue = [src]
        for u in queue:
            if u == dst:
                break
            for v in set(adj[u]):
                if v not in prev and cap[(u, v)] - flow.get((u, v), 0) + flow.get((v, u), 0) > 0:
                    prev[v] = u
                    queue.append(v)
        if dst not in prev:
            break
        v = dst
        while v != src:
            u = prev[v]
            if flow.get((v, u), 0) > 0:
                flow[(v, u)] -= 1
            else:
                flow[(u, v)] = flow.get((u, v), 0) + 1
            v = u
        count += 1
    out_arcs: dict[str, list[str]] = {}
    for (u, v), f in flow.items():
        out_arcs.setdefault(u, []).extend([v] * f)  # each unit of flow leaving u, after cancellation
    paths: list[tuple[str, ...]] = []
    for _ in range(count):
        path = [src]
        while path[-1] != dst:
            path.append(out_arcs[path[-1]].pop())
        paths.append(tuple(_drop_loops(path)))
    return paths


def dc_tier_of(inv: Inventory, dc: str) -> TiaTier:
    site = inv.site(dc)
    return site.tier if site is not None and site.tier is not None else TiaTier.I


def analyze(inv: Inventory, state: NetworkState | None = None, model: AvailabilityModel | None = None, *,
            sla_pct: float | None = None, max_paths: int = 3, sites: Sequence[str] | None = None,
            seed: int = 0, cache: dict[Any, dict[Any, float]] | None = None) -> NetworkAnalysis:
    """Analyse every site (or `sites`) of `inv` in `state` (default: today's active links)."""
    state = state or state_today(inv)
    g = build_graph(inv, state, model)
    dc = dc_site(inv)
    tier = dc_tier_of(inv, dc)
    dc_avail = TIA_TIER_AVAILABILITY[tier]
    sla = inv.settings.default_sla_pct if sla_pct is None else sla_pct
    avail = availability_to_root(g, dc, seed=seed, cache=cache)
    spofs = bridges_and_cutpoints_for(g, dc)
    wired = _wired(g)
    wired_spofs = bridges_and_cutpoints_for(wired, dc)
    adj = _adjacency(g)
    exact_lambda = g.number_of_nodes() <= CONNECTIVITY_EXACT_LIMIT
    cost_graph: nx.Graph[str] = nx.Graph()
    for u, v, d in g.edges(data=True):
        if u != v and (not cost_graph.has_edge(u, v) or cost_graph[u][v]["cost"] > d["cost"]):
            cost_graph.add_edge(u, v, cost=d["cost"])
    preferred = nx.single_source_dijkstra_path(cost_graph, dc, weight="cost") if dc in cost_graph else {}
    wanted = list(sites) if sites is not None else list(g.nodes)
    out: dict[str, SiteAnalysis] = {}
    for v in wanted:
        node = g.nodes[v]
        if v == dc:
            cls = RedundancyClass.FIBRE_REDUNDANT
            est = Estimate.exact(1.0)
            lam = 0
            paths: tuple[tuple[str, ...], ...] = ((dc,),)
            links: frozenset[str] = frozenset()
            cut_sites: frozenset[str] = frozenset()
        elif v not in spofs:
            cls, est, lam, paths, links, cut_sites = (RedundancyClass.UNREACHABLE, Estimate.exact(0.0), 0, (),
                                                      frozenset(), frozenset())
        else:
            links, cut_sites = spofs[v]
            est = avail[v]
            if v not in wired_spofs:
                cls = RedundancyClass.RADIO_ONLY
            elif not wired_spofs[v][0]:
                cls = RedundancyClass.FIBRE_REDUNDANT
            elif not links:
                cls = RedundancyClass.FIBRE_RADIO
            else:
                cls = RedundancyClass.FIBRE_ONLY
            best = tuple(reversed(preferred[v]))
            if links:
                lam, disjoint = 1, [best]
            else:
                disjoint = [tuple(reversed(p)) for p in disjoint_paths(adj, dc, v, None if exact_lambda else 2)]
                lam = len(disjoint)
            paths = (best, *[p for p in disjoint if p != best])[:max(max_paths, 1)]
        e2e = est.value * dc_avail
        out[v] = SiteAnalysis(
            site=v, name=node["name"], kind=node["kind"], cls=cls, availability=est, end_to_end=e2e,
            meets_sla=e2e >= sla / 100.0, spof_links=tuple(sorted(links)), spof_sites=tuple(sorted(cut_sites)),
            edge_connectivity=lam, paths=paths)
    return NetworkAnalysis(dc=dc, dc_tier=tier, dc_availability=dc_avail, sla_pct=sla, state=state, sites=out,
                           max_path_availability_for_sla=min(1.0, sla / 100.0 / dc_avail))


# ------------------------------------------------------------------------------------------ services

@dataclass(frozen=True, slots=True)
class ServiceAnalysis:
    service: str
    name: str
    primary: str
    replica: str | None
    failover: FailoverMode
    hosting_availability: float  # DC (or DC with DRC failover) alone, no network
    mean: float  # over the sites that use it
    worst: float
    worst_site: str
    users: int

    def to_json(self) -> dict[str, object]:
        return {"service": self.service, "name": self.name, "primary": self.primary, "replica": self.replica,
                "failover": self.failover.value, "hosting_availability": self.hosting_availability,
                "mean": self.mean, "worst": self.worst, "worst_site": self.worst_site, "users": self.users}


def _tier(inv: Inventory, site_id: str) -> float:
    site = inv.site(site_id)
    return TIA_TIER_AVAILABILITY[site.tier if site and site.tier else TiaTier.I]


def _users(inv: Inventory, svc: Service) -> list[str]:
    if not svc.used_by:
        return [s.id for s in inv.sites if s.kind in USER_SITE_KINDS]
    tenants = set(svc.used_by)
    return [s.id for s in inv.sites if s.id in tenants or (s.tenant in tenants and s.kind in USER_SITE_KINDS)]


def analyze_services(inv: Inventory, state: NetworkState | None = None,
                     model: AvailabilityModel | None = None) -> list[ServiceAnalysis]:
    """Each service's availability as seen from the sites that use it: exact two-terminal reliability from
    the site to a virtual service node joined to the DC (edge = the DC's tier availability) and, when the
    service fails over, to the DRC (edge = the DRC's tier). Manual failover is assumed to be carried out."""
    g = build_graph(inv, state, model)
    out: list[ServiceAnalysis] = []
    for svc in inv.services:
        h = g.copy()
        root = f"service:{svc.id}"
        h.add_node(root, availability=1.0)
        h.nodes[svc.primary_site]["availability"] = 1.0
        h.add_edge(root, svc.primary_site, key=f"host:{svc.primary_site}", availability=_tier(inv, svc.primary_site),
                   medium=LinkMedium.FIBRE, cost=0)
        hosting = _tier(inv, svc.primary_site)
        replica = svc.replica_site if svc.failover is not FailoverMode.NONE else None
        if replica is not None:
            h.nodes[replica]["availability"] = 1.0
            h.add_edge(root, replica, key=f"host:{replica}", availability=_tier(inv, replica),
                       medium=LinkMedium.FIBRE, cost=0)
            hosting = 1 - (1 - hosting) * (1 - _tier(inv, replica))
        avail = availability_to_root(h, root)
        users = _users(inv, svc)
        values = {u: avail[u].value for u in users} if users else {svc.primary_site: hosting}
        worst_site = min(values, key=lambda u: (values[u], u))
        out.append(ServiceAnalysis(
            service=svc.id, name=svc.name, primary=svc.primary_site, replica=replica, failover=svc.failover,
            hosting_availability=hosting, mean=math.fsum(values.values()) / len(values), worst=values[worst_site],
            worst_site=worst_site, users=len(users)))
    return out


# ------------------------------------------------------------------------------------------ what-if

@dataclass(frozen=True, slots=True)
class WhatIf:
    failed_links: tuple[str, ...]
    failed_sites: tuple[str, ...]
    cut_off: tuple[str, ...]
    changed: tuple[tuple[str, str, str, float, float], ...]  # site, class before, after, avail before, after

    def to_json(self) -> dict[str, object]:
        return {
            "failed_links": list(self.failed_links),
            "failed_sites": list(self.failed_sites),
            "cut_off": list(self.cut_off),
            "changed": [{"site": s, "class_before": cb, "class_after": ca, "availability_before": ab,
                         "availability_after": aa} for s, cb, ca, ab, aa in self.changed],
        }


def resolve_ids(inv: Inventory, ids: Sequence[str], *, option: str = "--fail") -> tuple[list[str], list[str]]:
    """Split ids into (links, sites); an unknown id raises UsageError listing the closest ids."""
    link_ids = {lk.id for lk in inv.links}
    site_ids = {s.id for s in inv.sites}
    links, sites = [], []
    for ident in ids:
        if ident in link_ids:
            links.append(ident)
        elif ident in site_ids:
            sites.append(ident)
        else:
            close = difflib.get_close_matches(ident, sorted(link_ids | site_ids), n=5, cutoff=0.5)
            hint = f"closest ids: {', '.join(close)}" if close else "list ids with 'kotanet inventory export -f json'"
            raise UsageError(f"{option} {ident!r} is neither a link nor a site of the inventory", hint=hint)
    return links, sites


def what_if(inv: Inventory, fail: Sequence[str], state: NetworkState | None = None,
            model: AvailabilityModel | None = None) -> WhatIf:
    """Fail the given links and sites: who is cut off, and whose class or availability changes."""
    state = state or state_today(inv)
    links, sites = resolve_ids(inv, fail)
    dc = dc_site(inv)
    if dc in sites:
        raise UsageError(f"--fail {dc!r} is the data centre, the root of the analysis",
                         hint="fail the links or sites around it instead")
    g = build_graph(inv, state, model)
    live_links = [lk for lk in links if lk in {k for _, _, k in g.edges(keys=True)}]
    cut = cut_off_by(g, dc, live_links, sites)
    before = analyze(inv, state, model)
    after_state = NetworkState(up=state.up - set(links), backup=state.backup - set(links), applied=state.applied)
    after_inv = inv
    if sites:  # a failed site loses every link it terminates
        dev_site = {d.id: d.site for d in inv.devices}
        dead = {lk.id for lk in inv.links if dev_site[lk.a.device] in sites or dev_site[lk.b.device] in sites}
        after_state = NetworkState(up=after_state.up - dead, backup=after_state.backup - dead,
                                   applied=state.applied)
    after = analyze(after_inv, after_state, model)
    changed = []
    for sid, b in before.sites.items():
        a = after.sites[sid]
        if sid in sites:
            continue
        if a.cls != b.cls or abs(a.availability.value - b.availability.value) > 1e-12:
            changed.append((sid, b.cls.value, a.cls.value, b.availability.value, a.availability.value))
    return WhatIf(tuple(links), tuple(sites), tuple(sorted(cut)), tuple(changed))
