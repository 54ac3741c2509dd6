"""`kotanet inventory ...`: validate, show, export, import-csv, init."""

from __future__ import annotations

import json
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kotanet.cli_common import CliState, fail, load_inventory, state, write_atomic
from kotanet.errors import InventoryError
from kotanet.inventory.csvio import export_csv, merge_csv
from kotanet.inventory.layout import COLLECTION_FILES, SETTINGS_FILE
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import EMBEDDED_DATASET, YamlDirSource, embedded_path
from kotanet.inventory.summary import InventorySummary, summarize
from kotanet.inventory.validate import check
from kotanet.inventory.yamlio import Locator, load_dir, save_dir

__all__ = ["app"]

app = typer.Typer(help="The inventory: sites, devices, links, services, migrations, SLA targets.",
                  no_args_is_help=True)

DirArg = Annotated[
    Path | None,
    typer.Argument(help="Inventory directory (default: the embedded Kota Bogor dataset).", show_default=False),
]


class ExportFormat(StrEnum):
    YAML = "yaml"
    CSV = "csv"
    JSON = "json"


def _label(path: Path | None) -> str:
    return EMBEDDED_DATASET if path is None else str(path)


@app.command()
def validate(ctx: typer.Context, path: DirArg = None) -> None:
    """Check an inventory. Exit 0 when valid; exit 2 with one line per problem."""
    st = state(ctx)
    try:
        inv = load_inventory(st, path)
    except InventoryError as exc:
        for line in exc.lines():
            st.err.print(line, markup=False, highlight=False, soft_wrap=True)
        st.err.print(st.t("inventory.invalid", count=len(exc.problems), source=_label(path)), style="bold red")
        raise typer.Exit(2) from None
    st.out.print(st.t("inventory.valid", source=_label(path), sites=len(inv.sites), devices=len(inv.devices),
                      links=len(inv.links), migrations=len(inv.migrations)), style="green", highlight=False)


def _show_tables(st: CliState, s: InventorySummary) -> None:
    st.out.print(f"[bold]{st.t('inventory.title', name=s.name)}[/bold]")
    totals = Table(title=st.t("inventory.totals"))
    totals.add_column(st.t("col.what"))
    totals.add_column(st.t("col.count"), justify="right")
    for key, value in (("word.sites", s.sites), ("word.devices", s.devices), ("word.interfaces", s.interfaces),
                       ("word.links", s.links), ("word.migrations", s.migrations), ("word.services", s.services),
                       ("word.circuits", s.circuits), ("word.racks", s.racks), ("word.sla_targets", s.sla_targets),
                       ("word.maintenance", s.maintenance)):
        totals.add_row(st.t(key), str(value))
    kinds = Table(title=st.t("inventory.by_kind"))
    kinds.add_column(st.t("col.kind"))
    kinds.add_column(st.t("col.count"), justify="right")
    for kind, n in s.sites_by_kind.items():
        kinds.add_row(kind, str(n))
    media = Table(title=st.t("inventory.by_medium"))
    media.add_column(st.t("col.medium"))
    for status in s.links_by_status:
        media.add_column(st.t(f"status.{status}"), justify="right")
    for medium in s.links_by_medium:
        row = s.links_by_medium_status.get(medium, {})
        media.add_row(medium, *(str(row.get(status, 0)) for status in s.links_by_status))
    roles = Table(title=st.t("inventory.by_role"))
    roles.add_column(st.t("col.role"))
    roles.add_column(st.t("col.count"), justify="right")
    for role, n in s.devices_by_role.items():
        roles.add_row(role, str(n))
    for table in (totals, kinds, media, roles):
        st.out.print(table)
    if s.past_end_of_support:
        st.out.print(st.t("inventory.eos", count=len(s.past_end_of_support), date=s.as_of), style="yellow")


@app.command()
def show(ctx: typer.Context, path: DirArg = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False) -> None:
    """Counts by kind, medium and status."""
    st = state(ctx)
    inv = load_inventory(st, path)
    summary = summarize(inv, today=st.clock.now().date())
    if as_json:
        typer.echo(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
    else:
        _show_tables(st, summary)


@app.command()
def export(
    ctx: typer.Context,
    path: DirArg = None,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="yaml (a directory), csv (a directory with sites.csv and devices.csv) or json (a file)."
    )] = ExportFormat.YAML,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write ('-' prints JSON to stdout).")] = Path("-"),
) -> None:
    """Export the inventory as YAML files, CSV spreadsheets or one JSON document."""
    st = state(ctx)
    inv = load_inventory(st, path)
    if fmt is ExportFormat.JSON:
        text = json.dumps(inv.model_dump(mode="json", exclude_defaults=True), indent=2, ensure_ascii=False) + "\n"
        if str(out) == "-":
            typer.echo(text, nl=False)
            return
        write_atomic(out, text)
    elif str(out) == "-":
        raise fail(f"--format {fmt.value} writes a directory", "give --out DIR")
    elif fmt is ExportFormat.YAML:
        save_dir(inv, out)
    else:
        for name, text in export_csv(inv).items():
            write_atomic(out / name, text)
    st.err.print(st.t("inventory.exported", what=fmt.value, path=out), highlight=False)


@app.command("import-csv")
def import_csv(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The inventory directory to update.")],
    sites: Annotated[Path | None, typer.Option("--sites", help="CSV of sites (header as in export).")] = None,
    devices: Annotated[Path | None, typer.Option("--devices", help="CSV of devices (header as in export).")] = None,
) -> None:
    """Add or update sites and devices by id from CSV files. Nothing is written unless the result validates."""
    st = state(ctx)
    if sites is None and devices is None:
        raise fail(st.t("import.nothing"), st.t("import.nothing.fix"))
    inv = load_inventory(st, path)
    merged, n_sites, n_devices = merge_csv(inv, sites=sites, devices=devices)
    check(Inventory.model_validate(merged.model_dump()), Locator(None, str(path)))
    YamlDirSource(path).save(merged)
    st.out.print(st.t("inventory.imported", sites=n_sites, devices=n_devices, path=path), highlight=False)


@app.command()
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A new directory for your inventory.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing non-empty directory.")] = False,
) -> None:
    """Copy the embedded Kota Bogor dataset out as a starting point."""
    st = state(ctx)
    if path.exists() and any(path.iterdir()) and not force:
        raise fail(st.t("init.exists", path=path), st.t("init.exists.fix"))
    src = embedded_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for name in [SETTINGS_FILE, *COLLECTION_FILES.values(), "README.md"]:
            if (src / name).is_file():
                shutil.copyfile(src / name, stage / name)
        load_dir(stage, label_root=str(path))  # the copy must load; a broken install is caught before we write
        path.mkdir(exist_ok=True)
        for item in stage.iterdir():
            item.replace(path / item.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    st.out.print(st.t("inventory.initialised", name=EMBEDDED_DATASET, path=path), highlight=False)
