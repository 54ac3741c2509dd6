"""In-memory `DeviceTransport`s: for orchestrator tests and benchmarks. Two kinds:

- `MemoryFleet` / `FleetTransport`: the SSH simulator's devices without SSH. Start-up configs come from
  the inventory, every line goes through the simulated IOS/RouterOS/Junos shell, and the transport logic is
  netmiko's (`kotanet.playbooks.netmiko_transport.CliTransport`), so diffs, rejections, rollbacks and
  post-check outputs are what the SSH simulator would give.
- `MemoryDevices` / `MemoryTransport` (below): a bare dict of running configs, described here.

`MemoryDevices` holds the devices (running config, faults, credentials); `MemoryDevices.transport(endpoint)`
opens one session to one of them. The same faults as the SSH simulator apply
(`kotanet.playbooks.sshsim.faults.DeviceFaults`): a rejected line, a session that drops after N config
lines, refused authentication, an unreachable device, and interfaces that never come up.

As with every transport: a rejected line raises `TransportError(REJECTED, line=...)` after putting the
config back as it was; a dropped session raises DISCONNECTED with the lines before the drop applied, and
`open()` then `rollback()` on the same transport object restores the config from before the commit.

A config line is applied by merging it into the device's running config: a comment or blank line is
skipped, a line already present changes nothing, any other line is appended. `run_commands` answers from
`outputs` (device -> command -> text); a command it does not know answers with an empty string, except
that a command naming a `down_interfaces` entry answers "down".
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import SecretStr

from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Inventory
from kotanet.playbooks.netmiko_transport import (
    _ERROR,
    ChannelDropped,
    ChannelRejected,
    CliChannel,
    CliTransport,
    config_lines,
)
from kotanet.playbooks.sshsim.base import Shell
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.sshsim.fleet import Fleet
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, FailureKind, TransportError

__all__ = ["FleetTransport", "MemoryDevices", "MemoryFleet", "MemoryTransport", "ShellChannel", "config_lines"]


@dataclass(slots=True)
class _Device:
    name: str
    platform: Platform
    running: list[str]
    faults: DeviceFaults = field(default_factory=DeviceFaults)
    credentials: Credentials | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    commits: int = 0


class MemoryDevices:
    """A set of in-memory devices, shared by every transport opened on them. Thread-safe."""

    def __init__(self, configs: Mapping[str, str], *, platforms: Mapping[str, Platform] | None = None,
                 faults: Mapping[str, DeviceFaults] | None = None, credentials: Credentials | None = None,
                 outputs: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._lock = threading.Lock()
        self._devices: dict[str, _Device] = {}
        for name, text in configs.items():
            self._devices[name] = _Device(
                name=name, platform=(platforms or {}).get(name, Platform.IOS),
                running=[ln for ln in text.splitlines() if ln.strip()],
                faults=(faults or {}).get(name, DeviceFaults()), credentials=credentials,
                outputs=dict((outputs or {}).get(name, {})))

    @property
    def endpoints(self) -> dict[str, DeviceEndpoint]:
        return {d.name: DeviceEndpoint(name=d.name, platform=d.platform, host="memory", port=0,
                                       credentials=d.credentials) for d in self._devices.values()}

    def transport(self, endpoint: DeviceEndpoint) -> MemoryTransport:
        return MemoryTransport(endpoint, self)

    def running_config(self, device: str) -> str:
        with self._lock:
            return _text(self._device(device).running)

    def set_faults(self, device: str, faults: DeviceFaults) -> None:
        with self._lock:
            self._device(device).faults = faults

    def faults(self, device: str) -> DeviceFaults:
        with self._lock:
            return self._device(device).faults

    def commits(self, device: str) -> int:
        """How many commits changed the device (for tests: a dry run must leave this at 0)."""
        with self._lock:
            return self._device(device).commits

    def _device(self, device: str) -> _Device:
        dev = self._devices.get(device)
        if dev is None:
            raise TransportError(device, FailureKind.UNREACHABLE, "no such device in the memory fleet",
                                 hint=f"known devices: {', '.join(sorted(self._devices))}")
        return dev


def _text(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


class MemoryTransport:
    """One session to one `MemoryDevices` device."""

    def __init__(self, endpoint: DeviceEndpoint, devices: MemoryDevices) -> None:
        self.endpoint = endpoint
        self._devices = devices
        self._open = False
        self._candidate: list[str] | None = None
        self._before_commit: list[str] | None = None

    # -- session ------------------------------------------------------------------------------------
    def open(self) -> None:
        name = self.endpoint.name
        with self._devices._lock:
            dev = self._devices._device(name)
            if dev.faults.unreachable:
                raise TransportError(name, FailureKind.UNREACHABLE, "connection refused",
                                     hint="check that the device is up and reachable from here")
            if dev.faults.refuse_auth or not _same_credentials(dev.credentials, self.endpoint.credentials):
                raise TransportError(name, FailureKind.AUTHENTICATION, "authentication failed",
                                     hint="check the username and password in the secrets file")
        self._open = True

    def close(self) -> None:
        self._open = False

    def _dev(self) -> _Device:
        if not self._open:
            raise TransportError(self.endpoint.name, FailureKind.DISCONNECTED, "the session is not open",
                                 hint="call open() first")
        return self._devices._device(self.endpoint.name)

    # -- config -------------------------------------------------------------------------------------
    def get_running_config(self) -> str:
        with self._devices._lock:
            return _text(self._dev().running)

    def load_merge_candidate(self, config: str) -> None:
        self._dev()
        self._candidate = config_lines(config)

    def compare_config(self) -> str:
        with self._devices._lock:
            running = set(self._dev().running)
        if not self._candidate:
            return ""
        return "".join(f"+ {ln}\n" for ln in self._candidate if ln not in running)

    def discard_config(self) -> None:
        self._candidate = None

    def commit_config(self, *, confirm_seconds: int | None = None) -> None:
        del confirm_seconds  # no commit-confirm in memory: the change applies at once
        name = self.endpoint.name
        with self._devices._lock:
            dev = self._dev()
            lines = self._candidate or []
            self._before_commit = list(dev.running)
            for count, line in enumerate(lines):
                if dev.faults.drop_after_lines is not None and count >= dev.faults.drop_after_lines:
                    self._open = False
                    dev.commits += 1
                    raise TransportError(name, FailureKind.DISCONNECTED,
                                         f"the session dropped after {count} config lines",
                                         hint="check the device's management path, then roll back")
                if dev.faults.rejects(line):
                    # the lines before the rejected one are taken back: a rejected commit changes nothing
                    dev.running = list(self._before_commit)
                    raise TransportError(name, FailureKind.REJECTED, f"the device rejected {line.strip()!r}",
                                         line=line.strip(), hint="fix the template or the device, then retry")
                if line not in dev.running:
                    dev.running.append(line)
            dev.commits += 1 if lines else 0
            self._candidate = None

    def confirm_commit(self) -> None:
        self._dev()

    def rollback(self) -> None:
        with self._devices._lock:
            dev = self._dev()
            if self._before_commit is None:
                raise TransportError(self.endpoint.name, FailureKind.UNSUPPORTED, "nothing to roll back",
                                     hint="rollback() follows a commit_config()")
            dev.running = list(self._before_commit)

    def run_commands(self, commands: Sequence[str]) -> dict[str, str]:
        with self._devices._lock:
            dev = self._dev()
            out: dict[str, str] = {}
            for cmd in commands:
                if cmd in dev.outputs:
                    out[cmd] = dev.outputs[cmd]
                elif any(itf in cmd for itf in dev.faults.down_interfaces):
                    out[cmd] = "down"
                else:
                    out[cmd] = ""
            return out


def _same_credentials(expected: Credentials | None, given: Credentials | None) -> bool:
    if expected is None:
        return True
    if given is None:
        return False
    return (expected.username == given.username
            and expected.password.get_secret_value() == given.password.get_secret_value())


# -- the simulator's shells, without SSH ------------------------------------------------------------------
class ShellChannel:
    """A `CliChannel` that feeds lines straight to a simulated device's shell (no SSH, no sockets)."""

    def __init__(self, fleet: Fleet, shell: Shell, platform: Platform) -> None:
        self.fleet = fleet
        self.shell: Shell | None = shell
        self.platform = platform

    def _send(self, line: str) -> str:
        if self.shell is None:
            raise ChannelDropped("closed")
        with self.fleet.lock:
            reply = self.shell.handle(line)
            if reply.close:
                self.shell.end_session()
                self.shell = None
                raise ChannelDropped("the device closed the session")
        return reply.output

    def command(self, cmd: str) -> str:
        return self._send(cmd)

    def config(self, lines: Sequence[str], *, enter: bool, exit_: bool) -> str:
        out: list[str] = []
        if enter:
            if self.platform in (Platform.IOS, Platform.FRR):
                out.append(self._send("configure terminal"))
            elif self.platform is Platform.JUNOS:
                out.append(self._send("configure"))
        for line in lines:
            text = self._send(line)
            out.append(text)
            if _ERROR.search(text):
                if exit_ and self.platform in (Platform.IOS, Platform.FRR):
                    self._send("end")
                raise ChannelRejected(line, text)
        if exit_:
            if self.platform in (Platform.IOS, Platform.FRR):
                out.append(self._send("end"))
            elif self.platform is Platform.JUNOS:
                out.append(self._send("exit configuration-mode"))
        return "".join(out)

    def close(self) -> None:
        if self.shell is not None:
            with self.fleet.lock:
                self.shell.end_session()
        self.shell = None


