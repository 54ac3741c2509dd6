"""The backbone on a map: one self-contained Leaflet page (works with no internet) and a static SVG. Pure.

Both pictures are drawn from the same scene (`build_scene`): sites coloured by redundancy class and shaped
by kind, links styled by medium (colour, width) and by status (planned dashed, retired or out of service in
the analysed state faint dotted, radios kept as backup thinner), kecamatan labels at the centroid of their
sites, a background grid and the inventory's `settings.bounds`. There is no tile layer: the page must work in
a NOC without internet, so Leaflet (vendored by `scripts/vendor-leaflet`) and its CSS are inlined into the
page, and the data is embedded as JSON. Nothing from the inventory ever reaches the page as HTML: the JSON is
escaped for a <script> block and the page's script builds popups and tooltips with `textContent`.

    render_html(inv, analysis) -> str   # Leaflet page
    render_svg(inv, analysis) -> str    # ~1200 px wide picture for reports

The same input gives the same bytes (no clock, no randomness, fixed number formats).
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kotanet.inventory.choices import LinkMedium, LinkStatus, SiteKind
from kotanet.inventory.models import Inventory, Link, Site
from kotanet.topology.analysis import NetworkAnalysis, RedundancyClass, SiteAnalysis
from kotanet.topology.budget import haversine_km
from kotanet.topology.reliability import Method

__all__ = [
    "CLASS_COLOURS",
    "LEAFLET_VERSION",
    "MEDIUM_STYLES",
    "LinkLine",
    "Scene",
    "SiteMark",
    "build_scene",
    "leaflet_assets",
    "render_html",
    "render_svg",
    "script_json",
]

LEAFLET_VERSION = "1.9.4"  # keep in step with scripts/vendor-leaflet
_ASSETS = "assets/leaflet"

# ----------------------------------------------------------------------------------------------- styles

CLASS_COLOURS: dict[str, str] = {
    RedundancyClass.UNREACHABLE.value: "#7a0010",  # dark red
    RedundancyClass.RADIO_ONLY.value: "#e3242b",  # red
    RedundancyClass.FIBRE_ONLY.value: "#f7931e",  # orange
    RedundancyClass.FIBRE_RADIO.value: "#3aa84a",  # green
    RedundancyClass.FIBRE_REDUNDANT.value: "#0b5d2a",  # dark green
}
NOT_ANALYSED = "not analysed"
NOT_ANALYSED_COLOUR = "#b0b7bf"
MANHOLE_FILL = "#9aa1a8"
INK = "#101820"  # outlines of the DC, DRC, hubs and towers


@dataclass(frozen=True, slots=True)
class MediumStyle:
    label: str
    colour: str
    weight: float
    dash: str | None  # the medium's own pattern when active (leased line: dash-dot)
    planned_dash: str


MEDIUM_STYLES: dict[LinkMedium, MediumStyle] = {
    LinkMedium.FIBRE: MediumStyle("fibre", "#1764c0", 4.0, None, "9 6"),
    LinkMedium.RADIO_5_8: MediumStyle("radio 5.8 GHz", "#f28c00", 2.5, None, "7 5"),
    LinkMedium.RADIO_2_4: MediumStyle("radio 2.4 GHz", "#8e3fb3", 2.5, None, "7 5"),
    LinkMedium.LEASED_LINE: MediumStyle("leased line", "#5f6b75", 3.0, "10 4 2 4", "14 7 2 7"),
}
RETIRED_DASH = "1 7"
RETIRED_OPACITY = 0.4
ACTIVE_OPACITY = 0.9

KIND_LABELS: dict[SiteKind, str] = {
    SiteKind.DATA_CENTRE: "data centre",
    SiteKind.DRC: "DRC",
    SiteKind.NOC: "NOC",
    SiteKind.CITY_HALL: "city hall",
    SiteKind.KECAMATAN: "kecamatan office",
    SiteKind.KELURAHAN: "kelurahan office",
    SiteKind.DEPARTMENT: "department (OPD)",
    SiteKind.TOWER: "tower (BTS)",
    SiteKind.MANHOLE: "manhole (passive, not classed)",
}


@dataclass(frozen=True, slots=True)
class KindStyle:
    shape: str  # circle | triangle | square
    size: float  # circle: radius; triangle and square: side, in px
    outline: str
    weight: float
    rank: int  # drawing order: low first; the larger marks below the smaller


KIND_STYLES: dict[SiteKind, KindStyle] = {
    SiteKind.DATA_CENTRE: KindStyle("circle", 11.0, INK, 3.5, 0),
    SiteKind.DRC: KindStyle("circle", 10.0, INK, 3.5, 0),
    SiteKind.NOC: KindStyle("circle", 7.0, INK, 2.0, 2),
    SiteKind.CITY_HALL: KindStyle("circle", 7.0, INK, 2.0, 2),
    SiteKind.KECAMATAN: KindStyle("circle", 7.0, INK, 2.0, 2),
    SiteKind.TOWER: KindStyle("triangle", 15.0, INK, 1.5, 1),
    SiteKind.DEPARTMENT: KindStyle("circle", 5.5, "#ffffff", 1.5, 3),
    SiteKind.KELURAHAN: KindStyle("circle", 4.5, "#ffffff", 1.2, 4),
    SiteKind.MANHOLE: KindStyle("square", 7.0, "#4b5259", 1.0, 5),
}
HUB_LABELS: dict[SiteKind, str] = {SiteKind.DATA_CENTRE: "DC", SiteKind.DRC: "DRC"}
_NUDGE_ANGLES = (135.0, 225.0, 90.0, 270.0, 45.0, 315.0, 180.0, 0.0)  # screen degrees, y down: down-left first


def _half(st: KindStyle) -> float:
    """Half the extent of a site's mark in px (a triangle's circumradius)."""
    return st.size if st.shape == "circle" else st.size / math.sqrt(3) if st.shape == "triangle" else st.size / 2

# ------------------------------------------------------------------------------------------------ scene


@dataclass(frozen=True, slots=True)
class SiteMark:
    id: str
    name: str
    kind: SiteKind
    cls: str  # a RedundancyClass value, or "not analysed"
    lat: float
    lon: float
    approximate: bool
    fill: str
    style: KindStyle
    label: str | None  # permanent label (DC, DRC)
    rows: tuple[tuple[str, str], ...]
    nudge: tuple[float, float] = (0.0, 0.0)  # px: drawn beside another site at the same point, on a leader line

    def to_json(self) -> dict[str, object]:
        st = self.style
        style: dict[str, object] = {"shape": st.shape, "color": st.outline, "weight": st.weight,
                                    "fillColor": self.fill, "opacity": 1, "fillOpacity": 1}
        style["radius" if st.shape == "circle" else "size"] = st.size
        if self.nudge != (0.0, 0.0):
            style["dx"], style["dy"] = self.nudge
        return {"id": self.id, "name": self.name, "kind": self.kind.value, "cls": self.cls, "lat": self.lat,
                "lon": self.lon, "approx": self.approximate, "label": self.label, "style": style,
                "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True, slots=True)
class LinkLine:
    id: str
    medium: LinkMedium
    status: LinkStatus
    display: str  # active | planned | retired | out of service (active link not up in the analysed state)
    up: bool
    backup: bool
    sites: tuple[str, str] | None  # None when an end's device or site is unknown
    points: tuple[tuple[float, float], ...]  # empty when not drawn (both ends at one site)
    colour: str
    weight: float
    opacity: float
    dash: str | None
    tooltip: str
    rows: tuple[tuple[str, str], ...]

    @property
    def drawn(self) -> bool:
        return len(self.points) >= 2

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "medium": self.medium.value, "status": self.status.value, "display": self.display,
                "up": self.up, "backup": self.backup, "drawn": self.drawn,
                "sites": list(self.sites) if self.sites else None, "pts": [list(p) for p in self.points],
                "style": {"color": self.colour, "weight": self.weight, "opacity": self.opacity,
                          "dashArray": self.dash},
                "tip": self.tooltip, "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True, slots=True)
class Scene:
    title: str
    subtitle: str
    state: str
    sites: tuple[SiteMark, ...]  # in drawing order
    links: tuple[LinkLine, ...]  # in drawing order
    regions: tuple[tuple[str, float, float], ...]  # kecamatan name, centroid lat, lon
    extent: tuple[float, float, float, float]  # south, west, north, east: sites, bounds and a margin
    fit: tuple[float, float, float, float] | None  # the sites' extent
    bounds: tuple[float, float, float, float] | None
    grid_step: float
    class_counts: tuple[tuple[str, int], ...]
    kind_counts: tuple[tuple[SiteKind, int], ...]
    medium_counts: tuple[tuple[LinkMedium, int], ...]
    display_counts: tuple[tuple[str, int], ...]
    backups: int
    approximate: int
    planned_up: int = 0

    def to_json(self) -> dict[str, object]:
        s, w, n, e = self.extent
        return {
            "title": self.title, "subtitle": self.subtitle, "state": self.state,
            "extent": [[s, w], [n, e]],
            "fit": [[self.fit[0], self.fit[1]], [self.fit[2], self.fit[3]]] if self.fit else None,
            "bounds": [[self.bounds[0], self.bounds[1]], [self.bounds[2], self.bounds[3]]] if self.bounds else None,
            "grid": self.grid_step,
            "regions": [{"name": name, "lat": lat, "lon": lon} for name, lat, lon in self.regions],
            "media": {m.value: MEDIUM_STYLES[m].label for m in MEDIUM_STYLES},
            "sites": [s.to_json() for s in self.sites],
            "links": [lk.to_json() for lk in self.links],
        }


def _pct(x: float, digits: int = 4) -> str:
    return f"{100 * x:.{digits}f} %" if math.isfinite(x) else "?"


def _coord(x: float) -> float:
    return round(x, 6)


def _nice_step(span: float, target: int = 10) -> float:
    raw = span / target if span > 0 else 0.01
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        step = m * 10.0**exp
        if step >= raw:
            return round(step, 10)
    return round(10 * 10.0**exp, 10)  # pragma: no cover - the loop always returns


def _site_rows(site: Site, sa: SiteAnalysis | None, analysis: NetworkAnalysis, *, region_names: dict[str, str],
               tenant_names: dict[str, str], site_links: Sequence[str], together: str
               ) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = [("id", site.id), ("kind", KIND_LABELS.get(site.kind, site.kind.value))]
    if site.region:
        rows.append(("kecamatan", region_names.get(site.region, site.region)))
    if site.tenant:
        rows.append(("tenant", tenant_names.get(site.tenant, site.tenant)))
    if site.tier is not None:
        rows.append(("TIA-942 tier", site.tier.value))
    if site.operator:
        rows.append(("operator", site.operator))
    if sa is None:
        rows.append(("class", NOT_ANALYSED))
    else:
        rows.append(("class", sa.cls.value + (" (root of the analysis)" if site.id == analysis.dc else "")))
        est = sa.availability
        avail = _pct(est.value)
        if est.method is Method.MONTE_CARLO:
            avail += f" ± {100 * est.half_width:.4f} (Monte Carlo, {est.samples} samples)"
        rows.append(("availability to DC", avail))
        rows.append((f"end to end (DC Tier {analysis.dc_tier.value})", _pct(sa.end_to_end, 3)))
        rows.append((f"SLA {analysis.sla_pct:g} %", "met" if sa.meets_sla else "missed"))
        if site.id != analysis.dc:
            rows.append(("link-disjoint paths", str(sa.edge_connectivity)))
            spof = [*sa.spof_sites, *sa.spof_links]
            rows.append(("single points of failure", ", ".join(spof) if spof else "none"))
    if site_links:
        rows.append(("links", ", ".join(site_links)))
    rows.append(("coordinates", f"{site.latitude:.5f}, {site.longitude:.5f}"
                 + (" (approximate)" if site.coordinates_approximate else "")))
    if together:
        rows.append(("same point as", together))
    if site.address:
        rows.append(("address", site.address))
    return tuple(rows)


def _bezier(p0: tuple[float, float], p1: tuple[float, float], offset: float, steps: int = 8
            ) -> tuple[tuple[float, float], ...]:
    """A quadratic curve from p0 to p1 (lat, lon) bulging sideways by `offset` x the length, drawn in a local
    plane (lon scaled by cos(lat)) so the bulge looks the same in every direction."""
    if offset == 0 or p0 == p1:
        return (p0, p1)
    c = math.cos(math.radians((p0[0] + p1[0]) / 2))
    x0, y0, x1, y1 = p0[1] * c, p0[0], p1[1] * c, p1[0]
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    cx, cy = (x0 + x1) / 2 - dy / length * offset * length, (y0 + y1) / 2 + dx / length * offset * length
    pts = []
    for i in range(steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1
        y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1
        pts.append((_coord(y), _coord(x / c)))
    return tuple(pts)


def _link_style(lk: Link, up: bool, backup: bool) -> tuple[str, str, float, float, str | None]:
    """display status, colour, weight, opacity, dash."""
    ms = MEDIUM_STYLES[lk.medium]
    weight = max(1.5, ms.weight / 2) if backup else ms.weight
    if lk.status is LinkStatus.RETIRED:
        return "retired", ms.colour, weight, RETIRED_OPACITY, RETIRED_DASH
    if lk.status is LinkStatus.ACTIVE and not up:
        return "out of service", ms.colour, weight, RETIRED_OPACITY, RETIRED_DASH
    if lk.status is LinkStatus.PLANNED:
        return "planned", ms.colour, weight, ACTIVE_OPACITY, ms.planned_dash
    return "active", ms.colour, weight, ACTIVE_OPACITY, ms.dash


_DISPLAY_ORDER = {"retired": 0, "out of service": 0, "planned": 1, "active": 2}
_MEDIUM_ORDER = {LinkMedium.RADIO_2_4: 0, LinkMedium.RADIO_5_8: 1, LinkMedium.LEASED_LINE: 2, LinkMedium.FIBRE: 3}


def build_scene(inv: Inventory, analysis: NetworkAnalysis) -> Scene:
    """Everything both renderers draw, with every style decided here (so tests can check it without a browser)."""
    state = analysis.state
    sites_by_id = {s.id: s for s in inv.sites}
    region_names = {r.id: r.name for r in inv.regions}
    tenant_names = {t.id: t.name for t in inv.tenants}
    dev_site = {d.id: d.site for d in inv.devices}

    # ---- links
    ends: dict[str, tuple[str, str] | None] = {}
    for lk in inv.links:
        a, b = dev_site.get(lk.a.device), dev_site.get(lk.b.device)
        ends[lk.id] = (a, b) if a in sites_by_id and b in sites_by_id and a is not None and b is not None else None
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lk in inv.links:
        e = ends[lk.id]
        if e is not None and e[0] != e[1]:
            pairs[(min(e), max(e))].append(lk.id)
    offsets: dict[str, float] = {}
    for ids in pairs.values():
        for i, lid in enumerate(sorted(ids)):
            offsets[lid] = 0.0 if len(ids) == 1 else (i - (len(ids) - 1) / 2) * 0.22

    site_links: dict[str, list[str]] = defaultdict(list)
    lines: list[LinkLine] = []
    for lk in inv.links:
        e = ends[lk.id]
        up, backup = lk.id in state.up, lk.id in state.backup
        display, colour, weight, opacity, dash = _link_style(lk, up, backup)
        ms = MEDIUM_STYLES[lk.medium]
        points: tuple[tuple[float, float], ...] = ()
        rows: list[tuple[str, str]] = [("id", lk.id), ("medium", ms.label)]
        state_note = ("up, kept as backup" if backup else "up") if up else "down"
        rows.append(("status", f"{lk.status.value}; {state_note} in this state"))
        if e is not None:
            site_a, site_b = sites_by_id[e[0]], sites_by_id[e[1]]
            site_links[site_a.id].append(lk.id)
            if site_b.id != site_a.id:
                site_links[site_b.id].append(lk.id)
            rows.append(("from", f"{site_a.name} ({site_a.id}), {lk.a.device} {lk.a.interface}"))
            rows.append(("to", f"{site_b.name} ({site_b.id}), {lk.b.device} {lk.b.interface}"))
            if site_a.id != site_b.id:
                lo, hi = (site_a, site_b) if site_a.id < site_b.id else (site_b, site_a)
                pts = _bezier((_coord(lo.latitude), _coord(lo.longitude)), (_coord(hi.latitude), _coord(hi.longitude)),
                              offsets.get(lk.id, 0.0))
                points = pts if lo is site_a else tuple(reversed(pts))
            else:
                rows.append(("drawn", "no: both ends are at one site"))
            straight = haversine_km(site_a.latitude, site_a.longitude, site_b.latitude, site_b.longitude)
        else:
            rows.append(("ends", f"{lk.a.device} {lk.a.interface} - {lk.b.device} {lk.b.interface} (unknown site)"))
            straight = float("nan")
        if lk.fibre is not None:
            rows.append(("length", f"{lk.fibre.length_km:.2f} km of cable, {lk.fibre.cores} cores, "
                                   f"{lk.fibre.splices} splices, owner {lk.fibre.owner.value.replace('_', ' ')}"))
        elif lk.radio is not None and lk.radio.path_length_km is not None:
            rows.append(("length", f"{lk.radio.path_length_km:.2f} km path, {lk.radio.frequency_mhz:g} MHz"))
        elif math.isfinite(straight):
            rows.append(("length", f"{straight:.2f} km straight line"))
        if lk.radio is not None and lk.radio.path_length_km is None:
            rows.append(("frequency", f"{lk.radio.frequency_mhz:g} MHz, {lk.radio.channel_width_mhz:g} MHz wide"))
        if lk.capacity_mbps is not None:
            rows.append(("capacity", f"{lk.capacity_mbps:g} Mbps"))
        if lk.provider:
            rows.append(("provider", lk.provider))
        if lk.description:
            rows.append(("note", lk.description))
        tip = f"{lk.id} · {ms.label} · {display}" + (" (backup)" if backup else "")
        lines.append(LinkLine(id=lk.id, medium=lk.medium, status=lk.status, display=display, up=up, backup=backup,
                              sites=e, points=points, colour=colour, weight=weight, opacity=opacity, dash=dash,
                              tooltip=tip, rows=tuple(rows)))
    lines.sort(key=lambda ln: (_DISPLAY_ORDER[ln.display], not ln.backup, _MEDIUM_ORDER[ln.medium], ln.id))

    # ---- sites; of the sites at one point, all but the first are drawn a few px away on a leader line
    spots: dict[tuple[float, float], list[Site]] = defaultdict(list)
    for s in inv.sites:
        spots[(round(s.latitude, 5), round(s.longitude, 5))].append(s)
    nudges: dict[str, tuple[float, float]] = {}
    together: dict[str, str] = {}
    for group in spots.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda s: (KIND_STYLES[s.kind].rank, s.id))
        base = KIND_STYLES[group[0].kind]
        for i, s in enumerate(group[1:]):
            angle = math.radians(_NUDGE_ANGLES[i % len(_NUDGE_ANGLES)])
            dist = _half(base) + base.weight + _half(KIND_STYLES[s.kind]) + 8 + 12 * (i // len(_NUDGE_ANGLES))
            nudges[s.id] = (round(dist * math.cos(angle), 1), round(dist * math.sin(angle), 1))
        for s in group:
            together[s.id] = ", ".join(f"{o.name} ({o.id})" for o in group if o is not s)
    marks: list[SiteMark] = []
    for s in inv.sites:
        sa = analysis.sites.get(s.id)
        cls = sa.cls.value if sa is not None else NOT_ANALYSED
        fill = MANHOLE_FILL if s.kind is SiteKind.MANHOLE else CLASS_COLOURS.get(cls, NOT_ANALYSED_COLOUR)
        marks.append(SiteMark(
            id=s.id, name=s.name, kind=s.kind, cls=cls, lat=_coord(s.latitude), lon=_coord(s.longitude),
            approximate=s.coordinates_approximate, fill=fill, style=KIND_STYLES[s.kind],
            label=HUB_LABELS.get(s.kind),
            rows=_site_rows(s, sa, analysis, region_names=region_names, tenant_names=tenant_names,
                            site_links=site_links.get(s.id, []), together=together.get(s.id, "")),
            nudge=nudges.get(s.id, (0.0, 0.0))))
    marks.sort(key=lambda m: (m.style.rank, m.id))

    # ---- kecamatan labels, extent, grid
    members: dict[str, list[Site]] = defaultdict(list)
    for s in inv.sites:
        if s.region:
            members[s.region].append(s)
    regions = tuple(sorted(
        (region_names.get(rid, rid), _coord(math.fsum(m.latitude for m in ms) / len(ms)),
         _coord(math.fsum(m.longitude for m in ms) / len(ms)))
        for rid, ms in members.items()))
    fit = None
    if inv.sites:
        lats = [s.latitude for s in inv.sites]
        lons = [s.longitude for s in inv.sites]
        fit = (_coord(min(lats)), _coord(min(lons)), _coord(max(lats)), _coord(max(lons)))
    bnd = inv.settings.bounds
    bounds = (bnd.south, bnd.west, bnd.north, bnd.east) if bnd is not None else None
    boxes = [b for b in (fit, bounds) if b is not None] or [(-6.65, 106.72, -6.5, 106.86)]
    s0, w0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    n0, e0 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad_lat = max((n0 - s0) * 0.04, 0.004)
    pad_lon = max((e0 - w0) * 0.04, 0.004)
    extent = (_coord(s0 - pad_lat), _coord(w0 - pad_lon), _coord(n0 + pad_lat), _coord(e0 + pad_lon))
    grid = _nice_step(max(extent[2] - extent[0], extent[3] - extent[1]))

    # ---- counts and titles
    cls_count = Counter(m.cls for m in marks if m.kind is not SiteKind.MANHOLE)
    class_counts = tuple((c.value, cls_count.get(c.value, 0)) for c in RedundancyClass)
    if cls_count.get(NOT_ANALYSED):
        class_counts += ((NOT_ANALYSED, cls_count[NOT_ANALYSED]),)
    kinds = Counter(s.kind for s in inv.sites)
    kind_counts = tuple((k, kinds[k]) for k in KIND_STYLES if kinds.get(k))
    media = Counter(lk.medium for lk in inv.links)
    medium_counts = tuple((m, media.get(m, 0)) for m in MEDIUM_STYLES)
    displays = Counter(ln.display for ln in lines)
    display_counts = tuple((d, displays[d]) for d in ("active", "planned", "retired", "out of service")
                           if displays.get(d) or d in ("active", "planned"))
    label = state.label()
    title = f"kotanet — {inv.settings.name} ({label})"
    dc = sites_by_id.get(analysis.dc)
    ups = sum(1 for ln in lines if ln.up)
    subtitle = (f"DC {dc.name if dc else analysis.dc}: Tier {analysis.dc_tier.value} "
                f"({_pct(analysis.dc_availability, 3)}) · SLA {analysis.sla_pct:g} % · {len(inv.sites)} sites · "
                f"{len(inv.links)} links, {ups} up in this state")
    return Scene(
        title=title, subtitle=subtitle, state=label, sites=tuple(marks), links=tuple(lines), regions=regions,
        extent=extent, fit=fit, bounds=bounds, grid_step=grid, class_counts=class_counts, kind_counts=kind_counts,
        medium_counts=medium_counts, display_counts=display_counts, backups=sum(1 for ln in lines if ln.backup),
        approximate=sum(1 for s in inv.sites if s.coordinates_approximate),
        planned_up=sum(1 for ln in lines if ln.display == "planned" and ln.up))


# ------------------------------------------------------------------------------------------- escaping

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    """Text for HTML or XML content and attribute values: escaped, minus characters XML 1.0 forbids."""
    return html.escape(_XML_BAD.sub("\ufffd", text), quote=True)


def script_json(data: object) -> str:
    """JSON safe inside an HTML <script> block: `<`, `>` and `&` (so `</script>` and `<!--`) and the JS line
    separators U+2028/U+2029 are written as \\u escapes, which JSON.parse reads back unchanged."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --------------------------------------------------------------------------------------------- assets


