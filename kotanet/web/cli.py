"""`kotanet serve`, `kotanet users`, `kotanet grafana`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kotanet.cli_common import state, write_atomic
from kotanet.errors import KotanetError, UsageError

__all__ = ["grafana_app", "serve_cmd", "users_app"]

users_app = typer.Typer(help="Dashboard users and API tokens.", no_args_is_help=True)
grafana_app = typer.Typer(help="Grafana dashboards over kotanet's Prometheus metrics.", no_args_is_help=True)

StateDirOpt = Annotated[Path | None, typer.Option("--state-dir", envvar="KOTANET_WEB_STATE",
                                                  help="Where the dashboard keeps web.db and reports (default: "
                                                       "$KOTANET_HOME/web).", show_default=False)]


def _state_dir(value: Path | None) -> Path:
    if value is not None:
        return value
    from kotanet.paths import kotanet_home

    return kotanet_home() / "web"


def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    inventory: Annotated[Path | None, typer.Option("--inventory", "-i", help="Inventory directory (default: the "
                                                   "embedded Kota Bogor dataset).", show_default=False)] = None,
    store: Annotated[str | None, typer.Option("--store", envvar="KOTANET_STORE", show_default=False,
                                              help="Measurement store URL (default: sqlite in $KOTANET_HOME/"
                                                   "kotanet.db).")] = None,
    state_dir: StateDirOpt = None,
    metrics_public: Annotated[bool, typer.Option("--metrics-public", help="Serve /metrics without a login or "
                                                 "token.")] = False,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Mark the session cookie Secure (when "
                                                 "served behind HTTPS).")] = False,
) -> None:
    """Serve the NOC dashboard (and its JSON API under /api/v1) with uvicorn."""
    from kotanet.monitors.stores import default_store_url
    from kotanet.paths import kotanet_home
    from kotanet.web.app import create_app
    from kotanet.web.server import run
    from kotanet.web.settings import WebSettings

    st = state(ctx)
    home = kotanet_home()
    home.mkdir(parents=True, exist_ok=True)
    settings = WebSettings(state_dir=_state_dir(state_dir), inventory=inventory,
                           store_url=store or default_store_url(home), clock=st.clock,
                           metrics_public=metrics_public, secure_cookies=secure_cookies)
    with st.err.status(st.t("web.cli.starting")):
        app = create_app(settings)
    st.err.print(st.t("web.cli.serving", url=f"http://{host}:{port}/"), highlight=False)
    run(app, host=host, port=port)


# -------------------------------------------------------------------------------------------- users


def _read_password(stdin: bool) -> str:
    if stdin:
        text = sys.stdin.readline()
        return text.rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat", hide_input=True)
    if first != second:
        raise UsageError("the two passwords differ", hint="type the same password twice")
    return str(first)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name (lower case).")],
    role: Annotated[str, typer.Option("--role", "-r", help="admin, engineer, noc or auditor.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of standard input instead of prompting.")] = False,
    state_dir: StateDirOpt = None,
) -> None:
    """Add a dashboard user (the password is prompted for, never echoed, and stored as an argon2 hash)."""
    from kotanet.web.auth import Auth, check_name, check_password
    from kotanet.web.db import WebDb
    from kotanet.web.roles import Role
    from kotanet.web.settings import WebSettings

    st = state(ctx)
    try:
        r = Role(role.strip().lower())
    except ValueError:
        raise UsageError(f"unknown role {role!r}", hint="use admin, engineer, noc or auditor") from None
    user = check_name(name)
    directory = _state_dir(state_dir)
    db = WebDb(directory)
    if db.user(user) is not None:
        raise UsageError(f"user {user!r} already exists", hint="pick another name, or `kotanet users remove` it")
    password = check_password(_read_password(password_stdin))
    Auth(db, WebSettings(state_dir=directory)).add_user(user, r, password)
    st.out.print(st.t("web.cli.user_added", name=user, role=r.value), highlight=False)


@users_app.command("list")
def users_list(ctx: typer.Context, state_dir: StateDirOpt = None) -> None:
    """List the dashboard's users, their roles and how many API tokens each has."""
    from kotanet.web.db import WebDb

    st = state(ctx)
    db = WebDb(_state_dir(state_dir))
    table = Table()
    for key in ("web.cli.col.name", "web.cli.col.role", "web.cli.col.lang", "web.cli.col.tokens",
                "web.cli.col.created"):
        table.add_column(st.t(key))
    for u in db.users():
        table.add_row(u.name, u.role.value, u.lang, str(db.token_count(u.name)), u.created_at[:19])
    st.out.print(table)


@users_app.command("token")
def users_token(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The user the token acts as.")],
                state_dir: StateDirOpt = None) -> None:
    """Create an API token for automation (Authorization: Bearer ...). It is printed once and stored hashed."""
    from kotanet.web.auth import Auth
    from kotanet.web.db import WebDb
    from kotanet.web.settings import WebSettings

    st = state(ctx)
    directory = _state_dir(state_dir)
    db = WebDb(directory)
    if db.user(name) is None:
        raise UsageError(f"no user {name!r}", hint="see `kotanet users list`")
    token = Auth(db, WebSettings(state_dir=directory)).new_token(name)
    typer.echo(token)
    st.err.print(st.t("web.cli.token_once", name=name), highlight=False)


@users_app.command("remove")
def users_remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The user to remove.")],
                 state_dir: StateDirOpt = None) -> None:
    """Remove a user with their sessions and API tokens."""
    from kotanet.web.db import WebDb

    st = state(ctx)
    if not WebDb(_state_dir(state_dir)).remove_user(name):
        raise UsageError(f"no user {name!r}", hint="see `kotanet users list`")
    st.out.print(st.t("web.cli.user_removed", name=name), highlight=False)


# ------------------------------------------------------------------------------------------ grafana


@grafana_app.command("export")
def grafana_export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the dashboard JSON there (atomically) "
                                             "instead of printing it.", show_default=False)] = None,
) -> None:
    """A Grafana dashboard over the metrics `kotanet monitor` exports and the `kotanet sla rules` record."""
    import json

    from kotanet.web.grafana import dashboard

    st = state(ctx)
    text = json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomic(out, text)
    except OSError as exc:
        raise KotanetError(f"cannot write {out}: {exc.strerror}", hint="pick a writable path") from exc
    st.err.print(st.t("web.cli.grafana_written", path=out), highlight=False)
