"""Real peers on loopback for tests and demos: SNMP agents, an HTTP(S) server, silent and garbage ports.

Everything binds 127.0.0.1 only, lives in a temporary directory it creates, and stops what it started (by
pid, or by closing its own sockets) on exit. No global state: two of each can run side by side.

    SnmpsimAgent     snmpsim's command responder with a generated .snmprec (sysUpTime + ifTable rows)
    SnmpdAgent       Debian's net-snmp `snmpd` with a v2c community and a v3 authPriv (SHA/AES) user
    TlsHttpServer    a threading HTTP or HTTPS server, self-signed cert with a chosen expiry, status, delay
    SilentPort       a TCP listener that never accepts, or a UDP socket that never answers
    GarbageUdpResponder  answers every datagram with bytes that are not SNMP
    run_in_silent_netns  runs a function in a private network namespace whose loopback ignores ICMP echo
"""

from __future__ import annotations

import ctypes
import datetime as dt
import fcntl
import http.server
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Literal, Self, TypeVar

__all__ = [
    "GarbageUdpResponder",
    "SilentPort",
    "SnmpdAgent",
    "SnmpsimAgent",
    "TlsHttpServer",
    "free_port",
    "run_in_silent_netns",
    "silent_netns_available",
    "snmp_answers",
]

LOOPBACK = "127.0.0.1"
T = TypeVar("T")


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port on 127.0.0.1 that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


# --- a tiny SNMPv2c GET, to poll an agent until it answers without an event loop -------------------------

def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _v2c_get_sysuptime(community: str, request_id: int) -> bytes:
    oid = bytes([0x2B, 6, 1, 2, 1, 1, 3, 0])  # 1.3.6.1.2.1.1.3.0
    varbind = _tlv(0x30, _tlv(0x06, oid) + b"\x05\x00")
    pdu = _tlv(0xA0, _tlv(0x02, request_id.to_bytes(4, "big")) + b"\x02\x01\x00\x02\x01\x00" + _tlv(0x30, varbind))
    return _tlv(0x30, b"\x02\x01\x01" + _tlv(0x04, community.encode()) + pdu)