def _asset(name: str) -> bytes:
    return resources.files("kotanet.topology").joinpath(f"{_ASSETS}/{name}").read_bytes()


@cache
def leaflet_assets() -> tuple[str, str]:
    """(css, js) of the vendored Leaflet, ready to inline: the CSS without comments and with its images as data:
    URIs, the JS without its source-map comment (its licence header stays)."""
    css = re.sub(r"/\*.*?\*/", "", _asset("leaflet.css").decode("utf-8"), flags=re.DOTALL)  # comments
    css = re.sub(r"\n\s*\n+", "\n", css)

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode(_asset("images/" + m.group(1))).decode("ascii")
        return f'url("data:image/png;base64,{data}")'

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)
    js = _asset("leaflet.js").decode("utf-8")
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE).rstrip() + "\n"
    for text, tag in ((css, "</style"), (js, "</script"), (js, "<!--")):
        if tag in text.lower():
            raise ValueError(f"vendored Leaflet contains {tag!r} and cannot be inlined")
    return css, js


# ------------------------------------------------------------------------------------------ swatches


def _shape_svg(shape: str, cx: float, cy: float, size: float, *, fill: str, stroke: str, weight: float,
               attrs: str = "", title: str = "") -> tuple[str, str]:
    """An SVG element for a site mark (circle of radius `size`, or triangle/square of side `size`)."""
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="{weight:g}"{attrs}'
    inner = f"<title>{_x(title)}</title>" if title else ""
    if shape == "square":
        h = size / 2
        tag = "rect"
        el = f'<rect x="{cx - h:.1f}" y="{cy - h:.1f}" width="{size:g}" height="{size:g}" {common}'
    elif shape == "triangle":
        h = size * math.sqrt(3) / 2
        tag = "polygon"
        pts = f"{cx:.1f},{cy - h * 2 / 3:.1f} {cx + size / 2:.1f},{cy + h / 3:.1f} {cx - size / 2:.1f},{cy + h / 3:.1f}"
        el = f'<polygon points="{pts}" stroke-linejoin="round" {common}'
    else:
        tag = "circle"
        el = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{size:g}" {common}'
    return (f"{el}>{inner}</{tag}>" if inner else f"{el}/>"), tag


