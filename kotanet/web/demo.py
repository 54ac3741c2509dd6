"""`kotanet demo`: the whole product on the embedded Kota Bogor dataset, with nothing else installed.

1. The static part (what a new user reads first): the inventory, its single points of failure and predicted
   availability, the link budgets and the 17-route migration plan.
2. The SLA part: a month of generated history in the demo's own store (`$KOTANET_HOME/demo`), the SLA status
   and a signed, verified auditor report.
3. The live part (skipped with `--no-serve`): the simulated city (one snmpsim process + one HTTP responder on
   127.0.0.1), the simulated SSH devices when they start, the poller writing into the same store, a scripted
   scenario (a 5.8 GHz radio link flaps, a kelurahan is down for 20 minutes, a maintenance window on a
   department link) and the dashboard served by uvicorn, with one demo user per role.

Demo time runs `speed` times faster than the wall clock (15x: the 20-minute outage takes 80 s). One
`ScaledClock` drives the poller's timestamps, the scenario's maintenance window and the dashboard, so every
page agrees on "now". The seeded month ends where demo time starts.

Ctrl-C (or SIGTERM, or SIGHUP when the terminal closes) stops everything this process started: the scenario
and poller threads, uvicorn, the SSH fleet and snmpsim (by pid), and removes the address map. Every listener
binds 127.0.0.1 only.

The poller probes SNMP and HTTP only: every simulated agent lives on 127.0.0.1, which always answers ICMP, so
a simulated device "down" is its silent SNMP agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kotanet.cli_common import CliState, load_inventory, state
from kotanet.errors import KotanetError
from kotanet.inventory.choices import LinkMedium, LinkStatus, SiteKind
from kotanet.inventory.models import Inventory
from kotanet.monitors.simulate import ScenarioStep

if TYPE_CHECKING:
    from kotanet.monitors.poller import CycleReport
    from kotanet.monitors.simulate import SimulatedCity

__all__ = [
    "DEMO_ROLES",
    "DemoOptions",
    "DemoScenario",
    "ScaledClock",
    "demo_cmd",
    "demo_scenario",
    "pick_port",
    "run_demo",
]

#: Demo time runs this many times faster than the wall clock: the 20-minute kelurahan outage takes 80 s.
DEMO_SPEED = 15.0
#: Wall seconds between two poller cycles (30 s of demo time at 15x).
POLL_INTERVAL_S = 2.0
#: The demo's users, one per role, in the order they are printed.
DEMO_ROLES = ("admin", "engineer", "noc", "auditor")


# ------------------------------------------------------------------------------------------ values

@dataclass(frozen=True, slots=True)
class DemoOptions:
    """What `kotanet demo` was asked to do. `duration_s` stops the live part by itself (wall seconds)."""

    host: str = "127.0.0.1"
    port: int = 8000
    serve: bool = True
    duration_s: float | None = None
    lab: bool = False
    speed: float = DEMO_SPEED
    poll_interval_s: float = POLL_INTERVAL_S
    state_dir: Path | None = None  # default: $KOTANET_HOME/demo
    seed: int = 0


class ScaledClock:
    """Demo time: `base` at creation, then running `speed` times faster than `monotonic` (a Clock)."""

    def __init__(self, base: dt.datetime, speed: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        if base.tzinfo is None:
            raise ValueError("base must be an aware datetime")
        if speed <= 0:
            raise ValueError(f"speed {speed:g} must be positive")
        self.base = base
        self.speed = speed
        self._monotonic = monotonic
        self._t0 = monotonic()

    def now(self) -> dt.datetime:
        return self.base + dt.timedelta(seconds=(self._monotonic() - self._t0) * self.speed)

    def demo_seconds(self) -> float:
        """Demo seconds since `base`."""
        return (self._monotonic() - self._t0) * self.speed


@dataclass(frozen=True, slots=True)
class DemoScenario:
    """The scripted part of the live demo, in demo seconds from its start."""

    flap_link: str  # a 5.8 GHz radio link between two simulated devices
    kelurahan: str  # a kelurahan site; every one of its simulated devices goes silent
    kelurahan_devices: tuple[str, ...]
    maintenance_link: str  # a link between two department sites
    window_start_s: float
    window_end_s: float
    steps: tuple[ScenarioStep, ...] = field(default=())

    @property
    def end_s(self) -> float:
        return max(s.at_s + (s.duration_s or 0.0) + (s.times * s.period_s if s.action == "flap" else 0.0)
                   for s in self.steps)


def demo_scenario(inv: Inventory, simulated: Collection[str]) -> DemoScenario:
    """Choose the demo's targets on `inv` (devices in `simulated` have an agent) and script them:

    * +1m to +13m: a maintenance window on a department-to-department link; the link goes down +2m..+10m,
      inside the window, so its SLA does not count it;
    * +4m: a 5.8 GHz radio link flaps 3 times (3 minutes down, 3 minutes up);
    * +6m: a kelurahan goes down for 20 minutes (every device at the site stops answering).

    Choices are deterministic: the first matching link or site in inventory order."""
    sites = {s.id: s for s in inv.sites}
    devices = {d.id: d for d in inv.devices}

    def simulated_link(medium: Callable[[LinkMedium], bool], site_kind: SiteKind | None = None) -> str:
        for lk in inv.links:
            if lk.status is not LinkStatus.ACTIVE or not medium(lk.medium):
                continue
            if lk.a.device not in simulated or lk.b.device not in simulated:
                continue
            if site_kind is not None and any(sites[devices[ep.device].site].kind is not site_kind
                                             for ep in (lk.a, lk.b)):
                continue
            return lk.id
        what = f"{site_kind.value} " if site_kind else ""
        raise KotanetError(f"the demo needs an active {what}link between two simulated devices",
                           hint="run the demo on the embedded dataset (kotanet demo, no inventory argument)")

    flap = simulated_link(lambda m: m is LinkMedium.RADIO_5_8)
    maint = simulated_link(lambda _: True, SiteKind.DEPARTMENT)
    kel = ""
    kel_devices: tuple[str, ...] = ()
    for s in inv.sites:
        if s.kind is SiteKind.KELURAHAN:
            devs = tuple(d.id for d in inv.devices if d.site == s.id and d.id in simulated)
            if devs:
                kel, kel_devices = s.id, devs
                break
    if not kel:
        raise KotanetError("the demo needs a kelurahan with a simulated device",
                           hint="run the demo on the embedded dataset (kotanet demo, no inventory argument)")
    m = 60.0
    steps = [ScenarioStep(1, 2 * m, "down", f"link:{maint}", duration_s=8 * m, source="demo"),
             ScenarioStep(2, 4 * m, "flap", f"link:{flap}", times=3, period_s=6 * m, source="demo")]
    steps += [ScenarioStep(3 + i, 6 * m, "down", f"device:{d}", duration_s=20 * m, source="demo")
              for i, d in enumerate(kel_devices)]
    return DemoScenario(flap, kel, kel_devices, maint, 1 * m, 13 * m, tuple(steps))


# ------------------------------------------------------------------------------------------ ports

def pick_port(host: str, port: int) -> tuple[socket.socket, bool]:
    """A listening socket on host:port, or on a free port when that one is taken: (socket, moved)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        moved = False
    except OSError:
        sock.close()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        moved = True
    sock.listen(128)
    sock.set_inheritable(False)
    return sock, moved


