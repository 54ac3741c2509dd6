"""`kotanet topology ...` and `kotanet plan ...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kotanet.cli_common import CliState, load_inventory, state, write_atomic
from kotanet.inventory.models import Inventory
from kotanet.topology.analysis import NetworkAnalysis, analyze, analyze_services, what_if
from kotanet.topology.datacentre import capacity_report
from kotanet.topology.linkbudgets import link_budgets
from kotanet.topology.plan import MigrationPlan, RoutePlan, plan_migrations

__all__ = ["plan_app", "topology_app"]

topology_app = typer.Typer(help="Redundancy, predicted availability, link budgets, what-if and the map.",
                           no_args_is_help=True)
plan_app = typer.Typer(help="The radio-to-fibre migration plan.", no_args_is_help=True)

DirArg = Annotated[Path | None, typer.Argument(help="Inventory directory (default: the embedded Kota Bogor dataset).",
                                               show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

CLASS_STYLE = {"unreachable": "bold red", "radio-only": "red", "fibre-only": "yellow", "fibre+radio": "green",
               "fibre-redundant": "bold green"}


def pct(x: float, digits: int = 3) -> str:
    """A percentage that never rounds a shortfall up to 100 %."""
    text = f"{100 * x:.{digits}f}"
    if x < 1.0 and text.startswith("100"):
        text = "99." + "9" * digits
    return f"{text} %"


def _json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _print_analysis(st: CliState, a: NetworkAnalysis, inv: Inventory) -> None:
    label = st.t("topo.state_today") if not a.state.applied else st.t(
        "topo.state_after", routes=", ".join(a.state.applied))
    st.out.print(f"[bold]{st.t('topo.title', state=label)}[/bold]")
    st.out.print(st.t("topo.dc", dc=a.dc, tier=a.dc_tier.value, avail=pct(a.dc_availability), sla=a.sla_pct,
                      need=pct(a.max_path_availability_for_sla, 4)), highlight=False)
    if not a.sla_reachable:
        st.out.print(st.t("topo.sla_unreachable", tier=a.dc_tier.value, avail=pct(a.dc_availability),
                          sla=a.sla_pct), style="bold red")
    counts = a.to_json()["classes"]
    assert isinstance(counts, dict)
    st.out.print(st.t("topo.classes") + ": " + ", ".join(f"[{CLASS_STYLE[k]}]{k}[/] {v}" for k, v in counts.items()))
    rows = sorted((s for s in a.sites.values() if s.site != a.dc), key=lambda s: (s.availability.value, s.site))
    spof = [s for s in rows if s.spof_links or s.spof_sites]
    table = Table(title=st.t("topo.spof_title", n=len(spof)))
    for col in ("col.site", "col.class", "col.availability", "col.end_to_end", "col.spof"):
        table.add_column(st.t(col), overflow="fold")
    for s in rows:
        spofs = ", ".join([*s.spof_sites, *s.spof_links])
        style = CLASS_STYLE[s.cls.value]
        table.add_row(s.site, f"[{style}]{s.cls.value}[/]", pct(s.availability.value, 4),
                      f"[{'green' if s.meets_sla else 'red'}]{pct(s.end_to_end, 3)}[/]", spofs)
    st.out.print(table)
    meets = sum(1 for s in rows if s.meets_sla)
    st.out.print(st.t("topo.meets", n=meets, total=len(rows), sla=a.sla_pct))
    services = analyze_services(inv, a.state)
    if services:
        t = Table(title=st.t("topo.services", tier=a.dc_tier.value))
        for col in ("col.service", "col.hosting", "col.mean", "col.worst"):
            t.add_column(st.t(col))
        for sv in services:
            t.add_row(sv.name, pct(sv.hosting_availability, 4), pct(sv.mean, 3),
                      f"{pct(sv.worst, 3)} ({sv.worst_site})")
        st.out.print(t)


@topology_app.command("analyze")
def analyze_cmd(ctx: typer.Context, path: DirArg = None, as_json: JsonOpt = False,
                sla: Annotated[float | None, typer.Option(help="SLA in percent (default: the inventory's).")] = None,
                ) -> None:
    """Each site's class, predicted availability to the DC, single points of failure and paths."""
    st = state(ctx)
    inv = load_inventory(st, path)
    a = analyze(inv, sla_pct=sla)
    if as_json:
        data = a.to_json()
        data["services"] = [s.to_json() for s in analyze_services(inv)]
        _json(data)
    else:
        _print_analysis(st, a, inv)


