"""The deploy orchestrator (kotanet.playbooks.deploy) over the in-memory transport: dry run, commit, every
failure -> rollback -> running config equals the backup, drift, bad input, and no credential in any output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from pydantic import SecretStr

from kotanet.clock import FixedClock
from kotanet.errors import KotanetError, UsageError
from kotanet.inventory import open_inventory
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.playbooks.backups import BackupStore
from kotanet.playbooks.checks import CheckKind
from kotanet.playbooks.credentials import CredentialSource
from kotanet.playbooks.deploy import (
    Deployer,
    DeployJob,
    DeployOptions,
    DeviceStatus,
    Outcome,
    build_job,
    resolve_endpoints,
)
from kotanet.playbooks.memory_transport import MemoryDevices, MemoryTransport, config_lines
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, FailureKind
from kotanet.topology.plan import MigrationPlan, plan_migrations

pytestmark = pytest.mark.unit

PASSWORD = "Sup3r-s3cret-pw!"
ENABLE = "en4ble-s3cret"
CREDS = Credentials(username="noc", password=SecretStr(PASSWORD), secret=SecretStr(ENABLE))
ROUTE = "7"  # kec-tanah-sareal-r1 (IOS) -- fibre -- kel-kedung-badak-r1 (RouterOS); ap1's radio retired
CLOCK = FixedClock(dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def plan(inv: Inventory) -> MigrationPlan:
    return plan_migrations(inv)


class FleetTransport(MemoryTransport):
    """The memory transport, answering the post-check commands the way the device would: a fibre interface
    is up (and its neighbour FULL, its far end answering ping, its counters growing) once its address is in
    the running config and it is not one of the device's `down_interfaces`."""

    reads: dict[tuple[str, str], int] = {}  # noqa: RUF012 - per-test counter reads, reset by the fixture

    def run_commands(self, commands: Sequence[str]) -> dict[str, str]:
        out = super().run_commands(commands)
        running = self.get_running_config()
        down = self._devices.faults(self.endpoint.name).down_interfaces
        for cmd in commands:
            itf = next((w for w in re.split(r"[\s=]", cmd) if w in running and w and w[0].isalpha()
                        and any(ch.isdigit() for ch in w) and "." not in w), "")
            applied = "10.255." in running
            up = applied and (itf not in down if itf else not down)
            n = FleetTransport.reads.get((self.endpoint.name, cmd), 0) + 1
            FleetTransport.reads[(self.endpoint.name, cmd)] = n
            if cmd.startswith("show interfaces") or cmd.startswith("/interface print"):
                state = "up" if up else "down"
                out[cmd] = (f"{itf} is {state}, line protocol is {state}\n     {100 * n} packets input\n"
                            f"     {90 * n if up else 0} packets output\n"
                            f' 0 {"R" if up else " "}  name="{itf}"\n rx-packet={100 * n if up else 0} '
                            f"tx-packet={90 * n if up else 0}\n")
            elif "ospf" in cmd:
                out[cmd] = (f"10.0.0.1 1 FULL/ - 00:00:35 10.255.0.30 {itf or 'GigabitEthernet0/1/0'}\n"
                            f' 0 address=10.255.0.29 interface=sfp1 state="Full"\n' if up else "")
            elif "ping" in cmd:
                out[cmd] = ("Success rate is 100 percent (5/5)\n sent=5 received=5 packet-loss=0%\n" if up
                            else "Success rate is 0 percent (0/5)\n sent=5 received=0 packet-loss=100%\n")
        return out


BEFORE = {
    "kec-tanah-sareal-r1": f"hostname kec-tanah-sareal-r1\nusername noc secret {PASSWORD}\nenable secret {ENABLE}\n",
    "kel-kedung-badak-r1": "/system identity set name=kel-kedung-badak-r1\n",
    "kec-tanah-sareal-ap1": "/system identity set name=kec-tanah-sareal-ap1\n",
}


@pytest.fixture
def fleet() -> MemoryDevices:
    FleetTransport.reads = {}
    return MemoryDevices(BEFORE, platforms={"kec-tanah-sareal-r1": Platform.IOS,
                                            "kel-kedung-badak-r1": Platform.ROUTEROS,
                                            "kec-tanah-sareal-ap1": Platform.ROUTEROS}, credentials=CREDS)


