"""The rendered Prometheus rules against Debian's promtool: `check rules` on the whole embedded dataset, and
`test rules` on tests/data/promtool/sla_alerts_test.yml (fast burn fires on time, nothing fires when all is
up, no page on a short blip, a tenant SLA alerts per site, 99.99 % pages on one bad minute)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kotanet.inventory import Inventory, open_inventory
from kotanet.slas.rules import render_rules, write_rules
from tests.conftest import DATA, ROOT, require_service

pytestmark = pytest.mark.service

PROMTOOL_TESTS = DATA / "promtool"
# The SLA targets the rule tests exercise. Each SLA target's rules are a group of their own that depends
# on nothing else, so the tests render only these (promtool evaluates every rule at every step: the
# other twelve groups would only make the run five times slower).
TESTED_SLAS = ("sla-website", "sla-kecamatan-bogor-barat", "sla-dc-roadmap-2020")


@pytest.fixture(scope="module")
def promtool() -> str:
    subprocess.run([str(ROOT / "scripts" / "ensure-deb"), "prometheus"], check=False, timeout=600)
    path = shutil.which("promtool")
    require_service(path is not None, "promtool (Debian package prometheus)")
    assert path is not None
    return path


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return open_inventory(None)


def _run(promtool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
                          stdin=subprocess.DEVNULL)


def test_check_rules(promtool: str, inv: Inventory, tmp_path: Path) -> None:
    write_rules(tmp_path / "rules.yml", render_rules(inv))
    res = _run(promtool, "check", "rules", "rules.yml", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "SUCCESS" in res.stdout + res.stderr


def test_rule_unit_tests(promtool: str, inv: Inventory, tmp_path: Path) -> None:
    subset = inv.model_copy(update={"sla_targets": [s for s in inv.sla_targets if s.id in TESTED_SLAS]})
    assert len(subset.sla_targets) == len(TESTED_SLAS)
    write_rules(tmp_path / "rules.yml", render_rules(subset))
    shutil.copy(PROMTOOL_TESTS / "sla_alerts_test.yml", tmp_path)
    res = _run(promtool, "test", "rules", "sla_alerts_test.yml", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr


BROKEN = """\
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'kotanet_target_up{target="service:website", kind="service"}'
        values: '1x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: KotanetSlaBudgetBurnFast
        exp_alerts: [{exp_labels: {severity: page, sla: sla-website, target: "service:website"}}]
"""


def test_a_wrong_expectation_fails(promtool: str, inv: Inventory, tmp_path: Path) -> None:
    """The website is up, so an expected page must make promtool fail: the passing run above means something."""
    subset = inv.model_copy(update={"sla_targets": [s for s in inv.sla_targets if s.id == "sla-website"]})
    write_rules(tmp_path / "rules.yml", render_rules(subset))
    (tmp_path / "broken_test.yml").write_text(BROKEN, encoding="utf-8")
    res = _run(promtool, "test", "rules", "broken_test.yml", cwd=tmp_path)
    assert res.returncode != 0
    assert "KotanetSlaBudgetBurnFast" in res.stdout + res.stderr
