"""`kotanet topology` and `kotanet plan` on the embedded Bogor dataset, through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_kotanet

pytestmark = pytest.mark.cli


def _json(*args: str) -> dict[str, object]:
    proc = run_kotanet(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, dict)
    return data


def test_analyze_json_shape() -> None:
    data = _json("topology", "analyze")
    sites = data["sites"]
    assert isinstance(sites, list) and len(sites) >= 100
    classes = {"radio-only", "fibre-only", "fibre+radio", "fibre-redundant", "unreachable"}
    for s in sites:
        assert {"site", "class", "availability", "spof", "paths"} <= set(s)
        assert s["class"] in classes
        assert 0.0 <= s["availability"] <= 1.0
        if s["class"] == "unreachable":
            assert s["availability"] == 0.0 and s["paths"] == []
        elif s["site"] != data["dc"]:
            assert s["paths"] and all(p[0] == s["site"] and p[-1] == data["dc"] for p in s["paths"])
    assert data["dc_tier"] == "I" and data["dc_availability"] == 0.99671
    assert isinstance(data["services"], list) and len(data["services"]) == 6


def test_whatif_cuts_off_what_a_spof_holds() -> None:
    analysis = {s["site"]: s for s in _json("topology", "analyze")["sites"]}  # type: ignore[union-attr]
    # pick a site that hangs on a single link, fail that link: the site must be cut off
    victim = next(s for s in analysis.values() if s["spof_links"] and s["class"] != "unreachable")
    link = victim["spof_links"][-1]
    data = _json("topology", "whatif", "--fail", link)
    assert victim["site"] in data["cut_off"]  # type: ignore[operator]
    for site in data["cut_off"]:  # type: ignore[union-attr]
        assert link in analysis[site]["spof_links"], site


def test_whatif_unknown_id_lists_closest() -> None:
    proc = run_kotanet("topology", "whatif", "--fail", "bts-7")
    assert proc.returncode == 2
    assert "bts-7" in proc.stderr and "closest ids:" in proc.stderr and "bts-07" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_budget_json_flags_thin_links() -> None:
    data = _json("topology", "budget")
    links = data["links"]
    assert isinstance(links, list) and links
    for b in links:
        if b["margin_db"] is not None:
            assert b["ok"] == (b["margin_db"] >= b["threshold_db"])
    assert data["flagged"] == [b["link"] for b in links if not b["ok"]]


def test_budget_unknown_link() -> None:
    proc = run_kotanet("topology", "budget", "--link", "fo-nowhere")
    assert proc.returncode == 2 and "closest ids" in proc.stderr


def test_plan_json_has_all_routes_in_a_valid_order() -> None:
    data = _json("plan", "migrations")
    routes = data["routes"]
    assert isinstance(routes, list)
    ids = [r["route"] for r in routes]
    assert sorted(ids) == sorted([str(i) for i in range(1, 16)] + ["16a", "16b", "17"])
    pos = {rid: i for i, rid in enumerate(ids)}
    for r in routes:
        assert {"route", "depends_on", "affected_sites", "before", "after"} <= set(r)
        for dep in r["depends_on"]:
            assert pos[dep] < pos[r["route"]], (dep, r["route"])
        assert set(r["before"]) == set(r["after"]) == set(r["affected_sites"])
    by_id = {r["route"]: r for r in routes}
    assert "9" in by_id["10"]["depends_on"] and "8" in by_id["9"]["depends_on"]  # the master plan's chain


def test_keeping_the_radio_never_lowers_availability() -> None:
    retired = {r["route"]: r for r in _json("plan", "migrations", "--retire-radio")["routes"]}  # type: ignore[union-attr]
    kept = {r["route"]: r for r in _json("plan", "migrations", "--keep-radio-backup")["routes"]}  # type: ignore[union-attr]
    for rid, r in retired.items():
        for c in r["changes"]:
            if c["availability_if_radio_kept"] is not None:
                assert c["availability_if_radio_kept"] >= c["availability_after"] - 1e-12
        assert kept[rid]["radio_kept_as_backup"] == bool(r["retires"])


def test_plan_show_route_and_unknown_route() -> None:
    proc = run_kotanet("plan", "show", "4")
    assert proc.returncode == 0, proc.stderr
    assert "Route 4" in proc.stdout and "10.255." in proc.stdout
    bad = run_kotanet("plan", "show", "99")
    assert bad.returncode == 2 and "valid routes" in bad.stderr and "16a" in bad.stderr


def test_plan_in_indonesian() -> None:
    proc = run_kotanet("--lang", "id", "plan", "show", "7")
    assert proc.returncode == 0, proc.stderr
    assert "Rute 7" in proc.stdout and "Pengalamatan titik-ke-titik baru" in proc.stdout


def test_dc_report() -> None:
    data = _json("topology", "dc")
    sites = {s["site"]: s for s in data["sites"]}  # type: ignore[union-attr]
    assert sites["dc"]["tier"] == "I" and sites["dc"]["single_power_path"] is True
    assert sites["dc"]["u_total"] >= sites["dc"]["u_used"] > 0


def test_demo_runs(tmp_path: Path) -> None:
    proc = run_kotanet("demo", "--no-serve", env={"KOTANET_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "Migration plan: 18 routes" in proc.stdout
    report = next((tmp_path / "demo").glob("report-*"))
    assert (report / "manifest.json").is_file() and (report / "manifest.sig").is_file()
    assert "match the signed manifest" in proc.stdout
    assert run_kotanet("sla", "verify", str(report)).returncode == 0
