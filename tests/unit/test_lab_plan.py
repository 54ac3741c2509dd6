"""The twin's plan, expected routes and FRR configs: pure, from the inventory."""

from __future__ import annotations

import json
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from kotanet.errors import KotanetError
from kotanet.inventory.choices import DeviceRole, LinkMedium, Platform
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.lab.expected import NextHop, diff_routes, expected_routes, parse_routes, reachable_to
from kotanet.lab.frrconf import render_router
from kotanet.lab.plan import IFNAME_MAX, NetworkType, Port, Router, SkipReason, TwinLink, TwinPlan, plan_twin
from kotanet.lab.twin import plan_from_json, plan_to_json
from kotanet.playbooks.render import Renderer, platform_override
from kotanet.topology.addressing import used_networks
from kotanet.topology.graph import state_after

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def plan(inv: Inventory) -> TwinPlan:
    return plan_twin(inv)


def test_one_router_per_routing_site(inv: Inventory, plan: TwinPlan) -> None:
    routing_sites = {d.site for d in inv.devices if d.role.routing}
    assert {r.site for r in plan.routers} == routing_sites
    assert all(r.namespace == f"kn-{r.site}" for r in plan.routers)
    dc = plan.router("dc")
    assert dc.devices == ("dc-core1", "dc-core2")
    assert dc.loopbacks == (IPv4Address("10.20.0.1"), IPv4Address("10.20.0.2"))
    assert dc.router_id == IPv4Address("10.20.0.1")


def test_manhole_is_a_bridge_with_the_inventory_addresses(plan: TwinPlan) -> None:
    assert [b.site for b in plan.bridges] == ["mh-bangbarung"]
    seg = [lk for lk in plan.links if lk.segment == "mh-bangbarung"]
    assert {lk.id for lk in seg} == {"fo-balaikota--mh-bangbarung", "fo-mh-bangbarung--kec-bogor-utara"}
    assert all(lk.network_type is NetworkType.BROADCAST for lk in seg)
    addrs = {str(p.address) for lk in seg for p in lk.router_ports()}
    assert addrs == {"10.30.0.1/30", "10.30.0.2/30"}  # the two ends spliced through, from devices.yaml


def test_every_active_link_becomes_a_veth_with_short_unique_names(inv: Inventory, plan: TwinPlan) -> None:
    active = {lk.id for lk in inv.links if lk.status.value == "active"}
    assert {lk.id for lk in plan.links} == active
    names = [p.ifname for lk in plan.links for p in lk.ends()]
    assert len(names) == len(set(names))
    assert all(n.startswith("kn") and len(n) <= IFNAME_MAX for n in names)
    link = plan.link("fo-dc--noc")
    assert link.medium is LinkMedium.FIBRE and link.cost == 10
    assert link.a.ifname.endswith("fa") and link.b.ifname.endswith("fb")
    radio = next(lk for lk in plan.links if lk.medium is LinkMedium.RADIO_5_8)
    assert radio.cost == 100


def test_p2p_addresses_pair_up_and_never_collide(plan: TwinPlan) -> None:
    # a radio sector serving several stations keeps its one address on each station's veth: one router only
    owner: dict[IPv4Address, str] = {}
    for lk in plan.links:
        ports = lk.router_ports()
        for p in ports:
            assert p.address is not None
            assert owner.setdefault(p.address.ip, p.namespace) == p.namespace
        if lk.segment is None:
            assert ports[0].address is not None and ports[1].address is not None
            assert ports[0].address.network == ports[1].address.network


def test_missing_addresses_are_allocated_from_the_pool(inv: Inventory) -> None:
    # strip the addresses of one link's two interfaces
    target = next(lk for lk in inv.links if lk.id == "fo-dc--noc")
    devices = []
    names = {target.a.interface, target.b.interface}
    for d in inv.devices:
        if d.id in (target.a.device, target.b.device):
            devices.append(d.model_copy(update={"interfaces": [
                i.model_copy(update={"addresses": []}) if i.name in names else i for i in d.interfaces]}))
        else:
            devices.append(d)
    stripped = inv.model_copy(update={"devices": devices})
    plan = plan_twin(stripped)
    a = plan.link("fo-dc--noc").a.address
    assert a is not None
    assert a.network.subnet_of(stripped.settings.p2p_pool)
    assert not any(a.network.overlaps(n) for n in used_networks(stripped))


