"""`kotanet netbox push|pull|diff`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kotanet.cli_common import CliState, load_inventory, state

if TYPE_CHECKING:
    from kotanet.inventory.netbox.client import NetBoxClient
    from kotanet.inventory.netbox.sync import Plan

__all__ = ["netbox_app"]

netbox_app = typer.Typer(help="Push, pull and diff the inventory against a NetBox 4.x.", no_args_is_help=True)

DirArg = Annotated[Path | None, typer.Argument(help="Inventory directory (default: the embedded Kota Bogor "
                                               "dataset).", show_default=False)]
UrlOpt = Annotated[str, typer.Option("--url", envvar="NETBOX_URL", help="NetBox base URL, e.g. "
                                     "http://127.0.0.1:8001 (or NETBOX_URL).", show_default=False)]
TokenOpt = Annotated[str, typer.Option("--token", envvar="NETBOX_TOKEN", show_default=False,
                                       help="API token (or NETBOX_TOKEN): nbt_<key>.<secret> (v2, sent as Bearer) "
                                            "or a v1 token.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AdoptOpt = Annotated[bool, typer.Option("--adopt", help="Take over NetBox objects that have kotanet's keys but "
                                        "not its tag (default: refuse and change nothing).")]


def _connect(st: CliState, url: str, token: str) -> NetBoxClient:
    from kotanet.inventory.netbox.client import NetBoxClient, token_version

    client = NetBoxClient(url, token, lang=st.lang)
    with st.err.status(st.t("netbox.progress.read")):
        version = client.check()
    st.err.print(st.t("netbox.connected", version=version, url=client.url, token_version=token_version(token)),
                 highlight=False)
    return client


@contextmanager
def _progress(st: CliState, label: str) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=st.err, transient=True)
    task = bar.add_task(label, total=None)

    def hook(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield hook


def _what(kind: str) -> str:
    return kind.replace("_", " ")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def _plan_json(p: Plan) -> dict[str, Any]:
    from kotanet.inventory.netbox.sync import Op

    return {
        "setup": p.setup,
        "conflicts": p.conflicts,
        "counts": {op.value: p.count(op) for op in Op},
        "changes": [{"op": c.op.value, "kind": c.kind.value, "key": list(c.key),
                     "fields": [{"field": f, "netbox": _jsonable(old), "kotanet": _jsonable(new)}
                                for f, old, new in c.fields]} for c in p.changes],
    }


def _jsonable(v: Any) -> Any:
    try:
        json.dumps(v)
    except (TypeError, ValueError):
        return repr(v)
    return v


@netbox_app.command("diff")
def diff_cmd(ctx: typer.Context, path: DirArg = None, url: UrlOpt = "", token: TokenOpt = "",
             adopt: AdoptOpt = False, as_json: JsonOpt = False) -> None:
    """What `push` would change in NetBox, object by object. Changes nothing."""
    from kotanet.inventory.netbox.sync import Op, fetch_existing, plan

    st = state(ctx)
    inv = load_inventory(st, path)
    client = _connect(st, url, token)
    _tag, setup = client.ensure_setup(dry_run=True)
    with _progress(st, st.t("netbox.progress.read")) as hook:
        existing = fetch_existing(client, hook)
    p = plan(inv, existing, adopt=adopt)
    p.setup = setup
    if as_json:
        st.out.print_json(json.dumps(_plan_json(p)))
        return
    for what in setup:
        st.out.print(st.t("netbox.diff.setup", what=what), highlight=False, markup=False)
    for c in p.changes:
        st.out.print(st.t(f"netbox.diff.line.{c.op.value}", what=_what(c.kind.value), label=c.label),
                     highlight=False, markup=False)
        for field, old, new in c.fields:
            st.out.print(st.t("netbox.diff.field", field=field, old=_short(old), new=_short(new)), highlight=False,
                         markup=False)
    if p.conflicts:
        st.out.print(st.t("netbox.diff.conflicts", n=len(p.conflicts)), highlight=False, markup=False)
        for line in p.conflicts:
            st.out.print(f"  {line}", highlight=False, markup=False)
    st.out.print(st.t("netbox.diff.summary", total=len(p.changes), creates=p.count(Op.CREATE),
                      updates=p.count(Op.UPDATE), deletes=p.count(Op.DELETE)), highlight=False)


@netbox_app.command("push")
def push_cmd(ctx: typer.Context, path: DirArg = None, url: UrlOpt = "", token: TokenOpt = "",
             adopt: AdoptOpt = False, as_json: JsonOpt = False) -> None:
    """Create or update everything in NetBox, in dependency order, with bulk calls. Idempotent: a second push
    makes 0 changes; a re-run after an interruption converges. Objects without the 'kotanet' tag are left
    alone; managed objects that left the inventory are deleted."""
    from kotanet.inventory.netbox.sync import Op, push

    st = state(ctx)
    inv = load_inventory(st, path)
    client = _connect(st, url, token)
    t0 = time.monotonic()
    with _progress(st, st.t("netbox.progress.push")) as hook:
        p = push(client, inv, adopt=adopt, progress=hook)
    seconds = time.monotonic() - t0
    if as_json:
        st.out.print_json(json.dumps({**_plan_json(p), "seconds": round(seconds, 3)}))
        return
    if p.setup:
        st.out.print(st.t("netbox.push.setup", what=", ".join(p.setup)), highlight=False, markup=False)
    st.out.print(st.t("netbox.push.done", seconds=seconds, total=len(p.changes), creates=p.count(Op.CREATE),
                      updates=p.count(Op.UPDATE), deletes=p.count(Op.DELETE)), highlight=False)
    st.out.print(st.t("netbox.push.policy", path=str(path) if path else "bogor"), highlight=False, markup=False)


@netbox_app.command("pull")
def pull_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Inventory directory to write (created if missing).")],
    url: UrlOpt = "",
    token: TokenOpt = "",
    policy: Annotated[Path | None, typer.Option("--policy", show_default=False, help=(
        "Where kotanet's own files (inventory.yaml, services, migrations, SLA targets, maintenance) come from; "
        "default: --out itself if it has inventory.yaml, else a minimal inventory.yaml."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Read NetBox into a kotanet inventory directory. Objects kotanet cannot map are listed and skipped."""
    from urllib.parse import urlsplit

    from kotanet.inventory.netbox.source import combine, read_policy
    from kotanet.inventory.netbox.sync import pull
    from kotanet.inventory.validate import check
    from kotanet.inventory.yamlio import save_dir

    st = state(ctx)
    client = _connect(st, url, token)
    with _progress(st, st.t("netbox.progress.read")) as hook:
        pulled = pull(client, hook)
    src = policy if policy is not None else out
    pol, found = read_policy(src, default_name=urlsplit(client.url).netloc)
    inv = check(combine(pol, pulled))
    save_dir(inv, out)
    counts = {name: len(getattr(inv, name)) for name in ("regions", "tenants", "sites", "devices", "links",
                                                          "circuits")}
    if as_json:
        st.out.print_json(json.dumps({"out": str(out), "counts": counts, "warnings": pulled.warnings}))
        return
    for w in pulled.warnings:
        st.err.print(st.t("netbox.pull.warning", text=w), highlight=False, markup=False)
    st.err.print(st.t("netbox.pull.policy_from", path=str(src)) if found else
                 st.t("netbox.pull.policy_new", name=inv.settings.name), highlight=False, markup=False)
    st.out.print(st.t("netbox.pull.done", path=str(out), warnings=len(pulled.warnings), **counts), highlight=False,
                 markup=False)