def snmp_answers(port: int, *, community: str = "public", timeout_s: float = 0.3) -> bool:
    """True when an SNMPv2c agent on 127.0.0.1:port answers a GET of sysUpTime.0 with this community."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout_s)
        try:
            s.sendto(_v2c_get_sysuptime(community, 0x4B4F5441), (LOOPBACK, port))
            data = s.recv(65535)
        except OSError:  # timeout, or port unreachable reported on the socket
            return False
        return data[:1] == b"\x30" and b"\x4b\x4f\x54\x41" in data


class _Process:
    """A subprocess started by a peer; stopped by its pid (SIGTERM, then SIGKILL)."""

    def __init__(self, argv: list[str], *, env: Mapping[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                          env=dict(env), start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, *, grace_s: float = 3.0) -> None:
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(grace_s)
            except subprocess.TimeoutExpired:
                os.kill(self.popen.pid, signal.SIGKILL)
                self.popen.wait(grace_s)

    def tail(self, n: int = 800) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def _wait_until_answers(proc: _Process, port: int, community: str, *, start_timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + start_timeout_s
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{what} exited with {proc.popen.returncode}: {proc.tail()}")
        if snmp_answers(port, community=community):
            return
        time.sleep(0.1)
    proc.stop()
    raise RuntimeError(f"{what} did not answer on {LOOPBACK}:{port} within {start_timeout_s:g} s: {proc.tail()}")


# --- snmpsim ---------------------------------------------------------------------------------------------

_IF_ADMIN = "1.3.6.1.2.1.2.2.1.7"
_IF_OPER = "1.3.6.1.2.1.2.2.1.8"
_IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
_IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
_IF_HC_IN = "1.3.6.1.2.1.31.1.1.1.6"
_IF_HC_OUT = "1.3.6.1.2.1.31.1.1.1.10"


def _oid_key(line: str) -> tuple[int, ...]:
    return tuple(int(p) for p in line.split("|", 1)[0].split("."))


class _AgentInTmp:
    """An agent process with its own temporary directory; leaving the context stops it and removes both."""

    _tmp: tempfile.TemporaryDirectory[str] | None
    _proc: _Process | None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._proc is not None:
            self._proc.stop()
            self._proc = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


class SnmpsimAgent(_AgentInTmp):
    """snmpsim's command responder on 127.0.0.1:<free port> answering `community` (SNMPv1/v2c).

    The data is generated: sysUpTime (timeticks), sysDescr, and ifTable/ifXTable rows for ifIndex
    1..interfaces with ifAdminStatus up, ifOperStatus from `oper_status` (default 1 = up) and 64-bit
    octet counters from `in_octets`/`out_octets`. `set_oper_status` rewrites the data and restarts the
    responder on the same port.
    """

    def __init__(self, *, interfaces: int = 3, community: str = "public", sys_uptime_ticks: int = 123_456,
                 oper_status: Mapping[int, int] | None = None, in_octets: Mapping[int, int] | None = None,
                 out_octets: Mapping[int, int] | None = None, start_timeout_s: float = 20.0) -> None:
        self.interfaces = interfaces
        self.community = community
        self.sys_uptime_ticks = sys_uptime_ticks
        self.oper_status = dict.fromkeys(range(1, interfaces + 1), 1) | dict(oper_status or {})
        self.in_octets = {i: 1000 * i for i in range(1, interfaces + 1)} | dict(in_octets or {})
        self.out_octets = {i: 2000 * i for i in range(1, interfaces + 1)} | dict(out_octets or {})
        self.start_timeout_s = start_timeout_s
        self.port = 0
        self.host = LOOPBACK
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: _Process | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def records(self) -> str:
        """The .snmprec text (OID|type|value lines, sorted by OID as snmpsim needs)."""
        lines = ["1.3.6.1.2.1.1.1.0|4|kotanet snmpsim test agent", f"1.3.6.1.2.1.1.3.0|67|{self.sys_uptime_ticks}"]
        for i in range(1, self.interfaces + 1):
            lines += [f"{_IF_INDEX}.{i}|2|{i}", f"{_IF_DESCR}.{i}|4|eth{i}", f"{_IF_ADMIN}.{i}|2|1",
                      f"{_IF_OPER}.{i}|2|{self.oper_status[i]}", f"{_IF_HC_IN}.{i}|70|{self.in_octets[i]}",
                      f"{_IF_HC_OUT}.{i}|70|{self.out_octets[i]}"]
        return "\n".join(sorted(lines, key=_oid_key)) + "\n"

    def _start(self) -> None:
        assert self._tmp is not None
        root = Path(self._tmp.name)
        data = root / "data"
        data.mkdir(exist_ok=True)
        (data / f"{self.community}.snmprec").write_text(self.records())
        cache = root / "cache"
        shutil.rmtree(cache, ignore_errors=True)  # a rewritten data file gets a fresh index
        cache.mkdir()
        argv = [sys.executable, "-c", "import sys; from snmpsim.commands.responder import main; sys.exit(main())",
                f"--data-dir={data}", f"--cache-dir={cache}", f"--agent-udpv4-endpoint={LOOPBACK}:{self.port}",
                "--log-level=error", "--logging-method=stderr"]
        env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}
        self._proc = _Process(argv, env=env, log=root / "snmpsim.log")
        _wait_until_answers(self._proc, self.port, self.community, start_timeout_s=self.start_timeout_s,
                            what="snmpsim")

    def set_oper_status(self, ifindex: int, status: int) -> None:
        """Change one interface's ifOperStatus (1 up, 2 down, ...): rewrites the data, restarts on the same port."""
        self.oper_status[ifindex] = status
        if self._proc is not None:
            self._proc.stop()
            self._start()

    def __enter__(self) -> Self:
        self._tmp = tempfile.TemporaryDirectory(prefix="kotanet-snmpsim-")
        self.port = free_port()
        try:
            self._start()
        except BaseException:
            self._tmp.cleanup()
            raise
        return self



# --- net-snmp snmpd --------------------------------------------------------------------------------------

