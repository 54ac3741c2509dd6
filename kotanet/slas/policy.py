"""From an inventory SLA target to what the engine needs: objective, time zone, service hours, the monitor
targets it covers, and the maintenance windows that apply to each of them. Pure.

A maintenance window applies to a monitor target when its scope and refs name it directly:

    scope site,    refs [a, b]  ->  site:a, site:b
    scope link,    refs [l]     ->  link:l
    scope service, refs [s]     ->  service:s
    scope tenant,  refs [t]     ->  site:<every site of tenant t>

(A window on a site does not cover the services hosted there: services fail over, and their own
probe says whether they stayed up. Put the service in the window's refs when it is planned downtime.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kotanet.errors import UsageError
from kotanet.inventory.choices import PeriodKind, ScopeKind
from kotanet.inventory.models import Inventory, MaintenanceWindow, ServiceHours, SlaTarget
from kotanet.monitors.targets import TargetKind, scope_targets, target_id

__all__ = ["SCOPE_FORMS", "SlaPolicy", "resolve_policies", "resolve_policy", "select_targets", "window_targets"]

SCOPE_FORMS = "service:ID, site:ID, link:ID, tenant:ID or an SLA target id"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """One SLA target, resolved: everything the engine needs to compute its figures."""

    target: str
    """The SLA target's id."""
    name: str
    scope: ScopeKind
    ref: str
    objective_pct: float
    tz: str
    service_hours: ServiceHours | None
    unknown_counts_as_down: bool
    period_kind: PeriodKind
    members: tuple[str, ...]
    """The monitor targets it covers (scope_targets), in inventory order."""
    maintenance: tuple[tuple[str, tuple[MaintenanceWindow, ...]], ...]
    """(member, windows that apply to it) for every member, in the order of ``members``."""

    @property
    def scope_label(self) -> str:
        """``tenant:kec-tengah``, ``service:website``, ..."""
        return f"{self.scope.value}:{self.ref}"

    def windows_for(self, member: str) -> tuple[MaintenanceWindow, ...]:
        for m, windows in self.maintenance:
            if m == member:
                return windows
        return ()

    def service_hours_text(self) -> str:
        """``Mon-Fri 07:00-17:00`` style, or ``24x7``. Weekdays are 0 = Monday."""
        if self.service_hours is None:
            return "24x7"
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        days = sorted(set(self.service_hours.weekdays))
        if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            day_text = f"{names[days[0]]}-{names[days[-1]]}"
        else:
            day_text = ",".join(names[d] for d in days)
        return f"{day_text} {self.service_hours.start:%H:%M}-{self.service_hours.end:%H:%M}"

    def summary(self) -> dict[str, object]:
        """JSON-ready: the policy as the manifest and the reports state it."""
        return {
            "target": self.target,
            "scope": self.scope_label,
            "objective_pct": self.objective_pct,
            "timezone": self.tz,
            "service_hours": self.service_hours_text(),
            "unknown_counts_as_down": self.unknown_counts_as_down,
            "members": list(self.members),
            "maintenance": sorted({w.id for _, ws in self.maintenance for w in ws}),
        }


def window_targets(inv: Inventory, window: MaintenanceWindow) -> set[str]:
    """The monitor targets a maintenance window covers (module docstring)."""
    if window.scope is ScopeKind.SITE:
        return {target_id(TargetKind.SITE, r) for r in window.refs}
    if window.scope is ScopeKind.LINK:
        return {target_id(TargetKind.LINK, r) for r in window.refs}
    if window.scope is ScopeKind.SERVICE:
        return {target_id(TargetKind.SERVICE, r) for r in window.refs}
    tenants = set(window.refs)
    return {target_id(TargetKind.SITE, s.id) for s in inv.sites if s.tenant in tenants}


def resolve_policy(inv: Inventory, target: SlaTarget,
                   covers: Iterable[tuple[MaintenanceWindow, set[str]]] | None = None) -> SlaPolicy:
    """The policy of one SLA target. ``covers``: precomputed (window, window_targets) pairs."""
    pairs = list(covers) if covers is not None else [(w, window_targets(inv, w)) for w in inv.maintenance]
    members = tuple(scope_targets(inv, target))
    maint = tuple((m, tuple(w for w, cov in pairs if m in cov)) for m in members)
    return SlaPolicy(
        target=target.id,
        name=target.name,
        scope=target.scope,
        ref=target.ref,
        objective_pct=target.objective_pct,
        tz=target.timezone,
        service_hours=target.service_hours,
        unknown_counts_as_down=target.unknown_counts_as_down,
        period_kind=target.period,
        members=members,
        maintenance=maint,
    )


def resolve_policies(inv: Inventory, targets: Iterable[SlaTarget]) -> list[SlaPolicy]:
    pairs = [(w, window_targets(inv, w)) for w in inv.maintenance]
    return [resolve_policy(inv, t, pairs) for t in targets]


def _tenant_of(inv: Inventory, target: SlaTarget) -> set[str]:
    """The tenants (departments) an SLA target belongs to."""
    if target.scope is ScopeKind.TENANT:
        return {target.ref}
    if target.scope is ScopeKind.SITE:
        site = inv.site(target.ref)
        return {site.tenant} if site and site.tenant else set()
    if target.scope is ScopeKind.SERVICE:
        return {sv.tenant for sv in inv.services if sv.id == target.ref and sv.tenant}
    link = inv.link(target.ref)
    if link is None:
        return set()
    out: set[str] = set()
    for ep in (link.a, link.b):
        dev = inv.device(ep.device)
        site = inv.site(dev.site) if dev else None
        if site and site.tenant:
            out.add(site.tenant)
    return out


def select_targets(inv: Inventory, scope: str | None) -> list[SlaTarget]:
    """The SLA targets a ``--scope`` filter selects, in inventory order; every target when None.

    * ``service:ID``, ``site:ID``, ``link:ID``: the SLA targets that cover that monitor target (so
      ``site:kel-satu`` selects the tenant target that includes the site);
    * ``tenant:ID``: the tenant's own SLA target and the targets of its sites, links and services;
    * anything else: an SLA target id.

    A scope that selects nothing is a UsageError naming the accepted forms.
    """
    if scope is None:
        return list(inv.sla_targets)
    text = scope.strip()
    kind, sep, ref = text.partition(":")
    selected: list[SlaTarget]
    if sep and kind in (TargetKind.SERVICE, TargetKind.SITE, TargetKind.LINK):
        selected = [t for t in inv.sla_targets if text in scope_targets(inv, t)]
    elif sep and kind == ScopeKind.TENANT:
        selected = [t for t in inv.sla_targets if ref in _tenant_of(inv, t)]
    elif not sep:
        selected = [t for t in inv.sla_targets if t.id == text]
    else:
        selected = []
    if not selected:
        ids = ", ".join(t.id for t in inv.sla_targets[:8]) + (", ..." if len(inv.sla_targets) > 8 else "")
        raise UsageError(f"scope {scope!r} matches no SLA target",
                         hint=f"use {SCOPE_FORMS}; SLA targets: {ids or 'none'}")
    return selected
