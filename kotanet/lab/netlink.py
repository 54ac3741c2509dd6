"""Read a namespace's OSPF routes over rtnetlink, without starting `ip` (0.4 s per poll of 124 routers -> ms).

A netlink socket belongs to the network namespace it was created in: `open_route_socket` enters the named
namespace (`setns` on this thread, through libc), opens the socket, and comes back. The socket then reads
that namespace's routes for as long as it is open. The result has the same shape as
`kotanet.lab.expected.parse_routes` of `ip -j route show proto ospf`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import struct
import threading
from collections.abc import Iterator

from kotanet.errors import KotanetError
from kotanet.lab.expected import NextHop

__all__ = ["RouteReader", "in_netns", "open_route_socket"]

CLONE_NEWNET = 0x40000000
NETLINK_ROUTE = 0
RTM_GETLINK, RTM_NEWLINK, RTM_GETROUTE, RTM_NEWROUTE = 18, 16, 26, 24
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_MULTIPATH, RTA_TABLE = 1, 4, 5, 9, 15
IFLA_IFNAME = 3
RTPROT_OSPF = 188
RT_TABLE_MAIN = 254
SOL_NETLINK, NETLINK_GET_STRICT_CHK = 270, 12

_libc = ctypes.CDLL(None, use_errno=True)
_setns_lock = threading.Lock()


@contextlib.contextmanager
def in_netns(name: str) -> Iterator[None]:
    """Run the body on this thread inside network namespace `name` (/run/netns/<name>)."""
    with _setns_lock:
        own = os.open(f"/proc/self/task/{threading.get_native_id()}/ns/net", os.O_RDONLY)
        try:
            target = os.open(f"/run/netns/{name}", os.O_RDONLY)
        except OSError as exc:
            os.close(own)
            raise KotanetError(f"network namespace {name} does not exist", hint="is the lab up?") from exc
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise KotanetError(f"cannot enter network namespace {name}: {os.strerror(err)}",
                                   hint="the lab needs root")
            try:
                yield
            finally:
                if _libc.setns(own, CLONE_NEWNET) != 0:  # pragma: no cover - leaving our own namespace
                    raise OSError(ctypes.get_errno(), "setns back to the root namespace failed")
        finally:
            os.close(target)
            os.close(own)


def open_route_socket(namespace: str) -> socket.socket:
    with in_netns(namespace):
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    # the kernel then filters a dump by the request's table and protocol (as `ip route show proto ospf`)
    sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    sock.bind((0, 0))
    sock.settimeout(5.0)
    return sock


def _attrs(data: bytes, offset: int, end: int) -> Iterator[tuple[int, bytes]]:
    while offset + 4 <= end:
        length, kind = struct.unpack_from("HH", data, offset)
        if length < 4:
            break
        yield kind & 0x3FFF, data[offset + 4:offset + length]
        offset += (length + 3) & ~3


class RouteReader:
    """One namespace's OSPF host routes, read over one netlink socket kept open."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.sock = open_route_socket(namespace)
        self._seq = 0

    def close(self) -> None:
        self.sock.close()

    def _dump(self, msg_type: int, body: bytes) -> Iterator[tuple[int, bytes]]:
        self._seq += 1
        seq = self._seq
        self.sock.send(struct.pack("IHHII", 16 + len(body), msg_type, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body)
        while True:
            data = self.sock.recv(1 << 20)
            offset = 0
            while offset + 16 <= len(data):
                length, kind, _, mseq, _ = struct.unpack_from("IHHII", data, offset)
                if length < 16:
                    return
                if mseq == seq:
                    if kind == NLMSG_DONE:
                        return
                    if kind == NLMSG_ERROR:
                        code = struct.unpack_from("i", data, offset + 16)[0]
                        if code:
                            raise KotanetError(f"{self.namespace}: netlink error {os.strerror(-code)}")
                        return
                    yield kind, data[offset + 16:offset + length]
                offset += (length + 3) & ~3

    def links(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for kind, msg in self._dump(RTM_GETLINK, struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)):
            if kind != RTM_NEWLINK:
                continue
            index = struct.unpack_from("i", msg, 4)[0]
            for attr, value in _attrs(msg, 16, len(msg)):
                if attr == IFLA_IFNAME:
                    out[index] = value.rstrip(b"\0").decode()
        return out

    def ospf_routes(self) -> dict[str, frozenset[NextHop]]:
        """Destination (a /32 as 'a.b.c.d') -> next hops, for the main table's OSPF host routes."""
        names: dict[int, str] | None = None
        raw: list[tuple[str, list[tuple[str, int]]]] = []
        body = struct.pack("BBBBBBBBI", socket.AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_OSPF, 0, 0, 0)
        for kind, msg in self._dump(RTM_GETROUTE, body):
            if kind != RTM_NEWROUTE:
                continue
            _, dst_len, _, _, table, proto, _, _, _ = struct.unpack_from("BBBBBBBBI", msg, 0)
            if proto != RTPROT_OSPF or dst_len != 32:
                continue
            dst = ""
            gw = ""
            oif = 0
            hops: list[tuple[str, int]] = []
            for attr, value in _attrs(msg, 12, len(msg)):
                if attr == RTA_DST:
                    dst = socket.inet_ntoa(value)
                elif attr == RTA_GATEWAY:
                    gw = socket.inet_ntoa(value)
                elif attr == RTA_OIF:
                    oif = struct.unpack("i", value)[0]
                elif attr == RTA_TABLE:
                    table = struct.unpack("I", value)[0]
                elif attr == RTA_MULTIPATH:
                    off = 0
                    while off + 8 <= len(value):
                        rlen, _, _, ifindex = struct.unpack_from("HBBi", value, off)
                        hgw = ""
                        for a2, v2 in _attrs(value, off + 8, off + rlen):
                            if a2 == RTA_GATEWAY:
                                hgw = socket.inet_ntoa(v2)
                        hops.append((hgw, ifindex))
                        off += (rlen + 3) & ~3
            if table != RT_TABLE_MAIN or not dst:
                continue
            raw.append((dst, hops or [(gw, oif)]))
        if raw:
            names = self.links()
        return {dst: frozenset(NextHop(g, (names or {}).get(i, str(i))) for g, i in hops) for dst, hops in raw}
