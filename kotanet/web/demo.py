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
`ScaledClock` drives the poller's timestamps, the scenario's steps and maintenance window and the dashboard, so
every page agrees on "now". Demo time starts once the agents are up (the twin takes 20-50 s to build), and the
scenario's steps are applied when demo time reaches them, so a fault and the outage the poller records for it
line up on the same clock.

With `--lab`, as root with FRR installed, the digital twin (kotanet.lab: the backbone's routers as FRR routers
in network namespaces named `kdemo-*`, each answering SNMP on its loopbacks) replaces the simulated agents for
everything it holds: one poller thread enters the twin's NOC namespace (setns(2) for that thread only, before it
opens a socket) and watches the routers, their sites and the links between them (a radio's links end on ports
of its site's router, so the radio is read from that router's agent); the scenario's
faults on those links and routers are applied to the twin (`Twin.fail`/`restore`, a kelurahan's router killed
and revived). A second poller keeps watching, on the simulated agents, what the twin does not hold: the
servers, switches and firewall and the e-government services. No target is written by both. Without root or
FRR, or when the twin fails to come up, the demo says why and runs on the simulated agents alone.

Ctrl-C (or SIGTERM, or SIGHUP when the terminal closes) stops everything this process started: the scenario
and poller threads, uvicorn, the SSH fleet, the twin (its processes and `kdemo-*` namespaces) and snmpsim (by
pid), and removes the address map. Every listener binds 127.0.0.1 only. While it runs, `kotanet simulate-fault
--state-dir $KOTANET_HOME/demo ...` changes the simulated agents, and `kotanet lab fail --state-dir
$KOTANET_HOME/demo/lab LINK` the twin.

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
from collections.abc import Callable, Collection, Mapping
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
    from kotanet.lab.api import Lab
    from kotanet.lab.monitor import LabAddresses
    from kotanet.monitors.poller import AddressMap, CycleReport, ProbePlan
    from kotanet.monitors.records import FlapRule
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
#: The name prefix of the demo twin's namespaces (`kdemo-<site>`, `kdemo--noc`): never `kotanet lab up`'s `kn`
#: nor the tests' twins (`kt`, `km`, `kc`), so neither cleans up the other.
LAB_PREFIX = "kdemo"
#: The twin's SNMP agents answer within milliseconds: a short timeout keeps a cycle within its interval while a
#: router is dead (the simulated city's single snmpsim process needs 2 s on a busy machine).
TWIN_TIMEOUT_S = 1.0
#: How often the scenario thread applies `kotanet simulate-fault` requests (wall seconds).
CONTROL_POLL_S = 0.2


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
    behind_maintenance: tuple[str, ...] = ()  # the sites that lose the data centre while that link is down

    @property
    def end_s(self) -> float:
        return max(s.at_s + (s.duration_s or 0.0) + (s.times * s.period_s if s.action == "flap" else 0.0)
                   for s in self.steps)


def demo_scenario(inv: Inventory, simulated: Collection[str]) -> DemoScenario:
    """Choose the demo's targets on `inv` (devices in `simulated` have an agent) and script them:

    * +1m to +13m: a maintenance window on a department-to-department link, and on the sites that lose the
      data centre through it (the topology's cut set: the twin takes them down with the link); the link goes
      down +2m..+10m, inside the window, so its SLA does not count it;
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
    from kotanet.topology.graph import build_graph, dc_site, state_today
    from kotanet.topology.reliability import cut_off_by

    behind = tuple(sorted(cut_off_by(build_graph(inv, state_today(inv)), dc_site(inv), failed_edges=[maint])))
    m = 60.0
    steps = [ScenarioStep(1, 2 * m, "down", f"link:{maint}", duration_s=8 * m, source="demo"),
             ScenarioStep(2, 4 * m, "flap", f"link:{flap}", times=3, period_s=6 * m, source="demo")]
    steps += [ScenarioStep(3 + i, 6 * m, "down", f"device:{d}", duration_s=20 * m, source="demo")
              for i, d in enumerate(kel_devices)]
    return DemoScenario(flap, kel, kel_devices, maint, 1 * m, 13 * m, tuple(steps), behind)


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

PortOpt = Annotated[int, typer.Option("--port", min=0, max=65535, help="Dashboard port on 127.0.0.1 (a free one "
                                                                      "is picked when it is taken, or with 0).")]
NoServeOpt = Annotated[bool, typer.Option("--no-serve", help="Only the static and SLA parts, then exit "
                                                            "(for CI and the README's tests).")]
DurationOpt = Annotated[float | None, typer.Option("--duration", min=1.0, show_default=False,
                                                   help="Serve this many seconds, then stop by itself.")]
LabOpt = Annotated[bool, typer.Option("--lab", help="Poll the digital twin (FRR routers in network namespaces; "
                                                   "root and FRR) instead of the simulated agents; falls back to "
                                                   "them, saying why, when it cannot run.")]


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

#: The scenario's maintenance window: (start, end, the targets it covers).
_Window = tuple[dt.datetime, dt.datetime, frozenset[str]]


class _StoppedError(Exception):
    """The demo is stopping: raised inside the scenario and poller threads' sleeps."""


