"""The netmiko transport (device_type cisco_ios) against FRR's vtysh, the shell of the lab's digital twin.

FRR's zebra and ospfd run in a network namespace of their own; a loopback SSH server (asyncssh) gives each
session a vtysh on a pseudo-terminal. vtysh starts privileged, so `enable` must not be needed; it answers an
unknown line with `% Unknown command`. Tier `service`: it needs root and FRR (skipped on a laptop without them).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from kotanet.inventory.choices import Platform
from kotanet.playbooks.netmiko_transport import NetmikoOptions, NetmikoTransport
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, FailureKind, TransportError
from tests.conftest import require_service

pytestmark = pytest.mark.service

FRR = Path("/usr/lib/frr")


def _frr_available() -> bool:
    return os.geteuid() == 0 and (FRR / "zebra").exists() and (FRR / "ospfd").exists() \
        and shutil.which("vtysh") is not None and shutil.which("ip") is not None


@pytest.fixture
def frr() -> Iterator[Path]:
    require_service(_frr_available(), "FRR (zebra, ospfd, vtysh) and root")
    run = Path(tempfile.mkdtemp(prefix="kotanet-vtysh-"))  # the frr user cannot enter pytest's 0700 tmp dirs
    shutil.chown(run, "frr", "frr")
    ns = f"kotanet-vtysh-{secrets.token_hex(3)}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        for daemon in ("zebra", "ospfd"):
            subprocess.run(["ip", "netns", "exec", ns, str(FRR / daemon), "-d", "-i", str(run / f"{daemon}.pid"),
                            "-z", str(run / "zserv.api"), "--vty_socket", str(run), "-u", "frr", "-g", "frr",
                            "--log", f"file:{run / 'frr.log'}"], check=True)
        deadline = time.monotonic() + 10
        while not (run / "ospfd.vty").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield run
    finally:
        for daemon in ("ospfd", "zebra"):
            pid_file = run / f"{daemon}.pid"
            if pid_file.exists():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text().strip()), 15)
        subprocess.run(["ip", "netns", "del", ns], check=False)
        shutil.rmtree(run, ignore_errors=True)


class VtyshOverSsh:
    """A loopback SSH server whose sessions each run `vtysh --vty_socket <dir>` on a pseudo-terminal."""

    def __init__(self, vty_dir: Path, username: str, password: str) -> None:
        self.vty_dir = vty_dir
        self.username = username
        self.password = password
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _session(self, process: object) -> None:
        import asyncssh

        assert isinstance(process, asyncssh.SSHServerProcess)
        master, slave = pty.openpty()
        child = await asyncio.create_subprocess_exec("vtysh", "--vty_socket", str(self.vty_dir), stdin=slave,
                                                     stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        loop = asyncio.get_running_loop()
        done = asyncio.Event()

        def readable() -> None:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                loop.remove_reader(master)
                done.set()
                return
            process.stdout.write(data.decode(errors="replace"))

        loop.add_reader(master, readable)
        try:
            while not done.is_set():
                data = await process.stdin.read(4096)
                if not data:
                    break
                os.write(master, data.encode())
        except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, OSError):
            pass
        finally:
            loop.remove_reader(master)
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await child.wait()
            os.close(master)
            process.exit(0)

    async def _start(self) -> None:
        import asyncssh

        outer = self

        class Server(asyncssh.SSHServer):
            def begin_auth(self, username: str) -> bool:
                return True

            def password_auth_supported(self) -> bool:
                return True

            def validate_password(self, username: str, password: str) -> bool:
                return username == outer.username and password == outer.password

        key = asyncssh.generate_private_key("ssh-ed25519")
        self.server = await asyncssh.create_server(Server, "127.0.0.1", 0, server_host_keys=[key],
                                                   process_factory=self._session, line_editor=False)
        self.port = int(self.server.sockets[0].getsockname()[1])

    def __enter__(self) -> VtyshOverSsh:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


CANDIDATE = "router ospf\n ospf router-id 10.254.0.1\n log-adjacency-changes detail\n!\n"


def test_the_cli_transport_drives_vtysh_as_cisco_ios(frr: Path) -> None:
    password = secrets.token_urlsafe(12)
    with VtyshOverSsh(frr, "noc", password) as ssh:
        ep = DeviceEndpoint(name="twin-r1", platform=Platform.FRR, host="127.0.0.1", port=ssh.port,
                            credentials=Credentials(username="noc", password=SecretStr(password)))
        t = NetmikoTransport(ep, options=NetmikoOptions(read_timeout=15))
        t.open()
        before = t.get_running_config()
        assert before.startswith("!\nfrr version") and "Building configuration" not in before
        t.load_merge_candidate(CANDIDATE)
        diff = t.compare_config()
        assert "router ospf" in diff and "ospf router-id 10.254.0.1" in diff
        assert t.get_running_config() == before
        t.commit_config()
        after = t.get_running_config()
        assert "router ospf\n ospf router-id 10.254.0.1\n log-adjacency-changes detail\n" in after
        out = t.run_commands(["show ip ospf"])
        assert "10.254.0.1" in out["show ip ospf"]
        t.rollback()
        assert t.get_running_config() == before
        # a line vtysh does not know is refused, named, and leaves the config as it was
        t.load_merge_candidate("router ospf\n frobnicate the area\n")
        with pytest.raises(TransportError) as info:
            t.commit_config()
        assert info.value.kind is FailureKind.REJECTED
        assert info.value.line == "frobnicate the area"
        assert t.get_running_config() == before
        t.close()
        wrong = DeviceEndpoint(name="twin-r1", platform=Platform.FRR, host="127.0.0.1", port=ssh.port,
                               credentials=Credentials(username="noc", password=SecretStr("wrong-93b1")))
        with pytest.raises(TransportError) as auth:
            NetmikoTransport(wrong).open()
        assert auth.value.kind is FailureKind.AUTHENTICATION
