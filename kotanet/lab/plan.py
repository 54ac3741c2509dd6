"""Plan the digital twin from the inventory. Pure: no namespaces, no processes.

One router (one network namespace) per site with a routing device (core, distribution or access router):
the DC's two core routers are one router, as the site graph of `kotanet.topology` treats them. A manhole
(a passive site with a splice closure) becomes a namespace holding a Linux bridge, so the fibres spliced
through it share one segment, as they share the manhole's cable in the site graph. Every link that is up in
the given network state becomes a veth pair; a link with an end at a site that has neither a router nor a
splice closure (e.g. a tower with only a radio) is reported in `skipped`.

Addresses: a router's loopback is the management address of its site's main routing device (the address
the monitors poll), else the next free /32 of `settings.loopback_pool`. A link keeps the /30 its two
interfaces carry in the inventory; a new link takes the migration plan's /30 when one is given; any other
link takes the next free /30 of `settings.p2p_pool`. A manhole segment keeps its ports' addresses when they
share one subnet with room for all of them, else takes a free /28.

Interface names are at most 15 characters: `kn` + the link's position in links.yaml + the medium's letter
(`f` fibre, `r` 5.8 GHz radio, `w` 2.4 GHz radio, `l` leased line) + the side (`a`/`b`); the link's id is
set as the interface's alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from kotanet.errors import KotanetError
from kotanet.inventory.choices import DeviceRole, LinkMedium, Platform
from kotanet.inventory.models import Device, Inventory, Link
from kotanet.topology.addressing import P2pAssignment, used_networks
from kotanet.topology.graph import DEFAULT_COSTS, NetworkState, dc_site, state_today

__all__ = [
    "IFNAME_MAX",
    "MEDIUM_LETTER",
    "Bridge",
    "NetworkType",
    "Port",
    "Router",
    "SkipReason",
    "Skipped",
    "TwinLink",
    "TwinPlan",
    "namespace_name",
    "plan_twin",
]

IFNAME_MAX = 15
NETNS_MAX = 60
MEDIUM_LETTER: dict[LinkMedium, str] = {
    LinkMedium.FIBRE: "f",
    LinkMedium.RADIO_5_8: "r",
    LinkMedium.RADIO_2_4: "w",
    LinkMedium.LEASED_LINE: "l",
}
_ROLE_ORDER = {DeviceRole.CORE_ROUTER: 0, DeviceRole.DISTRIBUTION_ROUTER: 1, DeviceRole.ACCESS_ROUTER: 2}
_PREFIX = re.compile(r"^[a-z][a-z0-9]{0,5}$")


class NetworkType(StrEnum):
    POINT_TO_POINT = "point-to-point"
    BROADCAST = "broadcast"


class SkipReason(StrEnum):
    NO_ROUTER = "no-router"      # an end's site has no routing device and no splice closure
    SAME_SITE = "same-site"      # both ends in one site: inside one router of the twin


@dataclass(frozen=True, slots=True)
class Router:
    site: str
    namespace: str
    hostname: str
    router_id: IPv4Address
    loopbacks: tuple[IPv4Address, ...]     # the router id first, then the site's other routing devices
    devices: tuple[str, ...]               # the inventory's routing devices at the site


@dataclass(frozen=True, slots=True)
class Bridge:
    """A manhole: a bridge in its own namespace joining the fibres spliced through it."""

    site: str
    namespace: str
    network: IPv4Network


@dataclass(frozen=True, slots=True)
class Port:
    """One end of a veth pair. On a bridge the port has no address."""

    site: str
    namespace: str
    ifname: str
    address: IPv4Interface | None
    device: str
    interface: str                 # the inventory interface this end stands for
    # more addresses on a manhole segment: the closure-side /30 of a fibre spliced through to this port
    extra: tuple[IPv4Interface, ...] = ()

    def addresses(self) -> tuple[IPv4Interface, ...]:
        return () if self.address is None else (self.address, *self.extra)


@dataclass(frozen=True, slots=True)
class TwinLink:
    id: str
    number: int
    medium: LinkMedium
    cost: int
    a: Port
    b: Port
    network_type: NetworkType
    segment: str | None = None     # the manhole (bridge) site, when one end is a bridge

    def ends(self) -> tuple[Port, Port]:
        return (self.a, self.b)

    def router_ports(self) -> tuple[Port, ...]:
        return tuple(p for p in (self.a, self.b) if p.address is not None)


@dataclass(frozen=True, slots=True)
class Skipped:
    link: str
    reason: SkipReason
    detail: str


@dataclass(frozen=True, slots=True)
class TwinPlan:
    prefix: str
    dc: str
    routers: tuple[Router, ...]
    bridges: tuple[Bridge, ...]
    links: tuple[TwinLink, ...]
    skipped: tuple[Skipped, ...]
    state: NetworkState = field(default_factory=lambda: NetworkState(up=frozenset()))

    def router(self, site: str) -> Router:
        for r in self.routers:
            if r.site == site:
                return r
        raise KotanetError(f"site {site!r} has no router in the twin",
                           hint="sites with a core, distribution or access router get one")

    def link(self, link_id: str) -> TwinLink:
        for lk in self.links:
            if lk.id == link_id:
                return lk
        raise KotanetError(f"link {link_id!r} is not in the twin",
                           hint="`kotanet lab status` lists the twin's links (only links that are up are built)")

    def namespaces(self) -> tuple[str, ...]:
        return tuple(r.namespace for r in self.routers) + tuple(b.namespace for b in self.bridges)

    def ports_of(self, namespace: str) -> list[tuple[TwinLink, Port]]:
        return [(lk, p) for lk in self.links for p in lk.ends() if p.namespace == namespace]

    def device_addresses(self) -> dict[str, str]:
        """Inventory device id -> the address it answers on in the twin: its router's loopback for it (the
        device's management address where the inventory has one), else the router id."""
        return {dev: str(r.loopbacks[i] if i < len(r.loopbacks) else r.router_id)
                for r in self.routers for i, dev in enumerate(r.devices)}