@topology_app.command("whatif")
def whatif_cmd(ctx: typer.Context, path: DirArg = None,
               fail: Annotated[list[str], typer.Option("--fail", help="A link or site id; repeat for several.")] = [],  # noqa: B006
               as_json: JsonOpt = False) -> None:
    """Fail links and sites: who is cut off from the DC, and whose class or availability changes."""
    st = state(ctx)
    if not fail:
        raise typer.BadParameter("give at least one --fail ID", param_hint="--fail")
    inv = load_inventory(st, path)
    w = what_if(inv, fail)
    if as_json:
        _json(w.to_json())
        return
    st.out.print(f"[bold red]{st.t('topo.cut_off', n=len(w.cut_off))}[/] {', '.join(w.cut_off)}")
    table = Table(title=st.t("topo.changed", n=len(w.changed)))
    for col in ("col.site", "col.before", "col.after"):
        table.add_column(st.t(col))
    for site, cb, ca, ab, aa in w.changed:
        table.add_row(site, f"{cb} {pct(ab, 4)}", f"{ca} {pct(aa, 4)}")
    st.out.print(table)


@topology_app.command("budget")
def budget_cmd(ctx: typer.Context, path: DirArg = None,
               link: Annotated[list[str], typer.Option("--link", "-l", help="Only this link; repeat for more.")] = [],  # noqa: B006
               radio_threshold: Annotated[float, typer.Option(help="Minimum radio fade margin, dB.")] = 15.0,
               fibre_threshold: Annotated[float, typer.Option(help="Minimum fibre margin, dB.")] = 3.0,
               as_json: JsonOpt = False) -> None:
    """Radio (FSPL, EIRP, received level, fade margin, Fresnel zone) and fibre (loss, margin) budgets."""
    st = state(ctx)
    inv = load_inventory(st, path)
    budgets = link_budgets(inv, link, radio_threshold_db=radio_threshold, fibre_threshold_db=fibre_threshold)
    flagged = [b for b in budgets if not b.ok]
    if as_json:
        _json({"radio_threshold_db": radio_threshold, "fibre_threshold_db": fibre_threshold,
               "flagged": [b.link for b in flagged], "links": [b.to_json() for b in budgets]})
        return
    table = Table(title=st.t("topo.budget_title", radio=radio_threshold, fibre=fibre_threshold))
    for col in ("col.link", "col.medium", "col.status", "col.distance", "col.margin"):
        table.add_column(st.t(col), justify="right" if col in ("col.distance", "col.margin") else "left")
    table.add_column("")
    for b in sorted(budgets, key=lambda b: (b.ok, b.margin_db if b.margin_db is not None else -999)):
        detail = (f"FSPL {b.details['fspl_db']:.1f} dB, Rx {b.details['rx_level_dbm']:.1f} dBm, "
                  f"F1 {b.details['fresnel_radius_m']:.1f} m" if "fspl_db" in b.details
                  else f"loss {b.details['loss_db']:.1f} dB" if "loss_db" in b.details else b.note)
        margin = "-" if b.margin_db is None else f"[{'green' if b.ok else 'bold red'}]{b.margin_db:.1f}[/]"
        table.add_row(b.link, b.medium, b.status, f"{b.distance_km:.2f}", margin, detail)
    st.out.print(table)
    st.out.print(st.t("topo.budget_flagged", n=len(flagged)), style="red" if flagged else "green")


@topology_app.command("dc")
def dc_cmd(ctx: typer.Context, path: DirArg = None, as_json: JsonOpt = False) -> None:
    """Rack units and power of the DC and DRC, the tier's properties, and server consolidation."""
    st = state(ctx)
    report = capacity_report(load_inventory(st, path))
    if as_json:
        _json({"sites": [r.to_json() for r in report]})
        return
    for r in report:
        st.out.print(f"[bold]{r.site}[/] ({r.kind.value}, Tier {r.tier.value if r.tier else '?'}"
                     f"{', ' + pct(r.tier_availability) if r.tier_availability else ''}): {r.tier_properties}")
        st.out.print(f"  racks {len(r.racks)}: {r.u_used}/{r.u_total} U used; {r.power_w:.0f} W of "
                     f"{r.feeds_w:.0f} W; single power path: {'yes' if r.single_power_path else 'no'}")
        if r.consolidation:
            c = r.consolidation
            st.out.print(f"  consolidating {c.servers} department server(s): {c.reason}",
                         style="green" if c.fits else "red")


@topology_app.command("map")
def map_cmd(ctx: typer.Context, path: DirArg = None,
            out: Annotated[Path, typer.Option("--out", "-o", help="HTML (Leaflet) or .svg file.")] = Path("map.html"),
            after_plan: Annotated[bool, typer.Option("--after-plan", help="The network after all routes.")] = False,
            ) -> None:
    """The backbone on a map: sites coloured by class, links by medium and status (planned fibre dashed)."""
    from kotanet.topology.mapview import render_html, render_svg

    st = state(ctx)
    inv = load_inventory(st, path)
    if after_plan:
        from kotanet.topology.graph import state_after
        from kotanet.topology.plan import order_routes

        a = analyze(inv, state_after(inv, order_routes(inv)[0]))
    else:
        a = analyze(inv)
    text = render_svg(inv, a) if out.suffix.lower() == ".svg" else render_html(inv, a)
    write_atomic(out, text)
    st.err.print(st.t("topo.map_written", path=out), highlight=False)


