"""The monitors on real peers: `kotanet monitor run --lab` polls the twin (FRR + net-snmp in namespaces, probed
from the NOC namespace) with the real clock, and records the outages that `lab fail` and a killed router cause,
with the right start and end; the SLA report shows them.

A small twin (tests/data/mini: five routers) with its own prefix `km` and KOTANET_HOME, always torn down.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kotanet.inventory.source import open_inventory
from kotanet.lab.api import Lab, up
from kotanet.lab.twin import list_namespaces, missing_requirements
from kotanet.monitors.records import State, Transition
from kotanet.monitors.stores import open_store
from kotanet.slas.report import build_report
from kotanet.topology.graph import build_graph, state_today
from kotanet.topology.reliability import cut_off_by
from tests.conftest import ROOT, require_service

pytestmark = pytest.mark.service

PREFIX = "km"
MINI = ROOT / "tests" / "data" / "mini"
INTERVAL_S = 1.0
TIMEOUT_S = 0.5
OPEN_AFTER = 3
BOUND_S = OPEN_AFTER * INTERVAL_S + TIMEOUT_S + 2.0
SNMPD_CACHE_S = 3.5  # net-snmp re-reads the interface table after about 3 s
# a cycle is stamped when it starts and sends its probes within the timeout: a fault injected during a cycle
# may be seen by that cycle, stamped up to this much before the fault
STAMP_SLACK_S = TIMEOUT_S


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("km-home")


@pytest.fixture(scope="module")
def lab(home: Path) -> Iterator[Lab]:
    require_service(missing_requirements() is None, f"root, FRR and snmpd ({missing_requirements()})")
    the_lab = None
    try:
        the_lab = up(open_inventory(MINI), home / "lab", prefix=PREFIX, timeout=60)
        yield the_lab
    finally:
        if the_lab is not None:
            the_lab.down()
        assert not [n for n in list_namespaces() if n.startswith(f"{PREFIX}-")]


def _transitions(db: Path, target: str) -> list[Transition]:
    store = open_store(f"sqlite://{db}")
    try:
        return list(store.transitions(targets=[target]))
    finally:
        store.close()


def _wait_for(what: str, check: Callable[[], Transition | None], timeout: float) -> Transition:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _state_after(db: Path, target: str, state: State, after: dt.datetime) -> Callable[[], Transition | None]:
    def check() -> Transition | None:
        trs = [tr for tr in _transitions(db, target) if tr.at >= after]
        return next((tr for tr in trs if tr.state is state), None)
    return check


def test_the_monitors_record_the_twins_outages(lab: Lab, home: Path, tmp_path: Path) -> None:
    inv = open_inventory(MINI)
    amap = lab.address_map()
    assert set(amap) == {"dc-r1", "drc-r1", "kec-tengah-r1", "bts-01-r1", "kel-satu-r1"}
    # the link to fail: one whose failure cuts a site off, as the topology predicts
    graph = build_graph(inv, state_today(inv))
    link = "r24-bts-01--kel-satu"
    assert cut_off_by(graph, lab.plan.dc, failed_edges=[link]) == {"kel-satu"}
    site = "site:kel-satu"

    db = tmp_path / "monitor.db"
    env = {**os.environ, "KOTANET_HOME": str(home), "COLUMNS": "160", "NO_COLOR": "1"}
    env.pop("KOTANET_NOW", None)
    log = (tmp_path / "monitor.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kotanet.cli", "monitor", "run", "--lab", "--interval", str(INTERVAL_S),
         "--timeout", str(TIMEOUT_S), "--retries", "0", "--open-after", str(OPEN_AFTER), "--close-after", "2",
         "--store", f"sqlite://{db}", str(MINI)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        start = dt.datetime.now(dt.UTC)
        up_first = _wait_for(f"{site} up", _state_after(db, site, State.UP, start - dt.timedelta(seconds=5)), 30)
        assert proc.poll() is None, (tmp_path / "monitor.log").read_text()
        # every router, its site and the twin's links are up; nothing outside the twin is probed
        store = open_store(f"sqlite://{db}")
        try:
            last = store.last_transitions()
        finally:
            store.close()
        assert {t for t, tr in last.items() if tr.state is State.UP} >= {
            "device:kel-satu-r1", "device:dc-r1", "site:kec-tengah", "link:fo-dc--bts-01", f"link:{link}"}
        assert "service:website" not in last
        del up_first

        t_fail = dt.datetime.now(dt.UTC)
        lab.twin.fail(link)
        down = _wait_for(f"{site} down", _state_after(db, site, State.DOWN, t_fail - dt.timedelta(seconds=1)),
                         BOUND_S + 10)
        assert t_fail - dt.timedelta(seconds=STAMP_SLACK_S) <= down.at <= t_fail + dt.timedelta(seconds=BOUND_S)

        # the link itself is seen down from the SNMP agents' ifOperStatus (by the real Linux ifIndex); snmpd
        # caches its interface table for about 3 s, so the link may trail the site by that much
        link_down = _wait_for(f"link {link} down",
                              _state_after(db, f"link:{link}", State.DOWN, t_fail - dt.timedelta(seconds=1)),
                              BOUND_S + SNMPD_CACHE_S + 10)
        assert t_fail - dt.timedelta(seconds=STAMP_SLACK_S) <= link_down.at \
            <= t_fail + dt.timedelta(seconds=BOUND_S + SNMPD_CACHE_S)

        t_restore = dt.datetime.now(dt.UTC)
        lab.twin.restore(link)
        back = _wait_for(f"{site} up again", _state_after(db, site, State.UP, t_restore - dt.timedelta(seconds=1)),
                         BOUND_S + 20)
        assert t_restore - dt.timedelta(seconds=STAMP_SLACK_S) <= back.at <= t_restore + dt.timedelta(seconds=BOUND_S)

        # killing a router's daemons: its neighbours' dead timers withdraw its loopback, the site goes dark
        t_kill = dt.datetime.now(dt.UTC)
        lab.twin.kill_router("kec-tengah")
        killed = _wait_for("site:kec-tengah down",
                           _state_after(db, "site:kec-tengah", State.DOWN, t_kill - dt.timedelta(seconds=1)),
                           BOUND_S + 15)
        assert killed.at >= t_kill - dt.timedelta(seconds=STAMP_SLACK_S)
        assert proc.poll() is None, (tmp_path / "monitor.log").read_text()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()

    # the SLA report of this month holds the outage, with the recorded start and end
    store = open_store(f"sqlite://{db}")
    try:
        now = dt.datetime.now(dt.UTC)
        report = build_report(inv, store, now.strftime("%Y-%m"), now=now)
    finally:
        store.close()
    outages = [o for row in report.rows for o in row.outages if o.member == site]
    assert any(abs((o.start - down.at).total_seconds()) < 1e-3 and abs((o.end - back.at).total_seconds()) < 1e-3
               and not o.ongoing for o in outages), outages
    assert any(o.member == "site:kec-tengah" and o.ongoing for row in report.rows for o in row.outages)