# ------------------------------------------------------------------------------------------ the command

PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Dashboard port on 127.0.0.1 (a free one "
                                                                      "is picked when it is taken).")]
NoServeOpt = Annotated[bool, typer.Option("--no-serve", help="Only the static and SLA parts, then exit "
                                                            "(for CI and the README's tests).")]
DurationOpt = Annotated[float | None, typer.Option("--duration", min=1.0, show_default=False,
                                                   help="Serve this many seconds, then stop by itself.")]
LabOpt = Annotated[bool, typer.Option("--lab", help="Use the digital twin (root, kotanet lab) instead of the "
                                                   "simulated agents when it is available.")]


def demo_cmd(ctx: typer.Context, port: PortOpt = 8000, no_serve: NoServeOpt = False,
             duration: DurationOpt = None, lab: LabOpt = False) -> None:
    """The main job on the embedded Kota Bogor dataset: the inventory, its single points of failure and
    predicted availability, the link budgets, the 17-route migration plan, a month of SLA history with a
    signed report, then a live simulated city, the poller and the NOC dashboard with demo logins (Ctrl-C
    stops everything)."""
    run_demo(ctx, DemoOptions(port=port, serve=not no_serve, duration_s=duration, lab=lab))


def run_demo(ctx: typer.Context, options: DemoOptions) -> None:
    """Everything `kotanet demo` does (module docstring). `ctx` is the root command's context (its CliState)."""
    from kotanet.paths import kotanet_home

    st = state(ctx)
    _static_part(ctx, st)
    demo_dir = options.state_dir or kotanet_home() / "demo"
    store_url = _sla_part(ctx, st, demo_dir)
    if not options.serve:
        st.out.print(st.t("demo.live.skipped"), highlight=False)
        st.out.print(st.t("demo.next"), highlight=False)
        return
    _live_part(st, options, demo_dir, store_url)


