"""Benchmark: the digital twin (needs root, frr, openssh-server, nftables).

    .venv/bin/python bench/bench_lab.py [--network bogor|synthetic|both] [--routers 100] [--no-rehearse]

For the Kota Bogor backbone (124 routers, 137 links, one manhole bridge) and for a synthetic network of
N routers (a fibre ring of 10 district routers around the DC, each with a 5.8 GHz tree of access routers and
a few 2.4 GHz cross links), it measures:
  - nothing -> converged: `Twin.up` (namespaces, veths, FRR, sshd) plus the wait until every router's kernel
    holds exactly the expected OSPF next hops;
  - memory: the proportional set size of every process in the twin's namespaces;
  - (Bogor) the time to rehearse all 17 routes through the playbooks over SSH, and each route's failover
    time when its new fibre is cut;
  - `down`.
Prints one JSON object per network.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from ipaddress import IPv4Address
from pathlib import Path

from kotanet.clock import SystemClock
from kotanet.inventory.choices import DeviceRole, LinkMedium, Platform, SiteKind
from kotanet.inventory.models import Device, Endpoint, Interface, Inventory, Link, Settings, Site
from kotanet.inventory.source import open_inventory
from kotanet.lab.plan import plan_twin
from kotanet.lab.twin import Twin, missing_requirements


def synthetic(routers: int, seed: int = 7) -> Inventory:
    rng = random.Random(seed)
    sites = [Site(id="dc", name="DC", kind=SiteKind.DATA_CENTRE, latitude=-6.6, longitude=106.8)]
    sites += [Site(id=f"s{i:03d}", name=f"Site {i}", kind=SiteKind.KELURAHAN, latitude=-6.6, longitude=106.8)
              for i in range(1, routers)]
    ports: dict[str, list[Interface]] = {s.id: [] for s in sites}
    links: list[Link] = []

    def link(a: str, b: str, medium: LinkMedium) -> None:
        n = len(links)
        net = IPv4Address("10.200.0.0") + 4 * n
        ia, ib = f"e{len(ports[a])}", f"e{len(ports[b])}"
        ports[a].append(Interface(name=ia, addresses=[f"{net + 1}/30"]))  # type: ignore[list-item]
        ports[b].append(Interface(name=ib, addresses=[f"{net + 2}/30"]))  # type: ignore[list-item]
        links.append(Link(id=f"l{n:03d}-{a}-{b}", a=Endpoint(device=f"{a}-r1", interface=ia),
                          b=Endpoint(device=f"{b}-r1", interface=ib), medium=medium))

    hubs = [f"s{i:03d}" for i in range(1, 11)]
    ring = ["dc", *hubs]
    for i, s in enumerate(ring):
        link(s, ring[(i + 1) % len(ring)], LinkMedium.FIBRE)
    rest = [s.id for s in sites[11:]]
    for i, s in enumerate(rest):
        parent = hubs[i % len(hubs)] if i < 30 else rest[rng.randrange(0, i)]
        link(parent, s, LinkMedium.RADIO_5_8)
    for _ in range(routers // 10):
        a, b = rng.sample(rest, 2)
        link(a, b, LinkMedium.RADIO_2_4)
    devices = [Device(id=f"{s.id}-r1", site=s.id, role=DeviceRole.ACCESS_ROUTER, platform=Platform.ROUTEROS,
                      mgmt_ip=IPv4Address("10.100.0.1") + i, interfaces=ports[s.id]) for i, s in enumerate(sites)]
    return Inventory(settings=Settings(name="synthetic"), sites=sites, devices=devices, links=links)


def run(name: str, inv: Inventory, *, rehearse_all: bool) -> dict[str, object]:
    state = Path(tempfile.mkdtemp(prefix="kotanet-bench-lab-")) / "lab"
    twin = Twin(plan_twin(inv, prefix="kb"), state)
    out: dict[str, object] = {"network": name, "routers": len(twin.plan.routers), "links": len(twin.plan.links)}
    try:
        t0 = time.monotonic()
        twin.up()
        t1 = time.monotonic()
        secs, diffs = twin.wait_converged(120)
        out.update(build_s=round(t1 - t0, 1), converge_s=round(secs, 1),
                   nothing_to_converged_s=round(t1 - t0 + secs, 1), converged=not diffs,
                   memory_mib=round(twin.memory_kib() / 1024),
                   memory_per_router_mib=round(twin.memory_kib() / 1024 / len(twin.plan.routers), 1))
        if rehearse_all:
            from kotanet.lab.rehearse import rehearse

            t2 = time.monotonic()
            results = rehearse(inv, twin, None, clock=SystemClock(), mop_dir=state.parent / "mops")
            out["rehearse_all_s"] = round(time.monotonic() - t2, 1)
            out["routes"] = {r.route: {"outcome": r.outcome, "push_s": round(r.push_s, 2),
                                       "converge_s": round(r.converge_s, 2),
                                       "failover_s": {k: round(v, 3) for k, v in r.failover_s.items()},
                                       "dark": r.dark} for r in results}
    finally:
        t3 = time.monotonic()
        twin.down()
        out["down_s"] = round(time.monotonic() - t3, 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", choices=("bogor", "synthetic", "both"), default="both")
    ap.add_argument("--routers", type=int, default=100)
    ap.add_argument("--no-rehearse", action="store_true")
    args = ap.parse_args()
    why = missing_requirements()
    if why:
        print(f"bench_lab: {why}", file=sys.stderr)
        return 2
    if args.network in ("bogor", "both"):
        print(json.dumps(run("bogor", open_inventory(None), rehearse_all=not args.no_rehearse)), flush=True)
    if args.network in ("synthetic", "both"):
        print(json.dumps(run(f"synthetic-{args.routers}", synthetic(args.routers), rehearse_all=False)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
