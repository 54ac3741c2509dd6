"""The deploy orchestrator over the SSH simulator's own shells without SSH (`MemoryFleet`): realistic IOS,
RouterOS and Junos configs, link state, OSPF, ping and counters. Every route commits and passes its
post-checks; every failure leaves every device's running config exactly as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kotanet.clock import FixedClock
from kotanet.inventory import open_inventory
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.playbooks.backups import BackupStore
from kotanet.playbooks.checks import CheckKind
from kotanet.playbooks.deploy import Deployer, DeployJob, DeployOptions, DeviceStatus, Outcome, build_job
from kotanet.playbooks.memory_transport import MemoryFleet
from kotanet.playbooks.netmiko_transport import clean_running_config
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.transport import FailureKind
from kotanet.topology.plan import MigrationPlan, plan_migrations

pytestmark = pytest.mark.unit

CLOCK = FixedClock(dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC))
JUNOS_DEVICE = "kel-kedung-badak-r1"


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def plan(inv: Inventory) -> MigrationPlan:
    return plan_migrations(inv)


@pytest.fixture(scope="module")
def junos_inv(inv: Inventory) -> Inventory:
    """Route 7 with its far end made a Junos router: one route across IOS, RouterOS and Junos."""
    devices = [d.model_copy(update={"platform": Platform.JUNOS}) if d.id == JUNOS_DEVICE else d
               for d in inv.devices]
    return inv.model_copy(update={"devices": devices})


def _setup(inv: Inventory, plan: MigrationPlan, route: str) -> tuple[MemoryFleet, DeployJob]:
    devices = list(build_job(inv, route, plan=plan, endpoints=lambda ds: {}).configs)
    fleet = MemoryFleet(inv, devices)
    eps = fleet.endpoints
    return fleet, build_job(inv, route, plan=plan, endpoints=lambda ds: {d: eps[d] for d in ds})


def _configs(fleet: MemoryFleet, job: DeployJob) -> dict[str, str]:
    return {d: clean_running_config(job.endpoints[d].platform, fleet.running_config(d)) for d in job.configs}


def _deployer(fleet: MemoryFleet, tmp_path: Path) -> Deployer:
    return Deployer(fleet.transport, BackupStore(tmp_path / "backups"), CLOCK,
                    options=DeployOptions(counter_interval_s=0), sleep=lambda s: None)


def test_every_route_commits_and_passes_its_post_checks(inv: Inventory, plan: MigrationPlan,
                                                        tmp_path: Path) -> None:
    for rp in plan.routes:
        fleet, job = _setup(inv, plan, rp.route)
        before = _configs(fleet, job)
        deployer = _deployer(fleet, tmp_path / rp.route)
        dry = deployer.dry_run(job)
        assert dry.exit_code == 0, (rp.route, dry)
        assert all(r.status is DeviceStatus.WOULD_CHANGE for r in dry.devices), rp.route
        assert _configs(fleet, job) == before, rp.route  # the dry run changed nothing
        report = deployer.commit(job)
        assert report.outcome is Outcome.APPLIED, (rp.route, [(r.device, r.error) for r in report.devices])
        failed = [c for r in report.devices for c in r.checks if not c.passed]
        assert not failed, (rp.route, failed)
        assert _configs(fleet, job) != before, rp.route
        assert all(d.compliant for d in deployer.drift(job)), rp.route


def test_route_across_three_platforms(junos_inv: Inventory, tmp_path: Path) -> None:
    plan = plan_migrations(junos_inv)
    fleet, job = _setup(junos_inv, plan, "7")
    assert {ep.platform for ep in job.endpoints.values()} == {Platform.IOS, Platform.ROUTEROS, Platform.JUNOS}
    report = _deployer(fleet, tmp_path).commit(job)
    assert report.outcome is Outcome.APPLIED, report
    junos = next(r for r in report.devices if r.device == JUNOS_DEVICE)
    assert {c.kind for c in junos.checks if c.passed} == set(CheckKind)
    assert "family inet address 10.255.0.30/30" in fleet.running_config(JUNOS_DEVICE)


FAULTS = [
    ("kel-kedung-badak-r1", DeviceFaults(reject_line=r"use-bfd=yes"), FailureKind.REJECTED),
    ("kec-tanah-sareal-r1", DeviceFaults(reject_line=r"ip ospf bfd"), FailureKind.REJECTED),
    ("kec-tanah-sareal-r1", DeviceFaults(drop_after_lines=4), FailureKind.DISCONNECTED),
    ("kel-kedung-badak-r1", DeviceFaults(drop_after_lines=2), FailureKind.DISCONNECTED),
    ("kec-tanah-sareal-ap1", DeviceFaults(unreachable=True), FailureKind.UNREACHABLE),
    ("kel-kedung-badak-r1", DeviceFaults(refuse_auth=True), FailureKind.AUTHENTICATION),
    ("kel-kedung-badak-r1", DeviceFaults(down_interfaces=("sfp1",)), None),
]


@pytest.mark.parametrize(("device", "faults", "kind"), FAULTS,
                         ids=[f"{d}-{k.value if k else 'post-check'}" for d, _, k in FAULTS])
def test_failure_leaves_every_device_as_before(inv: Inventory, plan: MigrationPlan, tmp_path: Path, device: str,
                                               faults: DeviceFaults, kind: FailureKind | None) -> None:
    fleet, job = _setup(inv, plan, "7")
    before = _configs(fleet, job)
    fleet.set_faults(device, faults)
    report = _deployer(fleet, tmp_path).commit(job)
    assert report.outcome is Outcome.ROLLED_BACK, report
    assert report.exit_code == 1
    by = {r.device: r for r in report.devices}
    assert by[device].status is DeviceStatus.FAILED
    assert by[device].failure is kind
    if kind is None:
        assert not all(c.passed for c in by[device].checks)
    for other, r in by.items():
        if other == device:
            continue
        if kind is None and r.status is DeviceStatus.FAILED:  # the far end of the dead fibre fails its checks too
            assert r.failure is None and not all(c.passed for c in r.checks)
            assert r.rollback_verified is True
        else:
            assert r.status in (DeviceStatus.ROLLED_BACK, DeviceStatus.NOT_PUSHED), r
    fleet.set_faults(device, DeviceFaults())
    assert _configs(fleet, job) == before


def test_commit_confirmed_is_confirmed_after_the_checks(junos_inv: Inventory, tmp_path: Path) -> None:
    """Junos with commit-confirm: the post-checks pass, the commit is confirmed, and the device's own timer
    no longer reverts it."""
    plan = plan_migrations(junos_inv)
    fleet, job = _setup(junos_inv, plan, "7")
    deployer = Deployer(fleet.transport, BackupStore(tmp_path / "b"), CLOCK,
                        options=DeployOptions(counter_interval_s=0, confirm_seconds=120), sleep=lambda s: None)
    assert deployer.commit(job).outcome is Outcome.APPLIED
    assert fleet.fleet.expire_confirms(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == []
    assert "family inet address 10.255.0.30/30" in fleet.running_config(JUNOS_DEVICE)


def test_unconfirmed_commit_reverts_by_itself(junos_inv: Inventory) -> None:
    """The control: the same commit without the confirm is reverted by the device when its timer runs out."""
    plan = plan_migrations(junos_inv)
    fleet, job = _setup(junos_inv, plan, "7")
    t = fleet.transport(job.endpoints[JUNOS_DEVICE])
    t.open()
    t.load_merge_candidate(job.configs[JUNOS_DEVICE].text)
    t.commit_config(confirm_seconds=120)
    assert "10.255.0.30/30" in fleet.running_config(JUNOS_DEVICE)
    assert fleet.fleet.expire_confirms(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == [JUNOS_DEVICE]
    assert "10.255.0.30/30" not in fleet.running_config(JUNOS_DEVICE)
