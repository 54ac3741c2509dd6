"""What every `kotanet` sub-command shares: the language, the clock, the console, atomic file writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from kotanet.atomic import write_atomic
from kotanet.clock import Clock
from kotanet.errors import KotanetError
from kotanet.i18n import Lang, t
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory

__all__ = ["CliState", "fail", "load_inventory", "state", "write_atomic"]


@dataclass(frozen=True, slots=True)
class CliState:
    lang: Lang
    clock: Clock
    out: Console
    err: Console

    def t(self, key: str, /, **values: object) -> str:
        return t(key, self.lang, **values)


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def load_inventory(st: CliState, path: Path | None) -> Inventory:
    """Load and validate with a spinner on stderr (a province-scale inventory takes seconds)."""
    with st.err.status(st.t("loading", source=str(path) if path else "bogor")):
        return open_inventory(path)


def fail(message: str, hint: str = "") -> KotanetError:
    return KotanetError(message, hint=hint)