def test_link_without_a_routing_device_is_skipped(inv: Inventory) -> None:
    # the NOC's router becomes a switch: the NOC has no router any more
    devices = [d.model_copy(update={"role": DeviceRole.SWITCH}) if d.id == "noc-r1" else d for d in inv.devices]
    plan = plan_twin(inv.model_copy(update={"devices": devices}))
    skipped = {s.link: s for s in plan.skipped}
    assert skipped["fo-dc--noc"].reason is SkipReason.NO_ROUTER
    assert "noc" in skipped["fo-dc--noc"].detail
    assert "noc" not in {r.site for r in plan.routers}


def test_state_after_a_route_adds_its_fibre_and_drops_its_radio(inv: Inventory) -> None:
    plan = plan_twin(inv, state_after(inv, ["1"]))
    ids = {lk.id for lk in plan.links}
    assert "fo-kec-bogor-selatan--inspektorat" in ids
    assert "r24-kec-bogor-selatan--inspektorat" not in ids


def test_bad_prefix_is_refused(inv: Inventory) -> None:
    with pytest.raises(KotanetError, match="prefix"):
        plan_twin(inv, prefix="Kotanet-lab")


def test_plan_round_trips_through_json(plan: TwinPlan) -> None:
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


# ---- expected routes on small hand-made twins ----------------------------------------------------------

def _router(site: str, n: int) -> Router:
    addr = IPv4Address(f"10.0.0.{n}")
    return Router(site, f"kn-{site}", site, addr, (addr,), (f"{site}-r1",))


def _p2p(lid: str, number: int, a: str, b: str, cost: int, subnet: int) -> TwinLink:
    return TwinLink(lid, number, LinkMedium.FIBRE, cost,
                    Port(a, f"kn-{a}", f"kn{number}fa", IPv4Interface(f"10.1.{subnet}.1/30"), f"{a}-r1", "e0"),
                    Port(b, f"kn-{b}", f"kn{number}fb", IPv4Interface(f"10.1.{subnet}.2/30"), f"{b}-r1", "e0"),
                    NetworkType.POINT_TO_POINT)


def _triangle() -> TwinPlan:
    # a -10- b -10- c, and a -20- c: from a to c both ways cost 20 (ECMP)
    return TwinPlan(prefix="kn", dc="a", routers=(_router("a", 1), _router("b", 2), _router("c", 3)), bridges=(),
                    links=(_p2p("ab", 1, "a", "b", 10, 1), _p2p("bc", 2, "b", "c", 10, 2),
                           _p2p("ac", 3, "a", "c", 20, 3)), skipped=())


def test_ecmp_ties_are_all_expected() -> None:
    routes = expected_routes(_triangle())
    assert routes["kn-a"]["10.0.0.3"] == {NextHop("10.1.1.2", "kn1fa"), NextHop("10.1.3.2", "kn3fa")}
    assert routes["kn-a"]["10.0.0.2"] == {NextHop("10.1.1.2", "kn1fa")}
    assert routes["kn-c"]["10.0.0.1"] == {NextHop("10.1.2.1", "kn2fb"), NextHop("10.1.3.1", "kn3fb")}


def test_a_failed_link_moves_the_next_hop_and_a_cut_removes_the_route() -> None:
    plan = _triangle()
    routes = expected_routes(plan, down={"ab"})
    assert routes["kn-a"]["10.0.0.2"] == {NextHop("10.1.3.2", "kn3fa")}
    cut = expected_routes(plan, down={"ab", "ac"})
    assert "10.0.0.2" not in cut["kn-a"]
    assert reachable_to(plan, cut, "a") == {"a"}
    assert reachable_to(plan, routes, "a") == {"a", "b", "c"}


