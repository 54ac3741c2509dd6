"""Write an SlaReport as files: CSV (data), XLSX and PDF (for people). Every label comes from the i18n
catalogue in the report's language.

Byte-determinism (the same report gives the same bytes, so a re-run can be compared with a signed export):

* ``csv``: deterministic (plain text; numbers with a decimal point whatever the language).
* ``xlsx``: deterministic: the document properties are set from the report's ``generated_at`` and the
  zip container is rewritten with fixed entry times (openpyxl would stamp the wall-clock time).
* ``pdf``: deterministic: reportlab's invariant mode (fixed document id) with the creation and
  modification dates set from ``generated_at``; only the standard Helvetica fonts (not embedded).

Pure functions return bytes (``render_*``); ``write_exports`` writes them into a directory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from kotanet.i18n import Lang, t
from kotanet.slas.engine import SlaState
from kotanet.slas.report import ReportRow, SlaReport

__all__ = [
    "DEFINITION_KEYS",
    "ExportFormat",
    "export_names",
    "fmt_minutes",
    "fmt_pct",
    "parse_formats",
    "render_csv_outages",
    "render_csv_summary",
    "render_pdf",
    "render_xlsx",
    "write_exports",
]


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


DEFINITION_KEYS = ("sla.def.shares", "sla.def.maintenance", "sla.def.unknown", "sla.def.availability",
                   "sla.def.aggregate", "sla.def.outage", "sla.def.budget", "sla.def.state", "sla.def.flap",
                   "sla.def.period", "sla.def.integrity")
"""The catalogue keys that summarise docs/sla-definitions.md, in reading order."""


def parse_formats(text: str) -> list[ExportFormat]:
    """``csv,xlsx,pdf`` → formats in that order, deduplicated; an unknown one is a UsageError."""
    from kotanet.errors import UsageError

    out: list[ExportFormat] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        try:
            fmt = ExportFormat(part)
        except ValueError:
            raise UsageError(f"unknown export format {part!r}", hint="use csv, xlsx, pdf or a list: csv,xlsx,pdf") \
                from None
        if fmt not in out:
            out.append(fmt)
    if not out:
        raise UsageError("no export format given", hint="use csv, xlsx, pdf or a list: csv,xlsx,pdf")
    return out


def export_names(report: SlaReport, fmt: ExportFormat) -> list[str]:
    """The file names a format writes."""
    base = f"sla-{report.period.label}"
    if fmt is ExportFormat.CSV:
        return [f"{base}-summary.csv", f"{base}-outages.csv"]
    return [f"{base}.{fmt.value}"]


# -------------------------------------------------------------------------------------------- format


def _group(digits: str, sep: str) -> str:
    out = ""
    while len(digits) > 3:
        out = sep + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def _number(x: float, decimals: int, lang: Lang) -> str:
    text = f"{x:.{decimals}f}"
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    thousands, point = (".", ",") if lang is Lang.ID else (",", ".")
    return sign + _group(whole, thousands) + (point + frac if frac else "")


def fmt_pct(x: float | None, lang: Lang, digits: int = 3) -> str:
    """An availability fraction as a percentage that never rounds a shortfall up to 100."""
    if x is None:
        return t("sla.na", lang)
    text = _number(100 * x, digits, lang)
    if x < 1.0 and text.startswith("100"):
        text = "99" + ("," if lang is Lang.ID else ".") + "9" * digits
    return f"{text} %"


def fmt_minutes(seconds: float, lang: Lang, decimals: int = 1) -> str:
    return _number(seconds / 60, decimals, lang)


def _fmt_obj(pct: float, lang: Lang) -> str:
    text = repr(float(pct)).removesuffix(".0")
    return (text.replace(".", ",") if lang is Lang.ID else text) + " %"


def _fmt_dt(at: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    local = at.astimezone(tz) if tz else at
    return local.strftime("%Y-%m-%d %H:%M:%S")


def _state(state: SlaState, lang: Lang) -> str:
    return t(f"sla.state.{state.value}", lang)


def _tz_name(report: SlaReport) -> str:
    return str(report.period.tz)


def _data_range_text(report: SlaReport) -> str:
    rng = report.data_range
    if rng is None:
        return t("sla.data_none", report.lang)
    tz = report.period.tz
    return t("sla.data_range", report.lang, first=_fmt_dt(rng[0], tz), last=_fmt_dt(rng[1], tz))


def _flap_text(report: SlaReport) -> str:
    return t("sla.flap", report.lang, open=report.flap.open_after, close=report.flap.close_after)


def _scope_text(report: SlaReport) -> str:
    return report.scope or t("sla.scope_all", report.lang)


def _yes_no(value: bool, lang: Lang) -> str:
    return t("sla.yes" if value else "sla.no", lang)


# ----------------------------------------------------------------------------------------------- csv

_SUMMARY_COLS = ("sla.col.target", "sla.col.name", "sla.col.scope", "sla.col.member", "sla.col.period",
                 "sla.col.timezone", "sla.col.service_hours", "sla.col.objective", "sla.col.availability",
                 "sla.col.state", "sla.col.up_min", "sla.col.down_min", "sla.col.unknown_min",
                 "sla.col.maintenance_min", "sla.col.outside_min", "sla.col.budget_left_min", "sla.col.outages")
_OUTAGE_COLS = ("sla.col.target", "sla.col.member", "sla.col.start", "sla.col.end", "sla.col.duration_min",
                "sla.col.unknown_min", "sla.col.ongoing", "sla.col.annotation")


def _csv_pct(x: float | None) -> str:
    if x is None:
        return ""
    text = f"{100 * x:.4f}"
    return "99.9999" if x < 1.0 and text.startswith("100") else text


def _csv_min(seconds: float) -> str:
    return f"{seconds / 60:.2f}"


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def render_csv_summary(report: SlaReport) -> bytes:
    """One line per SLA target (member empty), then one per member of a target with several; states as
    codes (met, at_risk, breached, no_data), percentages with 4 decimals, minutes with 2, ISO times."""
    lang = report.lang
    out: list[list[object]] = [[t(c, lang) for c in _SUMMARY_COLS]]
    for r in report.rows:
        pol = r.policy
        common = [r.target, r.name, r.scope]
        tail = [r.period.label, pol.tz, pol.service_hours_text(), repr(float(pol.objective_pct))]
        out.append([*common, "", *tail, _csv_pct(r.availability), r.state.value, _csv_min(r.up_s),
                    _csv_min(r.down_s), _csv_min(r.unknown_s), _csv_min(r.maintenance_s),
                    _csv_min(r.outside_service_hours_s), _csv_min(r.budget_remaining_s), len(r.outages)])
        if r.aggregated:
            for m in r.members:
                out.append([*common, m.member, *tail, _csv_pct(m.availability), m.state.value, _csv_min(m.up_s),
                            _csv_min(m.down_s), _csv_min(m.unknown_s), _csv_min(m.maintenance_s), "", "",
                            m.outage_count])
    return _csv(out)


def render_csv_outages(report: SlaReport) -> bytes:
    out: list[list[object]] = [[t(c, report.lang) for c in _OUTAGE_COLS]]
    for r in report.rows:
        for o in r.outages:
            out.append([r.target, o.member, o.start.isoformat(), o.end.isoformat(), _csv_min(o.duration_s),
                        _csv_min(o.unknown_s), "1" if o.ongoing else "0", o.annotation])
    return _csv(out)


# ---------------------------------------------------------------------------------------------- xlsx

_RED_FILL = "FFC7CE"
_RED_FONT = "9C0006"
_AMBER_FILL = "FFEB9C"
_HEADER_FILL = "1F4E78"


def _zip_fixed(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry stamped ``when`` (UTC), in the same order and compression."""
    utc = when.astimezone(dt.UTC)
    stamp = (max(utc.year, 1980), utc.month, utc.day, utc.hour, utc.minute, utc.second - utc.second % 2)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_xlsx(report: SlaReport, *, fingerprint: str = "") -> bytes:
    """A workbook for people: Summary (frozen header, % formats, breaches in red), Members, Outages,
    Definitions (the report's metadata, the policies and the definitions used)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    lang = report.lang
    tz = report.period.tz
    wb = Workbook()
    naive_utc = report.generated_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.created = naive_utc
    wb.properties.modified = naive_utc
    wb.properties.creator = f"kotanet {report.version}"
    wb.properties.lastModifiedBy = f"kotanet {report.version}"
    wb.properties.title = t("sla.title", lang, period=report.period.label)
    wb.properties.language = lang.value

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    red = PatternFill("solid", fgColor=_RED_FILL)
    amber = PatternFill("solid", fgColor=_AMBER_FILL)

    def sheet(ws: Worksheet, cols: Sequence[tuple[str, int]]) -> None:
        ws.append([t(key, lang) for key, _ in cols])
        for i, (_, width) in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.row_dimensions[1].height = 32
        ws.freeze_panes = "A2"

    def paint(ws: Worksheet, state: SlaState) -> None:
        if state in (SlaState.BREACHED, SlaState.AT_RISK):
            fill = red if state is SlaState.BREACHED else amber
            for cell in ws[ws.max_row]:
                cell.fill = fill
                if state is SlaState.BREACHED:
                    cell.font = Font(color=_RED_FONT, bold=True)

    pct_fmt, min_fmt, dt_fmt = "0.000%", "#,##0.0", "yyyy-mm-dd hh:mm:ss"

    ws = wb.active
    assert ws is not None
    ws.title = t("sla.sheet.summary", lang)
    sheet(ws, [("sla.col.target", 18), ("sla.col.name", 40), ("sla.col.scope", 24), ("sla.col.objective", 11),
               ("sla.col.availability", 12), ("sla.col.state", 14), ("sla.col.down_min", 12),
               ("sla.col.unknown_min", 12), ("sla.col.maintenance_min", 14), ("sla.col.budget_left_min", 14),
               ("sla.col.outages", 10)])
    for r in report.rows:
        ws.append([r.target, r.name, r.scope, r.objective_pct / 100, r.availability, _state(r.state, lang),
                   r.down_s / 60, r.unknown_s / 60, r.maintenance_s / 60, r.budget_remaining_s / 60,
                   len(r.outages)])
        row = ws.max_row
        ws.cell(row=row, column=4).number_format = "0.00%"
        ws.cell(row=row, column=5).number_format = pct_fmt
        for c in range(7, 11):
            ws.cell(row=row, column=c).number_format = min_fmt
        paint(ws, r.state)
    ws.auto_filter.ref = f"A1:K{max(ws.max_row, 1)}"

    ms = wb.create_sheet(t("sla.sheet.members", lang))
    sheet(ms, [("sla.col.target", 18), ("sla.col.member", 30), ("sla.col.availability", 12),
               ("sla.col.state", 14), ("sla.col.up_min", 12), ("sla.col.down_min", 12), ("sla.col.unknown_min", 12),
               ("sla.col.maintenance_min", 14), ("sla.col.outages", 10)])
    for r in report.rows:
        for m in r.members:
            ms.append([r.target, m.member, m.availability, _state(m.state, lang), m.up_s / 60, m.down_s / 60,
                       m.unknown_s / 60, m.maintenance_s / 60, m.outage_count])
            ms.cell(row=ms.max_row, column=3).number_format = pct_fmt
            for c in range(5, 9):
                ms.cell(row=ms.max_row, column=c).number_format = min_fmt
            paint(ms, m.state)

    os_ = wb.create_sheet(t("sla.sheet.outages", lang))
    sheet(os_, [("sla.col.target", 18), ("sla.col.member", 30), ("sla.col.start", 20), ("sla.col.end", 20),
                ("sla.col.duration_min", 12), ("sla.col.ongoing", 11), ("sla.col.annotation", 60)])
    for r in report.rows:
        for o in r.outages:
            os_.append([r.target, o.member, o.start.astimezone(tz).replace(tzinfo=None),
                        o.end.astimezone(tz).replace(tzinfo=None), o.duration_s / 60,
                        _yes_no(o.ongoing, lang), o.annotation])
            os_.cell(row=os_.max_row, column=3).number_format = dt_fmt
            os_.cell(row=os_.max_row, column=4).number_format = dt_fmt
            os_.cell(row=os_.max_row, column=5).number_format = min_fmt
    if os_.max_row == 1:
        os_.append([t("sla.no_outages", lang)])

    ds = wb.create_sheet(t("sla.sheet.definitions", lang))
    ds.column_dimensions["A"].width = 28
    ds.column_dimensions["B"].width = 110
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, value in _info_lines(report, fingerprint):
        ds.append([key, value])
        ds.cell(row=ds.max_row, column=1).font = bold
    ds.append([])
    ds.append([t("sla.policies", lang)])
    ds.cell(row=ds.max_row, column=1).font = Font(bold=True, size=13)
    for r in report.rows:
        ds.append([r.target, _policy_text(r, lang)])
        ds.cell(row=ds.max_row, column=2).alignment = wrap
    ds.append([])
    ds.append([t("sla.definitions", lang)])
    ds.cell(row=ds.max_row, column=1).font = Font(bold=True, size=13)
    for key in DEFINITION_KEYS:
        ds.append([t(f"{key}.title", lang), t(key, lang)])
        ds.cell(row=ds.max_row, column=1).font = bold
        ds.cell(row=ds.max_row, column=1).alignment = wrap
        ds.cell(row=ds.max_row, column=2).alignment = wrap
        ds.row_dimensions[ds.max_row].height = 15 * max(1, math.ceil(len(t(key, lang)) / 120))

    buf = io.BytesIO()
    wb.save(buf)
    return _zip_fixed(buf.getvalue(), report.generated_at)


def _info_lines(report: SlaReport, fingerprint: str) -> list[tuple[str, str]]:
    lang = report.lang
    p = report.period
    lines = [
        (t("sla.info.report", lang), t("sla.title", lang, period=p.label)),
        (t("sla.info.inventory", lang), report.inventory),
        (t("sla.info.period", lang), t("sla.period_span", lang, start=_fmt_dt(p.start), end=_fmt_dt(p.end),
                                       tz=_tz_name(report))),
        (t("sla.info.scope", lang), _scope_text(report)),
        (t("sla.info.generated", lang), t("sla.generated", lang, at=_fmt_dt(report.generated_at, p.tz),
                                          version=report.version)),
        (t("sla.info.data", lang), _data_range_text(report)),
        (t("sla.info.flap", lang), _flap_text(report)),
        (t("sla.info.store", lang), report.store),
    ]
    if not report.complete:
        lines.append((t("sla.info.status", lang), t("sla.incomplete", lang, at=_fmt_dt(report.generated_at, p.tz))))
    if fingerprint:
        lines.append((t("sla.info.signature", lang), t("sla.verify_note", lang, fingerprint=fingerprint)))
    return lines


def _policy_text(r: ReportRow, lang: Lang) -> str:
    pol = r.policy
    windows = sorted({w.id for _, ws in pol.maintenance for w in ws})
    return t("sla.policy_line", lang, objective=_fmt_obj(pol.objective_pct, lang), tz=pol.tz,
             hours=pol.service_hours_text(), unknown=_yes_no(pol.unknown_counts_as_down, lang),
             members=", ".join(pol.members) or "-", windows=", ".join(windows) or "-")


# ----------------------------------------------------------------------------------------------- pdf

_PDF_BLUE = "#1F4E78"
_CHART_ROWS = 18
"""At most this many bars pairs per chart (a chart must fit one landscape A4 page)."""


def render_pdf(report: SlaReport, *, fingerprint: str = "") -> bytes:
    """A4 landscape: a summary page (report facts, the table with totals, a sign-off block), the charts of
    achieved vs objective, the outages, then the policies and the definitions used."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        CondPageBreak,
        Flowable,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    lang = report.lang
    tz = report.period.tz
    title = t("sla.title", lang, period=report.period.label)
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Title"], alignment=TA_LEFT, fontSize=20, leading=24,
                        textColor=colors.HexColor(_PDF_BLUE), spaceAfter=2)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], textColor=colors.HexColor(_PDF_BLUE), spaceBefore=8)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5)
    cell_b = ParagraphStyle("cellb", parent=cell, fontName="Helvetica-Bold", textColor=colors.white)

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(esc(text), style)

    gen_local = report.generated_at.astimezone(tz)
    pdf_date = gen_local.strftime("D:%Y%m%d%H%M%S")
    off = gen_local.utcoffset() or dt.timedelta(0)
    off_min = int(off.total_seconds()) // 60
    pdf_date += f"{'+' if off_min >= 0 else '-'}{abs(off_min) // 60:02d}'{abs(off_min) % 60:02d}'"

    def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
        c = Canvas(*args, **kwargs)
        c.setDateFormatter(lambda *_: pdf_date)
        return c

    footer = t("sla.footer", lang, version=report.version, title=title,
               at=_fmt_dt(report.generated_at, tz))

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        w, _ = doc.pagesize
        canvas.setStrokeColor(colors.HexColor(_PDF_BLUE))
        canvas.setLineWidth(0.6)
        canvas.line(doc.leftMargin, 12 * mm, w - doc.rightMargin, 12 * mm)
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(doc.leftMargin, 8 * mm, footer)
        canvas.drawRightString(w - doc.rightMargin, 8 * mm, t("sla.page", lang, page=canvas.getPageNumber()))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=12 * mm, bottomMargin=18 * mm, title=title,
                            author=f"kotanet {report.version}", subject=report.inventory,
                            creator=f"kotanet {report.version}", invariant=1, lang=lang.value)
    grid = colors.HexColor("#B0B7C3")
    head_bg = colors.HexColor(_PDF_BLUE)
    red_bg, red_fg = colors.HexColor("#" + _RED_FILL), colors.HexColor("#" + _RED_FONT)
    amber_bg = colors.HexColor("#" + _AMBER_FILL)
    zebra = colors.HexColor("#F2F5F9")

    def table(data: list[list[Any]], widths: Sequence[float], extra: Sequence[Any] = (),
              align_right_from: int | None = None) -> Table:
        tbl = Table(data, colWidths=list(widths), repeatRows=1)
        style: list[Any] = [
            ("BACKGROUND", (0, 0), (-1, 0), head_bg),
            ("GRID", (0, 0), (-1, -1), 0.4, grid),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for i in range(1, len(data)):
            if i % 2 == 0:
                style.append(("BACKGROUND", (0, i), (-1, i), zebra))
        if align_right_from is not None:
            style.append(("ALIGN", (align_right_from, 1), (-1, -1), "RIGHT"))
        tbl.setStyle(TableStyle([*style, *extra]))
        return tbl

    def num(text: str, bold: bool = False, color: colors.Color | None = None) -> Paragraph:
        st = ParagraphStyle("num", parent=cell, alignment=2, fontName="Helvetica-Bold" if bold else "Helvetica",
                            textColor=color or colors.black)
        return Paragraph(esc(text), st)

    story: list[Flowable] = []
    # ---- page 1: summary
    story.append(Paragraph(esc(title), h1))
    story.append(Paragraph(esc(report.inventory), ParagraphStyle("sub", parent=body, fontSize=11, leading=14,
                                                                  textColor=colors.HexColor("#333333"))))
    story.append(Spacer(1, 4 * mm))
    info = [[p(k, ParagraphStyle("k", parent=cell, fontName="Helvetica-Bold")), p(v)]
            for k, v in _info_lines(report, fingerprint)]
    story.append(Table(info, colWidths=[42 * mm, 225 * mm], style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)])))
    story.append(Spacer(1, 4 * mm))

    cols = ("sla.col.target", "sla.col.name", "sla.col.scope", "sla.col.objective", "sla.col.availability",
            "sla.col.state", "sla.col.down_min", "sla.col.maintenance_min", "sla.col.unknown_min",
            "sla.col.budget_left_min", "sla.col.outages")
    data: list[list[Any]] = [[p(t(c, lang), cell_b) for c in cols]]
    extra: list[Any] = []
    for i, r in enumerate(report.rows, start=1):
        bad = r.state is SlaState.BREACHED
        fg = red_fg if bad else None
        data.append([p(r.target), p(r.name), p(r.scope), num(_fmt_obj(r.objective_pct, lang)),
                     num(fmt_pct(r.availability, lang), bold=True, color=fg), p(_state(r.state, lang)),
                     num(fmt_minutes(r.down_s, lang)), num(fmt_minutes(r.maintenance_s, lang)),
                     num(fmt_minutes(r.unknown_s, lang)), num(fmt_minutes(r.budget_remaining_s, lang)),
                     num(str(len(r.outages)))])
        if bad:
            extra.append(("BACKGROUND", (0, i), (-1, i), red_bg))
        elif r.state is SlaState.AT_RISK:
            extra.append(("BACKGROUND", (0, i), (-1, i), amber_bg))
    counts = report.counts()
    total_row: list[Any] = [
        p(t("sla.total", lang), ParagraphStyle("tb", parent=cell, fontName="Helvetica-Bold")),
        p(t("sla.counts", lang, n=len(report.rows), met=counts[SlaState.MET], at_risk=counts[SlaState.AT_RISK],
            breached=counts[SlaState.BREACHED], no_data=counts[SlaState.NO_DATA])),
        "", "", "", "",
        num(fmt_minutes(sum(r.down_s for r in report.rows), lang), bold=True),
        num(fmt_minutes(sum(r.maintenance_s for r in report.rows), lang), bold=True),
        num(fmt_minutes(sum(r.unknown_s for r in report.rows), lang), bold=True),
        "",
        num(str(sum(len(r.outages) for r in report.rows)), bold=True),
    ]
    data.append(total_row)
    n = len(data) - 1
    extra += [("SPAN", (1, n), (5, n)), ("LINEABOVE", (0, n), (-1, n), 1.2, head_bg),
              ("BACKGROUND", (0, n), (-1, n), colors.HexColor("#E4EAF2"))]
    widths = [36, 44, 30, 17, 21, 17, 20, 24, 19, 22, 18]  # 268 of the 269 mm between the margins
    story.append(table(data, [w * mm for w in widths], extra))
    story.append(Spacer(1, 2 * mm))
    if any(r.aggregated for r in report.rows):
        story.append(Paragraph(esc(t("sla.aggregate_note", lang)), small))
    story.append(Paragraph(esc(t("sla.minutes_note", lang)), small))

    sign: list[list[Any]] = [[p(t("sla.sign.prepared", lang), cell_b), p(t("sla.sign.checked", lang), cell_b),
             p(t("sla.sign.approved", lang), cell_b)],
            ["", "", ""],
            [p(t("sla.sign.line", lang), small)] * 3]
    story.append(CondPageBreak(45 * mm))
    story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether([Table(sign, colWidths=[89 * mm] * 3, rowHeights=[None, 20 * mm, None],
                                     style=TableStyle([("BACKGROUND", (0, 0), (-1, 0), head_bg),
                                                       ("BOX", (0, 0), (-1, -1), 0.6, grid),
                                                       ("INNERGRID", (0, 0), (-1, -1), 0.4, grid)]))]))

    # ---- charts
    def chart(labels: Sequence[str], achieved: Sequence[float | None], objectives: Sequence[float],
              heading: str) -> Drawing:
        values = [100 * a for a in achieved if a is not None] + list(objectives)
        lo = min(values) if values else 0.0
        vmin = max(0.0, math.floor(lo - max(0.5, (100 - lo) * 0.25)))
        bar_h = 8
        height = max(110.0, len(labels) * (2 * bar_h + 6) + 70.0)  # <= 466 pt for _CHART_ROWS rows
        width = doc.width - 12
        d = Drawing(width, height)
        c = HorizontalBarChart()
        c.x, c.y = 150, 40
        c.width, c.height = int(width - 210), int(height - 70)
        c.data = [[vmin if a is None else 100 * a for a in achieved], list(objectives)]
        c.categoryAxis.categoryNames = list(labels)
        c.categoryAxis.reverseDirection = 1
        c.categoryAxis.labels.fontName = "Helvetica"
        c.categoryAxis.labels.fontSize = 8
        c.categoryAxis.labels.boxAnchor = "e"
        c.valueAxis.valueMin = vmin
        c.valueAxis.valueMax = 100
        c.valueAxis.labels.fontName = "Helvetica"
        c.valueAxis.labels.fontSize = 8
        c.valueAxis.labelTextFormat = lambda v: _number(v, 1, lang)
        c.valueAxis.visibleGrid = 1
        c.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
        c.bars[0].fillColor = colors.HexColor("#2E75B6")
        c.bars[1].fillColor = colors.HexColor("#A6A6A6")
        c.bars.strokeColor = None
        c.barWidth = bar_h
        c.groupSpacing = 6
        c.barLabelFormat = "values"
        c.barLabelArray = [[t("sla.na", lang) if a is None else _number(100 * a, 3, lang) for a in achieved],
                           [_number(o, 3, lang) for o in objectives]]
        c.barLabels.fontName = "Helvetica"
        c.barLabels.fontSize = 7
        c.barLabels.boxAnchor = "w"
        c.barLabels.dx = 3
        for i, a in enumerate(achieved):
            if a is None:
                c.bars[(0, i)].fillColor = colors.white
            elif 100 * a < objectives[i]:
                c.bars[(0, i)].fillColor = colors.HexColor("#C00000")
        d.add(c)
        leg = Legend()
        leg.x, leg.y = int(width - 330), int(height - 8)
        leg.columnMaximum = 1
        leg.deltax = 95
        leg.fontName = "Helvetica"
        leg.fontSize = 8
        leg.alignment = "right"
        leg.dxTextSpace = 4
        leg.colorNamePairs = [(colors.HexColor("#2E75B6"), t("sla.chart.achieved", lang)),
                              (colors.HexColor("#A6A6A6"), t("sla.chart.objective", lang)),
                              (colors.HexColor("#C00000"), t("sla.chart.below", lang))]
        d.add(leg)
        d.add(String(0, height - 14, heading, fontName="Helvetica-Bold", fontSize=10,
                     fillColor=colors.HexColor(_PDF_BLUE)))
        if any(a is None for a in achieved):
            d.add(String(0, 8, t("sla.chart.nodata_note", lang, na=t("sla.na", lang)), fontName="Helvetica",
                         fontSize=7))
        return d

    story.append(PageBreak())
    story.append(Paragraph(esc(t("sla.chart.title", lang)), h2))
    rows = list(report.rows)
    for i in range(0, len(rows), _CHART_ROWS):
        part = rows[i:i + _CHART_ROWS]
        story.append(chart([r.target for r in part], [r.availability for r in part], [r.objective_pct for r in part],
                           t("sla.chart.by_target", lang)))
    for r in report.rows:
        if r.aggregated:
            for i in range(0, len(r.members), _CHART_ROWS):
                part_m = r.members[i:i + _CHART_ROWS]
                story.append(Spacer(1, 4 * mm))
                story.append(chart([m.member for m in part_m], [m.availability for m in part_m],
                                   [r.objective_pct] * len(part_m), t("sla.chart.members", lang, name=r.name)))

    # ---- outages
    story.append(PageBreak())
    story.append(Paragraph(esc(t("sla.sheet.outages", lang)), h2))
    outs = [(r, o) for r in report.rows for o in r.outages]
    if outs:
        ocols = ("sla.col.target", "sla.col.member", "sla.col.start", "sla.col.end", "sla.col.duration_min",
                 "sla.col.annotation")
        odata: list[list[Any]] = [[p(t(c, lang), cell_b) for c in ocols]]
        for r, o in outs:
            dur = fmt_minutes(o.duration_s, lang) + (f" ({t('sla.col.ongoing', lang)})" if o.ongoing else "")
            odata.append([p(r.target), p(o.member), p(_fmt_dt(o.start, tz)), p(_fmt_dt(o.end, tz)), num(dur),
                          p(o.annotation)])
        story.append(table(odata, [w * mm for w in (32, 48, 32, 32, 24, 99)]))
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(esc(t("sla.times_in", lang, tz=_tz_name(report))), small))
    else:
        story.append(Paragraph(esc(t("sla.no_outages", lang)), body))

    # ---- policies and definitions
    story.append(PageBreak())
    story.append(Paragraph(esc(t("sla.policies", lang)), h2))
    pdata: list[list[Any]] = [[p(t(c, lang), cell_b) for c in (
        "sla.col.target", "sla.col.objective", "sla.col.timezone", "sla.col.service_hours",
        "sla.col.unknown_down", "sla.col.member", "sla.col.maintenance")]]
    for r in report.rows:
        pol = r.policy
        windows = sorted({w.id for _, ws in pol.maintenance for w in ws})
        pdata.append([p(r.target), num(_fmt_obj(pol.objective_pct, lang)), p(pol.tz), p(pol.service_hours_text()),
                      p(_yes_no(pol.unknown_counts_as_down, lang)), p(", ".join(pol.members) or "-"),
                      p(", ".join(windows) or "-")])
    story.append(table(pdata, [w * mm for w in (32, 20, 28, 32, 24, 70, 61)]))
    story.append(Paragraph(esc(t("sla.definitions", lang)), h2))
    for key in DEFINITION_KEYS:
        story.append(Paragraph(f"<b>{esc(t(key + '.title', lang))}.</b> {esc(t(key, lang))}", body))
        story.append(Spacer(1, 1.2 * mm))
    story.append(Paragraph(esc(t("sla.def.source", lang)), small))

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=canvasmaker)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------- writing


def write_exports(report: SlaReport, directory: Path, formats: Sequence[ExportFormat], *,
                  fingerprint: str = "", progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the formats' files into ``directory`` (which must exist); returns them in order."""
    written: list[Path] = []

    def put(name: str, data: bytes) -> None:
        path = directory / name
        path.write_bytes(data)
        written.append(path)
        if progress is not None:
            progress(name)

    for fmt in formats:
        names = export_names(report, fmt)
        if fmt is ExportFormat.CSV:
            put(names[0], render_csv_summary(report))
            put(names[1], render_csv_outages(report))
        elif fmt is ExportFormat.XLSX:
            put(names[0], render_xlsx(report, fingerprint=fingerprint))
        else:
            put(names[0], render_pdf(report, fingerprint=fingerprint))
    return written
