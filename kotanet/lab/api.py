"""The twin's small Python API, for `kotanet demo --lab`, the benchmark and the tests.

    lab = up(inventory)          # builds the twin in $KOTANET_HOME/lab and waits until OSPF has converged
    lab.address_map()            # inventory device -> the address it answers on in the twin
    lab.twin.fail("fo-dc--noc")  # faults, routes, convergence: see kotanet.lab.twin.Twin
    lab.down()
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from kotanet.errors import KotanetError
from kotanet.inventory.models import Inventory
from kotanet.lab.plan import TwinPlan, plan_twin
from kotanet.lab.twin import Twin
from kotanet.paths import kotanet_home
from kotanet.topology.graph import NetworkState

__all__ = ["CONVERGE_TIMEOUT_S", "Lab", "default_state_dir", "up"]

CONVERGE_TIMEOUT_S = 90.0


def default_state_dir() -> Path:
    return kotanet_home() / "lab"


@dataclass(slots=True)
class Lab:
    twin: Twin
    converged_s: float | None = None

    @property
    def plan(self) -> TwinPlan:
        return self.twin.plan

    def address_map(self) -> dict[str, str]:
        """Inventory device id -> its address in the twin: each routing device's loopback (its management
        address where the inventory has one)."""
        return self.plan.device_addresses()

    def down(self) -> None:
        self.twin.down()

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.down()


def up(inventory: Inventory, state_dir: Path | None = None, *, prefix: str = "kn",
       state: NetworkState | None = None, wait: bool = True, timeout: float = CONVERGE_TIMEOUT_S) -> Lab:
    """Build the twin of `inventory` (today's network, or `state`) and, with `wait`, poll until every
    router's kernel routes are the expected ones. A twin that does not converge is torn down and reported."""
    twin = Twin(plan_twin(inventory, state, prefix=prefix), state_dir or default_state_dir())
    try:
        twin.up()
        lab = Lab(twin)
        if wait:
            secs, diffs = twin.wait_converged(timeout)
            if diffs:
                raise KotanetError(f"the twin did not converge in {timeout:.0f} s: {len(diffs)} routes differ, "
                                   f"e.g. {diffs[0]}", hint="see the routers' frr.log under the state directory")
            lab.converged_s = secs
    except BaseException:
        twin.down()
        raise
    return lab
