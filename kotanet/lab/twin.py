"""The running twin: network namespaces, veth pairs, FRR daemons. Needs root and Debian's `frr`.

Everything `up` makes is named with the lab's prefix (`kn-<site>` namespaces, `kn<N>...` interfaces, nft
tables `kn<N>`), and every file sits under the state directory (`$KOTANET_HOME/lab/` by default): one
directory per router with its `frr.conf`, the daemons' pid files, vty and zebra sockets, and its log. The
daemons run inside the router's namespace, each wrapped in `unshare --uts` so the hostname is the site's.
Each router also runs net-snmp's `snmpd` on its loopbacks (community `public`, its config, pid, log and
persistent directory in the router's runtime directory). A NOC namespace `<prefix>--noc` (two dashes: a site
may be called `noc`) is joined by a veth to the DC router, which advertises the veth's /30 into OSPF; the
monitors probe every loopback from there, with the address map `up` writes to `addresses.json` in the state
directory (see kotanet.lab.monitor).
`down` kills every process inside the lab's namespaces (the NOC's included, by its prefix), deletes the
namespaces and the state directory, and nothing else. `up` first does what `down` does, so a crashed run is cleaned up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

from kotanet.atomic import write_atomic
from kotanet.errors import KotanetError
from kotanet.inventory.choices import LinkMedium
from kotanet.lab.expected import NextHop, RouteDiff, Routes, diff_routes, expected_routes, parse_routes
from kotanet.lab.frrconf import NocPort, render_router
from kotanet.lab.netlink import RouteReader
from kotanet.lab.plan import (
    Bridge,
    NetworkType,
    Port,
    Router,
    Skipped,
    SkipReason,
    TwinLink,
    TwinPlan,
)
from kotanet.playbooks.checks import PING_COUNT
from kotanet.topology.graph import NetworkState

__all__ = [
    "DAEMONS",
    "FRR_DIR",
    "Fault",
    "FaultKind",
    "Twin",
    "missing_requirements",
    "noc_network",
    "plan_from_json",
    "plan_to_json",
]

FRR_DIR = Path("/usr/lib/frr")
DAEMONS = ("zebra", "ospfd", "staticd", "bfdd")
STATE_FILE = "lab.json"
WORKERS = 4
SSH_USER = "kotanet"
SNMPD = Path("/usr/sbin/snmpd")
SNMP_COMMUNITY = "public"
ADDRESSES_FILE = "addresses.json"
NOC_POOL = IPv4Network("172.31.255.0/24")   # the NOC veth's /30 comes from here, clear of the plan's addresses


class FaultKind(StrEnum):
    FAIL = "fail"          # the veth is down; the peer sees loss of carrier
    DEGRADE = "degrade"    # nftables drops everything on the link; the link stays up


@dataclass(frozen=True, slots=True)
class Fault:
    link: str
    kind: FaultKind


def missing_requirements() -> str | None:
    """Why the twin cannot run here (one line), or None."""
    if os.geteuid() != 0:
        return "the lab needs root to create network namespaces (run it as root, e.g. with sudo)"
    if not SNMPD.exists():
        return "net-snmp's agent is not installed (apt-get install snmpd)"
    if not Path("/usr/sbin/sshd").exists():
        return "the OpenSSH server is not installed (apt-get install openssh-server)"
    missing = [d for d in DAEMONS if not (FRR_DIR / d).exists()]
    if missing or shutil.which("vtysh") is None:
        return "FRRouting is not installed (apt-get install frr)"
    for tool, pkg in (("ip", "iproute2"), ("unshare", "util-linux"), ("nft", "nftables"),
                      ("ssh-keygen", "openssh-client"), ("openssl", "openssl"), ("ping", "iputils-ping")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install {pkg})"
    return None


def noc_network(plan: TwinPlan) -> IPv4Network:
    """The /30 between the NOC namespace and the DC router: the first of NOC_POOL that the plan does not use."""
    used = [IPv4Network(a) for r in plan.routers for a in r.loopbacks]
    used += [a.network for lk in plan.links for p in lk.ends() for a in p.addresses()]
    used += [b.network for b in plan.bridges]
    for net in NOC_POOL.subnets(new_prefix=30):
        if not any(net.overlaps(u) for u in used):
            return net
    raise KotanetError(f"no free /30 for the NOC in {NOC_POOL}", hint="the plan uses every address of it")


def run_command(cmd: Sequence[str], stdin: str | None = None) -> str:
    """Run a command; a failure raises KotanetError with the command and its error output."""
    return _run(cmd, stdin)


def _run(cmd: Sequence[str], stdin: str | None = None) -> str:
    proc = subprocess.run(list(cmd), input=stdin, capture_output=True, text=True, check=False, timeout=120)
    if proc.returncode != 0:
        err = " ".join((proc.stderr or proc.stdout).split())[:400]
        raise KotanetError(f"`{shlex.join(cmd)}` failed: {err}", hint="see the router's log under the lab's "
                                                                      "state directory")
    return proc.stdout


class Twin:
    """One twin, found by its state directory. Build it with `Twin.up`, attach to a running one with `Twin.load`."""

    def __init__(self, plan: TwinPlan, state_dir: Path, *, ssh: bool = True) -> None:
        self.plan = plan
        self.state_dir = state_dir
        self.ssh = ssh
        self.faults: dict[str, FaultKind] = {}
        self._readers: dict[str, RouteReader] = {}
        self.dead: set[str] = set()   # sites whose router's daemons were killed

    # ---- life cycle -------------------------------------------------------------------------------------

    @classmethod
    def load(cls, state_dir: Path) -> Twin:
        path = state_dir / STATE_FILE
        if not path.exists():
            raise KotanetError(f"no lab is running from {state_dir}", hint="start one with `kotanet lab up`")
        data = json.loads(path.read_text(encoding="utf-8"))
        twin = cls(plan_from_json(data["plan"]), state_dir, ssh=bool(data.get("ssh", False)))
        twin.faults = {k: FaultKind(v) for k, v in data.get("faults", {}).items()}
        twin.dead = set(data.get("dead", []))
        return twin

    def save(self) -> None:
        data = {"plan": plan_to_json(self.plan), "faults": {k: v.value for k, v in sorted(self.faults.items())},
                "dead": sorted(self.dead), "ssh": self.ssh}
        write_atomic(self.state_dir / STATE_FILE, json.dumps(data, indent=1))

    @property
    def noc_namespace(self) -> str:
        # two dashes: a site may be called `noc` (Bogor's is), and its router's namespace is `<prefix>-noc`
        return f"{self.plan.prefix}--noc"

    def noc_port(self) -> NocPort:
        """The DC router's end of the NOC veth (rendered into its frr.conf, advertised into OSPF)."""
        net = noc_network(self.plan)
        hosts = list(net.hosts())
        return NocPort(f"{self.plan.prefix}noc", f"{hosts[0]}/{net.prefixlen}", str(hosts[1]))

    @property
    def runtime_dir(self) -> Path:
        return runtime_dir(self.state_dir, self.plan.prefix)

    def router_dir(self, router: Router) -> Path:
        """The router's frr.conf, pid files, vty and zebra sockets and log: under /run/kotanet-lab, where
        the `frr` user the daemons run as can reach them whatever the state directory's permissions."""
        return self.runtime_dir / router.namespace

    def up(self, *, progress: Callable[[str, int, int], None] | None = None) -> None:
        """Build every namespace, veth and router of the plan and start FRR. Cleans up a previous run first."""
        why = missing_requirements()
        if why:
            raise KotanetError(why)
        cleanup(self.state_dir, self.plan.prefix)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        RUNTIME_ROOT.mkdir(mode=0o755, exist_ok=True)
        self.runtime_dir.mkdir(mode=0o755)
        self.save()  # written first, so that a crash halfway is cleaned up by the next `up` or `down`
        step = progress or _no_progress
        plan = self.plan
        ns_all = plan.namespaces()
        step("namespaces", 0, len(ns_all))
        _run(["ip", "-batch", "-"], "".join(f"netns add {ns}\n" for ns in ns_all))
        _run(["ip", "-batch", "-"], "".join(
            f"link add {lk.a.ifname} netns {lk.a.namespace} type veth peer name {lk.b.ifname} netns {lk.b.namespace}\n"
            for lk in plan.links))
        step("namespaces", len(ns_all), len(ns_all))
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(self._setup_bridge, plan.bridges))
            list(pool.map(self._setup_router_links, plan.routers))
        self._setup_noc()
        if self.ssh:
            self._prepare_ssh()
        done = 0
        step("routers", 0, len(plan.routers))
        with ThreadPoolExecutor(WORKERS) as pool:
            for _ in pool.map(self._start_router, plan.routers):
                done += 1
                step("routers", done, len(plan.routers))
        self.write_addresses()

    def _setup_bridge(self, bridge: Bridge) -> None:
        lines = ["link set lo up\n", "link add br0 type bridge\n", "link set br0 up\n"]
        for lk, port in self.plan.ports_of(bridge.namespace):
            lines += [f"link set {port.ifname} alias {lk.id}\n", f"link set {port.ifname} master br0\n",
                      f"link set {port.ifname} up\n"]
        _run(["ip", "-n", bridge.namespace, "-batch", "-"], "".join(lines))

    def _setup_router_links(self, router: Router) -> None:
        lines = ["link set lo up\n"]
        lines += [f"address add {a}/32 dev lo\n" for a in router.loopbacks]
        for lk, port in self.plan.ports_of(router.namespace):
            lines += [f"link set {port.ifname} alias {lk.id}\n"]
            lines += [f"address add {a} dev {port.ifname}\n" for a in port.addresses()]
            lines.append(f"link set {port.ifname} up\n")
        _run(["ip", "-n", router.namespace, "-batch", "-"], "".join(lines))

    def _setup_noc(self) -> None:
        """The NOC namespace, joined by a veth to the DC router; its default route goes through the DC router,
        whose OSPF advertises the NOC's /30, so every router's loopback is reachable from the NOC."""
        noc = self.noc_port()
        dc = self.plan.router(self.plan.dc)
        _run(["ip", "netns", "add", self.noc_namespace])
        _run(["ip", "link", "add", noc.name, "netns", self.noc_namespace, "type", "veth", "peer", "name", noc.name,
              "netns", dc.namespace])
        net = IPv4Interface(noc.address).network
        _run(["ip", "-n", self.noc_namespace, "-batch", "-"],
             f"link set lo up\naddress add {noc.peer}/{net.prefixlen} dev {noc.name}\nlink set {noc.name} up\n"
             f"route add default via {IPv4Interface(noc.address).ip}\n")
        _run(["ip", "-n", dc.namespace, "-batch", "-"],
             f"address add {noc.address} dev {noc.name}\nlink set {noc.name} alias noc\nlink set {noc.name} up\n")

    def ifindexes(self) -> dict[tuple[str, str], int]:
        """(inventory device, interface) -> the Linux ifindex of its veth inside the router's namespace."""
        out: dict[tuple[str, str], int] = {}
        for r in self.plan.routers:
            data = json.loads(_run(["ip", "-n", r.namespace, "-j", "link", "show"]) or "[]")
            index = {str(e["ifname"]): int(e["ifindex"]) for e in data}
            for _lk, port in self.plan.ports_of(r.namespace):
                if port.device and port.interface and port.ifname in index:
                    out[(port.device, port.interface)] = index[port.ifname]
        return out

    def addresses(self) -> dict[str, Any]:
        """The monitors' address map of the twin: each routing device's loopback and SNMP port, the ifindex
        of each inventory interface that has a veth, and the NOC namespace to probe from."""
        devices = {dev: [address, 161] for dev, address in self.plan.device_addresses().items()}
        return {"noc_namespace": self.noc_namespace, "community": SNMP_COMMUNITY, "devices": devices,
                "ifindexes": [[dev, itf, idx] for (dev, itf), idx in sorted(self.ifindexes().items())]}

    def write_addresses(self) -> None:
        write_atomic(self.state_dir / ADDRESSES_FILE, json.dumps(self.addresses(), indent=1))

    def _start_router(self, router: Router) -> None:
        d = self.router_dir(router)
        d.mkdir(parents=True, exist_ok=True)
        shutil.chown(d, "frr", "frr")
        noc = self.noc_port() if router.site == self.plan.dc else None
        (d / "frr.conf").write_text(render_router(self.plan, router, d / "frr.log", noc=noc), encoding="utf-8")
        (d / "vtysh.conf").write_text("service integrated-vtysh-config\n", encoding="utf-8")
        for f in d.iterdir():
            shutil.chown(f, "frr", "frr")
        _run(["ip", "netns", "exec", router.namespace, "unshare", "--uts", "sh", "-c",
                   self.daemon_script(router)])
        deadline = time.monotonic() + 20
        while True:  # the daemons may not all listen yet when vtysh first connects
            try:
                _run(self.vtysh(router, "-b"))
                break
            except KotanetError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._start_snmpd(router)
        if self.ssh:
            self._start_sshd(router)

    def _start_snmpd(self, router: Router) -> None:
        """net-snmp's agent in the router's namespace, on its loopbacks' udp/161, read-only community `public`,
        with its own config, pid, log and persistent directory (never /var/lib/snmp). A running one (a
        revived router's) is kept."""
        d = self.router_dir(router)
        pid_file = d / "snmpd.pid"
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().strip())
            if Path(f"/proc/{pid}").exists() and not _zombie(pid):
                return
        persist = d / "snmp"
        persist.mkdir(exist_ok=True)
        conf = d / "snmpd.conf"
        listen = ",".join(f"udp:{a}:161" for a in router.loopbacks)
        conf.write_text(f"agentAddress {listen}\nrocommunity {SNMP_COMMUNITY}\nsysName {router.hostname}\n",
                        encoding="utf-8")  # the persistent directory is SNMP_PERSISTENT_DIR's
        _run(["ip", "netns", "exec", router.namespace, "env", f"SNMPCONFPATH={d}", f"SNMP_PERSISTENT_DIR={persist}",
              str(SNMPD), "-C", "-c", str(conf), "-p", str(pid_file), "-Lf", str(d / "snmpd.log"), "-M", "/dev/null",
              "-m", ""])

    # ---- sshd per router: the playbooks' netmiko transport pushes configs to vtysh over SSH ---------------

    @property
    def ssh_dir(self) -> Path:
        return self.state_dir / "ssh"

    def ssh_credentials(self) -> tuple[str, str]:
        """(username, password) of the lab's SSH login (generated by `up`, kept 0600 in the state dir)."""
        return SSH_USER, (self.ssh_dir / "password").read_text(encoding="utf-8").strip()

    def _prepare_ssh(self) -> None:
        """One host key, one generated password, and passwd/shadow files with the lab's user that each sshd
        sees through a bind mount in its own mount namespace (the host's files are not changed)."""
        d = self.ssh_dir
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_ed25519_key")])
        password = secrets.token_urlsafe(18)
        pw = d / "password"
        pw.touch(mode=0o600)
        pw.write_text(password + "\n", encoding="utf-8")
        hashed = _run(["openssl", "passwd", "-6", "-stdin"], password).strip()
        passwd = Path("/etc/passwd").read_text(encoding="utf-8")
        shadow = Path("/etc/shadow").read_text(encoding="utf-8")
        (d / "passwd").write_text(passwd + f"{SSH_USER}:x:0:0:kotanet lab:/root:/bin/sh\n", encoding="utf-8")
        sh = d / "shadow"
        sh.touch(mode=0o600)
        sh.write_text(shadow + f"{SSH_USER}:{hashed}:20000:0:99999:7:::\n", encoding="utf-8")
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation directory
        # vtysh's `ping WORD` runs `ping WORD`, which never stops: in the SSH sessions `ping` sends a count,
        # as a router's ping does (the post-checks' `ping` reads its summary line)
        shim = d / "bin" / "ping"
        shim.parent.mkdir(mode=0o755, exist_ok=True)
        shim.write_text(f'#!/bin/sh\nexec {shutil.which("ping") or "/usr/bin/ping"} -c {PING_COUNT} -i 0.2 -W 1 "$@"\n',
                        encoding="utf-8")
        shim.chmod(0o755)

    def _start_sshd(self, router: Router) -> None:
        rd = self.router_dir(router)
        d = self.ssh_dir
        cfg = rd / "sshd_config"
        cfg.write_text("\n".join([
            f"ListenAddress {router.router_id}:22", f"HostKey {d / 'host_ed25519_key'}", f"PidFile {rd / 'sshd.pid'}",
            "UsePAM no", "PasswordAuthentication yes", "KbdInteractiveAuthentication no", "PermitRootLogin yes",
            f"AllowUsers {SSH_USER}", "StrictModes no", "PrintMotd no", "PrintLastLog no",
            f"ForceCommand env PATH={d / 'bin'}:/usr/bin:/bin /usr/bin/vtysh --vty_socket {rd}", ""]),
            encoding="utf-8")
        script = (f"hostname {shlex.quote(router.hostname)} && mount --bind {d / 'passwd'} /etc/passwd && "
                  f"mount --bind {d / 'shadow'} /etc/shadow && /usr/sbin/sshd -f {cfg} -E {rd / 'sshd.log'}")
        _run(["ip", "netns", "exec", router.namespace, "unshare", "--uts", "--mount", "sh", "-c", script])

    def daemon_script(self, router: Router, daemons: Iterable[str] = DAEMONS) -> str:
        d = self.router_dir(router)
        parts = [f"hostname {shlex.quote(router.hostname)}"]
        for name in daemons:
            args = [str(FRR_DIR / name), "-d", "-P", "0", "-i", str(d / f"{name}.pid"), "-z", str(d / "zserv.api"),
                    "--vty_socket", str(d), "-u", "frr", "-g", "frr", "--log", f"file:{d / 'frr.log'}"]
            if name == "bfdd":
                args += ["--bfdctl", str(d / "bfdd.sock")]
            parts.append(shlex.join(args))
        return " && ".join(parts)

    def vtysh(self, router: Router, *args: str) -> list[str]:
        d = self.router_dir(router)
        return ["ip", "netns", "exec", router.namespace, "vtysh", "--vty_socket", str(d), "--config_dir", str(d),
                *args]

    def down(self) -> None:
        self.close()
        cleanup(self.state_dir, self.plan.prefix)

    def add_links(self, links: Iterable[TwinLink]) -> None:
        """Create veth pairs for links of a later plan (a route's new fibre): up, named and aliased, without
        addresses (the route's config, pushed over SSH, sets them)."""
        for lk in links:
            exists = subprocess.run(["ip", "-n", lk.a.namespace, "link", "show", "dev", lk.a.ifname],
                                    capture_output=True, check=False).returncode == 0
            if exists:  # left by an earlier rehearsal of this route
                continue
            _run(["ip", "link", "add", lk.a.ifname, "netns", lk.a.namespace, "type", "veth", "peer", "name",
                  lk.b.ifname, "netns", lk.b.namespace])
            for port in lk.ends():
                cmds = [f"link set {port.ifname} alias {lk.id}\n"]
                if port.address is None:
                    cmds.append(f"link set {port.ifname} master br0\n")
                cmds.append(f"link set {port.ifname} up\n")
                _run(["ip", "-n", port.namespace, "-batch", "-"], "".join(cmds))

    def unplug(self, link_id: str) -> None:
        """Take a link's veth ends down without recording a fault (a fibre moved elsewhere by a route)."""
        for port in self.plan.link(link_id).router_ports():
            _run(["ip", "-n", port.namespace, "link", "set", "dev", port.ifname, "down"])

    def plug(self, link_id: str) -> None:
        for port in self.plan.link(link_id).router_ports():
            _run(["ip", "-n", port.namespace, "link", "set", "dev", port.ifname, "up"])

    def add_bridges(self, bridges: Iterable[Bridge]) -> None:
        """Create the namespaces of manholes that a later plan splices fibre through."""
        have = set(list_namespaces())
        for b in bridges:
            if b.namespace in have:
                continue
            _run(["ip", "netns", "add", b.namespace])
            _run(["ip", "-n", b.namespace, "-batch", "-"],
                 "link set lo up\nlink add br0 type bridge\nlink set br0 up\n")

    def replan(self, plan: TwinPlan) -> None:
        """The twin now stands for `plan` (after a route was applied); its expected routes follow."""
        self.plan = plan
        self.save()

    # ---- routes and convergence ------------------------------------------------------------------------

    def kernel_routes(self) -> Routes:
        """Every router's OSPF host routes, read over netlink sockets kept open (one per namespace)."""
        out: Routes = {}
        for r in self.plan.routers:
            reader = self._readers.get(r.namespace)
            if reader is None:
                reader = self._readers[r.namespace] = RouteReader(r.namespace)
            out[r.namespace] = reader.ospf_routes()
        return out

    def kernel_routes_ip(self, router: Router) -> dict[str, frozenset[NextHop]]:
        """One router's OSPF host routes as `ip -j route show proto ospf` prints them."""
        return parse_routes(_run(["ip", "-n", router.namespace, "-j", "route", "show", "proto", "ospf"]))

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()

    def expected(self) -> Routes:
        return expected_routes(self.plan, down=set(self.faults), dead=self.dead)

    def route_diffs(self) -> list[RouteDiff]:
        return diff_routes(self.expected(), self.kernel_routes())

    def missing_namespaces(self) -> list[str]:
        have = set(list_namespaces())
        return [ns for ns in self.plan.namespaces() if ns not in have]

    def wait_converged(self, timeout: float = 60.0, *, poll: float = 0.05) -> tuple[float, list[RouteDiff]]:
        """Poll the kernels until their OSPF routes are the expected ones. Returns (seconds, remaining diffs):
        an empty list means converged."""
        start = time.monotonic()
        expected = self.expected()
        while True:
            diffs = diff_routes(expected, self.kernel_routes())
            now = time.monotonic()
            if not diffs or now - start > timeout:
                return now - start, diffs
            time.sleep(poll)

    # ---- faults -----------------------------------------------------------------------------------------

    def _router_port(self, lk: TwinLink) -> Port:
        return lk.a if lk.a.address is not None else lk.b

    def fail(self, link_id: str) -> None:
        lk = self.plan.link(link_id)
        port = self._router_port(lk)
        _run(["ip", "-n", port.namespace, "link", "set", "dev", port.ifname, "down"])
        self.faults[link_id] = FaultKind.FAIL
        self.save()

    def degrade(self, link_id: str, link: TwinLink | None = None) -> None:
        """`link`: a link of a later plan (a route's new fibre, before the twin stands for that plan)."""
        lk = link or self.plan.link(link_id)
        for port in lk.ends():
            table = f"kn{lk.number}{port.ifname[-1]}"
            _run(["ip", "netns", "exec", port.namespace, "nft", "-f", "-"],
                      f"table netdev {table} {{\n chain kotanet {{\n  type filter hook ingress device "
                      f"\"{port.ifname}\" priority 0; policy drop;\n }}\n}}\n")
        self.faults[link_id] = FaultKind.DEGRADE
        self.save()

    def restore(self, link_id: str) -> None:
        lk = self.plan.link(link_id)
        for port in lk.ends():
            table = f"kn{lk.number}{port.ifname[-1]}"
            with contextlib.suppress(KotanetError):
                _run(["ip", "netns", "exec", port.namespace, "nft", "delete", "table", "netdev", table])
        port = self._router_port(lk)
        _run(["ip", "-n", port.namespace, "link", "set", "dev", port.ifname, "up"])
        self.faults.pop(link_id, None)
        self.save()

    def kill_router(self, site: str) -> None:
        """Kill every FRR daemon of one router (a crash): its routes go, and its neighbours' dead timers fire."""
        router = self.plan.router(site)
        for name in DAEMONS:
            pid_file = self.router_dir(router) / f"{name}.pid"
            with contextlib.suppress(OSError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
        self.dead.add(site)
        self.save()

    def revive_router(self, site: str) -> None:
        """Start a killed router's daemons again, with its rendered config."""
        router = self.plan.router(site)
        _run(["ip", "-n", router.namespace, "route", "flush", "proto", "ospf"])
        self._start_router(router)
        self.dead.discard(site)
        self.save()

    # ---- status -----------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        running = set(list_namespaces())
        routers = []
        for r in self.plan.routers:
            pids = namespace_pids(r.namespace) if r.namespace in running else []
            routers.append({"site": r.site, "namespace": r.namespace, "router_id": str(r.router_id),
                            "running": r.namespace in running, "processes": len(pids)})
        return {"state_dir": str(self.state_dir), "routers": routers,
                "bridges": [b.namespace for b in self.plan.bridges],
                "links": len(self.plan.links),
                "skipped": [{"link": s.link, "reason": s.reason.value, "detail": s.detail} for s in self.plan.skipped],
                "faults": {k: v.value for k, v in sorted(self.faults.items())}, "dead": sorted(self.dead)}

    def memory_kib(self) -> int:
        """Memory of every process in the lab's namespaces (KiB): the proportional set size, so that the
        shared FRR libraries count once, not once per daemon."""
        total = 0
        for ns in self.plan.namespaces():
            for pid in namespace_pids(ns):
                with contextlib.suppress(OSError):
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                            break
        return total


def _no_progress(what: str, done: int, total: int) -> None:
    del what, done, total


def list_namespaces() -> list[str]:
    proc = subprocess.run(["ip", "-j", "netns", "list"], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        return []
    return [str(e["name"]) for e in json.loads(proc.stdout)]


def namespace_pids(ns: str) -> list[int]:
    proc = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True, check=False)
    return [int(p) for p in proc.stdout.split() if p.isdigit()]


def cleanup(state_dir: Path, prefix: str) -> list[str]:
    """Remove what a lab with this state directory and prefix made: processes in its namespaces, the
    namespaces (those in its state file, and any `<prefix>-*` left by a crash), and the state directory."""
    names: set[str] = set()
    path = state_dir / STATE_FILE
    if path.exists():
        with contextlib.suppress(ValueError, KeyError, OSError):
            names |= set(plan_from_json(json.loads(path.read_text(encoding="utf-8"))["plan"]).namespaces())
    names |= {n for n in list_namespaces() if n.startswith(f"{prefix}-")}
    existing = set(list_namespaces())
    names &= existing
    pids = [p for ns in sorted(names) for p in namespace_pids(ns)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, sig)
        deadline = time.monotonic() + 3
        while pids and time.monotonic() < deadline:
            pids = [p for p in pids if Path(f"/proc/{p}").exists() and not _zombie(p)]
            if pids:
                time.sleep(0.02)
        if not pids:
            break
    if names:
        subprocess.run(["ip", "-batch", "-"], input="".join(f"netns del {n}\n" for n in sorted(names)),
                       capture_output=True, text=True, check=False)
    for d in (state_dir, runtime_dir(state_dir, prefix)):
        if d.exists():
            shutil.rmtree(d, ignore_errors=True)
    return sorted(names)


RUNTIME_ROOT = Path("/run/kotanet-lab")


def runtime_dir(state_dir: Path, prefix: str) -> Path:
    """The lab's directory under /run/kotanet-lab: one per state directory and prefix."""
    digest = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:10]
    return RUNTIME_ROOT / f"{prefix}-{digest}"


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