# ---------------------------------------------------------------------------------------------- plan

KeepOpt = Annotated[bool, typer.Option("--keep-radio-backup/--retire-radio",
                                       help="Keep each replaced radio as a higher-cost backup, or shut it down.")]


def _plan(ctx: typer.Context, path: Path | None, keep: bool, routes: list[str] | None = None) -> MigrationPlan:
    st = state(ctx)
    inv = load_inventory(st, path)
    with st.err.status(st.t("plan.planning")):
        return plan_migrations(inv, keep_radio_backup=keep, routes=routes)


@plan_app.command("migrations")
def migrations_cmd(ctx: typer.Context, path: DirArg = None, keep_radio_backup: KeepOpt = False,
                   as_json: JsonOpt = False) -> None:
    """Every route in order of execution, with dependencies, affected sites and before/after."""
    st = state(ctx)
    plan = _plan(ctx, path, keep_radio_backup)
    if as_json:
        _json(plan.to_json())
        return
    radio = st.t("plan.radio_kept" if keep_radio_backup else "plan.radio_retired")
    table = Table(title=st.t("plan.title", n=len(plan.routes), radio=radio))
    for col in ("col.route", "col.action", "col.depends", "col.class_changes", "col.affected", "col.outage"):
        table.add_column(st.t(col), overflow="fold")
    for r in plan.routes:
        moved = [c for c in r.changes if c.class_before != c.class_after]
        changes = "\n".join(f"{c.site}: {c.class_before} → {c.class_after}" for c in moved) or "-"
        table.add_row(f"{r.route}  {r.name}", r.action.value.replace("_", " "), ", ".join(r.depends_on) or "-",
                      changes, str(len(r.changes)), ", ".join(r.cutover_outage) or "-")
    st.out.print(table)
    today, final = plan.today.to_json()["classes"], plan.final.to_json()["classes"]
    assert isinstance(today, dict) and isinstance(final, dict)
    st.out.print(st.t("plan.summary", today=", ".join(f"{k} {v}" for k, v in today.items()),
                      final=", ".join(f"{k} {v}" for k, v in final.items())))
    for r in plan.routes:
        if not r.reaches_dc_over_fibre:
            st.err.print(st.t("plan.island", route=r.route), style="yellow")


def _print_route(st: CliState, r: RoutePlan, n: int) -> None:
    st.out.print(f"[bold]{st.t('plan.route', route=r.route, name=r.name)}[/bold] ({r.action.value})")
    st.out.print(st.t("plan.position", pos=r.position, n=n, deps=", ".join(r.depends_on) or st.t("plan.none")))
    st.out.print(f"new: {', '.join(r.new_links)}; retires: {', '.join(r.retires) or '-'}; "
                 f"reroutes: {', '.join(r.reroutes) or '-'}", highlight=False)
    table = Table()
    for col in ("col.site", "col.before", "col.after", "col.if_kept"):
        table.add_column(st.t(col))
    for c in r.changes:
        kept = "-" if c.availability_keep_radio is None else pct(c.availability_keep_radio, 4)
        table.add_row(c.site, f"{c.class_before} {pct(c.availability_before, 4)}",
                      f"{c.class_after} {pct(c.availability_after, 4)}", kept)
    st.out.print(table)
    st.out.print(st.t("plan.cutover", sites=", ".join(r.cutover_outage) or st.t("plan.none")))
    addr = Table(title=st.t("plan.addressing"))
    for col in ("col.link", "col.network", "col.device", "col.address", "col.device", "col.address"):
        addr.add_column(st.t(col))
    for a in r.addressing:
        addr.add_row(a.link, str(a.network), f"{a.a.device} {a.a.interface}", str(a.a_address),
                     f"{a.b.device} {a.b.interface}", str(a.b_address))
    st.out.print(addr)
    for a in r.addressing:
        if a.spliced_at:
            st.out.print(st.t("plan.spliced", link=a.link, site=a.spliced_at, towards=a.spliced_towards or "?"),
                         style="yellow", highlight=False)


@plan_app.command("show")
def show_cmd(ctx: typer.Context, route: Annotated[str, typer.Argument(help="Route id, e.g. 4 or 16a.")],
             path: DirArg = None, keep_radio_backup: KeepOpt = False, as_json: JsonOpt = False) -> None:
    """One route in detail: before/after per site, cutover outage, and the new addressing."""
    st = state(ctx)
    plan = _plan(ctx, path, keep_radio_backup, routes=[route])
    r = plan.route(route)
    if as_json:
        _json(r.to_json())
    else:
        _print_route(st, r, plan.total)
