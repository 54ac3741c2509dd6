"""`kotanet playbook render|deploy|drift|backups`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kotanet.cli_common import CliState, load_inventory, state, write_atomic
from kotanet.errors import UsageError
from kotanet.inventory.choices import Platform
from kotanet.lang import Lang

if TYPE_CHECKING:
    from kotanet.inventory.models import Inventory
    from kotanet.playbooks.deploy import Deployer, DeployJob, DeployOptions, DeployReport, DriftResult, Progress
    from kotanet.playbooks.render import PlatformOf
    from kotanet.topology.plan import MigrationPlan

__all__ = ["playbook_app"]

playbook_app = typer.Typer(help="Migration configs, MOPs, and safe deployment.", no_args_is_help=True)

InventoryOpt = Annotated[Path | None, typer.Option("--inventory", "-i", help="Inventory directory (default: the "
                                                   "embedded Kota Bogor dataset).", show_default=False)]
KeepOpt = Annotated[bool, typer.Option("--keep-radio-backup", help="Keep the replaced radio up as a higher-cost "
                                                                   "OSPF backup instead of shutting it down.")]
PlatformOpt = Annotated[str | None, typer.Option("--platform", help="Render every managed device for this platform "
                                                 "(ios, routeros, junos) instead of its own.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EXTENSIONS = {Platform.IOS: "cfg", Platform.ROUTEROS: "rsc", Platform.JUNOS: "set", Platform.FRR: "conf"}
STATUS_STYLE = {"applied": "green", "unchanged": "green", "would_change": "cyan", "rolled_back": "yellow",
                "not_pushed": "dim", "failed": "bold red", "rollback_failed": "bold white on red"}


def _platform_of(value: str | None) -> PlatformOf | None:
    if value is None:
        return None
    from kotanet.playbooks.render import TEMPLATES, platform_override

    try:
        platform = Platform(value)
    except ValueError:
        platform = None
    if platform is None or platform not in TEMPLATES or platform is Platform.FRR:
        choices = ", ".join(p.value for p in TEMPLATES if p is not Platform.FRR)
        raise UsageError(f"unknown platform {value!r}", hint=f"use one of {choices}")
    return platform_override(platform)


def _langs(value: str) -> list[Lang]:
    if value == "all":
        return list(Lang)
    try:
        return [Lang(value)]
    except ValueError:
        raise UsageError(f"unknown MOP language {value!r}", hint="use en, id or all") from None


# -- render ---------------------------------------------------------------------------------------
@playbook_app.command("render")
def render_cmd(
    ctx: typer.Context,
    route: Annotated[str | None, typer.Argument(help="Route id, e.g. 4 or 16a.", show_default=False)] = None,
    all_routes: Annotated[bool, typer.Option("--all", help="Every route of the plan.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("playbooks"),
    platform: PlatformOpt = None,
    keep_radio_backup: KeepOpt = False,
    mop_lang: Annotated[str, typer.Option("--lang", help="MOP language: en, id or all.")] = "all",
    inventory: InventoryOpt = None,
) -> None:
    """Write each device's config and the route's MOP (Markdown and HTML) to OUT/route-<id>/."""
    st = state(ctx)
    if (route is None) == (not all_routes):
        raise UsageError(st.t("playbook.route_or_all"), hint=st.t("playbook.route_or_all.fix"))
    platform_of = _platform_of(platform)
    langs = _langs(mop_lang)
    inv = load_inventory(st, inventory)
    from kotanet.playbooks.checks import plan_checks
    from kotanet.playbooks.mop import MopFormat, render_mop
    from kotanet.playbooks.render import Renderer
    from kotanet.topology.plan import plan_migrations

    with st.err.status(st.t("playbook.rendering")):
        plan = plan_migrations(inv, keep_radio_backup=keep_radio_backup)
        routes = list(plan.routes) if all_routes else [plan.route(str(route))]
        every = Renderer().render_all(inv, keep_radio_backup=keep_radio_backup, platform_of=platform_of, plan=plan)
        n_cfg = n_mop = 0
        for rp in routes:
            folder = out / f"route-{rp.route}"
            configs = every[rp.route]
            for dev, cfg in configs.items():
                write_atomic(folder / f"{dev}.{EXTENSIONS.get(cfg.platform, 'txt')}", cfg.text)
                n_cfg += 1
            checks = plan_checks(rp, {d: c.platform for d, c in configs.items()})
            for lang in langs:
                for fmt in MopFormat:
                    text = render_mop(inv, rp, configs, checks, lang=lang, fmt=fmt,
                                      total_routes=len(plan.routes), keep_radio_backup=keep_radio_backup)
                    write_atomic(folder / f"MOP-route-{rp.route}.{lang}.{fmt.value}", text)
                    n_mop += 1
    st.out.print(st.t("playbook.rendered", configs=n_cfg, mops=n_mop, routes=len(routes), out=str(out)),
                 highlight=False)


# -- deploy ---------------------------------------------------------------------------------------
def _job(st: CliState, inv: Inventory, route: str, *, keep_radio_backup: bool, platform: str | None,
         targets: Path | None, secrets: Path | None, live: bool, plan: MigrationPlan | None = None,
         quiet: bool = False) -> DeployJob:
    from kotanet.playbooks.credentials import load_credentials
    from kotanet.playbooks.deploy import build_job, default_targets_path, load_targets, resolve_endpoints

    platform_of = _platform_of(platform)
    target_map = None
    origin = "the targets file"
    if targets is not None:
        target_map, origin = load_targets(targets), str(targets)
    elif default_targets_path().exists():
        target_map, origin = load_targets(default_targets_path()), str(default_targets_path())
    if target_map is not None and not quiet:
        st.err.print(st.t("playbook.targets", path=origin), style="cyan", highlight=False)
    creds = load_credentials(secrets)
    return build_job(inv, route, keep_radio_backup=keep_radio_backup, platform_of=platform_of, plan=plan,
                     endpoints=lambda devices: resolve_endpoints(inv, devices, creds, targets=target_map,
                                                                 live=live, targets_origin=origin))


def _check_driver(driver: str) -> None:
    from kotanet.playbooks.deploy import Driver

    if driver not in {d.value for d in Driver}:
        raise UsageError(f"unknown driver {driver!r}", hint="use netmiko or napalm")


def _deployer(st: CliState, driver: str, progress: Progress | None = None,
              options: DeployOptions | None = None) -> Deployer:
    from kotanet.playbooks.backups import BackupStore
    from kotanet.playbooks.deploy import Deployer, Driver, make_factory

    return Deployer(make_factory(Driver(driver)), BackupStore(), st.clock, progress=progress, options=options)


def _print_report(st: CliState, report: DeployReport, *, show_diff: bool) -> None:
    from rich.table import Table

    mode = report.mode.value
    table = Table(title=st.t("playbook.result.title", route=report.route, mode=mode,
                             outcome=st.t(f"playbook.outcome.{report.outcome.value}")))
    for col in ("device", "platform", "status", "checks", "detail"):
        table.add_column(st.t(f"playbook.col.{col}"), overflow="fold")
    for r in report.devices:
        checks = f"{sum(c.passed for c in r.checks)}/{len(r.checks)}" if r.checks else ""
        detail = r.error
        if r.rollback_verified:
            detail = f"{detail}; {st.t('playbook.rollback_verified')}" if detail else st.t("playbook.rollback_verified")
        style = STATUS_STYLE.get(r.status.value, "")
        table.add_row(r.device, r.platform.value, f"[{style}]{st.t(f'playbook.status.{r.status.value}')}[/]",
                      checks, detail)
    st.out.print(table)
    if show_diff:
        for r in report.devices:
            if r.diff.strip():
                st.out.print(f"[bold]{st.t('playbook.diff', device=r.device)}[/bold]")
                st.out.print(r.diff.rstrip(), markup=False, highlight=False, soft_wrap=True)
            elif r.ok:
                st.out.print(st.t("playbook.no_diff", device=r.device), highlight=False)


@playbook_app.command("deploy")
def deploy_cmd(
    ctx: typer.Context,
    route: Annotated[str, typer.Argument(help="Route id, e.g. 4 or 16a.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Back up and show each device's diff; change "
                                                            "nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Back up, push to every device concurrently, run the "
                                                          "post-checks, roll every device back if anything "
                                                          "fails.")] = False,
    targets: Annotated[Path | None, typer.Option("--targets", help="Endpoint map JSON (default: the running SSH "
                                                 "simulator's, $KOTANET_HOME/ssh-simulation.json).",
                                                 show_default=False)] = None,
    secrets: Annotated[Path | None, typer.Option("--secrets", help="Credentials YAML, mode 0600 (default: "
                                                 "KOTANET_DEVICE_USERNAME/PASSWORD, else "
                                                 "$KOTANET_HOME/device-secrets.yaml).", show_default=False)] = None,
    driver: Annotated[str, typer.Option("--driver", help="netmiko or napalm.")] = "netmiko",
    live: Annotated[bool, typer.Option("--live", help="Allow real (non-loopback) device addresses.")] = False,
    platform: PlatformOpt = None,
    keep_radio_backup: KeepOpt = False,
    counter_interval: Annotated[float, typer.Option("--counter-interval", min=0, help="Seconds between the two "
                                                    "reads of the fibre's packet counters (post-check).")] = 5.0,
    check_wait: Annotated[float, typer.Option("--check-wait", min=0, help="Seconds a failing post-check is read "
                                              "again for while the new link comes up (every 3 s).")] = 30.0,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Devices worked on at once.")] = 16,
    commit_confirm: Annotated[int | None, typer.Option("--commit-confirm", min=30, help="Where the platform has "
                                                       "it (Junos), commit confirmed: the device reverts by itself "
                                                       "unless the post-checks pass within SECONDS.",
                                                       show_default=False)] = None,
    as_json: JsonOpt = False,
    inventory: InventoryOpt = None,
) -> None:
    """Dry run or commit one route. Exit 0 applied (or a clean dry run), 1 rolled back, 2 bad input."""
    st = state(ctx)
    if dry_run == commit:
        raise UsageError(st.t("playbook.mode"), hint=st.t("playbook.mode.fix"))
    _check_driver(driver)
    inv = load_inventory(st, inventory)
    job = _job(st, inv, route, keep_radio_backup=keep_radio_backup, platform=platform, targets=targets,
               secrets=secrets, live=live)
    from rich.progress import BarColumn, SpinnerColumn, TextColumn
    from rich.progress import Progress as Bar

    from kotanet.playbooks.deploy import CHECK_RETRY_S, DeployOptions

    steps = 2 if dry_run else 4  # backup, diff | backup, push, check, (rollback)
    with Bar(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[last]}"),
                  console=st.err, transient=True) as bar:
        task = bar.add_task(st.t("playbook.deploying", route=job.route, mode="dry run" if dry_run else "commit",
                                 n=len(job.configs)), total=steps * len(job.configs), last="")

        def progress(device: str, phase: str) -> None:
            bar.update(task, advance=1, last=f"{device}: {phase}")

        deployer = _deployer(st, driver, progress, options=DeployOptions(
            max_workers=workers, counter_interval_s=counter_interval, confirm_seconds=commit_confirm,
            check_retries=math.ceil(check_wait / CHECK_RETRY_S), check_retry_s=CHECK_RETRY_S))
        report = deployer.dry_run(job) if dry_run else deployer.commit(job)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_report(st, report, show_diff=dry_run)
    raise typer.Exit(report.exit_code)


# -- drift ----------------------------------------------------------------------------------------
@playbook_app.command("drift")
def drift_cmd(
    ctx: typer.Context,
    route: Annotated[str | None, typer.Argument(help="Route id.", show_default=False)] = None,
    all_routes: Annotated[bool, typer.Option("--all", help="Every route of the plan.")] = False,
    targets: Annotated[Path | None, typer.Option("--targets", help="Endpoint map JSON.", show_default=False)] = None,
    secrets: Annotated[Path | None, typer.Option("--secrets", help="Credentials YAML (mode 0600).",
                                                 show_default=False)] = None,
    driver: Annotated[str, typer.Option("--driver", help="netmiko or napalm.")] = "netmiko",
    live: Annotated[bool, typer.Option("--live", help="Allow real (non-loopback) device addresses.")] = False,
    platform: PlatformOpt = None,
    keep_radio_backup: KeepOpt = False,
    as_json: JsonOpt = False,
    inventory: InventoryOpt = None,
) -> None:
    """Compare each device's running config with the intended one. Exit 0 compliant, 1 drifted, 2 bad input."""
    st = state(ctx)
    if (route is None) == (not all_routes):
        raise UsageError(st.t("playbook.route_or_all"), hint=st.t("playbook.route_or_all.fix"))
    _check_driver(driver)
    inv = load_inventory(st, inventory)
    from kotanet.topology.plan import plan_migrations

    plan = plan_migrations(inv, keep_radio_backup=keep_radio_backup)
    route_ids = [r.route for r in plan.routes] if all_routes else [plan.route(str(route)).route]
    jobs = [_job(st, inv, rid, keep_radio_backup=keep_radio_backup, platform=platform, targets=targets,
                 secrets=secrets, live=live, plan=plan, quiet=i > 0) for i, rid in enumerate(route_ids)]
    deployer = _deployer(st, driver)
    found: list[tuple[str, DriftResult]] = []
    with st.err.status(st.t("playbook.drift.title")):
        for job in jobs:
            found += [(job.route, d) for d in deployer.drift(job)]
    if as_json:
        typer.echo(json.dumps([{"route": r, **d.to_json()} for r, d in found], indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        table = Table(title=st.t("playbook.drift.title"))
        for col in ("route", "device", "compliant", "missing", "since_backup"):
            table.add_column(st.t(f"playbook.col.{col}"), overflow="fold")
        for r, d in found:
            if d.compliant is None:
                mark, detail = f"[yellow]{st.t('playbook.drift.unknown')}[/]", d.error
            elif d.compliant:
                mark, detail = f"[green]{st.t('playbook.drift.yes')}[/]", ""
            else:
                mark, detail = f"[bold red]{st.t('playbook.drift.no')}[/]", d.missing.rstrip()
            changed = [ln for ln in d.since_backup.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
            since = "" if d.last_backup is None else st.t("playbook.drift.since", n=len(changed),
                                                            backup=d.last_backup.name)
            table.add_row(r, d.device, mark, detail, since)
        st.out.print(table)
        st.out.print(st.t("playbook.drift.summary", compliant=sum(d.compliant is True for _, d in found),
                          drifted=sum(d.compliant is False for _, d in found),
                          unknown=sum(d.compliant is None for _, d in found)))
    raise typer.Exit(0 if all(d.compliant for _, d in found) else 1)


# -- backups --------------------------------------------------------------------------------------
@playbook_app.command("backups")
def backups_cmd(
    ctx: typer.Context,
    device: Annotated[str | None, typer.Option("--device", help="Only this device.", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the running-config backups, with their SHA-256 and whether the file still matches it."""
    st = state(ctx)
    from kotanet.playbooks.backups import BackupStore

    store = BackupStore()
    found = store.list(device)
    if as_json:
        typer.echo(json.dumps([{"device": b.device, "taken_at": b.taken_at.isoformat(), "path": str(b.path),
                                "sha256": b.sha256, "size": b.size, "intact": b.verify()} for b in found],
                              indent=2))
        return
    if not found:
        st.out.print(st.t("playbook.backups.none", path=str(store.root)), highlight=False)
        return
    from rich.table import Table

    table = Table(title=st.t("playbook.backups.title", path=str(store.root)))
    for col in ("device", "taken", "sha256", "size", "integrity", "backup"):
        table.add_column(st.t(f"playbook.col.{col}"), overflow="fold")
    for b in found:
        ok = b.verify()
        table.add_row(b.device, b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.sha256[:16], str(b.size),
                      f"[green]{st.t('playbook.backups.ok')}[/]" if ok
                      else f"[bold red]{st.t('playbook.backups.tampered')}[/]", b.path.name)
    st.out.print(table)
