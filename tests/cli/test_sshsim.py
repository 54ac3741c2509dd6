"""The SSH simulator as a process and over real SSH: start-up, endpoint map and secrets, runtime faults,
SIGTERM, and a route pushed with netmiko whose post-checks then pass (or fail on a dead optic)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from pydantic import SecretStr

from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.playbooks.netmiko_transport import NetmikoTransport
from kotanet.playbooks.render import render_all
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.sshsim.server import SshFleet
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, FailureKind, TransportError

pytestmark = pytest.mark.cli

ROUTE1 = ("inspektorat-cpe1", "inspektorat-r1", "kec-bogor-selatan-ap1", "kec-bogor-selatan-r1")


@cache
def bogor() -> Inventory:
    return open_inventory(None)


def wait_for(predicate: object, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    env = {**os.environ, "KOTANET_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "kotanet.playbooks.sshsim", "--state-dir", str(tmp_path),
                             "--devices", ",".join(ROUTE1)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (tmp_path / "ssh-simulation.json").exists() or proc.poll() is not None, "the endpoint map")
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        yield proc, tmp_path
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)


def _endpoint(state: Path, device: str) -> DeviceEndpoint:
    data = json.loads((state / "ssh-simulation.json").read_text())
    entry = data["devices"][device]
    lines = dict(ln.strip().split(": ", 1) for ln in (state / "device-secrets.yaml").read_text().splitlines()[1:])
    creds = Credentials(username=json.loads(lines["username"]), password=SecretStr(json.loads(lines["password"])))
    return DeviceEndpoint(name=device, platform=Platform(entry["platform"]), host=entry["host"], port=entry["port"],
                          credentials=creds)


def test_the_process_writes_its_endpoints_and_a_private_secrets_file(
        sim: tuple[subprocess.Popen[str], Path]) -> None:
    proc, state = sim
    data = json.loads((state / "ssh-simulation.json").read_text())
    assert sorted(data["devices"]) == sorted(ROUTE1)
    for entry in data["devices"].values():
        assert entry["host"] == "127.0.0.1" and isinstance(entry["port"], int)
        assert set(entry) == {"host", "port", "platform"}
    assert data["devices"]["kec-bogor-selatan-r1"]["platform"] == "ios"
    secrets_file = state / "device-secrets.yaml"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    password = json.loads(dict(ln.strip().split(": ", 1) for ln in secrets_file.read_text().splitlines()[1:])
                          ["password"])
    assert len(password) >= 16
    assert password not in (state / "ssh-simulation.json").read_text()
    ep = _endpoint(state, "inspektorat-r1")
    t = NetmikoTransport(ep)
    t.open()
    assert "/system identity\nset name=inspektorat-r1\n" in t.get_running_config()
    t.close()
    # faults change at runtime through ssh-faults.json
    (state / "ssh-faults.json").write_text(json.dumps({"inspektorat-r1": {"unreachable": True}}))

    def refused() -> bool:
        try:
            NetmikoTransport(ep).open()
        except TransportError as exc:
            return exc.kind is FailureKind.UNREACHABLE
        return False

    wait_for(refused, "the port to close")
    (state / "ssh-faults.json").write_text("{}")

    def back() -> bool:
        try:
            tr = NetmikoTransport(ep)
            tr.open()
            tr.close()
        except TransportError:
            return False
        return True

    wait_for(back, "the port to reopen")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    assert not (state / "ssh-simulation.json").exists()
    assert not secrets_file.exists()
    assert password not in (proc.stderr.read() if proc.stderr else "")


def test_fifty_devices_start_in_well_under_two_seconds() -> None:
    names = [d.id for d in bogor().devices if d.platform in (Platform.IOS, Platform.ROUTEROS, Platform.JUNOS)][:50]
    assert len(names) == 50
    started = time.perf_counter()
    with SshFleet(bogor(), names) as fleet:
        elapsed = time.perf_counter() - started
        assert len({ep.port for ep in fleet.endpoints.values()}) == 50
    assert elapsed < 2.0, f"{elapsed:.2f} s"


@pytest.mark.parametrize("dead_optic", [False, True], ids=["healthy", "dead-optic"])
def test_a_route_pushed_over_ssh_passes_its_post_checks_unless_an_optic_is_dead(dead_optic: bool) -> None:
    faults = {"inspektorat-r1": DeviceFaults(down_interfaces=("sfp1",))} if dead_optic else {}
    configs = render_all(bogor())["1"]
    with SshFleet(bogor(), ROUTE1, faults=faults) as fleet:
        for device in ROUTE1:
            t = NetmikoTransport(fleet.endpoints[device])
            t.open()
            t.load_merge_candidate(configs[device].text)
            t.commit_config()
            t.close()
        ios = NetmikoTransport(fleet.endpoints["kec-bogor-selatan-r1"])
        ros = NetmikoTransport(fleet.endpoints["inspektorat-r1"])
        ios.open()
        ros.open()
        out = ios.run_commands(["show interfaces GigabitEthernet0/1/0", "show ip ospf neighbor",
                                "ping 10.255.0.2 repeat 5"])
        rout = ros.run_commands(["/interface print where name=sfp1", "/ping 10.255.0.1 count=3"])
        ios.close()
        ros.close()
    if dead_optic:
        assert "GigabitEthernet0/1/0 is down, line protocol is down" in out["show interfaces GigabitEthernet0/1/0"]
        assert "10.255.0.2" not in out["show ip ospf neighbor"]
        assert "Success rate is 0 percent" in out["ping 10.255.0.2 repeat 5"]
        assert "received=0" in rout["/ping 10.255.0.1 count=3"]
    else:
        assert "GigabitEthernet0/1/0 is up, line protocol is up" in out["show interfaces GigabitEthernet0/1/0"]
        assert "FULL" in out["show ip ospf neighbor"] and "10.255.0.2" in out["show ip ospf neighbor"]
        assert "Success rate is 100 percent (5/5)" in out["ping 10.255.0.2 repeat 5"]
        assert " R  sfp1 " in rout["/interface print where name=sfp1"]
        assert "received=3" in rout["/ping 10.255.0.1 count=3"]


@pytest.mark.parametrize("confirmed", [True, False], ids=["confirmed", "not-confirmed"])
def test_junos_commit_confirm_over_ssh(confirmed: bool) -> None:
    import datetime as dt

    device = "disdukcapil-r1"
    with SshFleet(bogor(), [device]) as fleet:
        before = fleet.running_config(device)
        t = NetmikoTransport(fleet.endpoints[device])
        t.open()
        t.load_merge_candidate("set system ntp server 10.20.0.1\n")
        t.commit_config(confirm_seconds=90)
        assert "set system ntp server 10.20.0.1\n" in fleet.running_config(device)
        if confirmed:
            t.confirm_commit()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3)  # past the 2 minutes asked for
        assert fleet.fleet.expire_confirms(later) == ([] if confirmed else [device])
        assert (fleet.running_config(device) == before) is not confirmed
        t.close()


def test_junos_as_root_goes_through_the_unix_shell() -> None:
    device = "disdukcapil-r1"
    creds = Credentials(username="root", password=SecretStr("root-pw-5d1e"))
    with SshFleet(bogor(), [device], credentials=creds) as fleet:
        before = fleet.running_config(device)
        t = NetmikoTransport(fleet.endpoints[device])
        t.open()
        assert t.get_running_config().startswith(f"set system host-name {device}\n")
        t.load_merge_candidate("set system ntp server 10.20.0.1\n")
        t.commit_config()
        assert "set system ntp server 10.20.0.1\n" in fleet.running_config(device)
        t.rollback()
        assert fleet.running_config(device) == before
        t.close()
