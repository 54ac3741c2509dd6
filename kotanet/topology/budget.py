"""Link budgets: great-circle distance, free-space radio paths, fibre spans and link availability.

Every function is pure: numbers in, a number or a frozen dataclass out. Units are in the names
(``_km``, ``_mhz``, ``_db``, ``_dbm``, ``_dbi``, ``_nm``, ``_hours``). Invalid inputs (a negative
length, a zero frequency, an unknown fibre wavelength without an attenuation) raise ``ValueError``
naming the parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "EARTH_RADIUS_KM",
    "FSPL_CONSTANT_DB",
    "G652_ATTENUATION_DB_PER_KM",
    "MEDIUM_DEFAULTS",
    "FibreBudget",
    "RadioBudget",
    "fibre_budget",
    "fresnel_radius_m",
    "fspl_db",
    "haversine_km",
    "link_availability",
    "radio_budget",
]

#: Mean Earth radius (IUGG R1 = (2a + b) / 3 of WGS 84), in km. The spherical model errs by up to
#: about 0.5 % against the ellipsoid: plenty for planning links of a few km.
EARTH_RADIUS_KM = 6371.0088

#: ITU-R P.525: free-space basic loss L = 32.45 + 20 log10(f / MHz) + 20 log10(d / km) dB.
#: (The exact constant is 20 log10(4π · 10^9 / c) = 32.448; 32.45 is the customary rounding.)
FSPL_CONSTANT_DB = 32.45

#: Cabled attenuation of ITU-T G.652 single-mode fibre used for planning, in dB/km: the
#: recommendation's cable maxima are 0.4 dB/km at 1310 nm and 0.3 dB/km at 1550 nm; installed
#: G.652.D typically measures about 0.35 and 0.25 dB/km, which we use.
G652_ATTENUATION_DB_PER_KM: Mapping[int, float] = MappingProxyType({1310: 0.35, 1550: 0.25})

# First Fresnel zone: r = sqrt(λ d1 d2 / D). With λ = c / f, d in km, f in GHz and r in m:
# r = sqrt(299.79 · d1 d2 / (f D)) = 17.31 · sqrt(d1 d2 / (f D)); the customary constant is 17.32.
_FRESNEL_CONSTANT = 17.32

#: Planning defaults per medium: (MTBF hours, MTTR hours). These are assumptions for a city
#: network, not measurements; replace them with your own incident history when you have it.
#:
#: * ``fibre``: a city fibre link is cut (civil works, rodents, vehicle damage to aerial spans)
#:   about once every 2 years, MTBF = 2 · 8760 = 17 520 h, and spliced in 8 h including travel:
#:   A = 17520 / 17528 = 0.99954.
#: * ``radio_2_4ghz``: in a dense city the unlicensed 2.4 GHz band loses a link to interference,
#:   rain-free but crowded channels, or power at one mast about every 2 months, MTBF = 8760 / 6
#:   = 1460 h, restored (channel change, reboot, power) in 4 h: A = 1460 / 1464 = 0.99727.
#: * ``radio_5_8ghz``: 5.8 GHz point-to-point links are less crowded but rain- and
#:   alignment-sensitive: about every 3 months, MTBF = 8760 / 4 = 2190 h, 4 h to restore:
#:   A = 2190 / 2194 = 0.99818.
#: * ``leased_line``: a carrier circuit held to a typical 99.5 % availability SLA with an 8 h
#:   restore target: MTBF = 8 · 0.995 / 0.005 = 1592 h gives exactly A = 0.995. This is the SLA
#:   floor; real circuits usually do better.
MEDIUM_DEFAULTS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "fibre": (17_520.0, 8.0),
        "radio_2_4ghz": (1_460.0, 4.0),
        "radio_5_8ghz": (2_190.0, 4.0),
        "leased_line": (1_592.0, 8.0),
    }
)


def _positive(value: float, name: str) -> float:
    if not math.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _non_negative(value: float, name: str) -> float:
    if not math.isfinite(value) or value < 0.0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return float(value)


def _finite(value: float, name: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees.

    ``h = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)``, ``d = 2 R · asin(√h)`` with
    ``R = EARTH_RADIUS_KM``. Latitudes must be in [-90, 90].
    """
    for name, lat in (("lat1", lat1), ("lat2", lat2)):
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"{name} must be in [-90, 90] degrees, got {lat!r}")
    for name, lon in (("lon1", lon1), ("lon2", lon2)):
        _finite(lon, name)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def fspl_db(freq_mhz: float, distance_km: float) -> float:
    """Free-space path loss (ITU-R P.525): ``32.45 + 20 log10(f/MHz) + 20 log10(d/km)`` dB."""
    f = _positive(freq_mhz, "freq_mhz")
    d = _positive(distance_km, "distance_km")
    return FSPL_CONSTANT_DB + 20.0 * math.log10(f) + 20.0 * math.log10(d)


