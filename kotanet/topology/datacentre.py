"""The data centre and DRC: rack units and power against what is placed in them, the TIA-942 tier's
properties, and whether the departments' own servers fit if consolidated into the DC. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kotanet.inventory.choices import TIA_TIER_AVAILABILITY, DeviceRole, SiteKind, TiaTier
from kotanet.inventory.models import Inventory

__all__ = ["TIER_PROPERTIES", "Consolidation", "RackUse", "SiteCapacity", "capacity_report"]

# TIA-942 tiers: paths for power and cooling, redundancy of components, expected availability.
TIER_PROPERTIES: dict[TiaTier, str] = {
    TiaTier.I: "basic: a single path for power and cooling, no redundant components",
    TiaTier.II: "redundant components (N+1), a single distribution path",
    TiaTier.III: "concurrently maintainable: several paths, one active, redundant components",
    TiaTier.IV: "fault tolerant: several active paths, redundant components",
}


@dataclass(frozen=True, slots=True)
class RackUse:
    rack: str
    u_total: int
    u_used: int
    power_w: float
    feeds_w: float
    feeds: int


@dataclass(frozen=True, slots=True)
class Consolidation:
    servers: int
    u_needed: int
    power_needed_w: float
    fits: bool
    reason: str


@dataclass(frozen=True, slots=True)
class SiteCapacity:
    site: str
    kind: SiteKind
    tier: TiaTier | None
    tier_availability: float | None
    tier_properties: str
    racks: tuple[RackUse, ...]
    single_power_path: bool
    u_total: int
    u_used: int
    power_w: float
    feeds_w: float
    consolidation: Consolidation | None

    def to_json(self) -> dict[str, object]:
        return {
            "site": self.site, "kind": self.kind.value, "tier": self.tier.value if self.tier else None,
            "tier_availability": self.tier_availability, "tier_properties": self.tier_properties,
            "single_power_path": self.single_power_path, "u_total": self.u_total, "u_used": self.u_used,
            "u_free": self.u_total - self.u_used, "power_w": self.power_w, "feeds_w": self.feeds_w,
            "racks": [asdict(r) for r in self.racks],
            "consolidation": None if self.consolidation is None else {
                "servers": self.consolidation.servers, "u_needed": self.consolidation.u_needed,
                "power_needed_w": self.consolidation.power_needed_w, "fits": self.consolidation.fits,
                "reason": self.consolidation.reason},
        }


def capacity_report(inv: Inventory) -> list[SiteCapacity]:
    """One entry per data centre and DRC site."""
    out: list[SiteCapacity] = []
    hosting = [s for s in inv.sites if s.kind in (SiteKind.DATA_CENTRE, SiteKind.DRC)]
    # the departments' own servers: at their offices (the NOC's monitoring servers are Kominfo's, not theirs)
    office_kinds = {SiteKind.DEPARTMENT, SiteKind.KECAMATAN, SiteKind.KELURAHAN, SiteKind.CITY_HALL}
    dept_servers = [d for d in inv.devices if d.role is DeviceRole.SERVER
                    and (site := inv.site(d.site)) is not None and site.kind in office_kinds]
    for site in hosting:
        racks = []
        for rk in (r for r in inv.racks if r.site == site.id):
            devs = [d for d in inv.devices if d.rack == rk.id]
            feeds = [f for f in inv.power_feeds if f.rack == rk.id]
            racks.append(RackUse(rk.id, rk.u_height, sum(d.rack_units for d in devs),
                                 sum(d.power_watts for d in devs), sum(f.available_watts for f in feeds), len(feeds)))
        site_feeds = [f for f in inv.power_feeds if f.site == site.id]
        feeds_w = sum(f.available_watts for f in site_feeds)
        power_w = sum(d.power_watts for d in inv.devices if d.site == site.id and d.rack is not None)
        u_total = sum(r.u_total for r in racks)
        u_used = sum(r.u_used for r in racks)
        single = all(r.feeds <= 1 for r in racks) and not any(f.redundant_with for f in site_feeds)
        consolidation = None
        if site.kind is SiteKind.DATA_CENTRE:
            u_need = sum(max(d.rack_units, 1) for d in dept_servers)
            w_need = sum(d.power_watts for d in dept_servers)
            free_u, free_w = u_total - u_used, feeds_w - power_w
            fits = u_need <= free_u and w_need <= free_w
            reason = (f"{u_need} U and {w_need:.0f} W needed; {free_u} U and {free_w:.0f} W free"
                      + ("" if fits else " -> add racks or power feeds before consolidating"))
            consolidation = Consolidation(len(dept_servers), u_need, w_need, fits, reason)
        out.append(SiteCapacity(
            site=site.id, kind=site.kind, tier=site.tier,
            tier_availability=TIA_TIER_AVAILABILITY[site.tier] if site.tier else None,
            tier_properties=TIER_PROPERTIES[site.tier] if site.tier else "tier not recorded",
            racks=tuple(racks), single_power_path=single, u_total=u_total, u_used=u_used, power_w=power_w,
            feeds_w=feeds_w, consolidation=consolidation))
    return out