def _job(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices, route: str = ROUTE,
         creds: Credentials = CREDS) -> DeployJob:
    source = CredentialSource(origin="test", default=creds)
    targets = {name: ("127.0.0.1", 22, ep.platform) for name, ep in fleet.endpoints.items()}

    def endpoints(devices: Iterable[str]) -> dict[str, DeviceEndpoint]:
        return resolve_endpoints(inv, devices, source, targets=targets, live=False)

    return build_job(inv, route, endpoints=endpoints, plan=plan)


def _deployer(fleet: MemoryDevices, tmp_path: Path, **options: object) -> Deployer:
    slept: list[float] = []
    return Deployer(lambda ep: FleetTransport(ep, fleet), BackupStore(tmp_path / "backups"), CLOCK,
                    options=DeployOptions(**options), sleep=slept.append)  # type: ignore[arg-type]


def _assert_all_as_before(fleet: MemoryDevices) -> None:
    for dev, text in BEFORE.items():
        assert fleet.running_config(dev) == text, dev


def test_job_covers_the_route(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices) -> None:
    job = _job(inv, plan, fleet)
    assert set(job.configs) == set(BEFORE)
    kinds = {(c.device, c.kind) for c in job.checks}
    for dev in ("kec-tanah-sareal-r1", "kel-kedung-badak-r1"):
        assert {k for d, k in kinds if d == dev} == set(CheckKind)
    assert not any(c.device == "kec-tanah-sareal-ap1" for c in job.checks)  # not on the fibre


def test_dry_run_shows_a_diff_and_changes_nothing(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                                  tmp_path: Path) -> None:
    report = _deployer(fleet, tmp_path).dry_run(_job(inv, plan, fleet))
    assert report.exit_code == 0
    assert {r.device: r.status for r in report.devices} == dict.fromkeys(BEFORE, DeviceStatus.WOULD_CHANGE)
    ios = next(r for r in report.devices if r.device == "kec-tanah-sareal-r1")
    assert "+  ip address 10.255.0.29 255.255.255.252\n" in ios.diff
    ros = next(r for r in report.devices if r.device == "kel-kedung-badak-r1")
    assert "+ /ip address add address=10.255.0.30/30 interface=sfp1" in ros.diff
    _assert_all_as_before(fleet)
    assert all(fleet.commits(d) == 0 for d in BEFORE)
    for r in report.devices:  # each device was backed up, with its SHA-256
        assert r.backup is not None and r.backup.exists()
        assert (r.backup.stat().st_mode & 0o777) == 0o600
        assert r.backup_sha256 and len(r.backup_sha256) == 64


def test_commit_applies_every_device_and_checks_pass(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                                     tmp_path: Path) -> None:
    job = _job(inv, plan, fleet)
    report = _deployer(fleet, tmp_path).commit(job)
    assert report.outcome is Outcome.APPLIED, report
    assert report.exit_code == 0
    assert all(r.status is DeviceStatus.APPLIED for r in report.devices)
    for dev, cfg in job.configs.items():
        running = fleet.running_config(dev).splitlines()
        for line in config_lines(cfg.text):
            assert line in running, (dev, line)
    ios = next(r for r in report.devices if r.device == "kec-tanah-sareal-r1")
    assert {c.kind for c in ios.checks} == set(CheckKind)
    assert all(c.passed for c in ios.checks)
    traffic = next(c for c in ios.checks if c.kind is CheckKind.TRAFFIC)
    # the interface check read `show interfaces` first (100): the two counter reads come after it
    assert "200->300" in traffic.detail


@pytest.mark.parametrize(("device", "faults", "kind"), [
    ("kel-kedung-badak-r1", DeviceFaults(reject_line=r"use-bfd=yes"), FailureKind.REJECTED),
    ("kec-tanah-sareal-r1", DeviceFaults(reject_line=r"ip ospf bfd"), FailureKind.REJECTED),
    ("kec-tanah-sareal-r1", DeviceFaults(drop_after_lines=3), FailureKind.DISCONNECTED),
    ("kel-kedung-badak-r1", DeviceFaults(drop_after_lines=0), FailureKind.DISCONNECTED),
])
def test_push_failure_rolls_back_every_device(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                              tmp_path: Path, device: str, faults: DeviceFaults,
                                              kind: FailureKind) -> None:
    fleet.set_faults(device, faults)
    report = _deployer(fleet, tmp_path).commit(_job(inv, plan, fleet))
    assert report.outcome is Outcome.ROLLED_BACK
    assert report.exit_code == 1
    by = {r.device: r for r in report.devices}
    assert by[device].status is DeviceStatus.FAILED
    assert by[device].failure is kind
    assert by[device].rollback_verified is True
    for other in set(BEFORE) - {device}:
        assert by[other].status is DeviceStatus.ROLLED_BACK, by[other]
        assert by[other].rollback_verified is True
    _assert_all_as_before(fleet)