def fresnel_radius_m(freq_mhz: float, distance_km: float, d1_km: float | None = None) -> float:
    """Radius in m of the first Fresnel zone at ``d1_km`` from one end (default: the midpoint).

    ``r = 17.32 · sqrt(d1 · d2 / (f_GHz · D))`` with ``d2 = D - d1``; at the midpoint this is
    ``8.66 · sqrt(D / f_GHz)``. Keep at least 60 % of it clear of obstacles.
    """
    f_ghz = _positive(freq_mhz, "freq_mhz") / 1000.0
    total = _positive(distance_km, "distance_km")
    d1 = total / 2.0 if d1_km is None else _non_negative(d1_km, "d1_km")
    if d1 > total:
        raise ValueError(f"d1_km ({d1_km!r}) must not exceed distance_km ({distance_km!r})")
    d2 = total - d1
    return _FRESNEL_CONSTANT * math.sqrt(d1 * d2 / (f_ghz * total))


@dataclass(frozen=True, slots=True)
class RadioBudget:
    """A point-to-point radio link budget. All levels in dBm, losses and margins in dB.

    ``eirp = P_tx + G_a - L_cable``; ``rx_level = eirp - FSPL + G_b - L_cable``;
    ``fade_margin = rx_level - rx_sensitivity``; ``ok = fade_margin >= threshold``.
    """

    eirp_dbm: float
    fspl_db: float
    rx_level_dbm: float
    fade_margin_db: float
    fresnel_radius_m: float
    ok: bool
    threshold_db: float


def radio_budget(
    *,
    freq_mhz: float,
    distance_km: float,
    tx_power_dbm: float,
    gain_a_dbi: float,
    gain_b_dbi: float,
    rx_sensitivity_dbm: float,
    cable_loss_db: float = 0.0,
    threshold_db: float = 15.0,
) -> RadioBudget:
    """Budget of a radio link from end A (transmitting) to end B, in free space.

    ``cable_loss_db`` is the feeder/connector loss at EACH end (counted once at A and once at B).
    The fade margin is compared with ``threshold_db`` (15 dB by default: a common planning floor
    for unlicensed point-to-point links in a city). The Fresnel radius is at the midpoint.
    """
    loss = fspl_db(freq_mhz, distance_km)
    cable = _non_negative(cable_loss_db, "cable_loss_db")
    eirp = _finite(tx_power_dbm, "tx_power_dbm") + _finite(gain_a_dbi, "gain_a_dbi") - cable
    rx_level = eirp - loss + _finite(gain_b_dbi, "gain_b_dbi") - cable
    margin = rx_level - _finite(rx_sensitivity_dbm, "rx_sensitivity_dbm")
    threshold = _finite(threshold_db, "threshold_db")
    return RadioBudget(
        eirp_dbm=eirp,
        fspl_db=loss,
        rx_level_dbm=rx_level,
        fade_margin_db=margin,
        fresnel_radius_m=fresnel_radius_m(freq_mhz, distance_km),
        ok=margin >= threshold,
        threshold_db=threshold,
    )


@dataclass(frozen=True, slots=True)
class FibreBudget:
    """An optical span budget, in dB.

    ``loss = length · attenuation + splices · splice_loss + connectors · connector_loss``;
    ``margin = optics_budget - loss``; ``ok = margin >= threshold``.
    """

    loss_db: float
    margin_db: float
    ok: bool
    threshold_db: float
    attenuation_db_per_km: float


def fibre_budget(
    *,
    length_km: float,
    wavelength_nm: float,
    splices: int,
    connectors: int,
    optics_budget_db: float,
    splice_loss_db: float = 0.1,
    connector_loss_db: float = 0.5,
    attenuation_db_per_km: float | None = None,
    threshold_db: float = 3.0,
) -> FibreBudget:
    """Budget of a fibre span between two optics.

    ``optics_budget_db`` is the optics' power budget (minimum launch power minus receiver
    sensitivity). Without ``attenuation_db_per_km`` the G.652 planning value for 1310 or 1550 nm
    is used; any other wavelength needs it. The default 3 dB threshold is the usual allowance for
    ageing, repair splices and temperature.
    """
    length = _non_negative(length_km, "length_km")
    if attenuation_db_per_km is None:
        if wavelength_nm not in G652_ATTENUATION_DB_PER_KM:
            raise ValueError(
                f"no default attenuation for {wavelength_nm!r} nm (known: 1310, 1550 nm): "
                "pass attenuation_db_per_km"
            )
        attenuation = G652_ATTENUATION_DB_PER_KM[int(wavelength_nm)]
    else:
        _positive(wavelength_nm, "wavelength_nm")
        attenuation = _non_negative(attenuation_db_per_km, "attenuation_db_per_km")
    for name, count in (("splices", splices), ("connectors", connectors)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {count!r}")
    loss = (
        length * attenuation
        + splices * _non_negative(splice_loss_db, "splice_loss_db")
        + connectors * _non_negative(connector_loss_db, "connector_loss_db")
    )
    margin = _finite(optics_budget_db, "optics_budget_db") - loss
    threshold = _finite(threshold_db, "threshold_db")
    return FibreBudget(
        loss_db=loss,
        margin_db=margin,
        ok=margin >= threshold,
        threshold_db=threshold,
        attenuation_db_per_km=attenuation,
    )


def link_availability(mtbf_hours: float, mttr_hours: float) -> float:
    """Steady-state availability of a repairable link: ``A = MTBF / (MTBF + MTTR)``."""
    mtbf = _positive(mtbf_hours, "mtbf_hours")
    mttr = _non_negative(mttr_hours, "mttr_hours")
    return mtbf / (mtbf + mttr)
