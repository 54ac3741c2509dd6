"""ICMP echo probe (icmplib, asyncio).

Each try sends one echo request and waits `spec.timeout_s` for the matching reply; up to `spec.retries`
more tries follow a lost one. The first reply ends the probe (ok=True, latency_ms = its round trip).

This uses icmplib's socket layer (`AsyncSocket(ICMPv4Socket(...))`, `ICMPRequest`, `receive`,
`raise_for_status`) — what `icmplib.async_ping(count=1)` does inside — because `async_ping` swallows an
ICMP destination-unreachable into "packet lost", and the NOC wants "host unreachable" said as such.

Privileges:
    privileged=True   a raw socket: needs root or CAP_NET_RAW (the poller runs as root in production).
    privileged=False  a datagram ICMP socket: needs the process's group in `net.ipv4.ping_group_range`
                      (e.g. `sysctl -w net.ipv4.ping_group_range="0 2147483647"`; Debian's default
                      "1 0" allows nobody, not even root). Without it every probe returns ok=None with
                      "ICMP not permitted: ...", since the target's state cannot be known.

Reasons: "ICMP timeout 2/2" (no reply to any of 2 tries), "host unreachable" (an ICMP destination-
unreachable came back, with its detail), "TTL exceeded", "name resolution failed: ...",
"ICMP not permitted: ..." (ok=None), "ICMP socket error: ..." (ok=None).
"""

from __future__ import annotations

import datetime as dt

from icmplib import (  # type: ignore[import-untyped]
    AsyncSocket,
    DestinationUnreachable,
    ICMPRequest,
    ICMPSocketError,
    ICMPv4Socket,
    ICMPv6Socket,
    NameLookupError,
    SocketPermissionError,
    TimeExceeded,
    TimeoutExceeded,
    async_resolve,
    is_hostname,
    is_ipv6_address,
)
from icmplib.utils import unique_identifier  # type: ignore[import-untyped]

from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec

__all__ = ["IcmpProbe"]


class IcmpProbe:
    """Ping a host. Holds no socket between probes: each probe opens one and closes it, even if cancelled."""

    kind: ProbeKind = ProbeKind.ICMP

    def __init__(self, privileged: bool = False) -> None:
        self.privileged = privileged

    async def close(self) -> None:
        """Nothing to release (for symmetry with the SNMP and HTTP probes)."""

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        address = spec.address
        if is_hostname(address):
            try:
                address = (await async_resolve(address))[0]
            except NameLookupError as exc:
                return ProbeResult(spec.target, at, False, f"name resolution failed: {exc}")
        socket_cls = ICMPv6Socket if is_ipv6_address(address) else ICMPv4Socket
        try:
            sock = AsyncSocket(socket_cls(privileged=self.privileged))
        except SocketPermissionError:
            how = ("run as root or grant CAP_NET_RAW" if self.privileged
                   else "allow this group in net.ipv4.ping_group_range, or use privileged=True as root")
            return ProbeResult(spec.target, at, None, f"ICMP not permitted: {how}")
        except ICMPSocketError as exc:
            return ProbeResult(spec.target, at, None, f"ICMP socket error: {exc}")
        tries = max(spec.retries, 0) + 1
        ident = unique_identifier()
        last = ""
        try:
            for sequence in range(tries):
                request = ICMPRequest(destination=address, id=ident, sequence=sequence)
                try:
                    sock.send(request)
                    reply = await sock.receive(request, spec.timeout_s)
                    reply.raise_for_status()
                except TimeoutExceeded:
                    last = "timeout"
                    continue
                except DestinationUnreachable as exc:
                    return ProbeResult(spec.target, at, False, f"host unreachable: {exc}")
                except TimeExceeded as exc:
                    return ProbeResult(spec.target, at, False, f"TTL exceeded: {exc}")
                except ICMPSocketError as exc:  # e.g. ENETUNREACH on send: no route to the address
                    last = f"{exc}"
                    continue
                rtt_ms = (reply.time - request.time) * 1000
                return ProbeResult(spec.target, at, True, "", latency_ms=rtt_ms)
        finally:
            sock.close()
        if last == "timeout":
            return ProbeResult(spec.target, at, False, f"ICMP timeout {tries}/{tries}")
        return ProbeResult(spec.target, at, False, f"host unreachable: {last}")
