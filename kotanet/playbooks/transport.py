"""The small Protocol that every way of talking to a device implements (netmiko, napalm, in-memory).

The deploy orchestrator (`kotanet.playbooks.deploy`) only speaks to this Protocol. Every implementation
passes the same conformance suite (`tests/conformance/test_device_transport.py`).

The life of one change on one device:

    t.open()
    backup = t.get_running_config()
    t.load_merge_candidate(snippet)        # nothing changes on the device yet
    diff = t.compare_config()              # what would change; "" when nothing
    t.commit_config()                      # applies; raises TransportError naming the rejected line
    outputs = t.run_commands([...])        # post-checks (show commands, ping)
    t.rollback()                           # back to the config before the last commit
    t.close()

`discard_config()` drops a loaded candidate without touching the device. Credentials are never part of
an exception's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import SecretStr

from kotanet.errors import KotanetError
from kotanet.inventory.choices import Platform

__all__ = [
    "Credentials",
    "DeviceEndpoint",
    "DeviceTransport",
    "FailureKind",
    "TransportError",
]


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: SecretStr
    # IOS `enable` secret, where the platform needs one; None uses the password.
    secret: SecretStr | None = None

    def __repr__(self) -> str:  # never show the password, even in a debugger or a log
        return f"Credentials(username={self.username!r}, password=**********)"


@dataclass(frozen=True, slots=True)
class DeviceEndpoint:
    """Where and how to reach one inventory device."""

    name: str                 # the inventory device name
    platform: Platform
    host: str
    port: int = 22
    credentials: Credentials | None = field(default=None, repr=False)


class FailureKind(StrEnum):
    UNREACHABLE = "unreachable"
    AUTHENTICATION = "authentication"
    REJECTED = "rejected"           # the device refused a config line
    DISCONNECTED = "disconnected"   # the session dropped halfway
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"


class TransportError(KotanetError):
    """A device-level failure. `device` names the device; `line` is the rejected config line, if any."""

    def __init__(self, device: str, kind: FailureKind, message: str, *, line: str | None = None,
                 hint: str = "") -> None:
        super().__init__(f"{device}: {kind.value}: {message}", hint=hint)
        self.device = device
        self.kind = kind
        self.line = line


@runtime_checkable
class DeviceTransport(Protocol):
    """One session to one device. Not thread-safe: one transport per device per thread."""

    endpoint: DeviceEndpoint

    def open(self) -> None: ...

    def close(self) -> None: ...

    def get_running_config(self) -> str: ...

    def load_merge_candidate(self, config: str) -> None: ...

    def compare_config(self) -> str: ...

    def discard_config(self) -> None: ...

    def commit_config(self, *, confirm_seconds: int | None = None) -> None:
        """Apply the candidate. With `confirm_seconds`, a platform that supports commit-confirm reverts by
        itself unless `confirm_commit()` follows in time; other platforms apply normally."""
        ...

    def confirm_commit(self) -> None: ...

    def rollback(self) -> None:
        """Restore the running config from before the last `commit_config`."""
        ...

    def run_commands(self, commands: Sequence[str]) -> dict[str, str]: ...
