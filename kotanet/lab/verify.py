"""Measured against predicted: fail each link of the twin in turn and compare who loses the DC.

Predicted, two ways, by `kotanet.topology`: the sites `cut_off_by` the link in the site graph, and the sites
whose single points of failure (`analyze(...).sites[s].spof_links`, from bridges) include the link. Measured:
the routers that, once the kernels hold the routes OSPF should compute with that link down, have no route to
the DC's router id or are not routed back to by the DC. Only sites with a router in the twin count (a manhole
is a site of the graph but has no routes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kotanet.inventory.models import Inventory
from kotanet.lab.expected import reachable_to
from kotanet.lab.twin import Twin
from kotanet.topology.analysis import analyze
from kotanet.topology.graph import build_graph
from kotanet.topology.reliability import cut_off_by

__all__ = ["FailureCheck", "Prediction", "measure_single_failures", "predict_single_failures"]


@dataclass(frozen=True, slots=True)
class Prediction:
    cut_off: frozenset[str]          # by cut_off_by on the site graph
    spof_of: frozenset[str]          # sites whose single points of failure include the link


@dataclass(frozen=True, slots=True)
class FailureCheck:
    link: str
    predicted: Prediction
    measured: frozenset[str]
    converge_s: float
    route_diffs: int                 # routes still differing from the expected ones at the deadline

    @property
    def agrees(self) -> bool:
        return self.route_diffs == 0 and self.measured == self.predicted.cut_off == self.predicted.spof_of

    def to_json(self) -> dict[str, object]:
        return {"link": self.link, "agrees": self.agrees, "measured": sorted(self.measured),
                "predicted_cut_off": sorted(self.predicted.cut_off),
                "predicted_spof": sorted(self.predicted.spof_of), "converge_s": round(self.converge_s, 3),
                "route_diffs": self.route_diffs}


def predict_single_failures(inv: Inventory, twin: Twin, links: Iterable[str] | None = None) -> dict[str, Prediction]:
    plan = twin.plan
    routers = {r.site for r in plan.routers}
    g = build_graph(inv, plan.state)
    analysis = analyze(inv, plan.state)
    spof: dict[str, set[str]] = {}
    for s in analysis.sites.values():
        for lk in s.spof_links:
            spof.setdefault(lk, set()).add(s.site)
    out: dict[str, Prediction] = {}
    for lid in links if links is not None else [lk.id for lk in plan.links]:
        out[lid] = Prediction(frozenset(cut_off_by(g, plan.dc, [lid]) & routers),
                              frozenset(spof.get(lid, set()) & routers))
    return out


def measure_single_failures(inv: Inventory, twin: Twin, links: Iterable[str] | None = None, *,
                            timeout: float = 20.0,
                            progress: Callable[[str, int, int], None] | None = None) -> list[FailureCheck]:
    """Fail each link in turn (veth down), wait for the expected routes, record who lost the DC, restore."""
    ids = list(links) if links is not None else [lk.id for lk in twin.plan.links]
    predicted = predict_single_failures(inv, twin, ids)
    routers = {r.site for r in twin.plan.routers}
    out: list[FailureCheck] = []
    for i, lid in enumerate(ids):
        if progress:
            progress(lid, i, len(ids))
        twin.fail(lid)
        try:
            secs, diffs = twin.wait_converged(timeout)
            reach = reachable_to(twin.plan, twin.kernel_routes(), twin.plan.dc)
        finally:
            twin.restore(lid)
        out.append(FailureCheck(lid, predicted[lid], frozenset(routers - reach), secs, len(diffs)))
    twin.wait_converged(timeout)
    return out
