"""The one conformance suite every Probe passes (ICMP, SNMP, HTTP), against real peers on 127.0.0.1.

A probe kind adds a Case to CASES: how to make the probe, a reachable spec and a spec that never answers
(each may start peers in the given ExitStack), how to run code against the silent one, and the tier the
param needs (ICMP needs root for raw sockets and a private network namespace whose loopback ignores ping;
SNMP needs the snmpsim responder; HTTP needs only a local server).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from kotanet.monitors.http import HttpProbe
from kotanet.monitors.icmp import IcmpProbe
from kotanet.monitors.peers import (
    SilentPort,
    SnmpsimAgent,
    TlsHttpServer,
    run_in_silent_netns,
    silent_netns_available,
)
from kotanet.monitors.probe import Probe, ProbeKind, ProbeResult, ProbeSpec
from kotanet.monitors.snmp import SnmpProbe
from tests.conftest import require_service

T = TypeVar("T")
AT = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
TIMEOUT_S = 0.4


def _direct(fn: Callable[[], T]) -> T:
    return fn()


@dataclass(frozen=True)
class Case:
    make_probe: Callable[[], Any]
    up: Callable[[ExitStack], ProbeSpec]
    down: Callable[[ExitStack], ProbeSpec]
    run_down: Callable[[Callable[[], Any]], Any] = _direct  # where code against `down` must run
    available: Callable[[], tuple[bool, str]] = lambda: (True, "")


def _spec(kind: ProbeKind, port: int = 0, *, retries: int = 1, **params: str) -> ProbeSpec:
    return ProbeSpec(f"{kind.value}:conformance", kind, "127.0.0.1", port=port, timeout_s=TIMEOUT_S,
                     retries=retries, params=params)


# --- ICMP: 127.0.0.1 answers; 127.0.0.1 inside a private namespace that ignores echo does not ---
def _icmp_available() -> tuple[bool, str]:
    return silent_netns_available(), "root (raw ICMP sockets and a private network namespace)"


ICMP = Case(
    make_probe=lambda: IcmpProbe(privileged=True),
    up=lambda stack: _spec(ProbeKind.ICMP),
    down=lambda stack: _spec(ProbeKind.ICMP),
    run_down=run_in_silent_netns,
    available=_icmp_available,
)


# --- SNMP: snmpsim answers; a UDP socket that never reads does not ---
def _snmp_up(stack: ExitStack) -> ProbeSpec:
    agent = stack.enter_context(SnmpsimAgent(interfaces=2))
    return _spec(ProbeKind.SNMP, agent.port, community="public", ifindexes="1,2")


def _snmp_down(stack: ExitStack) -> ProbeSpec:
    return _spec(ProbeKind.SNMP, stack.enter_context(SilentPort("udp")).port, community="public")


def _snmp_available() -> tuple[bool, str]:
    return importlib.util.find_spec("snmpsim") is not None, "snmpsim (pip install snmpsim)"


SNMP = Case(make_probe=SnmpProbe, up=_snmp_up, down=_snmp_down, available=_snmp_available)


# --- HTTP: a local HTTPS server answers; a TCP listener that never accepts does not ---
def _http_up(stack: ExitStack) -> ProbeSpec:
    server = stack.enter_context(TlsHttpServer())
    return _spec(ProbeKind.HTTP, url=server.url)


def _http_down(stack: ExitStack) -> ProbeSpec:
    return _spec(ProbeKind.HTTP, url=f"http://127.0.0.1:{stack.enter_context(SilentPort('tcp')).port}/")


HTTP = Case(make_probe=lambda: HttpProbe(verify_tls=False), up=_http_up, down=_http_down)

CASES = [
    pytest.param(ICMP, id="icmp", marks=pytest.mark.service),
    pytest.param(SNMP, id="snmp", marks=pytest.mark.service),
    pytest.param(HTTP, id="http", marks=pytest.mark.unit),
]


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> Case:
    c: Case = request.param
    ok, what = c.available()
    require_service(ok, what)
    return c


def run_probe(probe: Any, spec: ProbeSpec) -> ProbeResult:
    async def go() -> ProbeResult:
        try:
            result: ProbeResult = await probe.probe(spec, AT)
            return result
        finally:
            await probe.close()

    return asyncio.run(go())


def test_is_a_probe(case: Case) -> None:
    probe = case.make_probe()
    assert isinstance(probe, Probe)
    assert isinstance(probe.kind, ProbeKind)


def test_reachable_target(case: Case) -> None:
    with ExitStack() as stack:
        spec = case.up(stack)
        result = run_probe(case.make_probe(), spec)
    assert result.ok is True, result.reason
    assert result.target == spec.target
    assert result.at == AT  # echoed, never re-read from a clock
    assert result.reason == ""
    assert result.latency_ms is not None and 0 <= result.latency_ms < TIMEOUT_S * 1000 * 2
    assert all(isinstance(v, int | float) for v in result.values.values())


@pytest.mark.parametrize("retries", [0, 2])
def test_silent_target_is_down_after_every_try(case: Case, retries: int) -> None:
    with ExitStack() as stack:
        spec = case.down(stack)
        spec = ProbeSpec(spec.target, spec.kind, spec.address, spec.port, spec.interval_s, spec.timeout_s,
                         retries, spec.params)

        def timed() -> tuple[ProbeResult, float]:
            start = time.monotonic()
            result = run_probe(case.make_probe(), spec)
            return result, time.monotonic() - start

        result, took = case.run_down(timed)
    assert result.ok is False
    assert result.reason
    assert result.target == spec.target
    assert result.at == AT
    assert result.latency_ms is None
    expected = (retries + 1) * TIMEOUT_S
    assert expected * 0.8 <= took <= expected + 1.5, (took, result.reason)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").exists() else 0


def test_cancelled_probe_does_not_leak(case: Case) -> None:
    with ExitStack() as stack:
        spec = case.down(stack)

        def cancel_midway() -> tuple[bool, int, int, int]:
            async def go() -> tuple[bool, int, int, int]:
                probe = case.make_probe()
                before = _open_fds()
                task = asyncio.create_task(probe.probe(spec, AT))
                await asyncio.sleep(TIMEOUT_S / 2)
                task.cancel()
                try:
                    await task
                    cancelled = False
                except asyncio.CancelledError:
                    cancelled = True
                await probe.close()
                await asyncio.sleep(0.05)  # let transports finish closing
                others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                return cancelled, len(others), before, _open_fds()

            return asyncio.run(go())

        cancelled, pending, before, after = case.run_down(cancel_midway)
    assert cancelled, "a cancelled probe must let CancelledError through"
    assert pending == 0, "tasks left running after cancel + close"
    assert after <= before, f"file descriptors leaked: {before} -> {after}"


def test_many_probes_share_one_object(case: Case) -> None:
    """Concurrent probes of one probe object (how the poller uses it) each get their own answer."""
    with ExitStack() as stack:
        spec = case.up(stack)

        async def go() -> list[ProbeResult]:
            probe = case.make_probe()
            try:
                specs = [ProbeSpec(f"{spec.target}-{i}", spec.kind, spec.address, spec.port, spec.interval_s,
                                   spec.timeout_s, spec.retries, spec.params) for i in range(5)]
                return list(await asyncio.gather(*(probe.probe(s, AT) for s in specs)))
            finally:
                await probe.close()

        results = asyncio.run(go())
    assert [r.target for r in results] == [f"{spec.target}-{i}" for i in range(5)]
    assert all(r.ok is True for r in results), [r.reason for r in results]
