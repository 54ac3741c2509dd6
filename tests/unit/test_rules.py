"""Prometheus rules for the SLA targets (kotanet.slas.rules), on the embedded Bogor dataset."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kotanet.inventory import Inventory, open_inventory
from kotanet.inventory.models import SlaTarget
from kotanet.monitors.targets import scope_targets
from kotanet.slas.rules import (
    SLA_RECORD,
    SLA_SUMMARY_RECORD,
    TARGET_RECORD,
    WINDOWS,
    burn_threshold,
    render_rules,
    target_matcher,
    write_rules,
)

pytestmark = pytest.mark.unit


@cache
def _inv() -> Inventory:
    return open_inventory(None)


@cache
def _text() -> str:
    return render_rules(_inv())


def _groups() -> dict[str, list[dict[str, Any]]]:
    doc = yaml.safe_load(_text())
    return {g["name"]: g["rules"] for g in doc["groups"]}


def _alerts(sla_id: str) -> dict[str, dict[str, Any]]:
    return {r["alert"]: r for r in _groups()[f"kotanet-sla-{sla_id}"] if "alert" in r}


def test_yaml_parses_and_is_deterministic() -> None:
    doc = yaml.safe_load(_text())
    assert list(doc) == ["groups"]
    assert render_rules(_inv()) == _text()
    names = [g["name"] for g in doc["groups"]]
    assert len(names) == len(set(names))
    for g in doc["groups"]:
        for rule in g["rules"]:
            assert ("record" in rule) != ("alert" in rule)
            assert isinstance(rule["expr"], str) and rule["expr"]


def test_per_target_rules_cover_every_window() -> None:
    rules = _groups()["kotanet-targets"]
    assert [r["record"] for r in rules] == [TARGET_RECORD.format(w=w) for w in WINDOWS]
    assert WINDOWS == ("5m", "30m", "1h", "6h", "3d")
    for r, w in zip(rules, WINDOWS, strict=True):
        assert r["expr"] == f"1 - avg by (target, kind) (avg_over_time(kotanet_target_up[{w}]))"


@pytest.mark.parametrize("sla", [s.id for s in open_inventory(None).sla_targets])
def test_every_sla_target_has_its_recording_and_alert_rules(sla: str) -> None:
    target: SlaTarget = next(s for s in _inv().sla_targets if s.id == sla)
    rules = _groups()[f"kotanet-sla-{sla}"]
    records = {r["record"]: r for r in rules if "record" in r}
    for w in WINDOWS:
        rec = records[SLA_RECORD.format(w=w)]
        assert rec["labels"] == {"sla": sla}
        matcher = re.search(r'target=~"([^"]*)"', rec["expr"])
        assert matcher is not None
        # the regex matches exactly the SLA target's monitor targets (PromQL anchors it)
        pattern = re.compile(f"^(?:{matcher.group(1)})$")
        members = scope_targets(_inv(), target)
        assert members and all(pattern.match(m) for m in members)
        assert not pattern.match("site:not-a-member") and not pattern.match(members[0] + "x")
        assert f"[{w}]" in rec["expr"]
        summary = records[SLA_SUMMARY_RECORD.format(w=w)]
        assert summary["expr"] == f'avg by (sla) ({SLA_RECORD.format(w=w)}{{sla="{sla}"}})'
    alerts = _alerts(sla)
    assert set(alerts) == {"KotanetSlaBudgetBurnFast", "KotanetSlaBudgetBurnMedium", "KotanetSlaBudgetBurnSlow"}
    for alert in alerts.values():
        assert alert["labels"]["sla"] == sla
        assert alert["labels"]["severity"] in {"page", "ticket"}
        assert "{{ $labels.target }}" in alert["annotations"]["summary"]
        assert sla in alert["annotations"]["description"]
        assert "error budget" in alert["annotations"]["description"]


def test_tenant_sla_lists_all_its_sites() -> None:
    rec = next(r for r in _groups()["kotanet-sla-sla-kecamatan-bogor-barat"]
               if r.get("record") == SLA_RECORD.format(w="1h"))
    assert 'target=~"site:kec-bogor-barat|site:kel-balumbang-jaya|' in rec["expr"]
    assert rec["expr"].count("|site:kel-") == 16


def _bounds(expr: str) -> tuple[str, str, str, str]:
    m = re.fullmatch(r'(\S+)\{sla="[^"]+"\} > ([0-9.]+) and (\S+)\{sla="[^"]+"\} > ([0-9.]+)', expr)
    assert m is not None, expr
    return m.group(1), m.group(2), m.group(3), m.group(4)


def test_thresholds_for_the_masterplan_99_5() -> None:
    # budget 1 - 0.995 = 0.005, computed by hand:
    #   14.4 x 0.005 = 0.072 over 1h and 5m; 6 x 0.005 = 0.03 over 6h and 30m; 1 x 0.005 = 0.005 over 3d and 6h
    alerts = _alerts("sla-website")
    expected = {
        "KotanetSlaBudgetBurnFast": ("1h", "5m", "0.072", "page"),
        "KotanetSlaBudgetBurnMedium": ("6h", "30m", "0.03", "page"),
        "KotanetSlaBudgetBurnSlow": ("3d", "6h", "0.005", "ticket"),
    }
    for name, (long, short, threshold, severity) in expected.items():
        long_rec, long_th, short_rec, short_th = _bounds(alerts[name]["expr"])
        assert long_rec == SLA_RECORD.format(w=long) and short_rec == SLA_RECORD.format(w=short)
        assert long_th == short_th == threshold
        assert alerts[name]["labels"] == {"severity": severity, "sla": "sla-website", "objective": "99.5"}
    assert "3.6 h of a 30-day month" in alerts["KotanetSlaBudgetBurnFast"]["annotations"]["description"]


def test_thresholds_for_the_other_presets() -> None:
    # 95 %: 14.4 x 0.05 = 0.72, 6 x 0.05 = 0.3, 0.05; 99.99 %: 0.00144, 0.0006, 0.0001
    for sla, want in (("sla-kecamatan-bogor-barat", ("0.72", "0.3", "0.05")),
                      ("sla-dc-roadmap-2020", ("0.00144", "0.0006", "0.0001"))):
        alerts = _alerts(sla)
        got = tuple(_bounds(alerts[n]["expr"])[1] for n in
                    ("KotanetSlaBudgetBurnFast", "KotanetSlaBudgetBurnMedium", "KotanetSlaBudgetBurnSlow"))
        assert got == want, sla
    assert burn_threshold("14.4", 99.5) == Decimal("0.072")
    assert burn_threshold(6, 90.0) == Decimal("0.6")


def test_unreachable_threshold_is_left_out() -> None:
    # road map 2009, 90 %: 14.4 x 0.1 = 1.44 > 1, an error ratio can never exceed it
    inv = _inv().model_copy(update={"sla_targets": [
        SlaTarget.model_validate({"id": "sla-old", "name": "Old", "scope": "site", "ref": "balaikota",
                                  "preset": "roadmap-2009"})]})
    text = render_rules(inv)
    alerts = {r["alert"] for g in yaml.safe_load(text)["groups"] for r in g["rules"] if "alert" in r}
    assert alerts == {"KotanetSlaBudgetBurnMedium", "KotanetSlaBudgetBurnSlow"}
    assert "KotanetSlaBudgetBurnFast for sla-old" in text


def test_target_matcher_escapes_dots() -> None:
    assert target_matcher(["site:a.b", "link:c-d", "site:a.b"]) == r"site:a\.b|link:c-d"


def test_write_rules_is_atomic_and_keeps_the_mode(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "rules.yml"
    write_rules(out, "groups: []\n")
    assert out.read_text(encoding="utf-8") == "groups: []\n"
    assert out.stat().st_mode & 0o777 == 0o644
    out.chmod(0o600)
    write_rules(out, _text())
    assert out.read_text(encoding="utf-8") == _text()
    assert out.stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(out.parent)) == ["rules.yml"]  # no temporary file left behind
