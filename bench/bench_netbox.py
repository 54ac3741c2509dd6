"""Benchmark: push a synthetic 2,000-device inventory into a real NetBox 4.7.3 with bulk calls, and compare with
pushing one object per call.

    .venv/bin/python bench/bench_netbox.py [--devices 2000] [--sample-devices 100]

Starts NetBox with scripts/netbox-dev (a fresh database for each side, same server settings: gunicorn with
3 workers), then:
  - bulk: `kotanet netbox push`'s code (lists of up to 250 objects per POST, kind by kind) on the whole
    inventory: sites, regions, tenants, device types, devices, interfaces, addresses, cables, wireless links;
  - one at a time: the same code with one object per call (what a naive pynetbox loop does), on a sample of
    the same shape (`--sample-devices`), because at its rate the full inventory would take tens of minutes;
    its objects/s is extrapolated to the full inventory (NetBox's per-object cost does not grow with the
    number of objects at this size, and both sides run on empty databases).
Prints objects/s for both and their ratio; a second bulk push checks 0 changes (its time is the cost of a
no-op diff: reading everything back).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from ipaddress import IPv4Address
from pathlib import Path

from kotanet.inventory.choices import DeviceRole, InterfaceKind, LinkMedium, Platform, SiteKind
from kotanet.inventory.models import (
    Device,
    Endpoint,
    FibreAttrs,
    Interface,
    Inventory,
    Link,
    RadioAttrs,
    Region,
    Settings,
    Site,
    Tenant,
)
from kotanet.inventory.netbox.client import NetBoxClient
from kotanet.inventory.netbox.sync import Op, push
from kotanet.inventory.validate import check

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "netbox-dev"


def synthetic(n_devices: int, seed: int = 7) -> Inventory:
    """Pairs of devices two to a site; each device has an uplink (optical or wireless) with a /30, and a LAN
    port; every pair is joined by a fibre (2 in 3) or a 5.8 GHz radio link (1 in 3)."""
    rng = random.Random(seed)
    n_sites = max(1, n_devices // 2)
    regions = [Region(id=f"r{i}", name=f"Region {i}") for i in range(10)]
    tenants = [Tenant(id=f"t{i}", name=f"Tenant {i}") for i in range(20)]
    sites = [Site(id=f"s{i}", name=f"Site {i}", kind=SiteKind.DATA_CENTRE if i == 0 else SiteKind.KELURAHAN,
                  region=f"r{i % 10}", tenant=f"t{i % 20}", latitude=round(-6.67 + rng.random() * 0.16, 5),
                  longitude=round(106.74 + rng.random() * 0.11, 5)) for i in range(n_sites)]
    base = int(IPv4Address("10.0.0.0"))
    devices: list[Device] = []
    links: list[Link] = []
    for pair in range(n_devices // 2):
        radio = pair % 3 == 2
        kind = InterfaceKind.WIRELESS if radio else InterfaceKind.OPTICAL
        ids = (f"d{2 * pair}", f"d{2 * pair + 1}")
        for j, dev_id in enumerate(ids):
            devices.append(Device(
                id=dev_id, site=f"s{(2 * pair + j) % n_sites}", role=DeviceRole.ACCESS_ROUTER,
                platform=Platform.ROUTEROS, model=rng.choice(["RB4011", "CCR2004", "hAP ac2"]),
                manufacturer="MikroTik", serial=f"SN{2 * pair + j:08d}",
                mgmt_ip=IPv4Address(base + 0x400000 + 2 * pair + j),
                interfaces=[Interface(name="uplink", kind=kind,
                                      addresses=[f"{IPv4Address(base + 4 * pair + 1 + j)}/30"]),
                            Interface(name="lan", kind=InterfaceKind.ETHERNET)]))
        links.append(Link(
            id=f"l{pair}", a=Endpoint(device=ids[0], interface="uplink"), b=Endpoint(device=ids[1], interface="uplink"),
            medium=LinkMedium.RADIO_5_8 if radio else LinkMedium.FIBRE,
            radio=RadioAttrs(frequency_mhz=5805.0, path_length_km=round(0.5 + rng.random() * 5, 2)) if radio else None,
            fibre=None if radio else FibreAttrs(length_km=round(0.2 + rng.random() * 8, 2), splices=rng.randrange(6))))
    return check(Inventory(settings=Settings(name="Synthetic city"), regions=regions, tenants=tenants, sites=sites,
                           devices=devices, links=links))


def start(port: int, db: str) -> dict[str, str]:
    out = subprocess.run([str(SCRIPT), "start", "--port", str(port), "--db", db, "--fresh", "--workers", "3"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(out.stderr)
    info: dict[str, str] = json.loads(out.stdout)
    return info


def stop(port: int) -> None:
    subprocess.run([str(SCRIPT), "stop", "--port", str(port), "--drop-db"], capture_output=True, check=False)


def timed_push(info: dict[str, str], inv: Inventory, *, batch: bool) -> tuple[int, float]:
    client = NetBoxClient(info["url"], info["token_v2"], timeout=600)
    client.check()
    client.ensure_setup(dry_run=False)  # the tag and custom fields: the same for both sides, not timed
    t0 = time.monotonic()
    plan = push(client, inv, batch=batch)
    return plan.count(Op.CREATE), time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", type=int, default=2000)
    ap.add_argument("--sample-devices", type=int, default=100, help="size of the one-at-a-time sample")
    ap.add_argument("--port", type=int, default=8091)
    args = ap.parse_args()

    full = synthetic(args.devices)
    sample = synthetic(args.sample_devices)
    results: dict[str, dict[str, float]] = {}
    for name, inv, batch in (("one_at_a_time", sample, False), ("bulk", full, True)):
        info = start(args.port, f"kotanet_bench_{name}")
        try:
            n, seconds = timed_push(info, inv, batch=batch)
            results[name] = {"devices": len(inv.devices), "objects": n, "seconds": round(seconds, 2),
                             "objects_per_s": round(n / seconds, 1)}
            if batch:
                client = NetBoxClient(info["url"], info["token_v2"], timeout=600)
                t0 = time.monotonic()
                again = push(client, inv)
                results[name]["second_push_changes"] = len(again.changes)
                results[name]["second_push_seconds"] = round(time.monotonic() - t0, 2)
        finally:
            stop(args.port)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    bulk, single = results["bulk"], results["one_at_a_time"]
    extrapolated = bulk["objects"] / single["objects_per_s"]
    print(f"bulk: {bulk['objects']:.0f} objects ({bulk['devices']:.0f} devices) in {bulk['seconds']:.1f} s = "
          f"{bulk['objects_per_s']:.1f} objects/s; second push {bulk['second_push_changes']:.0f} changes in "
          f"{bulk['second_push_seconds']:.1f} s")
    print(f"one at a time: {single['objects']:.0f} objects ({single['devices']:.0f} devices) in "
          f"{single['seconds']:.1f} s = {single['objects_per_s']:.1f} objects/s; the full inventory would take "
          f"~{extrapolated:.0f} s (extrapolated)")
    print(f"ratio: bulk is {bulk['objects_per_s'] / single['objects_per_s']:.2f}x faster")


if __name__ == "__main__":
    main()
