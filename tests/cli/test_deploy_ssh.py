"""Deploy end to end over real SSH: netmiko against the stateful simulator (`kotanet.playbooks.sshsim`) on
127.0.0.1. Dry run, commit, drift, and each failure case (a rejected line, a session dropped halfway, a failing
post-check, an unreachable device, a refused login), each followed by reading every device's running config
back over SSH and comparing it with the config before the change. Then the same through the real
`kotanet playbook` command with a targets file and a 0600 secrets file."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kotanet.clock import FixedClock
from kotanet.inventory import open_inventory
from kotanet.inventory.models import Inventory
from kotanet.playbooks.backups import BackupStore
from kotanet.playbooks.deploy import (
    Deployer,
    DeployJob,
    DeployOptions,
    DeviceStatus,
    Driver,
    Outcome,
    build_job,
    make_factory,
)
from kotanet.playbooks.netmiko_transport import NetmikoTransport, clean_running_config
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.sshsim.server import SshFleet
from kotanet.playbooks.transport import FailureKind
from kotanet.topology.plan import MigrationPlan, plan_migrations
from tests.conftest import run_kotanet

pytestmark = pytest.mark.cli

ROUTE = "7"  # kec-tanah-sareal-r1 (IOS) -- fibre -- kel-kedung-badak-r1 (RouterOS); kec-tanah-sareal-ap1's radio
CLOCK = FixedClock(dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def plan(inv: Inventory) -> MigrationPlan:
    return plan_migrations(inv)


@pytest.fixture
def fleet(inv: Inventory, plan: MigrationPlan) -> Iterator[SshFleet]:
    devices = list(build_job(inv, ROUTE, plan=plan, endpoints=lambda ds: {}).configs)
    with SshFleet(inv, devices) as f:
        yield f


def _job(inv: Inventory, plan: MigrationPlan, fleet: SshFleet) -> DeployJob:
    eps = fleet.endpoints
    return build_job(inv, ROUTE, plan=plan, endpoints=lambda ds: {d: eps[d] for d in ds})


def _read_back(fleet: SshFleet, job: DeployJob) -> dict[str, str]:
    """Every device's running config, read over SSH with a fresh session."""
    out = {}
    for dev, ep in job.endpoints.items():
        t = NetmikoTransport(ep)
        t.open()
        try:
            out[dev] = clean_running_config(ep.platform, t.get_running_config())
        finally:
            t.close()
    return out


def _deployer(tmp_path: Path) -> Deployer:
    return Deployer(make_factory(Driver.NETMIKO), BackupStore(tmp_path / "backups"), CLOCK,
                    options=DeployOptions(counter_interval_s=0), sleep=lambda s: None)


def test_dry_run_commit_and_drift(inv: Inventory, plan: MigrationPlan, fleet: SshFleet, tmp_path: Path) -> None:
    job = _job(inv, plan, fleet)
    deployer = _deployer(tmp_path)
    before = _read_back(fleet, job)
    drift = {d.device: d for d in deployer.drift(job)}
    assert all(d.compliant is False for d in drift.values())
    dry = deployer.dry_run(job)
    assert dry.exit_code == 0
    assert all(r.status is DeviceStatus.WOULD_CHANGE for r in dry.devices)
    assert "10.255.0.30/30" in next(r.diff for r in dry.devices if r.device == "kel-kedung-badak-r1")
    assert "ip address 10.255.0.29 255.255.255.252" in next(r.diff for r in dry.devices
                                                             if r.device == "kec-tanah-sareal-r1")
    assert _read_back(fleet, job) == before
    for r in dry.devices:  # the backup is what the device held
        assert r.backup is not None
        assert clean_running_config(job.endpoints[r.device].platform, r.backup.read_text()) == before[r.device]
    report = deployer.commit(job)
    assert report.outcome is Outcome.APPLIED, [(r.device, r.error) for r in report.devices]
    assert report.exit_code == 0
    assert {c.kind.value for r in report.devices for c in r.checks if c.passed} == \
        {"interface_up", "ospf_full", "ping", "traffic"}
    after = _read_back(fleet, job)
    assert "ip address 10.255.0.29 255.255.255.252" in after["kec-tanah-sareal-r1"]
    assert "address=10.255.0.30/30" in after["kel-kedung-badak-r1"]
    assert all(d.compliant for d in deployer.drift(job))
    again = deployer.dry_run(job)  # applied: nothing left to change
    assert all(r.status is DeviceStatus.UNCHANGED for r in again.devices), [r.diff for r in again.devices]


