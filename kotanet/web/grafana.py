"""A Grafana dashboard (JSON model, schema 39) over the Prometheus metrics kotanet exports: the poller's gauges
(`kotanet.monitors.metrics`) and the SLA recording rules (`kotanet.slas.rules`). The data source is a
dashboard variable, so it imports into any Grafana with a Prometheus data source. Pure."""

from __future__ import annotations

from kotanet.monitors.targets import METRIC_UP
from kotanet.slas.rules import SLA_SUMMARY_RECORD, TARGET_RECORD

__all__ = ["PANEL_EXPRESSIONS", "dashboard"]

_DS = {"type": "prometheus", "uid": "${datasource}"}

PANEL_EXPRESSIONS: dict[str, list[tuple[str, str]]] = {
    "Targets up": [(f"sum({METRIC_UP})", "up")],
    "Targets down": [(f"count({METRIC_UP} == 0) or vector(0)", "down")],
    "Poll cycle duration": [("kotanet_poll_cycle_seconds", "{{instance}}")],
    "Probes failed / undecided": [("kotanet_poll_probes_failed", "failed"),
                                  ("kotanet_poll_probes_undecided", "undecided")],
    "Down now": [(f"{METRIC_UP} == 0", "{{target}}")],
    "SLA error ratio (1h)": [(SLA_SUMMARY_RECORD.format(w="1h"), "{{sla}}")],
    "Target error ratio (1h), worst 10": [(f"topk(10, {TARGET_RECORD.format(w='1h')})", "{{target}}")],
    "Probe latency (ms)": [('kotanet_probe_latency_ms{target=~"$target"}', "{{target}} {{probe}}")],
    "Link utilisation": [('kotanet_link_utilisation{link=~"$link"}', "{{link}} {{direction}}")],
    "Interfaces down": [("count(kotanet_interface_oper_up == 0) or vector(0)", "down")],
    "Store: buffered transitions and errors": [("kotanet_poll_buffered_transitions", "buffered"),
                                               ("increase(kotanet_poll_store_errors_total[1h])", "store errors / h")],
}

_KINDS = {
    "Targets up": ("stat", 0, 0, 4, 4), "Targets down": ("stat", 4, 0, 4, 4),
    "Interfaces down": ("stat", 8, 0, 4, 4), "Poll cycle duration": ("timeseries", 12, 0, 6, 4),
    "Probes failed / undecided": ("timeseries", 18, 0, 6, 4), "Down now": ("table", 0, 4, 8, 10),
    "SLA error ratio (1h)": ("timeseries", 8, 4, 16, 10),
    "Target error ratio (1h), worst 10": ("timeseries", 0, 14, 12, 9),
    "Probe latency (ms)": ("timeseries", 12, 14, 12, 9), "Link utilisation": ("timeseries", 0, 23, 12, 9),
    "Store: buffered transitions and errors": ("timeseries", 12, 23, 12, 9),
}


def _panel(pid: int, title: str) -> dict[str, object]:
    kind, x, y, w, h = _KINDS[title]
    panel: dict[str, object] = {
        "id": pid, "type": kind, "title": title, "datasource": _DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": [{"refId": chr(ord("A") + i), "datasource": _DS, "expr": expr, "legendFormat": legend,
                     "instant": kind in ("stat", "table")}
                    for i, (expr, legend) in enumerate(PANEL_EXPRESSIONS[title])],
    }
    if title == "Targets down":
        panel["fieldConfig"] = {"defaults": {"thresholds": {"mode": "absolute", "steps": [
            {"color": "green", "value": None}, {"color": "red", "value": 1}]}}, "overrides": []}
    if "utilisation" in title or "ratio" in title:
        panel["fieldConfig"] = {"defaults": {"unit": "percentunit", "min": 0}, "overrides": []}
    if kind == "table":
        panel["transformations"] = [{"id": "labelsToFields", "options": {}}]
    return panel


def _variable(name: str, label: str, query: str) -> dict[str, object]:
    return {"name": name, "label": label, "type": "query", "datasource": _DS, "refresh": 2,
            "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
            "definition": query, "includeAll": True, "multi": True, "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}}


def dashboard() -> dict[str, object]:
    """The dashboard's JSON model."""
    return {
        "title": "kotanet: network and SLAs",
        "uid": "kotanet-noc",
        "tags": ["kotanet", "noc", "sla"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-24h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0, "refresh": 1, "regex": "", "includeAll": False, "multi": False},
            _variable("target", "Target", f"label_values({METRIC_UP}, target)"),
            _variable("link", "Link", "label_values(kotanet_link_utilisation, link)"),
        ]},
        "annotations": {"list": []},
        "panels": [_panel(i + 1, title) for i, title in enumerate(PANEL_EXPRESSIONS)],
    }