def _static_part(ctx: typer.Context, st: CliState) -> None:
    from kotanet.inventory.cli import show, validate
    from kotanet.topology.cli import analyze_cmd, budget_cmd, migrations_cmd

    st.out.rule(st.t("demo.title"))
    validate(ctx, None)
    show(ctx, None, as_json=False)
    st.out.rule(st.t("demo.topology"))
    analyze_cmd(ctx, None, as_json=False, sla=None)
    st.out.rule(st.t("demo.budgets"))
    budget_cmd(ctx, None, link=[], radio_threshold=15.0, fibre_threshold=3.0, as_json=False)
    st.out.rule(st.t("demo.plan"))
    migrations_cmd(ctx, None, keep_radio_backup=False, as_json=False)


def _sla_part(ctx: typer.Context, st: CliState, demo_dir: Path) -> str:
    """A month of generated history in a fresh demo store, the SLA status, and a signed, verified report."""
    import shutil

    from kotanet.inventory.choices import PeriodKind
    from kotanet.monitors.stores import default_store_url
    from kotanet.slas.cli import report_cmd, seed_demo_cmd, status_cmd, verify_cmd
    from kotanet.slas.periods import period_containing
    from kotanet.slas.signing import default_key_dir, init_keys

    shutil.rmtree(demo_dir, ignore_errors=True)  # the demo's own files only: a fresh history every run
    demo_dir.mkdir(parents=True)
    store = default_store_url(demo_dir)
    if not (default_key_dir() / "kotanet-sla.key").exists():
        init_keys(default_key_dir())
    st.out.rule(st.t("demo.sla"))
    seed_demo_cmd(ctx, months=1, seed=0, inventory=None, store=store, as_json=False)
    status_cmd(ctx, inventory=None, store=store, as_json=False)
    last_month = period_containing(PeriodKind.MONTH, st.clock.now(), "Asia/Jakarta").previous().label
    out = demo_dir / f"report-{last_month}"
    st.out.rule(st.t("demo.report", period=last_month))
    report_cmd(ctx, period=last_month, out=out, scope=None, formats="csv,xlsx,pdf", lang=None, inventory=None,
               store=store, key_dir=None, force=True)
    verify_cmd(ctx, directory=out, trusted_key=default_key_dir() / "kotanet-sla.pub", as_json=False)
    return store


# ------------------------------------------------------------------------------------------ the live part

class _StoppedError(Exception):
    """The demo is stopping: raised inside the scenario and poller threads' sleeps."""


