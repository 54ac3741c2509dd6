"""The migration plan: order, dependencies, before/after, addressing and cutover impact of every route. Pure.

Order. A route depends on the routes named in its `depends_on`, and on every earlier route whose new fibre
its own new fibre needs to reach the DC over a wired path (derived: route 8's fibre from Kel. Kedung Badak
only reaches the DC once route 7 has brought fibre to Kedung Badak). Among the routes whose dependencies
are met, the lowest route number goes first.

Before/after. Route k's "before" is the network with routes 1..k-1 of the order applied; its "after" adds
route k. The retired radio is removed, or kept as a higher-cost backup with `keep_radio_backup`; the plan
shows the availability difference between the two for every affected site.

Affected sites. A route's endpoints, and every site whose class changes or whose predicted availability
moves by at least AFFECTED_DELTA (1e-6, about 2.6 s a month): a new ring moves many sites by 1e-10, which
is arithmetic, not an effect anyone could measure.

Cutover. During the change window the radio being retired (and any fibre being moved) is down before the
new fibre carries traffic: the sites cut off by losing those links in the "before" network lose service.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kotanet.errors import KotanetError, UsageError
from kotanet.inventory.choices import LinkMedium, MigrationAction
from kotanet.inventory.models import Endpoint, Inventory, Migration
from kotanet.topology.addressing import P2pAssignment, allocate_p2p
from kotanet.topology.analysis import NetworkAnalysis
from kotanet.topology.analysis import analyze as analyze_network
from kotanet.topology.graph import AvailabilityModel, NetworkState, build_graph, dc_site, state_after, state_today
from kotanet.topology.reliability import cut_off_by

__all__ = ["MigrationPlan", "RoutePlan", "SiteChange", "natural_key", "order_routes", "plan_migrations"]

WIRED = frozenset({LinkMedium.FIBRE, LinkMedium.LEASED_LINE})
AFFECTED_DELTA = 1e-6


def natural_key(route_id: str) -> tuple[int, str]:
    m = re.match(r"^(\d+)(.*)$", route_id)
    return (int(m.group(1)), m.group(2)) if m else (10**9, route_id)


@dataclass(frozen=True, slots=True)
class SiteChange:
    site: str
    class_before: str
    class_after: str
    availability_before: float
    availability_after: float
    availability_keep_radio: float | None  # the "after" availability if the radio were kept as backup

    def to_json(self) -> dict[str, object]:
        return {"site": self.site, "class_before": self.class_before, "class_after": self.class_after,
                "availability_before": self.availability_before, "availability_after": self.availability_after,
                "availability_if_radio_kept": self.availability_keep_radio}


@dataclass(frozen=True, slots=True)
class RoutePlan:
    route: str
    name: str
    action: MigrationAction
    a_site: str
    b_site: str
    position: int
    depends_on: tuple[str, ...]
    derived_dependencies: tuple[str, ...]
    new_links: tuple[str, ...]
    retires: tuple[str, ...]
    reroutes: tuple[str, ...]
    radio_kept_as_backup: bool
    changes: tuple[SiteChange, ...]
    cutover_outage: tuple[str, ...]
    addressing: tuple[P2pAssignment, ...]
    reaches_dc_over_fibre: bool

    @property
    def affected_sites(self) -> tuple[str, ...]:
        return tuple(c.site for c in self.changes)

    def to_json(self) -> dict[str, object]:
        return {
            "route": self.route,
            "name": self.name,
            "action": self.action.value,
            "position": self.position,
            "endpoints": [self.a_site, self.b_site],
            "depends_on": list(self.depends_on),
            "derived_dependencies": list(self.derived_dependencies),
            "new_links": list(self.new_links),
            "retires": list(self.retires),
            "reroutes": list(self.reroutes),
            "radio_kept_as_backup": self.radio_kept_as_backup,
            "affected_sites": list(self.affected_sites),
            "before": {c.site: {"class": c.class_before, "availability": c.availability_before}
                       for c in self.changes},
            "after": {c.site: {"class": c.class_after, "availability": c.availability_after}
                      for c in self.changes},
            "changes": [c.to_json() for c in self.changes],
            "cutover_outage": list(self.cutover_outage),
            "addressing": [{"link": a.link, "network": str(a.network),
                            "a": {"device": a.a.device, "interface": a.a.interface, "address": str(a.a_address)},
                            "b": {"device": a.b.device, "interface": a.b.interface, "address": str(a.b_address)},
                            "spliced_at": a.spliced_at, "spliced_towards": a.spliced_towards,
                            "spliced_through": None if a.spliced_through is None else
                            {"device": a.spliced_through.device, "interface": a.spliced_through.interface}}
                           for a in self.addressing],
            "reaches_dc_over_fibre": self.reaches_dc_over_fibre,
        }


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    keep_radio_backup: bool
    total: int
    routes: tuple[RoutePlan, ...]
    today: NetworkAnalysis
    final: NetworkAnalysis

    def route(self, route_id: str) -> RoutePlan:
        for r in self.routes:
            if r.route == route_id:
                return r
        raise UsageError(f"unknown route {route_id!r}", hint=f"valid routes: {', '.join(r.route for r in self.routes)}")

    def to_json(self) -> dict[str, object]:
        classes_today = self.today.to_json()["classes"]
        classes_final = self.final.to_json()["classes"]
        return {"keep_radio_backup": self.keep_radio_backup, "order": [r.route for r in self.routes],
                "classes_today": classes_today, "classes_after_plan": classes_final,
                "routes": [r.to_json() for r in self.routes]}


def _wired_graph(inv: Inventory, state: NetworkState) -> nx.Graph[str]:
    g = build_graph(inv, state)
    w: nx.Graph[str] = nx.Graph()
    w.add_nodes_from(g.nodes)
    for u, v, k, d in g.edges(keys=True, data=True):
        if d["medium"] in WIRED:
            w.add_edge(u, v, link=k)
    return w


def order_routes(inv: Inventory) -> tuple[list[str], dict[str, set[str]], set[str], dict[str, set[str]]]:
    """(order, derived dependencies per route, routes whose fibre never reaches the DC over a wired path,
    direct dependencies per route: the transitive reduction of the declared and derived ones)."""
    routes: dict[str, Migration] = {m.id: m for m in inv.migrations}
    owner = {lid: m.id for m in inv.migrations for lid in m.new_links}
    dc = dc_site(inv)
    derived: dict[str, set[str]] = {rid: set() for rid in routes}
    # Greedy feasibility: apply routes in number order whenever their new fibre joins the DC's wired network.
    applied: list[str] = []
    pending = sorted(routes, key=natural_key)
    state = state_today(inv)
    progress = True
    while pending and progress:
        progress = False
        for rid in list(pending):
            trial = state_after(inv, [rid], base=state)
            w = _wired_graph(inv, trial)
            ends = {s for lid in routes[rid].new_links for s in _ends(inv, lid)}
            if not all(nx.has_path(w, dc, s) for s in ends if s in w):
                continue
            for s in ends:
                path = nx.shortest_path(w, dc, s)
                for u, v in itertools.pairwise(path):
                    dep = owner.get(w[u][v]["link"])
                    if dep is not None and dep != rid:
                        derived[rid].add(dep)
            applied.append(rid)
            pending.remove(rid)
            state = trial
            progress = True
            break
    islands = set(pending)
    deps: nx.DiGraph[str] = nx.DiGraph()
    deps.add_nodes_from(routes)
    for rid, m in routes.items():
        for dep in {*m.depends_on, *derived[rid]}:
            deps.add_edge(dep, rid)
    if not nx.is_directed_acyclic_graph(deps):
        cycle = " -> ".join(u for u, _ in nx.find_cycle(deps))
        raise KotanetError(f"the migration routes depend on each other in a cycle: {cycle}",
                           hint="fix depends_on in migrations.yaml")
    order = list(nx.lexicographical_topological_sort(deps, key=natural_key))
    direct = nx.transitive_reduction(deps)
    return order, derived, islands, {rid: set(direct.predecessors(rid)) for rid in routes}


def _towards_dc(inv: Inventory, state: NetworkState) -> tuple[dict[str, str], dict[str, Endpoint]]:
    """For each passive site (manhole): the first active site on its lowest-cost wired path to the DC, and
    that site's interface on the cable it reaches the path's last passive site by (where a core spliced at
    the manhole lands)."""
    g = build_graph(inv, state)
    w: nx.Graph[str] = nx.Graph()
    for u, v, key, d in g.edges(keys=True, data=True):
        if d["medium"] in WIRED and (not w.has_edge(u, v) or w[u][v]["cost"] > d["cost"]):
            w.add_edge(u, v, cost=d["cost"], link=key)
    dc = dc_site(inv)
    dev_site = {d.id: d.site for d in inv.devices}
    towards: dict[str, str] = {}
    through: dict[str, Endpoint] = {}
    for site in inv.sites:
        if site.kind.passive and site.id in w and dc in w and nx.has_path(w, site.id, dc):
            path = nx.shortest_path(w, site.id, dc, weight="cost")
            i = next((i for i, p in enumerate(path) if i and not g.nodes[p]["kind"].passive), None)
            towards[site.id] = dc if i is None else path[i]
            if i is not None:
                lk = inv.link(w[path[i - 1]][path[i]]["link"])
                assert lk is not None
                through[site.id] = lk.a if dev_site[lk.a.device] == path[i] else lk.b
    return towards, through


def _ends(inv: Inventory, link_id: str) -> tuple[str, str]:
    dev_site = {d.id: d.site for d in inv.devices}
    lk = inv.link(link_id)
    if lk is None:
        raise KotanetError(f"link {link_id!r} is not in the inventory")
    return dev_site[lk.a.device], dev_site[lk.b.device]


def plan_migrations(inv: Inventory, *, keep_radio_backup: bool = False, model: AvailabilityModel | None = None,
                    routes: Sequence[str] | None = None) -> MigrationPlan:
    """The whole plan in execution order. `routes` limits the detail to some routes (all are ordered)."""
    by_id: Mapping[str, Migration] = {m.id: m for m in inv.migrations}
    for rid in routes or ():
        if rid not in by_id:
            valid = ", ".join(sorted(by_id, key=natural_key))
            raise UsageError(f"unknown route {rid!r}", hint=f"valid routes: {valid}")
    order, derived, islands, direct = order_routes(inv)
    dc = dc_site(inv)
    towards, through = _towards_dc(inv, state_after(inv, order))
    addressing = {a.link: a for a in allocate_p2p(inv, [lid for rid in order for lid in by_id[rid].new_links],
                                                  towards=towards, through=through)}
    state = state_today(inv)
    blocks: dict[Any, dict[Any, float]] = {}  # exact block results shared by every analysis of the plan

    def analyze(inv: Inventory, state: NetworkState, model: AvailabilityModel | None) -> NetworkAnalysis:
        return analyze_network(inv, state, model, cache=blocks)

    today = analyze(inv, state, model)
    before: NetworkAnalysis | None = today
    out: list[RoutePlan] = []
    for pos, rid in enumerate(order, start=1):
        m = by_id[rid]
        after_state = state_after(inv, [rid], keep_radio_backup=keep_radio_backup, base=state)
        if routes is not None and rid not in routes:
            state, before = after_state, None  # analysed lazily, only if a later route needs it
            continue
        if before is None:
            before = analyze(inv, state, model)
        after = analyze(inv, after_state, model)
        alt_state = state_after(inv, [rid], keep_radio_backup=not keep_radio_backup, base=state)
        alt = analyze(inv, alt_state, model) if m.retires else None
        if not keep_radio_backup and alt is not None:
            kept = alt
        elif keep_radio_backup:
            kept = after
        else:
            kept = None
        endpoints = {s for lid in m.new_links for s in _ends(inv, lid)} | {m.a_site, m.b_site}
        changes = []
        for sid, b in before.sites.items():
            a = after.sites[sid]
            if sid in endpoints or a.cls != b.cls or abs(a.availability.value - b.availability.value) >= AFFECTED_DELTA:
                changes.append(SiteChange(
                    site=sid, class_before=b.cls.value, class_after=a.cls.value,
                    availability_before=b.availability.value, availability_after=a.availability.value,
                    availability_keep_radio=kept.sites[sid].availability.value if kept else None))
        g_before = build_graph(inv, state, model)
        live = {k for _, _, k in g_before.edges(keys=True)}
        down = [lid for lid in (*m.retires, *m.reroutes) if lid in live]
        outage = sorted(cut_off_by(g_before, dc, down)) if down else []
        out.append(RoutePlan(
            route=rid, name=m.route, action=m.action, a_site=m.a_site, b_site=m.b_site, position=pos,
            depends_on=tuple(sorted(direct[rid], key=natural_key)),
            derived_dependencies=tuple(sorted(derived[rid] & direct[rid] - set(m.depends_on), key=natural_key)),
            new_links=tuple(m.new_links), retires=tuple(m.retires), reroutes=tuple(m.reroutes),
            radio_kept_as_backup=keep_radio_backup and bool(m.retires), changes=tuple(changes),
            cutover_outage=tuple(outage), addressing=tuple(addressing[lid] for lid in m.new_links),
            reaches_dc_over_fibre=rid not in islands))
        state = after_state
        before = after
    final = analyze(inv, state, model)
    return MigrationPlan(keep_radio_backup=keep_radio_backup, total=len(order), routes=tuple(out), today=today,
                         final=final)
