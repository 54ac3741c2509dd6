"""The simulated device shells and the fleet model, driven directly (no SSH): pure and fast."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from ipaddress import IPv4Address

import pytest

from kotanet.errors import KotanetError
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.playbooks.netmiko_transport import ERROR_PATTERN, config_lines
from kotanet.playbooks.render import RenderedConfig, Renderer, render_all
from kotanet.playbooks.sshsim.base import Shell
from kotanet.playbooks.sshsim.faults import DeviceFaults, faults_from_dict, faults_to_dict
from kotanet.playbooks.sshsim.fleet import Fleet
from kotanet.playbooks.sshsim.junos import JunosConfig

pytestmark = pytest.mark.unit

ERROR = re.compile(ERROR_PATTERN, re.M | re.I)
T0 = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)


@cache
def bogor() -> Inventory:
    return open_inventory(None)


@cache
def routes(keep: bool = False) -> dict[str, dict[str, RenderedConfig]]:
    return render_all(bogor(), keep_radio_backup=keep)


def session(fleet: Fleet, device: str) -> Shell:
    sh = fleet.shell(device, user="admin", enable_secret="s3cret")
    if fleet.states[device].platform is Platform.IOS:
        sh.handle("enable")
        assert sh.handle("s3cret").output == ""
        assert sh.prompt() == f"{device}#"
    return sh


def push(fleet: Fleet, device: str, text: str) -> list[str]:
    """Send a config snippet as a CLI session would; the error outputs."""
    sh = session(fleet, device)
    platform = fleet.states[device].platform
    errors = []
    if platform is Platform.IOS:
        sh.handle("configure terminal")
    elif platform is Platform.JUNOS:
        sh.handle("configure")
    for line in config_lines(text):
        out = sh.handle(line).output
        if ERROR.search(out):
            errors.append(f"{line!r}: {out.strip()}")
    if platform is Platform.IOS:
        sh.handle("end")
    elif platform is Platform.JUNOS:
        out = sh.handle("commit").output
        assert "commit complete" in out
        sh.handle("exit configuration-mode")
    return errors


@pytest.mark.parametrize("keep", [False, True], ids=["retire-radio", "keep-radio"])
def test_every_line_of_every_rendered_route_is_accepted_and_shows_in_the_config(keep: bool) -> None:
    inv = bogor()
    rendered = routes(keep)
    assert len(rendered) >= 17
    fleet = Fleet(inv, clock=lambda: T0)
    pushed = 0
    for route, devices in rendered.items():
        for device, rc in devices.items():
            assert device in fleet.states, f"route {route}: {device} is not simulated"
            assert push(fleet, device, rc.text) == [], f"route {route} on {device}"
            pushed += 1
            running = fleet.running_config(device)
            for m in re.finditer(r"address=(\S+/30) interface=(\S+)", rc.text):
                assert f"add address={m.group(1)} " in running
            for m in re.finditer(r"^ ip address (\S+) (\S+)$", rc.text, re.M):
                assert f" ip address {m.group(1)} {m.group(2)}\n" in running
            if "snmp" in rc.text:
                assert "kotanet-noc" in running
    assert pushed > 30


def junos_context(*, kept: bool) -> dict[str, object]:
    s = bogor().settings
    return {
        "route": {"id": "99", "name": "test", "action": "replace_radio"},
        "device": {"id": "disdukcapil-r1", "platform": "junos", "model": "SRX300", "role": "access_router"},
        "keep_radio_backup": kept,
        "fibres": [{"name": "ge-0/0/0", "description": "FIBRE fo-x to dc-core1 Gi0/0/9", "mtu": 1500,
                    "address": "10.255.250.1/30", "cost": 10, "secondary": False,
                    "network_type": "point-to-point"}],
        "radios": [{"name": "ge-0/0/6", "links": ["l1"], "shared": False, "kept": kept, "shared_with": [],
                    "backup_cost": 100, "description": "RETIRED or BACKUP"}],
        "ospf": {"process": 1, "area": "0.0.0.0"},
        "bfd": {"interval_ms": 300, "min_rx_ms": 300, "multiplier": 3},
        "mgmt": {"snmp_community": "kotanet-noc", "noc_servers": [str(a) for a in s.noc_servers],
                 "ntp_servers": [str(a) for a in s.ntp_servers],
                 "syslog_servers": [str(a) for a in s.syslog_servers], "timezone": s.timezone},
    }


@pytest.mark.parametrize("kept", [False, True])
def test_the_junos_template_is_accepted(kept: bool) -> None:
    # no route of the Bogor plan touches a Junos device: render the template for one with a made-up route
    fleet = Fleet(bogor(), ["disdukcapil-r1"], clock=lambda: T0)
    text = Renderer().render(Platform.JUNOS, junos_context(kept=kept))
    assert push(fleet, "disdukcapil-r1", text) == []
    running = fleet.running_config("disdukcapil-r1")
    assert "set interfaces ge-0/0/0 unit 0 family inet address 10.255.250.1/30\n" in running
    assert ("set interfaces ge-0/0/6 disable\n" in running) is not kept
    assert "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 bfd-liveness-detection multiplier 3\n" in running


@pytest.mark.parametrize(("device", "line", "expected"), [
    ("kec-bogor-selatan-r1", "ip ospf frobnicate", "% Invalid input detected at '^' marker."),
    ("kec-bogor-selatan-r1", "interface GigabitEthernet9/9/9", "% Invalid input detected at '^' marker."),
    ("kec-bogor-selatan-r1", "snmp-server community", "% Incomplete command."),
    ("inspektorat-r1", "/ip adress add address=10.0.0.1/30 interface=sfp1", "bad command name adress"),
    ("inspektorat-r1", "/ip address add address=10.0.0.1/30 interface=sfp1 colour=red", "expected end of command"),
    ("inspektorat-r1", "/ip address add address=10.0.0.1/30 interface=sfp9",
     "input does not match any value of interface"),
    ("inspektorat-r1", '/ip address add comment="unclosed', "syntax error"),
    ("disdukcapil-r1", "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 colour red", "syntax error."),
    ("disdukcapil-r1", "frobnicate", "unknown command."),
])
def test_an_unknown_line_is_refused_with_the_platform_text_and_changes_nothing(device: str, line: str,
                                                                               expected: str) -> None:
    fleet = Fleet(bogor(), [device], clock=lambda: T0)
    before = fleet.running_config(device)
    sh = session(fleet, device)
    platform = fleet.states[device].platform
    if platform is Platform.IOS:
        sh.handle("configure terminal")
        sh.handle("interface GigabitEthernet0/1/0")
    elif platform is Platform.JUNOS:
        sh.handle("configure")
    out = sh.handle(line).output
    assert expected in out
    if platform is Platform.IOS and "Invalid" in expected:
        caret = out.splitlines()[0]
        assert caret.strip() == "^"
    if platform is Platform.JUNOS:
        assert "commit complete" in sh.handle("commit").output
    assert fleet.running_config(device) == before


def test_ios_running_config_is_canonical_whatever_the_order() -> None:
    fleet = Fleet(bogor(), ["kec-bogor-selatan-r1"], clock=lambda: T0)
    before = fleet.running_config("kec-bogor-selatan-r1")
    push(fleet, "kec-bogor-selatan-r1", "ntp server 10.9.9.2\nntp server 10.9.9.1\ninterface GigabitEthernet0/1/0\n"
                                        " shutdown\n mtu 1600\n")
    changed = fleet.running_config("kec-bogor-selatan-r1")
    assert changed.index("ntp server 10.9.9.1") < changed.index("ntp server 10.9.9.2")
    push(fleet, "kec-bogor-selatan-r1", "no ntp server 10.9.9.1\nno ntp server 10.9.9.2\n"
                                        "interface GigabitEthernet0/1/0\n no mtu\n no shutdown\n")
    assert fleet.running_config("kec-bogor-selatan-r1") == before


def test_routeros_add_set_remove_change_the_export() -> None:
    fleet = Fleet(bogor(), ["inspektorat-r1"], clock=lambda: T0)
    assert push(fleet, "inspektorat-r1", "/ip address add address=10.9.0.1/30 interface=sfp2 comment=\"a b\"\n"
                                         "/interface ethernet set [find default-name=sfp2] mtu=1600\n"
                                         "/system ntp client set enabled=yes servers=10.20.0.1\n") == []
    export = fleet.running_config("inspektorat-r1")
    assert '/ip address\nadd address=10.9.0.1/30 comment="a b" interface=sfp2 network=10.9.0.0\n' in export
    assert "mtu=1600" in export
    assert "/system ntp client\nset enabled=yes servers=10.20.0.1\n" in export
    assert push(fleet, "inspektorat-r1", "/ip address remove [find address=10.9.0.1/30]\n") == []
    assert "10.9.0.1/30" not in fleet.running_config("inspektorat-r1")


def _route1(fleet: Fleet, faults: DeviceFaults | None = None) -> tuple[Shell, Shell]:
    for device, rc in routes()["1"].items():
        assert push(fleet, device, rc.text) == []
    if faults is not None:
        fleet.set_faults("inspektorat-r1", faults)
    return session(fleet, "kec-bogor-selatan-r1"), session(fleet, "inspektorat-r1")


def test_the_new_fibre_comes_up_with_ospf_ping_and_traffic_once_both_ends_are_configured() -> None:
    fleet = Fleet(bogor(), ["kec-bogor-selatan-r1", "inspektorat-r1", "inspektorat-cpe1", "kec-bogor-selatan-ap1"],
                  clock=lambda: T0)
    ios = session(fleet, "kec-bogor-selatan-r1")
    assert "Success rate is 0 percent" in ios.handle("ping 10.255.0.2").output
    assert "10.255.0.2" not in ios.handle("show ip ospf neighbor").output
    ios, ros = _route1(fleet)
    shown = ios.handle("show interfaces GigabitEthernet0/1/0").output
    assert "GigabitEthernet0/1/0 is up, line protocol is up" in shown
    assert re.search(r"^10\.20\.2\.13 .*FULL.*10\.255\.0\.2\s+GigabitEthernet0/1/0$",
                     ios.handle("show ip ospf neighbor").output, re.M)
    assert "Success rate is 100 percent (5/5)" in ios.handle("ping 10.255.0.2 repeat 5").output
    assert "sent=5 received=5" in ros.handle("/ping 10.255.0.1 count=5").output
    assert 'interface=sfp1 router-id=10.20.3.13 state="Full"' in ros.handle(
        "/routing ospf neighbor print detail where interface=sfp1").output
    first = re.findall(r"(\d+) packets input", ios.handle("show interfaces GigabitEthernet0/1/0").output)
    second = re.findall(r"(\d+) packets input", ios.handle("show interfaces GigabitEthernet0/1/0").output)
    assert int(second[0]) > int(first[0])
    # the retired radio is down on the CPE and gone from OSPF
    cpe = session(fleet, "inspektorat-cpe1")
    assert re.search(r"^\s*\d+ X\s+wlan1 ", cpe.handle("/interface print where name=wlan1").output, re.M)


def test_a_dead_optic_keeps_the_fibre_down_on_both_ends() -> None:
    fleet = Fleet(bogor(), ["kec-bogor-selatan-r1", "inspektorat-r1", "inspektorat-cpe1", "kec-bogor-selatan-ap1"],
                  clock=lambda: T0)
    ios, ros = _route1(fleet, DeviceFaults(down_interfaces=("sfp1",)))
    assert "GigabitEthernet0/1/0 is down, line protocol is down" in ios.handle(
        "show interfaces GigabitEthernet0/1/0").output
    assert "Success rate is 0 percent" in ios.handle("ping 10.255.0.2").output
    assert "GigabitEthernet0/1/0" not in ios.handle("show ip ospf neighbor").output
    assert "received=0" in ros.handle("/ping 10.255.0.1 count=3").output
    stats = ros.handle("/interface print stats where name=sfp1").output
    assert re.search(r"^\s*\d+\s+sfp1\s+0\s+0\s+0\s+0$", stats, re.M), stats
    assert not fleet.ping("kec-bogor-selatan-r1", IPv4Address("10.255.0.2"))


def test_junos_commit_confirmed_rolls_back_unless_confirmed() -> None:
    now = [T0]
    fleet = Fleet(bogor(), ["disdukcapil-r1"], clock=lambda: now[0])
    sh = session(fleet, "disdukcapil-r1")
    before = fleet.running_config("disdukcapil-r1")
    assert "Entering configuration mode" in sh.handle("configure").output
    sh.handle("set system ntp server 10.20.0.1")
    assert "+   server 10.20.0.1;" in sh.handle("show | compare").output
    assert "configuration check succeeds" in sh.handle("commit check").output
    assert fleet.running_config("disdukcapil-r1") == before
    out = sh.handle("commit confirmed 5").output
    assert "automatically rolled back in 5 minutes" in out
    assert "ntp server 10.20.0.1" in fleet.running_config("disdukcapil-r1")
    now[0] = T0 + dt.timedelta(minutes=6)
    assert fleet.expire_confirms() == ["disdukcapil-r1"]
    assert fleet.running_config("disdukcapil-r1") == before
    # confirmed in time: it stays
    now[0] = T0
    sh.handle("set system ntp server 10.20.0.2")
    sh.handle("commit confirmed 5")
    assert "commit complete" in sh.handle("commit").output
    now[0] = T0 + dt.timedelta(minutes=60)
    assert fleet.expire_confirms() == []
    assert "ntp server 10.20.0.2" in fleet.running_config("disdukcapil-r1")
    sh.handle("rollback 1")
    sh.handle("commit")
    assert "ntp server 10.20.0.2" not in fleet.running_config("disdukcapil-r1")
    assert "uncommitted" not in sh.handle("exit configuration-mode").output
    assert isinstance(fleet.states["disdukcapil-r1"].config, JunosConfig)


def test_uncommitted_junos_changes_are_dropped_on_exit() -> None:
    fleet = Fleet(bogor(), ["disdukcapil-r1"], clock=lambda: T0)
    sh = session(fleet, "disdukcapil-r1")
    sh.handle("configure")
    sh.handle("set system ntp server 10.20.0.9")
    assert "changed but not committed" in sh.handle("exit configuration-mode").output
    assert sh.prompt() == "Exit with uncommitted changes? [yes,no] (yes) "
    assert "Exiting configuration mode" in sh.handle("yes").output
    sh.handle("configure")
    assert sh.handle("show | compare").output.strip() == "[edit]"


def test_faults_reject_a_line_and_drop_the_session() -> None:
    fleet = Fleet(bogor(), ["kec-bogor-selatan-r1"], clock=lambda: T0,
                  faults={"kec-bogor-selatan-r1": DeviceFaults(reject_line=r"^ntp ", drop_after_lines=2)})
    sh = session(fleet, "kec-bogor-selatan-r1")
    sh.handle("configure terminal")
    assert "% Invalid input" in sh.handle("ntp server 10.1.1.1").output
    assert not sh.handle("logging host 10.1.1.1").close
    assert not sh.handle("logging host 10.1.1.2").close
    assert sh.handle("logging host 10.1.1.3").close
    running = fleet.running_config("kec-bogor-selatan-r1")
    assert "logging host 10.1.1.2" in running and "10.1.1.3" not in running and "ntp server 10.1.1.1" not in running


def test_fault_files_are_checked() -> None:
    f = faults_from_dict({"reject_line": "snmp", "down_interfaces": ["sfp1"]})
    assert f == DeviceFaults(reject_line="snmp", down_interfaces=("sfp1",))
    assert faults_to_dict(f) == {"reject_line": "snmp", "down_interfaces": ["sfp1"]}
    with pytest.raises(KotanetError, match="unknown fault colour"):
        faults_from_dict({"colour": "red"})
    with pytest.raises(KotanetError, match="not a regular expression"):
        DeviceFaults(reject_line="(")


def test_devices_outside_the_inventory_or_without_a_shell_are_refused() -> None:
    with pytest.raises(KotanetError, match="not in the inventory"):
        Fleet(bogor(), ["no-such-router"])
    linux = next(d.id for d in bogor().devices if d.platform is Platform.LINUX)
    with pytest.raises(KotanetError, match="no shell for their platform"):
        Fleet(bogor(), [linux])


def test_junos_root_starts_in_the_unix_shell_and_cli_enters_the_junos_cli() -> None:
    fleet = Fleet(bogor(), ["disdukcapil-r1"], clock=lambda: T0)
    sh = fleet.shell("disdukcapil-r1", user="root", enable_secret="")
    assert sh.prompt() == "root@disdukcapil-r1:~ # "
    assert "not found" in sh.handle("show version").output
    sh.handle("cli")
    assert sh.prompt() == "root@disdukcapil-r1> "
    assert "Hostname: disdukcapil-r1" in sh.handle("show version").output
    sh.handle("exit")
    assert sh.prompt() == "root@disdukcapil-r1:~ # "
    assert sh.handle("exit").close


def test_junos_show_configuration_is_the_brace_hierarchy() -> None:
    fleet = Fleet(bogor(), ["disdukcapil-r1"], clock=lambda: T0)
    out = session(fleet, "disdukcapil-r1").handle("show configuration").output
    assert ("    ge-0/0/6 {\n        description \"to dc [fo-dc--disdukcapil]\";\n        unit 0 {\n"
            "            family inet {\n                address 10.30.0.34/30;\n") in out
    assert "        area 0.0.0.0 {\n            interface ge-0/0/6.0 {\n                interface-type p2p;\n" in out
