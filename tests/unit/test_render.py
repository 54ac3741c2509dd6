"""Rendering of the per-route device configuration (kotanet.playbooks.render)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kotanet.errors import KotanetError
from kotanet.inventory import open_inventory
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.playbooks.render import Renderer, platform_override, render_all, render_route
from kotanet.topology.addressing import P2pAssignment
from kotanet.topology.graph import DEFAULT_COSTS
from kotanet.topology.plan import MigrationPlan, RoutePlan, plan_migrations

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def plan(inv: Inventory) -> MigrationPlan:
    return plan_migrations(inv)


def _active_ends(inv: Inventory, rp: RoutePlan) -> set[str]:
    devices = {d.id: d for d in inv.devices}
    return {ep.device for a in rp.addressing for ep in (a.a, a.b)
            if devices[ep.device].platform is not Platform.PASSIVE}


def _end(a: P2pAssignment, device: str) -> tuple[str, str]:
    """(interface, address) of `device` on the assignment."""
    if a.a.device == device:
        return a.a.interface, str(a.a_address)
    return a.b.interface, str(a.b_address)


def test_every_route_renders_for_every_active_endpoint(inv: Inventory, plan: MigrationPlan) -> None:
    out = render_all(inv)
    assert len(plan.routes) == 18
    assert set(out) == {r.route for r in plan.routes}
    for rp in plan.routes:
        ends = _active_ends(inv, rp)
        assert ends, rp.route
        assert ends <= set(out[rp.route]), rp.route
        for dev_id in ends:
            cfg = out[rp.route][dev_id]
            assert cfg.device == dev_id
            assert cfg.platform is inv.device(dev_id).platform  # type: ignore[union-attr]
            assert cfg.text.strip()


def test_splice_closure_gets_no_config(inv: Inventory, plan: MigrationPlan) -> None:
    devices = {d.id: d for d in inv.devices}
    spliced = [(rp, a) for rp in plan.routes for a in rp.addressing if a.spliced_at]
    assert spliced
    for rp, a in spliced:
        out = render_route(inv, rp, keep_radio_backup=False)
        passive = next(ep.device for ep in (a.a, a.b) if devices[ep.device].platform is Platform.PASSIVE)
        assert passive not in out


def test_ios_route_7(inv: Inventory, plan: MigrationPlan) -> None:
    rp = plan.route("7")
    out = render_route(inv, rp, keep_radio_backup=False)
    devices = {d.id: d for d in inv.devices}
    a = rp.addressing[0]
    ios = next(ep.device for ep in (a.a, a.b) if devices[ep.device].platform is Platform.IOS)
    itf, address = _end(a, ios)
    ip, _ = address.split("/")
    text = out[ios].text
    assert f"interface {itf}\n" in text
    assert f"ip address {ip} 255.255.255.252" in text
    assert "ip ospf cost 10" in text
    assert "no shutdown" in text
    assert "bfd interval" in text
    for host in inv.settings.ntp_servers:
        assert f"ntp server {host}" in text
    for host in inv.settings.syslog_servers:
        assert f"logging host {host}" in text
    for host in inv.settings.noc_servers:
        assert f"snmp-server host {host}" in text
    other = a.b.device if a.a.device == ios else a.a.device
    assert other in text  # the description names the far end
    assert a.link in text


def test_routeros_uses_ros7_syntax(inv: Inventory, plan: MigrationPlan) -> None:
    rp = plan.route("7")
    out = render_route(inv, rp, keep_radio_backup=False)
    devices = {d.id: d for d in inv.devices}
    a = rp.addressing[0]
    ros = next(ep.device for ep in (a.a, a.b) if devices[ep.device].platform is Platform.ROUTEROS)
    itf, address = _end(a, ros)
    text = out[ros].text
    assert f"/ip address add address={address} interface={itf}" in text
    assert "/routing ospf interface-template add" in text
    assert f"interfaces={itf}" in text
    assert "cost=10" in text
    assert "use-bfd=yes" in text
    assert "/routing ospf interface " not in text  # ROS 6 syntax
    assert "/routing ospf network" not in text


def test_junos_set_style(inv: Inventory) -> None:
    """No Junos device ends a new fibre in the embedded data: make route 7's far end an SRX."""
    target = "kel-kedung-badak-r1"
    devices = [d.model_copy(update={"platform": Platform.JUNOS}) if d.id == target else d for d in inv.devices]
    junos_inv = inv.model_copy(update={"devices": devices})
    rp = plan_migrations(junos_inv).route("7")
    a = next(a for a in rp.addressing if target in (a.a.device, a.b.device))
    itf, address = _end(a, target)
    text = render_route(junos_inv, rp, keep_radio_backup=False)[target].text
    assert f"set interfaces {itf} unit 0 family inet address {address}" in text
    assert f"set protocols ospf area 0.0.0.0 interface {itf}.0 metric 10" in text
    assert "bfd-liveness-detection" in text
    for line in text.splitlines():
        assert line.startswith(("set ", "delete ", "/*")), line