@dataclass
class _Running:
    """What the live part started, so that `_stop_all` stops exactly that."""

    stop: threading.Event = field(default_factory=threading.Event)
    city: SimulatedCity | None = None
    fleet: _SshFleetProcess | None = None  # the simulated SSH devices when they started
    lab: Any = None  # the digital twin's handle when `--lab` used it
    server: Any = None  # uvicorn.Server
    threads: list[threading.Thread] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _live_part(st: CliState, options: DemoOptions, demo_dir: Path, store_url: str) -> None:
    from kotanet.clock import SystemClock

    inv = load_inventory(st, None)
    clock = ScaledClock(st.clock.now(), options.speed)
    run = _Running()
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    previous_hup = signal.signal(signal.SIGHUP, _interrupt)  # the terminal closed: stop cleanly too
    # A shell starting a background job passes SIGINT on as ignored: take it back so Ctrl-C always stops us.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        st.out.rule(st.t("demo.live.title"))
        sock, moved = pick_port(options.host, options.port)
        agents = _start_agents(st, options, inv, demo_dir, run)
        scenario = demo_scenario(inv, agents)
        logins = _create_users(demo_dir, options.seed)
        _schedule_window(demo_dir, clock, scenario)
        run.server = _start_server(st, demo_dir, store_url, clock, sock, run)
        url = f"http://{options.host}:{sock.getsockname()[1]}/"
        if moved:
            st.out.print(st.t("demo.live.port_moved", port=options.port, url=url), highlight=False)
        window = (clock.base + dt.timedelta(seconds=scenario.window_start_s),
                  clock.base + dt.timedelta(seconds=scenario.window_end_s), f"link:{scenario.maintenance_link}")
        _start_poller(st, inv, store_url, clock, options, run, window)
        if run.city is not None:
            _start_scenario(st, run.city, scenario, clock, options, run, wall=SystemClock())
        _print_welcome(st, url, logins, scenario, options, demo_dir)
        deadline = time.monotonic() + options.duration_s if options.duration_s else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
            if run.server is not None and getattr(run.server, "should_exit", False):
                break
    except KeyboardInterrupt:
        pass
    finally:
        # Stop first, print after: a closed terminal or pipe (EPIPE) or a second Ctrl-C must not cut the
        # clean-up short, so both signals are ignored until everything is stopped.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        with contextlib.suppress(Exception):
            st.err.print(st.t("demo.live.stopping"), highlight=False)
        try:
            _stop_all(run)
        finally:
            signal.signal(signal.SIGTERM, previous_term)
            signal.signal(signal.SIGHUP, previous_hup)
            signal.signal(signal.SIGINT, previous_int)
        with contextlib.suppress(Exception):
            st.err.print(st.t("demo.live.stopped"), highlight=False)


def _interrupt(signum: int, frame: object) -> None:
    del signum, frame
    raise KeyboardInterrupt


def _start_agents(st: CliState, options: DemoOptions, inv: Inventory, demo_dir: Path, run: _Running) -> set[str]:
    """The twin (with --lab, when it can run), else the simulated city; then the SSH fleet. The devices
    that answer SNMP."""
    from kotanet.clock import SystemClock
    from kotanet.monitors.simulate import SimulatedCity

    if options.lab:
        run.lab = _lab_up(st, inv, demo_dir / "lab")
    st.out.print(st.t("demo.live.agents_sim"), highlight=False)
    city = SimulatedCity(inv, demo_dir, clock=SystemClock(), speed=options.speed)
    with st.err.status(st.t("sim.starting")):
        city.start()
    run.city = city
    counts = city.summary()
    st.out.print(st.t("demo.live.city", agents=counts["agents"], services=counts["services"],
                      seconds=f"{city.startup_s:.1f}"), highlight=False)
    run.fleet = _fleet_up(st, demo_dir)
    return set(city.agents)


def _lab_up(st: CliState, inv: Inventory, lab_dir: Path) -> Any:
    """THE --lab HOOK. The digital twin (kotanet.lab, another area) runs the backbone as FRR routers in
    network namespaces; it needs root. When `kotanet.lab` offers `up(inventory, state_dir)` and we are root, start it
    and keep its handle (stopped by `_stop_all` through `.down()` or `.__exit__`); otherwise say why and
    fall back to the simulated agents. The SNMP/HTTP targets the poller watches stay the simulated city's
    either way: the twin routes traffic; it runs no SNMP agents."""
    import importlib

    if os.geteuid() != 0:
        st.out.print(st.t("demo.live.lab_fallback", why=st.t("demo.live.lab_not_root")), highlight=False)
        return None
    try:
        lab = importlib.import_module("kotanet.lab")
    except ImportError as exc:  # pragma: no cover - the package ships with kotanet
        st.out.print(st.t("demo.live.lab_fallback", why=str(exc)), highlight=False)
        return None
    up = getattr(lab, "up", None)
    if not callable(up):
        st.out.print(st.t("demo.live.lab_fallback", why=st.t("demo.live.lab_no_api")), highlight=False)
        return None
    try:
        with st.err.status(st.t("demo.live.lab_starting")):
            handle = up(inv, lab_dir)
    except Exception as exc:  # the twin failing must not stop the demo
        st.out.print(st.t("demo.live.lab_fallback", why=f"{type(exc).__name__}: {exc}"), highlight=False)
        return None
    routers = len(getattr(getattr(handle, "plan", None), "routers", ()) or ())
    converged = getattr(handle, "converged_s", None)
    st.out.print(st.t("demo.live.lab_used", routers=routers,
                      seconds=f"{converged:.1f}" if isinstance(converged, float) else "?"), highlight=False)
    return handle


