"""Post-check parsers, credentials and backups of the playbooks (kotanet.playbooks.{checks,credentials,backups})."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kotanet.errors import KotanetError
from kotanet.inventory.choices import Platform
from kotanet.playbooks.backups import BackupStore
from kotanet.playbooks.checks import CheckKind, PostCheck, evaluate
from kotanet.playbooks.credentials import load_credentials

pytestmark = pytest.mark.unit

AT = dt.datetime(2026, 11, 24, 1, 2, 3, tzinfo=dt.UTC)


def _check(platform: Platform, kind: CheckKind, itf: str = "GigabitEthernet0/1/0") -> PostCheck:
    return PostCheck(device="r1", platform=platform, kind=kind, interface=itf, far_address="10.255.0.30",
                     commands=("x",))


IOS_SHOW_INT = """GigabitEthernet0/1/0 is {s}, line protocol is {p}{sp}
  Hardware is ISR4331-3x1GE, address is 00a3.8e1b.0001 (bia 00a3.8e1b.0001)
  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,
     {i} packets input, 123456 bytes, 0 no buffer
     {o} packets output, 654321 bytes, 0 underruns
"""
IOS_OSPF = """
Neighbor ID     Pri   State           Dead Time   Address         Interface
10.254.0.7      0     FULL/  -        00:00:36    10.255.0.30     GigabitEthernet0/1/0
10.254.0.9      0     INIT/  -        00:00:36    10.255.0.2      GigabitEthernet0/0/1
"""


@pytest.mark.parametrize(("status", "proto", "passed"), [
    ("up", "up", True), ("down", "down", False), ("administratively down", "down", False), ("up", "down", False)])
def test_ios_interface_up(status: str, proto: str, passed: bool) -> None:
    out = IOS_SHOW_INT.format(s=status, p=proto, i=1, o=1, sp=" ")
    assert evaluate(_check(Platform.IOS, CheckKind.INTERFACE_UP), [out]).passed is passed


def test_ios_ospf_full_on_the_fibre_only() -> None:
    assert evaluate(_check(Platform.IOS, CheckKind.OSPF_FULL), [IOS_OSPF]).passed
    other = PostCheck(device="r1", platform=Platform.IOS, kind=CheckKind.OSPF_FULL, interface="GigabitEthernet0/0/1",
                      far_address="10.255.0.2", commands=("x",))
    assert not evaluate(other, [IOS_OSPF]).passed  # INIT is not FULL
    assert not evaluate(_check(Platform.IOS, CheckKind.OSPF_FULL), ["\nNeighbor ID  Pri  State\n"]).passed


@pytest.mark.parametrize(("out", "passed"), [
    ("Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/2 ms", True),
    ("Success rate is 80 percent (4/5), round-trip min/avg/max = 1/1/2 ms", True),
    ("Success rate is 40 percent (2/5)", False),
    ("Success rate is 0 percent (0/5)", False),
    ("% Unrecognized host or address", False),
])
def test_ios_ping(out: str, passed: bool) -> None:
    assert evaluate(_check(Platform.IOS, CheckKind.PING), [out]).passed is passed


def test_ios_traffic_needs_both_counters_to_grow() -> None:
    check = _check(Platform.IOS, CheckKind.TRAFFIC)
    first = IOS_SHOW_INT.format(s="up", p="up", i=100, o=200, sp=" ")
    assert evaluate(check, [first, IOS_SHOW_INT.format(s="up", p="up", i=150, o=260, sp="")]).passed
    assert not evaluate(check, [first, IOS_SHOW_INT.format(s="up", p="up", i=150, o=200, sp="")]).passed
    assert not evaluate(check, [first, first]).passed
    assert not evaluate(check, [first]).passed
    assert not evaluate(check, ["", ""]).passed


ROS_INT = """Flags: D - dynamic; X - disabled; R - running; S - slave
 0 {flags}  name="sfp1" default-name="sfp1" type="ether" mtu=1500 actual-mtu=1500
