"""MOPs per route (kotanet.playbooks.mop): content in English and Indonesian, Markdown and HTML."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest

from kotanet.i18n import Lang
from kotanet.inventory import open_inventory
from kotanet.inventory.models import Inventory
from kotanet.playbooks.checks import plan_checks
from kotanet.playbooks.deploy import route_configs
from kotanet.playbooks.mop import REHEARSAL_END, REHEARSAL_START, MopFormat, RehearsalResult, render_mop
from kotanet.topology.plan import MigrationPlan, plan_migrations

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


@pytest.fixture(scope="module")
def plan(inv: Inventory) -> MigrationPlan:
    return plan_migrations(inv)


def _mop(inv: Inventory, plan: MigrationPlan, route: str, lang: Lang, fmt: MopFormat = MopFormat.MARKDOWN,
         rehearsal: RehearsalResult | None = None) -> str:
    rp = plan.route(route)
    configs = route_configs(inv, plan, rp, keep_radio_backup=False)
    checks = plan_checks(rp, {d: c.platform for d, c in configs.items()})
    return render_mop(inv, rp, configs, checks, lang=lang, fmt=fmt, total_routes=len(plan.routes),
                      rehearsal=rehearsal)


HEADINGS = {
    Lang.EN: ["Scope", "Affected sites", "Expected outage window", "Pre-checks", "Change steps", "Post-checks",
              "Rollback", "Sign-off"],
    Lang.ID: ["Lingkup", "Lokasi terdampak", "Perkiraan jendela gangguan", "Pemeriksaan awal", "Langkah perubahan",
              "Pemeriksaan akhir", "Pengembalian (rollback)", "Pengesahan"],
}


@pytest.mark.parametrize("lang", list(Lang))
def test_every_route_has_every_section_in_order(inv: Inventory, plan: MigrationPlan, lang: Lang) -> None:
    for rp in plan.routes:
        text = _mop(inv, plan, rp.route, lang)
        found = re.findall(r"^## \d\. (.+)$", text, re.M)
        assert found == HEADINGS[lang], rp.route
        assert "{" not in text.replace("{{", ""), rp.route  # no unformatted placeholder


def test_route_4_content(inv: Inventory, plan: MigrationPlan) -> None:
    rp = plan.route("4")
    configs = route_configs(inv, plan, rp, keep_radio_backup=False)
    text = _mop(inv, plan, "4", Lang.EN)
    # scope: the new links with their /30s, the retired radios
    for a in rp.addressing:
        assert f"| `{a.link}` | {a.a.device} | {a.a.interface} | {a.a_address} |" in text
    for lid in rp.retires:
        assert f"`{lid}`" in text
    # affected sites by name, with before and after
    assert "| Dinas Pertanian (Distani) | radio-only, 99.7718 % | fibre-only, 99.9074 % |" in text
    # the outage: the sites cut off during the cutover
    assert "lose service from the moment the radio goes down" in text
    outage = text.split("## 3.")[1].split("## 4.")[0]
    for site in rp.cutover_outage:
        name = inv.site(site).name  # type: ignore[union-attr]
        assert name in outage
    # the exact config of every device, verbatim in a code block
    for dev, cfg in configs.items():
        assert f"```text\n{cfg.text.rstrip()}\n```" in text, dev
    # post-checks: every check of every fibre end
    for check in plan_checks(rp, {d: c.platform for d, c in configs.items()}):
        assert f"| {check.device} |" in text and f"`{check.commands[0]}`" in text
    assert "/ping 10.255.0.14 count=5" in text
    assert "kotanet playbook deploy 4 --commit" in text
    assert "kotanet playbook deploy 4 --dry-run" in text
    assert text.count("| | | |") == 4  # four sign-off rows to fill in


def test_indonesian_mop_is_indonesian(inv: Inventory, plan: MigrationPlan) -> None:
    text = _mop(inv, plan, "4", Lang.ID)
    assert text.startswith("# Prosedur kerja (MOP): rute 4, Ketahanan Pangan - Distani + Kel. Cipaku\n")
    assert "Lokasi berikut kehilangan layanan" in text
    assert "Tetangga OSPF aktif" in text
    assert "Disetujui oleh (kepala seksi, Diskominfo)" in text
    assert "Belum digladi" in text
    for english in ("Expected result", "Sign-off", "Rollback steps", "lose service", "Not rehearsed"):
        assert english not in text


def test_route_without_outage_says_so(inv: Inventory, plan: MigrationPlan) -> None:
    quiet = [rp for rp in plan.routes if not rp.cutover_outage]
    assert quiet
    text = _mop(inv, plan, quiet[0].route, Lang.EN)
    assert "No site loses service during the cutover" in text


def test_rehearsal_slot(inv: Inventory, plan: MigrationPlan) -> None:
    empty = _mop(inv, plan, "7", Lang.EN)
    slot = empty.split(REHEARSAL_START)[1].split(REHEARSAL_END)[0]
    assert "Not rehearsed yet" in slot
    done = RehearsalResult(date=dt.date(2026, 11, 20), where="FRR digital twin", outage_s=3.25, convergence_s=1.5,
                           checks_passed=8, checks_total=8, notes=("BFD brought the fibre up in 0.9 s",))
    for lang, words in ((Lang.EN, "Rehearsed on 2026-11-20 (FRR digital twin): measured outage 3.2 s"),
                        (Lang.ID, "Digladi pada 2026-11-20 (FRR digital twin): gangguan terukur 3.2 dtk")):
        text = _mop(inv, plan, "7", lang, rehearsal=done)
        slot = text.split(REHEARSAL_START)[1].split(REHEARSAL_END)[0]
        assert words in slot
        assert "8 " in slot and "BFD brought the fibre up" in slot


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


@pytest.mark.parametrize("lang", list(Lang))
def test_html_is_self_contained_and_printable(inv: Inventory, plan: MigrationPlan, lang: Lang) -> None:
    page = _mop(inv, plan, "4", lang, MopFormat.HTML)
    parser = _Collect()
    parser.feed(page)
    assert parser.refs == []  # no external stylesheet, script, image or font
    assert "script" not in parser.tags
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang.value}">' in page
    assert "@media print" in page and "@page" in page
    assert parser.tags.count("table") == 5
    assert parser.tags.count("pre") == 5  # the automated command and four devices' configs
    assert REHEARSAL_START in page
    assert "&amp;quot;" not in page  # the configs are escaped exactly once
    assert '/ip address add address=10.255.0.14/30 interface=sfp1 comment="fo-ketahanan-pangan--distani"\n' \
        in html.unescape(page)


def test_html_escapes_inventory_text(inv: Inventory) -> None:
    sites = [s.model_copy(update={"name": "Kel. <script>alert(1)</script> & Co"}) if s.id == "kel-cipaku" else s
             for s in inv.sites]
    evil = inv.model_copy(update={"sites": sites})
    plan = plan_migrations(evil)
    page = _mop(evil, plan, "4", Lang.EN, MopFormat.HTML)
    assert "<script>" not in page
    assert "Kel. &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    md = _mop(evil, plan, "4", Lang.EN)
    assert "Kel. <script>alert(1)</script> & Co" in md  # Markdown keeps the text as written
