"""The SSH side of the simulator: one asyncio loop serving every device, one loopback port per device.

`SshFleet` runs the loop in a background thread (for tests and `kotanet demo`); `serve_forever` runs it in
the foreground (for `python -m kotanet.playbooks.sshsim`). A session is a plain interactive shell: the
server echoes what it receives, splits it into lines, and hands each line to the device's shell
(`kotanet.playbooks.sshsim.ios` / `routeros` / `junos`).
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from types import TracebackType
from typing import Any

import asyncssh
from pydantic import SecretStr

from kotanet.errors import KotanetError
from kotanet.inventory.models import Inventory
from kotanet.playbooks.sshsim.base import Shell
from kotanet.playbooks.sshsim.faults import DeviceFaults
from kotanet.playbooks.sshsim.fleet import Fleet
from kotanet.playbooks.transport import Credentials, DeviceEndpoint

__all__ = ["SshFleet", "random_credentials"]

HOST = "127.0.0.1"


def random_credentials(username: str = "kotanet") -> Credentials:
    """Fresh credentials for one simulated fleet: a random password, never printed."""
    return Credentials(username=username, password=SecretStr(secrets.token_urlsafe(18)))


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class _Session(asyncssh.SSHServerSession[str]):
    def __init__(self, shell: Shell) -> None:
        self.shell = shell
        self.chan: Any = None
        self.buf = ""
        self.last_cr = False

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, *args: Any) -> bool:  # noqa: ARG002 - asyncssh's signature
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:  # noqa: ARG002 - asyncssh's signature
        return False

    def session_started(self) -> None:
        self.chan.write(self.shell.banner() + self.shell.prompt())

    def data_received(self, data: str, datatype: Any) -> None:  # noqa: ARG002 - asyncssh's signature
        for ch in data:
            if ch == "\n" and self.last_cr:
                self.last_cr = False
                continue
            self.last_cr = ch == "\r"
            if ch in "\r\n":
                line, self.buf = self.buf, ""
                self.chan.write("\r\n")
                reply = self.shell.handle(line)
                if reply.close:
                    self.shell.end_session()
                    self.chan.get_extra_info("connection").abort()
                    return
                out = reply.output.replace("\r\n", "\n").replace("\n", "\r\n")
                self.chan.write(out + self.shell.prompt())
            elif ch in "\x08\x7f":
                self.buf = self.buf[:-1]
            elif ch == "\x03":
                self.buf = ""
                self.chan.write("^C\r\n" + self.shell.prompt())
            else:
                self.buf += ch
                self.chan.write(ch)

    def eof_received(self) -> bool:
        self.shell.end_session()
        return False

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002 - asyncssh's signature
        self.shell.end_session()


class _Server(asyncssh.SSHServer):
    def __init__(self, owner: SshFleet, device: str) -> None:
        self.owner = owner
        self.device = device
        self.user = ""
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.owner._conns.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002 - asyncssh's signature
        if self.conn is not None:
            self.owner._conns.discard(self.conn)

    def begin_auth(self, username: str) -> bool:  # noqa: ARG002 - asyncssh's signature
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user = username.split("+", 1)[0]  # netmiko's RouterOS driver appends terminal options: admin+ct511w4098h
        creds = self.owner.credentials_for(self.device)
        with self.owner.fleet.lock:
            faults = self.owner.fleet.states[self.device].faults
        ok = (not faults.refuse_auth and user == creds.username
              and secrets.compare_digest(password, creds.password.get_secret_value()))
        if ok:
            self.user = user
        return ok

    def session_requested(self) -> _Session:
        creds = self.owner.credentials_for(self.device)
        secret = (creds.secret or creds.password).get_secret_value()
        return _Session(_LockedShell(self.owner.fleet, self.owner.fleet.shell(
            self.device, user=self.user or creds.username, enable_secret=secret)))


class _LockedShell:
    """A shell whose every line runs under the fleet's lock (the fleet is shared with other threads)."""

    def __init__(self, fleet: Fleet, shell: Shell) -> None:
        self.fleet = fleet
        self.inner = shell

    def banner(self) -> str:
        return self.inner.banner()

    def prompt(self) -> str:
        with self.fleet.lock:
            return self.inner.prompt()

    def handle(self, line: str) -> Any:
        with self.fleet.lock:
            return self.inner.handle(line)

    def end_session(self) -> None:
        with self.fleet.lock:
            self.inner.end_session()


