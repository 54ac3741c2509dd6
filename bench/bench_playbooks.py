"""Benchmark: render the migration configs of a 10,000-device inventory, and a dry run over 50 simulated devices.

    .venv/bin/python bench/bench_playbooks.py [--devices 10000] [--dry-run-devices 50] [--skip-ssh]

1. Render. A synthetic inventory of N routers (IOS, RouterOS and Junos in turn) in pairs; each pair gets a
   new fibre (a /30 from the p2p pool) that replaces the 5.8 GHz radio between them, so N/2 routes and N
   device configs, each with the fibre interface, OSPF, BFD, the management baseline and the radio's
   retirement. Timed: `Renderer.render_route` for every route (the templates are compiled once). Reference:
   the same number of bare `jinja2.Template.render` calls of a one-line template, the floor of any
   Jinja2-based renderer. Target (issue 5): < 10 s.
2. Dry run. The SSH simulator (`kotanet.playbooks.sshsim`) serves M devices of the Kota Bogor inventory on
   127.0.0.1; a dry run (backup, merge, compare_config, discard over netmiko) of one job covering all M is
   timed with one worker (serial) and with M workers (concurrent). Prints both and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import jinja2

from kotanet.inventory.choices import (
    DeviceRole,
    InterfaceKind,
    LinkMedium,
    LinkStatus,
    MigrationAction,
    Platform,
    SiteKind,
)
from kotanet.inventory.models import (
    Device,
    Endpoint,
    FibreAttrs,
    Interface,
    Inventory,
    Link,
    RadioAttrs,
    Settings,
    Site,
)
from kotanet.playbooks.render import Renderer
from kotanet.topology.addressing import P2pAssignment
from kotanet.topology.plan import RoutePlan

PLATFORMS = (Platform.IOS, Platform.ROUTEROS, Platform.JUNOS)
FIBRE_ITF = {Platform.IOS: "GigabitEthernet0/1/0", Platform.ROUTEROS: "sfp1", Platform.JUNOS: "ge-0/0/1"}
RADIO_ITF = {Platform.IOS: "GigabitEthernet0/0/2", Platform.ROUTEROS: "wlan1", Platform.JUNOS: "ge-0/0/2"}


def synthetic(n_devices: int) -> tuple[Inventory, list[RoutePlan]]:
    settings = Settings(name="Synthetic province", noc_servers=[IPv4Address("10.20.0.50")],
                        ntp_servers=[IPv4Address("10.20.0.1"), IPv4Address("10.20.0.2")],
                        syslog_servers=[IPv4Address("10.20.0.50")], p2p_pool=IPv4Network("10.128.0.0/10"))
    sites, devices, links, routes = [], [], [], []
    base = int(IPv4Address("10.128.0.0"))
    for i in range(n_devices):
        platform = PLATFORMS[(i // 2) % 3]
        sites.append(Site(id=f"s{i}", name=f"Site {i}", kind=SiteKind.KELURAHAN, latitude=-6.6, longitude=106.8))
        devices.append(Device(id=f"r{i}", site=f"s{i}", role=DeviceRole.ACCESS_ROUTER, platform=platform,
                              model="synthetic", interfaces=[
                                  Interface(name=FIBRE_ITF[platform], kind=InterfaceKind.OPTICAL),
                                  Interface(name=RADIO_ITF[platform], kind=InterfaceKind.WIRELESS)]))
    for k in range(n_devices // 2):
        a, b = 2 * k, 2 * k + 1
        pa, pb = devices[a].platform, devices[b].platform
        fibre = Link(id=f"fo-{k}", a=Endpoint(device=f"r{a}", interface=FIBRE_ITF[pa]),
                     b=Endpoint(device=f"r{b}", interface=FIBRE_ITF[pb]), medium=LinkMedium.FIBRE,
                     status=LinkStatus.PLANNED, fibre=FibreAttrs(length_km=1.5))
        radio = Link(id=f"r58-{k}", a=Endpoint(device=f"r{a}", interface=RADIO_ITF[pa]),
                     b=Endpoint(device=f"r{b}", interface=RADIO_ITF[pb]), medium=LinkMedium.RADIO_5_8,
                     radio=RadioAttrs(frequency_mhz=5805))
        links += [fibre, radio]
        net = IPv4Network((base + 4 * k, 30))
        p2p = P2pAssignment(link=fibre.id, network=net, a=fibre.a, a_address=IPv4Interface(f"{net[1]}/30"),
                            b=fibre.b, b_address=IPv4Interface(f"{net[2]}/30"), spliced_at=None,
                            spliced_towards=None)
        routes.append(RoutePlan(route=str(k + 1), name=f"Site {a} - Site {b}", action=MigrationAction.REPLACE_RADIO,
                                a_site=f"s{a}", b_site=f"s{b}", position=k + 1, depends_on=(),
                                derived_dependencies=(), new_links=(fibre.id,), retires=(radio.id,), reroutes=(),
                                radio_kept_as_backup=False, changes=(), cutover_outage=(), addressing=(p2p,),
                                reaches_dc_over_fibre=True))
    return Inventory(settings=settings, sites=sites, devices=devices, links=links), routes


def bench_render(n_devices: int) -> float:
    t0 = time.perf_counter()
    inv, routes = synthetic(n_devices)
    built = time.perf_counter() - t0
    renderer = Renderer()
    t0 = time.perf_counter()
    configs = 0
    chars = 0
    for rp in routes:
        out = renderer.render_route(inv, rp, keep_radio_backup=False)
        configs += len(out)
        chars += sum(len(c.text) for c in out.values())
    took = time.perf_counter() - t0
    floor_tpl = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string("interface {{ a }}\n ip {{ b }}\n")
    t0 = time.perf_counter()
    for i in range(configs):
        floor_tpl.render(a=i, b=i)
    floor = time.perf_counter() - t0
    print(f"render: {configs:,} device configs for {len(routes):,} routes ({chars / 1e6:.1f} MB of config) "
          f"in {took:.2f} s ({configs / took:,.0f} configs/s); synthetic inventory built in {built:.2f} s")
    print(f"  reference, {configs:,} bare jinja2 renders of a 2-line template: {floor:.3f} s "
          f"(kotanet {took / floor:.0f}x: routing context, 3 platform templates, full configs)")
    print(f"  target < 10 s: {'met' if took < 10 else 'NOT met'}")
    return took


def bench_dry_run(n: int) -> None:
    from kotanet.clock import FixedClock
    from kotanet.inventory import open_inventory
    from kotanet.playbooks.backups import BackupStore
    from kotanet.playbooks.deploy import Deployer, DeployJob, DeployOptions, Driver, make_factory, route_configs
    from kotanet.playbooks.render import RenderedConfig
    from kotanet.playbooks.sshsim.server import SshFleet
    from kotanet.topology.plan import plan_migrations

    inv = open_inventory(None)
    plan = plan_migrations(inv)
    # every device a route configures, with its route's config; then other routers with the management baseline
    configs: dict[str, RenderedConfig] = {}
    for rp in plan.routes:
        for dev, cfg in route_configs(inv, plan, rp, keep_radio_backup=False).items():
            configs.setdefault(dev, cfg)
    baseline: dict[Platform, str] = {}
    for cfg in configs.values():
        lines = [ln for ln in cfg.text.splitlines() if ln.startswith(("/snmp", "/system ntp", "snmp-server",
                                                                      "ntp server", "logging"))]
        baseline.setdefault(cfg.platform, "\n".join(lines) + "\n")
    for d in inv.devices:
        if len(configs) >= n:
            break
        if d.id not in configs and d.platform in baseline and d.role.routing:
            configs[d.id] = RenderedConfig(device=d.id, platform=d.platform, text=baseline[d.platform])
    chosen = dict(sorted(configs.items())[:n])
    with SshFleet(inv, list(chosen)) as fleet, tempfile.TemporaryDirectory() as tmp:
        job = DeployJob(route="bench", configs=chosen, endpoints=fleet.endpoints, checks=(),
                        known_devices=frozenset(d.id for d in inv.devices))
        clock = FixedClock(dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
        first = next(iter(chosen))
        warm = DeployJob(route="warm-up", configs={first: chosen[first]}, endpoints={first: job.endpoints[first]},
                         known_devices=job.known_devices)
        Deployer(make_factory(Driver.NETMIKO), BackupStore(Path(tmp) / "warm"), clock).dry_run(warm)  # imports
        times = {}
        statuses: dict[str, str] = {}
        for label, workers in (("concurrent", n), ("serial", 1)):
            deployer = Deployer(make_factory(Driver.NETMIKO), BackupStore(Path(tmp) / label), clock,
                                options=DeployOptions(max_workers=workers))
            t0 = time.perf_counter()
            report = deployer.dry_run(job)
            times[label] = time.perf_counter() - t0
            bad = [r.device for r in report.devices if not r.ok]
            if bad:
                sys.exit(f"dry run failed on {', '.join(bad)}: {report.devices}")
            counts: dict[str, int] = {}
            for r in report.devices:
                counts[r.status.value] = counts.get(r.status.value, 0) + 1
            statuses[label] = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        print(f"dry run over {len(chosen)} simulated SSH devices (netmiko, backup + diff each): "
              f"serial {times['serial']:.2f} s, concurrent ({n} workers) {times['concurrent']:.2f} s, "
              f"{times['serial'] / times['concurrent']:.1f}x faster ({statuses['concurrent']})")


def main() -> None:
    logging.getLogger("asyncio").setLevel(logging.ERROR)  # the simulator's closed-socket chatter
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--dry-run-devices", type=int, default=50)
    ap.add_argument("--skip-ssh", action="store_true", help="only the render benchmark")
    args = ap.parse_args()
    bench_render(args.devices)
    if not args.skip_ssh:
        bench_dry_run(args.dry_run_devices)


if __name__ == "__main__":
    main()