@pytest.mark.parametrize(("faults", "kind"), [
    (DeviceFaults(unreachable=True), FailureKind.UNREACHABLE),
    (DeviceFaults(refuse_auth=True), FailureKind.AUTHENTICATION),
])
def test_unreachable_or_bad_auth_pushes_nothing(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                                tmp_path: Path, faults: DeviceFaults, kind: FailureKind) -> None:
    fleet.set_faults("kel-kedung-badak-r1", faults)
    report = _deployer(fleet, tmp_path).commit(_job(inv, plan, fleet))
    assert report.outcome is Outcome.ROLLED_BACK
    assert report.exit_code == 1
    by = {r.device: r for r in report.devices}
    assert by["kel-kedung-badak-r1"].status is DeviceStatus.FAILED
    assert by["kel-kedung-badak-r1"].failure is kind
    assert by["kec-tanah-sareal-r1"].status is DeviceStatus.NOT_PUSHED
    assert all(fleet.commits(d) == 0 for d in BEFORE)
    _assert_all_as_before(fleet)


def test_a_check_that_passes_while_the_link_comes_up_is_read_again(inv: Inventory, plan: MigrationPlan,
                                                                     fleet: MemoryDevices, tmp_path: Path) -> None:
    """The optic is dark at the first read and comes up during the first wait: the route is applied, after
    one wait of `check_retry_s`; the checks that passed at once are not read again."""
    fleet.set_faults("kel-kedung-badak-r1", DeviceFaults(down_interfaces=("sfp1",)))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        fleet.set_faults("kel-kedung-badak-r1", DeviceFaults())

    deployer = Deployer(lambda ep: FleetTransport(ep, fleet), BackupStore(tmp_path / "backups"), CLOCK,
                        options=DeployOptions(check_retries=3, check_retry_s=7.0, counter_interval_s=5.0),
                        sleep=sleep)
    report = deployer.commit(_job(inv, plan, fleet))
    assert report.outcome is Outcome.APPLIED, report
    assert slept == [7.0, 5.0]  # one retry wait, then the counter interval
    for r in report.devices:
        kinds = [c.kind for c in r.checks]
        assert sorted(kinds) == sorted(set(kinds))  # every check reported once
        assert all(c.passed for c in r.checks)


def test_a_check_still_failing_after_the_retries_rolls_back(inv: Inventory, plan: MigrationPlan,
                                                            fleet: MemoryDevices, tmp_path: Path) -> None:
    fleet.set_faults("kel-kedung-badak-r1", DeviceFaults(down_interfaces=("sfp1",)))
    slept: list[float] = []
    deployer = Deployer(lambda ep: FleetTransport(ep, fleet), BackupStore(tmp_path / "backups"), CLOCK,
                        options=DeployOptions(check_retries=4, check_retry_s=2.0, counter_interval_s=0.0),
                        sleep=slept.append)
    report = deployer.commit(_job(inv, plan, fleet))
    assert report.outcome is Outcome.ROLLED_BACK
    assert slept[:4] == [2.0] * 4
    bad = next(r for r in report.devices if r.device == "kel-kedung-badak-r1")
    assert sorted(c.kind for c in bad.checks if not c.passed) == sorted(CheckKind)
    _assert_all_as_before(fleet)


def test_failing_post_check_rolls_back(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                       tmp_path: Path) -> None:
    fleet.set_faults("kel-kedung-badak-r1", DeviceFaults(down_interfaces=("sfp1",)))
    report = _deployer(fleet, tmp_path).commit(_job(inv, plan, fleet))
    assert report.outcome is Outcome.ROLLED_BACK
    by = {r.device: r for r in report.devices}
    bad = by["kel-kedung-badak-r1"]
    assert bad.status is DeviceStatus.FAILED
    assert bad.failure is None
    assert {c.kind for c in bad.checks if not c.passed} == set(CheckKind)
    assert "interface_up" in bad.error
    assert by["kec-tanah-sareal-r1"].status is DeviceStatus.ROLLED_BACK
    assert all(fleet.commits(d) >= 1 for d in ("kec-tanah-sareal-r1", "kel-kedung-badak-r1"))
    _assert_all_as_before(fleet)