def _retired_ends(inv: Inventory, rp: RoutePlan) -> list[tuple[str, str]]:
    """The retired radio's interfaces on the devices the new fibre reaches (not a shared AP sector)."""
    out = []
    for lid in rp.retires:
        lk = inv.link(lid)
        assert lk is not None
        out += [(ep.device, ep.interface) for ep in (lk.a, lk.b) if ep.device in _active_ends(inv, rp)]
    assert out
    return out


def test_retired_radio_is_shut_down(inv: Inventory, plan: MigrationPlan) -> None:
    rp = plan.route("7")
    out = render_route(inv, rp, keep_radio_backup=False)
    for dev, itf in _retired_ends(inv, rp):
        text = out[dev].text
        assert f"/interface set [find name={itf}]" in text
        assert f'comment="RETIRED by route {rp.route}' in text
        assert "disabled=yes" in text
        assert f"/routing ospf interface-template remove [find interfaces={itf}]" in text


def test_retired_radio_on_ios_is_shut_down(inv: Inventory, plan: MigrationPlan) -> None:
    """Route 7's radio station, made an IOS router: `description RETIRED ...` and `shutdown`."""
    rp = plan.route("7")
    lk = inv.link(rp.retires[0])
    assert lk is not None
    dev = lk.b.device
    devices = [d.model_copy(update={"platform": Platform.IOS}) if d.id == dev else d for d in inv.devices]
    ios_inv = inv.model_copy(update={"devices": devices})
    text = render_route(ios_inv, rp, keep_radio_backup=False)[dev].text
    block = text.split(f"interface {lk.b.interface}\n", 1)[1].split("!", 1)[0]
    assert f" description RETIRED by route {rp.route}" in block
    assert " shutdown" in block.splitlines()
    assert "no shutdown" not in block


def test_radio_kept_as_backup(inv: Inventory) -> None:
    plan = plan_migrations(inv, keep_radio_backup=True)
    rp = plan.route("7")
    lk = inv.link(rp.retires[0])
    assert lk is not None
    backup_cost = DEFAULT_COSTS[lk.medium] * 10
    out = render_route(inv, rp, keep_radio_backup=True)
    for dev, itf in _retired_ends(inv, rp):
        text = out[dev].text
        assert f"interfaces={itf} cost={backup_cost}" in text
        assert "RETIRED" not in text
        assert "disabled=yes" not in text
        assert f"/interface set [find name={itf}]" in text and "disabled=no" in text


def test_shared_radio_sector_left_alone(inv: Inventory, plan: MigrationPlan) -> None:
    """Route 12 retires one station of balaikota's sector; the sector still serves route 14's station."""
    rp = plan.route("12")
    lk = inv.link(rp.retires[0])
    assert lk is not None
    others = [o.id for o in inv.links if o.id != lk.id and lk.a in (o.a, o.b)]
    assert others
    text = render_route(inv, rp, keep_radio_backup=False)[lk.a.device].text
    assert "disabled=yes" not in text
    assert "still serves" in text


def test_undefined_variable_names_template_line_and_variable(inv: Inventory, plan: MigrationPlan,
                                                             tmp_path: Path) -> None:
    (tmp_path / "routeros").mkdir()
    (tmp_path / "routeros" / "route.rsc.j2").write_text("# ok {{ route.id }}\n# still ok\n{{ no_such_thing }}\n")
    with pytest.raises(KotanetError) as err:
        Renderer(tmp_path).render_route(inv, plan.route("3"), keep_radio_backup=False)
    assert err.value.message == "routeros/route.rsc.j2:3: undefined variable no_such_thing"
    assert err.value.hint


