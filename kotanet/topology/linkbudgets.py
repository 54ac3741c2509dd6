"""Link budgets of every radio and fibre link of an inventory, flagged against thresholds. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kotanet.inventory.models import Inventory, Link
from kotanet.topology.analysis import resolve_ids
from kotanet.topology.budget import fibre_budget, haversine_km, radio_budget

__all__ = ["LinkBudget", "link_budgets"]


@dataclass(frozen=True, slots=True)
class LinkBudget:
    link: str
    medium: str
    status: str
    distance_km: float
    margin_db: float | None
    threshold_db: float
    ok: bool
    details: dict[str, float]
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {"link": self.link, "medium": self.medium, "status": self.status, "distance_km": self.distance_km,
                "margin_db": self.margin_db, "threshold_db": self.threshold_db, "ok": self.ok, **self.details,
                "note": self.note}


def _distance(inv: Inventory, link: Link) -> float:
    dev_site = {d.id: d.site for d in inv.devices}
    a, b = inv.site(dev_site[link.a.device]), inv.site(dev_site[link.b.device])
    assert a is not None and b is not None
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def link_budgets(inv: Inventory, links: Sequence[str] = (), *, radio_threshold_db: float = 15.0,
                 fibre_threshold_db: float = 3.0) -> list[LinkBudget]:
    """Budgets of the given links (default: every radio and fibre link). Unknown ids raise UsageError."""
    if links:
        ids, sites = resolve_ids(inv, links, option="link")
        if sites:
            from kotanet.errors import UsageError

            raise UsageError(f"{sites[0]!r} is a site, not a link", hint="give a link id")
        chosen = [lk for lk in inv.links if lk.id in set(ids)]
    else:
        chosen = [lk for lk in inv.links if lk.radio is not None or lk.fibre is not None]
    out: list[LinkBudget] = []
    for lk in chosen:
        dist = _distance(inv, lk)
        if lk.radio is not None:
            r = lk.radio
            d = r.path_length_km or max(dist, 0.01)
            rb = radio_budget(freq_mhz=r.frequency_mhz, distance_km=d, tx_power_dbm=r.tx_power_dbm,
                              gain_a_dbi=r.antenna_gain_a_dbi, gain_b_dbi=r.antenna_gain_b_dbi,
                              rx_sensitivity_dbm=r.rx_sensitivity_dbm, threshold_db=radio_threshold_db)
            out.append(LinkBudget(lk.id, lk.medium.value, lk.status.value, d, rb.fade_margin_db, radio_threshold_db,
                                  rb.ok, {"eirp_dbm": rb.eirp_dbm, "fspl_db": rb.fspl_db,
                                          "rx_level_dbm": rb.rx_level_dbm, "fresnel_radius_m": rb.fresnel_radius_m}))
        elif lk.fibre is not None:
            f = lk.fibre
            try:
                fb = fibre_budget(length_km=f.length_km, wavelength_nm=f.wavelength_nm, splices=f.splices,
                                  connectors=f.connectors, optics_budget_db=f.optics_budget_db,
                                  threshold_db=fibre_threshold_db)
            except ValueError as exc:
                out.append(LinkBudget(lk.id, lk.medium.value, lk.status.value, f.length_km, None, fibre_threshold_db,
                                      False, {}, note=str(exc)))
                continue
            out.append(LinkBudget(lk.id, lk.medium.value, lk.status.value, f.length_km, fb.margin_db,
                                  fibre_threshold_db, fb.ok, {"loss_db": fb.loss_db,
                                                              "attenuation_db_per_km": fb.attenuation_db_per_km,
                                                              "straight_line_km": dist}))
        else:
            out.append(LinkBudget(lk.id, lk.medium.value, lk.status.value, dist, None, 0.0, True, {},
                                  note="leased line: the provider's SLA applies, no budget"))
    return out
