"""Users, sessions, CSRF, rate limiting, tokens and role permissions of the dashboard."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kotanet.web.auth import COOKIE, Auth
from kotanet.web.roles import PERMISSIONS, Action, Role
from tests.unit.test_web_support import FAST, NOW, PASSWORD, USERS, Web, csrf_of, make_web

pytestmark = pytest.mark.unit

TARGET = "sla-kecamatan-bogor-selatan"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Web:
    return make_web(tmp_path_factory.mktemp("web"))


def _state(web: Web) -> dict[str, Any]:
    """Everything a request could change, read straight from the web database."""
    con = sqlite3.connect(web.state_dir / "web.db")
    try:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("users", "tokens", "maintenance", "route_status", "acks", "reports")}
    finally:
        con.close()


def _outage(web: Web) -> tuple[str, int, str]:
    web.login("admin1")
    body = web.client.get(f"/api/v1/targets/{TARGET}").json()
    o = body["outages"][0]
    start = dt.datetime.fromisoformat(o["start"])
    return o["member"], round(start.timestamp() * 1_000_000), o["start"]


# ----------------------------------------------------------------------------------------------- login


@pytest.mark.parametrize("name", sorted(USERS))
def test_each_role_logs_in_and_sees_the_overview(web: Web, name: str) -> None:
    web.login(name)
    r = web.client.get("/")
    assert r.status_code == 200
    assert "sla-kecamatan-bogor-selatan" in r.text
    me = web.client.get("/api/v1/users/me").json()
    assert me == {"name": name, "role": USERS[name].value, "lang": "en", "via": "session"}


def test_session_cookie_is_httponly_samesite_lax(web: Web) -> None:
    web.client.cookies.clear()
    r = web.client.post("/login", data={"username": "noc1", "password": PASSWORD}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=" in cookie
    assert "Secure" not in cookie  # not behind HTTPS in this test (secure_cookies=False)


def test_secure_cookie_setting(tmp_path: Path) -> None:
    from dataclasses import replace

    from kotanet.web.app import create_app
    from tests.unit.test_web_support import bogor

    w = make_web(tmp_path)
    app = create_app(replace(w.settings, secure_cookies=True), inventory=bogor(), hasher=FAST)
    r = TestClient(app).post("/login", data={"username": "noc1", "password": PASSWORD}, follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_is_401_with_the_form_again(web: Web) -> None:
    web.client.cookies.clear()
    r = web.client.post("/login", data={"username": "eng1", "password": "wrong password"})
    assert r.status_code == 401
    assert "Wrong user name or password" in r.text
    assert 'name="password"' in r.text
    assert COOKIE not in r.headers.get("set-cookie", "")
    r = web.client.post("/login", data={"username": "nobody", "password": "whatever1"})
    assert r.status_code == 401


def test_pages_need_a_login_and_the_api_says_401(web: Web) -> None:
    client = TestClient(web.client.app)
    for path in ("/", "/targets/" + TARGET, "/map", "/plan", "/maintenance", "/reports", "/fragments/overview",
                 "/map/data.json", "/plan/1/mop"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")
    for path in ("/api/v1/targets", f"/api/v1/targets/{TARGET}", "/api/v1/maintenance", "/api/v1/plan/routes",
                 "/api/v1/reports", "/api/v1/users/me"):
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
    assert client.get("/healthz").text == "ok\n"


def test_login_redirects_only_to_local_paths(web: Web) -> None:
    web.client.cookies.clear()
    for nxt, expected in (("/plan", "/plan"), ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                          ("/\\evil", "/")):
        r = web.client.post("/login", data={"username": "noc1", "password": PASSWORD, "next": nxt},
                            follow_redirects=False)
        assert r.headers["location"] == expected


def test_login_rate_limit_per_user_and_address(tmp_path: Path) -> None:
    w = make_web(tmp_path)
    for _ in range(5):
        assert w.client.post("/login", data={"username": "eng1", "password": "nope nope"}).status_code == 401
    r = w.client.post("/login", data={"username": "eng1", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 429  # even the right password, until the window has passed
    assert "Too many failed attempts" in r.text
    # another user from the same address is not affected
    assert w.client.post("/login", data={"username": "noc1", "password": PASSWORD},
                         follow_redirects=False).status_code == 303
    w.clock.at = NOW + dt.timedelta(minutes=5, seconds=1)
    assert w.client.post("/login", data={"username": "eng1", "password": PASSWORD},
                         follow_redirects=False).status_code == 303


def test_expired_session_redirects_pages_and_is_401_for_the_api(tmp_path: Path) -> None:
    w = make_web(tmp_path)
    w.login("eng1")
    assert w.client.get("/").status_code == 200
    w.clock.at = NOW + dt.timedelta(seconds=w.settings.session_ttl_s + 1)
    r = w.client.get("/plan", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/plan"
    assert w.client.get("/api/v1/users/me").status_code == 401
    before = _state(w)
    r = w.client.post("/plan/1/status", data={"status": "done", "csrf_token": w.csrf["eng1"]},
                      follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert _state(w) == before


def test_logout_ends_the_session(tmp_path: Path) -> None:
    w = make_web(tmp_path)
    token = w.login("noc1")
    sid = w.client.cookies.get(COOKIE)
    assert w.client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    other = TestClient(w.client.app, cookies={COOKIE: sid or ""})
    assert other.get("/api/v1/users/me").status_code == 401


def test_forged_or_tampered_cookie_is_not_a_session(web: Web) -> None:
    web.login("aud1")
    sid = web.client.cookies.get(COOKIE) or ""
    for forged in (sid[:-2] + ("AA" if not sid.endswith("AA") else "BB"), "admin", "role=admin", "x" * 5000):
        c = TestClient(web.client.app, cookies={COOKIE: forged})
        assert c.get("/api/v1/users/me").status_code == 401
        assert c.get("/", follow_redirects=False).status_code == 303


def test_a_role_field_in_a_form_changes_nothing(web: Web) -> None:
    token = web.login("aud1")
    before = _state(web)
    r = web.client.post("/plan/1/status", data={"status": "done", "role": "admin", "csrf_token": token})
    assert r.status_code == 403
    r = web.client.post("/maintenance", data={"scope": "site", "refs": "balaikota", "start": "2026-11-25T01:00",
                                              "end": "2026-11-25T02:00", "role": "engineer", "csrf_token": token})
    assert r.status_code == 403
    r = web.client.post("/login", data={"username": "aud1", "password": PASSWORD, "role": "admin"},
                        follow_redirects=False)
    assert r.status_code == 303
    assert web.client.get("/api/v1/users/me").json()["role"] == "auditor"
    assert _state(web) == before


# ------------------------------------------------------------------------------------------------ CSRF


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_missing_or_wrong_csrf_is_403_and_nothing_changes(web: Web, token: str | None) -> None:
    web.login("eng1")
    before = _state(web)
    data = {"status": "done"} if token is None else {"status": "done", "csrf_token": token}
    assert web.client.post("/plan/2/status", data=data).status_code == 403
    form = {"scope": "site", "refs": "balaikota", "start": "2026-11-25T01:00", "end": "2026-11-25T02:00"}
    if token is not None:
        form["csrf_token"] = token
    assert web.client.post("/maintenance", data=form).status_code == 403
    headers = {} if token is None else {"X-CSRF-Token": token}
    assert web.client.put("/api/v1/plan/routes/2/status", json={"status": "done"},
                          headers=headers).status_code == 403
    assert _state(web) == before


def test_csrf_of_another_session_is_refused(web: Web) -> None:
    other = web.login("admin1")
    web.login("eng1")
    before = _state(web)
    assert web.client.post("/plan/3/status", data={"status": "done", "csrf_token": other}).status_code == 403
    assert _state(web) == before


def test_csrf_header_works_for_the_api_with_a_cookie(web: Web) -> None:
    token = web.login("eng1")
    r = web.client.put("/api/v1/plan/routes/4/status", json={"status": "in_progress"},
                       headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"


# ---------------------------------------------------------------------------------------------- tokens


def test_api_token_auth_is_exempt_from_csrf(tmp_path: Path) -> None:
    w = make_web(tmp_path)
    token = Auth(w.db, w.settings, FAST).new_token("eng1")
    assert token.startswith("knt_")
    c = TestClient(w.client.app)
    headers = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/users/me", headers=headers).json() == {"name": "eng1", "role": "engineer", "lang": "en",
                                                                 "via": "token"}
    r = c.put("/api/v1/plan/routes/5/status", json={"status": "done"}, headers=headers)
    assert r.status_code == 200
    stored = sqlite3.connect(w.state_dir / "web.db").execute("SELECT token_hash FROM tokens").fetchall()
    assert stored and all(token not in row[0] for row in stored)  # only the digest is kept
    for bad in (f"Bearer {token}x", "Bearer knt_nope", f"Basic {token}", "Bearer"):
        assert c.get("/api/v1/users/me", headers={"Authorization": bad}).status_code == 401
    w.db.remove_user("eng1")
    assert c.get("/api/v1/users/me", headers=headers).status_code == 401


# ------------------------------------------------------------------------------------------ permissions


def test_permission_table_is_what_the_issue_says() -> None:
    assert PERMISSIONS[Action.ACK_OUTAGE] == {Role.NOC, Role.ENGINEER, Role.ADMIN}
    assert PERMISSIONS[Action.MAINTENANCE] == {Role.ENGINEER, Role.ADMIN}
    assert PERMISSIONS[Action.PLAN_STATUS] == {Role.ENGINEER, Role.ADMIN}
    assert Role.NOC not in PERMISSIONS[Action.REPORT] and Role.AUDITOR in PERMISSIONS[Action.REPORT]


_Request = Callable[[Web, TestClient, dict[str, str]], Any]


def _page_ack(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    member, start_us, _ = w.outage
    return c.post(f"/targets/{TARGET}/ack", data={"member": member, "start_us": str(start_us), "note": "T-1",
                                                  "csrf_token": h["csrf"]}, follow_redirects=False)


def _page_maint(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.post("/maintenance", data={"scope": "site", "refs": "balaikota", "start": "2026-11-25T01:00",
                                        "end": "2026-11-25T02:00", "reason": "test", "csrf_token": h["csrf"]},
                  follow_redirects=False)


def _page_maint_delete(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.post(f"/maintenance/{w.window}/delete", data={"csrf_token": h["csrf"]}, follow_redirects=False)


def _page_plan(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.post("/plan/6/status", data={"status": "done", "csrf_token": h["csrf"]}, follow_redirects=False)


def _page_report(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.post("/reports", data={"period": "2026-10", "formats": "csv", "csrf_token": h["csrf"]},
                  follow_redirects=False)


def _api_ack(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    member, _, start = w.outage
    return c.post(f"/api/v1/targets/{TARGET}/outages/ack", json={"member": member, "start": start}, headers=h)


def _api_maint(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.post("/api/v1/maintenance", json={"scope": "link", "refs": ["ll-dc--drc"],
                                               "start": "2026-11-25T01:00:00+07:00",
                                               "end": "2026-11-25T03:00:00+07:00"}, headers=h)


def _api_maint_put(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.put(f"/api/v1/maintenance/{w.window}", json={"scope": "site", "refs": ["dc"],
                                                          "start": "2026-11-26T01:00:00+07:00",
                                                          "end": "2026-11-26T03:00:00+07:00"}, headers=h)


def _api_maint_delete(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.delete(f"/api/v1/maintenance/{w.window}", headers=h)


def _api_plan(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.put("/api/v1/plan/routes/7/status", json={"status": "in_progress"}, headers=h)


def _api_report(w: Web, c: TestClient, h: dict[str, str]) -> Any:
    return c.post("/api/v1/reports", json={"period": "2026-10", "formats": ["csv"]}, headers=h)


UNSAFE: list[tuple[str, Action, _Request, int]] = [
    ("page ack", Action.ACK_OUTAGE, _page_ack, 303),
    ("page maintenance", Action.MAINTENANCE, _page_maint, 303),
    ("page maintenance delete", Action.MAINTENANCE, _page_maint_delete, 303),
    ("page plan status", Action.PLAN_STATUS, _page_plan, 303),
    ("page report", Action.REPORT, _page_report, 303),
    ("api ack", Action.ACK_OUTAGE, _api_ack, 200),
    ("api maintenance", Action.MAINTENANCE, _api_maint, 201),
    ("api maintenance put", Action.MAINTENANCE, _api_maint_put, 200),
    ("api maintenance delete", Action.MAINTENANCE, _api_maint_delete, 204),
    ("api plan status", Action.PLAN_STATUS, _api_plan, 200),
    ("api report", Action.REPORT, _api_report, 201),
]


@pytest.mark.parametrize(("what", "action", "call", "ok"), UNSAFE, ids=[u[0] for u in UNSAFE])
@pytest.mark.parametrize("role", list(Role))
def test_each_role_on_each_unsafe_route(tmp_path: Path, what: str, action: Action, call: _Request, ok: int,
                                        role: Role) -> None:
    w = make_web(tmp_path)
    w.outage = _outage(w)  # type: ignore[attr-defined]
    w.login("eng1")
    made = w.client.post("/api/v1/maintenance", json={"id": "mw-test", "scope": "site", "refs": ["dc"],
                                                      "start": "2026-11-25T05:00:00+07:00",
                                                      "end": "2026-11-25T06:00:00+07:00"},
                         headers={"X-CSRF-Token": w.csrf["eng1"]})
    assert made.status_code == 201, made.text
    w.window = "mw-test"  # type: ignore[attr-defined]
    name = next(n for n, r in USERS.items() if r is role)
    client = TestClient(w.client.app)
    if what.startswith("page"):
        w.client = client
        headers = {"csrf": w.login(name)}
    else:
        headers = {"Authorization": "Bearer " + Auth(w.db, w.settings, FAST).new_token(name)}
    before = _state(w)
    r = call(w, client, headers)
    if role in PERMISSIONS[action]:
        assert r.status_code == ok, r.text
        assert _state(w) != before
    else:
        assert r.status_code == 403, r.text
        after = _state(w)
        after["tokens"] = before["tokens"]
        assert after == before


# ------------------------------------------------------------------------------------------- secrets


def test_secrets_never_in_responses_or_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    w = make_web(tmp_path)
    token = Auth(w.db, w.settings, FAST).new_token("admin1")
    csrf = w.login("admin1")
    sid = w.client.cookies.get(COOKIE) or ""
    bodies: list[bytes] = []
    for path in ("/", "/fragments/overview", f"/targets/{TARGET}", "/map", "/map/data.json", "/plan", "/maintenance",
                 "/reports", "/plan/1/mop", "/api/v1/targets", f"/api/v1/targets/{TARGET}", "/api/v1/maintenance",
                 "/api/v1/users/me", "/api/v1/plan/routes", "/api/openapi.json", "/metrics"):
        r = w.client.get(path)
        assert r.status_code == 200, path
        bodies.append(r.content)
        bodies.append(str(r.headers).encode())
    r = w.client.post("/api/v1/reports", json={"period": "2026-10"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(w.client.get(r.json()["download_url"]).content))
    bodies += [z.read(n) for n in z.namelist()]
    db_bytes = (w.state_dir / "web.db").read_bytes()
    logs = caplog.text.encode()
    key = (tmp_path / "keys" / "kotanet-sla.key").read_bytes()
    key_b64 = b"".join(line for line in key.splitlines() if b"-----" not in line)
    for secret in (PASSWORD.encode(), token.encode(), sid.encode(), key_b64):
        assert len(secret) > 8
        assert not any(secret in b for b in bodies)
        assert secret not in logs
    for secret in (PASSWORD.encode(), token.encode(), sid.encode()):
        assert secret not in db_bytes
    # the CSRF token is on the pages (that is its job) but never in the logs or the exports
    assert csrf.encode() not in logs
    assert not any(csrf.encode() in z.read(n) for n in z.namelist())
    assert csrf_of(w.client.get("/").text) == csrf
