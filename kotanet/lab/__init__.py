"""The digital twin: the backbone as FRR routers in network namespaces, for rehearsing migrations.

`up(inventory)` builds it and returns a `kotanet.lab.api.Lab` (with `.down()` and `.address_map()`). The
modules are imported when called, so that importing the package (and `kotanet --help`) stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kotanet.inventory.models import Inventory
    from kotanet.lab.api import Lab

__all__ = ["up"]


def up(inventory: Inventory, state_dir: Path | None = None, **options: Any) -> Lab:
    """Build the twin of `inventory` and wait for OSPF to converge (see `kotanet.lab.api.up`)."""
    from kotanet.lab.api import up as _up

    return _up(inventory, state_dir, **options)
