"""Where kotanet keeps its state: $KOTANET_HOME, else ~/.local/share/kotanet."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["kotanet_home"]


def kotanet_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    value = env.get("KOTANET_HOME")
    return Path(value).expanduser() if value else Path.home() / ".local" / "share" / "kotanet"
