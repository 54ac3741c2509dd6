"""The inventory as a graph of sites, in a given network state (today, or after some migrations). Pure.

Sites are nodes (passive manholes included). Links that are up in the state are edges of a MultiGraph,
keyed by link id, between the sites of their two devices, carrying medium, status, availability and OSPF
cost. Links inside one site (e.g. between the two DC core routers) are not edges of the site graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from kotanet.errors import KotanetError
from kotanet.inventory.choices import LinkMedium, LinkStatus, SiteKind
from kotanet.inventory.models import Inventory, Link, Migration
from kotanet.topology.budget import MEDIUM_DEFAULTS, link_availability

__all__ = [
    "DEFAULT_COSTS",
    "SITE_DEFAULTS",
    "AvailabilityModel",
    "NetworkState",
    "build_graph",
    "dc_site",
    "drc_site",
    "link_sites",
    "state_after",
    "state_today",
]

# OSPF costs: fibre preferred, radio kept as a higher-cost backup (the playbooks use the same numbers).
DEFAULT_COSTS: dict[LinkMedium, int] = {
    LinkMedium.FIBRE: 10,
    LinkMedium.LEASED_LINE: 50,
    LinkMedium.RADIO_5_8: 100,
    LinkMedium.RADIO_2_4: 150,
}

# A site on the path (not the DC, not the site itself) fails with its power and equipment. Assumptions:
# a tower runs on grid power with a small battery, so it fails about twice a year for 4 h; an office
# router fails about once a year for 4 h; a manhole is passive and does not fail on its own.
SITE_DEFAULTS: dict[SiteKind, tuple[float, float]] = {
    SiteKind.TOWER: (4380.0, 4.0),
    SiteKind.MANHOLE: (float("inf"), 0.0),
}
OFFICE_DEFAULT: tuple[float, float] = (8760.0, 4.0)


@dataclass(frozen=True, slots=True)
class AvailabilityModel:
    """Per-medium MTBF/MTTR defaults, per-link overrides from the inventory, and measured values fed in later."""

    medium_defaults: Mapping[str, tuple[float, float]] = field(default_factory=lambda: dict(MEDIUM_DEFAULTS))
    measured: Mapping[str, float] = field(default_factory=dict)
    site_failures: bool = True

    def link(self, link: Link) -> float:
        if link.id in self.measured:
            return self.measured[link.id]
        if link.availability is not None:
            return link.availability
        mtbf, mttr = self.medium_defaults[link.medium.value]
        return link_availability(link.mtbf_hours or mtbf, link.mttr_hours or mttr)

    def site(self, kind: SiteKind) -> float:
        if not self.site_failures:
            return 1.0
        mtbf, mttr = SITE_DEFAULTS.get(kind, OFFICE_DEFAULT)
        return 1.0 if mttr == 0 else link_availability(mtbf, mttr)


@dataclass(frozen=True, slots=True)
class NetworkState:
    """Which links are up, and which of them are radios kept as higher-cost backup."""

    up: frozenset[str]
    backup: frozenset[str] = frozenset()
    applied: tuple[str, ...] = ()

    def label(self) -> str:
        return "today" if not self.applied else "after " + ", ".join(self.applied)


def state_today(inv: Inventory) -> NetworkState:
    return NetworkState(up=frozenset(lk.id for lk in inv.links if lk.status is LinkStatus.ACTIVE))


def state_after(inv: Inventory, routes: Iterable[str], *, keep_radio_backup: bool = False,
                base: NetworkState | None = None) -> NetworkState:
    """The state once `routes` are applied: their new links come up, the links they reroute go away, and
    the radios they retire go away or stay up as backup."""
    by_id: dict[str, Migration] = {m.id: m for m in inv.migrations}
    state = base or state_today(inv)
    up, backup, applied = set(state.up), set(state.backup), list(state.applied)
    for rid in routes:
        m = by_id.get(rid)
        if m is None:
            raise KotanetError(f"unknown route {rid!r}", hint=f"valid routes: {', '.join(by_id)}")
        up |= set(m.new_links)
        up -= set(m.reroutes)
        if keep_radio_backup:
            backup |= set(m.retires) & up
        else:
            up -= set(m.retires)
        applied.append(rid)
    return NetworkState(up=frozenset(up), backup=frozenset(backup & up), applied=tuple(applied))


def link_sites(inv: Inventory) -> dict[str, tuple[str, str]]:
    """link id -> (site of end a, site of end b)."""
    dev_site = {d.id: d.site for d in inv.devices}
    return {lk.id: (dev_site[lk.a.device], dev_site[lk.b.device]) for lk in inv.links}


def build_graph(inv: Inventory, state: NetworkState | None = None,
                model: AvailabilityModel | None = None) -> nx.MultiGraph[str]:
    state = state or state_today(inv)
    model = model or AvailabilityModel()
    g: nx.MultiGraph[str] = nx.MultiGraph()
    for s in inv.sites:
        g.add_node(s.id, kind=s.kind, name=s.name, lat=s.latitude, lon=s.longitude,
                   availability=model.site(s.kind))
    ends = link_sites(inv)
    for lk in inv.links:
        if lk.id not in state.up:
            continue
        a, b = ends[lk.id]
        if a == b:
            continue
        cost = DEFAULT_COSTS[lk.medium] * (10 if lk.id in state.backup else 1)
        g.add_edge(a, b, key=lk.id, medium=lk.medium, status=lk.status, availability=model.link(lk),
                   cost=cost, backup=lk.id in state.backup)
    return g


def _one(inv: Inventory, kind: SiteKind) -> str | None:
    return next((s.id for s in inv.sites if s.kind is kind), None)


def dc_site(inv: Inventory) -> str:
    site = _one(inv, SiteKind.DATA_CENTRE)
    if site is None:
        raise KotanetError("the inventory has no data centre site", hint="add a site with kind: data_centre")
    return site


def drc_site(inv: Inventory) -> str | None:
    return _one(inv, SiteKind.DRC)