def _line_svg(colour: str, weight: float, *, opacity: float = ACTIVE_OPACITY, dash: str | None = None) -> str:
    """A 26 px sample of a line, for the legend."""
    x0, y0, x1, y1 = 2, 8, 28, 8
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x0:g}" y1="{y0:g}" x2="{x1:g}" y2="{y1:g}" stroke="{colour}" stroke-width="{weight:g}" '
            f'stroke-opacity="{opacity:g}" stroke-linecap="round"{d}/>')


@dataclass(frozen=True, slots=True)
class _Entry:
    swatch: str  # SVG fragment drawn in a 30 x 16 box
    label: str
    count: int | None = None


def _legend(scene: Scene) -> list[tuple[str, list[_Entry]]]:
    classes = [_Entry(_shape_svg("circle", 15, 8, 6, fill=CLASS_COLOURS.get(c, NOT_ANALYSED_COLOUR),
                                 stroke="#ffffff", weight=1.2)[0], c, n) for c, n in scene.class_counts]
    kinds = []
    for kind, n in scene.kind_counts:
        st = KIND_STYLES[kind]
        size = min(st.size, 7.0) if st.shape == "circle" else min(st.size, 14.0)
        fill = MANHOLE_FILL if kind is SiteKind.MANHOLE else "#c9ced4"
        stroke = st.outline if st.outline != "#ffffff" else "#6b7680"
        swatch, _ = _shape_svg(st.shape, 15, 9 if st.shape == "triangle" else 8, size, fill=fill, stroke=stroke,
                               weight=min(st.weight, 2.5))
        kinds.append(_Entry(swatch, KIND_LABELS.get(kind, kind.value), n))
    media = [_Entry(_line_svg(MEDIUM_STYLES[m].colour, MEDIUM_STYLES[m].weight, dash=MEDIUM_STYLES[m].dash),
                    MEDIUM_STYLES[m].label, n) for m, n in scene.medium_counts]
    grey = "#3d4852"
    status_swatch: dict[str, tuple[float, str | None]] = {
        "active": (ACTIVE_OPACITY, None), "planned": (ACTIVE_OPACITY, "9 6"),
        "retired": (0.6, RETIRED_DASH), "out of service": (0.6, RETIRED_DASH)}
    status_label = {"active": "active (solid)", "planned": "planned (dashed)", "retired": "retired (dotted, faint)",
                    "out of service": "out of service in this state"}
    if scene.planned_up:
        all_up = scene.planned_up == dict(scene.display_counts).get("planned")
        status_label["planned"] = "planned (dashed), now up" if all_up else f"planned (dashed), {scene.planned_up} up"
    statuses = []
    for d, n in scene.display_counts:
        opacity, dash = status_swatch[d]
        statuses.append(_Entry(_line_svg(grey, 3.0, opacity=opacity, dash=dash), status_label[d], n))
    if scene.backups:
        statuses.append(_Entry(_line_svg(grey, 1.5), "radio kept as backup (thin)", scene.backups))
    return [("Site class (to the DC)", classes), ("Site kind", kinds), ("Link medium", media),
            ("Link status", statuses)]


