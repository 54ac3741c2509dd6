"""`kotanet lab up|status|down|fail|degrade|restore|scenario|verify|rehearse`.

Every command but `up` works on the running lab found in the state directory ($KOTANET_HOME/lab). Without
root or without FRR each says so on one line and exits 2.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kotanet.cli_common import CliState, load_inventory, state
from kotanet.errors import KotanetError

if TYPE_CHECKING:
    from kotanet.lab.twin import Twin

__all__ = ["lab_app"]

lab_app = typer.Typer(help="The digital twin: real FRR routers in network namespaces.", no_args_is_help=True)

DirArg = Annotated[Path | None, typer.Argument(help="Inventory directory (default: the embedded Kota Bogor dataset).",
                                               show_default=False)]
StateOpt = Annotated[Path | None, typer.Option("--state-dir", help="Where the lab keeps its files "
                                                                   "(default: $KOTANET_HOME/lab).",
                                               show_default=False)]
WaitOpt = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait until every router has the expected routes.")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds to wait for convergence.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _require(st: CliState) -> None:
    from kotanet.lab.twin import missing_requirements

    why = missing_requirements()
    if why:
        raise KotanetError(st.t("lab.cannot_run", why=why))


def _state_dir(path: Path | None) -> Path:
    from kotanet.lab.api import default_state_dir

    return path or default_state_dir()


def _load(st: CliState, path: Path | None) -> Twin:
    from kotanet.lab.twin import Twin

    _require(st)
    return Twin.load(_state_dir(path))


@lab_app.command("up")
def up_cmd(ctx: typer.Context, directory: DirArg = None, state_dir: StateOpt = None,
           after: Annotated[list[str] | None, typer.Option("--after", help="Build the network as it is after these "
                                                                             "routes (repeatable).")] = None,
           prefix: Annotated[str, typer.Option("--prefix", help="Name prefix of the namespaces.")] = "kn",
           wait: WaitOpt = True, timeout: TimeoutOpt = 90.0) -> None:
    """Build the inventory's backbone as FRR routers in network namespaces, and wait until OSPF converges."""
    from rich.progress import Progress

    from kotanet.lab.plan import plan_twin
    from kotanet.lab.twin import Twin
    from kotanet.topology.graph import state_after

    st = state(ctx)
    _require(st)
    inv = load_inventory(st, directory)
    plan = plan_twin(inv, state_after(inv, after) if after else None, prefix=prefix)
    for s in plan.skipped:
        st.err.print(st.t("lab.skipped", link=s.link, detail=s.detail), highlight=False)
    twin = Twin(plan, _state_dir(state_dir))
    start = time.monotonic()
    try:
        with Progress(console=st.err, transient=True) as progress:
            task = progress.add_task(st.t("lab.building", what=""), total=None)

            def step(what: str, done: int, total: int) -> None:
                progress.update(task, description=st.t("lab.building", what=st.t(f"lab.step.{what}")),
                                completed=done, total=total)
            twin.up(progress=step)
        build_s = time.monotonic() - start
        converge_s = 0.0
        if wait:
            with st.err.status(st.t("lab.converging")):
                converge_s, diffs = twin.wait_converged(timeout)
            if diffs:
                raise KotanetError(st.t("lab.not_converged", seconds=f"{timeout:g}", n=len(diffs), first=str(diffs[0])))
    except BaseException:
        twin.down()
        raise
    st.out.print(st.t("lab.up_done", state_dir=str(twin.state_dir), routers=len(plan.routers),
                      bridges=len(plan.bridges), links=len(plan.links), build_s=f"{build_s:.1f}",
                      converge_s=f"{converge_s:.1f}", mem=f"{twin.memory_kib() / 1024:.0f}"), highlight=False)


