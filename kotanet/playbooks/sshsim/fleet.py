"""The simulated fleet: one config model per device, built from the inventory, and the network between them.

Pure (no sockets): the SSH server (`kotanet.playbooks.sshsim.server`) and the memory transport both drive
the shells this module opens. What the post-checks see follows from every device's running config:

- an interface is up when it is not shut down, no fault holds it down, and some peer interface on the same
  cable is up too. Cables come from the inventory's links (active or planned: the new fibre is laid before
  its config is pushed), through passive splice closures; a port without a link is up when enabled.
- OSPF lists a neighbour on an up interface when both ends run OSPF there and share a subnet.
- a ping succeeds when some device owns the address on an up interface and a path of up, addressed
  interfaces joins the two devices.
- counters grow on up interfaces each time they are read.

Devices of the inventory that are not simulated keep their inventory state (enabled interfaces, OSPF on
their active links), so a route's devices can be simulated alone.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface

from kotanet.errors import KotanetError
from kotanet.inventory.choices import InterfaceKind, LinkMedium, LinkStatus, Platform
from kotanet.inventory.models import Device, Inventory, Link
from kotanet.playbooks.sshsim.base import ConfigView, Counters, DeviceState, Neighbour, Shell
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.sshsim.ios import IosConfig, IosShell
from kotanet.playbooks.sshsim.junos import JunosConfig, JunosShell
from kotanet.playbooks.sshsim.routeros import RosInterface, RouterosConfig, RouterosShell, quote
from kotanet.topology.graph import DEFAULT_COSTS

__all__ = ["SIMULATED_PLATFORMS", "Fleet", "initial_config_lines"]

SIMULATED_PLATFORMS = (Platform.IOS, Platform.ROUTEROS, Platform.JUNOS)
_CABLED = (LinkStatus.ACTIVE, LinkStatus.PLANNED)

Port = tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Static:
    """An inventory device that is not simulated: its interfaces as the inventory says."""

    device: Device

    def admin_up(self, ifname: str) -> bool:
        itf = self.device.interface(ifname)
        return itf is not None and itf.enabled

    def addresses(self, ifname: str) -> list[IPv4Interface]:
        itf = self.device.interface(ifname)
        return list(itf.addresses) if itf is not None else []


def _mask(addr: IPv4Interface) -> str:
    return str(addr.netmask)


def _link_descr(lk: Link, near: str) -> str:
    far = lk.b if lk.a.device == near else lk.a
    kind = "FIBRE" if lk.medium is LinkMedium.FIBRE else "RADIO" if lk.medium.is_radio else "LINK"
    return f"{kind} {lk.id} to {far.device} {far.interface}"


def initial_config_lines(inv: Inventory, dev: Device) -> list[str]:
    """The commands that give a device its starting config: hostname, interfaces with their descriptions
    and addresses, OSPF on the active links, and an old management baseline (the route configs replace it).
    """
    links: dict[str, Link] = {}
    for lk in inv.links:
        if lk.status is LinkStatus.ACTIVE:
            for end in (lk.a, lk.b):
                if end.device == dev.id:
                    links[end.interface] = lk
    rid = str(dev.mgmt_ip) if dev.mgmt_ip else None
    if dev.platform is Platform.IOS:
        return _ios_lines(dev, links, rid)
    if dev.platform is Platform.ROUTEROS:
        return _ros_lines(dev, links, rid)
    if dev.platform is Platform.JUNOS:
        return _junos_lines(dev, links, rid)
    raise KotanetError(f"device {dev.id}: no simulated shell for platform {dev.platform.value}",
                       hint=f"simulated platforms: {', '.join(p.value for p in SIMULATED_PLATFORMS)}")


def _ios_lines(dev: Device, links: Mapping[str, Link], rid: str | None) -> list[str]:
    out = [f"hostname {dev.id}"]
    ospf_ifs: list[str] = []
    for itf in dev.interfaces:
        out.append(f"interface {itf.name}")
        lk = links.get(itf.name)
        descr = itf.description or (_link_descr(lk, dev.id) if lk else "")
        if descr:
            out.append(f" description {descr}")
        if itf.mtu:
            out.append(f" mtu {itf.mtu}")
        if itf.addresses:
            a = itf.addresses[0]
            out.append(f" ip address {a.ip} {_mask(a)}")
            if lk is not None:
                if a.network.prefixlen >= 30:
                    out.append(" ip ospf network point-to-point")
                out.append(" ip ospf 1 area 0.0.0.0")
                out.append(f" ip ospf cost {DEFAULT_COSTS[lk.medium]}")
                ospf_ifs.append(itf.name)
        out.append(" no shutdown" if itf.enabled else " shutdown")
        out.append(" exit")
    if rid:
        out += ["interface Loopback0", f" ip address {rid} 255.255.255.255", " exit"]
    out.append("router ospf 1")
    if rid:
        out.append(f" router-id {rid}")
    out.append(" passive-interface default")
    out += [f" no passive-interface {name}" for name in ospf_ifs]
    out += [" exit", "snmp-server community public RO", "logging trap warnings"]
    return out


def _ros_lines(dev: Device, links: Mapping[str, Link], rid: str | None) -> list[str]:
    out = [f"/system identity set name={dev.id}"]
    for itf in dev.interfaces:
        menu = "/interface wireless" if itf.kind is InterfaceKind.WIRELESS else "/interface ethernet"
        lk = links.get(itf.name)
        descr = itf.description or (_link_descr(lk, dev.id) if lk else "")
        attrs = []
        if descr:
            attrs.append(f"comment={quote(descr)}")
        if not itf.enabled:
            attrs.append("disabled=yes")
        if itf.mtu:
            attrs.append(f"mtu={itf.mtu}")
        if attrs:
            out.append(f"{menu} set [ find default-name={itf.name} ] {' '.join(attrs)}")
    out.append(f"/routing ospf instance add name=default-v2{f' router-id={rid}' if rid else ''}")
    out.append("/routing ospf area add name=backbone area-id=0.0.0.0 instance=default-v2")
    for itf in dev.interfaces:
        for a in itf.addresses:
            out.append(f"/ip address add address={a.with_prefixlen} interface={itf.name}")
    for itf in dev.interfaces:
        lk = links.get(itf.name)
        if lk is not None and itf.addresses:
            ptp = " type=ptp" if itf.addresses[0].network.prefixlen >= 30 else ""
            out.append(f"/routing ospf interface-template add area=backbone interfaces={itf.name}{ptp} "
                       f"cost={DEFAULT_COSTS[lk.medium]}")
    out.append("/snmp set enabled=yes")
    return out


def _junos_lines(dev: Device, links: Mapping[str, Link], rid: str | None) -> list[str]:
    out = ["configure", f"set system host-name {dev.id}"]
    for itf in dev.interfaces:
        lk = links.get(itf.name)
        descr = itf.description or (_link_descr(lk, dev.id) if lk else "")
        if descr:
            out.append(f'set interfaces {itf.name} description "{descr}"')
        if not itf.enabled:
            out.append(f"set interfaces {itf.name} disable")
        for a in itf.addresses:
            out.append(f"set interfaces {itf.name} unit 0 family inet address {a.with_prefixlen}")
    if rid:
        out.append(f"set routing-options router-id {rid}")
    for itf in dev.interfaces:
        lk = links.get(itf.name)
        if lk is not None and itf.addresses:
            base = f"set protocols ospf area 0.0.0.0 interface {itf.name}.0"
            if itf.addresses[0].network.prefixlen >= 30:
                out.append(f"{base} interface-type p2p")
            out.append(f"{base} metric {DEFAULT_COSTS[lk.medium]}")
    out += ["set snmp community public authorization read-only", "commit", "exit configuration-mode"]
    return out


_REFUSED = re.compile(r"invalid input|incomplete command|syntax error|unknown command|bad command name|"
                      r"expected end of command|invalid value|does not match|failure:|error:", re.I)


class Fleet:
    """Simulated devices (config, faults) and the network between them. Thread-safe through `lock`."""

    def __init__(self, inv: Inventory, devices: Iterable[str] | None = None, *,
                 faults: Mapping[str, DeviceFaults] | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.inv = inv
        self.lock = threading.RLock()
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        by_id = {d.id: d for d in inv.devices}
        if devices is None:
            names = [d.id for d in inv.devices if d.platform in SIMULATED_PLATFORMS]
        else:
            names = list(devices)
            unknown = [n for n in names if n not in by_id]
            if unknown:
                raise KotanetError(f"cannot simulate {', '.join(unknown)}: not in the inventory",
                                   hint="give device ids from devices.yaml")
            other = [n for n in names if by_id[n].platform not in SIMULATED_PLATFORMS]
            if other:
                raise KotanetError(f"cannot simulate {', '.join(other)}: no shell for their platform",
                                   hint=f"simulated platforms: {', '.join(p.value for p in SIMULATED_PLATFORMS)}")
        self.states: dict[str, DeviceState] = {}
        for name in names:
            dev = by_id[name]
            self.states[name] = DeviceState(name=name, platform=dev.platform, config=self._boot(dev),
                                            faults=(faults or {}).get(name, DeviceFaults()), model=dev.model)
        unknown_faults = sorted(set(faults or {}) - set(self.states))
        if unknown_faults:
            raise KotanetError(f"faults given for {', '.join(unknown_faults)}, which are not simulated",
                               hint="name simulated devices only")
        self._static = {d.id: _Static(d) for d in inv.devices if d.id not in self.states}
        self._passive = {d.id for d in inv.devices if d.platform is Platform.PASSIVE}
        self._cables = self._build_cables()
        self._counters: dict[Port, list[int]] = {}

    # -- building -----------------------------------------------------------------------------------
    def _boot(self, dev: Device) -> ConfigView:
        cfg: ConfigView
        state = DeviceState(name=dev.id, platform=dev.platform, config=IosConfig(dev.id), model=dev.model)
        shell: Shell
        if dev.platform is Platform.IOS:
            cfg = IosConfig(dev.id)
            for itf in dev.interfaces:
                cfg.interfaces[itf.name] = {"shutdown": "shutdown"}
            state.config = cfg
            shell = IosShell(state, self, enable_secret="", privileged=True)
            shell.handle("configure terminal")
        elif dev.platform is Platform.ROUTEROS:
            cfg = RouterosConfig(dev.id)
            for itf in dev.interfaces:
                cfg.interfaces.append(RosInterface(itf.name, "wlan" if itf.kind is InterfaceKind.WIRELESS
                                                   else "ether"))
            state.config = cfg
            shell = RouterosShell(state, self, user="admin")
        else:
            cfg = JunosConfig(dev.id, [itf.name for itf in dev.interfaces])
            state.config = cfg
            shell = JunosShell(state, self, user="admin")
        for line in initial_config_lines(self.inv, dev):
            reply = shell.handle(line)
            if _REFUSED.search(reply.output):
                raise KotanetError(f"device {dev.id}: the simulator refused its own start-up line {line!r}: "
                                   f"{reply.output.strip()}", hint="a bug in kotanet.playbooks.sshsim")
        return cfg

    def _build_cables(self) -> dict[Port, list[Port]]:
        """Port -> the ports at the other end of its cable, through passive splice closures."""
        direct: dict[Port, list[Port]] = {}
        for lk in self.inv.links:
            if lk.status not in _CABLED:
                continue
            a, b = (lk.a.device, lk.a.interface), (lk.b.device, lk.b.interface)
            direct.setdefault(a, []).append(b)
            direct.setdefault(b, []).append(a)
        passive_ports: dict[str, list[Port]] = {}
        for port in direct:
            if port[0] in self._passive:
                passive_ports.setdefault(port[0], []).append(port)
        out: dict[Port, list[Port]] = {}
        for port, peers in direct.items():
            if port[0] in self._passive:
                continue
            far: list[Port] = []
            for p in peers:
                if p[0] in self._passive:
                    for pp in passive_ports.get(p[0], []):
                        far.extend(x for x in direct[pp] if x[0] not in self._passive and x != port)
                else:
                    far.append(p)
            out[port] = far
        return out

    # -- per-device facts ---------------------------------------------------------------------------
    def _admin_up(self, port: Port) -> bool:
        state = self.states.get(port[0])
        if state is not None:
            return state.config.admin_up(port[1]) and port[1] not in state.faults.down_interfaces
        static = self._static.get(port[0])
        return static is not None and static.admin_up(port[1])

    def _addresses(self, port: Port) -> list[IPv4Interface]:
        state = self.states.get(port[0])
        if state is not None:
            return state.config.addresses(port[1])
        static = self._static.get(port[0])
        return static.addresses(port[1]) if static is not None else []

    def _ospf(self, port: Port) -> bool:
        state = self.states.get(port[0])
        if state is not None:
            return state.config.ospf_enabled(port[1])
        return any(lk.status is LinkStatus.ACTIVE and port in ((lk.a.device, lk.a.interface),
                                                               (lk.b.device, lk.b.interface))
                   for lk in self.inv.links)

    def _router_id(self, device: str) -> str:
        state = self.states.get(device)
        rid = state.config.router_id() if state is not None else None
        if rid:
            return rid
        dev = self.inv.device(device)
        return str(dev.mgmt_ip) if dev is not None and dev.mgmt_ip else "0.0.0.0"

    def _interfaces(self, device: str) -> list[str]:
        state = self.states.get(device)
        if state is not None:
            return state.config.interface_names()
        static = self._static.get(device)
        return [i.name for i in static.device.interfaces] if static is not None else []

    # -- Network ------------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return self._clock()

    def oper_up(self, device: str, ifname: str) -> bool:
        with self.lock:
            port = (device, ifname)
            if not self._admin_up(port):
                return False
            peers = self._cables.get(port)
            if peers is None:
                return True  # a LAN port or a loopback: up when enabled
            return any(self._admin_up(p) for p in peers)

    def _up_peers(self, port: Port) -> list[Port]:
        if not self.oper_up(*port):
            return []
        return [p for p in self._cables.get(port, []) if self.oper_up(*p)]

    @staticmethod
    def _shared(a: list[IPv4Interface], b: list[IPv4Interface]) -> IPv4Interface | None:
        for x in a:
            for y in b:
                if x.network == y.network and x.ip != y.ip:
                    return y
        return None

    def neighbours(self, device: str) -> list[Neighbour]:
        with self.lock:
            out: list[Neighbour] = []
            for ifname in self._interfaces(device):
                port = (device, ifname)
                if not self._ospf(port):
                    continue
                for peer in self._up_peers(port):
                    far = self._shared(self._addresses(port), self._addresses(peer))
                    if far is not None and self._ospf(peer):
                        out.append(Neighbour(ifname, self._router_id(peer[0]), str(far.ip)))
            return out

    def ping(self, device: str, address: IPv4Address) -> bool:
        with self.lock:
            owners = {name for name in [*self.states, *self._static]
                      for ifname in self._interfaces(name)
                      if any(a.ip == address for a in self._addresses((name, ifname)))
                      and self.oper_up(name, ifname)}
            if not owners:
                return False
            seen = {device}
            queue = deque([device])
            while queue:
                cur = queue.popleft()
                if cur in owners:
                    return True
                for ifname in self._interfaces(cur):
                    port = (cur, ifname)
                    for peer in self._up_peers(port):
                        if peer[0] not in seen and self._shared(self._addresses(port), self._addresses(peer)):
                            seen.add(peer[0])
                            queue.append(peer[0])
            return False

    def counters(self, device: str, ifname: str) -> Counters:
        with self.lock:
            c = self._counters.setdefault((device, ifname), [0, 0])
            if self.oper_up(device, ifname):
                c[0] += 1000 + (len(ifname) * 37) % 100
                c[1] += 900 + (len(device) * 53) % 100
            return Counters(c[0], c[1], c[0] * 612, c[1] * 540)

    # -- sessions -----------------------------------------------------------------------------------
    def shell(self, device: str, *, user: str, enable_secret: str) -> Shell:
        state = self.states[device]
        if state.platform is Platform.IOS:
            return IosShell(state, self, enable_secret=enable_secret)
        if state.platform is Platform.ROUTEROS:
            return RouterosShell(state, self, user=user)
        return JunosShell(state, self, user=user)

    def expire_confirms(self, at: dt.datetime | None = None) -> list[str]:
        """Roll back every Junos `commit confirmed` whose time is up (at `at`, default now); their names."""
        now = at or self.now()
        with self.lock:
            return [name for name, st in self.states.items()
                    if isinstance(st.config, JunosConfig) and st.config.expire_confirm(now)]

    def running_config(self, device: str) -> str:
        with self.lock:
            state = self.states.get(device)
            if state is None:
                raise KotanetError(f"device {device} is not simulated",
                                   hint=f"simulated: {', '.join(sorted(self.states))}")
            return state.config.render()

    def set_faults(self, device: str, faults: DeviceFaults) -> None:
        with self.lock:
            if device not in self.states:
                raise KotanetError(f"device {device} is not simulated",
                                   hint=f"simulated: {', '.join(sorted(self.states))}")
            self.states[device].faults = faults
