"""The dashboard in a real browser, as its users work with it: Debian's Chromium (headless) driven by
Playwright, against the real app under uvicorn on a free loopback port, over a store seeded with a month of
generated history, with one user per role.

Screenshots go to artifacts/screenshots/ (one per page visited) for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import ROOT, require_service
from tests.service.web_fixtures import LiveApp, live_app

pytestmark = pytest.mark.service

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


def _playwright_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with live_app(Path(tmp_path_factory.mktemp("browser"))) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_service(_playwright_available(), "Chromium (/usr/bin/chromium) and Playwright")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Session:
    """A logged-in browser context for one role, that refuses every request off the test server."""

    def __init__(self, browser: object, app: LiveApp, role: str | None) -> None:
        self.app = app
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True,  # type: ignore[attr-defined]
                                           locale="en-GB", timezone_id="Asia/Jakarta")
        self.offsite: list[str] = []
        host = urlsplit(app.url).netloc

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if urlsplit(url).netloc != host and not url.startswith(("data:", "blob:")):
                self.offsite.append(url)
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        self.context.route("**/*", guard)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        if role is not None:
            self.login(*app.users[role])

    def login(self, name: str, password: str) -> None:
        self.page.goto(self.app.url + "/login")
        self.page.fill("input[name=username]", name)
        self.page.fill("input[name=password]", password)
        self.page.click("form[action='/login'] button")
        self.page.wait_for_load_state("networkidle")

    def goto(self, path: str) -> int:
        response = self.page.goto(self.app.url + path)
        assert response is not None
        self.page.wait_for_load_state("networkidle")
        return response.status

    def shot(self, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        self.page.evaluate("window.scrollTo(0, 0)")  # sticky headers would otherwise land mid-page in the shot
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: object, app: LiveApp) -> Iterator[object]:
    opened: list[Session] = []

    def make(role: str | None) -> Session:
        s = Session(browser, app, role)
        opened.append(s)
        return s

    yield make
    for s in opened:
        assert s.errors == [], f"JavaScript errors: {s.errors}"
        assert s.offsite == [], f"requests off the server: {s.offsite}"
        s.close()


def _api(app: LiveApp, path: str, role: str = "admin") -> httpx.Response:
    return httpx.get(app.url + path, headers={"Authorization": f"Bearer {app.token(role)}"}, timeout=60)


# ------------------------------------------------------------------------------------------ login, overview


def test_a_page_without_a_login_goes_to_the_login_page(session: object) -> None:
    s = session(None)  # type: ignore[operator]
    s.goto("/maintenance")
    assert urlsplit(s.page.url).path == "/login"
    s.shot("login")


def test_a_wrong_password_is_refused_on_the_login_page(session: object, app: LiveApp) -> None:
    s = session(None)  # type: ignore[operator]
    s.login(app.users["noc"][0], "not-the-password")
    assert urlsplit(s.page.url).path == "/login"
    assert s.page.locator("[role=alert]").is_visible()
    assert s.page.locator("nav a[href='/map']").count() == 0  # still not logged in
    s.shot("login-refused")


@pytest.mark.parametrize("role", ["admin", "engineer", "noc", "auditor"])
def test_every_role_logs_in_and_reads_the_overview(session: object, app: LiveApp, role: str) -> None:
    s = session(role)  # type: ignore[operator]
    assert urlsplit(s.page.url).path == "/"
    page = s.page
    assert page.locator(".who .user").inner_text() == app.users[role][0]
    expected = {t.id for t in app.inventory.sla_targets}
    shown = {x.strip() for x in page.locator("table.targets tbody tr .sub").all_inner_texts()
             if x.strip().startswith("sla-")}
    assert shown == expected
    # the tiles add up to the number of targets, and the seeded month has breaches (scripted incidents)
    tiles = [int(page.locator(f".tile.{k} b").inner_text()) for k in ("breached", "at_risk", "met", "no_data")]
    assert sum(tiles) == len(expected) and tiles[0] >= 1
    s.shot(f"overview-{role}")


def test_the_overview_filters_by_state_without_a_reload(session: object, app: LiveApp) -> None:
    from playwright.sync_api import expect

    s = session("noc")  # type: ignore[operator]
    page = s.page
    page.evaluate("window.__marker = 'same page'")
    page.select_option("select[name=state]", "breached")
    expect(page.locator("table.targets tbody tr.row-met")).to_have_count(0)  # polls; the page's CSP forbids eval
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__marker") == "same page"  # htmx swapped the table; no navigation
    rows = page.locator("table.targets tbody tr").count()
    breached = _api(app, "/api/v1/targets?state=breached").json()["total"]
    assert rows == breached >= 1
    s.shot("overview-filtered-breached")


def test_a_target_shows_its_timeline_and_outages(session: object, app: LiveApp) -> None:
    targets = _api(app, "/api/v1/targets").json()["targets"]
    target = max(targets, key=lambda t: t["outages"])
    s = session("engineer")  # type: ignore[operator]
    s.goto("/")
    s.page.click(f"a[href='/targets/{target['id']}']")
    s.page.wait_for_load_state("networkidle")
    assert urlsplit(s.page.url).path == f"/targets/{target['id']}"
    assert s.page.locator(".timeline .seg").count() >= 2
    assert s.page.locator(".timeline .seg.down").count() >= 1
    assert s.page.locator("#outages tbody tr").count() == target["outages"]
    s.shot("target-detail")


# ------------------------------------------------------------------------------------------ roles


def test_an_auditor_is_denied_an_engineers_action(session: object, app: LiveApp) -> None:
    before = _api(app, "/api/v1/maintenance").json()
    s = session("auditor")  # type: ignore[operator]
    s.goto("/maintenance")
    assert s.page.locator("form[action='/maintenance']").count() == 0  # the form is not offered
    # ... and a hand-made request with the auditor's own valid session and CSRF token is refused
    csrf = s.page.locator("form[action='/logout'] input[name=csrf_token]").get_attribute("value")
    with s.page.expect_navigation() as nav:
        s.page.evaluate("""([csrf]) => {
            const f = document.createElement('form'); f.method = 'post'; f.action = '/maintenance';
            const add = (n, v) => { const i = document.createElement('input'); i.type = 'hidden'; i.name = n;
                                    i.value = v; f.appendChild(i); };
            add('csrf_token', csrf); add('scope', 'site'); add('refs', 'bts-07');
            add('start', '2026-12-01T01:00'); add('end', '2026-12-01T03:00'); add('reason', 'not allowed');
            document.body.appendChild(f); f.submit(); }""", [csrf])
    response = nav.value
    assert response is not None and response.status == 403
    assert "auditor" in s.page.locator("main").inner_text().lower()
    s.shot("auditor-denied")
    assert _api(app, "/api/v1/maintenance").json() == before  # nothing changed


def test_an_engineer_schedules_a_maintenance_window_and_a_bad_one_shows_the_field_error(
        session: object, app: LiveApp) -> None:
    s = session("engineer")  # type: ignore[operator]
    s.goto("/maintenance")
    form = s.page.locator("form[action='/maintenance']")
    link = next(lk.id for lk in app.inventory.links if lk.id.startswith("fo-"))
    # a bad window first: it ends before it starts
    form.locator("select[name=scope]").select_option("link")
    form.locator("input[name=refs]").fill(link)
    form.locator("input[name=start]").fill("2026-12-02T03:00")
    form.locator("input[name=end]").fill("2026-12-02T01:00")
    form.locator("input[name=reason]").fill("Re-splice after road works")
    with s.page.expect_navigation() as nav:
        form.locator("button.primary").click()
    assert nav.value is not None and nav.value.status == 422
    end_label = s.page.locator("form[action='/maintenance'] label", has=s.page.locator("input[name=end]"))
    error = end_label.locator(".field-error")
    assert error.is_visible() and error.inner_text().strip()
    assert s.page.locator("input[name=reason]").input_value() == "Re-splice after road works"  # input kept
    s.shot("maintenance-field-error")
    assert not any(w["id"].startswith("mw-") and link in w.get("refs", []) and w.get("created_by") == "test-engineer"
                   for w in _api(app, "/api/v1/maintenance").json())

    # now a good one
    s.page.locator("input[name=end]").fill("2026-12-02T05:00")
    with s.page.expect_navigation():
        s.page.locator("form[action='/maintenance'] button.primary").click()
    assert urlsplit(s.page.url).path == "/maintenance"
    row = s.page.locator("table.grid tbody tr", has_text=link).filter(has_text="test-engineer")
    assert row.count() == 1
    s.shot("maintenance-scheduled")
    windows = [w for w in _api(app, "/api/v1/maintenance").json() if link in w["refs"]]
    assert any(dt.datetime.fromisoformat(w["start"]) == dt.datetime.fromisoformat("2026-12-02T03:00:00+07:00")
               for w in windows)


def test_noc_acknowledges_an_outage(session: object, app: LiveApp) -> None:
    targets = _api(app, "/api/v1/targets").json()["targets"]
    target = next(t for t in sorted(targets, key=lambda t: -t["outages"]) if t["outages"])
    s = session("noc")  # type: ignore[operator]
    s.goto(f"/targets/{target['id']}")
    ack_forms = s.page.locator("#outages form.ack-form")
    before = ack_forms.count()
    assert before >= 1
    first = ack_forms.first
    first.locator("input[name=note]").fill("ticket NOC-4711: PLN power cut")
    with s.page.expect_navigation():
        first.locator("button").click()
    assert s.page.locator("#outages .chip.ack", has_text="test-noc").count() == 1
    assert "ticket NOC-4711" in s.page.locator("#outages").inner_text()
    assert s.page.locator("#outages form.ack-form").count() == before - 1
    s.shot("outage-acknowledged")


def test_an_auditor_downloads_a_signed_report_that_verifies(session: object, app: LiveApp, tmp_path: Path) -> None:
    from kotanet.slas.signing import verify

    s = session("auditor")  # type: ignore[operator]
    s.goto("/reports")
    with s.page.expect_navigation():
        s.page.locator("form[action='/reports'] button.primary").click()
    link = s.page.locator("a.download").first
    with s.page.expect_download() as dl:
        link.click()
    zipped = tmp_path / "report.zip"
    dl.value.save_as(zipped)
    s.shot("reports")
    out = tmp_path / "report"
    with zipfile.ZipFile(zipped) as zf:
        zf.extractall(out)
    root = next((p.parent for p in out.rglob("manifest.json")), None)
    assert root is not None, sorted(str(p) for p in out.rglob("*"))
    result = verify(root, trusted_key=app.key_dir / "kotanet-sla.pub")
    assert result.ok and result.trusted, result.problems
    # a changed byte is caught: the download is what was signed, not merely well-formed
    victim = next(p for p in root.iterdir() if p.suffix == ".csv")
    victim.write_bytes(victim.read_bytes().replace(b"sla-", b"SLA-", 1))
    assert not verify(root, trusted_key=app.key_dir / "kotanet-sla.pub").ok


# ------------------------------------------------------------------------------------------ language, map


def test_switching_to_indonesian_sticks_to_the_user(session: object, app: LiveApp) -> None:
    s = session("engineer")  # type: ignore[operator]
    s.goto("/plan")
    with s.page.expect_navigation():
        s.page.click("button.lang[value=id]")
    assert urlsplit(s.page.url).path == "/plan"
    assert s.page.locator("html").get_attribute("lang") == "id"
    nav = s.page.locator("header nav").inner_text()
    assert "Pemeliharaan" in nav and "Maintenance" not in nav
    s.shot("plan-id")
    again = session("engineer")  # type: ignore[operator]  # a new login of the same user: still Indonesian
    assert again.page.locator("html").get_attribute("lang") == "id"
    again.shot("overview-id")
    with again.page.expect_navigation():
        again.page.click("button.lang[value=en]")
    assert again.page.locator("html").get_attribute("lang") == "en"


def test_the_map_renders_with_no_network(session: object) -> None:
    s = session("noc")  # type: ignore[operator]
    s.goto("/map")
    s.page.wait_for_selector("#map .leaflet-overlay-pane path", timeout=15_000)
    paths = s.page.locator("#map .leaflet-overlay-pane path").count()
    markers = s.page.locator("#map .leaflet-marker-pane > *, #map .leaflet-overlay-pane circle, "
                             "#map path.leaflet-interactive").count()
    assert paths >= 20 and markers >= 20
    s.shot("map")
    # the session fixture asserts that nothing was requested off the server (tiles, CDNs, fonts)

