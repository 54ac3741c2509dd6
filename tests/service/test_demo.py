"""`kotanet demo` end to end, as a new user runs it: the static and SLA parts (`--no-serve`), and the live
part (simulated city, poller, scenario, dashboard with demo logins) stopped with Ctrl-C, after which no
process it started survives and its ports are closed.

The demo runs as the real command, `python -m kotanet.cli demo ...` (kotanet.web.demo.demo_cmd).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXED_NOW, require_service

pytestmark = pytest.mark.service

DEMO = [sys.executable, "-m", "kotanet.cli"]


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "KOTANET_NOW": FIXED_NOW, "COLUMNS": "200", "NO_COLOR": "1", "KOTANET_HOME": str(home)}
    env.pop("KOTANET_LANG", None)
    return env


def _snmpsim_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("snmpsim") is not None


def test_no_serve_shows_the_static_and_sla_parts_and_exits(tmp_path: Path) -> None:
    r = subprocess.run([*DEMO, "demo", "--no-serve"], env=_env(tmp_path), capture_output=True, text=True,
                       timeout=180, check=False)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for expected in ("kotanet demo: the Kota Bogor backbone", "Redundancy and availability", "Link budgets",
                     "The radio-to-fibre migration plan", "SLAs: a month of generated history",
                     "match the signed manifest", "--no-serve: the live city and the dashboard are not started"):
        assert expected in out, expected
    assert (tmp_path / "demo" / "kotanet.db").is_file()
    assert not (tmp_path / "demo" / "web.db").exists()  # no users without the live part
    assert not (tmp_path / "demo" / "simulation.json").exists()


def test_no_serve_speaks_indonesian(tmp_path: Path) -> None:
    r = subprocess.run([*DEMO, "--lang", "id", "demo", "--no-serve"], env=_env(tmp_path), capture_output=True,
                       text=True, timeout=180, check=False)
    assert r.returncode == 0, r.stderr
    assert "demo kotanet: jaringan tulang punggung Kota Bogor" in r.stdout
    assert "--no-serve: kota langsung dan dasbor tidak dijalankan" in r.stdout


class _Reader:
    """Collects a process's stdout lines in a thread; `wait_for` polls them with a deadline."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._proc = proc
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._proc.stdout is not None
        try:
            for line in self._proc.stdout:
                self.lines.append(line.rstrip("\n"))
        except (OSError, ValueError):  # the test closed the pipe on purpose
            return

    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = rx.search(line)
                if m:
                    return m
            if self._proc.poll() is not None:
                time.sleep(0.2)  # let the reader drain
                break
            time.sleep(0.1)
        for line in list(self.lines):
            m = rx.search(line)
            if m:
                return m
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output so far:\n{self.text()}")