"""


@pytest.mark.parametrize(("flags", "passed"), [("R", True), (" ", False), ("X", False), ("XR", False)])
def test_routeros_interface_running(flags: str, passed: bool) -> None:
    out = ROS_INT.format(flags=flags)
    assert evaluate(_check(Platform.ROUTEROS, CheckKind.INTERFACE_UP, "sfp1"), [out]).passed is passed


def test_routeros_ospf_ping_and_counters() -> None:
    ospf = ' 0 instance=default-v2 area=backbone address=10.255.0.30 interface=sfp1 router-id=10.254.0.7 ' \
           'state="Full" state-changes=5 adjacency=5m\n'
    assert evaluate(_check(Platform.ROUTEROS, CheckKind.OSPF_FULL, "sfp1"), [ospf]).passed
    assert not evaluate(_check(Platform.ROUTEROS, CheckKind.OSPF_FULL, "sfp1"),
                        [ospf.replace('"Full"', '"Init"')]).passed
    ping = "  SEQ HOST                                     SIZE TTL TIME       STATUS\n" \
           "    sent=5 received=5 packet-loss=0% min-rtt=1ms avg-rtt=1ms max-rtt=2ms\n"
    assert evaluate(_check(Platform.ROUTEROS, CheckKind.PING, "sfp1"), [ping]).passed
    assert not evaluate(_check(Platform.ROUTEROS, CheckKind.PING, "sfp1"),
                        [ping.replace("received=5", "received=0")]).passed
    a = ' 0 R name="sfp1" rx-byte=1 234 567 tx-byte=7 654 321 rx-packet=12 345 tx-packet=23 456\n'
    b = ' 0 R name="sfp1" rx-byte=1 334 567 tx-byte=7 754 321 rx-packet=12 400 tx-packet=23 500\n'
    res = evaluate(_check(Platform.ROUTEROS, CheckKind.TRAFFIC, "sfp1"), [a, b])
    assert res.passed and "12345->12400" in res.detail


def test_junos_checks() -> None:
    terse = "Interface               Admin Link Proto    Local                 Remote\n" \
            "ge-0/0/1                up    up\nge-0/0/1.0              up    up   inet     10.255.0.29/30\n"
    assert evaluate(_check(Platform.JUNOS, CheckKind.INTERFACE_UP, "ge-0/0/1"), [terse]).passed
    assert not evaluate(_check(Platform.JUNOS, CheckKind.INTERFACE_UP, "ge-0/0/1"),
                        [terse.replace("up    up\nge", "up    down\nge")]).passed
    ospf = "Address          Interface              State     ID               Pri  Dead\n" \
           "10.255.0.30      ge-0/0/1.0             Full      10.254.0.7       128    33\n"
    assert evaluate(_check(Platform.JUNOS, CheckKind.OSPF_FULL, "ge-0/0/1"), [ospf]).passed
    ping = "--- 10.255.0.30 ping statistics ---\n5 packets transmitted, 5 packets received, 0% packet loss\n"
    assert evaluate(_check(Platform.JUNOS, CheckKind.PING, "ge-0/0/1"), [ping]).passed
    a = "  Traffic statistics:\n   Input  bytes  :  1000\n   Output bytes  :  2000\n" \
        "   Input  packets:  10\n   Output packets:  20\n"
    b = a.replace(":  10\n", ":  15\n").replace(":  20\n", ":  25\n")
    assert evaluate(_check(Platform.JUNOS, CheckKind.TRAFFIC, "ge-0/0/1"), [a, b]).passed


# -- credentials ------------------------------------------------------------------------------------
SECRET = "correct-horse-battery"


def _secrets(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "device-secrets.yaml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_secrets_file_default_and_per_device(tmp_path: Path) -> None:
    path = _secrets(tmp_path, f"default: {{username: noc, password: {SECRET}}}\n"
                              "devices:\n  r2: {username: admin, password: other, secret: en}\n")
    src = load_credentials(path, env={})
    assert src.for_device("r1").username == "noc"
    assert src.for_device("r1").password.get_secret_value() == SECRET
    r2 = src.for_device("r2")
    assert (r2.username, r2.password.get_secret_value()) == ("admin", "other")
    assert r2.secret is not None and r2.secret.get_secret_value() == "en"
    assert SECRET not in repr(src) and SECRET not in repr(src.for_device("r1"))


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_secrets_file_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = _secrets(tmp_path, f"default: {{username: noc, password: {SECRET}}}\n", mode)
    with pytest.raises(KotanetError) as err:
        load_credentials(path, env={})
    assert err.value.hint == f"chmod 600 {path}"
    assert SECRET not in str(err.value)


def test_bad_secrets_file_never_echoes_the_password(tmp_path: Path) -> None:
    path = _secrets(tmp_path, f"default: {{username: noc, password: {SECRET}, colour: red}}\n")
    with pytest.raises(KotanetError) as err:
        load_credentials(path, env={})
    assert "default.colour" in err.value.message
    assert SECRET not in str(err.value)
    path = _secrets(tmp_path, f"default: {{password: {SECRET}}}\n")
    with pytest.raises(KotanetError, match=r"default\.username") as err2:
        load_credentials(path, env={})
    assert SECRET not in str(err2.value)


def test_environment_then_default_file(tmp_path: Path) -> None:
    env = {"KOTANET_DEVICE_USERNAME": "envuser", "KOTANET_DEVICE_PASSWORD": SECRET, "KOTANET_HOME": str(tmp_path)}
    src = load_credentials(None, env=env)
    assert src.origin == "environment"
    assert src.for_device("anything").username == "envuser"
    _secrets(tmp_path, "default: {username: fileuser, password: p}\n")
    assert load_credentials(None, env=env).for_device("x").username == "envuser"  # env wins over the default file
    no_env = {"KOTANET_HOME": str(tmp_path)}
    assert load_credentials(None, env=no_env).for_device("x").username == "fileuser"
    (tmp_path / "device-secrets.yaml").unlink()
    with pytest.raises(KotanetError, match="no device credentials"):
        load_credentials(None, env=no_env)


# -- backups ----------------------------------------------------------------------------------------
def test_backups_are_private_hashed_and_listed(tmp_path: Path) -> None:
    import hashlib

    store = BackupStore(tmp_path / "b")
    one = store.save("r1", "hostname r1\n", AT)
    two = store.save("r1", "hostname r1\ninterface x\n", AT)  # same second: both kept
    other = store.save("r2", "x\n", AT + dt.timedelta(hours=1))
    assert one.path.name == "20261124T010203Z.cfg"
    assert two.path.name == "20261124T010203Z-1.cfg"
    assert one.sha256 == hashlib.sha256(b"hostname r1\n").hexdigest()
    assert (one.path.stat().st_mode & 0o777) == 0o600
    assert one.path.with_name(one.path.name + ".sha256").read_text() == f"{one.sha256}  {one.path.name}\n"
    assert [b.path for b in store.list()] == [one.path, two.path, other.path]
    assert [b.path for b in store.list("r2")] == [other.path]
    assert store.list("nobody") == []
    assert store.latest("r1") == two
    assert all(b.verify() for b in store.list())
    one.path.write_text("hostname evil\n")
    assert not store.list("r1")[0].verify()
    assert not [p for p in (tmp_path / "b" / "r1").iterdir() if p.name.startswith(".")]  # no temp files left


def test_backup_refuses_an_unsafe_device_name(tmp_path: Path) -> None:
    with pytest.raises(KotanetError, match="safe file name"):
        BackupStore(tmp_path).save("../etc", "x", AT)
    assert os.listdir(tmp_path) == []


# -- FRR (the digital twin's vtysh): outputs captured from FRR 8.4.4 on Debian 12 --------------------------
FRR_SHOW_INT = """Interface kxa0 is {s}, line protocol is {p}
  Link ups:       0    last: (never)
  Link downs:     0    last: (never)
  vrf: default
  index 2 metric 0 mtu 1500 speed 10000
  flags: <UP,BROADCAST,RUNNING,MULTICAST>
  inet 10.8.8.1/30
