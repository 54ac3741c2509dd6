"""The dashboard's pages: overview and filters, live fragment, target detail, maintenance (validation and its
effect on the SLA figures), plan, map, reports (signed download), languages and /metrics."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.records import State, Transition
from kotanet.monitors.store import Sample, SampleKind
from kotanet.slas.engine import SlaState
from kotanet.slas.report import build_report
from kotanet.slas.signing import verify
from kotanet.web.auth import Auth
from tests.unit.test_web_support import FAST, NOW, Web, bogor, make_web, seeded_store

pytestmark = pytest.mark.unit

_ROW = re.compile(r'<a href="/targets/([a-z0-9._-]+)">')


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Web:
    return make_web(tmp_path_factory.mktemp("web"))


def _rows(html: str) -> set[str]:
    return set(_ROW.findall(html))


def test_overview_lists_every_sla_target_with_its_state(web: Web) -> None:
    web.login("noc1")
    html = web.client.get("/").text
    assert _rows(html) == {t.id for t in bogor().sla_targets}
    report = build_report(bogor(), seeded_store(), "2026-11", now=NOW)
    for row in report.rows:
        # each row carries its state chip
        block = html.split(f'href="/targets/{row.target}"', 1)[1].split("</tr>", 1)[0]
        assert f'chip st-{row.state.value}"' in block
    assert 'hx-trigger="every 10s"' in html and "/static/htmx/htmx.min.js" in html


def test_overview_filters(web: Web) -> None:
    web.login("noc1")
    inv = bogor()
    services = {t.id for t in inv.sla_targets if t.scope.value == "service"}
    assert _rows(web.client.get("/?kind=service").text) == services
    report = build_report(inv, seeded_store(), "2026-11", now=NOW)
    breached = {r.target for r in report.rows if r.state is SlaState.BREACHED}
    assert breached  # the seeded history breaches some targets this month
    assert _rows(web.client.get("/?state=breached").text) == breached
    dept = _rows(web.client.get("/?department=kecamatan-bogor-selatan").text)
    assert "sla-kecamatan-bogor-selatan" in dept and "sla-website" not in dept
    assert _rows(web.client.get("/?kind=link&state=met&q=zzz").text) == set()
    # the live fragment takes the same filters and is only a fragment
    frag = web.client.get("/fragments/overview?kind=service")
    assert frag.status_code == 200 and "<html" not in frag.text
    assert _rows(frag.text) == services
    assert 'hx-get="/fragments/overview?kind=service"' in frag.text
    assert frag.headers["HX-Replace-Url"] == "/?kind=service"


def test_overview_pages_long_lists(tmp_path: Path) -> None:
    from dataclasses import replace

    from kotanet.web.app import create_app

    w = make_web(tmp_path)
    app = create_app(replace(w.settings, page_size=4), inventory=bogor(), hasher=FAST)
    w.client = TestClient(app)
    w.login("noc1")
    seen: set[str] = set()
    for page in range(1, 5):
        rows = _rows(w.client.get(f"/?page={page}").text)
        assert len(rows) <= 4
        seen |= rows
    assert seen == {t.id for t in bogor().sla_targets}
    assert w.client.get("/?page=abc").status_code == 200


def test_target_detail_timeline_outages_and_ack(web: Web) -> None:
    web.login("noc1")
    target = "sla-kecamatan-bogor-selatan"
    html = web.client.get(f"/targets/{target}").text
    rep = build_report(bogor(), seeded_store(), "2026-11", now=NOW, scope=target).rows[0]
    assert len(re.findall(r'class="tl-row"', html)) == len(rep.members)
    assert 'class="seg down"' in html and 'class="seg up"' in html
    assert html.count('name="start_us"') == len(rep.outages)
    o = rep.outages[0]
    start_us = round(o.start.timestamp() * 1_000_000)
    r = web.client.post(f"/targets/{target}/ack", data={"member": o.member, "start_us": str(start_us),
                                                          "note": "ticket 42", "csrf_token": web.csrf["noc1"]},
                        follow_redirects=False)
    assert r.status_code == 303
    html = web.client.get(f"/targets/{target}").text
    assert "✓ noc1" in html and "ticket 42" in html
    assert html.count('name="start_us"') == len(rep.outages) - 1
    # an outage that does not exist
    r = web.client.post(f"/targets/{target}/ack", data={"member": o.member, "start_us": "1",
                                                          "csrf_token": web.csrf["noc1"]})
    assert r.status_code == 404
    assert web.client.get("/targets/no-such-target").status_code == 404


def test_auditor_sees_no_action_buttons(web: Web) -> None:
    web.login("aud1")
    html = web.client.get("/targets/sla-kecamatan-bogor-selatan").text
    assert "ack-form" not in html and "<th>Acknowledged</th>" in html
    assert "Schedule a window" not in web.client.get("/maintenance").text
    assert '<select name="status"' not in web.client.get("/plan").text
    assert "Generate and sign" in web.client.get("/reports").text


def test_charts_from_the_stores_samples(tmp_path: Path) -> None:
    store = MemoryStore()
    start = NOW - dt.timedelta(days=2)
    store.append_transitions([Transition("link:ll-dc--drc", start, State.UP)])
    store.append_samples([Sample("link:ll-dc--drc", start + dt.timedelta(minutes=15 * i), kind, v)
                          for i in range(100)
                          for kind, v in ((SampleKind.LATENCY_MS, 3.0 + i % 5), (SampleKind.UTILISATION_IN, 0.4),
                                          (SampleKind.UTILISATION_OUT, 0.1))])
    w = make_web(tmp_path, store=store)
    w.login("noc1")
    html = w.client.get("/targets/sla-dc-drc-leased-line").text
    assert html.count('<svg class="chart"') == 2  # latency, utilisation
    assert "Latency of link:ll-dc--drc" in html and "Utilisation of link:ll-dc--drc" in html
    assert html.count("<polyline") == 3


# ------------------------------------------------------------------------------------------ maintenance


def _down_store() -> MemoryStore:
    """Balaikota up all month except one hour, 2 h to 1 h before now."""
    store = MemoryStore()
    store.append_transitions([
        Transition("site:balaikota", dt.datetime(2026, 10, 31, 12, tzinfo=dt.UTC), State.UP),
        Transition("site:balaikota", NOW - dt.timedelta(hours=2), State.DOWN, "ICMP timeout 3/3"),
        Transition("site:balaikota", NOW - dt.timedelta(hours=1), State.UP),
    ])
    return store


def test_a_scheduled_window_flows_into_the_sla_figures(tmp_path: Path) -> None:
    w = make_web(tmp_path, store=_down_store())
    token = w.login("eng1")
    before = w.client.get("/api/v1/targets/sla-balaikota").json()["target"]
    assert before["down_s"] == 3600 and before["maintenance_s"] == 0 and before["outages"] == 1
    local = NOW.astimezone(dt.timezone(dt.timedelta(hours=7)))
    form = {"scope": "site", "refs": "balaikota", "start": (local - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "end": (local + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "reason": "UPS swap",
            "csrf_token": token}
    r = w.client.post("/maintenance", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    after = w.client.get("/api/v1/targets/sla-balaikota").json()["target"]
    assert after["down_s"] == 0 and after["maintenance_s"] == 3 * 3600 and after["outages"] == 0
    assert after["availability"] == 1.0
    assert "UPS swap" in w.client.get("/maintenance").text
    assert w.client.get("/?live=maintenance").text.count('href="/targets/sla-balaikota"') == 1
    # removing it brings the downtime back
    wid = w.client.get("/api/v1/maintenance").json()[-1]["id"]
    r = w.client.post(f"/maintenance/{wid}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert w.client.get("/api/v1/targets/sla-balaikota").json()["target"]["down_s"] == 3600


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"end": "2026-11-24T09:00", "start": "2026-11-24T10:00"}, "end", "The end must be after the start."),
    ({"refs": "no-such-site"}, "refs", "Not a site of the inventory: no-such-site."),
    ({"refs": ""}, "refs", "Name at least one id."),
    ({"scope": "planet"}, "scope", "Pick site, link, service or tenant."),
    ({"start": "tomorrow"}, "start", "Give a date and time"),
    ({"start": "2026-11-01T00:00", "end": "2026-11-02T00:00"}, "end", "The window is already over."),
    ({"end": "2026-12-24T00:00"}, "end", "A window lasts at most 14 days."),
    ({"start": "2026-11-20T00:00"}, "start", "at most 24 hours in the past"),
    ({"reason": "x" * 501}, "reason", "At most 500 characters."),
    ({"id": "Bad Id!"}, "id", "Lower-case letters"),
    ({"id": "mw-2026-11-lpse"}, "id", "This id is already used."),
])
def test_maintenance_form_errors_next_to_the_field(web: Web, fields: dict[str, str], field: str,
                                                   message: str) -> None:
    token = web.login("eng1")
    form = {"scope": "site", "refs": "balaikota", "start": "2026-11-24T22:00", "end": "2026-11-25T02:00",
            "reason": "", "csrf_token": token, **fields}
    n = len(web.db.windows())
    r = web.client.post("/maintenance", data=form)
    assert r.status_code == 422
    m = re.search(rf'<span class="field-error" id="err-{field}" role="alert">([^<]*)</span>', r.text)
    assert m, r.text[-3000:]
    assert message in m.group(1).replace("&#39;", "'")
    assert len(web.db.windows()) == n
    if fields.get("refs"):
        assert f'value="{fields["refs"]}"' in r.text  # what was typed is kept


# ------------------------------------------------------------------------------------------ plan, map


def test_plan_lists_17_routes_and_engineers_change_status(web: Web) -> None:
    token = web.login("eng1")
    html = web.client.get("/plan").text
    assert len(re.findall(r'<tr id="route-', html)) == len(bogor().migrations) == 18  # 16a and 16b: 17 rows + 1
    assert 'href="/plan/4/mop"' in html
    r = web.client.post("/plan/4/status", data={"status": "in_progress", "csrf_token": token},
                        follow_redirects=False)
    assert r.status_code == 303
    row = web.client.get("/plan").text.split('<tr id="route-4">', 1)[1].split("</tr>", 1)[0]
    assert '<option value="in_progress" selected>' in row and "eng1" in row
    assert web.client.post("/plan/99/status", data={"status": "done", "csrf_token": token}).status_code == 404
    assert web.client.post("/plan/4/status", data={"status": "finished", "csrf_token": token}).status_code == 422
    mop = web.client.get("/plan/4/mop")
    assert mop.status_code == 200 and "<h" in mop.text
    assert web.client.get("/plan/99/mop").status_code == 404


def test_map_data_colours_links_by_live_state(web: Web) -> None:
    web.login("noc1")
    html = web.client.get("/map").text
    assert "/static/leaflet/leaflet.js" in html and "/static/map.js" in html
    assert "tile" not in web.client.get("/static/map.js").text.lower().replace("no tiles", "")
    assert web.client.get("/static/leaflet/leaflet.js").status_code == 200
    data = web.client.get("/map/data.json").json()
    assert {lk["id"] for lk in data["scene"]["links"]} == {lk.id for lk in bogor().links}
    last = seeded_store().last_transitions()
    for target, state in data["live"].items():
        assert state == last[target].state.value
    assert any(k.startswith("link:") for k in data["live"])


# --------------------------------------------------------------------------------------------- reports


def test_auditor_generates_and_downloads_a_signed_report(tmp_path: Path) -> None:
    w = make_web(tmp_path)
    token = w.login("aud1")
    r = w.client.post("/reports", data={"period": "2026-10", "formats": ["csv", "pdf"], "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303, r.text
    html = w.client.get("/reports").text
    link = re.search(r'href="(/reports/[^"]+\.zip)"', html)
    assert link
    z = w.client.get(link.group(1))
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    out = tmp_path / "unzipped"
    zipfile.ZipFile(io.BytesIO(z.content)).extractall(out)
    (folder,) = list(out.iterdir())
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "manifest.sig", "signer.pub", "sla-2026-10-summary.csv"} <= names
    assert any(n.endswith(".pdf") for n in names)
    result = verify(folder, trusted_key=tmp_path / "keys" / "kotanet-sla.pub")
    assert result.ok and result.trusted
    (folder / "sla-2026-10-summary.csv").write_text("tampered\n")
    assert not verify(folder, trusted_key=tmp_path / "keys" / "kotanet-sla.pub").ok
    assert w.client.get("/reports/nope.zip").status_code == 404
    assert w.client.get("/reports/..%2F..%2Fweb.db.zip").status_code == 404


@pytest.mark.parametrize(("period", "formats", "field"), [
    ("2027-01", ["csv"], "period"), ("last month", ["csv"], "period"), ("2026-10", [], "formats"),
    ("2026-10", ["docx"], "formats"),
])
def test_report_form_errors(web: Web, period: str, formats: list[str], field: str) -> None:
    token = web.login("aud1")
    n = len(web.db.reports())
    r = web.client.post("/reports", data={"period": period, "formats": formats, "csrf_token": token})
    assert r.status_code == 422
    assert 'class="field-error"' in r.text
    assert len(web.db.reports()) == n


def test_report_without_a_signing_key_says_so(tmp_path: Path) -> None:
    w = make_web(tmp_path, with_key=False)
    token = w.login("aud1")
    r = w.client.post("/reports", data={"period": "2026-10", "formats": ["csv"], "csrf_token": token})
    assert r.status_code == 422 and "kotanet keys init" in r.text


# ------------------------------------------------------------------------------------- language, metrics


def test_language_is_switched_per_user(web: Web) -> None:
    token = web.login("eng1")
    assert ">Overview<" in web.client.get("/").text
    r = web.client.post("/lang", data={"lang": "id", "next": "/plan", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/plan"
    html = web.client.get("/").text
    assert ">Ikhtisar<" in html and 'lang="id"' in html and "tercapai" in html
    web.login("eng1")  # a new session keeps the user's language
    assert ">Ikhtisar<" in web.client.get("/").text
    web.login("noc1")  # another user's is unchanged
    assert ">Overview<" in web.client.get("/").text
    token = web.login("eng1")
    web.client.post("/lang", data={"lang": "en", "csrf_token": token})
    web.client.post("/lang", data={"lang": "klingon", "csrf_token": token})
    assert ">Overview<" in web.client.get("/").text


def test_login_page_follows_the_browser_language(web: Web) -> None:
    anon = TestClient(web.client.app)
    assert ">Masuk<" in anon.get("/login", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}).text
    assert ">Sign in<" in anon.get("/login", headers={"Accept-Language": "en-GB"}).text
    r = anon.post("/login", data={"username": "x", "password": "y"}, headers={"Accept-Language": "id"})
    assert r.status_code == 401 and "Nama pengguna atau kata sandi salah." in r.text


def test_metrics_public_or_token_protected(tmp_path: Path) -> None:
    w = make_web(tmp_path)
    anon = TestClient(w.client.app)
    assert anon.get("/metrics").status_code == 401
    token = Auth(w.db, w.settings, FAST).new_token("noc1")
    r = anon.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert 'kotanet_sla_objective_ratio{sla="sla-website"} 0.995' in r.text
    assert 'kotanet_sla_state{sla="sla-website",state=' in r.text
    assert "kotanet_web_requests_total" in r.text
    public = make_web(tmp_path / "public", metrics_public=True)
    assert TestClient(public.client.app).get("/metrics").status_code == 200


def test_security_headers(web: Web) -> None:
    r = web.client.get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_garbage_forms_never_get_a_5xx(web: Web) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    token = web.login("admin1")
    client = TestClient(web.client.app, cookies=dict(web.client.cookies), raise_server_exceptions=False)
    text = st.text(max_size=40)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(form=st.dictionaries(st.sampled_from(["scope", "refs", "start", "end", "reason", "id", "member",
                                                 "start_us", "note", "status", "period", "formats", "lang",
                                                 "next", "username", "password"]), text, max_size=8),
           segment=text.filter(lambda s: "/" not in s and s not in (".", "..") and s.strip()),
           raw=st.binary(max_size=64))
    def check(form: dict[str, str], segment: str, raw: bytes) -> None:
        from urllib.parse import quote

        seg = quote(segment, safe="")
        data = {**form, "csrf_token": token}
        for url in ("/maintenance", f"/maintenance/{seg}/delete", f"/plan/{seg}/status", "/plan/1/status",
                    "/reports", f"/targets/{seg}/ack", "/targets/sla-website/ack", "/lang"):
            assert client.post(url, data=data).status_code < 500, (url, data)
            r = client.post(url, content=raw, headers={"X-CSRF-Token": token,
                                                       "Content-Type": "multipart/form-data; boundary=x"})
            assert r.status_code < 500, (url, raw)
        for url in (f"/targets/{seg}", f"/plan/{seg}/mop", f"/reports/{seg}.zip", f"/?page={seg}&kind={seg}",
                    f"/fragments/overview?state={seg}&q={seg}"):
            assert client.get(url).status_code < 500, url
        assert client.post("/login", data=form).status_code < 500

    check()


def test_a_stale_snapshot_is_served_while_the_next_is_computed(tmp_path: Path) -> None:
    import time

    from kotanet.web.db import WebDb
    from kotanet.web.figures import Figures, Live

    store = _down_store()
    w = make_web(tmp_path, store=store)
    fig = Figures(w.settings, WebDb(w.state_dir), bogor())
    first = fig.snapshot()
    assert fig.snapshot() is first  # fresh: the same object
    assert first.by_id["sla-balaikota"].live is Live.UP
    store.append_transitions([Transition("site:balaikota", NOW - dt.timedelta(minutes=1), State.DOWN)])
    fig._snap_mono -= 3600  # as if the snapshot were an hour old
    assert fig.snapshot() is first  # stale, served at once while a thread computes the next one
    deadline = time.monotonic() + 30
    while fig.snapshot() is first:
        assert time.monotonic() < deadline, "the snapshot was never recomputed"
        time.sleep(0.01)
    assert fig.snapshot().by_id["sla-balaikota"].live is Live.DOWN
    assert "site:balaikota" in fig.snapshot().down_now


def test_a_stale_snapshot_is_kept_when_nothing_was_written_and_the_minute_has_not_turned(tmp_path: Path) -> None:
    import time

    from kotanet.web.db import WebDb
    from kotanet.web.figures import Figures, Live

    store = _down_store()
    w = make_web(tmp_path, store=store)
    fig = Figures(w.settings, WebDb(w.state_dir), bogor())
    computed = 0
    compute = fig._compute

    def counting() -> object:
        nonlocal computed
        computed += 1
        return compute()

    fig._compute = counting  # type: ignore[method-assign]
    first = fig.snapshot()
    assert computed == 1
    fig._snap_mono -= 3600
    assert fig.snapshot() is first
    deadline = time.monotonic() + 30
    while fig._compute_lock.locked() or time.monotonic() - fig._snap_mono > 60:
        assert time.monotonic() < deadline, "the stale snapshot was never checked"
        time.sleep(0.01)
    assert computed == 1 and fig.snapshot() is first  # the fixed clock, an unchanged store: nothing to recompute
    # a poller records a change: the next look at the stale snapshot recomputes it
    store.append_transitions([Transition("site:balaikota", NOW - dt.timedelta(minutes=1), State.DOWN)])
    fig._snap_mono -= 3600
    fig.snapshot()
    while fig.snapshot() is first:
        assert time.monotonic() < deadline, "the snapshot was never recomputed"
        time.sleep(0.01)
    assert computed == 2 and fig.snapshot().by_id["sla-balaikota"].live is Live.DOWN


def test_an_unusable_store_is_a_503_naming_it(tmp_path: Path) -> None:
    from kotanet.monitors.stores import StoreUnavailableError

    class Broken(MemoryStore):
        def transitions(self, **kw: object) -> list[Transition]:  # type: ignore[override]
            raise StoreUnavailableError("cannot read the store sqlite:///x.db: database is locked",
                                        hint="try again")

    w = make_web(tmp_path, store=Broken())
    w.login("noc1")
    r = w.client.get("/")
    assert r.status_code == 503 and "database is locked" in r.text
    r = w.client.get("/api/v1/targets")
    assert r.status_code == 503 and "database is locked" in r.json()["detail"]
