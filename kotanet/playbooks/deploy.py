"""Deploy one route's configs: dry run, commit with post-checks and automatic rollback, and drift.

Everything goes through the `DeviceTransport` Protocol; a `TransportFactory` opens one transport per device
(netmiko by default, napalm with `driver=napalm`, the in-memory fleet in tests). Failures are data: every
device gets a `DeviceResult`, and one failing device never hides the others.

    dry run   backup every device -> merge the candidate -> compare_config (the diff) -> discard. Changes
              nothing.
    commit    backup every device (any failure: nothing is pushed) -> push to every device concurrently
              (a device whose diff is empty is left alone) -> post-checks (`kotanet.playbooks.checks`; a
              failing one is read again, `check_retries` times, while the new link comes up)
              -> confirm. If ANY device fails or ANY check fails, EVERY device that was pushed (the failing
              one included) is rolled back, and its running config is read back and compared with the
              backup. The route ends fully applied or fully as before.
    drift     merge the route's config as a candidate: a device is compliant when that changes nothing;
              the lines it would add are the drift. Also: what changed since the last backup.

Credentials are never in a result: backups, diffs, check details and error messages pass through
`redact()` with every password and secret of the job.
"""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kotanet.clock import Clock
from kotanet.errors import KotanetError, UsageError
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.paths import kotanet_home
from kotanet.playbooks.backups import Backup, BackupStore
from kotanet.playbooks.checks import CheckKind, CheckResult, PostCheck, evaluate, plan_checks
from kotanet.playbooks.credentials import CredentialSource
from kotanet.playbooks.render import PlatformOf, RenderedConfig, Renderer
from kotanet.playbooks.transport import DeviceEndpoint, DeviceTransport, FailureKind, TransportError
from kotanet.topology.plan import MigrationPlan, RoutePlan, plan_migrations

__all__ = [
    "SIMULATION_FILE",
    "DeployJob",
    "DeployMode",
    "DeployOptions",
    "DeployReport",
    "Deployer",
    "DeviceResult",
    "DeviceStatus",
    "DriftResult",
    "Driver",
    "Outcome",
    "Progress",
    "TransportFactory",
    "build_job",
    "default_targets_path",
    "load_targets",
    "make_factory",
    "redact",
    "resolve_endpoints",
    "route_configs",
]

SIMULATION_FILE = "ssh-simulation.json"
TransportFactory = Callable[[DeviceEndpoint], DeviceTransport]
Progress = Callable[[str, str], None]  # (device, phase)
REDACTED = "**********"


class Driver(StrEnum):
    NETMIKO = "netmiko"
    NAPALM = "napalm"


class DeployMode(StrEnum):
    DRY_RUN = "dry-run"
    COMMIT = "commit"


class DeviceStatus(StrEnum):
    UNCHANGED = "unchanged"            # dry run: the candidate changes nothing
    WOULD_CHANGE = "would_change"      # dry run: the diff is what a commit would change
    APPLIED = "applied"
    ROLLED_BACK = "rolled_back"        # pushed, then undone because this or another device failed
    NOT_PUSHED = "not_pushed"          # another device failed before the push: never touched
    FAILED = "failed"                  # this device failed (see `failure`); rolled back if anything was pushed
    ROLLBACK_FAILED = "rollback_failed"  # undoing failed, or the config read back differs from the backup


class Outcome(StrEnum):
    DRY_RUN = "dry_run"
    APPLIED = "applied"
    ROLLED_BACK = "rolled_back"
    INCONSISTENT = "inconsistent"  # a rollback did not restore a device: act by hand


@dataclass(frozen=True, slots=True)
class DeviceResult:
    device: str
    platform: Platform
    status: DeviceStatus
    diff: str = ""
    backup: Path | None = None
    backup_sha256: str = ""
    failure: FailureKind | None = None
    error: str = ""
    checks: tuple[CheckResult, ...] = ()
    rollback_verified: bool | None = None  # after a rollback: the running config equals the backup

    @property
    def ok(self) -> bool:
        return self.status in (DeviceStatus.APPLIED, DeviceStatus.UNCHANGED, DeviceStatus.WOULD_CHANGE)

    def to_json(self) -> dict[str, object]:
        return {"device": self.device, "platform": self.platform.value, "status": self.status.value,
                "failure": self.failure.value if self.failure else None, "error": self.error, "diff": self.diff,
                "backup": str(self.backup) if self.backup else None, "backup_sha256": self.backup_sha256,
                "rollback_verified": self.rollback_verified,
                "checks": [{"kind": c.kind.value, "interface": c.interface, "passed": c.passed,
                            "detail": c.detail} for c in self.checks]}


