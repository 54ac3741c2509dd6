"""Every malformed inventory in tests/data/bad/ gives exit 2 and one located line per problem, no traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA, run_kotanet

pytestmark = pytest.mark.cli

CASES = sorted(p for p in (DATA / "bad").iterdir() if p.is_dir())
LOCATED = re.compile(r"(?P<file>[^\s:]+\.(?:yaml|csv))(?::(?P<line>\d+))?: ")


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path, tmp_path: Path) -> None:
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    work = tmp_path / case.name
    shutil.copytree(case, work)
    snapshot = {p.relative_to(work): p.read_bytes() for p in work.rglob("*") if p.is_file()}
    if spec["command"] == "validate":
        proc = run_kotanet("inventory", "validate", str(work))
    else:
        kind = spec["csv"].removesuffix(".csv")
        proc = run_kotanet("inventory", "import-csv", str(work / "inventory"), f"--{kind}", str(work / spec["csv"]))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    first = lines[0]
    for fragment in spec["expect"]:
        assert fragment in first, f"{fragment!r} not in {first!r}"
    match = LOCATED.search(first)
    assert match, f"no file:line in {first!r}"
    if spec["token"] is not None:
        assert match.group("line"), f"no line number in {first!r}"
        path = Path(match.group("file").removeprefix("error: "))
        text = path.read_text(encoding="utf-8").splitlines()
        assert spec["token"] in text[int(match.group("line")) - 1], (first, text[int(match.group("line")) - 1])
    # nothing half-written: the inventory on disk is exactly as before
    after = {p.relative_to(work): p.read_bytes() for p in work.rglob("*") if p.is_file()}
    assert after == snapshot
