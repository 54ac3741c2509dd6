"""The server-rendered pages (jinja2 templates, htmx for the live overview)."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import FormData

from kotanet.errors import KotanetError
from kotanet.i18n import t
from kotanet.inventory.choices import MigrationStatus, ScopeKind
from kotanet.lang import Lang
from kotanet.monitors.store import SampleKind
from kotanet.monitors.targets import TargetKind, parse_target
from kotanet.slas.engine import SlaState
from kotanet.slas.exports import ExportFormat, fmt_minutes, fmt_pct
from kotanet.timeutil import to_micros
from kotanet.web import actions
from kotanet.web.auth import COOKIE, CSRF_FIELD, LoginResult, Principal
from kotanet.web.charts import line_chart
from kotanet.web.deps import AppContext, app_context, page_user, require_page
from kotanet.web.figures import Live, Snapshot, TargetRow, timeline
from kotanet.web.plan import plan_rows
from kotanet.web.roles import Action, allowed

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

PageUser = Annotated[Principal, Depends(page_user)]
Ctx = Annotated[AppContext, Depends(app_context)]

STATE_ORDER = {SlaState.BREACHED: 0, SlaState.AT_RISK: 1, SlaState.NO_DATA: 2, SlaState.MET: 3}
LIVE_ORDER = {Live.DOWN: 0, Live.MAINTENANCE: 1, Live.UNKNOWN: 2, Live.UP: 3}


def _fields(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def render(ctx: AppContext, request: Request, template: str, user: Principal | None, *, status_code: int = 200,
           lang: Lang | None = None, **values: Any) -> HTMLResponse:
    context = page_context(ctx, request.url.path, user, lang=lang, **values)
    return ctx.templates.TemplateResponse(request, template, context, status_code=status_code)


def page_context(ctx: AppContext, path: str, user: Principal | None, *, lang: Lang | None = None,
                 **values: Any) -> dict[str, Any]:
    """What every template gets: the user, the CSRF token, translation and formatting helpers."""
    language = lang or (user.lang if user else Lang.EN)

    def tr(key: str, /, **kw: object) -> str:
        return t(key, language, **kw)

    tz = ctx.figures.tz

    def when(at: dt.datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """A time on the SLA clock's zone (WIB for Bogor); ISO text (the web DB's timestamps) too."""
        if isinstance(at, str):
            text = at
            try:
                at = dt.datetime.fromisoformat(text)
            except ValueError:
                return text
            if at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
        return "" if at is None else at.astimezone(tz).strftime(fmt)

    def pct(x: float | None, digits: int = 3) -> str:
        return fmt_pct(x, language, digits)

    def objective(x: float) -> str:
        text = f"{x:g}"
        return (text.replace(".", ",") if language is Lang.ID else text) + " %"

    def minutes(seconds: float) -> str:
        return fmt_minutes(seconds, language) + " min"

    def duration(seconds: float) -> str:
        s = round(seconds)
        if s < 3600:
            return f"{s // 60} min" if s >= 60 else f"{s} s"
        h, m = divmod(s // 60, 60)
        return f"{h} h {m:02d} min" if h < 48 else f"{h // 24} d {h % 24} h"

    return {
        "t": tr, "user": user, "lang": language.value, "csrf": user.csrf if user else "",
        "csrf_field": CSRF_FIELD, "when": when, "pct": pct, "objective": objective, "minutes": minutes,
        "duration": duration,
        "can": (lambda action: user is not None and allowed(user.role, Action(action))),
        "path": path, "inventory_name": ctx.figures.base.settings.name, **values,
    }


# ------------------------------------------------------------------------------------------ login


def _safe_next(value: str | None) -> str:
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return "/"
    return value


def _browser_lang(request: Request) -> Lang:
    """Before login: Indonesian when the browser prefers it (Accept-Language), else English."""
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return Lang.ID if first.startswith(("id", "in")) else Lang.EN


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, ctx: Ctx, next: str = "/") -> HTMLResponse:
    return render(ctx, request, "login.html", None, lang=_browser_lang(request), next=_safe_next(next), error="",
                  name="")


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request, ctx: Ctx) -> Response:
    form = _fields(await request.form())
    name, password = form.get("username", ""), form.get("password", "")
    nxt = _safe_next(form.get("next"))
    result, session_id, _ = ctx.auth.login(name, password, _client_ip(request))
    if result is LoginResult.THROTTLED:
        lang = _browser_lang(request)
        return render(ctx, request, "login.html", None, status_code=429, lang=lang, next=nxt, name=name[:64],
                      error=t("web.login.throttled", lang, minutes=ctx.settings.login_window_s // 60))
    if result is LoginResult.BAD:
        lang = _browser_lang(request)
        return render(ctx, request, "login.html", None, status_code=401, lang=lang, next=nxt, name=name[:64],
                      error=t("web.login.bad", lang))
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(COOKIE, session_id, max_age=ctx.settings.session_ttl_s, httponly=True, samesite="lax",
                    secure=ctx.settings.secure_cookies, path="/")
    return resp


@router.post("/logout")
def logout(request: Request, ctx: Ctx, user: Annotated[Principal, Depends(require_page(None))]) -> Response:
    del user
    sid = request.cookies.get(COOKIE)
    if sid:
        ctx.auth.logout(sid)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


@router.post("/lang")
async def set_lang(request: Request, ctx: Ctx, user: Annotated[Principal, Depends(require_page(None))]) -> Response:
    form = _fields(await request.form())
    lang = form.get("lang", "")
    if lang in ("en", "id"):
        ctx.db.set_lang(user.name, lang)
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


# --------------------------------------------------------------------------------------- overview


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    out = {}
    for key in ("department", "kind", "state", "live", "q"):
        value = q.get(key, "").strip()
        if value and len(value) <= 100:
            out[key] = value
    return out


def _page(request: Request) -> int:
    try:
        return max(1, min(10_000, int(request.query_params.get("page", "1"))))
    except ValueError:
        return 1


def _row_order(r: TargetRow) -> tuple[int, int, float, str]:
    """Worst first: breached, at risk, no data, met; then down, maintenance, unknown, up; then the least
    budget left."""
    left = r.budget_left_fraction
    return STATE_ORDER[r.state], LIVE_ORDER[r.live], left if left is not None else math.inf, r.id


def _overview_context(ctx: AppContext, request: Request, snap: Snapshot) -> dict[str, Any]:
    filters = _filters(request)
    rows = snap.sorted_selection(filters, key=_row_order)
    size = ctx.settings.page_size
    page = _page(request)
    pages = max(1, math.ceil(len(rows) / size))
    page = min(page, pages)
    query = urlencode(filters)
    return {"snap": snap, "rows": rows[(page - 1) * size: page * size], "total": len(rows), "page": page,
            "pages": pages, "filters": filters, "query": query,
            "down_now": snap.down_now[:50], "down_total": len(snap.down_now),
            "departments": ctx.figures.departments(), "kinds": [k.value for k in ScopeKind],
            "states": [s.value for s in SlaState], "lives": [s.value for s in Live]}


_fragments: OrderedDict[tuple[object, ...], str] = OrderedDict()
_fragments_lock = threading.Lock()


def _live_fragment(ctx: AppContext, request: Request, user: Principal, snap: Snapshot) -> tuple[str, dict[str, Any]]:
    """The overview's live part (tiles, table, down list), rendered once per snapshot, filters, page and
    language, so that 50 NOC screens polling it cost one rendering, not fifty. It holds nothing per user."""
    values = _overview_context(ctx, request, snap)
    key = (id(ctx), id(snap), snap.at, snap.version, values["query"], values["page"], user.lang)
    with _fragments_lock:
        html = _fragments.get(key)
    if html is None:
        context = page_context(ctx, "/", user, counts=snap.counts(), **values)
        html = ctx.templates.get_template("_overview_live.html").render(context)
        with _fragments_lock:
            _fragments[key] = html
            while len(_fragments) > 256:
                _fragments.popitem(last=False)
    return html, values


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ctx: Ctx, user: PageUser) -> HTMLResponse:
    snap = ctx.figures.snapshot()
    html, values = _live_fragment(ctx, request, user, snap)
    return render(ctx, request, "overview.html", user, nav="overview", live_html=Markup(html), **values)


@router.get("/fragments/overview", response_class=HTMLResponse)
def overview_fragment(request: Request, ctx: Ctx, user: PageUser) -> HTMLResponse:
    html, values = _live_fragment(ctx, request, user, ctx.figures.snapshot())
    query = values["query"]
    # the address bar shows the page with these filters (not this fragment), without a new history entry
    return HTMLResponse(html, headers={"HX-Replace-Url": "/?" + query if query else "/"})


# ------------------------------------------------------------------------------------------ detail


@router.get("/targets/{target_id}", response_class=HTMLResponse)
def target_page(request: Request, ctx: Ctx, user: PageUser, target_id: str) -> HTMLResponse:
    snap = ctx.figures.snapshot()
    row = snap.by_id.get(target_id)
    if row is None:
        return render(ctx, request, "error.html", user, status_code=404, nav="overview",
                      message=t("web.err.no_target", user.lang, target=target_id[:80]))
    return render(ctx, request, "target.html", user, nav="overview", **target_context(ctx, target_id, user.lang))


def target_context(ctx: AppContext, target_id: str, lang: Lang) -> dict[str, Any]:
    fig = ctx.figures
    report = fig.report_for(target_id)
    rep = report.rows[0]
    inv = fig.inventory()
    period = rep.period
    now = fig.now()
    end = min(now, period.end)
    members = list(rep.policy.members)
    shown = members[:24]
    trans = fig.member_transitions(shown, period.start, end)
    bars = []
    for m in shown:
        segs = timeline(trans.get(m, []), fig.windows_for(inv, m), period.start, end)
        total = sum(s.seconds for s in segs) or 1.0
        bars.append((m, [(s, 100.0 * s.seconds / total) for s in segs]))
    acks = ctx.db.acks(members)
    outages = [(o, acks.get((o.member, to_micros(o.start)))) for o in reversed(rep.outages)]
    charts = []
    day = dt.timedelta(days=1)
    lo = max(period.start, end - 7 * day)
    for m in shown[:6]:
        kind = parse_target(m)[0]
        lat = fig.samples(m, SampleKind.LATENCY_MS, lo, end, 900)
        if lat:
            charts.append((t("web.chart.latency", lang, target=m), line_chart([lat], lo, end, unit="ms")))
        if kind is TargetKind.LINK:
            ui = fig.samples(m, SampleKind.UTILISATION_IN, lo, end, 900)
            uo = fig.samples(m, SampleKind.UTILISATION_OUT, lo, end, 900)
            if ui or uo:
                charts.append((t("web.chart.util", lang, target=m),
                               line_chart([[(a, 100 * v) for a, v in ui], [(a, 100 * v) for a, v in uo]], lo, end,
                                          unit="%", fixed_max=100.0)))
    return {"rep": rep, "row": fig.snapshot().by_id.get(target_id), "bars": bars,
            "more_members": len(members) - len(shown),
            "outages": outages, "charts": charts, "period": period, "live": fig.live_states(), "tl_end": end}


@router.post("/targets/{target_id}/ack")
async def ack_page(request: Request, ctx: Ctx, target_id: str,
                   user: Annotated[Principal, Depends(require_page(Action.ACK_OUTAGE))]) -> Response:
    form = _fields(await request.form())
    row = ctx.figures.snapshot().by_id.get(target_id)
    member = form.get("member", "")
    try:
        start_us = int(form.get("start_us", ""))
    except ValueError:
        start_us = -1
    if row is None or start_us < 0:
        return render(ctx, request, "error.html", user, status_code=404,
                      message=t("web.err.no_outage", user.lang))
    report = ctx.figures.report_for(target_id)
    if not any(o.member == member and to_micros(o.start) == start_us for o in report.rows[0].outages):
        return render(ctx, request, "error.html", user, status_code=404, message=t("web.err.no_outage", user.lang))
    actions.ack_outage(ctx, target_id, member, start_us, form.get("note", ""), user.name)
    return RedirectResponse(f"/targets/{target_id}#outages", status_code=303)


# --------------------------------------------------------------------------------------------- map


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, ctx: Ctx, user: PageUser) -> HTMLResponse:
    return render(ctx, request, "map.html", user, nav="map")


@router.get("/map/data.json")
def map_data(ctx: Ctx, user: PageUser) -> JSONResponse:
    del user
    return JSONResponse(ctx.figures.map_data())


# -------------------------------------------------------------------------------------------- plan


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, ctx: Ctx, user: PageUser) -> HTMLResponse:
    return render(ctx, request, "plan.html", user, nav="plan", routes=plan_rows(ctx),
                  statuses=[s.value for s in MigrationStatus])


@router.post("/plan/{route}/status")
async def plan_status(request: Request, ctx: Ctx, route: str,
                      user: Annotated[Principal, Depends(require_page(Action.PLAN_STATUS))]) -> Response:
    form = _fields(await request.form())
    if route not in {m.id for m in ctx.figures.base.migrations}:
        return render(ctx, request, "error.html", user, status_code=404,
                      message=t("web.err.no_route", user.lang, route=route[:40]))
    try:
        status = MigrationStatus(form.get("status", ""))
    except ValueError:
        return render(ctx, request, "error.html", user, status_code=422, message=t("web.err.status", user.lang))
    actions.set_route_status(ctx, route, status, user.name)
    return RedirectResponse(f"/plan#route-{route}", status_code=303)


@router.get("/plan/{route}/mop", response_class=HTMLResponse)
def mop_page(request: Request, ctx: Ctx, user: PageUser, route: str) -> HTMLResponse:
    if route not in {m.id for m in ctx.figures.base.migrations}:
        return render(ctx, request, "error.html", user, status_code=404,
                      message=t("web.err.no_route", user.lang, route=route[:40]))
    from kotanet.web.plan import mop_html

    return render(ctx, request, "mop.html", user, nav="plan", route=route, mop=mop_html(ctx, route, user.lang))


# ------------------------------------------------------------------------------------- maintenance


def _maintenance_context(ctx: AppContext) -> dict[str, Any]:
    inv = ctx.figures.base
    web = ctx.db.windows()
    return {"inv_windows": sorted(inv.maintenance, key=lambda w: w.start), "web_windows": web,
            "scopes": [s.value for s in ScopeKind], "tz": inv.settings.timezone,
            "refs": {"site": [s.id for s in inv.sites], "link": [lk.id for lk in inv.links],
                     "service": [s.id for s in inv.services], "tenant": [tn.id for tn in inv.tenants]}}


@router.get("/maintenance", response_class=HTMLResponse)
def maintenance_page(request: Request, ctx: Ctx, user: PageUser) -> HTMLResponse:
    return render(ctx, request, "maintenance.html", user, nav="maintenance", errors={}, form={},
                  **_maintenance_context(ctx))


@router.post("/maintenance", response_class=HTMLResponse)
async def maintenance_add(request: Request, ctx: Ctx,
                          user: Annotated[Principal, Depends(require_page(Action.MAINTENANCE))]) -> Response:
    form = _fields(await request.form())
    try:
        window = actions.parse_window(ctx.figures.inventory(), form, now=ctx.figures.now(), lang=user.lang,
                                      taken={w.window.id for w in ctx.db.windows()})
        actions.schedule_window(ctx, window, user.name)
    except actions.FieldErrors as exc:
        return render(ctx, request, "maintenance.html", user, status_code=422, nav="maintenance", errors=exc.errors,
                      form=form, **_maintenance_context(ctx))
    except KotanetError as exc:
        return render(ctx, request, "maintenance.html", user, status_code=409, nav="maintenance",
                      errors={"id": exc.message}, form=form, **_maintenance_context(ctx))
    return RedirectResponse("/maintenance", status_code=303)


@router.post("/maintenance/{window_id}/delete")
def maintenance_delete(request: Request, ctx: Ctx, window_id: str,
                       user: Annotated[Principal, Depends(require_page(Action.MAINTENANCE))]) -> Response:
    if not actions.delete_window(ctx, window_id):
        return render(ctx, request, "error.html", user, status_code=404,
                      message=t("web.err.no_window", user.lang, id=window_id[:64]))
    return RedirectResponse("/maintenance", status_code=303)


# ----------------------------------------------------------------------------------------- reports


def _reports_context(ctx: AppContext) -> dict[str, Any]:
    period = ctx.figures.period()
    return {"reports": ctx.db.reports(), "default_period": period.previous().label, "current_period": period.label,
            "formats": [f.value for f in ExportFormat]}


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, ctx: Ctx, user: PageUser) -> HTMLResponse:
    return render(ctx, request, "reports.html", user, nav="reports", errors={}, form={}, **_reports_context(ctx))


@router.post("/reports", response_class=HTMLResponse)
async def reports_generate(request: Request, ctx: Ctx,
                           user: Annotated[Principal, Depends(require_page(Action.REPORT))]) -> Response:
    form = await request.form()
    period = form.get("period")
    formats = [v for v in form.getlist("formats") if isinstance(v, str)]
    try:
        actions.generate_report(ctx, period if isinstance(period, str) else "", formats, user.lang, user.name)
    except actions.FieldErrors as exc:
        return render(ctx, request, "reports.html", user, status_code=422, nav="reports", errors=exc.errors,
                      form=_fields(form), **_reports_context(ctx))
    return RedirectResponse("/reports", status_code=303)


@router.get("/reports/{report_id}.zip")
def report_download(request: Request, ctx: Ctx, user: PageUser, report_id: str) -> Response:
    path = actions.report_zip(ctx, report_id)
    if path is None:
        return render(ctx, request, "error.html", user, status_code=404, message=t("web.err.no_report", user.lang))
    return FileResponse(path, media_type="application/zip", filename=path.name)