def namespace_name(prefix: str, site: str) -> str:
    """`<prefix>-<site>`, shortened with a stable suffix when the site id is long."""
    name = f"{prefix}-{site}"
    if len(name) <= NETNS_MAX:
        return name
    digest = sum((i + 1) * ord(c) for i, c in enumerate(site)) % 0xFFFF
    return f"{name[:NETNS_MAX - 5]}-{digest:04x}"


def _routing(d: Device) -> bool:
    return d.role.routing and d.platform is not Platform.PASSIVE


def _free(pool: IPv4Network, prefixlen: int, taken: list[IPv4Network]) -> IPv4Network:
    for net in pool.subnets(new_prefix=prefixlen):
        if not any(net.overlaps(t) for t in taken):
            taken.append(net)
            return net
    raise KotanetError(f"the pool {pool} has no free /{prefixlen} left for the twin",
                       hint="widen settings.p2p_pool or settings.loopback_pool in inventory.yaml")


def plan_twin(inv: Inventory, state: NetworkState | None = None, *, prefix: str = "kn",
              route_addressing: Iterable[P2pAssignment] = ()) -> TwinPlan:
    """The twin of `inv` in `state` (default: today's network). `route_addressing`: the migration plan's
    /30s for new links (`RoutePlan.addressing`), so that the rendered route configs fit the twin."""
    if not _PREFIX.match(prefix):
        raise KotanetError(f"lab prefix {prefix!r} is not valid", hint="use 1-6 lowercase letters or digits, "
                                                                        "starting with a letter, e.g. kn")
    state = state or state_today(inv)
    dc = dc_site(inv)
    devices = {d.id: d for d in inv.devices}
    by_site: dict[str, list[Device]] = {}
    for d in inv.devices:
        if _routing(d):
            by_site.setdefault(d.site, []).append(d)
    splice_sites = {d.site for d in inv.devices if d.platform is Platform.PASSIVE} - set(by_site)
    if dc not in by_site:
        raise KotanetError(f"the data centre site {dc!r} has no routing device", hint="the twin is built around "
                                                                                       "the DC's router; add one")
    taken = list(used_networks(inv))
    given = {pa.link: pa for pa in route_addressing}
    taken += [pa.network for pa in given.values()]

    routers: list[Router] = []
    used_ids: set[IPv4Address] = set()
    site_names = {s.id: s.name for s in inv.sites}
    for site in sorted(by_site):
        devs = sorted(by_site[site], key=lambda d: (_ROLE_ORDER.get(d.role, 9), d.id))
        loops: list[IPv4Address] = []
        for d in devs:
            if d.mgmt_ip is not None and d.mgmt_ip not in used_ids:
                loops.append(d.mgmt_ip)
                used_ids.add(d.mgmt_ip)
        if not loops:
            net = _free(inv.settings.loopback_pool, 32, taken)
            loops.append(net.network_address)
            used_ids.add(net.network_address)
        routers.append(Router(site=site, namespace=namespace_name(prefix, site), hostname=site,
                              router_id=loops[0], loopbacks=tuple(loops), devices=tuple(d.id for d in devs)))
    del site_names

    skipped: list[Skipped] = []
    kept: list[Link] = []
    for lk in inv.links:
        if lk.id not in state.up:
            continue
        sa, sb = devices[lk.a.device].site, devices[lk.b.device].site
        if sa == sb:
            skipped.append(Skipped(lk.id, SkipReason.SAME_SITE, f"both ends at {sa}"))
            continue
        missing = [s for s in (sa, sb) if s not in by_site and s not in splice_sites]
        both_splices = sa in splice_sites and sb in splice_sites
        if missing or both_splices:
            what = ", ".join(missing) if missing else f"{sa} and {sb}"
            skipped.append(Skipped(lk.id, SkipReason.NO_ROUTER, f"no routing device at {what}"))
            continue
        kept.append(lk)

    # Manhole segments: which links reach each splice site, and one subnet per segment.
    seg_links: dict[str, list[Link]] = {}
    for lk in kept:
        for ep in (lk.a, lk.b):
            s = devices[ep.device].site
            if s in splice_sites:
                seg_links.setdefault(s, []).append(lk)
    bridges: list[Bridge] = []
    seg_addr: dict[tuple[str, str], IPv4Interface] = {}   # (link, router site) -> address on the segment
    for site in sorted(seg_links):
        lks = seg_links[site]
        far = []
        for lk in lks:
            ep = lk.b if devices[lk.a.device].site == site else lk.a
            itf = devices[ep.device].interface(ep.interface)
            far.append((lk, devices[ep.device].site, itf.addresses[0] if itf and itf.addresses else None))
        addr: dict[tuple[str, str], IPv4Interface | None] = {
            (lk.id, s): _given_address(given.get(lk.id), s, devices) or a for lk, s, a in far}
        known = [a for a in addr.values() if a is not None]
        if len(known) != len({a.ip for a in known}):  # two ports claim one address: address them afresh
            addr = dict.fromkeys(addr)
            known = []
        seg_net: IPv4Network | None = known[0].network if known else None  # the bridge's nominal subnet
        unaddressed = sorted(k for k, a in addr.items() if a is None)
        if unaddressed:
            block = _free(inv.settings.p2p_pool, 28, taken)
            hosts = block.hosts()
            for port_key in unaddressed:
                addr[port_key] = IPv4Interface(f"{next(hosts)}/{block.prefixlen}")
            seg_net = seg_net or block
        assert seg_net is not None
        for port_key, found in addr.items():
            assert found is not None
            seg_addr[port_key] = found
        bridges.append(Bridge(site=site, namespace=namespace_name(prefix, site), network=seg_net))
    # A fibre spliced at a manhole through to a router's port there: that port also gets the closure-side
    # address of the fibre's /30 (the route's config adds it), so the two routers share a subnet.
    kept_ids = {lk.id for lk in kept}
    seg_extra: dict[tuple[str, str], list[IPv4Interface]] = {}
    for pa in given.values():
        via, ends = pa.spliced_through, pa.splice_ends()
        if via is None or ends is None or pa.link not in kept_ids or pa.spliced_at not in seg_links:
            continue
        closure_address = ends[3]
        for lk in seg_links[pa.spliced_at]:
            if (via.device, via.interface) in ((lk.a.device, lk.a.interface), (lk.b.device, lk.b.interface)):
                seg_extra.setdefault((lk.id, devices[via.device].site), []).append(closure_address)

    router_ns = {r.site: r.namespace for r in routers}
    bridge_ns = {b.site: b.namespace for b in bridges}
    links: list[TwinLink] = []
    position = {lk.id: i for i, lk in enumerate(inv.links, start=1)}  # stable across network states
    for lk in kept:
        number = position[lk.id]
        sa, sb = devices[lk.a.device].site, devices[lk.b.device].site
        letter = MEDIUM_LETTER[lk.medium]
        cost = DEFAULT_COSTS[lk.medium] * (10 if lk.id in state.backup else 1)
        names = (f"kn{number}{letter}a", f"kn{number}{letter}b")
        segment = sa if sa in splice_sites else sb if sb in splice_sites else None
        if segment is not None:
            ports = []
            for ep, s, name in ((lk.a, sa, names[0]), (lk.b, sb, names[1])):
                if s == segment:
                    ports.append(Port(s, bridge_ns[s], name, None, ep.device, ep.interface))
                else:
                    ports.append(Port(s, router_ns[s], name, seg_addr[(lk.id, s)], ep.device, ep.interface,
                                      tuple(seg_extra.get((lk.id, s), ()))))
            links.append(TwinLink(lk.id, number, lk.medium, cost, ports[0], ports[1], NetworkType.BROADCAST,
                                  segment))
            continue
        addr_a, addr_b = _p2p(inv, devices, lk, given.get(lk.id), taken)
        links.append(TwinLink(lk.id, number, lk.medium, cost,
                              Port(sa, router_ns[sa], names[0], addr_a, lk.a.device, lk.a.interface),
                              Port(sb, router_ns[sb], names[1], addr_b, lk.b.device, lk.b.interface),
                              NetworkType.POINT_TO_POINT))
    for lk2 in links:
        for p in lk2.ends():
            if len(p.ifname) > IFNAME_MAX:
                raise KotanetError(f"interface name {p.ifname} for link {lk2.id} is longer than {IFNAME_MAX}",
                                   hint="the inventory has too many links for the twin's naming")
    return TwinPlan(prefix=prefix, dc=dc, routers=tuple(routers), bridges=tuple(bridges), links=tuple(links),
                    skipped=tuple(skipped), state=state)