def _snmpd_path() -> str | None:
    return shutil.which("snmpd") or next((p for p in ("/usr/sbin/snmpd", "/usr/local/sbin/snmpd")
                                          if Path(p).exists()), None)


class SnmpdAgent(_AgentInTmp):
    """Debian's net-snmp `snmpd -f -Lo -C -c <conf>` on 127.0.0.1:<free port>.

    It serves the real MIB-II of this machine to a v2c `community` (read-only) and to a v3 user with
    authPriv (`auth_proto` SHA, `priv_proto` AES). Its persistent state (engine id, localized keys) goes
    to the temporary directory through SNMP_PERSISTENT_DIR, never to /var/lib/snmp.
    """

    def __init__(self, *, community: str = "kota-public", user: str = "kotanoc",
                 auth_key: str = "kota-auth-pass", priv_key: str = "kota-priv-pass",
                 auth_proto: Literal["SHA", "MD5"] = "SHA", priv_proto: Literal["AES", "DES"] = "AES",
                 start_timeout_s: float = 20.0) -> None:
        self.community = community
        self.user = user
        self.auth_key = auth_key
        self.priv_key = priv_key
        self.auth_proto = auth_proto
        self.priv_proto = priv_proto
        self.start_timeout_s = start_timeout_s
        self.port = 0
        self.host = LOOPBACK
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: _Process | None = None

    @staticmethod
    def available() -> bool:
        return _snmpd_path() is not None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def config(self) -> str:
        return "\n".join([
            f"agentAddress udp:{LOOPBACK}:{self.port}",
            f"createUser {self.user} {self.auth_proto} {self.auth_key} {self.priv_proto} {self.priv_key}",
            f"rouser {self.user} priv",
            f"rocommunity {self.community} {LOOPBACK}",
            "sysLocation kotanet test agent",
            "sysContact noc@kotanet.invalid",
            "",
        ])

    def __enter__(self) -> Self:
        exe = _snmpd_path()
        if exe is None:
            raise FileNotFoundError("snmpd not found (Debian package snmpd: scripts/ensure-deb snmpd)")
        self._tmp = tempfile.TemporaryDirectory(prefix="kotanet-snmpd-")
        root = Path(self._tmp.name)
        self.port = free_port()
        conf = root / "snmpd.conf"
        conf.write_text(self.config())
        persistent = root / "persist"
        persistent.mkdir()
        env = {**os.environ, "SNMP_PERSISTENT_DIR": str(persistent), "MIBS": "", "MIBDIRS": str(root)}
        argv = [exe, "-f", "-Lo", "-C", "-c", str(conf), "-p", str(root / "snmpd.pid"), "-I", "-smux"]
        try:
            self._proc = _Process(argv, env=env, log=root / "snmpd.log")
            _wait_until_answers(self._proc, self.port, self.community, start_timeout_s=self.start_timeout_s,
                                what="snmpd")
        except BaseException:
            if self._proc is not None:
                self._proc.stop()
            self._tmp.cleanup()
            raise
        return self



# --- HTTP(S) ---------------------------------------------------------------------------------------------

