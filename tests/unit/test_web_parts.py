"""Pure parts of the dashboard: the timeline, the SVG charts, the Grafana dashboard, the roles and settings."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re

import pytest
import yaml

from kotanet.inventory.choices import ScopeKind
from kotanet.inventory.models import MaintenanceWindow
from kotanet.monitors import metrics as poller_metrics
from kotanet.monitors.records import State, Transition
from kotanet.slas.rules import render_rules
from kotanet.web.charts import line_chart
from kotanet.web.figures import Live, timeline
from kotanet.web.grafana import dashboard
from tests.unit.test_web_support import bogor

pytestmark = pytest.mark.unit

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def _spans(segs: list) -> list[tuple[float, float, str]]:  # type: ignore[type-arg]
    return [((s.start - T0).total_seconds() / 3600, (s.end - T0).total_seconds() / 3600, s.state.value)
            for s in segs]


def test_timeline_states_and_unknown_before_the_first_transition() -> None:
    trs = [Transition("site:a", h(2), State.UP), Transition("site:a", h(5), State.DOWN),
           Transition("site:a", h(6), State.UP)]
    assert _spans(timeline(trs, [], h(0), h(10))) == [(0, 2, "unknown"), (2, 5, "up"), (5, 6, "down"), (6, 10, "up")]


def test_timeline_carries_the_state_in_and_merges_equal_neighbours() -> None:
    trs = [Transition("site:a", h(-3), State.DOWN), Transition("site:a", h(1), State.DOWN),
           Transition("site:a", h(4), State.UP), Transition("site:a", h(12), State.DOWN)]
    assert _spans(timeline(trs, [], h(0), h(10))) == [(0, 4, "down"), (4, 10, "up")]


def test_maintenance_lies_over_any_state_and_is_clipped() -> None:
    trs = [Transition("site:a", h(0), State.UP), Transition("site:a", h(3), State.DOWN),
           Transition("site:a", h(4), State.UP)]
    w = MaintenanceWindow(id="w", start=h(2.5), end=h(4.5), scope=ScopeKind.SITE, refs=["a"])
    early = MaintenanceWindow(id="x", start=h(-5), end=h(1), scope=ScopeKind.SITE, refs=["a"])
    segs = timeline(trs, [w, early], h(0), h(6))
    assert _spans(segs) == [(0, 1, "maintenance"), (1, 2.5, "up"), (2.5, 4.5, "maintenance"), (4.5, 6, "up")]
    assert sum(s.seconds for s in segs) == 6 * 3600
    assert timeline(trs, [], h(5), h(5)) == []
    assert {s.state for s in segs} <= set(Live)


def test_line_chart_scales_into_its_box() -> None:
    pts = [(h(i), float(v)) for i, v in enumerate([0, 5, 10, 20])]
    svg = line_chart([pts], h(0), h(3), unit="ms")
    assert svg.startswith('<svg class="chart"') and svg.endswith("</svg>")
    coords = [tuple(map(float, p.split(","))) for p in re.search(r'points="([^"]+)"', svg).group(1).split()]  # type: ignore[union-attr]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    assert xs == sorted(xs) and xs[0] == 44 and xs[-1] == 560 - 8
    assert ys[0] == 140 - 20 and ys[-1] == 8  # 0 at the bottom, the maximum (20) at the top
    assert ">20 ms</text>" in svg
    assert "<polyline" not in line_chart([[]], h(0), h(1), unit="%", fixed_max=100)


def _exported_metric_names() -> set[str]:
    """Every series name the poller exports (from its source) and the recording rules record for Bogor."""
    src = inspect.getsource(poller_metrics)
    names = set(re.findall(r'Gauge\(\s*(?:METRIC_UP|"([a-z_]+)")', src)) - {""}
    names |= {n + "_total" for n in re.findall(r'Counter\(\s*"([a-z_]+)"', src)}
    names.add(poller_metrics.METRIC_UP if hasattr(poller_metrics, "METRIC_UP") else "kotanet_target_up")
    rules = yaml.safe_load(render_rules(bogor()))
    names |= {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    return names


def test_grafana_dashboard_uses_only_metrics_that_exist() -> None:
    d = dashboard()
    json.dumps(d)  # valid JSON
    known = _exported_metric_names()
    assert "kotanet_target_up" in known and "kotanet_poll_cycles_total" in known
    used: set[str] = set()
    for panel in d["panels"]:  # type: ignore[attr-defined]
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            expr = re.sub(r'\{[^}]*\}', "", target["expr"])  # label matchers
            expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
            used |= {tok for tok in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr)
                     if tok.startswith("kotanet_") or ":" in tok}
    assert used and used <= known, used - known
    variables = {v["name"]: v for v in d["templating"]["list"]}  # type: ignore[index]
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    ids = [p["id"] for p in d["panels"]]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids))