def _fleet_up(st: CliState, demo_dir: Path) -> Any:
    """The simulated SSH devices (`python -m kotanet.playbooks.sshsim`, the playbooks area) as a child process
    writing its endpoint map and generated credentials into the demo directory; guarded: if it cannot start,
    the demo goes on without it and says so."""
    import importlib.util

    if importlib.util.find_spec("kotanet.playbooks.sshsim.server") is None:
        st.out.print(st.t("demo.live.ssh_missing"), highlight=False)
        return None
    try:
        with st.err.status(st.t("demo.live.ssh_starting")):
            fleet = _SshFleetProcess.start(demo_dir, lang=st.lang.value)
    except (KotanetError, OSError) as exc:
        st.out.print(st.t("demo.live.ssh_failed", error=str(exc)), highlight=False)
        return None
    st.out.print(st.t("demo.live.ssh", n=fleet.devices, path=str(demo_dir / _SSH_ENDPOINTS)), highlight=False)
    return fleet


_SSH_ENDPOINTS = "ssh-simulation.json"


class _SshFleetProcess:
    """`python -m kotanet.playbooks.sshsim --state-dir DIR` started and stopped by its pid."""

    def __init__(self, popen: subprocess.Popen[bytes], devices: int) -> None:
        self.popen = popen
        self.devices = devices

    @property
    def pid(self) -> int:
        return self.popen.pid

    @classmethod
    def start(cls, state_dir: Path, *, lang: str, timeout_s: float = 60.0) -> _SshFleetProcess:
        import json
        import sys

        log = state_dir / "sshsim.log"
        endpoints = state_dir / _SSH_ENDPOINTS
        endpoints.unlink(missing_ok=True)
        with log.open("ab") as out:
            popen = subprocess.Popen([sys.executable, "-m", "kotanet.playbooks.sshsim", "--state-dir", str(state_dir),
                                      "--lang", lang], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        proc = cls(popen, 0)
        deadline = time.monotonic() + timeout_s
        try:
            while not endpoints.exists():
                if popen.poll() is not None:
                    tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
                    raise KotanetError(f"exited with {popen.returncode}: {tail[0]}")
                if time.monotonic() > deadline:
                    raise KotanetError(f"no endpoint map after {timeout_s:g} s (see {log})")
                time.sleep(0.1)
            proc.devices = len(json.loads(endpoints.read_text(encoding="utf-8")).get("devices", {}))
        except BaseException:
            proc.down()
            raise
        return proc

    def down(self, grace_s: float = 5.0) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(grace_s)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(grace_s)


def _create_users(demo_dir: Path, seed: int) -> list[tuple[str, str, str]]:
    """One demo user per role with a generated password in the web DB: [(role, name, password)]."""
    del seed
    logins: list[tuple[str, str, str]] = []
    for role in DEMO_ROLES:
        name = f"demo-{role}"
        password = secrets.token_urlsafe(12)
        logins.append((role, name, password))
    _web_add_users(demo_dir, logins)
    return logins


def _web_add_users(demo_dir: Path, logins: list[tuple[str, str, str]]) -> None:
    from kotanet.web.auth import Auth
    from kotanet.web.db import WebDb
    from kotanet.web.roles import Role
    from kotanet.web.settings import WebSettings

    db = WebDb(demo_dir)
    auth = Auth(db, WebSettings(state_dir=demo_dir))
    for role, name, password in logins:
        auth.add_user(name, Role(role), password)


def _schedule_window(demo_dir: Path, clock: ScaledClock, scenario: DemoScenario) -> None:
    """The scenario's maintenance window, scheduled by the demo engineer in the dashboard's database (as the
    maintenance page would), so the SLA figures take the link's planned outage out of the count."""
    from kotanet.inventory.choices import ScopeKind
    from kotanet.inventory.models import MaintenanceWindow
    from kotanet.web.db import WebDb

    start = clock.base + dt.timedelta(seconds=scenario.window_start_s)
    window = MaintenanceWindow(id="demo-maintenance", start=start.astimezone(_WIB),
                               end=(clock.base + dt.timedelta(seconds=scenario.window_end_s)).astimezone(_WIB),
                               scope=ScopeKind.LINK, refs=[scenario.maintenance_link],
                               reason="Demo: re-splice a department fibre (kotanet demo scenario)")
    WebDb(demo_dir).add_window(window, "demo-engineer", clock.now())


def _start_server(st: CliState, demo_dir: Path, store_url: str, clock: ScaledClock, sock: socket.socket,
                  run: _Running) -> Any:
    """The dashboard (create_app) under uvicorn on the already-bound socket, in a thread of its own."""
    import uvicorn

    from kotanet.web.app import create_app
    from kotanet.web.settings import WebSettings

    app = create_app(WebSettings(state_dir=demo_dir, store_url=store_url, clock=clock))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)

    def main() -> None:
        try:
            server.run(sockets=[sock])
        except Exception as exc:
            run.errors.append(f"dashboard: {type(exc).__name__}: {exc}")
            st.err.print(st.t("demo.live.thread_failed", what="uvicorn", error=f"{type(exc).__name__}: {exc}"),
                         highlight=False)
        finally:
            server.should_exit = True
            sock.close()

    thread = threading.Thread(target=main, name="kotanet-demo-uvicorn", daemon=True)
    thread.start()
    run.threads.append(thread)
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise KotanetError(st.t("demo.live.server_failed", errors="; ".join(run.errors) or "timeout"))
    return server


