from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MINI = DATA / "mini"
FIXED_NOW = "2026-11-24T08:00:00+07:00"
# kotanet's state (keys, the default store, the demo, a simulation's address map) never goes to the real home
_TEST_HOME = tempfile.mkdtemp(prefix="kotanet-test-home-")


def run_kotanet(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real `kotanet` command (the installed package) in a subprocess with a fixed clock."""
    full_env = {**os.environ, "KOTANET_NOW": FIXED_NOW, "COLUMNS": "160", "NO_COLOR": "1",
                "KOTANET_HOME": _TEST_HOME}
    full_env.pop("KOTANET_LANG", None)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "kotanet.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout, check=False)


@pytest.fixture
def kotanet() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_kotanet


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "inv"
    shutil.copytree(MINI, dst)
    return dst


TIERS = ("unit", "cli", "fuzz", "service")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test belongs to exactly one tier, so `scripts/test` runs each tier and misses none."""
    untiered = [item.nodeid for item in items if not any(item.get_closest_marker(t) for t in TIERS)]
    if untiered:
        raise pytest.UsageError(f"tests without a tier marker ({', '.join(TIERS)}): {', '.join(untiered[:5])}")


def require_service(available: bool, what: str) -> None:
    """Skip when a real service is missing on a laptop; fail in CI (KOTANET_REQUIRE_SERVICES=1)."""
    if available:
        return
    if os.environ.get("KOTANET_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required in CI (KOTANET_REQUIRE_SERVICES=1) but is not available")
    pytest.skip(f"{what} is not available on this machine")