@dataclass
class _Running:
    """What the live part started, so that `_stop_all` stops exactly that."""

    stop: threading.Event = field(default_factory=threading.Event)
    city: SimulatedCity | None = None
    fleet: _SshFleetProcess | None = None  # the simulated SSH devices when they started
    lab: Lab | None = None  # the digital twin when `--lab` brought it up
    twin: _TwinTargets | None = None  # what the poller watches in it
    server: Any = None  # uvicorn.Server
    threads: list[threading.Thread] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _live_part(st: CliState, options: DemoOptions, demo_dir: Path, store_url: str) -> None:
    inv = load_inventory(st, None)
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
        player = _FaultPlayer(st, run, scenario.steps)  # every step's target checked before anything runs
        logins = _create_users(demo_dir, options.seed)
        # Demo time starts now that the agents (and the twin) are up: the scenario's steps, the maintenance
        # window and the poller's timestamps all count from here.
        clock = ScaledClock(st.clock.now(), options.speed)
        _schedule_window(demo_dir, clock, scenario)
        run.server = _start_server(st, demo_dir, store_url, clock, sock, run)
        url = f"http://{options.host}:{sock.getsockname()[1]}/"
        if moved:
            st.out.print(st.t("demo.live.port_moved", port=options.port, url=url), highlight=False)
        window = (clock.base + dt.timedelta(seconds=scenario.window_start_s),
                  clock.base + dt.timedelta(seconds=scenario.window_end_s),
                  frozenset([f"link:{scenario.maintenance_link}", *(f"site:{s}" for s in scenario.behind_maintenance)]))
        _start_pollers(st, inv, store_url, clock, options, run, window)
        _start_scenario(st, player, clock, run)
        _print_welcome(st, url, logins, scenario, options, demo_dir, twin=run.lab is not None)
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
            _stop_all(run, st)
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
    """The twin (with --lab, when it can run), the simulated city, then the SSH fleet. The devices that answer
    SNMP, in the twin or on the simulated agents."""
    from kotanet.clock import SystemClock
    from kotanet.monitors.simulate import SimulatedCity

    if options.lab:
        _lab_up(st, inv, demo_dir / "lab", run)
    if run.twin is None:
        st.out.print(st.t("demo.live.agents_sim"), highlight=False)
    city = SimulatedCity(inv, demo_dir, clock=SystemClock(), speed=options.speed)
    with st.err.status(st.t("sim.starting")):
        city.start()
    run.city = city
    counts = city.summary()
    if run.twin is None:
        st.out.print(st.t("demo.live.city", agents=counts["agents"], services=counts["services"],
                          seconds=f"{city.startup_s:.1f}"), highlight=False)
    else:
        rest = set(city.agents) - set(run.twin.addresses.devices)
        st.out.print(st.t("demo.live.lab_rest", devices=len(rest), services=counts["services"],
                          seconds=f"{city.startup_s:.1f}"), highlight=False)
    run.fleet = _fleet_up(st, demo_dir)
    return set(city.agents) | (set(run.twin.addresses.devices) if run.twin is not None else set())


@dataclass(frozen=True, slots=True)
class _TwinTargets:
    """What the demo watches in the twin, and how it reaches it."""

    addresses: AddressMap  # exclusive: the routers, and the radios read from their site's router
    namespace: str  # the NOC namespace the twin's poller probes from
    community: str
    radios: int  # radios (access points, CPEs) read as ports of their site's router
    links: frozenset[str]  # the links the twin holds
    sites: Mapping[str, str]  # device -> the site of the router that answers for it


