"""Prometheus recording and alerting rules for the inventory's SLA targets (``kotanet sla rules``).

Input: the gauge every poller exports, ``kotanet_target_up{target="<kind>:<id>", kind="<kind>"}`` (1 up,
0 down, absent while the state is unknown; `kotanet.monitors.targets.METRIC_UP`).

**Error ratio.** Over a window W, ``1 - avg_over_time(kotanet_target_up[W])`` is the share of the
*sampled* time the target was down. Absent samples (unknown) are left out, as the SLA engine leaves
unknown time out of the SLI by default; a window without any sample gives no series, hence no alert.
Several pollers exporting one target (HA pairs) are averaged: ``avg by (target, kind)``.

**Rules rendered** (all deterministic, in inventory order):

* group ``kotanet-targets``: ``target:kotanet_target_error:ratio<W>`` for every target (no matcher) and
  every window W of ``WINDOWS``, for dashboards.
* one group ``kotanet-sla-<sla id>`` per SLA target, evaluated in order:

  - ``sla_target:kotanet_target_error:ratio<W>``: the same error ratio, computed from the raw gauge
    (not from the group above, so that no rule waits on another group's evaluation), restricted to the SLA
    target's monitor targets with one anchored regex matcher on ``target`` (``target=~"site:a|site:b"``,
    from `kotanet.monitors.targets.scope_targets`, dots escaped), and labelled ``sla="<sla id>"`` by the
    rule's static ``labels``. **A multi-target SLA (a kecamatan tenant: its office and every kelurahan)
    is one series per monitor target, each carrying the ``sla`` label**: the promise holds for every
    office, so the alerts below fire per (sla, target) and name the office; averaging would let one
    kelurahan stay down unnoticed behind sixteen healthy ones. A target covered by two SLA targets gets
    a series under each.
  - ``sla:kotanet_error:ratio<W>``: ``avg by (sla)`` of the above, the share of the SLA's target-time
    that was down (a dashboard figure; not used by the alerts).
  - the multi-window, multi-burn-rate alerts of the Google SRE workbook ("Alerting on SLOs", table 5-8),
    each requiring both its long and its short window above ``factor × (1 − objective)``:

    ============================  ======  ======  ======  ========
    alert                         factor  long    short   severity
    ============================  ======  ======  ======  ========
    KotanetSlaBudgetBurnFast      14.4    1h      5m      page      (2 % of a 30-day budget in 1 h)
    KotanetSlaBudgetBurnMedium    6       6h      30m     page      (5 % in 6 h)
    KotanetSlaBudgetBurnSlow      1       3d      6h      ticket    (10 % in 3 d)
    ============================  ======  ======  ======  ========

    Labels: ``severity``, ``sla``, ``objective`` (percent), ``target`` and ``kind`` (from the series).
    Annotations ``summary`` and ``description`` name the SLA, the target and its budget.

The thresholds are rendered as decimal numbers computed exactly (``Decimal``), e.g. 14.4 × (1 − 0.995)
= 0.072. A threshold of 1 or more can never be crossed (an error ratio is at most 1: e.g. the fast burn
of a 90 % objective); such an alert is left out and a comment says so.

Not expressed in the rules (the SLA report accounts for them; alerts are about *now*): service hours
(the alerts run 24×7), maintenance windows (use Alertmanager silences), ``unknown_counts_as_down``
(absent samples never count as down here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from kotanet.atomic import file_mode, write_atomic
from kotanet.inventory.choices import PeriodKind
from kotanet.inventory.models import Inventory, SlaTarget
from kotanet.monitors.targets import METRIC_UP, scope_targets

__all__ = [
    "BURN_ALERTS",
    "SLA_RECORD",
    "SLA_SUMMARY_RECORD",
    "TARGET_RECORD",
    "WINDOWS",
    "BurnAlert",
    "burn_threshold",
    "render_rules",
    "target_matcher",
    "write_rules",
]

#: The windows over which error ratios are recorded.
WINDOWS: tuple[str, ...] = ("5m", "30m", "1h", "6h", "3d")

#: Names of the recorded series; ``{w}`` is a window of WINDOWS.
TARGET_RECORD = "target:kotanet_target_error:ratio{w}"
SLA_RECORD = "sla_target:kotanet_target_error:ratio{w}"
SLA_SUMMARY_RECORD = "sla:kotanet_error:ratio{w}"


@dataclass(frozen=True, slots=True)
class BurnAlert:
    """One multi-window burn-rate alert: fires when both windows burn faster than ``factor``."""

    name: str
    factor: Decimal
    long: str
    short: str
    severity: str
    budget_share: str  # the share of a 30-day budget spent in ``long`` at exactly ``factor``


BURN_ALERTS: tuple[BurnAlert, ...] = (
    BurnAlert("KotanetSlaBudgetBurnFast", Decimal("14.4"), "1h", "5m", "page", "2 %"),
    BurnAlert("KotanetSlaBudgetBurnMedium", Decimal(6), "6h", "30m", "page", "5 %"),
    BurnAlert("KotanetSlaBudgetBurnSlow", Decimal(1), "3d", "6h", "ticket", "10 %"),
)

_PERIOD_HOURS = {PeriodKind.MONTH: 30 * 24, PeriodKind.QUARTER: 91 * 24, PeriodKind.YEAR: 365 * 24}
_PERIOD_NAME = {PeriodKind.MONTH: "monthly", PeriodKind.QUARTER: "quarterly", PeriodKind.YEAR: "yearly"}
_REGEX_SPECIAL = re.compile(r"([.\\+*?()|\[\]{}^$])")


def _dec(value: Decimal) -> str:
    """A Decimal as plain positional text without trailing zeros: 0.0720 -> '0.072', 6 -> '6'."""
    return format(value.normalize(), "f")


def _allowed_bad(objective_pct: float) -> Decimal:
    """1 − objective, exactly as the objective is written (99.5 -> 0.005)."""
    return (Decimal(100) - Decimal(repr(float(objective_pct)))) / Decimal(100)


def burn_threshold(factor: Decimal | float | str, objective_pct: float) -> Decimal:
    """The error ratio at which the budget of ``objective_pct`` burns ``factor`` times too fast:
    factor × (1 − objective), exact (14.4 and 99.5 -> 0.072)."""
    return Decimal(str(factor)) * _allowed_bad(objective_pct)


def target_matcher(targets: list[str]) -> str:
    """An anchored Prometheus regex (RE2; PromQL anchors it) matching exactly these target ids."""
    return "|".join(_REGEX_SPECIAL.sub(r"\\\1", t) for t in dict.fromkeys(targets))


def _error_ratio(window: str, selector: str = "") -> str:
    sel = f"{{{selector}}}" if selector else ""
    return f"1 - avg by (target, kind) (avg_over_time({METRIC_UP}{sel}[{window}]))"


def _budget_text(sla: SlaTarget) -> str:
    bad = _allowed_bad(sla.objective_pct)
    hours = Decimal(_PERIOD_HOURS[sla.period]) * bad
    span = f"{_dec(hours.quantize(Decimal('0.01')))} h" if hours >= 1 else \
        f"{_dec((hours * 60).quantize(Decimal('0.1')))} min"
    days = _PERIOD_HOURS[sla.period] // 24
    return f"{_dec(bad * 100)} % error budget ({span} of a {days}-day {_PERIOD_NAME[sla.period].removesuffix('ly')})"


def _sla_group(inv: Inventory, sla: SlaTarget) -> dict[str, object]:
    targets = scope_targets(inv, sla)
    objective = _dec(Decimal(repr(float(sla.objective_pct))))
    selector = f'target=~"{target_matcher(targets)}"'
    rules: list[dict[str, object]] = []
    for w in WINDOWS:
        rules.append({"record": SLA_RECORD.format(w=w), "expr": _error_ratio(w, selector),
                      "labels": {"sla": sla.id}})
    for w in WINDOWS:
        rules.append({"record": SLA_SUMMARY_RECORD.format(w=w),
                      "expr": f'avg by (sla) ({SLA_RECORD.format(w=w)}{{sla="{sla.id}"}})',
                      "labels": {"sla": sla.id}})  # the label keeps the groups' series apart for promtool
    budget = _budget_text(sla)
    for alert in BURN_ALERTS:
        threshold = burn_threshold(alert.factor, sla.objective_pct)
        if threshold >= 1:
            continue
        th = _dec(threshold)
        long_sel = f'{SLA_RECORD.format(w=alert.long)}{{sla="{sla.id}"}}'
        short_sel = f'{SLA_RECORD.format(w=alert.short)}{{sla="{sla.id}"}}'
        pct = _dec(threshold * 100)
        rules.append({
            "alert": alert.name,
            "expr": f"{long_sel} > {th} and {short_sel} > {th}",
            "labels": {"severity": alert.severity, "sla": sla.id, "objective": objective},
            "annotations": {
                "summary": (f"{{{{ $labels.target }}}} burns the {sla.id} error budget {_dec(alert.factor)}× "
                            f"too fast ({alert.long} and {alert.short})"),
                "description": (
                    f'SLA {sla.id} "{sla.name}", objective {objective} %: {{{{ $labels.target }}}} was down '
                    f"{{{{ $value | humanizePercentage }}}} of the last {alert.long} and more than {pct} % of "
                    f"the last {alert.short}: {_dec(alert.factor)} × its {budget}. At this rate "
                    f"{alert.budget_share} of a 30-day budget goes in {alert.long}."),
            },
        })
    return {"name": f"kotanet-sla-{sla.id}", "rules": rules}


def render_rules(inv: Inventory) -> str:
    """The Prometheus rule file (YAML) for every SLA target of ``inv``; deterministic (module docstring)."""
    groups: list[dict[str, object]] = [{
        "name": "kotanet-targets",
        "rules": [{"record": TARGET_RECORD.format(w=w), "expr": _error_ratio(w)} for w in WINDOWS],
    }]
    skipped: list[str] = []
    for sla in inv.sla_targets:
        groups.append(_sla_group(inv, sla))
        skipped += [f"#   {a.name} for {sla.id}: {_dec(a.factor)} × (1 − {sla.objective_pct} %) >= 1"
                    for a in BURN_ALERTS if burn_threshold(a.factor, sla.objective_pct) >= 1]
    header = [
        f"# Prometheus rules for the SLA targets of {inv.settings.name}, generated by `kotanet sla rules`.",
        f"# Input: {METRIC_UP}{{target, kind}} (1 up, 0 down, absent while unknown).",
        "# Alerts: multi-window, multi-burn-rate (Google SRE workbook); threshold = factor x (1 - objective).",
        "# Do not edit by hand: change the inventory's sla_targets and generate again.",
    ]
    if skipped:
        header += ["# Left out (the threshold is an error ratio of 1 or more, which cannot be exceeded):", *skipped]
    body = yaml.safe_dump({"groups": groups}, sort_keys=False, allow_unicode=True, width=1000,
                          default_flow_style=False)
    return "\n".join(header) + "\n" + body


def write_rules(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary sibling, fsync, then a rename over ``path`` (an
    existing file keeps its permissions; a new one is 0644). A failure leaves the old file as it was."""
    target = Path(path)
    write_atomic(target, text, mode=file_mode(target) if target.exists() else 0o644)
