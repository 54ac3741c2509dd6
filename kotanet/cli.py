"""The `kotanet` command. Each package contributes a sub-app; this module wires them and handles errors."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer
from rich.console import Console

from kotanet import __version__
from kotanet.cli_common import CliState
from kotanet.clock import clock_from_env
from kotanet.errors import KotanetError
from kotanet.i18n import Lang, t
from kotanet.inventory.cli import app as inventory_app
from kotanet.inventory.netbox.cli import netbox_app
from kotanet.lab.cli import lab_app
from kotanet.monitors.cli import monitor_app
from kotanet.monitors.simulate_cli import fault_cmd, simulate_cmd
from kotanet.playbooks.cli import playbook_app
from kotanet.slas.cli import keys_app, sla_app
from kotanet.topology.cli import plan_app, topology_app
from kotanet.web.cli import grafana_app, serve_cmd, users_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="kotanet",
    help="Plan, run and account for a city government's network (Kominfo). Try: kotanet demo",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(inventory_app, name="inventory")
app.add_typer(topology_app, name="topology")
app.add_typer(plan_app, name="plan")
app.add_typer(monitor_app, name="monitor")
app.command("simulate")(simulate_cmd)
app.command("simulate-fault")(fault_cmd)
app.add_typer(sla_app, name="sla")
app.add_typer(keys_app, name="keys")
app.add_typer(netbox_app, name="netbox")
app.add_typer(playbook_app, name="playbook")
app.command("serve")(serve_cmd)
app.add_typer(users_app, name="users")
app.add_typer(grafana_app, name="grafana")
app.add_typer(lab_app, name="lab")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kotanet {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    lang: Annotated[Lang, typer.Option("--lang", envvar="KOTANET_LANG", help="Language: en or id.")] = Lang.EN,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version.")] = False,
) -> None:
    del version  # handled by its eager callback
    ctx.obj = CliState(
        lang=lang,
        clock=clock_from_env(os.environ.get("KOTANET_NOW")),
        out=Console(),
        err=Console(stderr=True),
    )


@app.command()
def demo(ctx: typer.Context) -> None:
    """The main job on the embedded Kota Bogor dataset: the inventory, its single points of failure and
    predicted availability, the link budgets, and the 17-route migration plan."""
    from kotanet.inventory.cli import show, validate
    from kotanet.topology.cli import analyze_cmd, budget_cmd, migrations_cmd

    st = ctx.find_root().obj
    assert isinstance(st, CliState)
    st.out.rule(st.t("demo.title"))
    validate(ctx, None)
    show(ctx, None, as_json=False)
    st.out.rule(st.t("demo.topology"))
    analyze_cmd(ctx, None, as_json=False, sla=None)
    st.out.rule(st.t("demo.budgets"))
    budget_cmd(ctx, None, link=[], radio_threshold=15.0, fibre_threshold=3.0, as_json=False)
    st.out.rule(st.t("demo.plan"))
    migrations_cmd(ctx, None, keep_radio_backup=False, as_json=False)
    _demo_sla(ctx, st)
    st.out.print(st.t("demo.next"), highlight=False)


def _demo_sla(ctx: typer.Context, st: CliState) -> None:
    """A month of generated history in a demo store, the SLA status, and a signed, verified auditor report."""
    import shutil

    from kotanet.inventory.choices import PeriodKind
    from kotanet.monitors.stores import default_store_url
    from kotanet.paths import kotanet_home
    from kotanet.slas.cli import report_cmd, seed_demo_cmd, status_cmd, verify_cmd
    from kotanet.slas.periods import period_containing
    from kotanet.slas.signing import default_key_dir, init_keys

    demo_dir = kotanet_home() / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)  # the demo's own files only: a fresh history every run
    demo_dir.mkdir(parents=True)
    store = default_store_url(demo_dir)
    if not (default_key_dir() / "kotanet-sla.key").exists():
        init_keys(default_key_dir())
    st.out.rule(st.t("demo.sla"))
    seed_demo_cmd(ctx, months=1, seed=0, inventory=None, store=store, as_json=False)
    status_cmd(ctx, inventory=None, store=store, as_json=False)
    last_month = period_containing(PeriodKind.MONTH, st.clock.now(), "Asia/Jakarta").previous().label
    out = demo_dir / f"report-{last_month}"
    st.out.rule(st.t("demo.report", period=last_month))
    report_cmd(ctx, period=last_month, out=out, scope=None, formats="csv,xlsx,pdf", lang=None, inventory=None,
               store=store, key_dir=None, force=True)
    verify_cmd(ctx, directory=out, trusted_key=default_key_dir() / "kotanet-sla.pub", as_json=False)


def _lang_from_argv(argv: list[str]) -> Lang:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("en", "id"):
            return Lang(argv[i + 1])
        if arg.startswith("--lang=") and arg[7:] in ("en", "id"):
            return Lang(arg[7:])
    env = os.environ.get("KOTANET_LANG", "en")
    return Lang(env) if env in ("en", "id") else Lang.EN


def main() -> None:
    """Entry point: one line per error and exit 2 for bad input; never a traceback for a user's mistake.

    Typer's standalone mode handles usage errors itself (exit 2) and exits through SystemExit.
    """
    err = Console(stderr=True)
    try:
        app()
    except KotanetError as exc:
        for line in exc.lines():
            err.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("KOTANET_DEBUG"):
            traceback.print_exc()
        err.print(t("error.internal", _lang_from_argv(sys.argv), error=f"{type(exc).__name__}: {exc}"),
                  markup=False, highlight=False)
        sys.exit(70)


if __name__ == "__main__":
    main()