@lab_app.command("status")
def status_cmd(ctx: typer.Context, state_dir: StateOpt = None, as_json: JsonOpt = False) -> None:
    """The routers, their processes, the faults, and whether the routes are the expected ones."""
    st = state(ctx)
    twin = _load(st, state_dir)
    info = twin.status()
    diffs = [] if twin.missing_namespaces() else twin.route_diffs()
    info["route_diffs"] = [str(d) for d in diffs]
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    running = sum(1 for r in info["routers"] if r["running"] and r["processes"])
    st.out.print(st.t("lab.status_title", state_dir=info["state_dir"], running=running, routers=len(info["routers"]),
                      links=info["links"]), highlight=False)
    faults = info["faults"]
    for link, kind in faults.items():
        st.out.print(st.t("lab.fault", link=link, kind=kind), highlight=False)
    for site in info["dead"]:
        st.out.print(st.t("lab.fault", link=site, kind="killed"), highlight=False)
    if not faults and not info["dead"]:
        st.out.print(st.t("lab.no_faults"))
    if diffs:
        st.out.print(st.t("lab.status_diffs", n=len(diffs), first=str(diffs[0])), highlight=False)
    else:
        st.out.print(st.t("lab.status_converged"))


@lab_app.command("down")
def down_cmd(ctx: typer.Context, state_dir: StateOpt = None,
             prefix: Annotated[str, typer.Option("--prefix", help="Name prefix of the namespaces.")] = "kn") -> None:
    """Remove every namespace, process and file the lab made, and only those."""
    from kotanet.lab.twin import cleanup

    st = state(ctx)
    _require(st)
    path = _state_dir(state_dir)
    removed = cleanup(path, prefix)
    if removed:
        st.out.print(st.t("lab.down_done", n=len(removed), state_dir=str(path)), highlight=False)
    else:
        st.out.print(st.t("lab.down_nothing", state_dir=str(path)), highlight=False)


def _fault(ctx: typer.Context, action: str, link: str, state_dir: Path | None, wait: bool, timeout: float) -> None:
    from kotanet.lab.expected import reachable_to

    st = state(ctx)
    twin = _load(st, state_dir)
    getattr(twin, action)(link)
    if not wait:
        st.out.print(st.t("lab.applied_nowait", action=action, link=link), highlight=False)
        return
    with st.err.status(st.t("lab.converging")):
        secs, diffs = twin.wait_converged(timeout)
    if diffs:
        raise KotanetError(st.t("lab.not_converged", seconds=f"{timeout:g}", n=len(diffs), first=str(diffs[0])))
    st.out.print(st.t("lab.applied", action=action, link=link, seconds=f"{secs:.2f}"), highlight=False)
    lost = sorted({r.site for r in twin.plan.routers} - twin.dead
                  - reachable_to(twin.plan, twin.kernel_routes(), twin.plan.dc))
    st.out.print(st.t("lab.lost_dc", sites=", ".join(lost) or st.t("lab.none")), highlight=False)


LinkArg = Annotated[str, typer.Argument(help="A link id of the inventory, e.g. fo-dc--noc.")]


@lab_app.command("fail")
def fail_cmd(ctx: typer.Context, link: LinkArg, state_dir: StateOpt = None, wait: WaitOpt = True,
             timeout: TimeoutOpt = 30.0) -> None:
    """Cut a link: its veth goes down and the far end loses carrier."""
    _fault(ctx, "fail", link, state_dir, wait, timeout)


@lab_app.command("degrade")
def degrade_cmd(ctx: typer.Context, link: LinkArg, state_dir: StateOpt = None, wait: WaitOpt = True,
                timeout: TimeoutOpt = 30.0) -> None:
    """A silent failure: nftables drops everything on the link while it stays up (OSPF's dead timer or BFD
    must catch it)."""
    _fault(ctx, "degrade", link, state_dir, wait, timeout)


@lab_app.command("restore")
def restore_cmd(ctx: typer.Context, link: LinkArg, state_dir: StateOpt = None, wait: WaitOpt = True,
                timeout: TimeoutOpt = 30.0) -> None:
    """Undo `fail` or `degrade` on a link."""
    _fault(ctx, "restore", link, state_dir, wait, timeout)


@lab_app.command("scenario")
def scenario_cmd(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="YAML list of steps: at, action "
                                                                                "(fail, degrade, restore, kill, "
                                                                                "revive, converge), target.")],
                 state_dir: StateOpt = None) -> None:
    """Run a sequence of faults on the running twin."""
    from kotanet.lab.scenario import ScenarioStep, load_scenario, run_scenario

    st = state(ctx)
    steps = load_scenario(file)
    twin = _load(st, state_dir)

    def show(step: ScenarioStep) -> None:
        st.out.print(st.t("lab.scenario_step", at=f"{step.at_s:g}", action=step.action.value, target=step.target),
                     highlight=False)
    run_scenario(twin, steps, monotonic=time.monotonic, sleep=time.sleep, on_step=show)


