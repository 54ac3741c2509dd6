"""`kotanet sla ...` (report, verify, status) and `kotanet keys init`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kotanet.cli_common import CliState, load_inventory, state
from kotanet.errors import UsageError
from kotanet.i18n import Lang, t
from kotanet.inventory.choices import PeriodKind
from kotanet.slas.exports import export_names, fmt_minutes, fmt_pct, parse_formats, write_exports
from kotanet.slas.periods import period_containing
from kotanet.slas.report import SlaReport, build_report, manifest_facts
from kotanet.slas.signing import (
    default_key_dir,
    fingerprint,
    init_keys,
    load_private_key,
    verify,
    write_signed_export,
)

if TYPE_CHECKING:
    from kotanet.monitors.store import Store

__all__ = ["keys_app", "sla_app"]

sla_app = typer.Typer(help="SLA reports (CSV, XLSX, PDF; signed), their verification, and the status so far.",
                      no_args_is_help=True)
keys_app = typer.Typer(help="The Ed25519 key that signs SLA exports.", no_args_is_help=True)

InventoryOpt = Annotated[Path | None, typer.Option("--inventory", "-i", help="Inventory directory (default: the "
                                                   "embedded Kota Bogor dataset).", show_default=False)]
StoreOpt = Annotated[str | None, typer.Option("--store", envvar="KOTANET_STORE", show_default=False,
                                              help="Measurement store URL (memory:, sqlite:///path.db, "
                                                   "postgresql://...); default: sqlite in $KOTANET_HOME/kotanet.db.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Language of the exports: en or id (default: the "
                                              "global --lang / KOTANET_LANG).", show_default=False)]

_PROGRESS_AFTER_S = 0.4


def _open_store(url: str | None) -> Store:
    """The store behind ``url`` (default: SQLite in $KOTANET_HOME); the adapters are imported lazily."""
    from kotanet.monitors.stores import open_store_or_default

    return open_store_or_default(url)


@contextmanager
def _lazy_progress(st: CliState, label: str) -> Iterator[ProgressHook]:
    """A progress bar on stderr that appears only once the work has taken more than a moment."""
    hook = ProgressHook(st, label)
    try:
        yield hook
    finally:
        hook.stop()


class ProgressHook:
    def __init__(self, st: CliState, label: str) -> None:
        self._st = st
        self._label = label
        self._t0 = time.monotonic()
        self._bar: Progress | None = None
        self._task: object = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._t0 < _PROGRESS_AFTER_S or done >= total:
                return
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=self._st.err, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=total)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _report(st: CliState, period: str, scope: str | None, inventory: Path | None,
            store_url: str | None, lang: Lang) -> SlaReport:
    inv = load_inventory(st, inventory)
    store = _open_store(store_url)
    try:
        with _lazy_progress(st, st.t("sla.progress")) as hook:
            return build_report(inv, store, period, now=st.clock.now(), scope=scope, lang=lang, progress=hook)
    finally:
        store.close()


@sla_app.command("report")
def report_cmd(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", "-p", help="2026-10 (month), 2026-Q4 or 2026.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to create with the export (must not exist "
                                      "or be empty).")],
    scope: Annotated[str | None, typer.Option("--scope", help="service:ID, site:ID, link:ID, tenant:ID or an "
                                              "SLA target id (default: every SLA target).")] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: csv, xlsx, pdf.")] = "csv,xlsx,pdf",
    lang: LangOpt = None,
    inventory: InventoryOpt = None,
    store: StoreOpt = None,
    key_dir: Annotated[Path | None, typer.Option("--key-dir", help="Where the signing key is (default: "
                                                 "$KOTANET_HOME/keys).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty --out directory.")] = False,
) -> None:
    """Write a signed SLA export: the files, manifest.json (SHA-256 of each), manifest.sig and signer.pub."""
    st = state(ctx)
    language = lang or st.lang
    fmts = parse_formats(formats)
    key = load_private_key(key_dir or default_key_dir())  # before any work: no key, no export
    rep = _report(st, period, scope, inventory, store, language)
    fp = fingerprint(key.public_key())
    with st.err.status(st.t("sla.writing", name=", ".join(n for f in fmts for n in export_names(rep, f)))):
        final = write_signed_export(out, key, manifest_facts(rep),
                                    lambda d: write_exports(rep, d, fmts, fingerprint=fp), force=force)
    n = sum(len(export_names(rep, f)) for f in fmts)
    _print_summary(st, rep)
    st.err.print(t("sla.written", language, n=n, path=final), highlight=False)


def _print_summary(st: CliState, rep: SlaReport) -> None:
    lang = rep.lang
    table = Table(title=t("sla.title", lang, period=rep.period.label))
    for col in ("sla.col.target", "sla.col.objective", "sla.col.availability", "sla.col.state",
                "sla.col.down_min", "sla.col.unknown_min", "sla.col.outages"):
        table.add_column(t(col, lang))
    for r in rep.rows:
        style = {"breached": "red", "at_risk": "yellow", "met": "green"}.get(r.state.value, "")
        table.add_row(r.target, f"{r.objective_pct:g}", fmt_pct(r.availability, lang),
                      f"[{style}]{t('sla.state.' + r.state.value, lang)}[/]" if style else
                      t("sla.state." + r.state.value, lang),
                      fmt_minutes(r.down_s, lang), fmt_minutes(r.unknown_s, lang), str(len(r.outages)))
    st.out.print(table)


@sla_app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="An export directory written by `kotanet sla report`.")],
    trusted_key: Annotated[Path | None, typer.Option("--trusted-key", help="The signer's public key to require "
                                                     "(e.g. kotanet-sla.pub).", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check an export against its signed manifest: exit 0 untouched, 1 naming each changed file, 2 bad input."""
    st = state(ctx)
    if not directory.exists():
        raise UsageError(f"{directory} does not exist", hint="give the directory `kotanet sla report --out` wrote")
    result = verify(directory, trusted_key=trusted_key)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif result.ok:
        st.out.print(st.t("sla.verify_ok", path=directory, n=result.files, fingerprint=result.signer),
                     highlight=False)
        if not result.trusted:
            st.err.print(st.t("sla.verify_untrusted"), highlight=False)
    else:
        st.out.print(st.t("sla.verify_bad", path=directory, n=len(result.problems)), style="bold red",
                     highlight=False)
        for p in result.problems:
            st.out.print(f"  {p}", markup=False, highlight=False)
    if not result.ok:
        raise typer.Exit(1)


