"""`kotanet monitor run` and `kotanet monitor status`."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.live import Live
from rich.table import Table

from kotanet.cli_common import CliState, load_inventory, state
from kotanet.errors import UsageError
from kotanet.inventory.choices import LinkStatus
from kotanet.monitors.poller import AddressMap, CycleReport, Poller, PollerOptions, Shard, plan_probes
from kotanet.monitors.probe import Probe, ProbeKind
from kotanet.monitors.records import FlapRule, State
from kotanet.monitors.store import Store
from kotanet.monitors.targets import TargetKind, target_id
from kotanet.paths import kotanet_home

__all__ = ["monitor_app", "open_store_option"]

monitor_app = typer.Typer(help="Probe the backbone (ICMP, SNMP, HTTP), record states, export Prometheus metrics.",
                          no_args_is_help=True)

DirArg = Annotated[Path | None, typer.Argument(help="Inventory directory (default: the embedded Kota Bogor dataset).",
                                               show_default=False)]
StoreOpt = Annotated[str | None, typer.Option("--store", envvar="KOTANET_STORE", show_default=False,
                                              help="Store URL: sqlite:///path.db, postgresql://..., memory: "
                                                   "(default: sqlite in $KOTANET_HOME/kotanet.db).")]


def open_store_option(url: str | None) -> Store:
    from kotanet.monitors.stores import open_store_or_default

    return open_store_or_default(url)


def _address_map(state_dir: Path) -> AddressMap | None:
    """The address map of a running `kotanet simulate`, if any."""
    from kotanet.monitors.simulate import load_address_map

    return load_address_map(state_dir)


def _probes(privileged_icmp: bool) -> dict[ProbeKind, Probe]:
    from kotanet.monitors.http import HttpProbe
    from kotanet.monitors.icmp import IcmpProbe
    from kotanet.monitors.snmp import SnmpProbe

    return {ProbeKind.ICMP: IcmpProbe(privileged=privileged_icmp), ProbeKind.SNMP: SnmpProbe(),
            ProbeKind.HTTP: HttpProbe(verify_tls=False)}


def _status_table(st: CliState, report: CycleReport, n: int) -> Table:
    counts = Counter(s.value for s in report.states.values())
    table = Table(title=st.t("mon.cycle", n=n, at=report.at.isoformat(timespec="seconds"),
                             s=f"{report.duration_s:.2f}"))
    for col in ("mon.col.probes", "mon.col.failed", "mon.col.up", "mon.col.down", "mon.col.unknown",
                "mon.col.new", "mon.col.buffered"):
        table.add_column(st.t(col), justify="right")
    table.add_row(str(report.probes), str(report.failed), str(counts.get("up", 0)),
                  f"[red]{counts.get('down', 0)}[/]", str(counts.get("unknown", 0)), str(report.transitions),
                  str(report.buffered))
    down = sorted(t for t, s in report.states.items() if s is State.DOWN)
    if down:
        table.caption = st.t("mon.down_list", targets=", ".join(down[:12]) + (" …" if len(down) > 12 else ""))
    if report.store_error:
        table.caption = (table.caption or "") + " | " + st.t("mon.store_error", error=report.store_error)
    return table


@monitor_app.command("run")
def run_cmd(
    ctx: typer.Context,
    path: DirArg = None,
    once: Annotated[bool, typer.Option("--once", help="Run one cycle and exit.")] = False,
    shard: Annotated[str | None, typer.Option("--shard", help="I/N: poll only this shard of the targets.")] = None,
    store_url: StoreOpt = None,
    metrics_port: Annotated[int | None, typer.Option("--metrics-port", help="Serve /metrics on 127.0.0.1:P.")] = None,
    metrics_host: Annotated[str, typer.Option("--metrics-host", help="Address for /metrics.")] = "127.0.0.1",
    interval: Annotated[float, typer.Option("--interval", help="Seconds between cycles.")] = 60.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Probe timeout, seconds.")] = 2.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries per probe.")] = 1,
    cycles: Annotated[int | None, typer.Option("--cycles", help="Stop after this many cycles.")] = None,
    poller_id: Annotated[str, typer.Option("--poller-id", help="Name of this poller (heartbeats).")] = "poller-1",
    privileged_icmp: Annotated[bool, typer.Option("--privileged-icmp/--unprivileged-icmp",
                                                  help="Raw ICMP sockets (root) or ping sockets.")] = True,
    open_after: Annotated[int, typer.Option("--open-after", min=1,
                                            help="Consecutive failures that open an outage (flap rule).")] = 3,
    close_after: Annotated[int, typer.Option("--close-after", min=1,
                                             help="Consecutive successes that close it (flap rule).")] = 2,
    live: Annotated[bool, typer.Option("--live", help="Probe the real network at the inventory's addresses "
                                                      "(without it, only a running simulation is polled).")] = False,
    lab: Annotated[bool, typer.Option("--lab", help="Probe the running lab twin (`kotanet lab up`) from its NOC "
                                                    "namespace (root).")] = False,
) -> None:
    """Poll every target; with `kotanet simulate` running, its simulated city is found automatically."""
    st = state(ctx)
    try:
        part = Shard.parse(shard) if shard else None
    except ValueError as exc:
        raise UsageError(str(exc), hint="give --shard I/N with 1 <= I <= N") from None
    inv = load_inventory(st, path)
    community = "public"
    if lab:
        from kotanet.lab.monitor import enter_netns, load_lab_addresses

        twin = load_lab_addresses(kotanet_home() / "lab", st.lang)
        enter_netns(twin.noc_namespace, st.lang)  # before any socket or thread: every probe runs in the twin
        addresses: AddressMap | None = twin.addresses
        community = twin.community
        st.err.print(st.t("lab.mon.using", ns=twin.noc_namespace, devices=len(twin.addresses.devices)),
                     style="cyan")
    else:
        addresses = _address_map(kotanet_home())
        if addresses is not None:
            st.err.print(st.t("mon.simulated"), style="cyan")
    if addresses is None and not live:
        raise UsageError(st.t("mon.no_simulation"), hint=st.t("mon.no_simulation.fix"))
    plan = plan_probes(inv, addresses, interval_s=interval, timeout_s=timeout, retries=retries,
                       snmp_community=community)
    store = open_store_option(store_url)
    poller = Poller(plan, _probes(privileged_icmp), store, clock=st.clock,
                    options=PollerOptions(poller_id=f"{poller_id}-{shard}" if shard else poller_id, shard=part,
                                          rule=FlapRule(open_after=open_after, close_after=close_after)))
    metrics = None
    if metrics_port is not None:
        from prometheus_client import CollectorRegistry, start_http_server

        from kotanet.monitors.metrics import PollerMetrics

        registry = CollectorRegistry()
        caps = {target_id(TargetKind.LINK, lk.id): lk.capacity_mbps for lk in inv.links
                if lk.capacity_mbps and lk.status is LinkStatus.ACTIVE}
        metrics = PollerMetrics(registry, poller, capacities=caps)
        start_http_server(metrics_port, addr=metrics_host, registry=registry)
        st.err.print(st.t("mon.metrics", url=f"http://{metrics_host}:{metrics_port}/metrics"), highlight=False)
    count = {"n": 0}

    async def main() -> None:
        with Live(console=st.err, refresh_per_second=2, transient=False) as screen:
            def on_cycle(report: CycleReport) -> None:
                count["n"] += 1
                if metrics is not None:
                    metrics.observe(report)
                screen.update(_status_table(st, report, count["n"]))

            await poller.run(sleep=asyncio.sleep, cycles=1 if once else cycles, interval_s=interval,
                             on_cycle=on_cycle)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


@monitor_app.command("status")
def status_cmd(ctx: typer.Context, store_url: StoreOpt = None,
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The current state of every target, from the store."""
    st = state(ctx)
    store = open_store_option(store_url)
    try:
        last = store.last_transitions()
    finally:
        store.close()
    counts = Counter(t.state.value for t in last.values())
    down = sorted((t for t in last.values() if t.state is not State.UP), key=lambda t: (t.state.value, t.target))
    if as_json:
        typer.echo(json.dumps({"targets": len(last), "by_state": dict(counts),
                               "not_up": [{"target": t.target, "state": t.state.value, "since": t.at.isoformat(),
                                           "reason": t.reason} for t in down]}, indent=2))
        return
    st.out.print(st.t("mon.summary", n=len(last), up=counts.get("up", 0), down=counts.get("down", 0),
                      unknown=counts.get("unknown", 0)))
    table = Table()
    for col in ("mon.col.target", "mon.col.state", "mon.col.since", "mon.col.reason"):
        table.add_column(st.t(col))
    for t in down:
        table.add_row(t.target, f"[{'red' if t.state is State.DOWN else 'yellow'}]{t.state.value}[/]",
                      t.at.isoformat(timespec="seconds"), t.reason)
    st.out.print(table)
