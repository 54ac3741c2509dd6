"""`kotanet simulate [DIR]` (a simulated city on 127.0.0.1) and `kotanet simulate-fault TARGET ...`.

Register in kotanet/cli.py (see the functions' docstrings):

    from kotanet.monitors.simulate_cli import fault_cmd, simulate_cmd
    app.command("simulate")(simulate_cmd)
    app.command("simulate-fault")(fault_cmd)

User-facing strings are in kotanet.i18n (keys sim.*).
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kotanet.cli_common import CliState, load_inventory, state
from kotanet.clock import SystemClock
from kotanet.monitors.simulate import (
    SIMULATION_FILE,
    SimulatedCity,
    load_scenario,
    parse_duration,
    run_scenario,
    send_control,
)
from kotanet.paths import kotanet_home

__all__ = ["default_state_dir", "fault_cmd", "simulate_app", "simulate_cmd"]




def default_state_dir() -> Path:
    return kotanet_home()


DirArg = Annotated[Path | None, typer.Argument(help="Inventory directory (default: the embedded Kota Bogor dataset).",
                                               show_default=False)]
StateOpt = Annotated[Path | None, typer.Option("--state-dir", help="Where the address map goes "
                                               "(default: $KOTANET_HOME or ~/.local/share/kotanet).",
                                               show_default=False)]


def _duration(option: str, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _fmt(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def simulate_cmd(ctx: typer.Context, path: DirArg = None,
                 scenario: Annotated[Path | None, typer.Option("--scenario", help="A YAML list of timed faults.",
                                                               show_default=False)] = None,
                 speed: Annotated[float, typer.Option("--speed", min=0.001,
                                                      help="Demo time runs this many times faster.")] = 1.0,
                 state_dir: StateOpt = None,
                 processes: Annotated[int | None, typer.Option("--processes", min=1, show_default=False,
                                                               help="snmpsim processes (default: 1 per 500 "
                                                                    "devices).")] = None,
                 ) -> None:
    """A simulated city on 127.0.0.1: an SNMP agent per device, one web responder for every service.
    `kotanet monitor run` finds it with no extra flags; it runs until Ctrl-C."""
    st = state(ctx)
    steps = load_scenario(scenario) if scenario is not None else []  # a bad file fails before anything starts
    inv = load_inventory(st, path)
    where = state_dir or default_state_dir()
    # The city runs in real time (KOTANET_NOW's fixed clock would freeze its timers and the scenario).
    city = SimulatedCity(inv, where, clock=SystemClock(), speed=speed, processes=processes)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops the city as cleanly as Ctrl-C
    # A shell starting a background job (`kotanet simulate &`) passes SIGINT on as ignored: take it back, so
    # Ctrl-C (or kill -INT) always stops the city and everything it started.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with st.err.status(st.t("sim.starting")):
            city.start()
        _summary(st, city, where)
        if steps:
            st.out.print(st.t("sim.scenario", file=scenario, n=len(steps), speed=speed), highlight=False)
            run_scenario(city, steps, clock=city.clock, sleep=lambda s: _serve(city, st, s), speed=speed,
                         on_step=lambda at, step, what: st.out.print(
                             st.t("sim.step", at=_fmt(at), n=step.number, what=what), highlight=False))
            st.out.print(st.t("sim.scenario_done"))
        while True:
            _serve(city, st, 3600.0)
    except KeyboardInterrupt:
        pass
    finally:
        city.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        st.err.print(st.t("sim.stopped"))


def _interrupt(signum: int, frame: object) -> None:
    del signum, frame
    raise KeyboardInterrupt


def _serve(city: SimulatedCity, st: CliState, seconds: float) -> None:
    """Wait `seconds`, applying timed restores and `simulate-fault` requests as they come (every 0.2 s)."""
    deadline = time.monotonic() + seconds
    while True:
        for what in city.process_control():
            st.out.print(st.t("sim.change", what=what), highlight=False)
        for target in city.tick():
            st.out.print(st.t("sim.change", what=f"restore {target}"), highlight=False)
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(0.2, left))


def _summary(st: CliState, city: SimulatedCity, where: Path) -> None:
    counts = city.summary()
    table = Table(title=st.t("sim.title", seconds=city.startup_s), show_header=False)
    table.add_column()
    table.add_column(overflow="fold")
    table.add_row(st.t("sim.agents"), str(counts["agents"]))
    table.add_row(st.t("sim.interfaces"), str(counts["interfaces"]))
    table.add_row(st.t("sim.services"), str(counts["services"]))
    table.add_row(st.t("sim.processes"), ", ".join(f"{k} {v}" for k, v in city.pids.items()))
    table.add_row(st.t("sim.map"), str(where / SIMULATION_FILE))
    st.out.print(table)
    st.out.print(st.t("sim.next"), highlight=False)


def fault_cmd(ctx: typer.Context,
              target: Annotated[str, typer.Argument(help="device:ID, interface:DEVICE:IFNAME, link:ID or service:ID.")],
              down: Annotated[bool, typer.Option("--down", help="Take it down.")] = False,
              up: Annotated[bool, typer.Option("--up", help="Bring it back (clears every fault on it).")] = False,
              flap: Annotated[int | None, typer.Option("--flap", min=1, show_default=False,
                                                       help="Flap it this many times.")] = None,
              period: Annotated[str, typer.Option("--period", help="Flap period, e.g. 2m.")] = "2m",
              status: Annotated[int | None, typer.Option("--status", min=100, max=599, show_default=False,
                                                         help="A service answers with this HTTP status.")] = None,
              delay: Annotated[str | None, typer.Option("--delay", show_default=False,
                                                        help="A service answers after this delay, e.g. 3s.")] = None,
              silent: Annotated[bool, typer.Option("--silent", help="A service stops answering.")] = False,
              for_: Annotated[str | None, typer.Option("--for", show_default=False,
                                                       help="Restore after this long, e.g. 10m.")] = None,
              state_dir: StateOpt = None) -> None:
    """Inject a fault into the simulation running in the state directory (`kotanet simulate`)."""
    st = state(ctx)
    degrade = status is not None or delay is not None or silent
    if sum((down, up, flap is not None, degrade)) != 1:
        raise typer.BadParameter(st.t("sim.fault_one"), param_hint="--down")
    request: dict[str, object] = {"target": target, "for_s": _duration("--for", for_)}
    if down:
        request["action"] = "down"
    elif up:
        request["action"] = "up"
    elif flap is not None:
        request |= {"action": "flap", "times": flap, "period_s": _duration("--period", period)}
    else:
        request |= {"action": "degrade", "status": status, "delay_s": _duration("--delay", delay),
                    "silent": silent}
    message = send_control(state_dir or default_state_dir(), request)
    st.out.print(st.t("sim.change", what=message), highlight=False)


# Also usable as a sub-app (`app.add_typer(simulate_app, name="simulate")`), though then the city itself
# is `kotanet simulate run [DIR]`; the two plain commands above read better.
simulate_app = typer.Typer(help="A simulated city on 127.0.0.1 for demos and tests.", no_args_is_help=True)
simulate_app.command("run")(simulate_cmd)
simulate_app.command("fault")(fault_cmd)