FAULTS = [
    ("kel-kedung-badak-r1", DeviceFaults(reject_line=r"use-bfd=yes"), FailureKind.REJECTED),
    ("kec-tanah-sareal-r1", DeviceFaults(reject_line=r"ip ospf bfd"), FailureKind.REJECTED),
    ("kec-tanah-sareal-r1", DeviceFaults(drop_after_lines=4), FailureKind.DISCONNECTED),
    ("kel-kedung-badak-r1", DeviceFaults(drop_after_lines=2), FailureKind.DISCONNECTED),
    ("kel-kedung-badak-r1", DeviceFaults(down_interfaces=("sfp1",)), None),
    ("kec-tanah-sareal-ap1", DeviceFaults(unreachable=True), FailureKind.UNREACHABLE),
    ("kel-kedung-badak-r1", DeviceFaults(refuse_auth=True), FailureKind.AUTHENTICATION),
]


@pytest.mark.parametrize(("device", "faults", "kind"), FAULTS,
                         ids=["reject-routeros", "reject-ios", "drop-ios", "drop-routeros", "post-check",
                              "unreachable", "auth"])
def test_failure_rolls_back_to_the_pre_change_config(inv: Inventory, plan: MigrationPlan, fleet: SshFleet,
                                                     tmp_path: Path, device: str, faults: DeviceFaults,
                                                     kind: FailureKind | None) -> None:
    job = _job(inv, plan, fleet)
    before = _read_back(fleet, job)
    fleet.set_faults(device, faults)
    report = _deployer(tmp_path).commit(job)
    assert report.outcome is Outcome.ROLLED_BACK, [(r.device, r.status, r.error) for r in report.devices]
    assert report.exit_code == 1
    by = {r.device: r for r in report.devices}
    assert by[device].status is DeviceStatus.FAILED
    assert by[device].failure is kind
    assert set(by) == set(job.configs)  # every device has its result
    for r in report.devices:
        if r.status in (DeviceStatus.ROLLED_BACK, DeviceStatus.FAILED) and r.failure not in (
                FailureKind.UNREACHABLE, FailureKind.AUTHENTICATION):
            assert r.rollback_verified is True, r
    fleet.set_faults(device, DeviceFaults())
    assert _read_back(fleet, job) == before


