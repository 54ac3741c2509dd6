"""Each twin router's FRR configuration, rendered from `kotanet/playbooks/templates/frr/router.conf.j2`. Pure.

OSPF costs are the topology's (`DEFAULT_COSTS`: fibre 10, leased line 50, 5.8 GHz 100, 2.4 GHz 150), so the
twin's shortest paths are the ones `kotanet topology` predicts. Timers: hello 1 s, dead 4 s, LSA
min-arrival 0 and SPF throttle 0/50/500 ms, so a silent failure is caught in about 4 s (BFD on fibre makes
it sub-second) and a lost carrier is acted on at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from kotanet.inventory.choices import LinkMedium
from kotanet.lab.plan import Router, TwinPlan
from kotanet.playbooks.render import BFD, OSPF_AREA

__all__ = ["OSPF_TIMERS", "ROUTER_TEMPLATE", "NocPort", "render_router"]

ROUTER_TEMPLATE = "frr/router.conf.j2"
OSPF_TIMERS: Mapping[str, int] = {
    "hello_s": 1,
    "dead_s": 4,
    "lsa_min_arrival_ms": 0,
    "spf_delay_ms": 0,
    "spf_hold_ms": 50,
    "spf_max_ms": 500,
    "maximum_paths": 16,
}
BFD_PROFILE = "kotanet-fibre"

_ENV: jinja2.Environment | None = None


@dataclass(frozen=True, slots=True)
class NocPort:
    """The DC router's end of the veth to the NOC namespace: advertised into OSPF, passive."""

    name: str
    address: str      # with its prefix length, e.g. 172.31.255.1/30
    peer: str         # the NOC's address


def _env() -> jinja2.Environment:
    global _ENV  # noqa: PLW0603 - compiled once per process
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.PackageLoader("kotanet.playbooks", "templates"),
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                  keep_trailing_newline=True, autoescape=False)
    return _ENV


def router_context(plan: TwinPlan, router: Router, log_file: Path, noc: NocPort | None = None) -> dict[str, Any]:
    interfaces = []
    for lk, port in plan.ports_of(router.namespace):
        assert port.address is not None
        far = lk.b if port is lk.a else lk.a
        interfaces.append({
            "name": port.ifname,
            "link": lk.id,
            "description": f"{lk.medium.value.upper()} {lk.id} to {far.site} ({port.interface})",
            "address": str(port.address),
            "extra": [str(a) for a in port.extra],
            "network_type": lk.network_type.value,
            "cost": lk.cost,
            "medium": lk.medium.value,
            "bfd": lk.medium is LinkMedium.FIBRE,
        })
    return {
        "router": {"hostname": router.hostname, "router_id": str(router.router_id),
                   "loopbacks": [str(a) for a in router.loopbacks], "devices": list(router.devices)},
        "interfaces": interfaces,
        "ospf": {"area": OSPF_AREA, **OSPF_TIMERS},
        "bfd": {"profile": BFD_PROFILE, **BFD},
        "log_file": str(log_file),
        "noc": None if noc is None else {"name": noc.name, "address": noc.address},
    }


def render_router(plan: TwinPlan, router: Router, log_file: Path, *, noc: NocPort | None = None) -> str:
    return _env().get_template(ROUTER_TEMPLATE).render(router_context(plan, router, log_file, noc))