def test_undefined_attribute_is_named(inv: Inventory, plan: MigrationPlan, tmp_path: Path) -> None:
    (tmp_path / "routeros").mkdir()
    (tmp_path / "routeros" / "route.rsc.j2").write_text("{% for f in fibres %}\n{{ f.no_such_field }}\n{% endfor %}\n")
    with pytest.raises(KotanetError, match=r"routeros/route\.rsc\.j2:2: undefined variable no_such_field"):
        render_route(inv, plan.route("3"), keep_radio_backup=False, template_dir=tmp_path)


def test_rendering_is_deterministic(inv: Inventory) -> None:
    first = render_all(inv)
    second = Renderer().render_all(inv)
    assert first == second



@pytest.mark.parametrize("platform", [Platform.IOS, Platform.ROUTEROS, Platform.JUNOS])
def test_every_route_renders_for_every_platform(inv: Inventory, plan: MigrationPlan, platform: Platform) -> None:
    out = render_all(inv, platform_of=platform_override(platform), plan=plan)
    assert set(out) == {r.route for r in plan.routes}
    for rp in plan.routes:
        ends = _active_ends(inv, rp)
        assert ends <= set(out[rp.route]), rp.route
        for dev_id, cfg in out[rp.route].items():
            assert cfg.platform is platform, (rp.route, dev_id)
            assert rp.route in cfg.text.splitlines()[0]
        for a in rp.addressing:  # every active end's /30 appears in its own syntax
            for ep, address in ((a.a, a.a_address), (a.b, a.b_address)):
                if ep.device not in ends:
                    continue
                text = out[rp.route][ep.device].text
                if platform is Platform.IOS:
                    assert f"ip address {address.ip} {address.netmask}" in text
                elif platform is Platform.ROUTEROS:
                    assert f"/ip address add address={address} interface={ep.interface}" in text
                else:
                    assert f"set interfaces {ep.interface} unit 0 family inet address {address}" in text


def test_platform_of_leaves_unmanaged_devices_alone(inv: Inventory) -> None:
    of = platform_override(Platform.JUNOS)
    kinds = {d.platform: of(d) for d in inv.devices}
    assert kinds[Platform.PASSIVE] is Platform.PASSIVE
    assert kinds[Platform.LINUX] is Platform.LINUX
    assert kinds[Platform.IOS] is Platform.JUNOS


def test_frr_platform_uses_the_frr_template(inv: Inventory, plan: MigrationPlan, tmp_path: Path) -> None:
    """The digital twin's hook: Platform.FRR maps to frr/route.j2 and platform_of picks it per device."""
    (tmp_path / "frr").mkdir()
    (tmp_path / "frr" / "route.j2").write_text(
        "! {{ device.id }} {{ device.platform }}\n{% for f in fibres %}{{ f.name }} {{ f.address }}\n{% endfor %}")
    out = render_route(inv, plan.route("8"), keep_radio_backup=False, template_dir=tmp_path,
                       platform_of=platform_override(Platform.FRR))
    assert out
    for dev, cfg in out.items():
        assert cfg.platform is Platform.FRR
        assert cfg.text.startswith(f"! {dev} frr\n")


def test_missing_variable_in_a_package_template_is_located(inv: Inventory, plan: MigrationPlan,
                                                           tmp_path: Path) -> None:
    """A copy of the real IOS template with one variable renamed: the error names file, line and variable."""
    import kotanet.playbooks as pkg

    src = (Path(pkg.__file__).parent / "templates" / "ios" / "route.j2").read_text()
    lines = src.splitlines()
    idx = next(i for i, line in enumerate(lines) if "{{ f.mtu }}" in line)
    lines[idx] = lines[idx].replace("f.mtu", "f.mtu_bytes")
    (tmp_path / "ios").mkdir()
    (tmp_path / "ios" / "route.j2").write_text("\n".join(lines) + "\n")
    with pytest.raises(KotanetError) as err:
        render_route(inv, plan.route("7"), keep_radio_backup=False, template_dir=tmp_path,
                     platform_of=platform_override(Platform.IOS))
    assert err.value.message == f"ios/route.j2:{idx + 1}: undefined variable mtu_bytes"


