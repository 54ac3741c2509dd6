"""Scenario files for `kotanet simulate --scenario`: parsing, durations, and one-line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kotanet.errors import KotanetError
from kotanet.monitors.simulate import ScenarioStep, load_scenario, parse_duration, parse_scenario, run_scenario

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "seconds"), [
    ("+5m", 300.0), ("90s", 90.0), ("1h30m", 5400.0), ("2.5m", 150.0), ("0", 0.0), (12, 12.0), (0.5, 0.5),
    ("+1h", 3600.0), ("1m30s", 90.0),
])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "+", "5x", "m5", "-3m", -1, True, None, [1]])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError, match=r"duration|negative"):
        parse_duration(text)


def test_parse_and_sort(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("- {at: +10m, action: up, target: 'device:r1'}\n"
                 "- {at: +5m, action: down, target: 'link:r58-a--b', duration: 20m}\n"
                 "- {at: 0, action: flap, target: 'interface:r1:Gi0/0/1', times: 2, period: 1m}\n"
                 "- {at: 1m, action: degrade, target: 'service:web', status: 503, delay: 2s}\n")
    steps = load_scenario(f)
    assert [s.number for s in steps] == [3, 4, 2, 1]
    assert steps[0] == ScenarioStep(3, 0.0, "flap", "interface:r1:Gi0/0/1", None, 2, 60.0, source=str(f))
    assert steps[2].duration_s == 1200.0 and steps[2].target == "link:r58-a--b"
    assert steps[1].status == 503 and steps[1].delay_s == 2.0
    assert parse_scenario({"steps": []}) == [] and parse_scenario(None) == []


@pytest.mark.parametrize(("yaml_text", "where"), [
    ("- {action: down, target: 'device:x'}", "step 1: at: missing"),
    ("- {at: 5m, action: down, target: 'device:x'}\n- {at: soon, action: down, target: 'device:x'}",
     "step 2: at: "),
    ("- {at: 5m, action: explode, target: 'device:x'}", "step 1: action: 'explode' is not one of"),
    ("- {at: 5m, action: down, target: 'router:x'}", "step 1: target: "),
    ("- {at: 5m, action: down, target: 'device:'}", "step 1: target: "),
    ("- {at: 5m, action: down, target: 'device:x', duration: 0}", "step 1: duration: must be positive"),
    ("- {at: 5m, action: flap, target: 'device:x', times: 0}", "step 1: times: "),
    ("- {at: 5m, action: flap, target: 'device:x', period: 'x'}", "step 1: period: "),
    ("- {at: 5m, action: degrade, target: 'device:x', status: 503}", "step 1: target: degrade applies"),
    ("- {at: 5m, action: degrade, target: 'service:x'}", "step 1: status: degrade needs"),
    ("- {at: 5m, action: degrade, target: 'service:x', status: 42}", "step 1: status: 42 is not"),
    ("- {at: 5m, action: down, target: 'device:x', colour: red}", "step 1: colour: unknown field"),
    ("- just a string", "step 1: step: expected a mapping"),
    ("{at: 5m}", "a scenario is a list of steps"),
    ("- [unclosed", "not valid YAML at line"),
])
def test_errors_name_file_step_and_field(tmp_path: Path, yaml_text: str, where: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(yaml_text + "\n")
    with pytest.raises(KotanetError) as info:
        load_scenario(f)
    text = str(info.value)
    assert text.startswith(f"{f}: "), text
    assert where in text, text
    assert "\n" not in text


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KotanetError, match="cannot read the scenario"):
        load_scenario(tmp_path / "nope.yaml")


class _Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.at


class _FakeCity:
    """Records calls in (clock seconds since start, call) form."""

    def __init__(self, clock: _Clock, known: set[str]) -> None:
        self.clock, self.known, self.start = clock, known, clock.at
        self.calls: list[tuple[float, str]] = []

    def _log(self, what: str) -> None:
        self.calls.append(((self.clock.at - self.start).total_seconds(), what))

    def resolve(self, target: str) -> tuple[str, str, str]:
        if target not in self.known:
            raise KotanetError(f"{target}: no such thing")
        return target.partition(":")[0], target.partition(":")[2], ""

    def tick(self) -> list[str]:
        return []

    def down(self, target: str) -> None:
        self._log(f"down {target}")

    def up(self, target: str) -> None:
        self._log(f"up {target}")

    def degrade_service(self, target: str, *, status: int | None, delay_s: float | None, silent: bool) -> None:
        self._log(f"degrade {target} {status} {delay_s} {silent}")


def test_run_scenario_timeline_with_speed() -> None:
    clock = _Clock()
    city = _FakeCity(clock, {"link:l1", "device:d1", "service:web"})

    def sleep(seconds: float) -> None:
        clock.at += dt.timedelta(seconds=seconds)

    steps = parse_scenario([
        {"at": "+5m", "action": "down", "target": "link:l1", "duration": "20m"},
        {"at": "+1m", "action": "flap", "target": "device:d1", "times": 2, "period": "2m"},
        {"at": 0, "action": "degrade", "target": "service:web", "status": 503, "duration": "1m"},
    ])
    run_scenario(city, steps, clock=clock, sleep=sleep, speed=60.0)  # type: ignore[arg-type]
    # demo minutes become clock seconds at speed 60
    assert city.calls == [
        (0.0, "degrade service:web 503 None False"),
        (1.0, "down device:d1"), (1.0, "up service:web"), (2.0, "up device:d1"), (3.0, "down device:d1"),
        (4.0, "up device:d1"), (5.0, "down link:l1"), (25.0, "up link:l1"),
    ]


def test_run_scenario_checks_targets_first() -> None:
    clock = _Clock()
    city = _FakeCity(clock, {"link:l1"})
    steps = parse_scenario([{"at": 0, "action": "down", "target": "link:l1"},
                            {"at": 60, "action": "down", "target": "link:ghost"}], "demo.yaml")
    with pytest.raises(KotanetError, match=r"^demo.yaml: step 2: target: link:ghost: no such thing$"):
        run_scenario(city, steps, clock=clock, sleep=lambda s: None)  # type: ignore[arg-type]
    assert city.calls == []


def test_a_station_link_fault_leaves_the_shared_access_point_up(tmp_path: Path) -> None:
    """Kec. Bogor Selatan's 2.4 GHz sector serves several stations: when one station's link fails, the
    sector (shared interface) stays up and only the station's end goes down (found by hand in the demo)."""
    import datetime as dt

    from kotanet.clock import FixedClock
    from kotanet.inventory import open_inventory
    from kotanet.monitors.simulate import SimulatedCity

    inv = open_inventory(None)
    link = inv.link("r24-kec-bogor-selatan--kel-batutulis")
    assert link is not None
    sharing = [lk.id for lk in inv.links if lk.id != link.id and (link.a.device, link.a.interface) in
               {(lk.a.device, lk.a.interface), (lk.b.device, lk.b.interface)}]
    assert sharing  # the premise: the AP interface carries other links too
    city = SimulatedCity(inv, tmp_path, clock=FixedClock(dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    assert city._link_fault_ends(link.id) == [(link.b.device, link.b.interface)]
    fibre = inv.link("fo-dc--kec-bogor-tengah")
    assert fibre is not None
    assert city._link_fault_ends(fibre.id) == [(fibre.a.device, fibre.a.interface), (fibre.b.device, fibre.b.interface)]
