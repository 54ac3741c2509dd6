"""The JSON API under ``/api/v1`` (OpenAPI document at ``/api/openapi.json``).

Every route declares each status it can answer; bad input is a 4xx, never a 5xx. Authentication: a session
cookie (then unsafe methods need the ``X-CSRF-Token`` header) or ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from kotanet.errors import KotanetError
from kotanet.inventory.choices import MigrationStatus, ScopeKind
from kotanet.inventory.models import MaintenanceWindow
from kotanet.slas.engine import SlaState
from kotanet.slas.exports import ExportFormat
from kotanet.timeutil import to_micros
from kotanet.web import actions
from kotanet.web.auth import Principal
from kotanet.web.deps import AppContext, api_user, app_context, require_api
from kotanet.web.figures import Live, TargetRow
from kotanet.web.plan import plan_rows
from kotanet.web.roles import Action, Role

__all__ = ["router"]


class ErrorOut(BaseModel):
    detail: str


class FieldErrorOut(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class FieldErrorsOut(BaseModel):
    detail: list[FieldErrorOut]


Responses = dict[int | str, dict[str, Any]]
_E401: Responses = {401: {"model": ErrorOut, "description": "Not logged in (no valid session cookie or bearer token)."}}
_E403: Responses = {403: {"model": ErrorOut, "description": "Missing CSRF token, or the role may not do this."}}
_E404: Responses = {404: {"model": ErrorOut, "description": "No such thing."}}
_E409: Responses = {409: {"model": ErrorOut, "description": "Conflicts with what exists."}}
_E422: Responses = {422: {"model": FieldErrorsOut, "description": "Invalid input: each bad field and why."}}
_E400: Responses = {400: {"model": ErrorOut, "description": "The body is not valid JSON."}}
_E503: Responses = {503: {"model": ErrorOut, "description": "The measurement store cannot be used right now."}}
_READ: Responses = {**_E401, **_E422, **_E503}
_WRITE: Responses = {**_E400, **_E401, **_E403, **_E422, **_E503}

router = APIRouter(prefix="/api/v1", tags=["v1"])
Ctx = Annotated[AppContext, Depends(app_context)]
Reader = Annotated[Principal, Depends(api_user)]
Id = Annotated[str, Path(min_length=1, max_length=100)]


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", min_length=1, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TargetOut(_Model):
    id: str
    name: str
    kind: ScopeKind
    ref: str
    departments: list[str]
    objective_pct: float
    availability: float | None = Field(description="Up / (up + down) this period so far; null: no data.")
    budget_total_s: float
    budget_remaining_s: float
    state: SlaState
    live: Live
    members: int
    members_down: int
    outages: int
    down_s: float
    unknown_s: float
    maintenance_s: float

    @classmethod
    def of(cls, r: TargetRow) -> TargetOut:
        return cls(id=r.id, name=r.name, kind=r.kind, ref=r.ref, departments=list(r.departments),
                   objective_pct=r.objective_pct, availability=r.availability, budget_total_s=r.budget_total_s,
                   budget_remaining_s=r.budget_remaining_s, state=r.state, live=r.live, members=r.members,
                   members_down=r.members_down, outages=r.outages, down_s=r.down_s, unknown_s=r.unknown_s,
                   maintenance_s=r.maintenance_s)


class TargetList(_Model):
    period: str
    as_of: dt.datetime
    total: int
    offset: int
    targets: list[TargetOut]


class OutageOut(_Model):
    member: str
    start: dt.datetime
    end: dt.datetime
    duration_s: float
    unknown_s: float
    ongoing: bool
    annotation: str
    acknowledged_by: str | None
    ack_note: str


class MemberOut(_Model):
    member: str
    availability: float | None
    state: SlaState
    live: str
    down_s: float
    unknown_s: float
    maintenance_s: float
    outages: int


class TargetDetail(_Model):
    target: TargetOut
    period: str
    members: list[MemberOut]
    outages: list[OutageOut]


class AckIn(_Model):
    member: str = Field(min_length=1, max_length=200)
    start: dt.datetime = Field(description="The outage's start, as the target's outage list gives it.")
    note: str = Field(default="", max_length=500)


class AckOut(_Model):
    target: str
    member: str
    start: dt.datetime
    by: str
    note: str


class WindowIn(_Model):
    id: Slug | None = Field(default=None, description="Default: generated.")
    scope: ScopeKind
    refs: list[Slug] = Field(min_length=1, max_length=200,
                             description="Ids of the inventory's sites, links, services or tenants (per scope).")
    start: dt.datetime = Field(description="ISO 8601; without an offset, the inventory's time zone.")
    end: dt.datetime
    reason: str = Field(default="", max_length=500)


class WindowOut(_Model):
    id: str
    scope: ScopeKind
    refs: list[str]
    start: dt.datetime
    end: dt.datetime
    reason: str
    source: str = Field(description="inventory (read-only here) or web")
    created_by: str

    @classmethod
    def of(cls, w: MaintenanceWindow, source: str, by: str = "") -> WindowOut:
        return cls(id=w.id, scope=w.scope, refs=list(w.refs), start=w.start, end=w.end, reason=w.reason,
                   source=source, created_by=by)


class RouteOut(_Model):
    route: str
    name: str
    action: str
    position: int
    status: MigrationStatus
    updated_by: str
    depends_on: list[str]
    affected_sites: int
    worst_site: str
    availability_before: float | None
    availability_after: float | None
    mop_url: str


class RouteStatusIn(_Model):
    status: MigrationStatus


class ReportIn(_Model):
    period: str = Field(pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
                        description="2026-10 (month), 2026-Q4 or 2026; it must have started.")
    formats: list[ExportFormat] = Field(default_factory=lambda: list(ExportFormat), min_length=1, max_length=3)


class ReportOut(_Model):
    id: str
    period: str
    formats: str
    lang: str
    created_by: str
    created_at: str
    files: int
    download_url: str


class UserOut(_Model):
    name: str
    role: Role
    lang: str
    via: str


def _field_errors(exc: actions.FieldErrors) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": ["body", k], "msg": v, "type": "value_error"}
                                    for k, v in exc.errors.items()]}, status_code=422)


def _not_found(what: str) -> JSONResponse:
    return JSONResponse({"detail": what}, status_code=404)


# ------------------------------------------------------------------------------------------ targets

_list_cache: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_list_lock = threading.Lock()
_targets_json = TypeAdapter(TargetList)


@router.get("/targets", response_model=TargetList, responses=_READ, summary="Every SLA target with its figures")
def list_targets(
    ctx: Ctx, user: Reader,
    department: Annotated[str | None, Query(max_length=100)] = None,
    kind: ScopeKind | None = None,
    state: SlaState | None = None,
    live: Live | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    del user
    snap = ctx.figures.snapshot()
    key = (id(snap), snap.at, department, kind, state, live, limit, offset)
    with _list_lock:
        body = _list_cache.get(key)
    if body is None:
        rows = snap.select(department=department, kind=kind.value if kind else None,
                           state=state.value if state else None, live=live.value if live else None)
        out = TargetList(period=snap.period.label, as_of=snap.at, total=len(rows), offset=offset,
                         targets=[TargetOut.of(r) for r in rows[offset: offset + limit]])
        body = _targets_json.dump_json(out)
        with _list_lock:
            _list_cache[key] = body
            while len(_list_cache) > 64:
                _list_cache.popitem(last=False)
    return Response(body, media_type="application/json")


@router.get("/targets/{target_id}", response_model=TargetDetail, responses={**_READ, **_E404},
            summary="One SLA target with its members and outages this period")
def get_target(ctx: Ctx, user: Reader, target_id: Id) -> Any:
    del user
    snap = ctx.figures.snapshot()
    row = snap.by_id.get(target_id)
    if row is None:
        return _not_found(f"no SLA target {target_id!r}")
    rep = ctx.figures.report_for(target_id).rows[0]
    acks = ctx.db.acks(list(rep.policy.members))
    outages = []
    for o in rep.outages:
        a = acks.get((o.member, to_micros(o.start)))
        outages.append(OutageOut(member=o.member, start=o.start, end=o.end, duration_s=o.duration_s,
                                 unknown_s=o.unknown_s, ongoing=o.ongoing, annotation=o.annotation,
                                 acknowledged_by=a.by if a else None, ack_note=a.note if a else ""))
    members = [MemberOut(member=m.member, availability=m.availability, state=m.state,
                         live=snap.live.get(m.member, Live.UNKNOWN).value, down_s=m.down_s, unknown_s=m.unknown_s,
                         maintenance_s=m.maintenance_s, outages=m.outage_count) for m in rep.members]
    return TargetDetail(target=TargetOut.of(row), period=rep.period.label, members=members, outages=outages)


@router.post("/targets/{target_id}/outages/ack", response_model=AckOut, responses={**_WRITE, **_E404},
             summary="Acknowledge an outage (NOC, engineer, admin)")
def ack(ctx: Ctx, target_id: Id, body: AckIn,
        user: Annotated[Principal, Depends(require_api(Action.ACK_OUTAGE))]) -> Any:
    if target_id not in ctx.figures.snapshot().by_id:
        return _not_found(f"no SLA target {target_id!r}")
    if body.start.tzinfo is None:
        body = body.model_copy(update={"start": body.start.replace(tzinfo=ctx.figures.tz)})
    try:
        start_us = to_micros(body.start)
    except (OverflowError, ValueError):
        return _not_found("no such outage")
    rep = ctx.figures.report_for(target_id).rows[0]
    if not any(o.member == body.member and to_micros(o.start) == start_us for o in rep.outages):
        return _not_found(f"no outage of {body.member!r} starting at {body.start.isoformat()} in {target_id}")
    a = actions.ack_outage(ctx, target_id, body.member, start_us, body.note, user.name)
    return AckOut(target=target_id, member=a.member, start=body.start, by=a.by, note=a.note)


# -------------------------------------------------------------------------------------- maintenance


def _windows(ctx: AppContext) -> list[WindowOut]:
    out = [WindowOut.of(w, "inventory") for w in ctx.figures.base.maintenance]
    out += [WindowOut.of(w.window, "web", w.created_by) for w in ctx.db.windows()]
    return sorted(out, key=lambda w: (w.start, w.id))


def _window_fields(body: WindowIn) -> dict[str, str]:
    return {"scope": body.scope.value, "refs": ",".join(body.refs), "start": body.start.isoformat(),
            "end": body.end.isoformat(), "reason": body.reason, "id": body.id or ""}


@router.get("/maintenance", response_model=list[WindowOut], responses=_READ,
            summary="Maintenance windows: the inventory's and those scheduled here")
def list_windows(ctx: Ctx, user: Reader) -> list[WindowOut]:
    del user
    return _windows(ctx)


@router.get("/maintenance/{window_id}", response_model=WindowOut, responses={**_READ, **_E404})
def get_window(ctx: Ctx, user: Reader, window_id: Id) -> Any:
    del user
    for w in _windows(ctx):
        if w.id == window_id:
            return w
    return _not_found(f"no maintenance window {window_id!r}")


@router.post("/maintenance", response_model=WindowOut, status_code=201, responses={**_WRITE, **_E409},
             summary="Schedule a maintenance window (engineer, admin); it counts in the SLA figures")
def add_window(ctx: Ctx, body: WindowIn,
               user: Annotated[Principal, Depends(require_api(Action.MAINTENANCE))]) -> Any:
    try:
        window = actions.parse_window(ctx.figures.inventory(), _window_fields(body), now=ctx.figures.now(),
                                      lang=user.lang, taken={w.window.id for w in ctx.db.windows()})
        actions.schedule_window(ctx, window, user.name)
    except actions.FieldErrors as exc:
        return _field_errors(exc)
    except KotanetError as exc:
        return JSONResponse({"detail": exc.message}, status_code=409)
    return JSONResponse(WindowOut.of(window, "web", user.name).model_dump(mode="json"), status_code=201)


@router.put("/maintenance/{window_id}", response_model=WindowOut, responses={**_WRITE, **_E404},
            summary="Change a window scheduled here (engineer, admin)")
def replace_window(ctx: Ctx, window_id: Id, body: WindowIn,
                   user: Annotated[Principal, Depends(require_api(Action.MAINTENANCE))]) -> Any:
    if window_id not in {w.window.id for w in ctx.db.windows()}:
        return _not_found(f"no maintenance window {window_id!r} scheduled in the dashboard")
    base = ctx.figures.base
    try:
        window = actions.parse_window(base, _window_fields(body), now=ctx.figures.now(), lang=user.lang,
                                      taken=set(), window_id=window_id)
    except actions.FieldErrors as exc:
        return _field_errors(exc)
    ctx.db.replace_window(window)
    ctx.figures.invalidate()
    return WindowOut.of(window, "web", user.name)


@router.delete("/maintenance/{window_id}", status_code=204, responses={**_WRITE, **_E404},
               summary="Remove a window scheduled here (engineer, admin)")
def delete_window(ctx: Ctx, window_id: Id,
                  user: Annotated[Principal, Depends(require_api(Action.MAINTENANCE))]) -> Response:
    del user
    if not actions.delete_window(ctx, window_id):
        return _not_found(f"no maintenance window {window_id!r} scheduled in the dashboard")
    return Response(status_code=204)


# --------------------------------------------------------------------------------------------- plan


def _routes(ctx: AppContext) -> list[RouteOut]:
    return [RouteOut(route=r.route, name=r.name, action=r.action, position=r.position, status=r.status,
                     updated_by=r.updated_by, depends_on=list(r.depends_on), affected_sites=r.affected,
                     worst_site=r.site, availability_before=r.worst_before, availability_after=r.worst_after,
                     mop_url=f"/plan/{r.route}/mop") for r in plan_rows(ctx)]


@router.get("/plan/routes", response_model=list[RouteOut], responses=_READ,
            summary="The migration routes in plan order, with status and predicted availability")
def list_routes(ctx: Ctx, user: Reader) -> list[RouteOut]:
    del user
    return _routes(ctx)


@router.put("/plan/routes/{route}/status", response_model=RouteOut, responses={**_WRITE, **_E404},
            summary="Set a route's status (engineer, admin)")
def put_route_status(ctx: Ctx, route: Id, body: RouteStatusIn,
                     user: Annotated[Principal, Depends(require_api(Action.PLAN_STATUS))]) -> Any:
    if route not in {m.id for m in ctx.figures.base.migrations}:
        return _not_found(f"no route {route!r}")
    actions.set_route_status(ctx, route, body.status, user.name)
    return next(r for r in _routes(ctx) if r.route == route)


# ------------------------------------------------------------------------------------------ reports


def _report_out(rec: Any) -> ReportOut:
    return ReportOut(id=rec.id, period=rec.period, formats=rec.formats, lang=rec.lang, created_by=rec.created_by,
                     created_at=rec.created_at, files=rec.files, download_url=f"/api/v1/reports/{rec.id}/download")


@router.get("/reports", response_model=list[ReportOut], responses=_READ, summary="Reports generated so far")
def list_reports(ctx: Ctx, user: Reader) -> list[ReportOut]:
    del user
    return [_report_out(r) for r in ctx.db.reports()]


@router.post("/reports", response_model=ReportOut, status_code=201, responses=_WRITE,
             summary="Generate a signed SLA export (auditor, engineer, admin)")
def create_report(ctx: Ctx, body: ReportIn,
                  user: Annotated[Principal, Depends(require_api(Action.REPORT))]) -> Any:
    try:
        rec = actions.generate_report(ctx, body.period, [f.value for f in body.formats], user.lang, user.name)
    except actions.FieldErrors as exc:
        return _field_errors(exc)
    return JSONResponse(_report_out(rec).model_dump(mode="json"), status_code=201)


@router.get("/reports/{report_id}/download", response_class=FileResponse,
            responses={**_READ, **_E404, 200: {"content": {"application/zip": {}},
                                               "description": "The signed export as a zip."}},
            summary="Download a report: the export files, manifest.json, manifest.sig and signer.pub")
def download_report(ctx: Ctx, user: Reader, report_id: Id) -> Response:
    del user
    path = actions.report_zip(ctx, report_id)
    if path is None:
        return _not_found(f"no report {report_id!r}")
    return FileResponse(path, media_type="application/zip", filename=path.name)


# -------------------------------------------------------------------------------------------- users


@router.get("/users/me", response_model=UserOut, responses=_E401, summary="Who you are")
def me(request: Request, user: Reader) -> UserOut:
    del request
    return UserOut(name=user.name, role=user.role, lang=user.lang.value, via=user.via.value)
