"""What every `kotanet` sub-command shares: the language, the clock, the console, atomic file writes."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from kotanet.clock import Clock
from kotanet.errors import KotanetError
from kotanet.i18n import Lang, t
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.inventory.yamlio import file_mode

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


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary sibling and a rename, so a failure leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, file_mode(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_inventory(st: CliState, path: Path | None) -> Inventory:
    """Load and validate with a spinner on stderr (a province-scale inventory takes seconds)."""
    with st.err.status(st.t("loading", source=str(path) if path else "bogor")):
        return open_inventory(path)


def fail(message: str, hint: str = "") -> KotanetError:
    return KotanetError(message, hint=hint)