class SshFleet:
    """Simulated SSH devices on loopback, one port each, served from one background thread.

        with SshFleet(inventory, devices=["r1", "r2"]) as fleet:
            ep = fleet.endpoints["r1"]          # DeviceEndpoint with host, port, platform, credentials
            fleet.running_config("r1")
            fleet.set_faults("r2", DeviceFaults(unreachable=True))
    """

    def __init__(self, inventory: Inventory, devices: Iterable[str] | None = None, *,
                 credentials: Credentials | None = None,
                 device_credentials: Mapping[str, Credentials] | None = None,
                 faults: Mapping[str, DeviceFaults] | None = None, host: str = HOST,
                 ports: Mapping[str, int] | None = None) -> None:
        if not host.startswith("127."):
            raise KotanetError(f"the SSH simulator listens on loopback only, not {host}",
                               hint="use an address in 127.0.0.0/8")
        self.fleet = Fleet(inventory, devices, faults=faults)
        self.host = host
        self.credentials = credentials or random_credentials()
        self.device_credentials = dict(device_credentials or {})
        self._ports = {name: (ports or {}).get(name) or 0 for name in self.fleet.states}
        self._servers: dict[str, asyncssh.SSHAcceptor] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._key: asyncssh.SSHKey | None = None
        self._conns: set[asyncssh.SSHServerConnection] = set()

    def credentials_for(self, device: str) -> Credentials:
        return self.device_credentials.get(device, self.credentials)

    @property
    def endpoints(self) -> dict[str, DeviceEndpoint]:
        return {name: DeviceEndpoint(name=name, platform=st.platform, host=self.host, port=self._ports[name],
                                     credentials=self.credentials_for(name))
                for name, st in self.fleet.states.items()}

    def running_config(self, device: str) -> str:
        return self.fleet.running_config(device)

    # -- lifecycle ----------------------------------------------------------------------------------
    def __enter__(self) -> SshFleet:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        ready: Future[None] = Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_all())
            except BaseException as exc:
                ready.set_exception(exc)
                return
            ready.set_result(None)
            loop.run_forever()
            loop.run_until_complete(self._stop_all())
            loop.close()

        self._thread = threading.Thread(target=run, name="kotanet-sshsim", daemon=True)
        self._thread.start()
        ready.result(timeout=30)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._thread = None

    async def _start_all(self) -> None:
        self._key = asyncssh.generate_private_key("ssh-ed25519")
        await asyncio.gather(*(self._listen(name) for name in self.fleet.states))

    async def _stop_all(self) -> None:
        for conn in list(self._conns):
            conn.abort()
        for srv in self._servers.values():
            srv.close()
        await asyncio.gather(*(srv.wait_closed() for srv in self._servers.values()), return_exceptions=True)
        self._servers.clear()

    async def _listen(self, name: str) -> None:
        if self.fleet.states[name].faults.unreachable:
            if not self._ports[name]:
                self._ports[name] = _free_port(self.host)
            return
        srv = await asyncssh.create_server(
            lambda: _Server(self, name), self.host, self._ports[name], server_host_keys=[self._key],
            line_editor=False, reuse_address=True, keepalive_interval=0)
        self._servers[name] = srv
        if not self._ports[name]:
            self._ports[name] = int(srv.sockets[0].getsockname()[1])

    async def _apply_faults(self, name: str, faults: DeviceFaults) -> None:
        with self.fleet.lock:
            self.fleet.set_faults(name, faults)
        srv = self._servers.get(name)
        if faults.unreachable and srv is not None:
            srv.close()
            await srv.wait_closed()
            del self._servers[name]
        elif not faults.unreachable and srv is None:
            await self._listen(name)

    def set_faults(self, device: str, faults: DeviceFaults) -> None:
        """Change a device's faults now (an unreachable device closes or reopens its port)."""
        if device not in self.fleet.states:
            raise KotanetError(f"device {device} is not simulated",
                               hint=f"simulated: {', '.join(sorted(self.fleet.states))}")
        if self._loop is None or self._thread is None:
            self.fleet.set_faults(device, faults)
            return
        asyncio.run_coroutine_threadsafe(self._apply_faults(device, faults), self._loop).result(timeout=10)
