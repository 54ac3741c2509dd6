"""The changes the dashboard makes, shared by the pages and the JSON API: each validates its input and
reports bad fields as :class:`FieldErrors` (field -> message), which the pages show next to the field and
the API returns as a 422 body."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from kotanet.errors import KotanetError
from kotanet.i18n import t
from kotanet.inventory.choices import MigrationStatus, ScopeKind
from kotanet.inventory.models import Inventory, MaintenanceWindow
from kotanet.lang import Lang
from kotanet.slas.exports import ExportFormat, write_exports
from kotanet.slas.periods import parse_period
from kotanet.slas.report import build_report, check_started, manifest_facts
from kotanet.slas.signing import default_key_dir, fingerprint, load_private_key, write_signed_export
from kotanet.timeutil import to_micros
from kotanet.web.db import Ack, ReportRecord
from kotanet.web.deps import AppContext

__all__ = ["FieldErrors", "ack_outage", "delete_window", "generate_report", "parse_window",
           "report_zip", "schedule_window", "set_route_status"]

MAX_WINDOW_DAYS = 14
MAX_PAST_HOURS = 24
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_REPORT_ID = re.compile(r"^[0-9A-Za-z-]{1,80}$")


class FieldErrors(KotanetError):  # noqa: N818 - a collection of field errors
    """Bad form or body fields: ``errors`` maps a field name to a message in the user's language."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _parse_time(text: str, tz: dt.tzinfo) -> dt.datetime | None:
    """``2026-11-24T09:00`` (local time in the inventory's zone) or an ISO 8601 time with an offset."""
    value = text.strip()
    if not value or len(value) > 40:
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz)
    if not dt.datetime(1971, 1, 1, tzinfo=dt.UTC) < at < dt.datetime(2200, 1, 1, tzinfo=dt.UTC):
        return None
    return at


def _known_refs(inv: Inventory, scope: ScopeKind) -> set[str]:
    if scope is ScopeKind.SITE:
        return {s.id for s in inv.sites}
    if scope is ScopeKind.LINK:
        return {lk.id for lk in inv.links}
    if scope is ScopeKind.SERVICE:
        return {s.id for s in inv.services}
    return {tn.id for tn in inv.tenants}


def parse_window(inv: Inventory, fields: Mapping[str, str], *, now: dt.datetime, lang: Lang,
                 taken: set[str], window_id: str | None = None) -> MaintenanceWindow:
    """A maintenance window from form or JSON fields (scope, refs, start, end, reason, optional id), checked
    against the inventory: FieldErrors naming every bad field."""
    errors: dict[str, str] = {}
    tz = ZoneInfo(inv.settings.timezone)
    scope: ScopeKind | None = None
    try:
        scope = ScopeKind(fields.get("scope", "").strip())
    except ValueError:
        errors["scope"] = t("web.err.scope", lang)
    refs = [r.strip() for r in re.split(r"[,\s]+", fields.get("refs", "")) if r.strip()]
    if not refs:
        errors["refs"] = t("web.err.refs_empty", lang)
    elif len(refs) > 200:
        errors["refs"] = t("web.err.refs_many", lang)
    elif scope is not None:
        unknown = [r for r in refs if r not in _known_refs(inv, scope)]
        if unknown:
            errors["refs"] = t("web.err.refs_unknown", lang, scope=scope.value, refs=", ".join(unknown[:5]))
    start = _parse_time(fields.get("start", ""), tz)
    end = _parse_time(fields.get("end", ""), tz)
    if start is None:
        errors["start"] = t("web.err.time", lang)
    if end is None:
        errors["end"] = t("web.err.time", lang)
    if start is not None and end is not None:
        if end <= start:
            errors["end"] = t("web.err.end_before_start", lang)
        elif end - start > dt.timedelta(days=MAX_WINDOW_DAYS):
            errors["end"] = t("web.err.too_long", lang, days=MAX_WINDOW_DAYS)
        elif end <= now:
            errors["end"] = t("web.err.in_past", lang)
        elif start < now - dt.timedelta(hours=MAX_PAST_HOURS):
            errors["start"] = t("web.err.too_early", lang, hours=MAX_PAST_HOURS)
    reason = fields.get("reason", "").strip()
    if len(reason) > 500:
        errors["reason"] = t("web.err.reason_long", lang)
    wid = window_id or fields.get("id", "").strip()
    if wid:
        if not _SLUG.match(wid):
            errors["id"] = t("web.err.id", lang)
        elif window_id is None and (wid in taken or any(w.id == wid for w in inv.maintenance)):
            errors["id"] = t("web.err.id_taken", lang)
    else:
        wid = f"web-{now.astimezone(tz):%Y%m%d}-{secrets.token_hex(3)}"
    if errors:
        raise FieldErrors(errors)
    assert scope is not None and start is not None and end is not None
    try:
        return MaintenanceWindow(id=wid, start=start, end=end, scope=scope, refs=refs, reason=reason)
    except ValidationError as exc:  # the checks above should catch everything; keep the answer a 4xx
        raise FieldErrors({"id": str(exc.errors()[0].get("msg", "invalid"))}) from None


