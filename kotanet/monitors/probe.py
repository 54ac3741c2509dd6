"""The probe contract. ICMP, SNMP and HTTP probes implement it; all pass tests/conformance/test_probe.py.

A probe never raises for a target that is down, slow, refusing or malformed: every failure is a result
with `ok=False` (or `ok=None` when the probe could not decide, e.g. a wrong SNMP credential makes the
state unknowable) and a reason that says what happened. Only programming errors raise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

__all__ = ["Probe", "ProbeKind", "ProbeResult", "ProbeSpec"]


class ProbeKind(StrEnum):
    ICMP = "icmp"
    SNMP = "snmp"
    HTTP = "http"


@dataclass(frozen=True, slots=True)
class ProbeSpec:
    """What to probe and how. `address` is an IP or host; `port` 0 means the protocol's default."""

    target: str
    kind: ProbeKind
    address: str
    port: int = 0
    interval_s: float = 60.0
    timeout_s: float = 2.0
    retries: int = 1
    params: Mapping[str, str] = field(default_factory=dict)  # e.g. url, SNMP community/user, ifIndex list


@dataclass(frozen=True, slots=True)
class ProbeResult:
    target: str
    at: dt.datetime  # when the probe started (aware, from the injected clock)
    ok: bool | None  # True reachable/healthy, False down, None unknown (the probe could not decide)
    reason: str = ""
    latency_ms: float | None = None
    values: Mapping[str, float] = field(default_factory=dict)  # e.g. sysUpTime, ifHCInOctets.3, tls_days_left


@runtime_checkable
class Probe(Protocol):
    kind: ProbeKind

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        """Probe once (with the spec's timeout and retries). Never raises for a failing target."""
        ...