"""
FRR_OSPF = """
Neighbor ID     Pri State           Up Time         Dead Time Address         Interface                        RXmtL
10.9.9.2          1 Full/DR         1.026s             3.973s 10.255.0.30     kxa0:10.255.0.29                     1
10.9.9.7          1 ExStart/DR      2.100s             3.100s 10.255.0.2      kxb0:10.255.0.1                      1
"""  # (the last two columns, RqstL and DBsmL, cut to fit the line length)
FRR_BFD = """BFD Peers:
	peer 10.255.0.30 vrf default interface kxa0
		Control packet input: {i} packets
		Control packet output: {o} packets
		Echo packet input: 0 packets
		Echo packet output: 0 packets
		Session up events: 1
"""
LINUX_PING = """PING 10.255.0.30 (10.255.0.30) 56(84) bytes of data.
64 bytes from 10.255.0.30: icmp_seq=1 ttl=64 time=0.051 ms

--- 10.255.0.30 ping statistics ---
5 packets transmitted, {n} received, {loss}% packet loss, time 803ms
"""


@pytest.mark.parametrize(("status", "proto", "passed"), [("up", "up", True), ("up", "down", False),
                                                          ("down", "down", False)])
def test_frr_interface_up(status: str, proto: str, passed: bool) -> None:
    out = FRR_SHOW_INT.format(s=status, p=proto)
    assert evaluate(_check(Platform.FRR, CheckKind.INTERFACE_UP, "kxa0"), [out]).passed is passed
    assert not evaluate(_check(Platform.FRR, CheckKind.INTERFACE_UP, "kxa"), [out]).passed  # another name


def test_frr_ospf_ping_and_bfd_counters() -> None:
    assert evaluate(_check(Platform.FRR, CheckKind.OSPF_FULL, "kxa0"), [FRR_OSPF]).passed
    assert not evaluate(_check(Platform.FRR, CheckKind.OSPF_FULL, "kxb0"),
                        [FRR_OSPF.replace("10.255.0.30", "10.255.0.99")]).passed  # ExStart is not FULL
    assert evaluate(_check(Platform.FRR, CheckKind.PING, "kxa0"), [LINUX_PING.format(n=5, loss=0)]).passed
    assert evaluate(_check(Platform.FRR, CheckKind.PING, "kxa0"), [LINUX_PING.format(n=4, loss=20)]).passed
    assert not evaluate(_check(Platform.FRR, CheckKind.PING, "kxa0"), [LINUX_PING.format(n=1, loss=80)]).passed
    grew = evaluate(_check(Platform.FRR, CheckKind.TRAFFIC, "kxa0"),
                    [FRR_BFD.format(i=17, o=18), FRR_BFD.format(i=24, o=25)])
    assert grew.passed and "17->24" in grew.detail
    assert not evaluate(_check(Platform.FRR, CheckKind.TRAFFIC, "kxa0"),
                        [FRR_BFD.format(i=17, o=18), FRR_BFD.format(i=17, o=25)]).passed


# -- remediation (rollback) and the merged future, where hier_config needs help -----------------------------
def test_ios_rollback_removes_a_secondary_address_and_merging_it_twice_changes_nothing() -> None:
    from kotanet.playbooks.netmiko_transport import ios_future, ios_remediation

    before = "interface Gi0/1/1\n description to mh\n ip address 10.30.0.1 255.255.255.252\n ip ospf cost 10\n"
    after = before.replace("255.255.255.252\n", "255.255.255.252\n ip address 10.255.0.57 255.255.255.252 secondary\n")
    assert ios_remediation(Platform.IOS, after, before) == [
        "interface Gi0/1/1", "  no ip address 10.255.0.57 255.255.255.252 secondary", "  exit"]
    assert ios_remediation(Platform.IOS, before, after) == [
        "interface Gi0/1/1", "  ip address 10.255.0.57 255.255.255.252 secondary", "  exit"]
    again = "interface Gi0/1/1\n ip address 10.255.0.57 255.255.255.252 secondary\n"
    assert ios_future(Platform.IOS, after, again).split() == after.split()


def test_frr_rollback_negates_what_frr_refuses_to_delete() -> None:
    from kotanet.playbooks.netmiko_transport import ios_remediation

    backup = "interface kn15fa\n description old\n ip address 10.30.0.1/30\n"
    running = ("interface kn15fa\n description new\n ip address 10.30.0.1/30\n ip address 10.255.0.57/30\n"
               "interface kn152fb\n description FIBRE x\n ip address 10.255.0.58/30\n ip ospf bfd\n"
               " ip ospf bfd profile kotanet-fibre\n ip ospf area 0.0.0.0\n")
    rem = ios_remediation(Platform.FRR, running, backup)
    assert "no interface kn152fb" not in rem  # FRR keeps an interface the kernel has
    new = rem[rem.index("interface kn152fb") + 1:]
    new = new[:new.index("  exit")]
    assert new == ["  no ip ospf area 0.0.0.0", "  no ip ospf bfd profile kotanet-fibre", "  no ip ospf bfd",
                   "  no ip address 10.255.0.58/30", "  no description"]
    old = rem[rem.index("interface kn15fa") + 1:]
    assert "  no ip address 10.255.0.57/30" in old[:old.index("  exit")]
    assert "  description old" in old[:old.index("  exit")]
    assert not any(line.startswith("  no description ") for line in rem)