@sla_app.command("status")
def status_cmd(ctx: typer.Context, inventory: InventoryOpt = None, store: StoreOpt = None,
               as_json: JsonOpt = False) -> None:
    """Every SLA target's availability so far this month (in its own time zone) against its objective,
    and the error budget left."""
    st = state(ctx)
    inv = load_inventory(st, inventory)
    now = st.clock.now()
    label = period_containing(PeriodKind.MONTH, now, inv.settings.timezone).label
    db = _open_store(store)
    try:
        with _lazy_progress(st, st.t("sla.progress")) as hook:
            rep = build_report(inv, db, label, now=now, lang=st.lang, progress=hook)
    finally:
        db.close()
    if as_json:
        rows = [{"target": r.target, "name": r.name, "scope": r.scope, "period": r.period.label,
                 "availability": r.availability, "slo": r.objective_pct / 100, "objective_pct": r.objective_pct,
                 "budget_seconds": r.budget_remaining_s, "budget_total_seconds": r.budget_total_s,
                 "down_seconds": r.down_s, "unknown_seconds": r.unknown_s, "state": r.state.value,
                 "outages": len(r.outages)} for r in rep.rows]
        typer.echo(json.dumps({"period": label, "as_of": now.isoformat(), "targets": rows}, indent=2,
                              ensure_ascii=False))
        return
    lang = st.lang
    table = Table(title=st.t("sla.status.title", at=now.astimezone(rep.period.tz).strftime("%Y-%m-%d %H:%M")))
    for col in ("sla.col.target", "sla.col.period", "sla.col.availability", "sla.col.slo",
                "sla.col.budget_left_min", "sla.col.state"):
        table.add_column(st.t(col))
    for r in rep.rows:
        style = {"breached": "red", "at_risk": "yellow", "met": "green"}.get(r.state.value, "dim")
        left = r.budget_remaining_s
        share = f" ({100 * left / r.budget_total_s:.0f} %)" if r.budget_total_s > 0 else ""
        table.add_row(r.target, r.period.label, fmt_pct(r.availability, lang), f"{r.objective_pct:g} %",
                      fmt_minutes(left, lang) + share, f"[{style}]{st.t('sla.state.' + r.state.value)}[/]")
    st.out.print(table)


@keys_app.command("init")
def keys_init_cmd(
    ctx: typer.Context,
    directory: Annotated[Path | None, typer.Option("--dir", help="Where to create the key pair (default: "
                                                   "$KOTANET_HOME/keys).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key.")] = False,
) -> None:
    """Create the Ed25519 key pair that signs SLA exports (private key mode 0600)."""
    st = state(ctx)
    pair = init_keys(directory or default_key_dir(), force=force)
    st.out.print(st.t("keys.created", private=pair.private, public=pair.public, fingerprint=pair.fingerprint),
                 highlight=False)


@sla_app.command("rules")
def rules_cmd(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the rule file there (atomically) "
                                             "instead of printing it.", show_default=False)] = None,
    inventory: InventoryOpt = None,
) -> None:
    """Prometheus recording rules and multi-window burn-rate alerts (page/ticket) for every SLA target."""
    from kotanet.slas.rules import render_rules, write_rules

    st = state(ctx)
    inv = load_inventory(st, inventory)
    text = render_rules(inv)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_rules(out, text)
    st.err.print(st.t("sla.rules_written", n=len(inv.sla_targets), path=out), highlight=False)


@sla_app.command("seed-demo")
def seed_demo_cmd(
    ctx: typer.Context,
    months: Annotated[int, typer.Option("--months", min=0, max=36, help="Months of history before the "
                                        "current one.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed writes the same history.")] = 0,
    inventory: InventoryOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fill a store with a generated but realistic history (outages, flaps, maintenance, poller gaps, a few
    SLA breaches) for every monitor target, up to now: for demos and screenshots, never for real figures."""
    from kotanet.slas.seed import seed_history

    st = state(ctx)
    inv = load_inventory(st, inventory)
    now = st.clock.now()
    db = _open_store(store)
    try:
        with st.err.status(st.t("sla.seeding", store=db.description)):
            summary = seed_history(inv, db, months=months, now=now, seed=seed)
        where = db.description
    finally:
        db.close()
    if as_json:
        typer.echo(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
        return
    st.out.print(st.t("sla.seeded", transitions=summary.transitions, targets=summary.targets,
                      annotations=summary.annotations, start=f"{summary.start:%Y-%m-%d}",
                      end=f"{summary.end:%Y-%m-%d %H:%M}", store=where), highlight=False)
    st.out.print(st.t("sla.seeded.incidents"), highlight=False)
    for line in summary.incidents:
        st.out.print(f"  - {line}", markup=False, highlight=False)
    period = f"{summary.start:%Y-%m}"
    st.out.print(st.t("sla.seeded.next", period=period, store=f" --store {store}" if store else ""),
                 markup=False, highlight=False)