def _descendants(pid: int) -> set[int]:
    """Every process whose parent chain leads to `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out: set[int] = set()
    frontier = [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out.update(kids)
        frontier.extend(kids)
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _tcp_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _udp_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on, so that the demo has to move."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield int(s.getsockname()[1])


def test_live_demo_serves_runs_the_scenario_and_ctrl_c_leaves_nothing_running(tmp_path: Path,
                                                                             taken_port: int) -> None:
    require_service(_snmpsim_available(), "snmpsim (the simulated city)")
    proc = subprocess.Popen([*DEMO, "demo", "--port", str(taken_port)], env=_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    reader = _Reader(proc)
    children: set[int] = set()
    try:
        m = reader.wait_for(r"NOC dashboard: (http://127\.0\.0\.1:(\d+)/)", timeout=180)
        url, port = m.group(1), int(m.group(2))
        assert port != taken_port
        assert f"port {taken_port} is taken" in reader.text()
        assert "demo time runs 15x faster than real time" in reader.text()
        logins = dict(re.findall(r"│\s*(?:admin|engineer|noc|auditor)\s*│\s*(demo-\w+)\s*│\s*(\S+)\s*│", reader.text()))
        assert set(logins) == {"demo-admin", "demo-engineer", "demo-noc", "demo-auditor"}, reader.text()

        assert httpx.get(url + "healthz", timeout=10).status_code == 200
        with httpx.Client(base_url=url, timeout=30) as client:  # a demo login works, and the overview has rows
            r = client.post("/login", data={"username": "demo-noc", "password": logins["demo-noc"], "next": "/"})
            assert r.status_code == 303, r.text
            page = client.get("/")
            assert page.status_code == 200 and "sla-" in page.text

        sim = json.loads((tmp_path / "demo" / "simulation.json").read_text())
        snmp_ports = [int(v[1]) for v in sim["devices"].values()]
        # the scenario runs in demo time: the 5.8 GHz link goes down 4 demo-minutes in (16 s of wall time)
        flap = reader.wait_for(r"\] link:(r58-[\w-]+): down", timeout=90).group(1)
        assert f"scenario: down link:{flap}" in reader.text()
        # the kelurahan goes down 6 demo-minutes in; the poller's transitions reach the dashboard's figures
        kel = reader.wait_for(r"\] site:(kel-[\w-]+): down", timeout=90).group(1)
        with httpx.Client(base_url=url, timeout=30) as client:
            client.post("/login", data={"username": "demo-noc", "password": logins["demo-noc"], "next": "/"})
            deadline = time.monotonic() + 45
            down: list[str] = []
            while time.monotonic() < deadline and not down:
                targets = client.get("/api/v1/targets").json()["targets"]
                down = [t["id"] for t in targets if t["live"] == "down"]
                time.sleep(1)
            assert down, f"no SLA target shows {kel} down"

        children = _descendants(proc.pid)
        assert any(pid in children for pid in sim["pids"].values() if pid != proc.pid)  # snmpsim
        ssh = json.loads((tmp_path / "demo" / "ssh-simulation.json").read_text())
        assert ssh["pid"] in children and len(ssh["devices"]) >= 10
        ssh_ports = [int(ep["port"]) for ep in ssh["devices"].values()]
        assert all(_tcp_open(p) for p in ssh_ports[:5])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0, reader.text()
    except BaseException:
        _stop(proc, children)  # only on failure: on success the checks below must see what the demo left
        raise
    time.sleep(0.2)
    assert "demo stopped" in reader.text()
    assert [p for p in children if _alive(p)] == []
    assert not _tcp_open(port)
    assert all(_udp_free(p) for p in snmp_ports)
    assert not any(_tcp_open(p) for p in ssh_ports)
    assert not (tmp_path / "demo" / "simulation.json").exists()
    assert not (tmp_path / "demo" / "ssh-simulation.json").exists()


def _stop(proc: subprocess.Popen[str], children: set[int]) -> None:
    """After a failed assertion: stop the demo as a user would (SIGINT), then by force, children included
    (they run in sessions of their own, out of reach of the demo's process group)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            children |= _descendants(proc.pid)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    for pid in children:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_a_closed_terminal_still_stops_every_child(tmp_path: Path) -> None:
    """The terminal goes away: the demo's output pipe is closed and it gets SIGHUP. Its clean-up must not
    die on the broken pipe and leave snmpsim and the SSH devices behind (they run in sessions of their own)."""
    require_service(_snmpsim_available(), "snmpsim (the simulated city)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen([*DEMO, "demo", "--port", str(port)], env=_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    reader = _Reader(proc)
    children: set[int] = set()
    try:
        reader.wait_for(r"NOC dashboard: http://127\.0\.0\.1:\d+/", timeout=180)
        children = _descendants(proc.pid)
        assert len(children) >= 2  # snmpsim and the SSH devices
        assert proc.stdout is not None
        os.close(proc.stdout.fileno())  # the reading end goes away: every later write gets EPIPE
        proc.send_signal(signal.SIGHUP)
        proc.wait(timeout=60)
    except BaseException:
        _stop(proc, children)
        raise
    time.sleep(0.2)
    assert [p for p in children if _alive(p)] == []


def test_duration_stops_the_demo_by_itself(tmp_path: Path) -> None:
    require_service(_snmpsim_available(), "snmpsim (the simulated city)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    started = time.monotonic()
    r = subprocess.run([*DEMO, "demo", "--port", str(port), "--duration", "3"], env=_env(tmp_path),
                       capture_output=True, text=True, timeout=240, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"NOC dashboard: http://127.0.0.1:{port}/" in r.stdout
    assert "stops by itself after 3 s" in r.stdout
    assert "demo stopped" in r.stderr
    assert time.monotonic() - started < 200
    assert not _tcp_open(port)


# ------------------------------------------------------------------------------------------ --lab

LAB_PREFIX = "kdemo"  # kotanet.web.demo.LAB_PREFIX: the demo twin's namespaces


def _lab_namespaces() -> list[str]:
    from kotanet.lab.twin import list_namespaces

    return [n for n in list_namespaces() if n.startswith(f"{LAB_PREFIX}-")]


def _lab_missing() -> str | None:
    from kotanet.lab.twin import missing_requirements

    return missing_requirements()


def test_lab_runs_the_demo_on_the_twin_and_takes_it_down(tmp_path: Path) -> None:
    """As root with FRR: the poller watches the twin's routers from its NOC namespace, the scenario's faults on
    its links and its kelurahan router are applied to the twin and seen by the poller (store, console and the
    dashboard's API), and when the demo stops no namespace of the demo's twin is left."""
    require_service(_lab_missing() is None, f"root, FRR and snmpd for the twin ({_lab_missing()})")
    require_service(_snmpsim_available(), "snmpsim (the simulated city)")
    from kotanet.lab.twin import cleanup
    from kotanet.monitors.records import State
    from kotanet.monitors.stores import open_store

    # --duration is only the safety net: the test stops the demo with Ctrl-C once it has seen what it needs
    proc = subprocess.Popen([*DEMO, "demo", "--lab", "--port", "0", "--duration", "240"], env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    reader = _Reader(proc)
    children: set[int] = set()
    try:
        m = reader.wait_for(r"--lab: the demo runs on the digital twin \((\d+) FRR routers in network namespaces "
                            r"kdemo-\*, converged in [\d.]+ s\): the poller watches the SNMP agents of (\d+) devices",
                            timeout=240)
        assert int(m.group(1)) >= 100 and int(m.group(2)) > int(m.group(1)), m.group(0)
        assert "not used" not in reader.text()
        assert _lab_namespaces(), "the twin's namespaces are not there while it runs"
        reader.wait_for(r"simulated agents for what the twin does not hold: \d+ servers, switches and firewalls "
                        r"and 6 e-government services", timeout=60)
        url = reader.wait_for(r"NOC dashboard: (http://127\.0\.0\.1:\d+/)", timeout=60).group(1)
        reader.wait_for(r"poller \(digital twin\): \d+ targets \(\d+ up", timeout=60)
        logins = dict(re.findall(r"│\s*(?:admin|engineer|noc|auditor)\s*│\s*(demo-\w+)\s*│\s*(\S+)\s*│", reader.text()))

        # the first scripted fault on a link of the twin (the maintenance window's fibre, 2 demo-minutes in),
        # then the poller's DOWN for that link, read from the routers' ifOperStatus in the twin
        link = reader.wait_for(r"scenario: down link:([\w-]+) \(on the twin: the link's port is down\)",
                               timeout=60).group(1)
        reader.wait_for(rf"\] link:{re.escape(link)}: down", timeout=45)
        # the e-government services stay on the simulated agents, and the printed fault hint reaches them
        fault = subprocess.run([*DEMO, "simulate-fault", "--state-dir", str(tmp_path / "demo"), "service:website",
                                "--down", "--for", "1m"], env=_env(tmp_path), capture_output=True, text=True,
                               timeout=60, check=False)
        assert fault.returncode == 0, fault.stdout + fault.stderr
        reader.wait_for(r"simulate-fault: down service:website", timeout=30)
        # the kelurahan's router is killed 6 demo-minutes in: its site goes dark in the twin, and the dashboard's
        # SLA figures (its kecamatan's target) show it down
        kel = reader.wait_for(r"scenario: down device:[\w-]+ \(on the twin: router ([\w-]+)'s FRR daemons are "
                              r"killed\)", timeout=60).group(1)
        reader.wait_for(rf"\] site:{re.escape(kel)}: down", timeout=45)
        reader.wait_for(r"\] service:website: down", timeout=30)
        with httpx.Client(base_url=url, timeout=30) as client:
            r = client.post("/login", data={"username": "demo-noc", "password": logins["demo-noc"], "next": "/"})
            assert r.status_code == 303, r.text
            deadline = time.monotonic() + 30
            dark: list[str] = []
            while time.monotonic() < deadline and not dark:
                targets = client.get("/api/v1/targets", params={"live": "down"}).json()["targets"]
                dark = [t["target"]["id"] for t in (client.get(f"/api/v1/targets/{x['id']}").json() for x in targets)
                        if any(m["member"] == f"site:{kel}" and m["live"] == "down" for m in t["members"])]
                if not dark:
                    time.sleep(0.5)
            assert dark, f"no SLA target shows site:{kel} down"

        # the store: the twin's poller wrote the routers' states, and the link's outage while it was failed
        store = open_store(f"sqlite://{tmp_path / 'demo' / 'kotanet.db'}")
        try:
            last = store.last_transitions()
            link_trs = list(store.transitions(targets=[f"link:{link}"]))
            heartbeats = {p: store.last_heartbeat(p) for p in ("poller-1", "poller-2")}
        finally:
            store.close()
        live_start = dt.datetime.fromisoformat(FIXED_NOW)
        assert last["device:dc-core1"].state is State.UP and last["device:dc-core1"].at >= live_start
        assert last[f"site:{kel}"].state is State.DOWN and last[f"site:{kel}"].at >= live_start
        assert any(tr.state is State.DOWN and tr.at >= live_start and "ifOperStatus" in tr.reason
                   for tr in link_trs), link_trs[-5:]
        assert all(h is not None and h >= live_start for h in heartbeats.values()), heartbeats  # both pollers

        children = _descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=90) == 0, reader.text()
    except BaseException:
        _stop(proc, children)
        cleanup(tmp_path / "demo" / "lab", LAB_PREFIX)  # a failed run never leaves the twin behind
        raise
    time.sleep(0.2)
    assert "demo stopped" in reader.text()
    left = _lab_namespaces()
    if left:
        cleanup(tmp_path / "demo" / "lab", LAB_PREFIX)
    assert left == []
    assert not (tmp_path / "demo" / "lab").exists()
    assert [p for p in children if _alive(p)] == []


def test_lab_falls_back_to_the_simulated_agents_when_not_root(tmp_path: Path) -> None:
    """Without root the twin cannot run: the demo says so and runs on the simulated agents. Run as root, the
    test cannot count on another user being able to execute this interpreter (a root-owned pyenv or venv under
    /root is not), so the demo's process is given another effective user id instead."""
    require_service(_snmpsim_available(), "snmpsim (the simulated city)")
    cmd = [*DEMO] if os.geteuid() != 0 else [
        sys.executable, "-c", "import os, sys; os.geteuid = lambda: 65534; sys.argv[0] = 'kotanet'; "
                              "from kotanet.cli import main; main()"]
    before = _lab_namespaces() if shutil.which("ip") else []
    r = subprocess.run([*cmd, "demo", "--lab", "--port", "0", "--duration", "3"], env=_env(tmp_path),
                       capture_output=True, text=True, timeout=240, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "--lab: the digital twin is not used (it needs root); using the simulated agents" in r.stdout
    assert re.search(r"simulated city: \d+ SNMP agents, 6 services", r.stdout), r.stdout
    assert "digital twin)" not in r.stdout  # no poller on a twin
    assert "demo stopped" in r.stderr
    if shutil.which("ip"):
        assert _lab_namespaces() == before