def _legend_notes(scene: Scene, n_sites: int) -> list[tuple[str, bool]]:
    """(note, is a warning)."""
    notes = [(f"State: {scene.state}.", False)]
    if scene.approximate:
        notes.append((f"Coordinates are approximate for {scene.approximate} of {n_sites} sites.", True))
    if scene.bounds:
        notes.append(("Dashed box: the inventory's bounds.", False))
    return notes


# ----------------------------------------------------------------------------------------------- HTML

_CSS = """
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;
  font:14px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:#1f2933}
#kn-header{padding:7px 14px 8px;background:#1f2a37;color:#f5f7fa;box-shadow:0 1px 3px rgba(0,0,0,.4);
  z-index:1000}
#kn-header h1{font-size:17px;margin:0;font-weight:650}
#kn-header p{margin:2px 0 0;font-size:12.5px;color:#c3ccd6}
#map{flex:1;min-height:300px}
.leaflet-container{background:#eef1f4;font:inherit}
.kn-legend{background:rgba(255,255,255,.96);padding:6px 10px 8px;border-radius:6px;
  box-shadow:0 1px 5px rgba(0,0,0,.35);max-height:calc(100vh - 190px);overflow:auto;font-size:12px;
  min-width:200px}
.kn-legend h2{font-size:11px;margin:7px 0 2px;text-transform:uppercase;letter-spacing:.05em;color:#52606d}
.kn-legend ul{list-style:none;margin:0;padding:0}
.kn-legend li{display:flex;align-items:center;gap:6px;margin:1px 0;white-space:nowrap}
.kn-legend li svg{flex:none}
.kn-legend .n{margin-left:auto;padding-left:12px;color:#52606d;font-variant-numeric:tabular-nums}
.kn-legend p{margin:6px 0 0;max-width:230px;white-space:normal;color:#52606d}
.kn-legend p.kn-warn{color:#8a4b08}
.kn-region span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;font-weight:700;
  font-size:14px;letter-spacing:.14em;text-transform:uppercase;color:rgba(45,58,74,.5);
  text-shadow:0 0 3px #fff,0 0 3px #fff;pointer-events:none}
.kn-shape svg{display:block;overflow:visible}
.kn-shape.leaflet-interactive{pointer-events:none}
.kn-shape .kn-hit{pointer-events:auto;cursor:pointer}
.kn-name span{white-space:nowrap;font-size:11.5px;color:#1f2933;
  text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}
.leaflet-tooltip.kn-hub{font-weight:700;padding:1px 5px;background:#101820;color:#fff;border-color:#101820}
.leaflet-tooltip.kn-hub:before{display:none}
.kn-popup-title{font-weight:700;font-size:13.5px;margin:0 0 4px}
.kn-popup table{border-collapse:collapse;font-size:12px}
.kn-popup th{text-align:left;font-weight:600;color:#52606d;padding:1px 10px 1px 0;vertical-align:top;
  white-space:nowrap}
.kn-popup td{padding:1px 0;max-width:330px;overflow-wrap:anywhere}
.kn-search{background:#fff;padding:4px;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.35)}
.kn-search input{width:230px;font:inherit;font-size:13px;padding:3px 5px;border:1px solid #9aa5b1;
  border-radius:3px}
@media print{#kn-header{box-shadow:none}
  .kn-search,.leaflet-control-layers,.leaflet-control-zoom{display:none}}
"""

