"""A simulated city on loopback: an SNMP agent for every device with a management address and one HTTP
responder for every service, with fault injection and timed scenarios (`kotanet simulate`).

Design (measured on the 2-CPU dev machine; see the report in the pull request):

* ONE snmpsim command responder process serves every device. Each device gets its own UDP endpoint
  (`--agent-udpv4-endpoint=127.0.0.1:<port>`, one per device) and its own data file `<device>.snmprec`.
  A port per device is what `AddressMap` (host, port) and `plan_probes` already speak, and what a real
  network looks like to the poller (one address per device, one community). snmpsim cannot select a
  data file by endpoint with a v2c community on its own, so the responder is started through a tiny
  bootstrap (`_BOOT`) that replaces snmpsim's context lookup: endpoint N (transport ID
  1.3.6.1.6.1.1.N) serves device N's data file, or drops the request when the device is silenced.
* Faults take effect on the next request, without a restart:
    - device down: its id is added to `silent.json`; the bootstrap re-reads that file when its inode or
      mtime changes (one stat per request) and answers nothing -> the manager times out.
    - interface / link down: the device's `.snmprec` is rewritten (atomically) with ifOperStatus 2. snmpsim
      stats the data file on every request and re-indexes it when its mtime (whole seconds) changes; we
      give every rewrite a strictly newer whole-second mtime so two changes within one second are seen.
    - service down/degraded: the HTTP responder (a thread in this process, `TlsHttpServer` routing by
      path) answers each service's path with its current status, delay or silence.
* Counters: ifHCInOctets/ifHCOutOctets and sysUpTime use snmpsim's `numeric` variation (value =
  initial + rate x seconds since the responder started), the rate being capacity x load, radio links
  busier than fibre; `speed` scales them so a demo running faster than real time stays plausible.

The address map goes to `<state_dir>/simulation.json` so that `kotanet monitor run` finds the simulated
targets; `load_address_map` reads it back and ignores (and removes) a file left by a crashed run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import http.server
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import yaml

from kotanet.clock import Clock
from kotanet.errors import KotanetError
from kotanet.inventory.choices import DeviceRole, LinkMedium, LinkStatus
from kotanet.inventory.models import Device, Inventory
from kotanet.monitors.peers import LOOPBACK, TlsHttpServer, _Process, _wait_until_answers
from kotanet.monitors.poller import AddressMap

__all__ = [
    "ACTIONS",
    "SIMULATION_FILE",
    "ScenarioStep",
    "SimulatedCity",
    "load_address_map",
    "load_scenario",
    "parse_duration",
    "parse_scenario",
    "read_simulation",
    "run_scenario",
    "send_control",
]

SIMULATION_FILE = "simulation.json"
ACTIONS = ("down", "up", "flap", "degrade")
_TARGET_KINDS = ("device", "interface", "link", "service")
_SYS_DESCR = "1.3.6.1.2.1.1.1.0"
_SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
_IF = "1.3.6.1.2.1.2.2.1"
_IFX = "1.3.6.1.2.1.31.1.1.1"

# Run as `python -c _BOOT <work dir> <snmpsim args...>`: snmpsim's responder with endpoint N -> device N.
_BOOT = r"""
import hashlib, json, os, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
from snmpsim.commands import responder
work = sys.argv.pop(1)
silent_path = sys.argv.pop(1)
with open(os.path.join(work, "endpoints.json")) as fh:
    names = json.load(fh)
contexts = [hashlib.md5(n.encode()).hexdigest() for n in names]
# snmpsim keeps 31 data files open and reopens the others per request: keep every device's open instead
from snmpsim import datafile
limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
room = (limit - len(names) - 256) // 3 if limit != resource.RLIM_INFINITY else len(names)
datafile.DataFile.max_queue_entries = max(31, min(len(names) + 8, room))
cache = {"key": None, "silent": frozenset()}
def silenced():
    try:
        st = os.stat(silent_path)
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key != cache["key"]:
        try:
            with open(silent_path) as fh:
                cache["silent"] = frozenset(json.load(fh))
        except (OSError, ValueError):
            cache["silent"] = frozenset()
        cache["key"] = key
    return cache["silent"]
from pysnmp.entity.rfc3413 import cmdrsp
def wrap(cls):
    original = cls.handle_management_operation
    def handle(self, engine, state_reference, context_name, pdu):
        ctx = engine.observer.get_execution_context("rfc3412.receiveMessage:request")
        i = int(ctx["transportDomain"][-1])
        if i < 0 or i >= len(names) or names[i] in silenced():
            return  # no answer: the manager times out (process_pdu releases the request state)
        return original(self, engine, state_reference, contexts[i], pdu)
    cls.handle_management_operation = handle