# ---- (de)serialising the plan, so that `status`, `fail` and `down` work from another process ------------

def plan_to_json(plan: TwinPlan) -> dict[str, Any]:
    def port(p: Port) -> dict[str, Any]:
        return {"site": p.site, "namespace": p.namespace, "ifname": p.ifname,
                "address": str(p.address) if p.address else None, "device": p.device, "interface": p.interface,
                "extra": [str(a) for a in p.extra]}
    return {
        "prefix": plan.prefix, "dc": plan.dc,
        "routers": [{"site": r.site, "namespace": r.namespace, "hostname": r.hostname, "router_id": str(r.router_id),
                     "loopbacks": [str(a) for a in r.loopbacks], "devices": list(r.devices)} for r in plan.routers],
        "bridges": [{"site": b.site, "namespace": b.namespace, "network": str(b.network)} for b in plan.bridges],
        "links": [{"id": lk.id, "number": lk.number, "medium": lk.medium.value, "cost": lk.cost, "a": port(lk.a),
                   "b": port(lk.b), "network_type": lk.network_type.value, "segment": lk.segment}
                  for lk in plan.links],
        "skipped": [{"link": s.link, "reason": s.reason.value, "detail": s.detail} for s in plan.skipped],
        "state": {"up": sorted(plan.state.up), "backup": sorted(plan.state.backup),
                  "applied": list(plan.state.applied)},
    }


