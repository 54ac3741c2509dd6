"""Cross-record validation: references, duplicates, IP conflicts, media, bounds, migrations.

Pure: takes an Inventory and a Locator (which maps a record path to file:line), returns Problems.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import networkx as nx

from kotanet.errors import InventoryError, Problem
from kotanet.inventory.choices import (
    RADIO_BANDS_MHZ,
    InterfaceKind,
    LinkMedium,
    LinkStatus,
    MigrationAction,
    MigrationStatus,
    ScopeKind,
)
from kotanet.inventory.models import Endpoint, Interface, Inventory
from kotanet.inventory.yamlio import Locator, format_loc

__all__ = ["check", "validate"]

Path_ = Sequence[str | int]


class _Report:
    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        self.problems: list[Problem] = []

    def add(self, collection: str, path: Path_, message: str, fix: str) -> None:
        field = format_loc([collection, *path]) if collection != "settings" else format_loc(path)
        self.problems.append(
            Problem(self.locator.label(collection), self.locator.line(collection, path), field, message, fix)
        )

    def unknown(self, collection: str, path: Path_, what: str, value: str, known: Iterable[str]) -> None:
        close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
        fix = f"did you mean {', '.join(repr(c) for c in close)}?" if close else f"add {what} {value!r} or fix the id"
        self.add(collection, path, f"unknown {what} {value!r}", fix)


def _dupes(report: _Report, collection: str, ids: Sequence[str], what: str) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in first:
            report.add(collection, [i, "id"], f"duplicate {what} id {ident!r} (first at item {first[ident]})",
                       "give each record its own id")
        else:
            first[ident] = i
    return first


def _tz_ok(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate(inv: Inventory, locator: Locator | None = None) -> list[Problem]:
    """Every cross-record problem of `inv`, in file order. An empty list means the inventory is sound."""
    r = _Report(locator or Locator(None))

    regions = _dupes(r, "regions", [x.id for x in inv.regions], "region")
    tenants = _dupes(r, "tenants", [x.id for x in inv.tenants], "tenant")
    sites = _dupes(r, "sites", [x.id for x in inv.sites], "site")
    racks = _dupes(r, "racks", [x.id for x in inv.racks], "rack")
    feeds = _dupes(r, "power_feeds", [x.id for x in inv.power_feeds], "power feed")
    devices = _dupes(r, "devices", [x.id for x in inv.devices], "device")
    links = _dupes(r, "links", [x.id for x in inv.links], "link")
    _dupes(r, "circuits", [x.id for x in inv.circuits], "circuit")
    services = _dupes(r, "services", [x.id for x in inv.services], "service")
    migrations = _dupes(r, "migrations", [x.id for x in inv.migrations], "migration")
    _dupes(r, "sla_targets", [x.id for x in inv.sla_targets], "SLA target")
    _dupes(r, "maintenance", [x.id for x in inv.maintenance], "maintenance window")

    st = inv.settings
    if not _tz_ok(st.timezone):
        r.add("settings", ["timezone"], f"unknown time zone {st.timezone!r}", "use an IANA name such as Asia/Jakarta")
    bounds = st.bounds

    for i, s in enumerate(inv.sites):
        if s.region is not None and s.region not in regions:
            r.unknown("sites", [i, "region"], "region", s.region, regions)
        if s.tenant is not None and s.tenant not in tenants:
            r.unknown("sites", [i, "tenant"], "tenant", s.tenant, tenants)
        if bounds is not None and not (bounds.south <= s.latitude <= bounds.north
                                       and bounds.west <= s.longitude <= bounds.east):
            r.add("sites", [i, "latitude"],
                  f"coordinates ({s.latitude}, {s.longitude}) are outside the inventory's bounds "
                  f"({bounds.south}..{bounds.north}, {bounds.west}..{bounds.east})",
                  "check the sign and order of latitude/longitude, or widen settings.bounds")

    for i, rk in enumerate(inv.racks):
        if rk.site not in sites:
            r.unknown("racks", [i, "site"], "site", rk.site, sites)
    rack_by_id = {rk.id: rk for rk in inv.racks}
    for i, pf in enumerate(inv.power_feeds):
        if pf.site not in sites:
            r.unknown("power_feeds", [i, "site"], "site", pf.site, sites)
        if pf.rack is not None and pf.rack not in racks:
            r.unknown("power_feeds", [i, "rack"], "rack", pf.rack, racks)
        if pf.redundant_with is not None and pf.redundant_with not in feeds:
            r.unknown("power_feeds", [i, "redundant_with"], "power feed", pf.redundant_with, feeds)

    # devices, interfaces and addresses
    host_owner: dict[IPv4Address, str] = {}
    iface_names: dict[str, dict[str, InterfaceKind]] = {}
    iface_objs: dict[tuple[str, str], Interface] = {}
    rack_slots: dict[str, dict[int, str]] = defaultdict(dict)
    for i, d in enumerate(inv.devices):
        if d.site not in sites:
            r.unknown("devices", [i, "site"], "site", d.site, sites)
        if d.tenant is not None and d.tenant not in tenants:
            r.unknown("devices", [i, "tenant"], "tenant", d.tenant, tenants)
        if d.rack is not None:
            drk = rack_by_id.get(d.rack)
            if drk is None:
                r.unknown("devices", [i, "rack"], "rack", d.rack, racks)
            else:
                if drk.site != d.site:
                    r.add("devices", [i, "rack"], f"rack {d.rack!r} is at site {drk.site!r}, not {d.site!r}",
                          "move the device to a rack at its own site")
                if d.rack_position is not None:
                    top = d.rack_position + max(d.rack_units, 1) - 1
                    if top > drk.u_height:
                        r.add("devices", [i, "rack_position"],
                              f"U{d.rack_position}-U{top} does not fit rack {d.rack!r} of {drk.u_height}U",
                              "choose a lower position")
                    for u in range(d.rack_position, top + 1):
                        other = rack_slots[d.rack].get(u)
                        if other is not None:
                            r.add("devices", [i, "rack_position"],
                                  f"U{u} of rack {d.rack!r} is already taken by {other!r}",
                                  "choose a free position")
                            break
                        rack_slots[d.rack][u] = d.id
        if d.install_date and d.end_of_support and d.end_of_support < d.install_date:
            r.add("devices", [i, "end_of_support"], "end of support is before the install date",
                  "check both dates")
        if d.mgmt_ip is not None:
            prev = host_owner.get(d.mgmt_ip)
            if prev is not None and prev != d.id:
                r.add("devices", [i, "mgmt_ip"], f"IP address conflict: {d.mgmt_ip} is also used by {prev}",
                      "give each device its own management address")
            host_owner.setdefault(d.mgmt_ip, d.id)
        names: dict[str, InterfaceKind] = {}
        for j, itf in enumerate(d.interfaces):
            if itf.name in names:
                r.add("devices", [i, "interfaces", j, "name"], f"duplicate interface {itf.name!r} on {d.id}",
                      "give each interface of a device its own name")
            names[itf.name] = itf.kind
            iface_objs[(d.id, itf.name)] = itf
            for k, addr in enumerate(itf.addresses):
                ip = addr.ip
                owner = f"{d.id} {itf.name}"
                if addr.network.prefixlen < 31 and ip in (addr.network.network_address,
                                                          addr.network.broadcast_address):
                    r.add("devices", [i, "interfaces", j, "addresses", k],
                          f"{addr} is the network or broadcast address of its subnet", "use a host address")
                prev = host_owner.get(ip)
                if prev is not None and prev not in (d.id, owner):
                    r.add("devices", [i, "interfaces", j, "addresses", k],
                          f"IP address conflict: {ip} is also used by {prev}", "give each interface its own address")
                host_owner.setdefault(ip, owner)
        iface_names[d.id] = names

    # links
    iface_users: dict[tuple[str, str], str] = {}
    dev_by_id = {d.id: d for d in inv.devices}

    def endpoint(coll: str, path: Path_, ep: Endpoint) -> bool:
        if ep.device not in devices:
            r.unknown(coll, [*path, "device"], "device", ep.device, devices)
            return False
        if ep.interface not in iface_names.get(ep.device, {}):
            r.unknown(coll, [*path, "interface"], f"interface on {ep.device}", ep.interface,
                      iface_names.get(ep.device, {}))
            return False
        return True

    for i, lk in enumerate(inv.links):
        ok_a = endpoint("links", [i, "a"], lk.a)
        ok_b = endpoint("links", [i, "b"], lk.b)
        if ok_a and ok_b and lk.a.device == lk.b.device:
            r.add("links", [i, "b", "device"], f"both ends are on device {lk.a.device}",
                  "a link joins two different devices")
        if lk.medium is LinkMedium.FIBRE:
            if lk.fibre is None:
                r.add("links", [i, "fibre"], "a fibre link needs its fibre attributes (length_km at least)",
                      "add 'fibre: {length_km: ...}'")
            if lk.radio is not None:
                r.add("links", [i, "radio"], "a fibre link cannot have radio attributes",
                      "remove 'radio:' or change the medium")
        elif lk.medium.is_radio:
            if lk.radio is None:
                r.add("links", [i, "radio"], f"a {lk.medium.value} link needs its radio attributes",
                      "add 'radio: {frequency_mhz: ...}'")
            else:
                lo, hi = RADIO_BANDS_MHZ[lk.medium]
                if not lo <= lk.radio.frequency_mhz <= hi:
                    r.add("links", [i, "radio", "frequency_mhz"],
                          f"{lk.radio.frequency_mhz} MHz is outside the {lk.medium.value} band ({lo}-{hi} MHz)",
                          "fix the frequency or the medium so that they agree")
            if lk.fibre is not None:
                r.add("links", [i, "fibre"], "a radio link cannot have fibre attributes",
                      "remove 'fibre:' or change the medium")
        elif lk.fibre is not None or lk.radio is not None:
            r.add("links", [i, "medium"], "a leased line carries neither fibre nor radio attributes",
                  "remove them or change the medium")
        if ok_a and ok_b and lk.status is LinkStatus.ACTIVE:
            da, db = dev_by_id[lk.a.device], dev_by_id[lk.b.device]
            for side, ep, dev in (("a", lk.a, da), ("b", lk.b, db)):
                kind = iface_names[ep.device][ep.interface]
                key = (ep.device, ep.interface)
                if kind is not InterfaceKind.WIRELESS and kind is not InterfaceKind.PASSIVE_PORT:
                    other = iface_users.get(key)
                    if other is not None:
                        r.add("links", [i, side, "interface"],
                              f"interface {dev.id} {ep.interface} is already used by active link {other}",
                              "only wireless interfaces serve several active links; use another port")
                    iface_users.setdefault(key, lk.id)
            ia, ib = iface_objs.get((lk.a.device, lk.a.interface)), iface_objs.get((lk.b.device, lk.b.interface))
            if ia and ib and ia.addresses and ib.addresses:
                nets_a = {a.network for a in ia.addresses}
                if not any(b.network in nets_a for b in ib.addresses):
                    r.add("links", [i, "b", "interface"],
                          f"the two ends are not in one subnet ({ia.addresses[0]} vs {ib.addresses[0]})",
                          "address both ends from the same point-to-point subnet")

    for i, c in enumerate(inv.circuits):
        if c.site not in sites:
            r.unknown("circuits", [i, "site"], "site", c.site, sites)
        if c.termination is not None:
            endpoint("circuits", [i, "termination"], c.termination)

    scope_ids: dict[ScopeKind, dict[str, int]] = {
        ScopeKind.SERVICE: services, ScopeKind.SITE: sites, ScopeKind.LINK: links, ScopeKind.TENANT: tenants,
    }
    for i, sv in enumerate(inv.services):
        if sv.primary_site not in sites:
            r.unknown("services", [i, "primary_site"], "site", sv.primary_site, sites)
        if sv.replica_site is not None and sv.replica_site not in sites:
            r.unknown("services", [i, "replica_site"], "site", sv.replica_site, sites)
        if sv.tenant is not None and sv.tenant not in tenants:
            r.unknown("services", [i, "tenant"], "tenant", sv.tenant, tenants)
        for k, ref in enumerate(sv.used_by):
            if ref not in sites and ref not in tenants:
                r.unknown("services", [i, "used_by", k], "site or tenant", ref, [*sites, *tenants])

    # migrations
    link_by_id = {lk.id: lk for lk in inv.links}
    dep_graph: nx.DiGraph[str] = nx.DiGraph()
    for i, m in enumerate(inv.migrations):
        dep_graph.add_node(m.id)
        for fld in ("a_site", "b_site"):
            value = getattr(m, fld)
            if value not in sites:
                r.unknown("migrations", [i, fld], f"site (route {m.id} '{m.route}')", value, sites)
        for k, lid in enumerate(m.new_links):
            nl = link_by_id.get(lid)
            if nl is None:
                r.unknown("migrations", [i, "new_links", k], f"link (route {m.id})", lid, links)
            elif nl.medium is not LinkMedium.FIBRE:
                r.add("migrations", [i, "new_links", k], f"route {m.id} adds link {lid!r}, which is not fibre",
                      "new links of a migration are fibre")
            elif m.status is MigrationStatus.PLANNED and nl.status is not LinkStatus.PLANNED:
                r.add("migrations", [i, "new_links", k],
                      f"route {m.id} is planned but its new link {lid!r} is {nl.status.value}",
                      "set the link's status to planned, or the migration's status to done")
        for k, lid in enumerate(m.retires):
            old = link_by_id.get(lid)
            if old is None:
                r.unknown("migrations", [i, "retires", k], f"link (route {m.id} retires a link that does not exist)",
                          lid, links)
            elif m.action is MigrationAction.REPLACE_RADIO and not old.medium.is_radio:
                r.add("migrations", [i, "retires", k],
                      f"route {m.id} replaces a radio link, but {lid!r} is {old.medium.value}",
                      "name the radio link that the fibre replaces")
        for k, lid in enumerate(m.reroutes):
            old = link_by_id.get(lid)
            if old is None:
                r.unknown("migrations", [i, "reroutes", k], f"link (route {m.id})", lid, links)
            elif old.medium is not LinkMedium.FIBRE:
                r.add("migrations", [i, "reroutes", k], f"route {m.id} reroutes {lid!r}, which is not fibre",
                      "name the fibre link that moves")
        for k, dep in enumerate(m.depends_on):
            if dep not in migrations:
                r.unknown("migrations", [i, "depends_on", k], "route", dep, migrations)
            elif dep == m.id:
                r.add("migrations", [i, "depends_on", k], f"route {m.id} depends on itself", "remove it")
            else:
                dep_graph.add_edge(dep, m.id)
    if not nx.is_directed_acyclic_graph(dep_graph):
        cycle = [u for u, _ in nx.find_cycle(dep_graph)]
        idx = migrations.get(cycle[0], 0)
        r.add("migrations", [idx, "depends_on"], f"routes depend on each other in a cycle: {' -> '.join(cycle)}",
              "remove one of the dependencies")

    for i, t in enumerate(inv.sla_targets):
        if t.ref not in scope_ids[t.scope]:
            r.unknown("sla_targets", [i, "ref"], t.scope.value, t.ref, scope_ids[t.scope])
        if not _tz_ok(t.timezone):
            r.add("sla_targets", [i, "timezone"], f"unknown time zone {t.timezone!r}",
                  "use an IANA name such as Asia/Jakarta")
    for i, w in enumerate(inv.maintenance):
        for k, ref in enumerate(w.refs):
            if ref not in scope_ids[w.scope]:
                r.unknown("maintenance", [i, "refs", k], w.scope.value, ref, scope_ids[w.scope])

    return r.problems


def check(inv: Inventory, locator: Locator | None = None) -> Inventory:
    """Validate and raise InventoryError listing every problem, or return the inventory unchanged."""
    problems = validate(inv, locator)
    if problems:
        raise InventoryError(problems)
    return inv
