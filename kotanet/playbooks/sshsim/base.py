"""What the simulated shells and the fleet share: the device state and the questions a shell asks the fleet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface
from typing import Protocol

from kotanet.inventory.choices import Platform
from kotanet.playbooks.sshsim.faults import DeviceFaults

__all__ = ["ConfigView", "Counters", "DeviceState", "Neighbour", "Network", "Reply", "Shell"]


class ConfigView(Protocol):
    """What the fleet needs to know from a device's running config."""

    def hostname(self) -> str: ...

    def interface_names(self) -> list[str]: ...

    def admin_up(self, ifname: str) -> bool: ...

    def addresses(self, ifname: str) -> list[IPv4Interface]: ...

    def ospf_enabled(self, ifname: str) -> bool: ...

    def router_id(self) -> str | None: ...

    def render(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Neighbour:
    interface: str
    router_id: str
    address: str


@dataclass(frozen=True, slots=True)
class Counters:
    in_packets: int
    out_packets: int
    in_bytes: int
    out_bytes: int


class Network(Protocol):
    """The fleet-level answers a shell needs for its show commands and ping."""

    def oper_up(self, device: str, ifname: str) -> bool: ...

    def neighbours(self, device: str) -> list[Neighbour]: ...

    def ping(self, device: str, address: IPv4Address) -> bool: ...

    def counters(self, device: str, ifname: str) -> Counters: ...

    def now(self) -> dt.datetime: ...


@dataclass(slots=True)
class DeviceState:
    """One simulated device. `config` is the platform's config model (the running/active config)."""

    name: str
    platform: Platform
    config: ConfigView
    faults: DeviceFaults = field(default_factory=DeviceFaults)
    model: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """What a shell answers to one line: text to print, then whether the session ends."""

    output: str = ""
    close: bool = False


class Shell(Protocol):
    """One interactive session on one device. Pure: lines in, text out."""

    def banner(self) -> str: ...

    def prompt(self) -> str: ...

    def handle(self, line: str) -> Reply: ...

    def end_session(self) -> None: ...
