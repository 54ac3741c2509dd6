"""The pure parts of `kotanet demo`'s live part: the scripted scenario, demo time, the port choice."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from kotanet.errors import KotanetError
from kotanet.inventory.choices import LinkMedium, SiteKind
from kotanet.inventory.source import open_inventory
from kotanet.web.demo import ScaledClock, demo_scenario, pick_port

pytestmark = pytest.mark.unit

T0 = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)


def test_scaled_clock_runs_speed_times_faster_from_its_base() -> None:
    ticks = iter([100.0, 100.0, 104.0, 180.0])
    clock = ScaledClock(T0, 15.0, monotonic=lambda: next(ticks))
    assert clock.now() == T0
    assert clock.now() == T0 + dt.timedelta(minutes=1)  # 4 s of wall time
    assert clock.now() == T0 + dt.timedelta(minutes=20)  # the kelurahan outage: 80 s


@pytest.mark.parametrize("speed", [0.0, -1.0])
def test_scaled_clock_refuses_a_speed_that_is_not_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(T0, speed)


def test_scaled_clock_needs_an_aware_base() -> None:
    with pytest.raises(ValueError, match="aware"):
        ScaledClock(dt.datetime(2026, 11, 24), 2.0)


def test_the_bogor_scenario_picks_the_targets_the_issue_names() -> None:
    inv = open_inventory(None)
    simulated = {d.id for d in inv.devices if d.mgmt_ip is not None}
    sc = demo_scenario(inv, simulated)
    links = {lk.id: lk for lk in inv.links}
    sites = {s.id: s for s in inv.sites}
    devices = {d.id: d for d in inv.devices}
    assert links[sc.flap_link].medium is LinkMedium.RADIO_5_8
    ends = (links[sc.maintenance_link].a.device, links[sc.maintenance_link].b.device)
    assert {sites[devices[d].site].kind for d in ends} == {SiteKind.DEPARTMENT}
    assert sites[sc.kelurahan].kind is SiteKind.KELURAHAN
    assert sc.kelurahan_devices and all(devices[d].site == sc.kelurahan for d in sc.kelurahan_devices)

    by_target = {s.target: s for s in sc.steps}
    kel = by_target[f"device:{sc.kelurahan_devices[0]}"]
    assert (kel.action, kel.duration_s) == ("down", 20 * 60.0)
    flap = by_target[f"link:{sc.flap_link}"]
    assert flap.action == "flap" and flap.times >= 2
    maint = by_target[f"link:{sc.maintenance_link}"]
    assert maint.action == "down" and maint.duration_s is not None
    # the department link's outage lies inside its maintenance window
    assert sc.window_start_s <= maint.at_s and maint.at_s + maint.duration_s <= sc.window_end_s
    # the whole story fits in about 2 minutes of wall time at the demo's 15x
    assert 60 <= sc.end_s / 15 <= 120


def test_the_scenario_needs_simulated_devices() -> None:
    inv = open_inventory(None)
    with pytest.raises(KotanetError, match="link between two simulated devices"):
        demo_scenario(inv, set())


def test_pick_port_moves_off_a_taken_port() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        taken = other.getsockname()[1]
        sock, moved = pick_port("127.0.0.1", taken)
        with sock:
            assert moved and sock.getsockname()[1] != taken
    sock, moved = pick_port("127.0.0.1", taken)  # free again: it is used as asked
    with sock:
        assert not moved and sock.getsockname()[1] == taken