def _start_poller(st: CliState, inv: Inventory, store_url: str, clock: ScaledClock, options: DemoOptions,
                  run: _Running, window: tuple[dt.datetime, dt.datetime, str]) -> None:
    """The poller (SNMP + HTTP) on the simulated city into the demo store, in its own thread and event loop;
    prints each target's state change with its demo time (and whether the maintenance `window` covers it)."""
    from kotanet.monitors.http import HttpProbe
    from kotanet.monitors.poller import Poller, PollerOptions, plan_probes
    from kotanet.monitors.probe import ProbeKind
    from kotanet.monitors.records import FlapRule
    from kotanet.monitors.snmp import SnmpProbe
    from kotanet.monitors.stores import open_store

    if run.city is None:
        return
    # One snmpsim process answers every agent: on a busy 2-core machine a 0.5 s timeout made healthy agents
    # look down, so the probes get 2 s and a retry, as `kotanet monitor run` does.
    plan = plan_probes(inv, run.city.address_map, interval_s=options.poll_interval_s, timeout_s=2.0, retries=1)
    rule = FlapRule(open_after=2, close_after=2)
    last: dict[str, str] = {}
    cycles = {"n": 0}

    def on_cycle(report: CycleReport) -> None:
        cycles["n"] += 1
        changes = sorted((t, s.value) for t, s in report.states.items() if last.get(t) != s.value)
        last.update((t, s.value) for t, s in report.states.items())
        if cycles["n"] <= rule.close_after:  # warming up: every target leaves `unknown` in its first cycles
            if cycles["n"] == rule.close_after:
                counts = Counter(last.values())
                st.out.print(st.t("demo.live.poller", n=len(last), up=counts.get("up", 0),
                                  down=counts.get("down", 0), unknown=counts.get("unknown", 0),
                                  interval=f"{options.poll_interval_s:g}",
                                  demo=f"{options.poll_interval_s * options.speed:g}"), highlight=False)
            return
        for target, new in changes:
            planned = target == window[2] and window[0] <= report.at < window[1]
            st.out.print(st.t("demo.live.change", at=f"{report.at.astimezone(_WIB):%H:%M}", target=target,
                              state=new, note=st.t("demo.live.in_window") if planned else ""), highlight=False)
        if report.store_error:
            st.err.print(st.t("mon.store_error", error=report.store_error), highlight=False)

    async def sleep(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if run.stop.is_set():
                raise _StoppedError
            await asyncio.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        if run.stop.is_set():
            raise _StoppedError

    def main() -> None:
        store = open_store(store_url)
        try:
            poller = Poller(plan, {ProbeKind.SNMP: SnmpProbe(), ProbeKind.HTTP: HttpProbe(verify_tls=False)}, store,
                            clock=clock, options=PollerOptions(rule=rule))
            asyncio.run(poller.run(sleep=sleep, interval_s=options.poll_interval_s, on_cycle=on_cycle))
        except _StoppedError:
            pass
        except Exception as exc:  # reported, and the rest of the demo goes on
            run.errors.append(f"poller: {type(exc).__name__}: {exc}")
            st.err.print(st.t("demo.live.thread_failed", what="poller", error=f"{type(exc).__name__}: {exc}"),
                         highlight=False)
        finally:
            store.close()

    thread = threading.Thread(target=main, name="kotanet-demo-poller", daemon=True)
    thread.start()
    run.threads.append(thread)


_WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def _start_scenario(st: CliState, city: SimulatedCity, scenario: DemoScenario, clock: ScaledClock,
                    options: DemoOptions, run: _Running, *, wall: Any) -> None:
    from kotanet.monitors.simulate import run_scenario

    def sleep(seconds: float) -> None:
        if run.stop.wait(seconds):
            raise _StoppedError

    def on_step(at: float, step: ScenarioStep, what: str) -> None:
        del at, step
        st.out.print(st.t("demo.live.step", at=f"{clock.now().astimezone(_WIB):%H:%M}", what=what), highlight=False)

    def main() -> None:
        try:
            run_scenario(city, scenario.steps, clock=wall, sleep=sleep, speed=options.speed, on_step=on_step)
            st.out.print(st.t("demo.live.scenario_done"), highlight=False)
        except _StoppedError:
            pass
        except Exception as exc:
            run.errors.append(f"scenario: {type(exc).__name__}: {exc}")
            st.err.print(st.t("demo.live.thread_failed", what="scenario", error=f"{type(exc).__name__}: {exc}"),
                         highlight=False)

    thread = threading.Thread(target=main, name="kotanet-demo-scenario", daemon=True)
    thread.start()
    run.threads.append(thread)


def _print_welcome(st: CliState, url: str, logins: list[tuple[str, str, str]], scenario: DemoScenario,
                   options: DemoOptions, demo_dir: Path) -> None:
    from rich.table import Table

    table = Table(title=st.t("demo.live.logins"))
    for col in ("demo.live.col.role", "demo.live.col.user", "demo.live.col.password"):
        table.add_column(st.t(col))
    for role, name, password in logins:
        table.add_row(role, name, password)
    st.out.print(table)
    minutes = scenario.end_s / 60
    st.out.print(st.t("demo.live.speed", speed=f"{options.speed:g}", minutes=f"{minutes:.0f}",
                      wall=f"{scenario.end_s / options.speed:.0f}"), highlight=False)
    st.out.print(st.t("demo.live.story", flap=scenario.flap_link, kel=scenario.kelurahan,
                      link=scenario.maintenance_link), highlight=False)
    st.out.print(st.t("demo.live.fault_hint", dir=str(demo_dir)), highlight=False)
    st.out.print(st.t("demo.live.url", url=url), highlight=False)
    if options.duration_s:
        st.out.print(st.t("demo.live.duration", seconds=f"{options.duration_s:g}"), highlight=False)
    else:
        st.out.print(st.t("demo.live.ctrl_c"), highlight=False)


def _stop_all(run: _Running) -> None:
    """Stop what the live part started, newest first; each step runs even when an earlier one failed."""
    run.stop.set()
    if run.server is not None:
        run.server.should_exit = True
    for thread in run.threads:
        thread.join(timeout=15)
    if run.fleet is not None:
        with contextlib.suppress(Exception):
            run.fleet.down()
    if run.lab is not None:
        with contextlib.suppress(Exception):
            run.lab.down()  # kotanet.lab.api.Lab.down: the namespaces and FRR processes
    if run.city is not None:
        with contextlib.suppress(Exception):
            run.city.stop()