@lab_app.command("verify")
def verify_cmd(ctx: typer.Context, directory: DirArg = None, state_dir: StateOpt = None,
               link: Annotated[list[str] | None, typer.Option("--link", help="Only these links (repeatable).")] = None,
               as_json: JsonOpt = False) -> None:
    """Fail each link in turn and compare who loses the DC with the topology's prediction."""
    from kotanet.lab.verify import measure_single_failures

    st = state(ctx)
    twin = _load(st, state_dir)
    inv = load_inventory(st, directory)
    with _bar(st) as bar:
        def step(lid: str, done: int, total: int) -> None:
            bar(done, total, lid)
        checks = measure_single_failures(inv, twin, link, progress=step)
    if as_json:
        typer.echo(json.dumps([c.to_json() for c in checks], indent=2))
    else:
        none = st.t("lab.none")
        for c in checks:
            st.out.print(st.t("lab.verify_row", link=c.link,
                              verdict=st.t("lab.verify_agree" if c.agrees else "lab.verify_disagree"),
                              measured=", ".join(sorted(c.measured)) or none,
                              predicted=", ".join(sorted(c.predicted.cut_off)) or none,
                              seconds=f"{c.converge_s:.2f}"), highlight=False)
        st.out.print(st.t("lab.verify_total", agree=sum(c.agrees for c in checks), total=len(checks)))
    if not all(c.agrees for c in checks):
        raise typer.Exit(1)


@lab_app.command("rehearse")
def rehearse_cmd(ctx: typer.Context,
                 route: Annotated[list[str] | None, typer.Argument(help="Route ids, e.g. 1 4 16a.",
                                                                   show_default=False)] = None,
                 all_routes: Annotated[bool, typer.Option("--all", help="Every route, in the plan's order.")] = False,
                 directory: Annotated[Path | None, typer.Option("--inventory", help="Inventory directory (default: "
                                                                                      "the embedded Bogor dataset).",
                                                                show_default=False)] = None,
                 state_dir: StateOpt = None,
                 mop_dir: Annotated[Path | None, typer.Option("--mop-dir", help="Where to write each rehearsed "
                                                                               "route's MOP (default: "
                                                                               "$KOTANET_HOME/mops).",
                                                              show_default=False)] = None,
                 break_fibre: Annotated[bool, typer.Option("--break-fibre", help="Failure drill: drop everything "
                                                                                 "on the new fibre, so the checks "
                                                                                 "fail and the route rolls back.")]
                 = False,
                 as_json: JsonOpt = False) -> None:
    """Rehearse routes on the running twin: add the fibre, deploy over SSH (dry run, commit), check the routes,
    cut the fibre and time the failover, restore, and write the figures into the route's MOP."""
    from kotanet.lab.rehearse import rehearse
    from kotanet.paths import kotanet_home

    st = state(ctx)
    if not all_routes and not route:
        raise KotanetError("name the routes to rehearse, or give --all", hint="e.g. kotanet lab rehearse 1 2")
    twin = _load(st, state_dir)
    inv = load_inventory(st, directory)
    with _bar(st) as bar:
        def note(rid: str, what: str, done: int, total: int) -> None:
            bar(done, total, f"route {rid}: {what}")
        results = rehearse(inv, twin, None if all_routes else route, clock=st.clock,
                           mop_dir=mop_dir or kotanet_home() / "mops", lang=st.lang, break_fibre=break_fibre,
                           progress=note)
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in results], indent=2))
    else:
        none = st.t("lab.none")
        for r in results:
            failover = ", ".join(f"{k} {v:.2f} s" for k, v in r.failover_s.items()) or none
            dark = ", ".join(f"{k}: {', '.join(v) or none}" for k, v in r.dark.items()) or none
            st.out.print(st.t("lab.rehearse_route", route=r.route, verdict=r.outcome + (f" ({r.error})" if r.error
                                                                                     else ""),
                              fibre=st.t("lab.yes" if r.fibre_carries else "lab.no"), failover=failover, dark=dark),
                         highlight=False)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@contextlib.contextmanager
def _bar(st: CliState) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr; the callback takes (done, total, what is being done)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=st.err, transient=True) as progress:
        task = progress.add_task("", total=None)

        def update(done: int, total: int, what: str) -> None:
            progress.update(task, completed=done, total=total, description=what)
        yield update
