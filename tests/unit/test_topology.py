"""Topology on the mini inventory, with expected values worked by hand from the stated defaults:
fibre A_f = 17520/17528, 2.4 GHz radio A_r = 1460/1464, leased line 0.995, a tower on the path
A_t = 4380/4384, an office on the path A_o = 8760/8764, the DC (Tier I) 0.99671."""

from __future__ import annotations

import math
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from kotanet.errors import UsageError
from kotanet.inventory import YamlDirSource
from kotanet.inventory.choices import LinkMedium, LinkStatus, MigrationAction
from kotanet.inventory.models import Device, Endpoint, FibreAttrs, Interface, Inventory, Link, Migration, Site
from kotanet.topology.addressing import allocate_p2p
from kotanet.topology.analysis import RedundancyClass, analyze, analyze_services, what_if
from kotanet.topology.datacentre import capacity_report
from kotanet.topology.graph import state_after
from kotanet.topology.linkbudgets import link_budgets
from kotanet.topology.plan import order_routes, plan_migrations

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
A_F = 17520 / 17528
A_R = 1460 / 1464
A_T = 4380 / 4384
A_O = 8760 / 8764


@pytest.fixture(scope="module")
def mini() -> Inventory:
    return YamlDirSource(MINI).load()


def test_classes_and_availability_today(mini: Inventory) -> None:
    a = analyze(mini)
    s = a.sites
    assert s["kel-satu"].cls is RedundancyClass.RADIO_ONLY
    assert s["kec-tengah"].cls is RedundancyClass.FIBRE_ONLY
    assert s["drc"].cls is RedundancyClass.FIBRE_ONLY  # a leased line counts as wired
    assert s["kel-satu"].availability.value == pytest.approx(A_F * A_T * A_R, abs=1e-12)
    assert s["drc"].availability.value == pytest.approx(0.995, abs=1e-12)
    assert s["kel-satu"].spof_links == ("fo-dc--bts-01", "r24-bts-01--kel-satu")
    assert s["kel-satu"].spof_sites == ("bts-01",)
    assert s["kel-satu"].paths == (("kel-satu", "bts-01", "dc"),)
    assert s["kel-satu"].edge_connectivity == 1
    assert s["kel-satu"].end_to_end == pytest.approx(A_F * A_T * A_R * 0.99671, abs=1e-12)
    # Tier I caps every site below 99.671 %, so 99.5 % needs a path of at least 0.995 / 0.99671
    assert a.max_path_availability_for_sla == pytest.approx(0.995 / 0.99671)
    assert s["kec-tengah"].meets_sla  # 0.99954 * 0.99671 = 0.99626 >= 0.995
    assert not s["drc"].meets_sla  # 0.995 * 0.99671 < 0.995


def test_retiring_the_radio_versus_keeping_it(mini: Inventory) -> None:
    retired = analyze(mini, state_after(mini, ["1"]))
    kept = analyze(mini, state_after(mini, ["1"], keep_radio_backup=True))
    via_fibre = A_F * A_O * A_F
    via_radio = A_F * A_T * A_R
    assert retired.sites["kel-satu"].cls is RedundancyClass.FIBRE_ONLY
    assert retired.sites["kel-satu"].availability.value == pytest.approx(via_fibre, abs=1e-12)
    assert kept.sites["kel-satu"].cls is RedundancyClass.FIBRE_RADIO
    assert kept.sites["kel-satu"].availability.value == pytest.approx(1 - (1 - via_fibre) * (1 - via_radio),
                                                                      abs=1e-12)
    assert kept.sites["kel-satu"].edge_connectivity == 2
    assert kept.sites["kel-satu"].spof_links == ()


def test_what_if(mini: Inventory) -> None:
    w = what_if(mini, ["fo-dc--bts-01"])
    assert w.cut_off == ("bts-01", "kel-satu")
    assert {c[0] for c in w.changed} == {"bts-01", "kel-satu"}
    w2 = what_if(mini, ["bts-01"])
    assert w2.cut_off == ("bts-01", "kel-satu")
    with pytest.raises(UsageError, match="closest ids: fo-dc--bts-01"):
        what_if(mini, ["fo-dc-bts-01"])


def test_services_with_manual_failover(mini: Inventory) -> None:
    (web,) = analyze_services(mini)
    assert web.hosting_availability == pytest.approx(1 - (1 - 0.99671) ** 2)
    assert web.worst_site == "kel-satu"
    assert web.users == 2  # the kecamatan and the kelurahan; towers, DC and DRC are not users


def test_addressing_skips_used_subnets(mini: Inventory) -> None:
    (first,) = allocate_p2p(mini, ["fo-kec-tengah--kel-satu"])
    assert first.network == IPv4Network("10.255.0.0/30")
    assert (str(first.a_address), str(first.b_address)) == ("10.255.0.1/30", "10.255.0.2/30")
    dev = mini.device("drc-r1")
    assert dev is not None
    busy = dev.model_copy(update={"interfaces": [*dev.interfaces, Interface(
        name="ge-0/0/9", addresses=[IPv4Interface("10.255.0.1/29")])]})
    inv = mini.model_copy(update={"devices": [d if d.id != "drc-r1" else busy for d in mini.devices]})
    (moved,) = allocate_p2p(inv, ["fo-kec-tengah--kel-satu"])
    assert moved.network == IPv4Network("10.255.0.8/30")
    (p31,) = allocate_p2p(mini, ["fo-kec-tengah--kel-satu"], prefixlen=31)
    assert (str(p31.a_address), str(p31.b_address)) == ("10.255.0.0/31", "10.255.0.1/31")


