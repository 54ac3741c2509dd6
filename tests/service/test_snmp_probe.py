"""SnmpProbe against real agents on 127.0.0.1: snmpsim (v2c, generated data) and Debian's snmpd (v3)."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import os
import subprocess
import time
from collections.abc import Iterator, Mapping

import pytest

from kotanet.monitors.peers import GarbageUdpResponder, SilentPort, SnmpdAgent, SnmpsimAgent, free_port
from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec
from kotanet.monitors.snmp import SnmpProbe
from tests.conftest import ROOT, require_service

pytestmark = pytest.mark.service

AT = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)


def probe_once(port: int, params: Mapping[str, str], *, timeout_s: float = 1.0, retries: int = 0) -> ProbeResult:
    spec = ProbeSpec("device:core-sw", ProbeKind.SNMP, "127.0.0.1", port=port, timeout_s=timeout_s,
                     retries=retries, params=params)

    async def go() -> ProbeResult:
        probe = SnmpProbe()
        try:
            return await probe.probe(spec, AT)
        finally:
            await probe.close()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def snmpsim() -> Iterator[SnmpsimAgent]:
    require_service(importlib.util.find_spec("snmpsim") is not None, "snmpsim (pip install snmpsim)")
    agent = SnmpsimAgent(interfaces=4, sys_uptime_ticks=8_640_000, oper_status={3: 2},
                         in_octets={2: 2**64 - 10}, out_octets={2: 123_456_789_012})
    with agent:
        yield agent


@pytest.fixture(scope="module")
def snmpd() -> Iterator[SnmpdAgent]:
    subprocess.run([str(ROOT / "scripts" / "ensure-deb"), "snmpd"], check=False, timeout=600)
    require_service(SnmpdAgent.available(), "net-snmp snmpd (Debian package snmpd)")
    with SnmpdAgent() as agent:
        yield agent


def test_v2c_sysuptime_and_interfaces(snmpsim: SnmpsimAgent) -> None:
    result = probe_once(snmpsim.port, {"version": "2c", "community": "public", "ifindexes": "1,2,3,4"})
    assert result.ok is True, result.reason
    assert result.reason == ""
    assert result.at == AT
    assert result.values["sysUpTime"] == 86_400.0  # 8,640,000 timeticks = one day
    assert [result.values[f"ifOperStatus.{i}"] for i in (1, 2, 3, 4)] == [1, 1, 2, 1]
    assert all(result.values[f"ifAdminStatus.{i}"] == 1 for i in (1, 2, 3, 4))
    # GETBULK counters, exact (64-bit values are kept as ints)
    assert result.values["ifHCInOctets.2"] == 2**64 - 10
    assert result.values["ifHCOutOctets.2"] == 123_456_789_012
    assert result.values["ifHCInOctets.4"] == 4000
    assert result.latency_ms is not None


def test_v2c_sysuptime_only(snmpsim: SnmpsimAgent) -> None:
    result = probe_once(snmpsim.port, {"community": "public"})
    assert result.ok is True
    assert dict(result.values) == {"sysUpTime": 86_400.0}


def test_missing_ifindex_is_named(snmpsim: SnmpsimAgent) -> None:
    result = probe_once(snmpsim.port, {"community": "public", "ifindexes": "1,9"})
    assert result.ok is True
    assert "ifOperStatus.1" in result.values
    assert "ifOperStatus.9" not in result.values
    assert "ifOperStatus.9" in result.reason


def test_many_ifindexes_are_split_into_requests(snmpsim: SnmpsimAgent) -> None:
    result = probe_once(snmpsim.port, {"community": "public", "ifindexes": ",".join(str(i) for i in range(1, 31))})
    assert result.ok is True
    assert result.values["ifOperStatus.4"] == 1
    assert "ifOperStatus.30" in result.reason


def test_wrong_community_is_no_answer(snmpsim: SnmpsimAgent) -> None:
    start = time.monotonic()
    result = probe_once(snmpsim.port, {"community": "not-the-community"}, timeout_s=0.4, retries=1)
    took = time.monotonic() - start
    assert result.ok is False
    assert result.reason == "SNMP timeout: no answer (timeout or wrong community) after 2 × 0.4 s"
    assert 0.7 < took < 2.5


def test_v3_authpriv(snmpd: SnmpdAgent) -> None:
    params = {"version": "3", "user": snmpd.user, "auth_key": snmpd.auth_key, "priv_key": snmpd.priv_key,
              "auth_proto": "sha", "priv_proto": "aes", "ifindexes": "1"}
    result = probe_once(snmpd.port, params)
    assert result.ok is True, result.reason
    assert result.values["sysUpTime"] >= 0
    assert result.values["ifOperStatus.1"] == 1  # lo is up
    assert "ifHCInOctets.1" in result.values


def test_v3_wrong_auth_key_is_unknown(snmpd: SnmpdAgent) -> None:
    params = {"version": "3", "user": snmpd.user, "auth_key": "not-the-auth-key", "priv_key": snmpd.priv_key}
    result = probe_once(snmpd.port, params)
    assert result.ok is None
    assert result.reason == "SNMPv3 authentication failed: wrongDigests"


def test_v3_unknown_user_is_unknown(snmpd: SnmpdAgent) -> None:
    params = {"version": "3", "user": "nobody-here", "auth_key": snmpd.auth_key, "priv_key": snmpd.priv_key}
    result = probe_once(snmpd.port, params)
    assert result.ok is None
    assert result.reason == "SNMPv3 authentication failed: unknownUserName"


def test_v2c_against_snmpd(snmpd: SnmpdAgent) -> None:
    result = probe_once(snmpd.port, {"community": snmpd.community})
    assert result.ok is True
    assert "sysUpTime" in result.values


def test_closed_port_is_down() -> None:
    result = probe_once(free_port(), {"community": "public"}, timeout_s=0.3, retries=1)
    assert result.ok is False
    assert result.reason.startswith("SNMP timeout: no answer")


def test_silent_port_takes_all_tries() -> None:
    with SilentPort("udp") as silent:
        start = time.monotonic()
        result = probe_once(silent.port, {"community": "public"}, timeout_s=0.3, retries=2)
        took = time.monotonic() - start
    assert result.ok is False
    assert 0.8 < took < 2.5


def test_garbage_response_is_unknown() -> None:
    with GarbageUdpResponder() as garbage:
        result = probe_once(garbage.port, {"community": "public"}, timeout_s=0.3, retries=0)
        assert garbage.received >= 1
    assert result.ok is None
    assert result.reason.startswith("malformed SNMP response: undecodable datagram from 127.0.0.1:")


def test_oper_status_change_is_seen(snmpsim: SnmpsimAgent) -> None:
    snmpsim.set_oper_status(1, 2)
    try:
        result = probe_once(snmpsim.port, {"community": "public", "ifindexes": "1"})
        assert result.values["ifOperStatus.1"] == 2
    finally:
        snmpsim.set_oper_status(1, 1)


def test_peers_stop_their_processes() -> None:
    with SnmpsimAgent(interfaces=1) as agent:
        pid = agent.pid
        assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