@dataclass(frozen=True, slots=True)
class DeployReport:
    route: str
    mode: DeployMode
    outcome: Outcome
    devices: tuple[DeviceResult, ...]

    @property
    def exit_code(self) -> int:
        """0 applied (or a clean dry run), 1 rolled back (or a dry run with a failing device)."""
        if self.mode is DeployMode.DRY_RUN:
            return 0 if all(d.ok for d in self.devices) else 1
        return 0 if self.outcome is Outcome.APPLIED else 1

    def to_json(self) -> dict[str, object]:
        return {"route": self.route, "mode": self.mode.value, "outcome": self.outcome.value,
                "devices": [d.to_json() for d in self.devices]}


@dataclass(frozen=True, slots=True)
class DriftResult:
    device: str
    platform: Platform
    compliant: bool | None            # None: could not be read
    missing: str = ""                 # what merging the intended config would still change
    since_backup: str = ""            # unified diff of the running config against the last backup
    last_backup: Path | None = None
    failure: FailureKind | None = None
    error: str = ""

    def to_json(self) -> dict[str, object]:
        return {"device": self.device, "platform": self.platform.value, "compliant": self.compliant,
                "missing": self.missing, "since_backup": self.since_backup,
                "last_backup": str(self.last_backup) if self.last_backup else None,
                "failure": self.failure.value if self.failure else None, "error": self.error}


@dataclass(frozen=True, slots=True)
class DeployJob:
    """What to push where: one route's rendered configs, each device's endpoint, and the post-checks."""

    route: str
    configs: Mapping[str, RenderedConfig]
    endpoints: Mapping[str, DeviceEndpoint]
    checks: tuple[PostCheck, ...] = ()
    known_devices: frozenset[str] = field(default_factory=frozenset)  # the inventory's device ids

    def secrets(self) -> list[str]:
        out: list[str] = []
        for ep in self.endpoints.values():
            c = ep.credentials
            if c is None:
                continue
            out.append(c.password.get_secret_value())
            if c.secret is not None:
                out.append(c.secret.get_secret_value())
        return [s for s in out if s]


CHECK_RETRY_S = 3.0


@dataclass(frozen=True, slots=True)
class DeployOptions:
    max_workers: int = 16
    # Commit-confirm, where the platform supports it: the device reverts by itself unless confirmed in time.
    confirm_seconds: int | None = None
    # Seconds between the two reads of the fibre's packet counters (the `traffic` check).
    counter_interval_s: float = 5.0
    checks: frozenset[CheckKind] = frozenset(CheckKind)
    # A link just configured needs a few seconds (OSPF hellos, ARP, BFD) before its checks can pass: the
    # failing ones are read again this many times, `check_retry_s` apart, before the route is rolled back.
    check_retries: int = 10
    check_retry_s: float = CHECK_RETRY_S


def redact(text: str, secrets: Iterable[str]) -> str:
    for s in sorted(set(secrets), key=len, reverse=True):
        if s:
            text = text.replace(s, REDACTED)
    return text


def _failure(exc: BaseException, device: str) -> tuple[FailureKind, str]:
    if isinstance(exc, TransportError):
        return exc.kind, exc.message
    if isinstance(exc, KotanetError):
        return FailureKind.UNSUPPORTED, exc.message
    if isinstance(exc, TimeoutError):
        return FailureKind.TIMEOUT, f"{device}: timed out"
    if isinstance(exc, ConnectionError | OSError):
        return FailureKind.UNREACHABLE, f"{device}: {type(exc).__name__}: {exc}"
    return FailureKind.UNSUPPORTED, f"{device}: {type(exc).__name__}: {exc}"


@dataclass(slots=True)
class _Session:
    """One device's state during a run (mutated only by the one thread working on that device at a time)."""

    device: str
    platform: Platform
    config: RenderedConfig
    transport: DeviceTransport | None = None
    backup: Backup | None = None
    backup_text: str = ""
    diff: str = ""
    pushed: bool = False      # commit_config was attempted: the device may have changed
    committed: bool = False   # commit_config returned
    failure: FailureKind | None = None
    error: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    rolled_back: bool = False
    rollback_verified: bool | None = None

    @property
    def failed(self) -> bool:
        return self.failure is not None


