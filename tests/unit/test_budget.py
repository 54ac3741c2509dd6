"""Link budgets against values worked by hand (the working is in the comments)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from kotanet.topology.budget import (
    MEDIUM_DEFAULTS,
    FibreBudget,
    RadioBudget,
    fibre_budget,
    fresnel_radius_m,
    fspl_db,
    haversine_km,
    link_availability,
    radio_budget,
)

pytestmark = pytest.mark.unit


# --- haversine ---------------------------------------------------------------------------------


def test_haversine_one_degree_of_equator() -> None:
    # 1° of a great circle = 2πR / 360 = 2π · 6371.0088 / 360 = 111.19508 km.
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19508, abs=1e-4)


def test_haversine_equator_to_pole_is_a_quarter_circle() -> None:
    # πR / 2 = π · 6371.0088 / 2 = 10007.5572 km.
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(10007.5572, abs=1e-3)


def test_haversine_one_degree_of_longitude_at_60_north_is_half() -> None:
    # Along a parallel, h = cos²φ · sin²(Δλ/2); at φ = 60°, cos φ = 1/2, so for a small Δλ the
    # distance is close to half of 111.195 km: 2R·asin(0.5·sin(0.5°)) = 55.5978 km.
    assert haversine_km(60.0, 24.0, 60.0, 25.0) == pytest.approx(55.5978, abs=1e-3)


def test_haversine_is_symmetric_and_zero_on_the_same_point() -> None:
    assert haversine_km(60.17, 24.94, 59.44, 24.75) == pytest.approx(haversine_km(59.44, 24.75, 60.17, 24.94))
    assert haversine_km(60.17, 24.94, 60.17, 24.94) == 0.0


def test_haversine_rejects_a_bad_latitude() -> None:
    with pytest.raises(ValueError, match="lat1"):
        haversine_km(91.0, 0.0, 0.0, 0.0)


# --- free-space loss and Fresnel zone ----------------------------------------------------------


def test_fspl_5800_mhz_over_5_km() -> None:
    # 32.45 + 20·log10(5800) + 20·log10(5) = 32.45 + 75.2686 + 13.9794 = 121.6980 dB.
    assert fspl_db(5800.0, 5.0) == pytest.approx(121.698, abs=1e-3)


def test_fspl_2400_mhz_over_1_km() -> None:
    # 32.45 + 20·log10(2400) + 0 = 32.45 + 67.6042 = 100.0542 dB.
    assert fspl_db(2400.0, 1.0) == pytest.approx(100.0542, abs=1e-3)


def test_fspl_grows_6_db_per_doubling_of_distance() -> None:
    # 20·log10(2) = 6.0206 dB.
    assert fspl_db(5800.0, 10.0) - fspl_db(5800.0, 5.0) == pytest.approx(6.0206, abs=1e-4)


@pytest.mark.parametrize(("freq", "dist"), [(0.0, 1.0), (5800.0, 0.0), (-1.0, 1.0), (math.nan, 1.0)])
def test_fspl_rejects_non_positive_inputs(freq: float, dist: float) -> None:
    with pytest.raises(ValueError, match="must be a positive number"):
        fspl_db(freq, dist)


def test_fresnel_radius_at_midpoint() -> None:
    # 17.32 · sqrt(2.5 · 2.5 / (5.8 · 5)) = 17.32 · sqrt(0.215517) = 17.32 · 0.464238 = 8.0406 m.
    assert fresnel_radius_m(5800.0, 5.0) == pytest.approx(8.0406, abs=1e-3)


def test_fresnel_radius_off_centre_and_at_the_ends() -> None:
    # d1 = 1, d2 = 4: 17.32 · sqrt(4 / (5.8 · 5)) = 17.32 · sqrt(0.137931) = 17.32 · 0.371391 = 6.4325 m.
    assert fresnel_radius_m(5800.0, 5.0, d1_km=1.0) == pytest.approx(6.4325, abs=1e-3)
    assert fresnel_radius_m(5800.0, 5.0, d1_km=0.0) == 0.0
    assert fresnel_radius_m(5800.0, 5.0, d1_km=5.0) == 0.0


def test_fresnel_rejects_a_point_beyond_the_link() -> None:
    with pytest.raises(ValueError, match="d1_km"):
        fresnel_radius_m(5800.0, 5.0, d1_km=6.0)


# --- radio budget ------------------------------------------------------------------------------


def test_radio_budget_worked_example() -> None:
    # EIRP = 20 + 23 - 1 = 42 dBm; Rx = 42 - 121.698 + 23 - 1 = -57.698 dBm;
    # margin = -57.698 - (-80) = 22.302 dB >= 15 dB: ok.
    b = radio_budget(
        freq_mhz=5800.0,
        distance_km=5.0,
        tx_power_dbm=20.0,
        gain_a_dbi=23.0,
        gain_b_dbi=23.0,
        rx_sensitivity_dbm=-80.0,
        cable_loss_db=1.0,
    )
    assert isinstance(b, RadioBudget)
    assert b.eirp_dbm == pytest.approx(42.0)
    assert b.fspl_db == pytest.approx(121.698, abs=1e-3)
    assert b.rx_level_dbm == pytest.approx(-57.698, abs=1e-3)
    assert b.fade_margin_db == pytest.approx(22.302, abs=1e-3)
    assert b.fresnel_radius_m == pytest.approx(8.0406, abs=1e-3)
    assert b.ok is True
    assert b.threshold_db == 15.0


def test_radio_budget_fails_below_the_threshold() -> None:
    # 2.4 GHz over 10 km: FSPL = 32.45 + 67.6042 + 20 = 120.0542 dB.
    # EIRP = 18 + 14 = 32 dBm; Rx = 32 - 120.0542 + 14 = -74.0542 dBm; margin = 10.9458 dB < 15.
    b = radio_budget(
        freq_mhz=2400.0,
        distance_km=10.0,
        tx_power_dbm=18.0,
        gain_a_dbi=14.0,
        gain_b_dbi=14.0,
        rx_sensitivity_dbm=-85.0,
    )
    assert b.fade_margin_db == pytest.approx(10.9458, abs=1e-3)
    assert b.ok is False
    # ... and passes with a 10 dB threshold.
    relaxed = radio_budget(
        freq_mhz=2400.0,
        distance_km=10.0,
        tx_power_dbm=18.0,
        gain_a_dbi=14.0,
        gain_b_dbi=14.0,
        rx_sensitivity_dbm=-85.0,
        threshold_db=10.0,
    )
    assert relaxed.ok is True


def test_radio_budget_is_frozen_and_rejects_negative_cable_loss() -> None:
    b = radio_budget(
        freq_mhz=5800.0, distance_km=1.0, tx_power_dbm=10, gain_a_dbi=0, gain_b_dbi=0, rx_sensitivity_dbm=-90
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.ok = False  # type: ignore[misc]
    with pytest.raises(ValueError, match="cable_loss_db"):
        radio_budget(
            freq_mhz=5800.0,
            distance_km=1.0,
            tx_power_dbm=10,
            gain_a_dbi=0,
            gain_b_dbi=0,
            rx_sensitivity_dbm=-90,
            cable_loss_db=-1.0,
        )


# --- fibre budget ------------------------------------------------------------------------------


def test_fibre_budget_1310() -> None:
    # 10 km · 0.35 + 4 · 0.1 + 2 · 0.5 = 3.5 + 0.4 + 1.0 = 4.9 dB; margin = 20 - 4.9 = 15.1 dB.
    b = fibre_budget(length_km=10.0, wavelength_nm=1310, splices=4, connectors=2, optics_budget_db=20.0)
    assert isinstance(b, FibreBudget)
    assert b.loss_db == pytest.approx(4.9)
    assert b.margin_db == pytest.approx(15.1)
    assert b.attenuation_db_per_km == 0.35
    assert b.ok is True
    assert b.threshold_db == 3.0


def test_fibre_budget_1550_tight() -> None:
    # 40 km · 0.25 + 12 · 0.1 + 4 · 0.5 = 10 + 1.2 + 2.0 = 13.2 dB; margin = 15 - 13.2 = 1.8 dB < 3.
    b = fibre_budget(length_km=40.0, wavelength_nm=1550, splices=12, connectors=4, optics_budget_db=15.0)
    assert b.loss_db == pytest.approx(13.2)
    assert b.margin_db == pytest.approx(1.8)
    assert b.ok is False


def test_fibre_budget_other_wavelength_needs_attenuation() -> None:
    with pytest.raises(ValueError, match="1490"):
        fibre_budget(length_km=5.0, wavelength_nm=1490, splices=0, connectors=2, optics_budget_db=20.0)
    # 5 · 0.3 + 0 + 2 · 0.5 = 2.5 dB.
    b = fibre_budget(
        length_km=5.0,
        wavelength_nm=1490,
        splices=0,
        connectors=2,
        optics_budget_db=20.0,
        attenuation_db_per_km=0.3,
    )
    assert b.loss_db == pytest.approx(2.5)
    assert b.attenuation_db_per_km == 0.3


def test_fibre_budget_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="splices"):
        fibre_budget(length_km=1.0, wavelength_nm=1310, splices=-1, connectors=0, optics_budget_db=10.0)


# --- availability ------------------------------------------------------------------------------


def test_link_availability() -> None:
    # 999 / (999 + 1) = 0.999.
    assert link_availability(999.0, 1.0) == pytest.approx(0.999)
    assert link_availability(100.0, 0.0) == 1.0
    with pytest.raises(ValueError, match="mtbf_hours"):
        link_availability(0.0, 1.0)


def test_medium_defaults_give_the_documented_availabilities() -> None:
    # fibre: 17520 / 17528 = 0.999544; 2.4 GHz: 1460 / 1464 = 0.997268;
    # 5.8 GHz: 2190 / 2194 = 0.998177; leased line: 1592 / 1600 = 0.995 (the SLA).
    expected = {"fibre": 0.999544, "radio_2_4ghz": 0.997268, "radio_5_8ghz": 0.998177, "leased_line": 0.995}
    assert set(MEDIUM_DEFAULTS) == set(expected)
    for medium, (mtbf, mttr) in MEDIUM_DEFAULTS.items():
        assert link_availability(mtbf, mttr) == pytest.approx(expected[medium], abs=1e-6)


def test_medium_defaults_are_read_only() -> None:
    with pytest.raises(TypeError):
        MEDIUM_DEFAULTS["fibre"] = (1.0, 1.0)  # type: ignore[index]