def test_one_failing_device_never_hides_another(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                                tmp_path: Path) -> None:
    fleet.set_faults("kel-kedung-badak-r1", DeviceFaults(reject_line="ptp"))
    fleet.set_faults("kec-tanah-sareal-r1", DeviceFaults(drop_after_lines=2))
    report = _deployer(fleet, tmp_path).commit(_job(inv, plan, fleet))
    by = {r.device: r for r in report.devices}
    assert by["kel-kedung-badak-r1"].failure is FailureKind.REJECTED
    assert by["kec-tanah-sareal-r1"].failure is FailureKind.DISCONNECTED
    assert by["kec-tanah-sareal-ap1"].status is DeviceStatus.ROLLED_BACK
    _assert_all_as_before(fleet)


def test_device_not_in_inventory_is_refused_before_anything(inv: Inventory, plan: MigrationPlan,
                                                            fleet: MemoryDevices, tmp_path: Path) -> None:
    job = _job(inv, plan, fleet)
    ghost = job.configs["kel-kedung-badak-r1"]
    bad = DeployJob(route=job.route, configs={**job.configs, "ghost-r9": ghost},
                    endpoints={**job.endpoints, "ghost-r9": job.endpoints["kel-kedung-badak-r1"]},
                    checks=job.checks, known_devices=job.known_devices)
    with pytest.raises(UsageError, match="ghost-r9"):
        _deployer(fleet, tmp_path).commit(bad)
    assert all(fleet.commits(d) == 0 for d in BEFORE)
    assert not (tmp_path / "backups").exists()
    with pytest.raises(UsageError, match="not in the inventory"):
        resolve_endpoints(inv, ["ghost-r9"], CredentialSource("test", CREDS), targets={}, live=False)


def test_unknown_route_lists_the_valid_ones(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices) -> None:
    with pytest.raises(UsageError) as err:
        _job(inv, plan, fleet, route="99")
    assert "unknown route '99'" in err.value.message
    assert "16a" in err.value.hint and "17" in err.value.hint


def test_real_addresses_need_live(inv: Inventory) -> None:
    source = CredentialSource(origin="test", default=CREDS)
    with pytest.raises(KotanetError, match="--live"):
        resolve_endpoints(inv, ["kel-kedung-badak-r1"], source, targets=None, live=False)
    eps = resolve_endpoints(inv, ["kel-kedung-badak-r1"], source, targets=None, live=True)
    assert eps["kel-kedung-badak-r1"].host == "10.20.10.72"  # resolved, not contacted
    with pytest.raises(KotanetError, match="--live"):
        resolve_endpoints(inv, ["kel-kedung-badak-r1"], source,
                          targets={"kel-kedung-badak-r1": ("192.0.2.1", 22, Platform.ROUTEROS)}, live=False)


def test_platform_mismatch_is_refused(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                      tmp_path: Path) -> None:
    job = _job(inv, plan, fleet)
    eps = dict(job.endpoints)
    ep = eps["kel-kedung-badak-r1"]
    eps["kel-kedung-badak-r1"] = DeviceEndpoint(name=ep.name, platform=Platform.JUNOS, host=ep.host, port=ep.port,
                                                credentials=ep.credentials)
    bad = DeployJob(route=job.route, configs=job.configs, endpoints=eps, checks=job.checks,
                    known_devices=job.known_devices)
    with pytest.raises(UsageError, match="junos"):
        _deployer(fleet, tmp_path).commit(bad)
    assert all(fleet.commits(d) == 0 for d in BEFORE)


def test_drift(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices, tmp_path: Path) -> None:
    deployer = _deployer(fleet, tmp_path)
    job = _job(inv, plan, fleet)
    before = {d.device: d for d in deployer.drift(job)}
    assert before["kel-kedung-badak-r1"].compliant is False
    assert "+ /ip address add address=10.255.0.30/30 interface=sfp1" in before["kel-kedung-badak-r1"].missing
    assert deployer.commit(job).outcome is Outcome.APPLIED
    after = {d.device: d for d in deployer.drift(job)}
    assert all(d.compliant for d in after.values()), after
    assert after["kel-kedung-badak-r1"].since_backup.count("\n+/ip address add") == 1  # applied since the backup
    # someone removes the fibre's address by hand: drifted, and exactly that line is missing
    t = FleetTransport(fleet.endpoints["kel-kedung-badak-r1"], fleet)
    t.open()
    dev = fleet._devices["kel-kedung-badak-r1"]
    dev.running = [ln for ln in dev.running if not ln.startswith("/ip address add")]
    drifted = {d.device: d for d in deployer.drift(job)}
    assert drifted["kel-kedung-badak-r1"].compliant is False
    assert drifted["kel-kedung-badak-r1"].missing == "+ /ip address add address=10.255.0.30/30 interface=sfp1 " \
                                                     'comment="fo-kec-tanah-sareal--kel-kedung-badak"\n'
    assert drifted["kec-tanah-sareal-r1"].compliant is True


