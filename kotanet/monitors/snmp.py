"""SNMP probe (pysnmp 7, asyncio, SNMPv2c or SNMPv3 USM): device uptime and interface status/counters.

One request per probe: a GETBULK (non-repeaters = 1, max-repetitions = 1) whose first varbind is the
sysUpTime column and whose repeaters are, for every listed ifIndex `i` and every column, the instance
`column.(i-1)`: the agent answers each with its successor, which is `column.i` when that interface
exists (an ifIndex is a single integer, so nothing can sort between the two). Only successors that are
exactly `column.i` are kept, so a missing interface is simply absent from the values (and named in the
reason). Without ifIndexes the probe is a plain GET of sysUpTime.0.

Spec params:
    version      "2c" (default) or "3"
    community    v2c community (default "public")
    user, auth_key, priv_key, auth_proto (md5|sha|sha224|sha256|sha384|sha512, default sha),
    priv_proto (des|3des|aes|aes192|aes256, default aes)       SNMPv3; no auth_key = noAuthNoPriv,
                                                                 no priv_key = authNoPriv
    ifindexes    comma-separated ifIndex list, e.g. "1,2,3"

Values: `sysUpTime` in seconds (a decrease between two polls is a reboot), and per ifIndex i
`ifOperStatus.i`, `ifAdminStatus.i` (1 up, 2 down, ...), `ifHCInOctets.i`, `ifHCOutOctets.i`.

Outcomes:
    ok=True   the agent answered (values filled; a missing object is named in the reason)
    ok=False  "SNMP timeout: no answer (timeout or wrong community) after 2 × 2 s"  (v2c: an agent
              silently drops a wrong community, so the two cannot be told apart); v3 authPriv says
              "(timeout or wrong priv_key)" for the same reason (net-snmp drops what it cannot decrypt);
              "name resolution failed: ..."
    ok=None   "SNMPv3 authentication failed: wrongDigests" (or unknownUserName, unsupportedSecLevels,
              notInTimeWindows, decryptionErrors, unknownEngineIDs), "malformed SNMP response: ...",
              "SNMP error: ..." for anything else the engine reports.
A closed UDP port looks like a timeout (the ICMP port-unreachable is not delivered to pysnmp's
unconnected socket).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import socket
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from pysnmp.entity import config as _config  # type: ignore[import-untyped]
from pysnmp.hlapi.v3arch.asyncio import (  # type: ignore[import-untyped]
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
)
from pysnmp.hlapi.v3arch.asyncio import auth as _auth
from pysnmp.hlapi.v3arch.asyncio.cmdgen import VB_PROCESSOR  # type: ignore[import-untyped]
from pysnmp.proto import errind  # type: ignore[import-untyped]
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject  # type: ignore[import-untyped]

from kotanet.errors import KotanetError
from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec

__all__ = ["IF_COLUMNS", "SYS_UPTIME_OID", "CounterPair", "SnmpProbe", "Utilisation", "utilisation"]

SYS_UPTIME_OID = (1, 3, 6, 1, 2, 1, 1, 3)
IF_COLUMNS: Mapping[str, tuple[int, ...]] = {
    "ifAdminStatus": (1, 3, 6, 1, 2, 1, 2, 2, 1, 7),
    "ifOperStatus": (1, 3, 6, 1, 2, 1, 2, 2, 1, 8),
    "ifHCInOctets": (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6),
    "ifHCOutOctets": (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10),
}
_MAX_VARBINDS = 48  # per request: keeps a response well under a 1472-byte UDP payload for most agents

_AUTH_PROTOCOLS: Mapping[str, Any] = {
    "md5": _auth.USM_AUTH_HMAC96_MD5,
    "sha": _auth.USM_AUTH_HMAC96_SHA,
    "sha224": _auth.USM_AUTH_HMAC128_SHA224,
    "sha256": _auth.USM_AUTH_HMAC192_SHA256,
    "sha384": _auth.USM_AUTH_HMAC256_SHA384,
    "sha512": _auth.USM_AUTH_HMAC384_SHA512,
}
_PRIV_PROTOCOLS: Mapping[str, Any] = {
    "des": _auth.USM_PRIV_CBC56_DES,
    "3des": _auth.USM_PRIV_CBC168_3DES,
    "aes": _auth.USM_PRIV_CFB128_AES,
    "aes128": _auth.USM_PRIV_CFB128_AES,
    "aes192": _auth.USM_PRIV_CFB192_AES,
    "aes256": _auth.USM_PRIV_CFB256_AES,
}
# pysnmp error indications for the USM report PDUs (RFC 3414 usmStats*), by their MIB counter name.
_USM_REPORTS: tuple[tuple[type[Exception], str], ...] = (
    (errind.WrongDigest, "wrongDigests"),
    (errind.UnknownUserName, "unknownUserName"),
    (errind.UnsupportedSecurityLevel, "unsupportedSecLevels"),
    (errind.NotInTimeWindow, "notInTimeWindows"),
    (errind.DecryptionError, "decryptionErrors"),
    (errind.UnknownEngineID, "unknownEngineIDs"),
    (errind.AuthenticationFailure, "authenticationFailure"),
)
_MALFORMED: tuple[type[Exception], ...] = (
    errind.DeserializationError, errind.SerializationError, errind.InvalidMsg, errind.DataMismatch,
    errind.UnsupportedMsgProcessingModel, errind.UnsupportedPDUtype, errind.EmptyResponse,
)


class _Snapshot(NamedTuple):
    ok: bool | None
    reason: str
    values: dict[str, float]


class SnmpProbe:
    """Probe SNMP agents. One `SnmpEngine` per probe object (and per event loop), reused across requests."""

    kind: ProbeKind = ProbeKind.SNMP

    def __init__(self) -> None:
        self._engine: Any = None
        self._rcvbuf_done: Any = None
        # UdpTransportTarget.create resolves the address in the thread executor: once per IP literal is enough
        self._targets: dict[tuple[str, int, float, int], Any] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        # (host, port) -> monotonic time of the last datagram from there that did not parse as SNMP.
        self._garbled: dict[tuple[str, int], float] = {}

    async def prepare(self) -> None:
        """Before any probe's timeout starts (the poller calls this before each cycle): build the engine (its
        MIB loading blocks the event loop ~0.4 s), and open its one UDP socket with a large receive buffer,
        so that the first burst of answers is not dropped either. Opening the socket sends nothing."""
        engine = self._engine_for_loop()
        domain = UdpTransportTarget.TRANSPORT_DOMAIN
        if _config.get_transport(engine, domain) is None:
            opener = await UdpTransportTarget.create(("127.0.0.1", 9))
            _config.add_transport(engine, domain, opener.open_client_mode())
            for _ in range(20):  # the datagram endpoint is created by a task on the loop
                if getattr(_config.get_transport(engine, domain), "transport", None) is not None:
                    break
                await asyncio.sleep(0)
        self._enlarge_receive_buffer(engine, domain)

    def _enlarge_receive_buffer(self, engine: Any, domain: Any) -> None:
        """All requests share one UDP socket; with hundreds in flight, answers overflow the default ~200 KB
        receive buffer while the event loop is busy and come back as false timeouts. Raise it to 4 MiB
        (capped by net.core.rmem_max)."""
        transport = engine.transport_dispatcher.get_transport(domain)
        if transport is None or transport is self._rcvbuf_done:
            return
        sock = getattr(getattr(transport, "transport", None), "get_extra_info", lambda _name: None)("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self._rcvbuf_done = transport

    def _engine_for_loop(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._engine is None or self._loop is not loop:
            if self._engine is not None and self._loop is not None and not self._loop.is_closed():
                self._engine.close_dispatcher()
            self._engine = SnmpEngine()
            self._loop = loop
            self._targets.clear()
            self._watch_parse_errors(self._engine)
            # Load the engine's base MIBs now (once, ~0.5 s) rather than inside the first request, where it
            # would count against that request's timeout and latency.
            VB_PROCESSOR.make_varbinds(self._engine.cache, (ObjectType(ObjectIdentity(SYS_UPTIME_OID)),))
        return self._engine

    def _watch_parse_errors(self, engine: Any) -> None:
        """pysnmp drops a datagram that does not decode (counting it in snmpInASNParseErrs) and the request
        then times out. Wrap this engine's message dispatcher to remember which peer sent such a datagram,
        so that the timeout can be reported as a malformed response instead."""
        dispatcher = engine.message_dispatcher
        original = dispatcher.receive_message
        garbled = self._garbled

        def parse_errors() -> int:
            try:
                (counter,) = engine.get_mib_builder().import_symbols("__SNMPv2-MIB", "snmpInASNParseErrs")
                return int(counter.syntax)
            except Exception:  # the MIB not loaded yet: nothing counted
                return 0

        def receive_message(snmp_engine: Any, domain: Any, address: Any, whole_msg: bytes) -> Any:
            before = parse_errors()
            try:
                return original(snmp_engine, domain, address, whole_msg)
            finally:
                if parse_errors() > before:
                    garbled[(str(address[0]), int(address[1]))] = time.monotonic()

        dispatcher.receive_message = receive_message

    async def close(self) -> None:
        """Close the engine's UDP socket. The probe reopens one if used again."""
        if self._engine is not None:
            self._engine.close_dispatcher()
        self._engine = None
        self._loop = None
        self._targets.clear()

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        auth = _auth_data(spec)
        ifindexes = _ifindexes(spec)
        engine = self._engine_for_loop()
        port = spec.port or 161
        key = (spec.address, port, spec.timeout_s, max(spec.retries, 0))
        target = self._targets.get(key)
        if target is None:
            try:
                target = await UdpTransportTarget.create((spec.address, port), timeout=spec.timeout_s,
                                                         retries=max(spec.retries, 0))
            except Exception as exc:  # pysnmp wraps socket.gaierror in PySnmpError
                return ProbeResult(spec.target, at, False, f"name resolution failed: {exc}")
            if _is_ip_literal(spec.address):  # an IP needs no resolving again; a host name is resolved each time
                self._targets[key] = target
        start = time.monotonic()
        # pysnmp runs its own retries; the outer bound only guards against an engine that never calls back.
        bound = (max(spec.retries, 0) + 1) * spec.timeout_s + 1.0
        try:
            async with asyncio.timeout(bound):
                snap = await self._query(engine, auth, target, ifindexes, spec)
        except TimeoutError:
            snap = _Snapshot(False, _no_answer(spec), {})
        finally:
            self._enlarge_receive_buffer(engine, target.TRANSPORT_DOMAIN)
        peer = (str(target.transport_address[0]), int(target.transport_address[1]))
        if snap.ok is False and self._garbled.pop(peer, 0.0) >= start:
            snap = _Snapshot(None, f"malformed SNMP response: undecodable datagram from {peer[0]}:{peer[1]}", {})
        latency = (time.monotonic() - start) * 1000 if snap.ok is True else None
        return ProbeResult(spec.target, at, snap.ok, snap.reason, latency, snap.values)

    async def _query(self, engine: Any, auth: Any, target: Any, ifindexes: list[int],
                     spec: ProbeSpec) -> _Snapshot:
        values: dict[str, float] = {}
        missing: list[str] = []
        if not ifindexes:
            result = await get_cmd(engine, auth, target, ContextData(),
                                   ObjectType(ObjectIdentity((*SYS_UPTIME_OID, 0))), lookupMib=False)
            bad = _check(result, spec)
            if bad is not None:
                return bad
            _collect(result[3], {(*SYS_UPTIME_OID, 0): "sysUpTime"}, values)
        else:
            wanted: list[tuple[tuple[int, ...], str]] = [
                ((*col, i), f"{name}.{i}") for i in ifindexes for name, col in IF_COLUMNS.items()]
            first = True
            for chunk_start in range(0, len(wanted), _MAX_VARBINDS):
                chunk = wanted[chunk_start:chunk_start + _MAX_VARBINDS]
                req = [ObjectType(ObjectIdentity((*oid[:-1], oid[-1] - 1))) for oid, _ in chunk]
                names = dict(chunk)
                if first:  # the sysUpTime column as the one non-repeater: its successor is sysUpTime.0
                    req.insert(0, ObjectType(ObjectIdentity(SYS_UPTIME_OID)))
                    names[(*SYS_UPTIME_OID, 0)] = "sysUpTime"
                result = await bulk_cmd(engine, auth, target, ContextData(), 1 if first else 0, 1, *req,
                                        lookupMib=False)
                bad = _check(result, spec)
                if bad is not None:
                    return bad
                _collect(result[3], names, values)
                missing += [n for n in names.values() if n not in values]
                first = False
        if "sysUpTime" not in values and "sysUpTime" not in missing:
            missing.insert(0, "sysUpTime")
        reason = f"agent answered without {', '.join(missing)}" if missing else ""
        return _Snapshot(True, reason, values)