def self_signed_cert(not_after: dt.datetime, *, not_before: dt.datetime | None = None,
                     host: str = "localhost") -> tuple[bytes, bytes]:
    """(cert PEM, key PEM) for `host` and 127.0.0.1, valid until `not_after` (whole seconds)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    start = not_before or min(dt.datetime.now(dt.UTC), not_after) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host),
                                                        x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class TlsHttpServer:
    """An HTTP server on 127.0.0.1:<free port>, HTTPS by default with a fresh self-signed certificate.

    Every request gets `status` after `delay_s` (both may be changed while it runs). `not_after` is the
    certificate's expiry (whole seconds, UTC); `cert_path` is its PEM, for a client that wants to trust it.
    """

    def __init__(self, *, tls: bool = True, status: int = 200, delay_s: float = 0.0,
                 not_after: dt.datetime | None = None, body: bytes = b"ok\n") -> None:
        self.tls = tls
        self.status = status
        self.delay_s = delay_s
        self.body = body
        expiry = not_after or dt.datetime.now(dt.UTC) + dt.timedelta(days=90)
        self.not_after = expiry.astimezone(dt.UTC).replace(microsecond=0)
        self.port = 0
        self.host = LOOPBACK
        self.cert_path: Path | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{LOOPBACK}:{self.port}/"

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        peer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if peer.delay_s > 0:
                    time.sleep(peer.delay_s)
                try:
                    self.send_response(peer.status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(peer.body)))
                    self.end_headers()
                    self.wfile.write(peer.body)
                except OSError:  # the client gave up (timeout) before the delay ended
                    pass

            do_HEAD = do_GET  # noqa: N815 - the stdlib's handler naming

            def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002 - quiet by design
                return

        return Handler

    def __enter__(self) -> Self:
        server = http.server.ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        server.daemon_threads = True
        if self.tls:
            self._tmp = tempfile.TemporaryDirectory(prefix="kotanet-tls-")
            cert_pem, key_pem = self_signed_cert(self.not_after)
            self.cert_path = Path(self._tmp.name) / "cert.pem"
            key_path = Path(self._tmp.name) / "key.pem"
            self.cert_path.write_bytes(cert_pem)
            key_path.write_bytes(key_pem)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.cert_path, key_path)
            server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"TlsHttpServer:{self.port}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


# --- silent and garbage ports ----------------------------------------------------------------------------

class SilentPort:
    """A port on 127.0.0.1 that takes traffic and never answers: a TCP listener that never accepts (the
    kernel completes handshakes into its backlog) or a UDP socket that never reads."""

    def __init__(self, kind: Literal["tcp", "udp"] = "tcp") -> None:
        self.kind = kind
        self.host = LOOPBACK
        self.port = 0
        self._sock: socket.socket | None = None

    def __enter__(self) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM if self.kind == "tcp" else socket.SOCK_DGRAM)
        sock.bind((LOOPBACK, 0))
        if self.kind == "tcp":
            sock.listen(64)
        self._sock = sock
        self.port = int(sock.getsockname()[1])
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class GarbageUdpResponder:
    """A UDP socket on 127.0.0.1 answering every datagram with `payload` (by default bytes that start
    like a BER SEQUENCE but are not an SNMP message)."""

    def __init__(self, payload: bytes = b"\x30\x05\x02\x01\x01garbage, not SNMP") -> None:
        self.payload = payload
        self.host = LOOPBACK
        self.port = 0
        self.received = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                _, addr = sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            self.received += 1
            sock.sendto(self.payload, addr)

    def __enter__(self) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((LOOPBACK, 0))
        sock.settimeout(0.05)
        self._sock = sock
        self.port = int(sock.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, args=(sock,), name=f"garbage-udp:{self.port}",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None


# --- a private network namespace whose loopback ignores ping ---------------------------------------------

_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


def silent_netns_available() -> bool:
    """Creating a network namespace needs CAP_SYS_ADMIN (root here) on Linux."""
    return sys.platform == "linux" and os.geteuid() == 0 and Path("/proc/thread-self/net").exists()


def _enter_silent_netns() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare(CLONE_NEWNET): {os.strerror(err)}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # bring lo up in the new namespace
        req = struct.pack("16sH14s", b"lo", 0, bytes(14))
        flags = struct.unpack("16sH14s", fcntl.ioctl(s, _SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | _IFF_UP, bytes(14)))
    # net sysctls resolve to the opening thread's namespace: this touches the private one only
    Path("/proc/sys/net/ipv4/icmp_echo_ignore_all").write_text("1")


def run_in_silent_netns(fn: Callable[[], T], *, timeout_s: float = 60.0) -> T:
    """Run `fn` in a new thread inside a fresh network namespace where 127.0.0.1 is up but ignores ICMP
    echo, so a ping to it times out; the rest of the process and the machine are untouched (namespaces
    are per thread on Linux, and the thread ends with `fn`). Needs root; re-raises what `fn` raised."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def body() -> None:
        try:
            _enter_silent_netns()
            outcome.append(fn())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=body, name="silent-netns", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise TimeoutError(f"run_in_silent_netns: {fn!r} did not finish within {timeout_s:g} s")
    if failure:
        raise failure[0]
    return outcome[0]