def _given_address(assignment: P2pAssignment | None, site: str, devices: Mapping[str, Device]
                   ) -> IPv4Interface | None:
    """The migration plan's address for the router end at `site` of a new fibre into a manhole."""
    if assignment is None:
        return None
    if devices[assignment.a.device].site == site:
        return assignment.a_address
    if devices[assignment.b.device].site == site:
        return assignment.b_address
    return None


def _p2p(inv: Inventory, devices: Mapping[str, Device], lk: Link, given: P2pAssignment | None,
         taken: list[IPv4Network]) -> tuple[IPv4Interface, IPv4Interface]:
    ia = devices[lk.a.device].interface(lk.a.interface)
    ib = devices[lk.b.device].interface(lk.b.interface)
    if ia and ib and ia.addresses and ib.addresses and ia.addresses[0].network == ib.addresses[0].network \
            and ia.addresses[0] != ib.addresses[0]:
        return ia.addresses[0], ib.addresses[0]
    if given is not None:
        if given.a == lk.a:
            return given.a_address, given.b_address
        return given.b_address, given.a_address
    net = _free(inv.settings.p2p_pool, 30, taken)
    hosts = list(net.hosts())
    return IPv4Interface(f"{hosts[0]}/30"), IPv4Interface(f"{hosts[1]}/30")