def plan_from_json(data: dict[str, Any]) -> TwinPlan:
    def port(p: dict[str, Any]) -> Port:
        return Port(p["site"], p["namespace"], p["ifname"], IPv4Interface(p["address"]) if p["address"] else None,
                    p["device"], p["interface"], tuple(IPv4Interface(a) for a in p.get("extra", ())))
    st = data["state"]
    return TwinPlan(
        prefix=data["prefix"], dc=data["dc"],
        routers=tuple(Router(r["site"], r["namespace"], r["hostname"], IPv4Address(r["router_id"]),
                             tuple(IPv4Address(a) for a in r["loopbacks"]), tuple(r["devices"]))
                      for r in data["routers"]),
        bridges=tuple(Bridge(b["site"], b["namespace"], IPv4Network(b["network"])) for b in data["bridges"]),
        links=tuple(TwinLink(lk["id"], lk["number"], LinkMedium(lk["medium"]), lk["cost"], port(lk["a"]),
                             port(lk["b"]), NetworkType(lk["network_type"]), lk["segment"]) for lk in data["links"]),
        skipped=tuple(Skipped(s["link"], SkipReason(s["reason"]), s["detail"]) for s in data["skipped"]),
        state=NetworkState(up=frozenset(st["up"]), backup=frozenset(st["backup"]), applied=tuple(st["applied"])),
    )