for cls in (cmdrsp.GetCommandResponder, cmdrsp.NextCommandResponder, cmdrsp.BulkCommandResponder,
            cmdrsp.SetCommandResponder):
    wrap(cls)
sys.argv[0] = "snmpsim-command-responder"
sys.exit(responder.main())
"""


# ------------------------------------------------------------------------------------------ durations

_DURATION = re.compile(r"^\+?(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$")


def parse_duration(value: object) -> float:
    """'+5m', '90s', '1h30m', '2.5m', 0 or 12.5 (seconds) -> seconds. ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"{value!r} is negative")
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a duration (e.g. +5m, 90s, 1h30m)")
    text = value.strip().replace(" ", "")
    try:
        return parse_duration(float(text.removeprefix("+")))
    except ValueError:
        pass
    m = _DURATION.match(text)
    if not text.removeprefix("+") or m is None:
        raise ValueError(f"{value!r} is not a duration (e.g. +5m, 90s, 1h30m)")
    return sum(float(m.group(k) or 0) * mult for k, mult in (("h", 3600.0), ("m", 60.0), ("s", 1.0)))


# ------------------------------------------------------------------------------------------ scenarios

@dataclass(frozen=True, slots=True)
class ScenarioStep:
    """One step of a scenario: at `at_s` seconds (demo time) after the start, do `action` to `target`."""

    number: int  # 1-based, as the user counts
    at_s: float
    action: str
    target: str
    duration_s: float | None = None
    times: int = 3
    period_s: float = 120.0
    status: int | None = None
    delay_s: float | None = None
    silent: bool = False
    source: str = "scenario"


_STEP_FIELDS = {"at", "action", "target", "duration", "times", "period", "status", "delay", "silent"}