class FleetTransport(CliTransport):
    """The CLI transport's logic over a `MemoryFleet` device's shell: exactly what netmiko would do against
    the SSH simulator, minus SSH."""

    def __init__(self, endpoint: DeviceEndpoint, fleet: MemoryFleet) -> None:
        super().__init__(endpoint)
        self._fleet = fleet

    def _connect(self) -> CliChannel:
        name = self.endpoint.name
        fleet = self._fleet.fleet
        with fleet.lock:
            state = fleet.states.get(name)
            if state is None or state.faults.unreachable:
                raise self._fail(FailureKind.UNREACHABLE, "connection refused",
                                 hint="check that the device is up and reachable from here")
            faults = state.faults
        creds = self._fleet.credentials
        given = self.endpoint.credentials
        if faults.refuse_auth or given is None or not _same_credentials(creds, given):
            raise self._fail(FailureKind.AUTHENTICATION, "authentication failed",
                             hint="check the username and password in the secrets file")
        secret = (creds.secret or creds.password).get_secret_value()
        with fleet.lock:
            shell = fleet.shell(name, user=creds.username, enable_secret=secret)
            if self.endpoint.platform is Platform.IOS:
                shell.handle("enable")
                shell.handle(secret)
        return ShellChannel(fleet, shell, self.endpoint.platform)


class MemoryFleet:
    """The SSH simulator's devices without SSH: realistic configs, shells, link state and faults, in memory.

        mf = MemoryFleet(inventory, devices=["r1", "r2"])
        t = mf.transport(mf.endpoints["r1"])
    """

    def __init__(self, inventory: Inventory, devices: Iterable[str] | None = None, *,
                 credentials: Credentials | None = None, faults: Mapping[str, DeviceFaults] | None = None) -> None:
        self.fleet = Fleet(inventory, devices, faults=faults)
        self.credentials = credentials or Credentials(username="kotanet", password=SecretStr(secrets.token_urlsafe(18)))

    @property
    def endpoints(self) -> dict[str, DeviceEndpoint]:
        return {name: DeviceEndpoint(name=name, platform=st.platform, host="memory", port=0,
                                     credentials=self.credentials) for name, st in self.fleet.states.items()}

    def transport(self, endpoint: DeviceEndpoint) -> FleetTransport:
        return FleetTransport(endpoint, self)

    def running_config(self, device: str) -> str:
        return self.fleet.running_config(device)

    def set_faults(self, device: str, faults: DeviceFaults) -> None:
        self.fleet.set_faults(device, faults)