def _is_ip_literal(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _check(result: Any, spec: ProbeSpec) -> _Snapshot | None:
    """None when the response is usable; otherwise the failure it stands for."""
    error_indication, error_status, error_index, _ = result
    if error_indication:
        if isinstance(error_indication, errind.RequestTimedOut):
            return _Snapshot(False, _no_answer(spec), {})
        for cls, name in _USM_REPORTS:
            if isinstance(error_indication, cls):
                return _Snapshot(None, f"SNMPv3 authentication failed: {name}", {})
        if isinstance(error_indication, _MALFORMED):
            return _Snapshot(None, f"malformed SNMP response: {error_indication}", {})
        return _Snapshot(None, f"SNMP error: {error_indication}", {})
    if error_status:
        status = error_status.prettyPrint() if hasattr(error_status, "prettyPrint") else str(error_status)
        return _Snapshot(True, f"agent answered with error-status {status} at varbind {int(error_index)}", {})
    return None


def _collect(varbinds: Any, names: Mapping[tuple[int, ...], str], values: dict[str, float]) -> None:
    for var_bind in varbinds:
        oid, value = var_bind[0], var_bind[1]
        name = names.get(tuple(oid))
        if name is None or isinstance(value, NoSuchObject | NoSuchInstance | EndOfMibView):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        # Counters stay ints: a float would lose the low bits of a 64-bit counter.
        values[name] = number / 100.0 if name == "sysUpTime" else number


def _no_answer(spec: ProbeSpec) -> str:
    tries = max(spec.retries, 0) + 1
    if _version(spec) == "2c":
        what = "no answer (timeout or wrong community)"  # an agent drops a wrong community silently
    elif spec.params.get("priv_key"):
        what = "no answer (timeout or wrong priv_key)"  # a PDU that does not decrypt is dropped silently
    else:
        what = "no answer"
    return f"SNMP timeout: {what} after {tries} × {spec.timeout_s:g} s"


def _version(spec: ProbeSpec) -> str:
    version = spec.params.get("version", "2c").lower().removeprefix("v")
    if version not in {"2c", "3"}:
        raise KotanetError(f"{spec.target}: SNMP version {version!r} is not supported",
                           hint="set params.version to 2c or 3")
    return version


def _auth_data(spec: ProbeSpec) -> Any:
    params = spec.params
    if _version(spec) == "2c":
        return CommunityData(params.get("community", "public"), mpModel=1)
    user = params.get("user")
    if not user:
        raise KotanetError(f"{spec.target}: SNMPv3 needs a user", hint="set params.user")
    auth_key, priv_key = params.get("auth_key"), params.get("priv_key")
    auth_name = params.get("auth_proto", "sha").lower()
    priv_name = params.get("priv_proto", "aes").lower()
    if auth_name not in _AUTH_PROTOCOLS or priv_name not in _PRIV_PROTOCOLS:
        raise KotanetError(f"{spec.target}: unknown SNMPv3 protocol {auth_name}/{priv_name}",
                           hint=f"auth_proto one of {', '.join(_AUTH_PROTOCOLS)}; "
                                f"priv_proto one of {', '.join(_PRIV_PROTOCOLS)}")
    if priv_key and not auth_key:
        raise KotanetError(f"{spec.target}: SNMPv3 privacy needs authentication", hint="set params.auth_key")
    return UsmUserData(
        user,
        authKey=auth_key or None,
        privKey=priv_key or None,
        authProtocol=_AUTH_PROTOCOLS[auth_name] if auth_key else None,
        privProtocol=_PRIV_PROTOCOLS[priv_name] if priv_key else None,
    )


def _ifindexes(spec: ProbeSpec) -> list[int]:
    raw = spec.params.get("ifindexes", "")
    try:
        out = [int(part) for part in raw.replace(" ", "").split(",") if part]
    except ValueError:
        raise KotanetError(f"{spec.target}: bad ifindexes {raw!r}", hint="a comma list of integers, e.g. 1,2,3") \
            from None
    if any(i < 1 for i in out):
        raise KotanetError(f"{spec.target}: bad ifindexes {raw!r}", hint="ifIndex values start at 1")
    return out


class CounterPair(NamedTuple):
    """One reading of an interface's 64-bit octet counters (ifHCInOctets, ifHCOutOctets)."""

    in_octets: int
    out_octets: int


class Utilisation(NamedTuple):
    """Average utilisation over an interval, as a fraction of capacity (0.25 = 25 %)."""

    in_ratio: float
    out_ratio: float


_WRAP = 2**64


def utilisation(prev: CounterPair, cur: CounterPair, dt_s: float, capacity_mbps: float) -> Utilisation | None:
    """In/out utilisation between two readings `dt_s` seconds apart. Pure.

    A counter lower than before is taken as one 64-bit wrap (delta = (cur - prev) mod 2**64); a counter
    reset by a reboot looks the same, so callers drop the pair when sysUpTime went down. None when the
    interval or the capacity is not positive (nothing to divide by).
    """
    if dt_s <= 0 or capacity_mbps <= 0:
        return None
    bits_per_s = capacity_mbps * 1_000_000

    def ratio(a: int, b: int) -> float:
        return ((b - a) % _WRAP) * 8 / dt_s / bits_per_s

    return Utilisation(ratio(prev.in_octets, cur.in_octets), ratio(prev.out_octets, cur.out_octets))