def parse_scenario(data: object, source: str = "scenario") -> list[ScenarioStep]:
    """Validate loaded YAML (a list of steps, or {steps: [...]}) into steps sorted by time.

    Raises KotanetError "<source>: step N: <field>: <problem>" (one line) for the first bad field."""
    if isinstance(data, Mapping) and set(data) == {"steps"}:
        data = data["steps"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise KotanetError(f"{source}: a scenario is a list of steps, got {type(data).__name__}",
                           hint="- {at: +5m, action: down, target: link:ID, duration: 20m}")
    steps = [_parse_step(raw, n, source) for n, raw in enumerate(data, start=1)]
    return sorted(steps, key=lambda s: (s.at_s, s.number))


def _parse_step(raw: object, n: int, source: str) -> ScenarioStep:
    def bad(fld: str, problem: str) -> KotanetError:
        return KotanetError(f"{source}: step {n}: {fld}: {problem}")

    if not isinstance(raw, Mapping):
        raise bad("step", f"expected a mapping like {{at: +5m, action: down, target: ...}}, got {raw!r}")
    unknown = sorted(str(k) for k in raw if k not in _STEP_FIELDS)
    if unknown:
        raise bad(unknown[0], f"unknown field (known: {', '.join(sorted(_STEP_FIELDS))})")
    for required in ("at", "action", "target"):
        if required not in raw or raw[required] is None:
            raise bad(required, "missing")

    def duration(fld: str) -> float | None:
        if fld not in raw or raw[fld] is None:
            return None
        try:
            return parse_duration(raw[fld])
        except ValueError as exc:
            raise bad(fld, str(exc)) from None

    at = duration("at")
    assert at is not None
    action = raw["action"]
    if action not in ACTIONS:
        raise bad("action", f"{action!r} is not one of {', '.join(ACTIONS)}")
    target = raw["target"]
    kind = target.partition(":")[0] if isinstance(target, str) else ""
    if not isinstance(target, str) or kind not in _TARGET_KINDS or not target.partition(":")[2]:
        raise bad("target", f"{target!r} is not KIND:ID with KIND one of {', '.join(_TARGET_KINDS)}")
    if action == "degrade" and kind != "service":
        raise bad("target", "degrade applies to a service:ID only")
    dur = duration("duration")
    if dur is not None and dur <= 0:
        raise bad("duration", "must be positive")
    period = duration("period")
    if period is not None and period <= 0:
        raise bad("period", "must be positive")
    times = raw.get("times", 3)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise bad("times", f"{times!r} is not a positive whole number")
    status = raw.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise bad("status", f"{status!r} is not an HTTP status (100-599)")
    delay = duration("delay")
    silent = raw.get("silent", False)
    if not isinstance(silent, bool):
        raise bad("silent", f"{silent!r} is not true or false")
    if action == "degrade" and status is None and delay is None and not silent:
        raise bad("status", "degrade needs status, delay or silent")
    return ScenarioStep(n, at, action, target, dur, times, period or 120.0, status, delay, silent, source)


def load_scenario(path: Path) -> list[ScenarioStep]:
    """Read and validate a YAML scenario file; errors name the file, the step and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KotanetError(f"{path}: cannot read the scenario: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise KotanetError(f"{path}: not valid YAML{where}: {problem}") from None
    return parse_scenario(data, str(path))


Sleep = Callable[[float], None]


_Change = tuple[float, str, Callable[["SimulatedCity"], None]]


def _expand(step: ScenarioStep) -> list[_Change]:
    """A step as primitive timed changes: (demo seconds from the start, what, how)."""
    t, target = step.at_s, step.target
    down: _Change = (t, f"down {target}", lambda c: c.down(target))
    out: list[_Change] = []
    if step.action == "down":
        out.append(down)
        if step.duration_s is not None:
            out.append((t + step.duration_s, f"up {target}", lambda c: c.up(target)))
    elif step.action == "up":
        out.append((t, f"up {target}", lambda c: c.up(target)))
    elif step.action == "flap":
        half = step.period_s / 2
        for k in range(step.times):
            out.append((t + k * step.period_s, f"down {target}", lambda c: c.down(target)))
            out.append((t + k * step.period_s + half, f"up {target}", lambda c: c.up(target)))
    else:  # degrade
        st, delay, silent = step.status, step.delay_s, step.silent
        what = ", ".join(x for x in (f"status {st}" if st else "", f"delay {delay:g} s" if delay else "",
                                     "silent" if silent else "") if x)
        out.append((t, f"degrade {target} ({what})",
                    lambda c: c.degrade_service(target, status=st, delay_s=delay, silent=silent)))
        if step.duration_s is not None:
            out.append((t + step.duration_s, f"up {target}", lambda c: c.up(target)))
    return out


def run_scenario(city: SimulatedCity, steps: Sequence[ScenarioStep], *, clock: Clock, sleep: Sleep,
                 speed: float = 1.0, on_step: Callable[[float, ScenarioStep, str], None] | None = None) -> None:
    """Apply the steps at their times. Demo time runs `speed` times faster than `clock`: a step at +10m
    with speed 60 happens 10 s (of `clock`) after the start. Targets are checked before anything runs."""
    if speed <= 0:
        raise KotanetError(f"scenario speed {speed:g} must be positive")
    for step in steps:
        try:
            city.resolve(step.target)
        except KotanetError as exc:
            raise KotanetError(f"{step.source}: step {step.number}: target: {exc.message}") from None
    events: list[tuple[float, int, int, str, Callable[[SimulatedCity], None], ScenarioStep]] = []
    for step in steps:
        for at, what, apply in _expand(step):
            events.append((at, step.number, len(events), what, apply, step))
    heapq.heapify(events)
    start = clock.now()
    while events:
        at, _, _, what, apply, step = heapq.heappop(events)
        elapsed = (clock.now() - start).total_seconds() * speed
        if at > elapsed:
            sleep((at - elapsed) / speed)
        city.tick()
        apply(city)
        if on_step is not None:
            on_step(at, step, what)


# ------------------------------------------------------------------------------------------ agents

def _stable(*parts: str) -> float:
    """A deterministic number in [0, 1) from strings (no global random state)."""
    digest = hashlib.blake2b("\x00".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split("."))


@dataclass(slots=True)
class _Iface:
    name: str
    capacity_mbps: float
    load_in: float  # average utilisation, a fraction of capacity
    load_out: float
    oper: int = 1  # 1 up, 2 down
    admin: int = 1


@dataclass(slots=True)
class _Agent:
    device: str
    index: int  # its position among the simulated devices
    port: int
    descr: str
    uptime_ticks: int
    interfaces: list[_Iface]
    mtime: int = 0  # the last whole-second mtime given to its data file
    shard: int = 0  # which responder process serves it
    endpoint: int = 0  # its endpoint number in that process: transport ID 1.3.6.1.6.1.1.<endpoint>


@dataclass(slots=True)
class _Service:
    id: str
    path: str
    status: int = 200
    delay_s: float = 0.0
    silent: bool = False
    release: threading.Event = field(default_factory=threading.Event)


class _CityHttpServer(TlsHttpServer):
    """`TlsHttpServer` answering each service's path with that service's current status/delay/silence."""

    def __init__(self, services: Mapping[str, _Service], *, tls: bool) -> None:
        super().__init__(tls=tls)
        self.by_path = {s.path: s for s in services.values()}
        self.silent_hold_s = 60.0

    def __enter__(self) -> Self:
        super().__enter__()
        if self._server is not None:  # a client giving up on a silent or slow service is not an error
            self._server.handle_error = lambda *_: None  # type: ignore[method-assign]
        return self

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        peer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                svc = peer.by_path.get(self.path.split("?", 1)[0].rstrip("/") + "/")
                if svc is None:
                    self._answer(404, b"no such simulated service\n")
                    return
                if svc.silent:  # hold the connection, answer nothing (until restored or the hold ends)
                    svc.release.wait(peer.silent_hold_s)
                    self.close_connection = True
                    return
                if svc.delay_s > 0:
                    time.sleep(svc.delay_s)
                self._answer(svc.status, f"{svc.id}: {svc.status}\n".encode())

            do_HEAD = do_GET  # noqa: N815 - the stdlib's handler naming

            def _answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                except OSError:  # the client gave up before the delay ended
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002 - quiet by design
                return

        return Handler


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def read_simulation(state_dir: Path) -> dict[str, Any] | None:
    """The recorded simulation, or None when absent, unreadable or stale (a recorded pid is dead: the
    file is then removed)."""
    path = state_dir / SIMULATION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pids = data.get("pids", {})
    if not isinstance(pids, dict) or not pids or not all(_pid_alive(p) for p in pids.values()):
        path.unlink(missing_ok=True)
        return None
    return data


def load_address_map(state_dir: Path) -> AddressMap | None:
    """The running simulation's addresses (`kotanet monitor run` uses them), or None when no simulation
    runs there. A file whose recorded pid is no longer alive is from a crashed run: ignored and removed."""
    data = read_simulation(state_dir)
    if data is None:
        return None
    devices = {str(k): (str(v[0]), int(v[1])) for k, v in data.get("devices", {}).items()}
    urls = {str(k): str(v) for k, v in data.get("services", {}).items()}
    return AddressMap(devices=devices, urls=urls)


def send_control(state_dir: Path, request: Mapping[str, object], *, timeout_s: float = 10.0,
                 poll_s: float = 0.05) -> str:
    """Ask the simulation running in `state_dir` to apply a change (what `kotanet simulate fault` does):
    drop a request file in its control directory and wait (bounded) for its answer."""
    data = read_simulation(state_dir)
    if data is None:
        raise KotanetError(f"no simulation is running in {state_dir}",
                           hint="start one with `kotanet simulate`, or pass its --state-dir")
    control = Path(str(data["control_dir"]))
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    tmp = control / f".{name}.tmp"
    tmp.write_text(json.dumps(dict(request)), encoding="utf-8")
    tmp.replace(control / f"{name}.json")
    answer = control / f"{name}.answer"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if answer.exists():
            reply = json.loads(answer.read_text(encoding="utf-8"))
            answer.unlink(missing_ok=True)
            if not reply.get("ok"):
                raise KotanetError(str(reply.get("message", "the simulation refused the change")))
            return str(reply.get("message", ""))
        time.sleep(poll_s)
    (control / f"{name}.json").unlink(missing_ok=True)
    raise KotanetError(f"the simulation in {state_dir} did not answer within {timeout_s:g} s",
                       hint="is `kotanet simulate` still running?")


def _media(inv: Inventory) -> dict[tuple[str, str], tuple[LinkMedium, float | None]]:
    out: dict[tuple[str, str], tuple[LinkMedium, float | None]] = {}
    for lk in inv.links:
        for ep in (lk.a, lk.b):
            out[(ep.device, ep.interface)] = (lk.medium, lk.capacity_mbps)
    return out


def _load_for(medium: LinkMedium | None) -> float:
    """Average utilisation by medium: radio backhaul busy, fibre plenty of headroom, no link nearly idle."""
    if medium is None:
        return 0.02
    if medium.is_radio:
        return 0.45
    if medium is LinkMedium.LEASED_LINE:
        return 0.30
    return 0.12


class SimulatedCity:
    """Every device with a management address as an SNMP agent (one snmpsim process, a port each) and
    every service behind one HTTP responder (a path each), on 127.0.0.1. Use as a context manager."""

    def __init__(self, inv: Inventory, state_dir: Path, *, clock: Clock, tls: bool = False, speed: float = 1.0,
                 community: str = "public", processes: int | None = None, start_timeout_s: float = 60.0) -> None:
        self.inv = inv
        self.state_dir = Path(state_dir)
        self.clock = clock
        self.tls = tls
        self.speed = speed
        self.community = community
        self.start_timeout_s = start_timeout_s
        self.work = self.state_dir / "simulation"
        self.agents: dict[str, _Agent] = {}
        self.services: dict[str, _Service] = {}
        self.silent: set[str] = set()
        self.started_at: dt.datetime | None = None
        self.startup_s = 0.0
        self.processes = processes
        self._procs: list[_Process] = []
        self._http: _CityHttpServer | None = None
        self._owns_work = False
        self._timers: list[tuple[dt.datetime, int, str]] = []  # (when, seq, target to restore)
        self._seq = 0
        media = _media(inv)
        devices = [d for d in inv.devices if d.mgmt_ip is not None and d.role is not DeviceRole.SPLICE_CLOSURE]
        for i, d in enumerate(devices):
            self.agents[d.id] = _Agent(d.id, i, 0, self._descr(d), int(8_640_000 * (1 + 40 * _stable(d.id, "up"))),
                                       [self._iface(d, itf.name, itf.speed_mbps, media) for itf in d.interfaces])
        for sv in inv.services:
            self.services[sv.id] = _Service(sv.id, f"/svc/{sv.id}/")

    @staticmethod
    def _descr(d: Device) -> str:
        return " ".join(x for x in (d.manufacturer, d.model, d.platform.value, f"({d.id}, kotanet simulated)") if x)

    @staticmethod
    def _iface(d: Device, name: str, speed: int | None,
               media: Mapping[tuple[str, str], tuple[LinkMedium, float | None]]) -> _Iface:
        medium, link_cap = media.get((d.id, name), (None, None))
        cap = float(link_cap or speed or (1000 if medium is LinkMedium.FIBRE else 100))
        base = _load_for(medium)
        jitter_in, jitter_out = 0.6 + 0.8 * _stable(d.id, name, "in"), 0.6 + 0.8 * _stable(d.id, name, "out")
        return _Iface(name, cap, min(0.95, base * jitter_in), min(0.95, base * 0.6 * jitter_out))

    # ------------------------------------------------------------------ lifecycle
    @property
    def address_map(self) -> AddressMap:
        return AddressMap(devices={d: (LOOPBACK, a.port) for d, a in self.agents.items()},
                          urls={s: self.url(s) for s in self.services})

    def url(self, service: str) -> str:
        assert self._http is not None, "the city is not started"
        return f"{'https' if self.tls else 'http'}://{LOOPBACK}:{self._http.port}{self.services[service].path}"

    @property
    def pids(self) -> dict[str, int]:
        out = {"owner": os.getpid()}
        for k, proc in enumerate(self._procs):
            out[f"snmpsim-{k + 1}"] = proc.pid
        return out

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        import importlib.util

        spec = importlib.util.find_spec("snmpsim")
        if spec is None or not spec.submodule_search_locations:
            raise KotanetError("the SNMP simulator is not installed", hint="pip install snmpsim")
        numeric = Path(next(iter(spec.submodule_search_locations))) / "variation" / "numeric.py"
        started = time.monotonic()
        existing = read_simulation(self.state_dir)
        if existing is not None:
            raise KotanetError(f"a simulation is already running in {self.state_dir} "
                               f"(pids {', '.join(str(p) for p in existing['pids'].values())})",
                               hint="stop it first, or use another --state-dir")
        self._owns_work = True
        shutil.rmtree(self.work, ignore_errors=True)
        for sub in (self.work / "variation", self.work / "control"):
            sub.mkdir(parents=True)
        shutil.copyfile(numeric, self.work / "variation" / "numeric.py")
        try:
            self._start_agents()
            self._http = _CityHttpServer(self.services, tls=self.tls)
            self._http.__enter__()
            self.started_at = self.clock.now()
            self._write_map()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - started

    def _shards(self) -> int:
        """Responder processes: one per ~500 devices (snmpsim answers ~100-150 requests/s per process),
        at most one per CPU; always 1 for the city's ~150 devices."""
        if self.processes is not None:
            return max(1, min(self.processes, len(self.agents) or 1))
        return max(1, min(os.cpu_count() or 1, -(-len(self.agents) // 500)))

    def _data_dir(self, agent: _Agent) -> Path:
        return self.work / f"shard-{agent.shard + 1}" / "data"

    def _start_agents(self) -> None:
        # Hold every chosen port until snmpsim starts, so the kernel cannot hand one out twice.
        held: list[socket.socket] = []
        try:
            for agent in self.agents.values():
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind((LOOPBACK, 0))
                held.append(s)
                agent.port = int(s.getsockname()[1])
        finally:
            for s in held:
                s.close()
        self._write_silent()
        shards = self._shards()
        groups: list[list[_Agent]] = [[] for _ in range(shards)]
        for agent in sorted(self.agents.values(), key=lambda a: a.index):
            agent.shard = agent.index % shards
            agent.endpoint = len(groups[agent.shard])
            groups[agent.shard].append(agent)
        env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}
        for k, group in enumerate(groups):
            if not group:
                continue
            root = self.work / f"shard-{k + 1}"
            data = root / "data"
            for sub in (data, root / "cache"):
                sub.mkdir(parents=True)
            (root / "endpoints.json").write_text(json.dumps([a.device for a in group]))
            (data / f"{self.community}.snmprec").write_text(f"{_SYS_DESCR}|4|kotanet simulated city\n")
            for agent in group:
                self._write_records(agent)
            argv = [sys.executable, "-c", _BOOT, str(root), str(self.work / "silent.json"), f"--data-dir={data}",
                    f"--cache-dir={root / 'cache'}", f"--variation-modules-dir={self.work / 'variation'}",
                    "--log-level=error", "--logging-method=stderr"]
            argv += [f"--agent-udpv4-endpoint={LOOPBACK}:{a.port}" for a in group]
            self._procs.append(_Process(argv, env=env, log=root / "snmpsim.log"))
        # Endpoints are bound before a responder serves any: its last one answering means all of its are up.
        for proc, group in zip(self._procs, [g for g in groups if g], strict=True):
            _wait_until_answers(proc, group[-1].port, self.community, start_timeout_s=self.start_timeout_s,
                                what="snmpsim (simulated city)")

    def stop(self) -> None:
        """Stop what this city started (snmpsim by its pid, the HTTP thread) and remove the map file."""
        for svc in self.services.values():
            svc.release.set()
        if self._http is not None:
            self._http.__exit__(None, None, None)
            self._http = None
        for proc in self._procs:
            proc.stop()
        self._procs = []
        path = self.state_dir / SIMULATION_FILE
        try:
            recorded = json.loads(path.read_text(encoding="utf-8")).get("pids", {}).get("owner")
        except (OSError, ValueError, AttributeError):
            recorded = None
        if recorded == os.getpid():
            path.unlink(missing_ok=True)
        if self._owns_work:  # never the directory of another simulation that refused us
            shutil.rmtree(self.work, ignore_errors=True)
            self._owns_work = False

    def _write_map(self) -> None:
        assert self.started_at is not None
        data = {
            "version": 1,
            "started_at": self.started_at.isoformat(),
            "pids": self.pids,
            "devices": {d: [LOOPBACK, a.port, self.community] for d, a in self.agents.items()},
            "services": {s: self.url(s) for s in self.services},
            "control_dir": str(self.work / "control"),
        }
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_dir / f".{SIMULATION_FILE}.tmp"
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(self.state_dir / SIMULATION_FILE)

    # ------------------------------------------------------------------ data files
    def records(self, device: str) -> str:
        """The device's .snmprec text (sorted by OID, as snmpsim needs)."""
        a = self.agents[device]
        up = f"rate={100 * self.speed:g},initial={a.uptime_ticks}"
        rows = [(_SYS_DESCR, "4", a.descr), (_SYS_UPTIME, "67:numeric", up)]
        for i, itf in enumerate(a.interfaces, start=1):
            bytes_s = itf.capacity_mbps * 1_000_000 / 8 * self.speed
            initial_in = int(_stable(device, itf.name, "c-in") * 2**40)
            initial_out = int(_stable(device, itf.name, "c-out") * 2**40)
            rows += [
                (f"{_IF}.1.{i}", "2", str(i)),
                (f"{_IF}.2.{i}", "4", itf.name),
                (f"{_IF}.3.{i}", "2", "6"),
                (f"{_IF}.7.{i}", "2", str(itf.admin)),
                (f"{_IF}.8.{i}", "2", str(itf.oper)),
                (f"{_IFX}.1.{i}", "4", itf.name),
                (f"{_IFX}.6.{i}", "70:numeric", f"rate={bytes_s * itf.load_in:.0f},initial={initial_in}"),
                (f"{_IFX}.10.{i}", "70:numeric", f"rate={bytes_s * itf.load_out:.0f},initial={initial_out}"),
                (f"{_IFX}.15.{i}", "66", f"{itf.capacity_mbps:.0f}"),
            ]
        rows.sort(key=lambda r: _oid_key(r[0]))
        return "".join(f"{oid}|{tag}|{value}\n" for oid, tag, value in rows)

    def _write_records(self, agent: _Agent) -> None:
        path = self._data_dir(agent) / f"{agent.device}.snmprec"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.records(agent.device))
        # snmpsim notices a change by the file's whole-second mtime: make every rewrite strictly newer.
        agent.mtime = max(int(time.time()), agent.mtime + 1)
        os.utime(tmp, (agent.mtime, agent.mtime))
        tmp.replace(path)

    def _write_silent(self) -> None:
        path = self.work / "silent.json"
        tmp = self.work / ".silent.json.tmp"
        tmp.write_text(json.dumps(sorted(self.silent)))
        tmp.replace(path)  # a new inode each time: the responder sees the change at once

    # ------------------------------------------------------------------ faults
    def resolve(self, target: str) -> tuple[str, str, str]:
        """(kind, id, interface) for 'device:ID', 'interface:DEVICE:IFNAME', 'link:ID', 'service:ID'.
        KotanetError for anything this city does not simulate."""
        kind, _, ref = target.partition(":")
        if kind == "device":
            if ref not in self.agents:
                raise KotanetError(f"{target}: no simulated agent for device {ref!r}",
                                   hint="only devices with a management address are simulated")
            return kind, ref, ""
        if kind == "interface":
            dev, _, name = ref.partition(":")
            agent = self.agents.get(dev)
            if agent is None or not any(i.name == name for i in agent.interfaces):
                raise KotanetError(f"{target}: no simulated interface {name!r} on device {dev!r}",
                                   hint="write interface:DEVICE:IFNAME, e.g. interface:dc-r1:Gi0/0/1")
            return kind, dev, name
        if kind == "link":
            lk = self.inv.link(ref)
            if lk is None or lk.a.device not in self.agents or lk.b.device not in self.agents:
                raise KotanetError(f"{target}: no link {ref!r} between two simulated devices")
            return kind, ref, ""
        if kind == "service":
            if ref not in self.services:
                raise KotanetError(f"{target}: no service {ref!r} in the inventory")
            return kind, ref, ""
        raise KotanetError(f"{target!r}: not a target", hint=f"KIND:ID with KIND one of {', '.join(_TARGET_KINDS)}")

    def _set_interface(self, device: str, name: str, oper: int) -> None:
        agent = self.agents[device]
        for itf in agent.interfaces:
            if itf.name == name and itf.oper != oper:
                itf.oper = oper
                self._write_records(agent)

    def _link_fault_ends(self, link_id: str) -> list[tuple[str, str]]:
        """The interfaces a fault of this one link takes down. An interface shared with other active links
        (a radio access point's sector serving several stations) stays up when one station's link drops;
        only when both ends are shared do both go down."""
        lk = self.inv.link(link_id)
        assert lk is not None
        active = [other for other in self.inv.links if other.status is LinkStatus.ACTIVE and other.id != link_id]

        def shared(device: str, interface: str) -> bool:
            return any((ep.device, ep.interface) == (device, interface) for other in active
                       for ep in (other.a, other.b))

        ends = [(ep.device, ep.interface) for ep in (lk.a, lk.b)]
        own = [end for end in ends if not shared(*end)]
        return own or ends

    def _set(self, target: str, down: bool) -> None:
        kind, ref, name = self.resolve(target)
        if kind == "device":
            changed = (ref not in self.silent) if down else (ref in self.silent)
            (self.silent.add if down else self.silent.discard)(ref)
            if changed:
                self._write_silent()
        elif kind == "interface":
            self._set_interface(ref, name, 2 if down else 1)
        elif kind == "link":
            for device, interface in self._link_fault_ends(ref):
                self._set_interface(device, interface, 2 if down else 1)
        else:
            svc = self.services[ref]
            if down:
                svc.status = 503
            else:
                svc.status, svc.delay_s, svc.silent = 200, 0.0, False
                svc.release.set()

    def _restore_after(self, target: str, for_s: float | None) -> None:
        self._timers = [t for t in self._timers if t[2].rpartition("|")[2] != target]  # a new fault wins
        if for_s is not None:
            self._seq += 1
            heapq.heappush(self._timers, (self.clock.now() + dt.timedelta(seconds=for_s), self._seq, target))
        heapq.heapify(self._timers)

    def down(self, target: str, for_s: float | None = None) -> None:
        """Take a device (silent agent), an interface (ifOperStatus 2), a link (both ends) or a service
        (HTTP 503) down, until `up` or for `for_s` seconds of the city's clock (applied by `tick`)."""
        self._set(target, True)
        self._restore_after(target, for_s)

    def down_link(self, link_id: str, for_s: float | None = None) -> None:
        self.down(f"link:{link_id}", for_s)

    def up(self, target: str) -> None:
        """Undo every fault on the target (a service: back to 200, no delay, answering)."""
        self._set(target, False)
        self._restore_after(target, None)

    def degrade_service(self, service: str, *, status: int | None = None, delay_s: float | None = None,
                        silent: bool = False, for_s: float | None = None) -> None:
        """Answer `service` with `status`, after `delay_s`, or not at all (`silent`)."""
        target = service if service.startswith("service:") else f"service:{service}"
        _, ref, _ = self.resolve(target)
        svc = self.services[ref]
        if status is not None:
            svc.status = status
        if delay_s is not None:
            svc.delay_s = delay_s
        if silent:
            svc.release.clear()
        svc.silent = silent
        self._restore_after(target, for_s)

    def flap(self, target: str, period_s: float, times: int) -> None:
        """Down now, up after period/2, down again after a period, ... `times` times (driven by `tick`)."""
        self.resolve(target)
        self.down(target)
        self._timers = [t for t in self._timers if t[2].rpartition("|")[2] != target]
        now, half = self.clock.now(), period_s / 2
        for k in range(times):
            for offset, action in ((k * period_s, "down"), (k * period_s + half, "up")):
                if offset == 0:
                    continue
                self._seq += 1
                self._timers.append((now + dt.timedelta(seconds=offset), self._seq, f"{action}|{target}"))
        heapq.heapify(self._timers)

    def tick(self) -> list[str]:
        """Apply the timed changes that are due by the city's clock; the targets changed."""
        done: list[str] = []
        now = self.clock.now()
        while self._timers and self._timers[0][0] <= now:
            _, _, what = heapq.heappop(self._timers)
            action, _, target = what.rpartition("|")
            self._set(target, action == "down")
            done.append(target)
        return done

    def next_change(self) -> dt.datetime | None:
        return self._timers[0][0] if self._timers else None

    # ------------------------------------------------------------------ control requests
    def apply(self, request: Mapping[str, Any]) -> str:
        """Apply one control request {action, target, for_s?, status?, delay_s?, silent?, period_s?, times?}."""
        action, target = str(request.get("action", "")), str(request.get("target", ""))
        for_s = request.get("for_s")
        for_s = float(for_s) if isinstance(for_s, int | float) else None
        if action == "down":
            self.down(target, for_s)
        elif action == "up":
            self.up(target)
        elif action == "flap":
            self.flap(target, float(request.get("period_s", 120.0)), int(request.get("times", 3)))
        elif action == "degrade":
            status, delay = request.get("status"), request.get("delay_s")
            self.degrade_service(target, status=int(status) if status is not None else None,
                                 delay_s=float(delay) if delay is not None else None,
                                 silent=bool(request.get("silent", False)), for_s=for_s)
        else:
            raise KotanetError(f"unknown action {action!r}", hint=f"one of {', '.join(ACTIONS)}")
        return f"{action} {target}" + (f" for {for_s:g} s" if for_s else "")

    def process_control(self) -> list[str]:
        """Apply the requests `send_control` dropped in the control directory, answering each."""
        control = self.work / "control"
        done: list[str] = []
        for req in sorted(control.glob("*.json")):
            answer = req.with_suffix(".answer")
            try:
                message = self.apply(json.loads(req.read_text(encoding="utf-8")))
                reply = {"ok": True, "message": message}
                done.append(message)
            except (KotanetError, ValueError, TypeError) as exc:
                reply = {"ok": False, "message": str(exc)}
            req.unlink(missing_ok=True)
            tmp = control / f".{answer.name}.tmp"
            tmp.write_text(json.dumps(reply), encoding="utf-8")
            tmp.replace(answer)
        return done

    def summary(self) -> dict[str, int]:
        return {"agents": len(self.agents), "interfaces": sum(len(a.interfaces) for a in self.agents.values()),
                "services": len(self.services)}