def _lab_up(st: CliState, inv: Inventory, lab_dir: Path, run: _Running) -> None:
    """With --lab: bring the twin up (kotanet.lab.api.up, prefix `kdemo`, state in `lab_dir`) and keep it and
    what to poll in it in `run`. When it cannot run (not root, no FRR, another requirement missing) or fails to
    come up, say why and leave `run` without it: the demo goes on with the simulated agents."""
    from kotanet.lab.twin import missing_requirements

    # the lab's own one-line reason (FRR, snmpd, sshd, nft, ...); the commonest one in the user's language
    why = st.t("demo.live.lab_not_root") if os.geteuid() != 0 else missing_requirements()
    if why is not None:
        st.out.print(st.t("demo.live.lab_fallback", why=why), highlight=False)
        return
    from kotanet.lab.api import up
    from kotanet.lab.monitor import load_lab_addresses

    lab: Lab | None = None
    try:
        with st.err.status(st.t("demo.live.lab_starting")):
            lab = up(inv, lab_dir, prefix=LAB_PREFIX)
        twin = _twin_targets(lab, load_lab_addresses(lab_dir, st.lang))
    except Exception as exc:  # the twin failing must not stop the demo (`up` has taken a failed twin down)
        if lab is not None:
            with contextlib.suppress(Exception):
                lab.down()
        error = " ".join(str(exc).split()) if isinstance(exc, KotanetError) else f"{type(exc).__name__}: {exc}"
        st.out.print(st.t("demo.live.lab_fallback", why=st.t("demo.live.lab_failed", error=error)), highlight=False)
        return
    run.lab, run.twin = lab, twin
    st.out.print(st.t("demo.live.lab_used", routers=len(lab.plan.routers), prefix=LAB_PREFIX,
                      seconds=f"{lab.converged_s:.1f}" if lab.converged_s is not None else "?",
                      devices=len(twin.addresses.devices), radios=twin.radios, ns=twin.namespace), highlight=False)