def _files(fleet: SshFleet, tmp_path: Path) -> tuple[Path, Path, str]:
    targets = tmp_path / "ssh-simulation.json"
    targets.write_text(json.dumps({"devices": {name: {"host": ep.host, "port": ep.port,
                                                      "platform": ep.platform.value}
                                               for name, ep in fleet.endpoints.items()}}))
    creds = fleet.credentials
    secrets = tmp_path / "device-secrets.yaml"
    fd = os.open(secrets, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        yaml.safe_dump({"default": {"username": creds.username, "password": creds.password.get_secret_value(),
                                    **({"secret": creds.secret.get_secret_value()} if creds.secret else {})}}, fh)
    return targets, secrets, creds.password.get_secret_value()


def test_the_commands_end_to_end(fleet: SshFleet, tmp_path: Path) -> None:
    targets, secrets, password = _files(fleet, tmp_path)
    env = {"KOTANET_HOME": str(tmp_path / "home")}
    common = ["--targets", str(targets), "--secrets", str(secrets)]
    outputs: list[str] = []

    def run(*args: str) -> tuple[int, str]:
        proc = run_kotanet(*args, env=env)
        outputs.append(proc.stdout + proc.stderr)
        assert "Traceback" not in proc.stderr
        return proc.returncode, proc.stdout

    code, _ = run("playbook", "render", ROUTE, "--out", str(tmp_path / "home" / "rendered"))
    assert code == 0
    code, out = run("playbook", "drift", ROUTE, *common)
    assert code == 1 and "DRIFTED" in out
    code, out = run("playbook", "deploy", ROUTE, "--dry-run", *common)
    assert code == 0, outputs[-1]
    assert "would change" in out and "kel-kedung-badak-r1: what would change" in out
    # a device that refuses a line: exit 1, every device rolled back
    fleet.set_faults("kel-kedung-badak-r1", DeviceFaults(reject_line="use-bfd=yes"))
    code, out = run("playbook", "deploy", ROUTE, "--commit", "--counter-interval", "0", *common)
    assert code == 1, outputs[-1]
    assert "rolled back: every device is as before" in out and "FAILED" in out
    assert "rejected" in out
    fleet.set_faults("kel-kedung-badak-r1", DeviceFaults())
    code, out = run("playbook", "deploy", ROUTE, "--commit", "--counter-interval", "0", "--json", *common)
    assert code == 0, outputs[-1]
    data = json.loads(out)
    assert data["outcome"] == "applied"
    assert {d["status"] for d in data["devices"]} == {"applied"}
    code, out = run("playbook", "drift", ROUTE, *common)
    assert code == 0 and "3 compliant, 0 drifted, 0 unreachable" in out
    code, out = run("playbook", "backups", "--json")
    listed = json.loads(out)
    assert len(listed) == 3 * 3  # dry run, failed commit, commit: one backup of each device each time
    assert all(b["intact"] for b in listed)
    code, out = run("playbook", "backups", "--device", "kec-tanah-sareal-r1")
    assert code == 0 and out.count("kec-tanah-sareal-r1") == 3
    # the password is nowhere: not in any output, config, MOP, backup, sidecar or state file
    blob = "\n".join(outputs) + "\n".join(p.read_text(errors="replace") for p in (tmp_path / "home").rglob("*")
                                         if p.is_file())
    assert password not in blob


def test_drift_all_routes(inv: Inventory, plan: MigrationPlan, tmp_path: Path) -> None:
    """Every device of every route served over SSH: `drift --all` reads them all; after route 7 is committed its
    devices' route-7 rows are compliant and the exit code still says that the rest has drifted."""
    devices = sorted({d for rp in plan.routes
                      for d in build_job(inv, rp.route, plan=plan, endpoints=lambda ds: {}).configs})
    with SshFleet(inv, devices) as fleet:
        targets, secrets, _ = _files(fleet, tmp_path)
        env = {"KOTANET_HOME": str(tmp_path / "home")}
        common = ["--targets", str(targets), "--secrets", str(secrets)]
        proc = run_kotanet("playbook", "deploy", ROUTE, "--commit", "--counter-interval", "0", *common, env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        proc = run_kotanet("playbook", "drift", "--all", "--json", *common, env=env)
        assert proc.returncode == 1, proc.stderr
        rows = json.loads(proc.stdout)
        expected = sum(len(build_job(inv, rp.route, plan=plan, endpoints=lambda ds: {}).configs)
                       for rp in plan.routes)
        assert len(rows) == expected
        by = {(r["route"], r["device"]): r for r in rows}
        assert all(by[(ROUTE, d)]["compliant"] is True for d in ("kec-tanah-sareal-r1", "kel-kedung-badak-r1"))
        assert by[("4", "distani-r1")]["compliant"] is False
        assert by[(ROUTE, "kel-kedung-badak-r1")]["last_backup"] is not None
        assert all(r["compliant"] is not None for r in rows)  # every device answered