def test_a_fibre_spliced_at_a_manhole_is_addressed_on_the_router_it_is_spliced_to(inv: Inventory,
                                                                                 plan: MigrationPlan) -> None:
    """Route 14: Disdik's new fibre is spliced at Mainhole Bangbarung onto the cable to Balaikota, so
    Balaikota's port into that cable gets the closure-side address, as a secondary; both ends run OSPF's
    broadcast type (the core may share the cable's segment)."""
    rp = plan.route("14")
    [a] = rp.addressing
    assert a.spliced_at == "mh-bangbarung" and a.spliced_towards == "balaikota"
    assert a.spliced_through is not None
    assert (a.spliced_through.device, a.spliced_through.interface) == ("balaikota-r1", "GigabitEthernet0/1/1")
    closure = a.a_address if a.a.device == "mh-bangbarung-sc1" else a.b_address
    out = render_route(inv, rp, keep_radio_backup=False)
    ip, mask = str(closure.ip), str(closure.netmask)
    text = out["balaikota-r1"].text
    assert f"interface GigabitEthernet0/1/1\n ip address {ip} {mask} secondary\n" in text
    assert "description" not in text.split("interface GigabitEthernet0/1/1")[1].split("!")[0]  # left as it is
    assert "type=broadcast" in out["disdik-r1"].text
    frr = render_route(inv, rp, keep_radio_backup=False, platform_of=platform_override(Platform.FRR))
    assert f"interface GigabitEthernet0/1/1\n ip address {closure}\n!" in frr["balaikota-r1"].text
    disdik = frr["disdik-r1"].text
    assert " ip ospf network broadcast\n" in disdik and " ip ospf hello-interval 1\n" in disdik
    # OSPF starts last, with its final timers
    assert disdik.index(" ip ospf area 0.0.0.0") > disdik.index(" ip ospf dead-interval 4")


def test_the_first_fibre_into_a_manhole_has_nothing_spliced_through_yet(plan: MigrationPlan) -> None:
    """Route 9 lays the cable from Kedung Jaya to Mainhole Jalan Baru; routes 10 and 16a splice onto it."""
    [a9] = plan.route("9").addressing
    assert a9.spliced_at == "mh-jalan-baru" and a9.spliced_through is None
    assert a9.closure is not None and a9.closure.device == "mh-jalan-baru-sc1"
    for route in ("10", "16a"):
        a = next(x for x in plan.route(route).addressing if x.spliced_at)
        assert a.spliced_through is not None
        assert (a.spliced_through.device, a.spliced_through.interface) == ("kel-kedung-jaya-r1", "sfp2"), route


def test_post_checks_of_a_spliced_fibre_run_on_both_routers(plan: MigrationPlan) -> None:
    from kotanet.playbooks.checks import CheckKind, plan_checks, unchecked_ends

    rp = plan.route("14")
    [a] = rp.addressing
    closure, disdik = (a.a_address, a.b_address) if a.a.device == "mh-bangbarung-sc1" else (a.b_address, a.a_address)
    platforms = {"balaikota-r1": Platform.IOS, "disdik-r1": Platform.ROUTEROS}
    checks = plan_checks(rp, platforms)
    assert {(c.device, c.kind) for c in checks} == {(d, k) for d in platforms for k in CheckKind}
    far = {c.device: (c.interface, c.far_address) for c in checks}
    assert far["balaikota-r1"] == ("GigabitEthernet0/1/1", str(disdik.ip))
    assert far["disdik-r1"] == ("sfp1", str(closure.ip))
    assert unchecked_ends(rp, platforms) == []
    # without the router it is spliced to, Disdik's end cannot be checked: it is listed instead
    assert plan_checks(rp, {"disdik-r1": Platform.ROUTEROS}) == []
    assert unchecked_ends(rp, {"disdik-r1": Platform.ROUTEROS}) == [("disdik-r1", "sfp1", "mh-bangbarung")]
    rp9 = plan.route("9")
    assert unchecked_ends(rp9, {"kel-kedung-jaya-r1": Platform.ROUTEROS}) == [
        ("kel-kedung-jaya-r1", "sfp2", "mh-jalan-baru")]