def _bad(sessions: Sequence[_Session]) -> bool:
    return any(s.failed or any(not c.passed for c in s.checks) for s in sessions)


class Deployer:
    """Runs dry runs, commits and drift checks of one `DeployJob` at a time."""

    def __init__(self, factory: TransportFactory, backups: BackupStore, clock: Clock, *,
                 options: DeployOptions | None = None, sleep: Callable[[float], None] = time.sleep,
                 progress: Progress | None = None) -> None:
        self.factory = factory
        self.backups = backups
        self.clock = clock
        self.options = options or DeployOptions()
        self.sleep = sleep
        self.progress = progress
        self._secrets: list[str] = []  # the running job's passwords, redacted from everything it returns

    # -- helpers ------------------------------------------------------------------------------------
    def _note(self, device: str, phase: str) -> None:
        if self.progress is not None:
            self.progress(device, phase)

    def _parallel(self, sessions: Sequence[_Session], fn: Callable[[_Session], None]) -> None:
        """Run `fn` for every session concurrently; an exception becomes that session's failure."""
        secrets = self._secrets

        def guarded(s: _Session) -> None:
            try:
                fn(s)
            except Exception as exc:
                kind, message = _failure(exc, s.device)
                if s.failure is None:
                    s.failure, s.error = kind, redact(message, secrets)

        if not sessions:
            return
        workers = max(1, min(self.options.max_workers, len(sessions)))
        if workers == 1:
            for s in sessions:
                guarded(s)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kotanet-deploy") as pool:
            list(pool.map(guarded, sessions))

    def _check_job(self, job: DeployJob) -> list[_Session]:
        unknown = sorted(d for d in job.configs if job.known_devices and d not in job.known_devices)
        if unknown:
            raise UsageError(f"route {job.route}: device(s) not in the inventory: {', '.join(unknown)}",
                             hint="nothing was pushed; fix the inventory or the job")
        missing = sorted(d for d in job.configs if d not in job.endpoints)
        if missing:
            raise UsageError(f"route {job.route}: no address for device(s) {', '.join(missing)}",
                             hint="add them to the targets file, or give them a management address")
        out = []
        for dev, cfg in sorted(job.configs.items()):
            ep = job.endpoints[dev]
            if ep.platform is not cfg.platform:
                raise UsageError(f"route {job.route}: device {dev} is a {ep.platform.value} device at "
                                 f"{ep.host}:{ep.port}, but its config is for {cfg.platform.value}",
                                 hint="render for the device's own platform (drop --platform), or fix the targets")
            out.append(_Session(device=dev, platform=cfg.platform, config=cfg))
        return out

    def _open_and_backup(self, s: _Session, endpoint: DeviceEndpoint) -> None:
        self._note(s.device, "backup")
        s.transport = self.factory(endpoint)
        s.transport.open()
        running = redact(s.transport.get_running_config(), self._secrets)
        s.backup_text = running
        s.backup = self.backups.save(s.device, running, self.clock.now())

    def _close_all(self, sessions: Sequence[_Session]) -> None:
        for s in sessions:
            if s.transport is not None:
                with contextlib.suppress(Exception):  # closing a dead session must not hide the results
                    s.transport.close()

    # -- dry run ------------------------------------------------------------------------------------
    def dry_run(self, job: DeployJob) -> DeployReport:
        sessions = self._check_job(job)
        self._secrets = job.secrets()

        def work(s: _Session) -> None:
            self._open_and_backup(s, job.endpoints[s.device])
            assert s.transport is not None
            self._note(s.device, "diff")
            s.transport.load_merge_candidate(s.config.text)
            try:
                s.diff = redact(s.transport.compare_config(), self._secrets)
            finally:
                s.transport.discard_config()

        try:
            self._parallel(sessions, work)
        finally:
            self._close_all(sessions)
        results = tuple(self._result(s, DeviceStatus.WOULD_CHANGE if s.diff.strip() else DeviceStatus.UNCHANGED)
                        for s in sessions)
        return DeployReport(job.route, DeployMode.DRY_RUN, Outcome.DRY_RUN, results)

    # -- commit -------------------------------------------------------------------------------------
    def commit(self, job: DeployJob) -> DeployReport:
        sessions = self._check_job(job)
        self._secrets = job.secrets()
        try:
            self._parallel(sessions, lambda s: self._open_and_backup(s, job.endpoints[s.device]))
            if not any(s.failed for s in sessions):
                self._parallel(sessions, self._push)
            if not any(s.failed for s in sessions) and self.options.checks:
                self._post_checks(sessions, job)
            if not _bad(sessions) and self.options.confirm_seconds is not None:
                self._parallel([s for s in sessions if s.pushed],
                               lambda s: s.transport.confirm_commit() if s.transport else None)
            if _bad(sessions):
                self._parallel([s for s in sessions if s.pushed], self._rollback)
                return self._report(job, sessions, applied=False)
            return self._report(job, sessions, applied=True)
        finally:
            self._close_all(sessions)

    def _push(self, s: _Session) -> None:
        assert s.transport is not None
        self._note(s.device, "push")
        s.transport.load_merge_candidate(s.config.text)
        s.diff = redact(s.transport.compare_config(), self._secrets)
        if not s.diff.strip():  # already applied: committing again would only repeat `add` commands
            s.transport.discard_config()
            s.committed = True
            return
        s.pushed = True
        s.transport.commit_config(confirm_seconds=self.options.confirm_seconds)
        s.committed = True

    def _post_checks(self, sessions: Sequence[_Session], job: DeployJob) -> None:
        wanted = [c for c in job.checks if c.kind in self.options.checks]
        by_device: dict[str, list[PostCheck]] = {}
        for c in wanted:
            by_device.setdefault(c.device, []).append(c)
        first: dict[tuple[str, CheckKind, str], str] = {}

        def read(s: _Session, kinds: Iterable[CheckKind]) -> dict[str, str]:
            assert s.transport is not None
            cmds = [cmd for c in by_device.get(s.device, []) if c.kind in kinds for cmd in c.commands]
            return s.transport.run_commands(list(dict.fromkeys(cmds))) if cmds else {}

        pending: dict[str, list[PostCheck]] = {d: [c for c in cs if c.kind is not CheckKind.TRAFFIC]
                                               for d, cs in by_device.items()}
        last: dict[PostCheck, CheckResult] = {}

        rounds = [0]

        def settle(s: _Session) -> None:
            """Read the device's pending checks once; those that pass are done."""
            if not rounds[0]:
                self._note(s.device, "check")
            checks = pending.get(s.device, [])
            if not checks:
                return
            assert s.transport is not None
            cmds = list(dict.fromkeys(cmd for c in checks for cmd in c.commands))
            out = s.transport.run_commands(cmds)
            still = []
            for c in checks:
                result = evaluate(c, [redact("\n".join(out.get(cmd, "") for cmd in c.commands), self._secrets)])
                if result.passed:
                    s.checks.append(result)
                else:
                    last[c] = result
                    still.append(c)
            pending[s.device] = still

        for attempt in range(self.options.check_retries + 1):
            if attempt:
                self.sleep(self.options.check_retry_s)
            self._parallel([s for s in sessions if pending.get(s.device)], settle)
            rounds[0] += 1
            if any(s.failed for s in sessions) or not any(pending.values()):
                break
        for s in sessions:
            s.checks += [last[c] for c in pending.get(s.device, []) if c in last]

        def one_shot(s: _Session) -> None:
            out = read(s, {CheckKind.TRAFFIC})
            for c in by_device.get(s.device, []):
                if c.kind is CheckKind.TRAFFIC:
                    first[(c.device, c.kind, c.interface)] = redact("\n".join(out.get(cmd, "") for cmd in c.commands),
                                                                    self._secrets)

        self._parallel(sessions, one_shot)
        if any(c.kind is CheckKind.TRAFFIC for c in wanted) and not any(s.failed for s in sessions):
            self.sleep(self.options.counter_interval_s)

            def second(s: _Session) -> None:
                out = read(s, {CheckKind.TRAFFIC})
                for c in by_device.get(s.device, []):
                    if c.kind is CheckKind.TRAFFIC:
                        text = redact("\n".join(out.get(cmd, "") for cmd in c.commands), self._secrets)
                        s.checks.append(evaluate(c, [first.get((c.device, c.kind, c.interface), ""), text]))

            self._parallel(sessions, second)

    def _rollback(self, s: _Session) -> None:
        assert s.transport is not None
        self._note(s.device, "rollback")
        try:
            s.transport.rollback()
        except TransportError as exc:
            if exc.kind not in (FailureKind.DISCONNECTED, FailureKind.TIMEOUT):
                raise
            # the session dropped: a new one, the same transport (it remembers the pre-commit config)
            with contextlib.suppress(Exception):
                s.transport.close()
            s.transport.open()
            s.transport.rollback()
        s.rolled_back = True
        after = redact(s.transport.get_running_config(), self._secrets)
        s.rollback_verified = after == s.backup_text

    def _report(self, job: DeployJob, sessions: Sequence[_Session], *, applied: bool) -> DeployReport:
        results: list[DeviceResult] = []
        for s in sessions:
            if applied:
                status = DeviceStatus.APPLIED if s.pushed else DeviceStatus.UNCHANGED
            elif s.pushed and (not s.rolled_back or not s.rollback_verified):
                status = DeviceStatus.ROLLBACK_FAILED
            elif s.failed or any(not c.passed for c in s.checks):
                status = DeviceStatus.FAILED
            elif s.pushed:
                status = DeviceStatus.ROLLED_BACK
            else:
                status = DeviceStatus.NOT_PUSHED
            results.append(self._result(s, status))
        if applied:
            outcome = Outcome.APPLIED
        elif any(r.status is DeviceStatus.ROLLBACK_FAILED for r in results):
            outcome = Outcome.INCONSISTENT
        else:
            outcome = Outcome.ROLLED_BACK
        return DeployReport(job.route, DeployMode.COMMIT, outcome, tuple(results))

    def _result(self, s: _Session, status: DeviceStatus) -> DeviceResult:
        error = s.error
        if not error and any(not c.passed for c in s.checks):
            error = "; ".join(f"{c.kind.value}: {c.detail}" for c in s.checks if not c.passed)
        if s.failure is not None:
            status = status if status is not DeviceStatus.UNCHANGED and status is not DeviceStatus.WOULD_CHANGE \
                else DeviceStatus.FAILED
        return DeviceResult(device=s.device, platform=s.platform, status=status, diff=s.diff,
                            backup=s.backup.path if s.backup else None,
                            backup_sha256=s.backup.sha256 if s.backup else "", failure=s.failure, error=error,
                            checks=tuple(s.checks), rollback_verified=s.rollback_verified)

    # -- drift --------------------------------------------------------------------------------------
    def drift(self, job: DeployJob) -> list[DriftResult]:
        sessions = self._check_job(job)
        self._secrets = job.secrets()
        found: dict[str, DriftResult] = {}

        def work(s: _Session) -> None:
            self._note(s.device, "drift")
            s.transport = self.factory(job.endpoints[s.device])
            s.transport.open()
            running = redact(s.transport.get_running_config(), self._secrets)
            s.transport.load_merge_candidate(s.config.text)
            try:
                missing = redact(s.transport.compare_config(), self._secrets)
            finally:
                s.transport.discard_config()
            last = self.backups.latest(s.device)
            since = ""
            if last is not None:
                since = "".join(difflib.unified_diff(last.read().splitlines(keepends=True),
                                                     running.splitlines(keepends=True),
                                                     fromfile=str(last.path.name), tofile="running"))
            found[s.device] = DriftResult(device=s.device, platform=s.platform, compliant=not missing.strip(),
                                          missing=missing, since_backup=since,
                                          last_backup=last.path if last else None)

        try:
            self._parallel(sessions, work)
        finally:
            self._close_all(sessions)
        return [found.get(s.device) or DriftResult(device=s.device, platform=s.platform, compliant=None,
                                                   failure=s.failure, error=s.error) for s in sessions]


