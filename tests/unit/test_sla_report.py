"""SLA reports on the mini inventory, with figures worked out by hand.

Mini inventory (tests/data/mini): SLA targets
  website     service:website, preset masterplan = 99.5 %, 24x7
  kec-tengah  tenant kec-tengah, objective 95 %, 24x7: its monitored sites are site:kec-tengah and
              site:kel-satu
October 2026 in Asia/Jakarta: 31 days = 744 h = 44,640 min. Seen on 24 Nov (the period is complete).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest

from kotanet.errors import UsageError
from kotanet.i18n import Lang
from kotanet.inventory.models import Inventory, MaintenanceWindow
from kotanet.inventory.source import open_inventory
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.records import Annotation, State, Transition
from kotanet.slas.engine import SlaState
from kotanet.slas.exports import render_csv_outages, render_csv_summary, render_pdf, render_xlsx
from kotanet.slas.policy import resolve_policies, select_targets, window_targets
from kotanet.slas.report import SlaReport, build_report
from tests.conftest import MINI

pytestmark = pytest.mark.unit

JKT = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=JKT)
MONTH_MIN = 31 * 24 * 60  # 44,640


def at(day: int, hour: int = 0, minute: int = 0, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=JKT)


@pytest.fixture(scope="module")
def mini() -> Inventory:
    inv = open_inventory(MINI)
    # a window on the whole department: 15 Oct 09:00-11:00 (120 min) on both of its sites
    window = MaintenanceWindow(id="mw-tenant", start=at(15, 9), end=at(15, 11), scope="tenant",  # type: ignore[arg-type]
                               refs=["kec-tengah"], reason="Router firmware")
    return inv.model_copy(update={"maintenance": [*inv.maintenance, window]})


def store_with_data() -> MemoryStore:
    s = MemoryStore()
    s.append_transitions([
        # website: up since September; down 10 Oct 09:00-14:00 = 300 min
        Transition("service:website", dt.datetime(2026, 9, 30, 12, tzinfo=JKT), State.UP),
        Transition("service:website", at(10, 9), State.DOWN, "HTTP 502"),
        Transition("service:website", at(10, 14), State.UP),
        # site kec-tengah: up since 1 Sep; down all of 20 Oct = 1,440 min
        Transition("site:kec-tengah", dt.datetime(2026, 9, 1, tzinfo=JKT), State.UP),
        Transition("site:kec-tengah", at(20), State.DOWN, "fibre cut"),
        Transition("site:kec-tengah", at(21), State.UP),
        # site kel-satu: first data on 2 Oct 00:00 (1 Oct is unknown, 1,440 min); down 15 Oct 08:00-10:00,
        # of which 09:00-10:00 falls in the maintenance window
        Transition("site:kel-satu", at(2), State.UP),
        Transition("site:kel-satu", at(15, 8), State.DOWN),
        Transition("site:kel-satu", at(15, 10), State.UP),
    ])
    s.annotate(Annotation("service:website", at(10, 10), at(10, 10), "ticket 42: web server disk full"))
    return s


@pytest.fixture(scope="module")
def report(mini: Inventory) -> SlaReport:
    return build_report(mini, store_with_data(), "2026-10", now=NOW)


def test_website_row_by_hand(report: SlaReport) -> None:
    row = next(r for r in report.rows if r.target == "website")
    # up = 44,640 - 300 = 44,340 min; availability = 44,340 / 44,640 = 0.993279... < 0.995 -> breached
    assert row.scope == "service:website"
    assert row.objective_pct == 99.5
    assert row.down_s == 300 * 60
    assert row.up_s == 44_340 * 60
    assert row.unknown_s == 0 and row.maintenance_s == 0
    assert row.availability == pytest.approx(44_340 / 44_640)
    assert row.state is SlaState.BREACHED
    # budget: 0.5 % of 44,640 min = 223.2 min; 223.2 - 300 = -76.8 min left
    assert row.budget_total_s == pytest.approx(223.2 * 60)
    assert row.budget_remaining_s == pytest.approx(-76.8 * 60)
    assert len(row.outages) == 1
    o = row.outages[0]
    assert (o.member, o.start, o.end, o.duration_s) == ("service:website", at(10, 9), at(10, 14), 300 * 60)
    assert o.annotation == "ticket 42: web server disk full"
    assert not row.aggregated


def test_tenant_row_is_time_weighted_over_its_sites(report: SlaReport) -> None:
    row = next(r for r in report.rows if r.target == "kec-tengah")
    assert row.scope == "tenant:kec-tengah"
    assert [m.member for m in row.members] == ["site:kec-tengah", "site:kel-satu"]
    kt, ks = row.members
    # site:kec-tengah: maintenance 120 (up anyway), down 1,440; up = 44,640 - 120 - 1,440 = 43,080
    #   availability = 43,080 / 44,520 = 0.967655
    assert (kt.maintenance_s, kt.down_s, kt.unknown_s) == (120 * 60, 1440 * 60, 0)
    assert kt.up_s == 43_080 * 60
    assert kt.availability == pytest.approx(43_080 / 44_520)
    # site:kel-satu: unknown 1 Oct = 1,440; maintenance 120; down 08:00-09:00 = 60 (09:00-10:00 is maintenance)
    #   up = 44,640 - 1,440 - 120 - 60 = 43,020; availability = 43,020 / 43,080 = 0.998607
    assert (ks.unknown_s, ks.maintenance_s, ks.down_s) == (1440 * 60, 120 * 60, 60 * 60)
    assert ks.up_s == 43_020 * 60
    assert ks.availability == pytest.approx(43_020 / 43_080)
    # aggregate: Σup = 86,100; Σdown = 1,500; 86,100 / 87,600 = 0.982877 >= 0.95 -> met
    # (NOT the mean of the two site figures, (0.967655 + 0.998607) / 2 = 0.983131)
    assert row.availability == pytest.approx(86_100 / 87_600)
    assert row.state is SlaState.MET
    assert (row.down_s, row.unknown_s, row.maintenance_s) == (1500 * 60, 1440 * 60, 240 * 60)
    # budget: 5 % of the two sites' countable time, 2 x (44,640 - 120) = 89,040 min -> 4,452 min; left 2,952
    assert row.budget_total_s == pytest.approx(4452 * 60)
    assert row.budget_remaining_s == pytest.approx(2952 * 60)
    # outages in time order: kel-satu 15 Oct 08:00-09:00 (cut by the window), kec-tengah 20 Oct (1,440 min)
    assert [(o.member, o.start, o.end, o.duration_s / 60) for o in row.outages] == [
        ("site:kel-satu", at(15, 8), at(15, 9), 60),
        ("site:kec-tengah", at(20), at(21), 1440),
    ]
    assert row.aggregated


def test_report_facts(report: SlaReport) -> None:
    assert report.period.label == "2026-10" and report.complete
    assert report.generated_at == NOW
    # first transition inside October: kel-satu 2 Oct 00:00; last: kec-tengah 21 Oct 00:00
    assert report.data_range == (at(2), at(21))
    assert report.flap_rule == "3 consecutive failures open an outage, 2 successes close it"
    assert report.counts()[SlaState.BREACHED] == 1 and report.counts()[SlaState.MET] == 1
    d = report.to_dict()
    assert d["period"] == "2026-10" and len(d["rows"]) == 2  # type: ignore[arg-type]


def test_tenant_breaches_when_the_sum_falls_below_its_objective(mini: Inventory) -> None:
    s = MemoryStore()
    # both sites up since September; kec-tengah down 3 days (4,320 min) and kel-satu down 2 days (2,880 min)
    s.append_transitions([
        Transition("site:kec-tengah", dt.datetime(2026, 9, 1, tzinfo=JKT), State.UP),
        Transition("site:kel-satu", dt.datetime(2026, 9, 1, tzinfo=JKT), State.UP),
        Transition("site:kec-tengah", at(1), State.DOWN), Transition("site:kec-tengah", at(4), State.UP),
        Transition("site:kel-satu", at(1), State.DOWN), Transition("site:kel-satu", at(3), State.UP),
    ])
    row = build_report(mini, s, "2026-10", now=NOW, scope="kec-tengah").rows[0]
    # counted per site: 44,640 - 120 maintenance = 44,520; up = 40,200 + 41,640 = 81,840; bad = 7,200
    # 81,840 / 89,040 = 0.919137 < 0.95 -> breached
    assert row.availability == pytest.approx(81_840 / 89_040)
    assert row.state is SlaState.BREACHED


def test_empty_store_gives_a_valid_report_with_all_time_unknown(mini: Inventory) -> None:
    rep = build_report(mini, MemoryStore(), "2026-10", now=NOW)
    web = next(r for r in rep.rows if r.target == "website")
    assert web.unknown_s == MONTH_MIN * 60
    assert web.availability is None and web.state is SlaState.NO_DATA
    ten = next(r for r in rep.rows if r.target == "kec-tengah")
    assert ten.unknown_s == 2 * (MONTH_MIN - 120) * 60 and ten.maintenance_s == 2 * 120 * 60
    assert ten.state is SlaState.NO_DATA and ten.availability is None
    assert rep.data_range is None
    # the exports still render
    assert render_csv_summary(rep).startswith(b"SLA target,")
    assert render_pdf(rep).startswith(b"%PDF")


def test_running_period(mini: Inventory) -> None:
    # November seen on 24 Nov 08:00: website up since September, down 1 Nov 00:00-02:00 (120 min)
    s = MemoryStore()
    s.append_transitions([
        Transition("service:website", dt.datetime(2026, 9, 1, tzinfo=JKT), State.UP),
        Transition("service:website", at(1, 0, month=11), State.DOWN),
        Transition("service:website", at(1, 2, month=11), State.UP),
    ])
    row = build_report(mini, s, "2026-11", now=NOW, scope="website").rows[0]
    # budget = 0.5 % of 43,200 min = 216 min; consumed 120; left 96 min = 44 % (> 25 %);
    # elapsed = 23 d 8 h = 33,600 min; burn = (120 / 33,600) / 0.005 = 0.714 <= 1 -> met
    assert row.budget_remaining_s == pytest.approx(96 * 60)
    assert row.not_elapsed_s == (43_200 - 33_600) * 60
    assert row.state is SlaState.MET


def test_future_period_is_refused(mini: Inventory) -> None:
    with pytest.raises(UsageError, match="in the future"):
        build_report(mini, MemoryStore(), "2026-12", now=NOW)
    with pytest.raises(UsageError, match="bad period"):
        build_report(mini, MemoryStore(), "2026-13", now=NOW)


@pytest.mark.parametrize(("scope", "expected"), [
    (None, ["website", "kec-tengah"]),
    ("website", ["website"]),
    ("service:website", ["website"]),
    ("site:kel-satu", ["kec-tengah"]),
    ("tenant:kec-tengah", ["kec-tengah"]),
])
def test_select_targets(mini: Inventory, scope: str | None, expected: list[str]) -> None:
    assert [t.id for t in select_targets(mini, scope)] == expected


@pytest.mark.parametrize("scope", ["site:nowhere", "tenant:kominfo", "bogus:x", "nothing", "link:fo-dc--bts-01"])
def test_scope_matching_nothing_names_the_forms(mini: Inventory, scope: str) -> None:
    with pytest.raises(UsageError, match=r"service:ID, site:ID, link:ID, tenant:ID"):
        select_targets(mini, scope)


def test_policy_resolves_windows_per_member(mini: Inventory) -> None:
    by_id = {w.id: w for w in mini.maintenance}
    assert window_targets(mini, by_id["mw-1"]) == {"link:fo-dc--bts-01"}
    assert window_targets(mini, by_id["mw-tenant"]) == {"site:kec-tengah", "site:kel-satu"}
    web, ten = resolve_policies(mini, mini.sla_targets)
    assert web.members == ("service:website",) and web.windows_for("service:website") == ()
    assert (web.objective_pct, web.tz, web.service_hours_text()) == (99.5, "Asia/Jakarta", "24x7")
    assert ten.objective_pct == 95.0
    assert [w.id for w in ten.windows_for("site:kel-satu")] == ["mw-tenant"]


def test_exports_are_byte_deterministic_and_localised(mini: Inventory) -> None:
    a = build_report(mini, store_with_data(), "2026-10", now=NOW, lang=Lang.ID)
    b = build_report(mini, store_with_data(), "2026-10", now=NOW, lang=Lang.ID)
    for render in (render_csv_summary, render_csv_outages, render_xlsx, render_pdf):
        assert render(a) == render(b), render.__name__
    rows = list(csv.reader(io.StringIO(render_csv_summary(a).decode())))
    assert rows[0][:3] == ["target SLA", "nama", "cakupan"]
    assert rows[1][0] == "website" and rows[1][8] == "99.3280" and rows[1][9] == "breached"
    # the tenant line, then one line per site
    assert [r[3] for r in rows[2:]] == ["", "site:kec-tengah", "site:kel-satu"]
    outages = list(csv.reader(io.StringIO(render_csv_outages(a).decode())))
    assert len(outages) == 4 and outages[1][4] == "300.00"
    with zipfile.ZipFile(io.BytesIO(render_xlsx(a))) as z:
        assert all(i.date_time[:3] == (2026, 11, 24) for i in z.infolist())
