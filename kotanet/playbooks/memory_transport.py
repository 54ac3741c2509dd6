"""An in-memory `DeviceTransport` over a dict of running configs: for orchestrator tests and benchmarks.

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

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kotanet.inventory.choices import Platform
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, FailureKind, TransportError

__all__ = ["MemoryDevices", "MemoryTransport", "config_lines"]

_COMMENT = ("!", "#", "/*")


def config_lines(text: str) -> list[str]:
    """The lines of a config snippet that a device would execute: no blanks, no comments, no `end`."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith(_COMMENT) or stripped == "end":
            continue
        out.append(line)
    return out


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
