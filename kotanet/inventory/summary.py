"""Counts over an inventory, for `kotanet inventory show`. Pure."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from kotanet.inventory.choices import LinkMedium, LinkStatus, SiteKind
from kotanet.inventory.models import Inventory

__all__ = ["InventorySummary", "summarize"]


@dataclass(frozen=True, slots=True)
class InventorySummary:
    name: str
    sites: int
    devices: int
    interfaces: int
    links: int
    migrations: int
    services: int
    circuits: int
    racks: int
    sla_targets: int
    maintenance: int
    sites_by_kind: dict[str, int] = field(default_factory=dict)
    links_by_medium: dict[str, int] = field(default_factory=dict)
    links_by_status: dict[str, int] = field(default_factory=dict)
    links_by_medium_status: dict[str, dict[str, int]] = field(default_factory=dict)
    devices_by_role: dict[str, int] = field(default_factory=dict)
    devices_by_platform: dict[str, int] = field(default_factory=dict)
    past_end_of_support: list[str] = field(default_factory=list)
    as_of: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "sites": self.sites,
            "devices": self.devices,
            "interfaces": self.interfaces,
            "links": self.links,
            "migrations": self.migrations,
            "services": self.services,
            "circuits": self.circuits,
            "racks": self.racks,
            "sla_targets": self.sla_targets,
            "maintenance_windows": self.maintenance,
            "sites_by_kind": self.sites_by_kind,
            "links_by_medium": self.links_by_medium,
            "links_by_status": self.links_by_status,
            "links_by_medium_status": self.links_by_medium_status,
            "devices_by_role": self.devices_by_role,
            "devices_by_platform": self.devices_by_platform,
            "past_end_of_support": self.past_end_of_support,
            "as_of": self.as_of,
        }


def summarize(inv: Inventory, *, today: dt.date) -> InventorySummary:
    kinds = Counter(s.kind.value for s in inv.sites)
    media = Counter(lk.medium.value for lk in inv.links)
    status = Counter(lk.status.value for lk in inv.links)
    by_ms: dict[str, dict[str, int]] = {}
    for lk in inv.links:
        by_ms.setdefault(lk.medium.value, {}).setdefault(lk.status.value, 0)
        by_ms[lk.medium.value][lk.status.value] += 1
    return InventorySummary(
        name=inv.settings.name,
        sites=len(inv.sites),
        devices=len(inv.devices),
        interfaces=sum(len(d.interfaces) for d in inv.devices),
        links=len(inv.links),
        migrations=len(inv.migrations),
        services=len(inv.services),
        circuits=len(inv.circuits),
        racks=len(inv.racks),
        sla_targets=len(inv.sla_targets),
        maintenance=len(inv.maintenance),
        sites_by_kind={k.value: kinds.get(k.value, 0) for k in SiteKind},
        links_by_medium={m.value: media.get(m.value, 0) for m in LinkMedium},
        links_by_status={s.value: status.get(s.value, 0) for s in LinkStatus},
        links_by_medium_status=by_ms,
        devices_by_role=dict(sorted(Counter(d.role.value for d in inv.devices).items())),
        devices_by_platform=dict(sorted(Counter(d.platform.value for d in inv.devices).items())),
        past_end_of_support=sorted(d.id for d in inv.devices if d.end_of_support and d.end_of_support < today),
        as_of=today.isoformat(),
    )