def test_drift_reports_an_unreachable_device(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                             tmp_path: Path) -> None:
    fleet.set_faults("kec-tanah-sareal-ap1", DeviceFaults(unreachable=True))
    found = {d.device: d for d in _deployer(fleet, tmp_path).drift(_job(inv, plan, fleet))}
    assert found["kec-tanah-sareal-ap1"].compliant is None
    assert found["kec-tanah-sareal-ap1"].failure is FailureKind.UNREACHABLE
    assert found["kel-kedung-badak-r1"].compliant is False


def test_no_credential_in_any_output(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                     tmp_path: Path) -> None:
    """The IOS device's running config holds the password and enable secret: dry run, a commit that fails
    (rolled back), a commit that succeeds and drift write backups, diffs, errors and reports: none holds them."""
    deployer = _deployer(fleet, tmp_path)
    job = _job(inv, plan, fleet)
    texts = [repr(job), repr(job.endpoints), str(deployer.dry_run(job).to_json())]
    fleet.set_faults("kec-tanah-sareal-r1", DeviceFaults(reject_line="ip ospf bfd"))
    texts.append(str(deployer.commit(job).to_json()))
    fleet.set_faults("kec-tanah-sareal-r1", DeviceFaults())
    texts.append(str(deployer.commit(job).to_json()))
    texts.append(str([d.to_json() for d in deployer.drift(job)]))
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 12
    texts += [p.read_text() for p in files]
    blob = "\n".join(texts)
    assert "**********" in blob  # the backup of the IOS device, redacted
    assert PASSWORD not in blob
    assert ENABLE not in blob


def test_commit_of_an_applied_route_changes_nothing(inv: Inventory, plan: MigrationPlan, fleet: MemoryDevices,
                                                    tmp_path: Path) -> None:
    deployer = _deployer(fleet, tmp_path)
    job = _job(inv, plan, fleet)
    assert deployer.commit(job).outcome is Outcome.APPLIED
    commits = {d: fleet.commits(d) for d in BEFORE}
    again = deployer.commit(job)
    assert again.outcome is Outcome.APPLIED and again.exit_code == 0
    assert {r.status for r in again.devices} == {DeviceStatus.UNCHANGED}
    assert all(c.passed for r in again.devices for c in r.checks)
    assert {d: fleet.commits(d) for d in BEFORE} == commits


def test_the_napalm_transport_through_the_orchestrator(tmp_path: Path) -> None:
    """`--driver napalm`'s path, with napalm's own mock driver replaying recorded answers (the mock keeps no
    config, so this checks the orchestration and error mapping, not a device's state)."""
    from kotanet.playbooks.napalm_transport import NapalmTransport
    from kotanet.playbooks.render import RenderedConfig

    data = Path(__file__).resolve().parents[1] / "data" / "napalm_mock"
    ep = DeviceEndpoint(name="kec-bogor-selatan-r1", platform=Platform.IOS, host="127.0.0.1", port=22,
                        credentials=Credentials(username="kotanet", password=SecretStr("mock-secret-7f3a")))
    cfg = RenderedConfig(ep.name, Platform.IOS, "interface GigabitEthernet0/1/0\n ip address 10.255.0.1 "
                                                "255.255.255.252\n no shutdown\n!\nntp server 10.20.0.1\nend\n")
    job = DeployJob(route="1", configs={ep.name: cfg}, endpoints={ep.name: ep}, known_devices=frozenset({ep.name}))

    def deployer(case: str) -> Deployer:
        return Deployer(lambda e: NapalmTransport(e, driver="mock", optional_args={"path": str(data / case)}),
                        BackupStore(tmp_path / case), CLOCK, options=DeployOptions(checks=frozenset()))

    ok = deployer("change")
    dry = ok.dry_run(job)
    assert dry.devices[0].status is DeviceStatus.WOULD_CHANGE
    assert "+ ip address 10.255.0.1 255.255.255.252" in dry.devices[0].diff
    assert ok.commit(job).outcome is Outcome.APPLIED
    bad = deployer("rejected").commit(job)
    assert bad.outcome is Outcome.ROLLED_BACK and bad.exit_code == 1
    assert bad.devices[0].failure is FailureKind.REJECTED
    assert "ntp server 10.20.0.1" in bad.devices[0].error
