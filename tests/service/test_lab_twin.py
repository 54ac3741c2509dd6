"""The digital twin on real FRR routers in network namespaces (needs root and frr, sshd, nftables).

One Bogor twin is built for the module (prefix `kt`, its own state directory) and always torn down. The
tests that change the network (rehearsals) run last, in file order: the failure drill (rolled back, the
network unchanged), then `rehearse --all`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kotanet.clock import SystemClock
from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.lab.expected import reachable_to
from kotanet.lab.plan import plan_twin
from kotanet.lab.twin import Twin, list_namespaces, missing_requirements, namespace_pids
from kotanet.lab.verify import predict_single_failures
from tests.conftest import ROOT, require_service

pytestmark = pytest.mark.service

PREFIX = "kt"


def _available() -> bool:
    return missing_requirements() is None


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def twin(inv: Inventory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twin]:
    require_service(_available(), f"root and FRR ({missing_requirements()})")
    state_dir = tmp_path_factory.mktemp("lab") / "state"
    t = Twin(plan_twin(inv, prefix=PREFIX), state_dir)
    try:
        t.up()
        secs, diffs = t.wait_converged(90)
        assert not diffs, f"the Bogor twin did not converge in {secs:.0f} s: {diffs[:3]}"
        yield t
    finally:
        t.down()
        assert not [n for n in list_namespaces() if n.startswith(f"{PREFIX}-")]


def _link_state(ns: str, ifname: str) -> tuple[str, list[str]]:
    data = json.loads(subprocess.run(["ip", "-n", ns, "-j", "link", "show", "dev", ifname], capture_output=True,
                                     text=True, check=True).stdout)[0]
    return str(data["operstate"]), list(data["flags"])


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that never reaps it is not)."""
    try:
        return not Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def _lost(t: Twin) -> set[str]:
    return {r.site for r in t.plan.routers} - t.dead - reachable_to(t.plan, t.kernel_routes(), t.plan.dc)


def test_every_router_runs_and_has_the_expected_routes(twin: Twin) -> None:
    assert len(twin.plan.routers) == 124
    for r in twin.plan.routers:
        assert namespace_pids(r.namespace), f"{r.namespace} runs nothing"
    assert twin.route_diffs() == []
    # ECMP is real: some router holds two next hops to the DC, as the topology predicts
    dc = str(twin.plan.router("dc").router_id)
    assert any(len(m.get(dc, ())) > 1 for m in twin.kernel_routes().values())


def test_fail_takes_the_carrier_away_and_routes_follow(inv: Inventory, twin: Twin) -> None:
    link = twin.plan.link("fo-dc--kec-bogor-tengah")
    twin.fail(link.id)
    try:
        state, flags = _link_state(link.b.namespace, link.b.ifname)
        assert "NO-CARRIER" in flags and state in ("LOWERLAYERDOWN", "DOWN")
        secs, diffs = twin.wait_converged(30)
        assert not diffs, diffs[:3]
        assert secs < 5
        # who lost the DC is who the topology says this fibre cuts off
        assert _lost(twin) == set(predict_single_failures(inv, twin, [link.id])[link.id].cut_off)
    finally:
        twin.restore(link.id)
    assert not twin.wait_converged(30)[1]


def test_degrade_is_silent_and_ospf_dead_timer_catches_it(twin: Twin) -> None:
    link = next(lk for lk in twin.plan.links if lk.id.startswith("r58-") and lk.segment is None)
    twin.degrade(link.id)
    try:
        for port in link.ends():
            state, flags = _link_state(port.namespace, port.ifname)
            assert state == "UP" and "NO-CARRIER" not in flags
        secs, diffs = twin.wait_converged(20)
        assert not diffs, diffs[:3]
        assert 2.0 < secs < 8.0, f"a silent failure on a radio (no BFD) took {secs:.1f} s; dead interval is 4 s"
    finally:
        twin.restore(link.id)
    assert not twin.wait_converged(30)[1]


def test_a_killed_router_is_seen_by_its_neighbours(twin: Twin) -> None:
    leaf = "kel-empang"
    twin.kill_router(leaf)
    try:
        _, diffs = twin.wait_converged(20)
        assert not diffs, diffs[:3]
        router = str(twin.plan.router(leaf).router_id)
        assert all(router not in m for m in twin.kernel_routes().values() if m)
    finally:
        twin.revive_router(leaf)
    assert not twin.wait_converged(30)[1]
    assert leaf not in _lost(twin)


def test_every_single_link_failure_matches_the_topology_prediction(inv: Inventory, twin: Twin) -> None:
    from kotanet.lab.verify import measure_single_failures

    checks = measure_single_failures(inv, twin)
    assert len(checks) == len(twin.plan.links)
    bad = [c.to_json() for c in checks if not c.agrees]
    assert not bad, f"{len(bad)} disagreements between the twin and the topology: {bad[:3]}"
    assert sum(1 for c in checks if c.measured) > 50  # most links of a radio tree do cut someone off


