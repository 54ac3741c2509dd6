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
from kotanet.web.demo import demo_cmd

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


app.command("demo")(demo_cmd)


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