def test_a_segment_is_crossed_to_the_router_beyond() -> None:
    # a and b on a manhole bridge m (cost 10 from each), plus a -100- b radio
    seg = [TwinLink(f"m{n}", n, LinkMedium.FIBRE, 10,
                    Port(s, f"kn-{s}", f"kn{n}fa", IPv4Interface(f"10.2.0.{n}/28"), f"{s}-r1", "e1"),
                    Port("m", "kn-m", f"kn{n}fb", None, "m-sc1", f"p{n}"), NetworkType.BROADCAST, "m")
           for n, s in ((1, "a"), (2, "b"))]
    radio = TwinLink("r", 3, LinkMedium.RADIO_5_8, 100,
                     Port("a", "kn-a", "kn3ra", IPv4Interface("10.3.0.1/30"), "a-r1", "w0"),
                     Port("b", "kn-b", "kn3rb", IPv4Interface("10.3.0.2/30"), "b-r1", "w0"),
                     NetworkType.POINT_TO_POINT)
    from kotanet.lab.plan import Bridge
    plan = TwinPlan(prefix="kn", dc="a", routers=(_router("a", 1), _router("b", 2)),
                    bridges=(Bridge("m", "kn-m", IPv4Network("10.2.0.0/28")),), links=(*seg, radio), skipped=())
    assert expected_routes(plan)["kn-a"]["10.0.0.2"] == {NextHop("10.2.0.2", "kn1fa")}
    assert expected_routes(plan, down={"m2"})["kn-a"]["10.0.0.2"] == {NextHop("10.3.0.2", "kn3ra")}


def test_kernel_routes_are_parsed_and_compared() -> None:
    text = json.dumps([
        {"dst": "10.0.0.2", "gateway": "10.1.1.2", "dev": "kn1fa", "protocol": "ospf"},
        {"dst": "10.0.0.3", "nexthops": [{"gateway": "10.1.1.2", "dev": "kn1fa"}]},  # FRR 8.4's lost ECMP leg
        {"dst": "10.1.2.0/30", "gateway": "10.1.1.2", "dev": "kn1fa"},
    ])
    actual = {"kn-a": parse_routes(text)}
    assert set(actual["kn-a"]) == {"10.0.0.2", "10.0.0.3"}
    diffs = diff_routes({"kn-a": expected_routes(_triangle())["kn-a"]}, actual)
    assert [(d.namespace, d.destination) for d in diffs] == [("kn-a", "10.0.0.3")]
    assert "expected via 10.1.1.2 dev kn1fa, via 10.1.3.2 dev kn3fa" in str(diffs[0])


def test_bogor_expected_routes_reach_every_router_today(plan: TwinPlan) -> None:
    routes = expected_routes(plan)
    assert reachable_to(plan, routes, "dc") == {r.site for r in plan.routers}


# ---- FRR configs -------------------------------------------------------------------------------------

def test_router_config_has_costs_timers_and_the_ecmp_workaround(plan: TwinPlan, tmp_path: Path) -> None:
    text = render_router(plan, plan.router("noc"), tmp_path / "frr.log")
    assert "hostname noc\n" in text
    assert "no zebra nexthop kernel enable\n" in text
    assert " ip ospf hello-interval 1\n ip ospf dead-interval 4\n" in text
    assert "timers throttle spf 0 50 500" in text and "timers lsa min-arrival 0" in text
    fibre = plan.link("fo-dc--noc").b
    block = text.split(f"interface {fibre.ifname}\n")[1].split("!")[0]
    assert " ip ospf cost 10\n" in block and " ip ospf bfd\n" in block
    assert f" ip address {fibre.address}\n" in block
    radio = next(p for lk in plan.links if lk.medium is LinkMedium.RADIO_5_8 for p in lk.ends()
                 if p.namespace == "kn-noc") if any(p.namespace == "kn-noc" for lk in plan.links
                                                     if lk.medium is LinkMedium.RADIO_5_8 for p in lk.ends()) else None
    if radio is not None:
        rblock = text.split(f"interface {radio.ifname}\n")[1].split("!")[0]
        assert " ip ospf cost 100\n" in rblock and "bfd" not in rblock


def test_frr_route_template_takes_the_same_context_as_ios(inv: Inventory) -> None:
    # StrictUndefined: every variable the FRR snippet uses must be one the renderer provides
    out = Renderer().render_all(inv, platform_of=platform_override(Platform.FRR))
    assert len(out) == len(inv.migrations)
    text = out["1"]["inspektorat-r1"].text if "inspektorat-r1" in out["1"] else next(iter(out["1"].values())).text
    assert "ip ospf network point-to-point" in text and "ip ospf cost 10" in text
    assert "ip address 10." in text and "/30" in text


