"""The migration plan page's rows: each route's place in the plan, its status (from the web database, else
the inventory), and the predicted availability before and after it, from
:func:`kotanet.topology.plan.plan_migrations` (computed once per app, a second or two)."""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from typing import Any

from kotanet.i18n import t
from kotanet.inventory.choices import MigrationStatus
from kotanet.lang import Lang
from kotanet.topology.plan import MigrationPlan, plan_migrations
from kotanet.web.deps import AppContext

__all__ = ["PlanRow", "mop_html", "plan_rows"]

_lock = threading.Lock()
_plans: dict[int, MigrationPlan] = {}
_configs: dict[int, Any] = {}


@dataclass(frozen=True, slots=True)
class PlanRow:
    route: str
    name: str
    action: str
    position: int
    status: MigrationStatus
    updated_by: str
    updated_at: str
    depends_on: tuple[str, ...]
    affected: int
    worst_before: float | None
    worst_after: float | None
    site: str


def migration_plan(ctx: AppContext) -> MigrationPlan:
    key = id(ctx.figures.base)
    with _lock:
        plan = _plans.get(key)
        if plan is None:
            plan = _plans[key] = plan_migrations(ctx.figures.base)
        return plan


def _passive(ctx: AppContext, site_id: str) -> bool:
    site = ctx.figures.base.site(site_id)
    return site is not None and site.kind.passive


def plan_rows(ctx: AppContext) -> list[PlanRow]:
    plan = migration_plan(ctx)
    stored = ctx.db.route_statuses()
    inv_status = {m.id: m.status for m in ctx.figures.base.migrations}
    rows = []
    for r in plan.routes:
        st = stored.get(r.route)
        changes = list(r.changes)
        active = [c for c in changes if not _passive(ctx, c.site)] or changes  # a manhole has no availability
        worst = min(active, key=lambda c: c.availability_before, default=None)
        rows.append(PlanRow(
            route=r.route, name=r.name, action=r.action.value, position=r.position,
            status=st.status if st else inv_status.get(r.route, MigrationStatus.PLANNED),
            updated_by=st.updated_by if st else "", updated_at=st.updated_at[:16].replace("T", " ") if st else "",
            depends_on=r.depends_on, affected=len(changes),
            worst_before=worst.availability_before if worst else None,
            worst_after=worst.availability_after if worst else None,
            site=worst.site if worst else r.b_site))
    return rows


def mop_html(ctx: AppContext, route: str, lang: Lang) -> str:
    """The route's method of procedure as HTML, from the playbooks area (kotanet.playbooks.mop) when it is
    installed; a plain note otherwise."""
    try:
        from kotanet.playbooks.checks import plan_checks
        from kotanet.playbooks.mop import MopFormat, render_mop
        from kotanet.playbooks.render import Renderer
    except ImportError:
        return f"<p class=\"note\">{html.escape(t('web.plan.no_mop', lang, route=route))}</p>"
    import markdown

    plan = migration_plan(ctx)
    inv = ctx.figures.base
    with _lock:
        configs_all = _configs.get(id(inv))
        if configs_all is None:
            configs_all = _configs[id(inv)] = Renderer().render_all(inv, keep_radio_backup=False, plan=plan)
    rp = plan.route(route)
    configs = configs_all.get(route, {})
    checks = plan_checks(rp, {d: c.platform for d, c in configs.items()})
    text = render_mop(inv, rp, configs, checks, lang=lang, fmt=MopFormat.MARKDOWN, total_routes=len(plan.routes))
    return str(markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"], output_format="html"))