def _twin_targets(lab: Lab, loaded: LabAddresses) -> _TwinTargets:
    """The twin's address map (its routers), plus each radio (an access point, a CPE) whose links end on ports
    of its site's router in the twin: that router's agent answers for it (its interfaces are those ports' real
    ifIndexes), so the radio links are watched in the twin too."""
    from kotanet.monitors.poller import AddressMap

    amap = loaded.addresses
    devices = dict(amap.devices)
    sites = {dev: r.site for r in lab.plan.routers for dev in r.devices if dev in devices}
    agent = {r.namespace: (r.site, devices[r.devices[0]]) for r in lab.plan.routers
             if r.devices and r.devices[0] in devices}
    radios: set[str] = set()
    for lk in lab.plan.links:
        for port in lk.router_ports():
            mapped = port.device in sites or (port.device, port.interface) not in amap.ifindexes
            if mapped or port.namespace not in agent:  # a router's own port, or one the twin did not number
                continue
            sites[port.device], devices[port.device] = agent[port.namespace]
            radios.add(port.device)
    return _TwinTargets(AddressMap(devices=devices, ifindexes=amap.ifindexes, exclusive=True), loaded.noc_namespace,
                        loaded.community, len(radios), frozenset(lk.id for lk in lab.plan.links), sites)


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
    maintenance page would), so the SLA figures take the link's planned outage out of the count; a second window
    over the same time covers the sites behind the link."""
    from kotanet.inventory.choices import ScopeKind
    from kotanet.inventory.models import MaintenanceWindow
    from kotanet.web.db import WebDb

    start = (clock.base + dt.timedelta(seconds=scenario.window_start_s)).astimezone(_WIB)
    end = (clock.base + dt.timedelta(seconds=scenario.window_end_s)).astimezone(_WIB)
    db = WebDb(demo_dir)
    db.add_window(MaintenanceWindow(id="demo-maintenance", start=start, end=end, scope=ScopeKind.LINK,
                                    refs=[scenario.maintenance_link],
                                    reason="Demo: re-splice a department fibre (kotanet demo scenario)"),
                  "demo-engineer", clock.now())
    if scenario.behind_maintenance:
        db.add_window(MaintenanceWindow(id="demo-maintenance-sites", start=start, end=end, scope=ScopeKind.SITE,
                                        refs=list(scenario.behind_maintenance),
                                        reason="Demo: the sites behind the re-spliced department fibre"),
                      "demo-engineer", clock.now())


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


def _start_pollers(st: CliState, inv: Inventory, store_url: str, clock: ScaledClock, options: DemoOptions,
                   run: _Running, window: _Window) -> None:
    """The poller on the simulated city; with the twin, two: one in the twin's NOC namespace for what the twin
    holds (its routers, their sites, the links between them) and one on the simulated agents for the rest
    (servers, switches, the firewall, the e-government services). No target is written by both."""
    from kotanet.monitors.poller import AddressMap, ProbePlan, plan_probes
    from kotanet.monitors.records import FlapRule

    if run.city is None:
        return
    rule = FlapRule(open_after=2, close_after=2)
    interval = options.poll_interval_s
    if run.twin is None:
        # One snmpsim process answers every agent: on a busy 2-core machine a 0.5 s timeout made healthy agents
        # look down, so the probes get 2 s and a retry, as `kotanet monitor run` does.
        plan = plan_probes(inv, run.city.address_map, interval_s=interval, timeout_s=2.0, retries=1)
        _start_poller(st, "poller-1", plan, store_url, clock, options, run, window, rule)
        return
    twin = run.twin
    twin_plan = plan_probes(inv, twin.addresses, interval_s=interval, timeout_s=TWIN_TIMEOUT_S, retries=1,
                            snmp_community=twin.community)
    city = run.city.address_map
    outside = {d: a for d, a in city.devices.items() if d not in twin.addresses.devices}
    rest = plan_probes(inv, AddressMap(devices=outside, urls=city.urls, exclusive=True), interval_s=interval,
                       timeout_s=2.0, retries=1)
    taken = set(twin_plan.targets()) | {s.target for s in twin_plan.specs}
    city_plan = ProbePlan(tuple(s for s in rest.specs if s.target not in taken),
                          {t: d for t, d in rest.site_devices.items() if t not in taken},
                          {t: e for t, e in rest.link_ends.items() if t not in taken})
    _recover(store_url, clock, rule, (twin_plan, city_plan))
    _start_poller(st, "poller-1", twin_plan, store_url, clock, options, run, window, rule,
                  netns=twin.namespace, where=st.t("demo.live.where_twin"))
    _start_poller(st, "poller-2", city_plan, store_url, clock, options, run, window, rule,
                  where=st.t("demo.live.where_agents"))


def _recover(store_url: str, clock: ScaledClock, rule: FlapRule, plans: tuple[ProbePlan, ...]) -> None:
    """Record the time since the seeded history's last heartbeat (`poller-1`'s) as unknown for every target
    of `plans`, once, before two pollers with ids of their own start."""
    from kotanet.monitors.poller import Poller, PollerOptions
    from kotanet.monitors.stores import open_store

    store = open_store(store_url)
    try:
        for plan in plans:
            Poller(plan, {}, store, clock=clock, options=PollerOptions(poller_id="poller-1", rule=rule)).recover()
    finally:
        store.close()


def _start_poller(st: CliState, poller_id: str, plan: ProbePlan, store_url: str, clock: ScaledClock,
                  options: DemoOptions, run: _Running, window: _Window, rule: FlapRule,
                  *, netns: str | None = None, where: str = "") -> None:
    """One poller (SNMP + HTTP) into the demo store, in its own thread and event loop; with `netns`, that thread
    first enters the network namespace, so every socket its probes open is there. Prints each target's state
    change with its demo time (and whether the maintenance `window` covers it)."""
    from kotanet.monitors.http import HttpProbe
    from kotanet.monitors.poller import Poller, PollerOptions
    from kotanet.monitors.probe import ProbeKind
    from kotanet.monitors.snmp import SnmpProbe
    from kotanet.monitors.stores import open_store

    last: dict[str, str] = {}
    cycles = {"n": 0}

    def on_cycle(report: CycleReport) -> None:
        cycles["n"] += 1
        changes = sorted((t, s.value) for t, s in report.states.items() if last.get(t) != s.value)
        last.update((t, s.value) for t, s in report.states.items())
        if cycles["n"] <= rule.close_after:  # warming up: every target leaves `unknown` in its first cycles
            if cycles["n"] == rule.close_after:
                counts = Counter(last.values())
                st.out.print(st.t("demo.live.poller", where=where, n=len(last), up=counts.get("up", 0),
                                  down=counts.get("down", 0), unknown=counts.get("unknown", 0),
                                  interval=f"{options.poll_interval_s:g}",
                                  demo=f"{options.poll_interval_s * options.speed:g}"), highlight=False)
            return
        for target, new in changes:
            planned = target in window[2] and window[0] <= report.at < window[1]
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
        store = None
        try:
            store = open_store(store_url)  # before entering the twin: a store on the network stays reachable
            if netns is not None:
                from kotanet.lab.monitor import enter_netns

                # setns(2) for this thread only, before it opens any socket: the event loop, the SNMP probe's
                # UDP socket (created on the loop's thread) and the threads the loop starts are all in the twin.
                enter_netns(netns, st.lang)
            poller = Poller(plan, {ProbeKind.SNMP: SnmpProbe(), ProbeKind.HTTP: HttpProbe(verify_tls=False)}, store,
                            clock=clock, options=PollerOptions(poller_id=poller_id, rule=rule))
            asyncio.run(poller.run(sleep=sleep, interval_s=options.poll_interval_s, on_cycle=on_cycle))
        except _StoppedError:
            pass
        except Exception as exc:  # reported, and the rest of the demo goes on
            what = f"poller{where}"
            error = " ".join(str(exc).split()) if isinstance(exc, KotanetError) else f"{type(exc).__name__}: {exc}"
            run.errors.append(f"{what}: {error}")
            st.err.print(st.t("demo.live.thread_failed", what=what, error=error), highlight=False)
        finally:
            if store is not None:
                store.close()

    thread = threading.Thread(target=main, name=f"kotanet-demo-{poller_id}", daemon=True)
    thread.start()
    run.threads.append(thread)


_WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


@dataclass(frozen=True, slots=True)
class _Change:
    """One primitive change of the scenario: a target goes down or comes back, `at_s` demo seconds in."""

    at_s: float
    down: bool
    target: str


class _FaultPlayer:
    """Plays the scenario's steps: on the twin for the links it holds (`fail`/`restore`) and for the devices its
    routers answer for (the router's FRR daemons killed, then revived), on the simulated city otherwise."""

    def __init__(self, st: CliState, run: _Running, steps: Collection[ScenarioStep]) -> None:
        self.st = st
        self.run = run
        self.changes = _changes(steps)
        self._down: dict[str, set[str]] = {}  # router site -> its devices the scenario has taken down
        for change in self.changes:  # every target checked before anything changes
            if self._on_twin(change.target) is None:
                if run.city is None:
                    raise KotanetError(f"{change.target}: neither the twin nor the simulated city holds it")
                run.city.resolve(change.target)

    def _on_twin(self, target: str) -> tuple[str, str] | None:
        """('link', id) or ('site', router site) when the twin plays this target."""
        twin = self.run.twin
        if twin is None or self.run.lab is None:
            return None
        kind, _, ref = target.partition(":")
        if kind == "link" and ref in twin.links:
            return "link", ref
        if kind == "device" and ref in twin.sites:
            return "site", twin.sites[ref]
        return None

    def apply(self, change: _Change) -> str:
        """Apply one change; what the twin did, as a note for the step's line ("" on the simulated city)."""
        where = self._on_twin(change.target)
        lab = self.run.lab
        if where is None or lab is None:
            assert self.run.city is not None
            self.run.city.tick()
            (self.run.city.down if change.down else self.run.city.up)(change.target)
            return ""
        kind, ref = where
        if kind == "link":
            (lab.twin.fail if change.down else lab.twin.restore)(ref)
            return self.st.t("demo.live.twin_fail" if change.down else "demo.live.twin_restore")
        down = self._down.setdefault(ref, set())
        if change.down:
            first = not down
            down.add(change.target)
            if first and ref not in lab.twin.dead:
                lab.twin.kill_router(ref)
                return self.st.t("demo.live.twin_kill", site=ref)
            return ""
        down.discard(change.target)
        if not down and ref in lab.twin.dead:
            lab.twin.revive_router(ref)
            return self.st.t("demo.live.twin_revive", site=ref)
        return ""

    def serve(self) -> list[str]:
        """The user's `kotanet simulate-fault` requests and the city's timed restores, applied: what changed."""
        city = self.run.city
        if city is None:
            return []
        return [*city.process_control(), *(f"up {target}" for target in city.tick())]


def _changes(steps: Collection[ScenarioStep]) -> list[_Change]:
    """The steps as primitive changes in time order (a step with a duration comes back up after it; a flap
    goes down `times` times for half a period each)."""
    out: list[tuple[float, int, int, _Change]] = []
    for step in steps:
        t = step.at_s
        if step.action == "down":
            timed = [(t, True)] + ([(t + step.duration_s, False)] if step.duration_s is not None else [])
        elif step.action == "up":
            timed = [(t, False)]
        elif step.action == "flap":
            timed = [(t + k * step.period_s + half, half == 0.0) for k in range(step.times)
                     for half in (0.0, step.period_s / 2)]
        else:
            raise KotanetError(f"{step.source}: step {step.number}: the demo plays down, up and flap steps, "
                               f"not {step.action}")
        out += [(at, step.number, len(out) + i, _Change(at, down, step.target)) for i, (at, down) in enumerate(timed)]
    return [c for *_, c in sorted(out, key=lambda e: e[:3])]


def _start_scenario(st: CliState, player: _FaultPlayer, clock: ScaledClock, run: _Running) -> None:
    """Apply each change when demo time reaches it (demo seconds from the clock's base, the same origin as the
    maintenance window and the poller's timestamps); a change that fails is reported and the rest go on. In
    between, and after the scenario, the same thread (the only one that changes the simulated city) applies the
    user's `kotanet simulate-fault` requests and the city's timed restores."""

    def now() -> str:
        return f"{clock.now().astimezone(_WIB):%H:%M}"

    def error_of(exc: Exception) -> str:
        return " ".join(str(exc).split()) if isinstance(exc, KotanetError) else f"{type(exc).__name__}: {exc}"

    def serve() -> None:
        try:
            for what in player.serve():
                st.out.print(st.t("demo.live.injected", at=now(), what=what), highlight=False)
        except Exception as exc:  # a request the city could not apply: say so, go on
            st.err.print(st.t("demo.live.thread_failed", what="simulate-fault", error=error_of(exc)), highlight=False)

    def main() -> None:
        try:
            for change in player.changes:
                while (wait := (change.at_s - clock.demo_seconds()) / clock.speed) > 0:
                    if run.stop.wait(min(wait, CONTROL_POLL_S)):
                        return
                    serve()
                if run.stop.is_set():
                    return
                what = f"{'down' if change.down else 'up'} {change.target}"
                try:
                    note = player.apply(change)
                except Exception as exc:  # e.g. an `ip` command of the twin failed: say so, play on
                    st.err.print(st.t("demo.live.step_failed", at=now(), what=what, error=error_of(exc)),
                                 highlight=False)
                    continue
                st.out.print(st.t("demo.live.step", at=now(), what=what + note), highlight=False)
            st.out.print(st.t("demo.live.scenario_done"), highlight=False)
            while not run.stop.wait(CONTROL_POLL_S):
                serve()
        except Exception as exc:
            run.errors.append(f"scenario: {type(exc).__name__}: {exc}")
            st.err.print(st.t("demo.live.thread_failed", what="scenario", error=f"{type(exc).__name__}: {exc}"),
                         highlight=False)

    thread = threading.Thread(target=main, name="kotanet-demo-scenario", daemon=True)
    thread.start()
    run.threads.append(thread)


def _print_welcome(st: CliState, url: str, logins: list[tuple[str, str, str]], scenario: DemoScenario,
                   options: DemoOptions, demo_dir: Path, *, twin: bool = False) -> None:
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
    if scenario.behind_maintenance:
        st.out.print(st.t("demo.live.window_sites", link=scenario.maintenance_link,
                          sites=", ".join(scenario.behind_maintenance)), highlight=False)
    if twin:
        st.out.print(st.t("demo.live.fault_hint_twin", lab=str(demo_dir / "lab"), dir=str(demo_dir)), highlight=False)
    else:
        st.out.print(st.t("demo.live.fault_hint", dir=str(demo_dir)), highlight=False)
    st.out.print(st.t("demo.live.url", url=url), highlight=False)
    if options.duration_s:
        st.out.print(st.t("demo.live.duration", seconds=f"{options.duration_s:g}"), highlight=False)
    else:
        st.out.print(st.t("demo.live.ctrl_c"), highlight=False)


def _stop_all(run: _Running, st: CliState) -> None:
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
            run.lab.down()  # kotanet.lab.api.Lab.down: the routers' processes, the namespaces, the state directory
        with contextlib.suppress(Exception):
            from kotanet.lab.twin import list_namespaces

            left = [n for n in list_namespaces() if n.startswith(f"{LAB_PREFIX}-")]
            if left:
                st.err.print(st.t("demo.live.lab_left", namespaces=", ".join(left), lab=str(run.lab.twin.state_dir),
                                  prefix=LAB_PREFIX), highlight=False)
    if run.city is not None:
        with contextlib.suppress(Exception):
            run.city.stop()
