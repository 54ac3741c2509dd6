"""Monitor target ids and the inventory records they stand for. Shared by the poller, the store, the SLA
engine's scopes and the Prometheus metrics, so that every part names a target the same way.

    site:<site-id>          reachability of the site (ICMP to its routing devices' management addresses)
    link:<link-id>          both ends' ifOperStatus
    service:<service-id>    HTTP(S) probe of the service URL
    device:<device-id>      the device itself (ICMP + SNMP sysUpTime)
"""

from __future__ import annotations

from enum import StrEnum

from kotanet.inventory.choices import DeviceRole, LinkStatus, ScopeKind, SiteKind
from kotanet.inventory.models import Inventory, SlaTarget

__all__ = ["METRIC_UP", "MONITORED_SITE_KINDS", "TargetKind", "all_targets", "parse_target", "scope_targets",
           "target_id"]

# The Prometheus gauge every poller exports: 1 up, 0 down; absent while unknown.
METRIC_UP = "kotanet_target_up"


class TargetKind(StrEnum):
    SITE = "site"
    LINK = "link"
    SERVICE = "service"
    DEVICE = "device"


# Passive manholes have nothing to probe.
MONITORED_SITE_KINDS = frozenset(k for k in SiteKind if not k.passive)


def target_id(kind: TargetKind, ref: str) -> str:
    return f"{kind.value}:{ref}"


def parse_target(target: str) -> tuple[TargetKind, str]:
    kind, _, ref = target.partition(":")
    return TargetKind(kind), ref


def all_targets(inv: Inventory) -> list[str]:
    """Every target the monitors watch: sites with equipment, active links, services, active devices."""
    out = [target_id(TargetKind.SITE, s.id) for s in inv.sites if s.kind in MONITORED_SITE_KINDS]
    out += [target_id(TargetKind.LINK, lk.id) for lk in inv.links if lk.status is LinkStatus.ACTIVE]
    out += [target_id(TargetKind.SERVICE, sv.id) for sv in inv.services]
    out += [target_id(TargetKind.DEVICE, d.id) for d in inv.devices
            if d.mgmt_ip is not None and d.role is not DeviceRole.SPLICE_CLOSURE]
    return out


def scope_targets(inv: Inventory, target: SlaTarget) -> list[str]:
    """The monitor targets an SLA target covers: a service, a site, a link, or every monitored site of a
    tenant (department), in inventory order."""
    if target.scope is ScopeKind.SERVICE:
        return [target_id(TargetKind.SERVICE, target.ref)]
    if target.scope is ScopeKind.SITE:
        return [target_id(TargetKind.SITE, target.ref)]
    if target.scope is ScopeKind.LINK:
        return [target_id(TargetKind.LINK, target.ref)]
    return [target_id(TargetKind.SITE, s.id) for s in inv.sites
            if s.tenant == target.ref and s.kind in MONITORED_SITE_KINDS]