def _with_dependent_route(mini: Inventory) -> Inventory:
    """Add kel-dua, reachable only through a planned fibre from kel-satu (which route '2' brings fibre to).
    The dependent route is numbered '1', so only the derived dependency can put it second."""
    dev = Device(id="kel-dua-r1", site="kel-dua", role="access_router", platform="routeros",
                 interfaces=[Interface(name="sfp1", kind="optical")])
    satu = mini.device("kel-satu-r1")
    assert satu is not None
    satu2 = satu.model_copy(update={"interfaces": [*satu.interfaces, Interface(name="sfp2", kind="optical")]})
    link = Link(id="fo-kel-satu--kel-dua", a=Endpoint(device="kel-satu-r1", interface="sfp2"),
                b=Endpoint(device="kel-dua-r1", interface="sfp1"), medium=LinkMedium.FIBRE,
                status=LinkStatus.PLANNED, fibre=FibreAttrs(length_km=1.0))
    base = mini.migrations[0].model_copy(update={"id": "2"})
    dep = Migration(id="1", route="Kel. Satu - Kel. Dua", a_site="kel-satu", b_site="kel-dua",
                    action=MigrationAction.NEW_FIBRE, new_links=["fo-kel-satu--kel-dua"])
    site = Site(id="kel-dua", name="Kel. Dua", kind="kelurahan", region="tengah", latitude=-6.63, longitude=106.82)
    return mini.model_copy(update={
        "sites": [*mini.sites, site], "devices": [*(d if d.id != "kel-satu-r1" else satu2 for d in mini.devices), dev],
        "links": [*mini.links, link], "migrations": [dep, base]})


def test_derived_dependency_orders_routes(mini: Inventory) -> None:
    inv = _with_dependent_route(mini)
    order, derived, islands, direct = order_routes(inv)
    assert direct == {"1": {"2"}, "2": set()}
    assert order == ["2", "1"]
    assert derived["1"] == {"2"}
    assert islands == set()
    plan = plan_migrations(inv)
    r1 = plan.route("1")
    assert r1.depends_on == ("2",) and r1.position == 2
    assert "kel-dua" in r1.affected_sites
    assert [a.network for a in plan.route("2").addressing] == [IPv4Network("10.255.0.0/30")]
    assert [a.network for a in r1.addressing] == [IPv4Network("10.255.0.4/30")]
    json_routes = plan.to_json()["routes"]
    assert isinstance(json_routes, list) and [r["route"] for r in json_routes] == ["2", "1"]


def test_cutover_outage_and_keep_radio_delta(mini: Inventory) -> None:
    plan = plan_migrations(mini)
    r = plan.route("1")
    assert r.cutover_outage == ("kel-satu",)  # its only link is the radio being retired
    change = {c.site: c for c in r.changes}["kel-satu"]
    assert change.class_before == "radio-only" and change.class_after == "fibre-only"
    assert change.availability_keep_radio is not None
    assert change.availability_keep_radio > change.availability_after
    with pytest.raises(UsageError, match="valid routes: 1"):
        plan.route("99")


def test_link_budgets(mini: Inventory) -> None:
    budgets = {b.link: b for b in link_budgets(mini)}
    radio = budgets["r24-bts-01--kel-satu"]
    # haversine between (-6.61, 106.80) and (-6.62, 106.81), R = 6371.0088 km
    p1, p2, dl = math.radians(-6.61), math.radians(-6.62), math.radians(0.01)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    d = 2 * 6371.0088 * math.asin(math.sqrt(h))
    fspl = 32.45 + 20 * math.log10(2437) + 20 * math.log10(d)
    # defaults: 20 dBm, 23 dBi each end, sensitivity -80 dBm
    assert radio.margin_db == pytest.approx(20 + 23 - fspl + 23 + 80, abs=0.01)
    fibre = budgets["fo-dc--kec-tengah"]
    # 1.2 km x 0.35 dB/km + 2 splices x 0.1 + 2 connectors x 0.5 = 1.62 dB against a 20 dB budget
    assert fibre.margin_db == pytest.approx(20 - 1.62)
    assert "ll-dc--drc" not in budgets
    with pytest.raises(UsageError):
        link_budgets(mini, ["no-such-link"])


def test_datacentre_capacity(mini: Inventory) -> None:
    (dc, drc) = capacity_report(mini)
    assert (dc.site, dc.u_total, dc.u_used, dc.power_w) == ("dc", 42, 1, 150.0)
    assert dc.feeds_w == pytest.approx(230 * 16 * 0.8)
    assert dc.single_power_path
    assert dc.consolidation is not None and dc.consolidation.servers == 0 and dc.consolidation.fits
    assert drc.u_total == 0


def test_block_cache_never_changes_a_result() -> None:
    """The plan shares exact block results between its analyses; each must equal a fresh analysis."""
    from kotanet.inventory import open_inventory
    from kotanet.topology.plan import order_routes

    inv = open_inventory(None)
    cache: dict[object, dict[object, float]] = {}
    order = order_routes(inv)[0]
    for k in (0, 3, 9, len(order)):
        state = state_after(inv, order[:k])
        cached = analyze(inv, state, cache=cache)  # type: ignore[arg-type]
        fresh = analyze(inv, state)
        assert {s: a.availability.value for s, a in cached.sites.items()} == {
            s: a.availability.value for s, a in fresh.sites.items()}
    assert cache  # and it was used
