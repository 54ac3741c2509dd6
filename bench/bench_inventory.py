"""Benchmark: load and validate a synthetic province-scale inventory.

    .venv/bin/python bench/bench_inventory.py [--sites 10000 --devices 20000 --links 30000]

Generates the inventory as YAML files (kotanet's own canonical format), then, each in a fresh child process
so that peak memory is its own:
  - kotanet: load_dir + validate (typed models, every cross-reference, IP conflicts, line-aware errors);
  - reference: a bare libyaml parse of the same files (yaml.load with CSafeLoader), the floor any
    YAML-based loader pays.
Prints wall time and peak RSS of both and their ratio. Targets (issue 2): load+validate < 5 s and < 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
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
from kotanet.inventory.yamlio import save_dir


def synthetic(n_sites: int, n_devices: int, n_links: int, seed: int = 7) -> Inventory:
    rng = random.Random(seed)
    regions = [Region(id=f"r{i}", name=f"Region {i}") for i in range(50)]
    tenants = [Tenant(id=f"t{i}", name=f"Tenant {i}") for i in range(200)]
    kinds = [SiteKind.KELURAHAN, SiteKind.DEPARTMENT, SiteKind.TOWER, SiteKind.KECAMATAN]
    sites = [Site(id=f"s{i}", name=f"Site {i}", kind=SiteKind.DATA_CENTRE if i == 0 else rng.choice(kinds),
                  region=f"r{i % 50}", tenant=f"t{i % 200}", latitude=-8 + rng.random() * 2,
                  longitude=106 + rng.random() * 2) for i in range(n_sites)]
    ports = max(2, (2 * n_links) // n_devices + 2)
    base = int(IPv4Address("10.0.0.0"))
    devices = []
    for i in range(n_devices):
        itfs = [Interface(name=f"eth{p}", kind=InterfaceKind.ETHERNET) for p in range(ports)]
        devices.append(Device(id=f"d{i}", site=f"s{i % n_sites}", role=DeviceRole.ACCESS_ROUTER,
                              platform=Platform.ROUTEROS, model="RB4011", serial=f"SN{i:08d}",
                              mgmt_ip=IPv4Address(base + 0x100000 + i), interfaces=itfs))
    used = [0] * n_devices
    links = []
    for i in range(n_links):
        a = i % n_devices
        while used[a] >= ports:
            a = (a + 1) % n_devices
        b = (a + 1 + rng.randrange(n_devices - 1)) % n_devices
        while used[b] >= ports or b == a:
            b = (b + 1) % n_devices
        pa, pb = used[a], used[b]
        used[a] += 1
        used[b] += 1
        net = base + 4 * i
        devices[a].interfaces[pa] = devices[a].interfaces[pa].model_copy(
            update={"addresses": [f"{IPv4Address(net + 1)}/30"]})
        devices[b].interfaces[pb] = devices[b].interfaces[pb].model_copy(
            update={"addresses": [f"{IPv4Address(net + 2)}/30"]})
        radio = i % 3 == 0
        links.append(Link(
            id=f"l{i}", a=Endpoint(device=f"d{a}", interface=f"eth{pa}"),
            b=Endpoint(device=f"d{b}", interface=f"eth{pb}"),
            medium=LinkMedium.RADIO_5_8 if radio else LinkMedium.FIBRE,
            radio=RadioAttrs(frequency_mhz=5805) if radio else None,
            fibre=None if radio else FibreAttrs(length_km=1 + rng.random() * 10, splices=rng.randrange(10))))
    return Inventory.model_validate(Inventory(
        settings=Settings(name="Synthetic province"), regions=regions, tenants=tenants, sites=sites,
        devices=devices, links=links).model_dump())


CHILD = """
import json, sys, time
from pathlib import Path

def peak_mib():
    # VmHWM belongs to this program's own address space; ru_maxrss would carry the parent's peak over execve.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

t0 = time.perf_counter()
if sys.argv[1] == "kotanet":
    from kotanet.inventory.yamlio import load_dir, Locator, paused_gc
    from kotanet.inventory.validate import validate
    root = Path(sys.argv[2])
    inv = load_dir(root)
    t1 = time.perf_counter()
    with paused_gc():
        problems = validate(inv, Locator(root))
    assert not problems, problems[:3]
    n = len(inv.links)
else:
    import yaml
    t1 = None
    n = 0
    for p in sorted(Path(sys.argv[2]).glob("*.yaml")):
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        n += len(data.get("links", [])) if isinstance(data, dict) else 0
t2 = time.perf_counter()
print(json.dumps({"total_s": t2 - t0, "load_s": (t1 or t2) - t0, "validate_s": t2 - (t1 or t2), "links": n,
                  "peak_mib": peak_mib()}))
"""


def run_child(which: str, root: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, which, str(root)], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--devices", type=int, default=20_000)
    ap.add_argument("--links", type=int, default=30_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t0 = time.perf_counter()
    inv = synthetic(args.sites, args.devices, args.links)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        save_dir(inv, root)
        size = sum(p.stat().st_size for p in root.glob("*.yaml")) / 2**20
        print(f"generated {args.sites} sites, {args.devices} devices, {args.links} links "
              f"({size:.1f} MiB of YAML) in {time.perf_counter() - t0:.1f} s")
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):
            for which in ("kotanet", "reference"):
                r = run_child(which, root)
                if which not in best or r["total_s"] < best[which]["total_s"]:
                    best[which] = r
    k, ref = best["kotanet"], best["reference"]
    print(f"kotanet load+validate: {k['total_s']:.2f} s (load {k['load_s']:.2f} s, validate {k['validate_s']:.2f} s),"
          f" peak {k['peak_mib']:.0f} MiB")
    print(f"reference libyaml parse only: {ref['total_s']:.2f} s, peak {ref['peak_mib']:.0f} MiB")
    print(f"ratio kotanet/reference: time {k['total_s'] / ref['total_s']:.2f}x, "
          f"memory {k['peak_mib'] / ref['peak_mib']:.2f}x (best of {args.repeat})")
    ok = k["total_s"] < 5 and k["peak_mib"] < 1024
    print(f"target < 5 s and < 1 GiB: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