# -- building a job from the inventory -------------------------------------------------------------
def load_targets(path: Path) -> dict[str, tuple[str, int, Platform]]:
    """The endpoint map `{"devices": {"<device>": {"host": ..., "port": ..., "platform": ...}}}`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"targets file {path} does not exist",
                         hint="start the SSH simulator, or pass --targets FILE") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}", hint="fix the targets file") from None
    devices = data.get("devices") if isinstance(data, dict) else None
    if not isinstance(devices, dict):
        raise UsageError(f"{path}: no \"devices\" mapping",
                         hint='expected {"devices": {"<device>": {"host": ..., "port": ..., "platform": ...}}}')
    out: dict[str, tuple[str, int, Platform]] = {}
    for name, entry in devices.items():
        try:
            out[str(name)] = (str(entry["host"]), int(entry.get("port", 22)), Platform(entry["platform"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise UsageError(f"{path}: devices.{name}: needs host, port and a known platform",
                             hint=f"platforms: {', '.join(p.value for p in Platform)}") from None
    return out


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def resolve_endpoints(inv: Inventory, devices: Iterable[str], creds: CredentialSource, *,
                      targets: Mapping[str, tuple[str, int, Platform]] | None, live: bool,
                      targets_origin: str = "the targets file") -> dict[str, DeviceEndpoint]:
    """Each device's endpoint: from `targets` when given, else its management address. A non-loopback
    address needs `live` (the same policy as `kotanet monitor run`)."""
    out: dict[str, DeviceEndpoint] = {}
    for name in devices:
        dev = inv.device(name)
        if dev is None:
            raise UsageError(f"device {name!r} is not in the inventory", hint="nothing was pushed")
        if targets is not None:
            if name not in targets:
                raise UsageError(f"device {name} is not in {targets_origin}",
                                 hint="add it, or start the simulator with this route's devices")
            host, port, platform = targets[name]
        else:
            if dev.mgmt_ip is None:
                raise UsageError(f"device {name} has no management address", hint="set mgmt_ip in devices.yaml")
            host, port, platform = str(dev.mgmt_ip), 22, dev.platform
        if not live and not _loopback(host):
            raise UsageError(f"device {name} is at {host}, a real network address, and --live was not given",
                             hint="start the SSH simulator (it writes the targets file), or pass --live to "
                                  "change real devices")
        out[name] = DeviceEndpoint(name=name, platform=platform, host=host, port=port,
                                   credentials=creds.for_device(name))
    return out


def default_targets_path() -> Path:
    return kotanet_home() / SIMULATION_FILE


def build_job(inv: Inventory, route_id: str, *, keep_radio_backup: bool = False,
              endpoints: Callable[[Iterable[str]], Mapping[str, DeviceEndpoint]],
              platform_of: PlatformOf | None = None, plan: MigrationPlan | None = None,
              renderer: Renderer | None = None) -> DeployJob:
    """The job for one route: its configs (rendered as `kotanet playbook render` does), endpoints and checks.
    An unknown route lists the valid ones."""
    plan = plan or plan_migrations(inv, keep_radio_backup=keep_radio_backup)
    rp = plan.route(route_id)
    configs = route_configs(inv, plan, rp, keep_radio_backup=keep_radio_backup, platform_of=platform_of,
                            renderer=renderer)
    eps = dict(endpoints(sorted(configs)))
    checks = plan_checks(rp, {d: c.platform for d, c in configs.items()})
    return DeployJob(route=rp.route, configs=configs, endpoints=eps, checks=tuple(checks),
                     known_devices=frozenset(d.id for d in inv.devices))


def route_configs(inv: Inventory, plan: MigrationPlan, rp: RoutePlan, *, keep_radio_backup: bool,
                  platform_of: PlatformOf | None = None, renderer: Renderer | None = None
                  ) -> dict[str, RenderedConfig]:
    """One route's configs, with the radios the routes before it retired (the same as in `render_all`)."""
    retired: set[str] = set()
    if not keep_radio_backup:
        for r in plan.routes:
            if r.route == rp.route:
                break
            retired |= set(r.retires)
    return (renderer or Renderer()).render_route(inv, rp, keep_radio_backup=keep_radio_backup,
                                                 retired_before=retired, platform_of=platform_of)


def make_factory(driver: Driver) -> TransportFactory:
    """The transport factory for `driver`; the driver library is imported here, not at import time."""
    if driver is Driver.NAPALM:
        import importlib

        mod = importlib.import_module("kotanet.playbooks.napalm_transport")
        napalm: TransportFactory = mod.NapalmTransport
        return napalm
    from kotanet.playbooks.netmiko_transport import NetmikoTransport

    return NetmikoTransport
