"""kotanet.slas: SLA accounting on time intervals (periods, service hours, maintenance, error budgets).

Definitions: docs/sla-definitions.md and the docstring of kotanet.slas.engine.
"""

from kotanet.slas.engine import (
    AT_RISK_REMAINING,
    DEFAULT_FLAP_RULE,
    Annotation,
    FlapRule,
    Outage,
    OutageRecord,
    SlaFigures,
    SlaState,
    State,
    Transition,
    compute,
    compute_many,
    group_by_target,
)
from kotanet.slas.intervals import Interval, Timed, clip, intersect, merge, subtract, total_seconds
from kotanet.slas.periods import (
    Period,
    parse_period,
    period_containing,
    resolve_tz,
    service_windows,
    split,
)

__all__ = [
    "AT_RISK_REMAINING",
    "DEFAULT_FLAP_RULE",
    "Annotation",
    "FlapRule",
    "Interval",
    "Outage",
    "OutageRecord",
    "Period",
    "SlaFigures",
    "SlaState",
    "State",
    "Timed",
    "Transition",
    "clip",
    "compute",
    "compute_many",
    "group_by_target",
    "intersect",
    "merge",
    "parse_period",
    "period_containing",
    "resolve_tz",
    "service_windows",
    "split",
    "subtract",
    "total_seconds",
]
