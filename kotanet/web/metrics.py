"""``/metrics``: the dashboard's own Prometheus metrics and the SLA gauges it computes, on its own registry.

    kotanet_web_requests_total{route, method, code}      requests answered
    kotanet_web_request_seconds{route}                   time to answer (histogram)
    kotanet_sla_availability_ratio{sla}                  availability this period so far (absent: no data)
    kotanet_sla_objective_ratio{sla}                     the SLA's objective
    kotanet_sla_budget_remaining_seconds{sla}            error budget left (negative once overspent)
    kotanet_sla_state{sla, state}                        1 for the SLA's state (met, at_risk, breached, no_data)
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from starlette.types import Scope

from kotanet.slas.engine import SlaState
from kotanet.web.figures import Figures

__all__ = ["WebMetrics"]


class _SlaCollector(Collector):
    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        snap = self.figures.snapshot()
        avail = GaugeMetricFamily("kotanet_sla_availability_ratio", "SLA availability this period so far.",
                                  labels=["sla"])
        obj = GaugeMetricFamily("kotanet_sla_objective_ratio", "The SLA's objective.", labels=["sla"])
        budget = GaugeMetricFamily("kotanet_sla_budget_remaining_seconds", "Error budget left this period.",
                                   labels=["sla"])
        state = GaugeMetricFamily("kotanet_sla_state", "1 for the SLA's current state.", labels=["sla", "state"])
        for r in snap.rows:
            if r.availability is not None:
                avail.add_metric([r.id], r.availability)
            obj.add_metric([r.id], r.objective_pct / 100)
            budget.add_metric([r.id], r.budget_remaining_s)
            for s in SlaState:
                state.add_metric([r.id, s.value], 1.0 if r.state is s else 0.0)
        yield from (avail, obj, budget, state)


class WebMetrics:
    def __init__(self, figures: Figures) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("kotanet_web_requests", "Requests answered.", ["route", "method", "code"],
                                registry=self.registry)
        self.latency = Histogram("kotanet_web_request_seconds", "Time to answer a request.", ["route"],
                                 registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
        self.registry.register(_SlaCollector(figures))

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None)
        name = path if isinstance(path, str) else ("/static" if str(scope.get("path", "")).startswith("/static/")
                                                  else "other")
        self.requests.labels(name, str(scope.get("method", "")), str(status)).inc()
        self.latency.labels(name).observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
