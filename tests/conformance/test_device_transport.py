"""The one conformance suite every DeviceTransport passes.

Each test runs once per transport:

- `netmiko-ios`, `netmiko-routeros`, `netmiko-junos`: netmiko's real drivers over SSH against the stateful
  simulator (`kotanet.playbooks.sshsim`) on loopback, pushing a real rendered route config of the Bogor
  dataset. Tier `cli` (a few SSH logins per test).
- `fleet-routeros`: the same CLI logic over the simulator's shells without SSH (`MemoryFleet`). Tier `unit`.
- `memory`: the bare dict-of-configs transport (`MemoryDevices`). Tier `unit`.

- `napalm-ios`: napalm's IOS driver against the simulator, for what it can do without SCP (session,
  `get_config`, authentication and reachability errors, no credential in any error). Its config methods need
  SCP and the archive feature, which no simulator has: they skip here and run against napalm's own `mock`
  driver in tests/unit/test_napalm_transport.py. Tier `cli`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache

import pytest
from pydantic import SecretStr

from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.playbooks.memory_transport import MemoryDevices, MemoryFleet
from kotanet.playbooks.netmiko_transport import NetmikoOptions, NetmikoTransport, clean_running_config
from kotanet.playbooks.render import RenderedConfig, Renderer, render_all
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, DeviceTransport, FailureKind, TransportError


@cache
def bogor() -> Inventory:
    return open_inventory(None)


@cache
def rendered() -> dict[str, dict[str, RenderedConfig]]:
    return render_all(bogor())


def junos_context(device: str) -> dict[str, object]:
    """A route context for a Junos device. No route of the Bogor plan touches one of its Junos devices, so the
    Junos template is rendered here for disdukcapil-r1 with a new fibre on ge-0/0/0 and ge-0/0/6 kept as backup."""
    s = bogor().settings
    return {
        "route": {"id": "99", "name": "test route", "action": "replace_radio"},
        "device": {"id": device, "platform": "junos", "model": "SRX300", "role": "access_router"},
        "keep_radio_backup": True,
        "fibres": [{"name": "ge-0/0/0", "description": "FIBRE fo-test to dc-core1 GigabitEthernet0/0/9",
                    "mtu": 1500, "address": "10.255.250.1/30", "cost": 10, "secondary": False,
                    "network_type": "point-to-point"}],
        "radios": [{"name": "ge-0/0/6", "links": ["fo-dc--disdukcapil"], "shared": False, "kept": True,
                    "shared_with": [], "backup_cost": 100, "description": "BACKUP link for route 99"}],
        "ospf": {"process": 1, "area": "0.0.0.0"},
        "bfd": {"interval_ms": 300, "min_rx_ms": 300, "multiplier": 3},
        "mgmt": {"snmp_community": "kotanet-noc", "noc_servers": [str(a) for a in s.noc_servers],
                 "ntp_servers": [str(a) for a in s.ntp_servers],
                 "syslog_servers": [str(a) for a in s.syslog_servers], "timezone": s.timezone},
    }


def route_config(device: str) -> RenderedConfig:
    for devices in rendered().values():
        if device in devices:
            return devices[device]
    dev = bogor().device(device)
    if dev is not None and dev.platform is Platform.JUNOS:
        return RenderedConfig(device, Platform.JUNOS, Renderer().render(Platform.JUNOS, junos_context(device)))
    raise AssertionError(f"no route touches {device}")


@dataclass
class Harness:
    name: str
    endpoint: DeviceEndpoint
    make: Callable[[DeviceEndpoint], DeviceTransport]
    device_config: Callable[[], str]          # what the device itself holds, read without the transport
    set_faults: Callable[[DeviceFaults], None]
    candidate: str
    reject_pattern: str                       # matches exactly one line of `candidate`
    applied_marker: str                       # text the running config shows once `candidate` is applied
    config_ops: bool = True                   # False: the peer cannot take a candidate (napalm IOS: no SCP)

    def need_config_ops(self) -> None:
        if not self.config_ops:
            pytest.skip("napalm's IOS driver stages a candidate with SCP and the archive feature, which the "
                        "simulator lacks; tests/unit/test_napalm_transport.py covers it with napalm's mock driver")

    def transport(self, endpoint: DeviceEndpoint | None = None) -> DeviceTransport:
        return self.make(endpoint or self.endpoint)

    @property
    def password(self) -> str:
        assert self.endpoint.credentials is not None
        return self.endpoint.credentials.password.get_secret_value()


# Which device of which platform each SSH/fleet case drives, what line it makes the device reject, and a text
# the running config shows only once the route's config is applied.
CASES = {
    Platform.IOS: ("kec-bogor-selatan-r1", r"^snmp-server host ", "ip address 10.255.0.1 255.255.255.252"),
    Platform.ROUTEROS: ("inspektorat-r1", r"^/routing bfd configuration add interfaces=sfp1 ",
                        "add address=10.255.0.2/30"),
    Platform.JUNOS: ("disdukcapil-r1", r"^set snmp community ", "family inet address 10.255.250.1/30"),
}


def _ssh_harness(platform: Platform) -> Iterator[Harness]:
    from kotanet.playbooks.sshsim.server import SshFleet

    device, reject, marker = CASES[platform]
    with SshFleet(bogor(), [device]) as fleet:
        yield Harness(
            name=f"netmiko-{platform.value}", endpoint=fleet.endpoints[device],
            make=lambda ep: NetmikoTransport(ep, options=NetmikoOptions(read_timeout=10)),
            device_config=lambda: clean_running_config(platform, fleet.running_config(device)),
            set_faults=lambda f: fleet.set_faults(device, f),
            candidate=route_config(device).text, reject_pattern=reject, applied_marker=marker)


def _napalm_harness() -> Iterator[Harness]:
    from kotanet.playbooks.napalm_transport import NapalmTransport
    from kotanet.playbooks.sshsim.server import SshFleet

    device, reject, marker = CASES[Platform.IOS]
    with SshFleet(bogor(), [device]) as fleet:
        yield Harness(
            name="napalm-ios", endpoint=fleet.endpoints[device], make=lambda ep: NapalmTransport(ep, timeout=10),
            device_config=lambda: clean_running_config(Platform.IOS, fleet.running_config(device)),
            set_faults=lambda f: fleet.set_faults(device, f),
            candidate=route_config(device).text, reject_pattern=reject, applied_marker=marker, config_ops=False)


def _fleet_harness(platform: Platform) -> Iterator[Harness]:
    device, reject, marker = CASES[platform]
    mf = MemoryFleet(bogor(), [device])
    yield Harness(
        name=f"fleet-{platform.value}", endpoint=mf.endpoints[device], make=mf.transport,
        device_config=lambda: clean_running_config(platform, mf.running_config(device)),
        set_faults=lambda f: mf.set_faults(device, f),
        candidate=route_config(device).text, reject_pattern=reject, applied_marker=marker)


def _memory_harness() -> Iterator[Harness]:
    creds = Credentials(username="noc", password=SecretStr("memory-secret-7f3a"))
    devices = MemoryDevices({"r1": "hostname r1\ninterface ether1\n"}, credentials=creds)
    yield Harness(
        name="memory", endpoint=devices.endpoints["r1"], make=devices.transport,
        device_config=lambda: devices.running_config("r1"),
        set_faults=lambda f: devices.set_faults("r1", f),
        candidate="! comment\nntp server 10.20.0.1\nlogging host 10.20.0.50\nsnmp-server community x RO\n",
        reject_pattern=r"^logging host", applied_marker="ntp server 10.20.0.1")


@pytest.fixture(params=[
    pytest.param("netmiko-ios", marks=pytest.mark.cli),
    pytest.param("netmiko-routeros", marks=pytest.mark.cli),
    pytest.param("netmiko-junos", marks=pytest.mark.cli),
    pytest.param("napalm-ios", marks=pytest.mark.cli),
    pytest.param("fleet-ios", marks=pytest.mark.unit),
    pytest.param("fleet-routeros", marks=pytest.mark.unit),
    pytest.param("fleet-junos", marks=pytest.mark.unit),
    pytest.param("memory", marks=pytest.mark.unit),
])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    kind: str = request.param
    if kind == "memory":
        yield from _memory_harness()
        return
    if kind == "napalm-ios":
        yield from _napalm_harness()
        return
    family, _, plat = kind.partition("-")
    platform = Platform(plat)
    if family == "netmiko":
        yield from _ssh_harness(platform)
    else:
        yield from _fleet_harness(platform)


def _failure(fn: Callable[[], object]) -> TransportError:
    with pytest.raises(TransportError) as info:
        fn()
    return info.value


# -- the life of one change ---------------------------------------------------------------------------------
def test_running_config_is_what_the_device_holds(harness: Harness) -> None:
    t = harness.transport()
    t.open()
    try:
        assert t.get_running_config() == harness.device_config()
    finally:
        t.close()


def test_compare_shows_the_change_and_changes_nothing(harness: Harness) -> None:
    harness.need_config_ops()
    before = harness.device_config()
    t = harness.transport()
    t.open()
    t.load_merge_candidate(harness.candidate)
    diff = t.compare_config()
    assert diff.strip()
    assert harness.device_config() == before
    t.discard_config()
    assert t.compare_config() == ""
    assert harness.device_config() == before
    t.close()


def test_commit_applies_and_is_idempotent(harness: Harness) -> None:
    harness.need_config_ops()
    before = harness.device_config()
    assert harness.applied_marker not in before
    t = harness.transport()
    t.open()
    t.load_merge_candidate(harness.candidate)
    t.commit_config()
    after = harness.device_config()
    assert after != before
    assert harness.applied_marker in after
    assert t.get_running_config() == after
    t.load_merge_candidate(harness.candidate)
    assert t.compare_config() == "", "the same candidate again changes nothing"
    t.close()


def test_rollback_restores_the_config_exactly(harness: Harness) -> None:
    harness.need_config_ops()
    before = harness.device_config()
    t = harness.transport()
    t.open()
    backup = t.get_running_config()
    t.load_merge_candidate(harness.candidate)
    t.commit_config()
    assert harness.device_config() != before
    t.rollback()
    assert harness.device_config() == before
    assert t.get_running_config() == backup
    t.close()


def test_a_rejected_line_raises_with_the_line_and_changes_nothing(harness: Harness) -> None:
    import re

    harness.need_config_ops()
    before = harness.device_config()
    harness.set_faults(DeviceFaults(reject_line=harness.reject_pattern))
    rejected = [ln.strip() for ln in harness.candidate.splitlines() if re.search(harness.reject_pattern, ln.strip())]
    assert len(rejected) == 1
    t = harness.transport()
    t.open()
    t.load_merge_candidate(harness.candidate)
    err = _failure(t.commit_config)
    assert err.kind is FailureKind.REJECTED
    assert err.device == harness.endpoint.name
    assert err.line == rejected[0]
    assert rejected[0] in str(err)
    assert harness.device_config() == before
    t.close()


def test_a_session_dropped_halfway_can_be_rolled_back(harness: Harness) -> None:
    harness.need_config_ops()
    before = harness.device_config()
    harness.set_faults(DeviceFaults(drop_after_lines=2))
    t = harness.transport()
    t.open()
    t.load_merge_candidate(harness.candidate)
    err = _failure(t.commit_config)
    assert err.kind is FailureKind.DISCONNECTED
    harness.set_faults(DeviceFaults())
    t.open()
    t.rollback()
    assert harness.device_config() == before
    t.close()


def test_refused_authentication(harness: Harness) -> None:
    harness.set_faults(DeviceFaults(refuse_auth=True))
    err = _failure(harness.transport().open)
    assert err.kind is FailureKind.AUTHENTICATION
    assert err.device == harness.endpoint.name


def test_wrong_password(harness: Harness) -> None:
    assert harness.endpoint.credentials is not None
    wrong = replace(harness.endpoint, credentials=Credentials(
        username=harness.endpoint.credentials.username, password=SecretStr("not-the-password-91c2")))
    err = _failure(harness.transport(wrong).open)
    assert err.kind is FailureKind.AUTHENTICATION
    assert "not-the-password-91c2" not in f"{err} {err.hint} {err!r}"


def test_unreachable(harness: Harness) -> None:
    harness.set_faults(DeviceFaults(unreachable=True))
    err = _failure(harness.transport().open)
    assert err.kind is FailureKind.UNREACHABLE


def test_credentials_never_in_error_text(harness: Harness) -> None:
    texts: list[str] = []
    for faults in (DeviceFaults(refuse_auth=True), DeviceFaults(unreachable=True),
                   DeviceFaults(reject_line=harness.reject_pattern), DeviceFaults(drop_after_lines=1)):
        harness.set_faults(faults)
        t = harness.transport()
        try:
            t.open()
            t.load_merge_candidate(harness.candidate)
            t.commit_config()
        except TransportError as exc:
            texts += [str(exc), exc.hint, repr(exc), "; ".join(exc.lines()), repr(harness.endpoint)]
        finally:
            t.close()
    assert len(texts) == 4 * 5
    joined = "\n".join(texts)
    assert harness.password not in joined