_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kotanet-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg", INK = "#101820";
  function text(s) { var e = document.createElement("span"); e.textContent = s; return e; }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function card(title, rows) {
    var box = document.createElement("div"), h = document.createElement("div"), t = document.createElement("table");
    box.className = "kn-popup"; h.className = "kn-popup-title"; h.textContent = title; box.appendChild(h);
    rows.forEach(function (r) {
      var tr = t.insertRow(), th = document.createElement("th");
      th.textContent = r[0]; tr.appendChild(th); tr.insertCell().textContent = r[1];
    });
    box.appendChild(t);
    return box;
  }
  // half the extent of a site's mark, in px (a triangle's circumradius)
  function half(st) {
    return st.shape === "circle" ? st.radius : st.shape === "triangle" ? st.size / Math.sqrt(3) : st.size / 2;
  }
  // a triangle, a square, or a circle drawn beside its point (dx, dy px) on a leader line
  function shapeIcon(st) {
    var dx = st.dx || 0, dy = st.dy || 0, ext = half(st) + st.weight + 2;
    var x0 = Math.min(-3, dx - ext), y0 = Math.min(-3, dy - ext);
    var x1 = Math.max(3, dx + ext), y1 = Math.max(3, dy + ext);
    var ax = -x0, ay = -y0, cx = ax + dx, cy = ay + dy, shape;
    var svg = svgEl("svg", {width: x1 - x0, height: y1 - y0});
    if (dx || dy) {
      svg.appendChild(svgEl("line", {x1: ax, y1: ay, x2: cx, y2: cy, stroke: INK, "stroke-width": 1.2}));
      svg.appendChild(svgEl("circle", {cx: ax, cy: ay, r: 2, fill: INK}));
    }
    if (st.shape === "circle") {
      shape = svgEl("circle", {cx: cx, cy: cy, r: st.radius});
    } else if (st.shape === "square") {
      shape = svgEl("rect", {x: cx - st.size / 2, y: cy - st.size / 2, width: st.size, height: st.size});
    } else {
      var th = st.size * Math.sqrt(3) / 2;
      shape = svgEl("polygon", {points: cx + "," + (cy - th * 2 / 3) + " " + (cx + st.size / 2) + "," + (cy + th / 3) +
                                        " " + (cx - st.size / 2) + "," + (cy + th / 3), "stroke-linejoin": "round"});
    }
    shape.setAttribute("fill", st.fillColor); shape.setAttribute("stroke", st.color);
    shape.setAttribute("stroke-width", st.weight); shape.setAttribute("class", "kn-hit");
    svg.appendChild(shape);
    return L.divIcon({html: svg, className: "kn-shape", iconSize: [x1 - x0, y1 - y0], iconAnchor: [ax, ay],
                      popupAnchor: [dx, dy - half(st)], tooltipAnchor: [dx, dy]});
  }

  var map = L.map("map", {zoomSnap: 0.25, zoomDelta: 0.5, minZoom: 5, maxZoom: 20});
  map.attributionControl.setPrefix("Leaflet " + L.version + " · offline, no tiles");
  map.createPane("kn-grid").style.zIndex = 250;
  map.createPane("kn-labels").style.zIndex = 350;
  map.createPane("kn-names").style.zIndex = 440;
  map.createPane("kn-sites").style.zIndex = 450;

  var grid = L.layerGroup(), s = D.extent[0][0], w = D.extent[0][1], n = D.extent[1][0], e = D.extent[1][1];
  var ds = (n - s), dw = (e - w), step = D.grid;
  var opts = {pane: "kn-grid", interactive: false, color: "#c5ccd4", weight: 1};
  if (D.bounds) {
    L.rectangle(D.bounds, {pane: "kn-grid", interactive: false, color: "#6b7885", weight: 1.5, dashArray: "6 4",
                           fillColor: "#ffffff", fillOpacity: 0.65}).addTo(grid);
  }
  var k, a0 = Math.floor((s - ds) / step), a1 = Math.ceil((n + ds) / step);
  var o0 = Math.floor((w - dw) / step), o1 = Math.ceil((e + dw) / step);
  for (k = a0; k <= a1; k++) { L.polyline([[k * step, o0 * step], [k * step, o1 * step]], opts).addTo(grid); }
  for (k = o0; k <= o1; k++) { L.polyline([[a0 * step, k * step], [a1 * step, k * step]], opts).addTo(grid); }
  grid.addTo(map);

  var regions = L.layerGroup();
  D.regions.forEach(function (r) {
    L.marker([r.lat, r.lon], {icon: L.divIcon({html: text(r.name), className: "kn-region", iconSize: null}),
                              interactive: false, keyboard: false, pane: "kn-labels"}).addTo(regions);
  });
  regions.addTo(map);

  var media = {}, order = ["fibre", "radio_5_8ghz", "radio_2_4ghz", "leased_line"];
  order.forEach(function (m) { media[m] = L.layerGroup(); });
  D.links.forEach(function (lk) {
    if (!lk.drawn) { return; }
    var line = L.polyline(lk.pts, L.extend({lineCap: "round", lineJoin: "round"}, lk.style));
    line.bindTooltip(text(lk.tip), {sticky: true});
    line.bindPopup(card("Link " + lk.id, lk.rows), {maxWidth: 460});
    line.addTo(media[lk.medium]);
  });
  order.forEach(function (m) { media[m].addTo(map); });

  var sites = L.layerGroup(), siteNames = L.layerGroup(), byName = {}, names = [];
  D.sites.forEach(function (st) {
    var mk, y = half(st.style), dx = st.style.dx || 0, dy = st.style.dy || 0;
    if (st.style.shape === "circle" && !dx && !dy) {
      mk = L.circleMarker([st.lat, st.lon], L.extend({pane: "kn-sites"}, st.style));
    } else {
      mk = L.marker([st.lat, st.lon], {icon: shapeIcon(st.style), pane: "kn-sites", keyboard: false});
    }
    if (st.label) {
      mk.bindTooltip(text(st.label), {permanent: true, direction: "right", offset: [y + 2, 0], className: "kn-hub"});
    } else {
      mk.bindTooltip(text(st.name + " · " + st.cls), {direction: "top", offset: [0, -y]});
      L.marker([st.lat, st.lon], {icon: L.divIcon({html: text(st.name), className: "kn-name", iconSize: null,
                                                     iconAnchor: [-(y + 4 + dx), 8 - dy]}),
                                  interactive: false, keyboard: false, pane: "kn-names"}).addTo(siteNames);
    }
    mk.bindPopup(card(st.name, st.rows), {maxWidth: 460});
    mk.addTo(sites);
    var key = st.name + " (" + st.id + ")";
    byName[key] = mk; names.push(key);
  });
  sites.addTo(map);

  var overlays = {"Sites": sites, "Site names (zoom in)": siteNames, "Fibre": media.fibre,
                  "Radio 5.8 GHz": media.radio_5_8ghz, "Radio 2.4 GHz": media.radio_2_4ghz,
                  "Leased line": media.leased_line, "Kecamatan labels": regions, "Grid and bounds": grid};
  L.control.layers(null, overlays, {collapsed: true, position: "topright"}).addTo(map);
  L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
  // site names only when zoomed in far enough to read them (the layer control can still hide them)
  var namesWanted = true, namesAuto = false;
  map.on("overlayadd overlayremove", function (ev) {
    if (ev.layer === siteNames && !namesAuto) { namesWanted = ev.type === "overlayadd"; }
  });
  map.on("zoomend", function () {
    namesAuto = true;
    if (map.getZoom() < 16) { siteNames.remove(); } else if (namesWanted) { siteNames.addTo(map); }
    namesAuto = false;
  });

  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var el = document.getElementById("kn-legend");
    L.DomEvent.disableClickPropagation(el); L.DomEvent.disableScrollPropagation(el);
    return el;
  };
  legend.addTo(map);

  // fit the sites into the part of the map the legend leaves free
  map.invalidateSize();
  var legendWidth = document.getElementById("kn-legend").offsetWidth;
  var room = map.getSize().x - legendWidth > 400 ? legendWidth + 30 : 30;
  map.fitBounds(D.fit || D.extent, {paddingTopLeft: [50, 40], paddingBottomRight: [room, 30]});

  var search = L.control({position: "topleft"});
  search.onAdd = function () {
    var box = L.DomUtil.create("div", "kn-search"), input = L.DomUtil.create("input", "", box);
    var list = L.DomUtil.create("datalist", "", box);
    list.id = "kn-site-names"; input.setAttribute("list", list.id);
    input.placeholder = "Find a site…"; input.setAttribute("aria-label", "Find a site");
    names.slice().sort().forEach(function (nm) {
      var o = document.createElement("option"); o.value = nm; list.appendChild(o);
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(input, "change", function () {
      var mk = byName[input.value];
      if (mk) { map.setView(mk.getLatLng(), Math.max(map.getZoom(), 16.5)); mk.openPopup(); }
    });
    return box;
  };
  search.addTo(map);
})();
"""

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
        "font-src data:; connect-src 'none'")


def _legend_html(scene: Scene, n_sites: int) -> str:
    out: list[str] = []
    for heading, entries in _legend(scene):
        out.append(f"<h2>{_x(heading)}</h2><ul>")
        for en in entries:
            n = f'<span class="n">{en.count}</span>' if en.count is not None else ""
            out.append(f'<li><svg width="30" height="16" viewBox="0 0 30 16" aria-hidden="true">{en.swatch}</svg>'
                       f"<span>{_x(en.label)}</span>{n}</li>")
        out.append("</ul>")
    for note, warn in _legend_notes(scene, n_sites):
        cls = ' class="kn-warn"' if warn else ""
        out.append(f"<p{cls}>{_x(note)}</p>")
    return "".join(out)


def render_html(inv: Inventory, analysis: NetworkAnalysis) -> str:
    """One self-contained HTML page (Leaflet inlined, data embedded as JSON, no network access at all)."""
    scene = build_scene(inv, analysis)
    css, js = leaflet_assets()
    data = script_json(scene.to_json())
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n",
        f"<meta name=\"generator\" content=\"kotanet, Leaflet {LEAFLET_VERSION}\">\n",
        f"<title>{_x(scene.title)}</title>\n",
        f"<style>\n{css}</style>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<header id=\"kn-header\"><h1>{_x(scene.title)}</h1><p>{_x(scene.subtitle)}</p></header>\n",
        "<div id=\"map\" role=\"application\" aria-label=\"network map\"></div>\n",
        f"<div hidden><div id=\"kn-legend\" class=\"kn-legend\">{_legend_html(scene, len(inv.sites))}</div></div>\n",
        f"<script type=\"application/json\" id=\"kotanet-data\">{data}</script>\n",
        f"<script>\n{js}</script>\n<script>{_JS}</script>\n</body>\n</html>\n",
    ])


# ------------------------------------------------------------------------------------------------ SVG

SVG_WIDTH = 1200
_MARGIN = 16
_TOP = 78
_LEGEND_W = 260
_MAX_MAP_H = 1500
_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return lines


def _deg(value: float, pos: str, neg: str, step: float) -> str:
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{abs(value):.{digits}f}° {pos if value >= 0 else neg}"


def _scale_bar(px_per_km: float) -> tuple[float, str]:
    for km in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if km * px_per_km >= 90:
            return km * px_per_km, (f"{km:g} km" if km >= 1 else f"{km * 1000:g} m")
    return 500 * px_per_km, "500 km"


def _title_lines(scene: Scene, inv_name: str) -> tuple[str, list[str]]:
    title = scene.title
    extra: list[str] = []
    if len(title) > 95:  # a long list of routes: keep the title short, list the routes below it
        title = f"kotanet — {inv_name} (after {scene.state.count(',') + 1} routes)"
        extra = _wrap(scene.state + ".", 150)
    return title, extra


def render_svg(inv: Inventory, analysis: NetworkAnalysis) -> str:
    """A static picture of the same map for reports: links, then sites, kecamatan labels, legend, title."""
    scene = build_scene(inv, analysis)
    s, w, n, e = scene.extent
    cos0 = math.cos(math.radians((s + n) / 2))
    map_w = SVG_WIDTH - 3 * _MARGIN - _LEGEND_W
    title, title_extra = _title_lines(scene, inv.settings.name)
    top = _TOP + 16 * len(title_extra)
    k = map_w / ((e - w) * cos0)
    if (n - s) * k > _MAX_MAP_H:
        k = _MAX_MAP_H / (n - s)
        map_w = int((e - w) * cos0 * k)
    map_h = (n - s) * k
    x0, y0 = float(_MARGIN), float(top)

    def px(lat: float, lon: float) -> tuple[float, float]:
        return round(x0 + (lon - w) * cos0 * k, 1), round(y0 + (n - lat) * k, 1)

    legend = _legend(scene)
    notes = [(line, warn) for note, warn in _legend_notes(scene, len(inv.sites)) for line in _wrap(note, 40)]
    legend_h = 16 + sum(26 + 19 * len(entries) for _, entries in legend) + 8 + 15 * len(notes) + 8
    height = math.ceil(max(y0 + map_h + 40, y0 + legend_h + 20))

    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {SVG_WIDTH} {height}" font-family="{_FONT}">\n',
        f"<title>{_x(scene.title)}</title>\n",
        f"<desc>{_x(scene.subtitle)}</desc>\n",
        f'<rect width="{SVG_WIDTH}" height="{height}" fill="#ffffff"/>\n',
        f'<text x="{_MARGIN}" y="32" font-size="22" font-weight="bold" fill="#1f2933">{_x(title)}</text>\n',
        f'<text x="{_MARGIN}" y="54" font-size="13" fill="#52606d">{_x(scene.subtitle)}</text>\n',
    ]
    out.extend(f'<text x="{_MARGIN}" y="{72 + 16 * i}" font-size="12" fill="#52606d">{_x(line)}</text>\n'
               for i, line in enumerate(title_extra))
    # ---- frame, bounds, grid
    out.append(f'<defs><clipPath id="map-clip"><rect x="{x0}" y="{y0}" width="{map_w:.1f}" height="{map_h:.1f}"/>'
               "</clipPath></defs>\n")
    out.append(f'<g id="background"><rect x="{x0}" y="{y0}" width="{map_w:.1f}" height="{map_h:.1f}" '
               'fill="#eef1f4" stroke="#9aa5b1"/>\n')
    if scene.bounds:
        bx0, by0 = px(scene.bounds[2], scene.bounds[1])
        bx1, by1 = px(scene.bounds[0], scene.bounds[3])
        out.append(f'<rect x="{bx0}" y="{by0}" width="{bx1 - bx0:.1f}" height="{by1 - by0:.1f}" fill="#ffffff" '
                   'fill-opacity="0.7" stroke="#6b7885" stroke-width="1.5" stroke-dasharray="6 4"/>\n')
    step = scene.grid_step
    out.append('<g stroke="#c5ccd4" stroke-width="1" clip-path="url(#map-clip)">\n')
    labels: list[str] = []
    for i in range(math.ceil(s / step), math.floor(n / step) + 1):
        lat = i * step
        _, y = px(lat, w)
        out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + map_w:.1f}" y2="{y}"/>\n')
        labels.append(f'<text x="{x0 + 4}" y="{y - 3:.1f}" font-size="10" fill="#7b8794">'
                      f"{_deg(lat, 'N', 'S', step)}</text>\n")
    for i in range(math.ceil(w / step), math.floor(e / step) + 1):
        lon = i * step
        x, _ = px(n, lon)
        out.append(f'<line x1="{x}" y1="{y0}" x2="{x}" y2="{y0 + map_h:.1f}"/>\n')
        labels.append(f'<text x="{x:.1f}" y="{y0 + map_h + 13:.1f}" font-size="10" fill="#7b8794" '
                      f'text-anchor="middle">{_deg(lon, "E", "W", step)}</text>\n')
    out.append("</g>\n")
    out.extend(labels)
    out.append("</g>\n")
    # ---- kecamatan labels
    out.append('<g id="regions" font-size="17" font-weight="bold" letter-spacing="2" fill="#374454" '
               'fill-opacity="0.35" text-anchor="middle">\n')
    for name, lat, lon in scene.regions:
        x, y = px(lat, lon)
        out.append(f'<text x="{x}" y="{y + 6:.1f}">{_x(name.upper())}</text>\n')
    out.append("</g>\n")
    # ---- links, then sites
    out.append('<g id="links" fill="none" stroke-linecap="round" stroke-linejoin="round">\n')
    for ln in scene.links:
        if not ln.drawn:
            continue
        pts = " ".join(f"{x},{y}" for x, y in (px(la, lo) for la, lo in ln.points))
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        out.append(f'<polyline class="link" id="link-{_x(ln.id)}" data-medium="{ln.medium.value}" '
                   f'data-status="{_x(ln.display)}" points="{pts}" stroke="{ln.colour}" stroke-width="{ln.weight:g}" '
                   f'stroke-opacity="{ln.opacity:g}"{dash}><title>{_x(ln.tooltip)}</title></polyline>\n')
    out.append("</g>\n")
    out.append('<g id="sites">\n')
    hub_labels: list[str] = []
    for m in scene.sites:
        x, y = px(m.lat, m.lon)
        st = m.style
        if m.nudge != (0.0, 0.0):
            out.append(f'<g class="leader"><line x1="{x}" y1="{y}" x2="{x + m.nudge[0]:.1f}" y2="{y + m.nudge[1]:.1f}" '
                       f'stroke="{INK}" stroke-width="1.2"/><circle cx="{x}" cy="{y}" r="2" fill="{INK}"/></g>\n')
            x, y = round(x + m.nudge[0], 1), round(y + m.nudge[1], 1)
        attrs = f' class="site" id="site-{_x(m.id)}" data-class="{_x(m.cls)}" data-kind="{m.kind.value}"'
        el, _ = _shape_svg(st.shape, x, y, st.size, fill=m.fill, stroke=st.outline, weight=st.weight, attrs=attrs,
                           title=f"{m.name} ({m.id}): {m.cls}")
        out.append(el + "\n")
        if m.label:
            off = (st.size if st.shape == "circle" else st.size / 2) + 5
            hub_labels.append(f'<text x="{x + off:.1f}" y="{y + 5:.1f}" font-size="14" font-weight="bold" '
                              f'fill="{INK}" stroke="#ffffff" stroke-width="3.5" paint-order="stroke">'
                              f"{_x(m.label)}</text>\n")
    out.append("</g>\n")
    out.append('<g id="labels">\n' + "".join(hub_labels) + "</g>\n")
    # ---- scale bar
    bar, bar_label = _scale_bar(k / (math.pi / 180 * 6371.0088))
    bx, by = x0 + 14, y0 + map_h - 16
    out.append(f'<g id="scale"><rect x="{bx - 6}" y="{by - 20}" width="{bar + 12:.1f}" height="28" fill="#ffffff" '
               f'fill-opacity="0.85"/><path d="M{bx},{by - 5} v5 h{bar:.1f} v-5" fill="none" stroke="#1f2933" '
               f'stroke-width="1.5"/><text x="{bx + bar / 2:.1f}" y="{by - 8}" font-size="11" text-anchor="middle" '
               f'fill="#1f2933">{bar_label}</text></g>\n')
    # ---- legend
    lx, ly = SVG_WIDTH - _MARGIN - _LEGEND_W, y0
    out.append(f'<g id="legend"><rect x="{lx}" y="{ly}" width="{_LEGEND_W}" height="{legend_h}" fill="#ffffff" '
               'stroke="#9aa5b1" rx="6"/>\n')
    y = ly + 16
    for heading, entries in legend:
        y += 10
        out.append(f'<text x="{lx + 12}" y="{y}" font-size="11" font-weight="bold" letter-spacing="0.6" '
                   f'fill="#52606d">{_x(heading.upper())}</text>\n')
        y += 6
        for en in entries:
            out.append(f'<g transform="translate({lx + 10},{y})">{en.swatch}</g>')
            out.append(f'<text x="{lx + 46}" y="{y + 12}" font-size="12" fill="#1f2933">{_x(en.label)}</text>')
            if en.count is not None:
                out.append(f'<text x="{lx + _LEGEND_W - 12}" y="{y + 12}" font-size="12" fill="#52606d" '
                           f'text-anchor="end">{en.count}</text>')
            out.append("\n")
            y += 19
        y += 10
    y += 4
    for line, warn in notes:
        colour = "#8a4b08" if warn else "#52606d"
        out.append(f'<text x="{lx + 12}" y="{y}" font-size="11.5" fill="{colour}">{_x(line)}</text>\n')
        y += 15
    out.append("</g>\n</svg>\n")
    return "".join(out)