def test_scenario_file_runs_in_order(twin: Twin, tmp_path: Path) -> None:
    from kotanet.lab.scenario import load_scenario, run_scenario

    path = tmp_path / "s.yaml"
    path.write_text("- {at: 0, action: fail, target: fo-dc--noc}\n- {at: 0, action: converge}\n"
                    "- {at: 0, action: restore, target: fo-dc--noc}\n- {at: 0, action: converge}\n", encoding="utf-8")
    seen: list[str] = []
    run_scenario(twin, load_scenario(path), monotonic=time.monotonic, sleep=time.sleep,
                 on_step=lambda s: seen.append(f"{s.action.value} {s.target}".strip()))
    assert seen == ["fail fo-dc--noc", "converge", "restore fo-dc--noc", "converge"]
    assert twin.faults == {}


def test_a_failing_post_check_rolls_back_and_the_twin_shows_it(inv: Inventory, twin: Twin, tmp_path: Path) -> None:
    from kotanet.lab.rehearse import rehearse

    before = twin.plan
    [r] = rehearse(inv, twin, ["5"], clock=SystemClock(), mop_dir=tmp_path, break_fibre=True, timeout=10)
    assert not r.ok and r.outcome == "rolled-back", r.to_json()
    assert twin.plan == before
    assert twin.route_diffs() == []
    running = subprocess.run(twin.vtysh(twin.plan.router("perpustakaan"), "-c", "show running-config"),
                             capture_output=True, text=True, check=True).stdout
    assert "fo-perpustakaan--gor" not in running  # the rolled-back fibre config is gone
    assert not (tmp_path / "route-5.md").exists()


def test_rehearse_all_through_the_cli_applies_every_route(inv: Inventory, twin: Twin, tmp_path: Path) -> None:
    """`kotanet lab rehearse --all` on the module's Bogor twin: every route, in the plan's order, through the
    real playbook path (dry run, commit, post-checks over SSH to vtysh), checked against the topology."""
    proc = subprocess.run([sys.executable, "-m", "kotanet.cli", "lab", "rehearse", "--all", "--json",
                           "--state-dir", str(twin.state_dir), "--mop-dir", str(tmp_path / "mops")],
                          capture_output=True, text=True, cwd=ROOT, check=False, timeout=900,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = {r["route"]: r for r in json.loads(proc.stdout)}
    from kotanet.topology.plan import plan_migrations
    assert list(results) == [rp.route for rp in plan_migrations(inv).routes]
    for route, r in results.items():
        assert r["outcome"] == "applied", r
        passed, total = r["checks"]
        # the twin's three, and four post-checks per fibre end (route 9's one end faces an empty manhole)
        assert passed == total and total >= (3 if route == "9" else 3 + 4 * 2), r
        assert all(0 < secs < 10 for secs in r["failover_s"].values()), r
        assert "Rehearsed on" in (tmp_path / "mops" / f"route-{route}.md").read_text(encoding="utf-8")
    # route 9 only lays the cable into the manhole: nothing is spliced onto it yet, so it carries nothing
    assert [route for route, r in results.items() if not r["fibre_carries"]] == ["9"]
    # route 1 retires the 2.4 GHz radio: cutting its fibre leaves Inspektorat without the DC
    assert "inspektorat" in results["1"]["dark"]["fo-kec-bogor-selatan--inspektorat"]
    # route 14's fibre is spliced at Mainhole Bangbarung through to Balaikota, which the route configures
    balaikota = next(r for r in Twin.load(twin.state_dir).plan.routers if r.site == "balaikota")
    running = subprocess.run(twin.vtysh(balaikota, "-c", "show running-config"), capture_output=True, text=True,
                             check=True).stdout
    [a] = plan_migrations(inv).route("14").addressing
    closure = a.a_address if a.a.device == "mh-bangbarung-sc1" else a.b_address
    assert f" ip address {closure}\n" in running
    assert Twin.load(twin.state_dir).route_diffs() == []


def test_without_root_the_cli_says_why_in_one_line() -> None:
    require_service(os.geteuid() == 0, "root (to drop privileges)")
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                           "kotanet.cli", "lab", "up"], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={**os.environ, "KOTANET_HOME": "/tmp", "NO_COLOR": "1"})
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "root" in lines[0], proc.stderr


def test_a_crashed_run_is_cleaned_up_by_the_next_up(inv: Inventory, tmp_path: Path) -> None:
    require_service(_available(), "root and FRR")
    keep = {"dc", "noc", "drc", "balaikota"}
    small = inv.model_copy(update={
        "devices": [d for d in inv.devices if d.site in keep],
        "links": [lk for lk in inv.links if all(ep.device.split("-")[0] in ("dc", "noc", "drc", "balaikota")
                                                 for ep in (lk.a, lk.b))]})
    plan = plan_twin(small, prefix="kc")
    state = tmp_path / "lab"
    first = Twin(plan, state, ssh=False)
    try:
        first.up()
        old = [p for ns in plan.namespaces() for p in namespace_pids(ns)]
        assert old
        (state / "lab.json").unlink()  # the crash: the state file is gone, the namespaces and daemons are not
        second = Twin(plan, state, ssh=False)
        second.up()
        assert not [p for p in old if _alive(p)]
        assert not second.wait_converged(30)[1]
    finally:
        Twin(plan, state).down()
    assert not [n for n in list_namespaces() if n.startswith("kc-")]
    assert not state.exists()
