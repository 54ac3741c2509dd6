"""Fault sequences for the twin, from a YAML file. Parsing is pure; `run_scenario` takes the clock and sleep.

    - {at: 0, action: fail, target: fo-dc--noc}
    - {at: 5, action: restore, target: fo-dc--noc}
    - {at: 6, action: degrade, target: r58-balaikota--bts-01}
    - {at: 12, action: kill, target: kel-empang}        # a router's daemons die
    - {at: 20, action: revive, target: kel-empang}
    - {at: 21, action: converge}                        # wait until the routes are the expected ones

`at` is seconds from the start; steps run in order of `at`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from kotanet.errors import KotanetError
from kotanet.lab.twin import Twin

__all__ = ["ScenarioAction", "ScenarioStep", "load_scenario", "parse_scenario", "run_scenario"]


class ScenarioAction(StrEnum):
    FAIL = "fail"
    DEGRADE = "degrade"
    RESTORE = "restore"
    KILL = "kill"
    REVIVE = "revive"
    CONVERGE = "converge"


@dataclass(frozen=True, slots=True)
class ScenarioStep:
    at_s: float
    action: ScenarioAction
    target: str = ""


def parse_scenario(data: object, source: str = "scenario") -> list[ScenarioStep]:
    if not isinstance(data, list) or not data:
        raise KotanetError(f"{source}: a scenario is a non-empty list of steps",
                           hint="e.g. - {at: 0, action: fail, target: fo-dc--noc}")
    steps: list[ScenarioStep] = []
    for i, item in enumerate(data, start=1):
        where = f"{source}: step {i}"
        if not isinstance(item, dict):
            raise KotanetError(f"{where}: a step is a mapping with at, action and target")
        unknown = set(item) - {"at", "action", "target"}
        if unknown:
            raise KotanetError(f"{where}: unknown field {sorted(unknown)[0]!r}", hint="fields: at, action, target")
        at = item.get("at", 0)
        if not isinstance(at, int | float) or isinstance(at, bool) or at < 0:
            raise KotanetError(f"{where}: at must be a number of seconds >= 0, got {at!r}")
        try:
            action = ScenarioAction(str(item.get("action")))
        except ValueError:
            raise KotanetError(f"{where}: unknown action {item.get('action')!r}",
                               hint=f"actions: {', '.join(a.value for a in ScenarioAction)}") from None
        target = item.get("target", "")
        if action is not ScenarioAction.CONVERGE and (not isinstance(target, str) or not target):
            raise KotanetError(f"{where}: action {action.value} needs a target (a link id, or a site for kill)")
        steps.append(ScenarioStep(float(at), action, str(target or "")))
    return sorted(steps, key=lambda s: s.at_s)


def load_scenario(path: Path) -> list[ScenarioStep]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KotanetError(f"{path}: cannot read the scenario: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise KotanetError(f"{path}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    return parse_scenario(data, str(path))


def run_scenario(twin: Twin, steps: Sequence[ScenarioStep], *, monotonic: Callable[[], float],
                 sleep: Callable[[float], None], on_step: Callable[[ScenarioStep], None] | None = None) -> None:
    for step in steps:  # check every target before anything changes
        if step.action in (ScenarioAction.KILL, ScenarioAction.REVIVE):
            twin.plan.router(step.target)
        elif step.action is not ScenarioAction.CONVERGE:
            twin.plan.link(step.target)
    start = monotonic()
    for step in steps:
        wait = start + step.at_s - monotonic()
        if wait > 0:
            sleep(wait)
        if on_step:
            on_step(step)
        if step.action is ScenarioAction.FAIL:
            twin.fail(step.target)
        elif step.action is ScenarioAction.DEGRADE:
            twin.degrade(step.target)
        elif step.action is ScenarioAction.RESTORE:
            twin.restore(step.target)
        elif step.action is ScenarioAction.KILL:
            twin.kill_router(step.target)
        elif step.action is ScenarioAction.REVIVE:
            twin.revive_router(step.target)
        else:
            twin.wait_converged()
