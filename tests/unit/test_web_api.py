"""The JSON API: its OpenAPI document, each route's answers, and 4xx (never 5xx) for bad input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotanet.slas.report import build_report
from kotanet.slas.signing import verify
from kotanet.web.auth import Auth
from tests.unit.test_web_support import FAST, NOW, Web, bogor, make_web, seeded_store

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Web:
    return make_web(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def admin(web: Web) -> TestClient:
    token = Auth(web.db, web.settings, FAST).new_token("admin1")
    return TestClient(web.client.app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False)


def test_openapi_declares_every_status(web: Web, admin: TestClient) -> None:
    assert TestClient(web.client.app).get("/api/openapi.json").status_code == 401  # it needs a login too
    doc = admin.get("/api/openapi.json").json()
    ops = [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()]
    assert {p for p, _, _ in ops} == {
        "/api/v1/targets", "/api/v1/targets/{target_id}", "/api/v1/targets/{target_id}/outages/ack",
        "/api/v1/maintenance", "/api/v1/maintenance/{window_id}", "/api/v1/plan/routes",
        "/api/v1/plan/routes/{route}/status", "/api/v1/reports", "/api/v1/reports/{report_id}/download",
        "/api/v1/users/me"}
    for path, method, op in ops:
        codes = set(op["responses"])
        assert "401" in codes, (path, method)
        if "{" in path:
            assert "404" in codes, (path, method)
        if method in ("post", "put", "delete"):
            assert {"400", "403", "422"} <= codes, (path, method)
        ok = [c for c in codes if c.startswith("2")]
        assert len(ok) == 1, (path, method)
    assert doc["components"]["schemas"]["TargetOut"]["properties"]["state"]["$ref"].endswith("SlaState")


def test_targets_list_detail_and_filters(admin: TestClient) -> None:
    body = admin.get("/api/v1/targets").json()
    report = build_report(bogor(), seeded_store(), "2026-11", now=NOW)
    assert body["period"] == "2026-11" and body["total"] == len(report.rows)
    by_id = {t["id"]: t for t in body["targets"]}
    for row in report.rows:
        t = by_id[row.target]
        assert t["state"] == row.state.value
        assert t["availability"] == row.availability
        assert t["budget_remaining_s"] == pytest.approx(row.budget_remaining_s)
    services = admin.get("/api/v1/targets", params={"kind": "service", "limit": 2, "offset": 1}).json()
    assert services["total"] == sum(1 for t in bogor().sla_targets if t.scope.value == "service")
    assert len(services["targets"]) == 2 and services["offset"] == 1
    assert admin.get("/api/v1/targets", params={"state": "sunny"}).status_code == 422
    assert admin.get("/api/v1/targets", params={"limit": 0}).status_code == 422
    detail = admin.get("/api/v1/targets/sla-kecamatan-bogor-selatan").json()
    row = next(r for r in report.rows if r.target == "sla-kecamatan-bogor-selatan")
    assert [m["member"] for m in detail["members"]] == list(row.policy.members)
    assert len(detail["outages"]) == len(row.outages)
    assert detail["outages"] and all(o["acknowledged_by"] is None for o in detail["outages"])
    assert admin.get("/api/v1/targets/nope").status_code == 404


def test_ack_through_the_api(web: Web) -> None:
    token = Auth(web.db, web.settings, FAST).new_token("noc1")
    noc = TestClient(web.client.app, headers={"Authorization": f"Bearer {token}"})
    target = "sla-kecamatan-bogor-tengah"
    o = noc.get(f"/api/v1/targets/{target}").json()["outages"][0]
    r = noc.post(f"/api/v1/targets/{target}/outages/ack", json={"member": o["member"], "start": o["start"],
                                                                  "note": "INC-7"})
    assert r.status_code == 200 and r.json()["by"] == "noc1"
    again = noc.get(f"/api/v1/targets/{target}").json()["outages"][0]
    assert again["acknowledged_by"] == "noc1" and again["ack_note"] == "INC-7"
    late = (dt.datetime.fromisoformat(o["start"]) + dt.timedelta(seconds=1)).isoformat()
    r = noc.post(f"/api/v1/targets/{target}/outages/ack", json={"member": o["member"], "start": late})
    assert r.status_code == 404


def test_maintenance_crud(admin: TestClient) -> None:
    n = len(admin.get("/api/v1/maintenance").json())
    assert n == len(bogor().maintenance)
    body = {"id": "mw-api", "scope": "tenant", "refs": ["kecamatan-bogor-barat"],
            "start": "2026-11-25T22:00:00+07:00", "end": "2026-11-26T02:00:00+07:00", "reason": "core swap"}
    r = admin.post("/api/v1/maintenance", json=body)
    assert r.status_code == 201 and r.json()["source"] == "web" and r.json()["created_by"] == "admin1"
    assert admin.post("/api/v1/maintenance", json=body).status_code == 422  # id taken
    assert admin.get("/api/v1/maintenance/mw-api").json()["reason"] == "core swap"
    assert admin.get("/api/v1/maintenance/mw-2026-11-lpse").json()["source"] == "inventory"
    r = admin.put("/api/v1/maintenance/mw-api", json={**body, "end": "2026-11-26T04:00:00+07:00"})
    assert r.status_code == 200 and r.json()["end"].startswith("2026-11-26T04:00")
    assert admin.put("/api/v1/maintenance/mw-2026-11-lpse", json=body).status_code == 404  # the inventory's
    bad = admin.post("/api/v1/maintenance", json={**body, "id": None, "end": body["start"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "end"]
    naive = admin.post("/api/v1/maintenance", json={**body, "id": "mw-naive", "start": "2026-11-25T22:00:00",
                                                    "end": "2026-11-25T23:00:00"})
    assert naive.status_code == 201 and naive.json()["start"].endswith("+07:00")
    assert admin.delete("/api/v1/maintenance/mw-api").status_code == 204
    assert admin.delete("/api/v1/maintenance/mw-api").status_code == 404
    assert admin.delete("/api/v1/maintenance/mw-naive").status_code == 204
    assert len(admin.get("/api/v1/maintenance").json()) == n


def test_plan_routes(admin: TestClient) -> None:
    routes = admin.get("/api/v1/plan/routes").json()
    assert [r["route"] for r in routes][:1] and len(routes) == len(bogor().migrations)
    assert sorted(r["position"] for r in routes) == list(range(1, len(routes) + 1))
    r = admin.put("/api/v1/plan/routes/16a/status", json={"status": "done"})
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["mop_url"] == "/plan/16a/mop"
    assert admin.put("/api/v1/plan/routes/99/status", json={"status": "done"}).status_code == 404
    assert admin.put("/api/v1/plan/routes/1/status", json={"status": "later"}).status_code == 422


def test_report_generate_and_download(web: Web, admin: TestClient, tmp_path: Path) -> None:
    r = admin.post("/api/v1/reports", json={"period": "2026-Q3", "formats": ["csv", "xlsx"]})
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["period"] == "2026-Q3" and rec["files"] == 6  # 2 CSV, 1 XLSX, manifest, signature, key
    z = admin.get(rec["download_url"])
    assert z.status_code == 200
    zipfile.ZipFile(io.BytesIO(z.content)).extractall(tmp_path)
    assert verify(tmp_path / rec["id"], trusted_key=web.settings.key_dir / "kotanet-sla.pub").ok  # type: ignore[operator]
    assert rec["id"] in {x["id"] for x in admin.get("/api/v1/reports").json()}
    assert admin.post("/api/v1/reports", json={"period": "2099-01"}).status_code == 422
    assert admin.post("/api/v1/reports", json={"period": "2026-13"}).status_code == 422
    assert admin.get("/api/v1/reports/nope/download").status_code == 404


def test_405_lists_every_method_of_the_path(admin: TestClient) -> None:
    r = admin.patch("/api/v1/maintenance/x")
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, GET, PUT"


_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(
    max_size=20)
_json = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=5), max_leaves=12)
_fields = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=70), "scope": st.sampled_from(["site", "link", "tenant", "service", "x"]),
    "refs": st.lists(st.text(max_size=70), max_size=3), "start": st.text(max_size=40) | st.datetimes().map(str),
    "end": st.text(max_size=40) | st.datetimes().map(str), "reason": st.text(max_size=30),
    "period": st.text(max_size=20), "formats": st.lists(st.text(max_size=5), max_size=3),
    "member": st.text(max_size=30), "note": st.text(max_size=20), "status": st.text(max_size=12)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path_id=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and s not in (".", "..")),
       body=_json | _fields)
def test_garbage_never_gets_a_5xx(admin: TestClient, path_id: str, body: object) -> None:
    from urllib.parse import quote

    pid = quote(path_id, safe="")
    for method, url in (("POST", "/api/v1/maintenance"), ("PUT", f"/api/v1/maintenance/{pid}"),
                        ("DELETE", f"/api/v1/maintenance/{pid}"), ("GET", f"/api/v1/maintenance/{pid}"),
                        ("POST", f"/api/v1/targets/{pid}/outages/ack"), ("GET", f"/api/v1/targets/{pid}"),
                        ("PUT", f"/api/v1/plan/routes/{pid}/status"), ("GET", f"/api/v1/reports/{pid}/download"),
                        ("POST", "/api/v1/targets/sla-website/outages/ack")):
        r = admin.request(method, url, json=body)
        assert r.status_code < 500, (method, url, body, r.text)
    r = admin.post("/api/v1/reports", content=b"\xff{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