def test_routers_on_a_segment_in_different_subnets_are_not_neighbours() -> None:
    from kotanet.lab.plan import Bridge
    seg = [TwinLink(f"m{n}", n, LinkMedium.FIBRE, 10,
                    Port(s, f"kn-{s}", f"kn{n}fa", IPv4Interface(addr), f"{s}-r1", "e1"),
                    Port("m", "kn-m", f"kn{n}fb", None, "m-sc1", f"p{n}"), NetworkType.BROADCAST, "m")
           for n, s, addr in ((1, "a", "10.2.0.1/30"), (2, "b", "10.2.0.5/30"))]
    plan = TwinPlan(prefix="kn", dc="a", routers=(_router("a", 1), _router("b", 2)),
                    bridges=(Bridge("m", "kn-m", IPv4Network("10.2.0.0/30")),), links=tuple(seg), skipped=())
    assert "10.0.0.2" not in expected_routes(plan)["kn-a"]


def test_a_new_fibre_into_a_manhole_takes_the_plans_address(inv: Inventory) -> None:
    from kotanet.topology.plan import plan_migrations
    mplan = plan_migrations(inv)
    given = [a for rp in mplan.routes for a in rp.addressing]
    plan = plan_twin(inv, state_after(inv, [r.route for r in mplan.routes]), route_addressing=given)
    a = next(x for x in given if x.link == "fo-mh-bangbarung--disdik")
    port = next(p for p in plan.link("fo-mh-bangbarung--disdik").router_ports())
    assert port.site == "disdik"
    assert port.address in (a.a_address, a.b_address)


def test_a_second_subnet_on_a_segment_port_makes_a_neighbour_through_it() -> None:
    """The closure-side address of a spliced fibre, added to the port it is spliced to (`Port.extra`), makes
    the two routers neighbours across the manhole, and only through that subnet."""
    from kotanet.lab.plan import Bridge
    seg = [TwinLink(f"m{n}", n, LinkMedium.FIBRE, 10,
                    Port(s, f"kn-{s}", f"kn{n}fa", IPv4Interface(addr), f"{s}-r1", "e1", extra),
                    Port("m", "kn-m", f"kn{n}fb", None, "m-sc1", f"p{n}"), NetworkType.BROADCAST, "m")
           for n, s, addr, extra in ((1, "a", "10.2.0.1/30", (IPv4Interface("10.2.0.5/30"),)),
                                     (2, "b", "10.2.0.2/30", ()), (3, "c", "10.2.0.6/30", ()))]
    plan = TwinPlan(prefix="kn", dc="a", routers=(_router("a", 1), _router("b", 2), _router("c", 3)),
                    bridges=(Bridge("m", "kn-m", IPv4Network("10.2.0.0/30")),), links=tuple(seg), skipped=())
    routes = expected_routes(plan)
    assert routes["kn-a"]["10.0.0.3"] == {NextHop("10.2.0.6", "kn1fa")}
    assert routes["kn-c"]["10.0.0.1"] == {NextHop("10.2.0.5", "kn3fa")}
    assert routes["kn-c"]["10.0.0.2"] == {NextHop("10.2.0.5", "kn3fa")}  # b and c share no subnet: through a
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


def test_after_route_14_balaikota_carries_the_closure_side_address(inv: Inventory, tmp_path: Path) -> None:
    from kotanet.lab.rehearse import twin_inventory
    from kotanet.topology.plan import plan_migrations

    tinv = twin_inventory(inv)
    mplan = plan_migrations(tinv)
    given = [a for rp in mplan.routes for a in rp.addressing]
    [a] = mplan.route("14").addressing
    closure = a.a_address if a.a.device == "mh-bangbarung-sc1" else a.b_address
    plan = plan_twin(tinv, state_after(tinv, ["14"]), route_addressing=given)
    port = next(p for p in plan.link("fo-balaikota--mh-bangbarung").router_ports())
    assert port.site == "balaikota" and port.extra == (closure,)
    disdik = next(p for p in plan.link("fo-mh-bangbarung--disdik").router_ports())
    routes = expected_routes(plan)
    assert routes[plan.router("disdik").namespace][str(plan.router("balaikota").router_id)] == {
        NextHop(str(closure.ip), disdik.ifname)}
    text = render_router(plan, plan.router("balaikota"), tmp_path / "frr.log")
    assert f" ip address {port.address}\n ip address {closure}\n" in text