def schedule_window(ctx: AppContext, window: MaintenanceWindow, by: str) -> None:
    ctx.db.add_window(window, by, ctx.settings.session_clock.now())
    ctx.figures.invalidate()


def delete_window(ctx: AppContext, window_id: str) -> bool:
    gone = ctx.db.remove_window(window_id)
    if gone:
        ctx.figures.invalidate()
    return gone


def set_route_status(ctx: AppContext, route: str, status: MigrationStatus, by: str) -> None:
    ctx.db.set_route_status(route, status, by, ctx.settings.session_clock.now())


def ack_outage(ctx: AppContext, target: str, member: str, start_us: int, note: str, by: str) -> Ack:
    ack = Ack(target, member, start_us, by, ctx.settings.session_clock.now().isoformat(), note.strip()[:500])
    ctx.db.ack(ack)
    return ack


# ------------------------------------------------------------------------------------------ reports


def parse_formats_field(values: list[str], lang: Lang) -> list[ExportFormat]:
    out: list[ExportFormat] = []
    for v in values:
        try:
            fmt = ExportFormat(v.strip().lower())
        except ValueError:
            raise FieldErrors({"formats": t("web.err.formats", lang)}) from None
        if fmt not in out:
            out.append(fmt)
    if not out:
        raise FieldErrors({"formats": t("web.err.formats", lang)})
    return out


def generate_report(ctx: AppContext, period: str, formats: list[str], lang: Lang, by: str) -> ReportRecord:
    """Build, sign and zip the SLA export of ``period``; FieldErrors for a bad period or format, or when the
    server has no signing key."""
    fmts = parse_formats_field(formats, lang)
    label = period.strip()
    inv = ctx.figures.inventory()
    now = ctx.figures.now()
    try:
        if len(label) > 16:
            raise ValueError(label)
        check_started(parse_period(label, inv.settings.timezone), now)
    except (KotanetError, ValueError):
        raise FieldErrors({"period": t("web.err.period", lang)}) from None
    try:
        key = load_private_key(ctx.settings.key_dir or default_key_dir())
    except KotanetError:
        raise FieldErrors({"period": t("web.err.no_key", lang)}) from None
    with ctx.figures.store() as store:
        rep = build_report(inv, store, label, now=now, lang=lang)
    fp = fingerprint(key.public_key())
    rid = f"{label}-{secrets.token_hex(4)}"
    out = ctx.reports_dir / rid
    write_signed_export(out, key, manifest_facts(rep), lambda d: write_exports(rep, d, fmts, fingerprint=fp))
    files = sorted(p for p in out.iterdir() if p.is_file())
    tmp = ctx.reports_dir / f".{rid}.zip.tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in files:
            zf.write(p, f"{rid}/{p.name}")
    tmp.replace(ctx.reports_dir / f"{rid}.zip")
    shutil.rmtree(out, ignore_errors=True)
    rec = ReportRecord(rid, label, ",".join(f.value for f in fmts), lang.value, by,
                       ctx.settings.session_clock.now().isoformat(), len(files))
    ctx.db.add_report(rec)
    return rec


def report_zip(ctx: AppContext, report_id: str) -> Path | None:
    if not _REPORT_ID.match(report_id) or ctx.db.report(report_id) is None:
        return None
    path = ctx.reports_dir / f"{report_id}.zip"
    return path if path.is_file() else None


def outage_key(start: dt.datetime) -> int:
    return to_micros(start)
