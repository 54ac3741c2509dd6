"""The map: a self-contained Leaflet page and a static SVG, drawn from the mini inventory."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from kotanet.inventory import YamlDirSource, open_inventory
from kotanet.inventory.choices import DeviceRole, LinkMedium, LinkStatus, Platform
from kotanet.inventory.models import Device, Endpoint, FibreAttrs, Interface, Inventory, Link
from kotanet.topology.analysis import NetworkAnalysis, analyze
from kotanet.topology.graph import state_after
from kotanet.topology.mapview import (
    CLASS_COLOURS,
    LEAFLET_VERSION,
    MEDIUM_STYLES,
    build_scene,
    leaflet_assets,
    render_html,
    render_svg,
    script_json,
)

pytestmark = pytest.mark.unit

MINI = Path(__file__).resolve().parent.parent / "data" / "mini"
SVG_NS = "{http://www.w3.org/2000/svg}"
NASTY = '</script><b>&"\'\u2028<!--'


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return YamlDirSource(MINI).load()


@pytest.fixture(scope="module")
def analysis(inv: Inventory) -> NetworkAnalysis:
    return analyze(inv)


@pytest.fixture(scope="module")
def page(inv: Inventory, analysis: NetworkAnalysis) -> str:
    return render_html(inv, analysis)


@pytest.fixture(scope="module")
def svg(inv: Inventory, analysis: NetworkAnalysis) -> str:
    return render_svg(inv, analysis)


def embedded(page: str) -> dict[str, Any]:
    blocks = re.findall(r'<script type="application/json" id="kotanet-data">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert isinstance(data, dict)
    return data


def by_id(items: Any) -> dict[str, Any]:
    assert isinstance(items, list)
    return {item["id"]: item for item in items}


def svg_elements(text: str, cls: str) -> list[ET.Element]:
    root = ET.fromstring(text.encode("utf-8"))
    return [el for el in root.iter() if el.get("class") == cls]


# --- HTML: self-contained -------------------------------------------------------------------------


def test_page_loads_nothing_from_the_network(page: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    _, leaflet_js = leaflet_assets()
    ours = page.replace(leaflet_js, "")
    assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", ours, re.IGNORECASE)
    assert set(re.findall(r"https?://[^\s\"'<>)]*", ours)) == {"http://www.w3.org/2000/svg"}  # a namespace name
    # Leaflet itself names the SVG namespace and links its home page in the attribution prefix, which the page
    # replaces; it loads nothing
    assert set(re.findall(r"https?://[^\s\"'<>)]*", leaflet_js)) == {"http://www.w3.org/2000/svg",
                                                                     "https://leafletjs.com"}
    assert 'setPrefix("Leaflet "' in page
    assert "@import" not in page
    assert "sourceMappingURL" not in page
    # every CSS url() is inlined (data:) or a same-document reference (Leaflet's old-IE VML behaviour)
    urls = re.findall(r"url\(\s*[\"']?([^\"')]*)", page)
    assert urls
    assert all(u.startswith(("data:", "#")) for u in urls), [u for u in urls if not u.startswith(("data:", "#"))]
    # and the browser is told so: nothing but inline script, inline style and data: images
    assert "default-src 'none'" in page
    assert "tilelayer" not in page.rsplit("<script>", maxsplit=1)[-1].lower()


def test_leaflet_is_inlined(page: str) -> None:
    css, js = leaflet_assets()
    assert f"Leaflet {LEAFLET_VERSION}" in js
    assert js in page
    assert css in page
    assert ".leaflet-container" in css
    assert 'url("data:image/png;base64,' in css


def test_every_site_and_link_is_in_the_data(inv: Inventory, page: str) -> None:
    data = embedded(page)
    assert set(by_id(data["sites"])) == {s.id for s in inv.sites}
    assert set(by_id(data["links"])) == {lk.id for lk in inv.links}
    for link in by_id(data["links"]).values():
        assert link["drawn"] is True
        assert len(link["pts"]) >= 2


def test_title_and_state(inv: Inventory, page: str) -> None:
    title = f"kotanet — {inv.settings.name} (today)"
    assert f"<title>{title}</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert embedded(page)["state"] == "today"


def test_planned_link_is_dashed_and_active_one_is_not(page: str) -> None:
    links = by_id(embedded(page)["links"])
    planned, active = links["fo-kec-tengah--kel-satu"], links["fo-dc--kec-tengah"]
    assert planned["status"] == "planned"
    assert planned["style"]["dashArray"]
    assert active["status"] == "active"
    assert active["style"]["dashArray"] is None
    assert active["style"]["color"] == planned["style"]["color"] == MEDIUM_STYLES[LinkMedium.FIBRE].colour


def test_media_have_their_own_styles(page: str) -> None:
    links = by_id(embedded(page)["links"])
    fibre = links["fo-dc--kec-tengah"]["style"]
    radio = links["r24-bts-01--kel-satu"]["style"]
    leased = links["ll-dc--drc"]["style"]
    assert fibre["color"] == "#1764c0"
    assert radio["color"] == MEDIUM_STYLES[LinkMedium.RADIO_2_4].colour
    assert radio["weight"] < fibre["weight"]
    assert leased["dashArray"] == MEDIUM_STYLES[LinkMedium.LEASED_LINE].dash  # dash-dot
    assert len({fibre["color"], radio["color"], leased["color"], MEDIUM_STYLES[LinkMedium.RADIO_5_8].colour}) == 4


def test_sites_are_coloured_by_class(analysis: NetworkAnalysis, page: str) -> None:
    sites = by_id(embedded(page)["sites"])
    for sid, site in sites.items():
        cls = analysis.sites[sid].cls.value
        assert site["cls"] == cls
        assert site["style"]["fillColor"] == CLASS_COLOURS[cls]
    assert sites["kel-satu"]["cls"] == "radio-only"
    assert sites["kel-satu"]["style"]["fillColor"] == "#e3242b"
    assert sites["dc"]["style"]["fillColor"] == CLASS_COLOURS["fibre-redundant"]
    assert len(set(CLASS_COLOURS.values())) == 5


def test_dc_and_drc_stand_out(page: str) -> None:
    sites = by_id(embedded(page)["sites"])
    office = sites["kel-satu"]["style"]
    for sid, label in (("dc", "DC"), ("drc", "DRC")):
        hub = sites[sid]["style"]
        assert sites[sid]["label"] == label
        assert hub["radius"] > office["radius"]
        assert hub["weight"] > office["weight"]
        assert hub["color"] != office["color"]
    assert sites["bts-01"]["style"]["shape"] == "triangle"


def test_popup_rows(analysis: NetworkAnalysis, page: str) -> None:
    sites = by_id(embedded(page)["sites"])
    rows = dict(sites["kel-satu"]["rows"])
    sa = analysis.sites["kel-satu"]
    assert rows["kind"] == "kelurahan office"
    assert rows["class"] == "radio-only"
    assert rows["availability to DC"] == f"{100 * sa.availability.value:.4f} %"
    assert rows["single points of failure"] == ", ".join([*sa.spof_sites, *sa.spof_links])
    assert rows["coordinates"].endswith("(approximate)")
    link = dict(by_id(embedded(page)["links"])["r24-bts-01--kel-satu"]["rows"])
    assert link["medium"] == "radio 2.4 GHz"
    assert link["status"].startswith("active; up")


def test_legend_and_regions(page: str) -> None:
    legend = re.search(r'<div id="kn-legend" class="kn-legend">(.*?)</div>', page, re.DOTALL)
    assert legend
    for text in ("radio-only", "fibre-redundant", "fibre", "radio 2.4 GHz", "leased line", "planned (dashed)",
                 "Coordinates are approximate for 5 of 5 sites."):
        assert text in legend.group(1)
    regions = {r["name"]: (r["lat"], r["lon"]) for r in embedded(page)["regions"]}
    assert set(regions) == {"Tengah", "Utara"}
    assert regions["Utara"] == (-6.56, 106.8)  # the DRC alone
    assert regions["Tengah"] == pytest.approx((-6.606, 106.7985))


def test_fit_and_bounds(inv: Inventory, page: str) -> None:
    data = embedded(page)
    assert data["fit"] == [[-6.62, 106.79], [-6.56, 106.81]]
    assert data["bounds"] == [[-6.67, 106.74], [-6.51, 106.85]]


# --- state --------------------------------------------------------------------------------------------


def test_after_the_plan(inv: Inventory) -> None:
    a = analyze(inv, state_after(inv, ["1"]))
    page = render_html(inv, a)
    assert "kotanet — Mini city (after 1)" in page
    links = by_id(embedded(page)["links"])
    radio, fibre = links["r24-bts-01--kel-satu"], links["fo-kec-tengah--kel-satu"]
    assert radio["up"] is False
    assert radio["display"] == "out of service"
    assert radio["style"]["opacity"] < 0.5
    assert fibre["up"] is True
    assert "planned (dashed), now up" in page


def test_radio_kept_as_backup_is_thinner(inv: Inventory) -> None:
    a = analyze(inv, state_after(inv, ["1"], keep_radio_backup=True))
    links = by_id(embedded(render_html(inv, a))["links"])
    radio = links["r24-bts-01--kel-satu"]
    assert radio["backup"] is True
    assert radio["style"]["weight"] < MEDIUM_STYLES[LinkMedium.RADIO_2_4].weight
    assert "(backup)" in radio["tip"]


def test_retired_link_is_faint_and_dotted(inv: Inventory) -> None:
    retired = inv.model_copy(update={"links": [lk.model_copy(update={"status": LinkStatus.RETIRED})
                                               if lk.id == "ll-dc--drc" else lk for lk in inv.links]})
    link = by_id(embedded(render_html(retired, analyze(retired)))["links"])["ll-dc--drc"]
    assert link["display"] == "retired"
    assert link["style"]["dashArray"] == "1 7"
    assert link["style"]["opacity"] < 0.5


# --- escaping -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nasty(inv: Inventory) -> Inventory:
    sites = [s.model_copy(update={"name": f"Kel. {NASTY}", "address": NASTY}) if s.id == "kel-satu" else s
             for s in inv.sites]
    settings = inv.settings.model_copy(update={"name": f"<i>Kota</i> & {NASTY}"})
    return inv.model_copy(update={"sites": sites, "settings": settings})


def test_names_are_escaped_in_html(nasty: Inventory) -> None:
    page = render_html(nasty, analyze(nasty))
    assert "<b>" not in page
    assert "<i>Kota</i>" not in page
    assert "\u2028" not in page.split('id="kotanet-data">')[1]  # a raw line separator would end a JS string
    # the only </script> are the closing tags of the page's three script blocks
    assert page.lower().count("</script") == 3
    assert page.count("<!--") == 0
    assert "<title>kotanet — &lt;i&gt;Kota&lt;/i&gt; &amp; &lt;/script&gt;&lt;b&gt;&amp;&quot;&#x27;" in page
    sites = by_id(embedded(page)["sites"])
    assert sites["kel-satu"]["name"] == f"Kel. {NASTY}"  # JSON.parse gives the name back unchanged
    assert dict(sites["kel-satu"]["rows"])["address"] == NASTY


def test_names_are_escaped_in_svg(nasty: Inventory) -> None:
    text = render_svg(nasty, analyze(nasty))
    root = ET.fromstring(text.encode("utf-8"))
    titles = [el.text or "" for el in root.iter(f"{SVG_NS}title")]
    assert any(f"Kel. {NASTY}" in t for t in titles)
    assert f"<i>Kota</i> & {NASTY}" in titles[0]  # the document's own <title> comes first


def test_script_json() -> None:
    text = script_json({"a": "</script><!--&\u2028\u2029>"})
    for char in "<>&\u2028\u2029":
        assert char not in text
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029>"}


def test_control_characters_do_not_break_the_svg(inv: Inventory) -> None:
    sites = [s.model_copy(update={"name": "Kel.\x01 Satu\x1f"}) if s.id == "kel-satu" else s for s in inv.sites]
    odd = inv.model_copy(update={"sites": sites})
    ET.fromstring(render_svg(odd, analyze(odd)).encode("utf-8"))


# --- SVG ----------------------------------------------------------------------------------------------


def test_svg_has_one_element_per_site_and_drawn_link(inv: Inventory, svg: str) -> None:
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("width") == "1200"
    sites = svg_elements(svg, "site")
    links = svg_elements(svg, "link")
    assert sorted(el.get("id", "") for el in sites) == sorted(f"site-{s.id}" for s in inv.sites)
    assert sorted(el.get("id", "") for el in links) == sorted(f"link-{lk.id}" for lk in inv.links)
    by = {el.get("id"): el for el in links}
    assert by["link-fo-kec-tengah--kel-satu"].get("stroke-dasharray")
    assert by["link-fo-dc--kec-tengah"].get("stroke-dasharray") is None
    colours = {el.get("id"): el.get("fill") for el in sites}
    assert colours["site-kel-satu"] == CLASS_COLOURS["radio-only"]
    assert colours["site-dc"] == CLASS_COLOURS["fibre-redundant"]
    assert root.findtext(f"{SVG_NS}title") == "kotanet — Mini city (today)"
    assert root.find(f".//{SVG_NS}g[@id='legend']") is not None


def test_svg_draws_links_before_sites(svg: str) -> None:
    assert svg.index('class="link"') < svg.index('class="site"')


def test_svg_sites_lie_inside_the_map(svg: str) -> None:
    root = ET.fromstring(svg.encode("utf-8"))
    frame = root.find(f"{SVG_NS}g[@id='background']/{SVG_NS}rect")
    assert frame is not None
    x0, y0 = float(frame.get("x", 0)), float(frame.get("y", 0))
    x1, y1 = x0 + float(frame.get("width", 0)), y0 + float(frame.get("height", 0))
    for el in svg_elements(svg, "site"):
        if el.tag == f"{SVG_NS}circle":
            x, y = float(el.get("cx", 0)), float(el.get("cy", 0))
            assert x0 < x < x1
            assert y0 < y < y1
    assert x1 <= 1200 - 260


# --- edge cases ---------------------------------------------------------------------------------------


def test_sites_at_one_point_are_drawn_apart(inv: Inventory) -> None:
    dc = next(s for s in inv.sites if s.id == "dc")
    sites = [s.model_copy(update={"latitude": dc.latitude, "longitude": dc.longitude}) if s.id == "kec-tengah" else s
             for s in inv.sites]
    moved = inv.model_copy(update={"sites": sites})
    a = analyze(moved)
    marks = {m.id: m for m in build_scene(moved, a).sites}
    assert marks["dc"].nudge == (0.0, 0.0)
    assert marks["kec-tengah"].nudge != (0.0, 0.0)
    assert dict(marks["kec-tengah"].rows)["same point as"] == "Data Centre (dc)"
    site = by_id(embedded(render_html(moved, a))["sites"])["kec-tengah"]
    assert "dx" in site["style"]
    assert 'class="leader"' in render_svg(moved, a)


def test_link_inside_one_site_is_listed_not_drawn(inv: Inventory) -> None:
    dev = Device(id="dc-r2", site="dc", role=DeviceRole.CORE_ROUTER, platform=Platform.IOS,
                 interfaces=[Interface(name="Gi0/0/0")])
    lk = Link(id="x-dc-core", a=Endpoint(device="dc-r1", interface="Gi0/0/3"),
              b=Endpoint(device="dc-r2", interface="Gi0/0/0"), medium=LinkMedium.FIBRE,
              fibre=FibreAttrs(length_km=0.01))
    more = inv.model_copy(update={"devices": [*inv.devices, dev], "links": [*inv.links, lk]})
    a = analyze(more)
    link = by_id(embedded(render_html(more, a))["links"])["x-dc-core"]
    assert link["drawn"] is False
    assert link["pts"] == []
    assert "link-x-dc-core" not in render_svg(more, a)


def test_no_bounds_and_partial_analysis(inv: Inventory) -> None:
    bare = inv.model_copy(update={"settings": inv.settings.model_copy(update={"bounds": None})})
    a = analyze(bare, sites=["dc", "kel-satu"])
    data = embedded(render_html(bare, a))
    assert data["bounds"] is None
    sites = by_id(data["sites"])
    assert sites["bts-01"]["cls"] == "not analysed"
    assert sites["kel-satu"]["cls"] == "radio-only"
    ET.fromstring(render_svg(bare, a).encode("utf-8"))


def test_output_is_deterministic(inv: Inventory, analysis: NetworkAnalysis, page: str, svg: str) -> None:
    again = YamlDirSource(MINI).load()
    a = analyze(again)
    assert render_html(again, a) == page
    assert render_svg(again, a) == svg
    assert render_html(inv, analysis) == page


def test_embedded_bogor_dataset_renders() -> None:
    try:
        inv = open_inventory(None)
    except Exception as exc:  # the dataset is still being built elsewhere
        pytest.skip(f"embedded dataset does not load: {exc}")
    a = analyze(inv)
    data = embedded(render_html(inv, a))
    assert len(data["sites"]) == len(inv.sites)
    root = ET.fromstring(render_svg(inv, a).encode("utf-8"))
    assert len([el for el in root.iter() if el.get("class") == "site"]) == len(inv.sites)


def test_vendored_leaflet_matches_the_pinned_version() -> None:
    root = Path(__file__).resolve().parent.parent.parent
    assets = root / "kotanet" / "topology" / "assets" / "leaflet"
    assert (assets / "VERSION").read_text(encoding="utf-8").splitlines()[0] == f"leaflet {LEAFLET_VERSION}"
    assert "Copyright" in (assets / "LICENSE").read_text(encoding="utf-8")
    assert f"VERSION=${{1:-{LEAFLET_VERSION}}}" in (root / "scripts" / "vendor-leaflet").read_text(encoding="utf-8")
