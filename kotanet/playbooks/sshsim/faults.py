"""Faults a simulated device can be told to show: the same options for the SSH simulator and the memory transport."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from kotanet.errors import KotanetError

__all__ = ["DeviceFaults", "faults_from_dict", "faults_to_dict"]


@dataclass(frozen=True, slots=True)
class DeviceFaults:
    """What is wrong with one device. The default is a healthy device.

    - `reject_line`: a regular expression; a config line it matches (``re.search``) is refused with the
      platform's own error text, and the config stays as it was before that line.
    - `drop_after_lines`: a session drops when it sends a config line after this many config lines were
      accepted in that session (the lines before the drop stay applied, as on a real device that loses its
      management path halfway). Show commands do not count.
    - `refuse_auth`: every login fails, whatever the password.
    - `unreachable`: the device's port is closed.
    - `down_interfaces`: interfaces that never come up (a dead optic): post-checks on them fail.
    """

    reject_line: str | None = None
    drop_after_lines: int | None = None
    refuse_auth: bool = False
    unreachable: bool = False
    down_interfaces: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.reject_line is not None:
            try:
                re.compile(self.reject_line)
            except re.error as exc:
                raise KotanetError(f"fault reject_line {self.reject_line!r} is not a regular expression: {exc}",
                                   hint="give a Python regular expression, e.g. 'ip ospf bfd'") from exc
        if self.drop_after_lines is not None and self.drop_after_lines < 0:
            raise KotanetError(f"fault drop_after_lines must be 0 or more, not {self.drop_after_lines}",
                               hint="give the number of config lines accepted before the session drops")

    def rejects(self, line: str) -> bool:
        return self.reject_line is not None and re.search(self.reject_line, line) is not None

    @property
    def healthy(self) -> bool:
        return self == DeviceFaults()


_NAMES = {f.name for f in fields(DeviceFaults)}


def faults_from_dict(data: Mapping[str, Any], *, where: str = "faults") -> DeviceFaults:
    """A `DeviceFaults` from a JSON/YAML mapping; unknown keys are errors."""
    unknown = sorted(set(data) - _NAMES)
    if unknown:
        raise KotanetError(f"{where}: unknown fault {', '.join(unknown)}",
                           hint=f"known faults: {', '.join(sorted(_NAMES))}")
    kw: dict[str, Any] = dict(data)
    if "down_interfaces" in kw:
        kw["down_interfaces"] = tuple(str(x) for x in kw["down_interfaces"] or ())
    try:
        return replace(DeviceFaults(), **kw)
    except TypeError as exc:
        raise KotanetError(f"{where}: {exc}", hint="see kotanet.playbooks.sshsim.faults.DeviceFaults") from exc


def faults_to_dict(faults: DeviceFaults) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(DeviceFaults):
        value = getattr(faults, f.name)
        if value != getattr(DeviceFaults(), f.name):
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return json.loads(json.dumps(out))  # type: ignore[no-any-return]
