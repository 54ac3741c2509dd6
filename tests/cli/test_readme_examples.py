"""Every `kotanet ...` line in the README's shell blocks runs and exits 0 (README examples are tests).
Each block runs in order in its own directory, with its own KOTANET_HOME, as a user would type it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_kotanet

pytestmark = pytest.mark.cli


def _blocks() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines = [raw.split("#", 1)[0].strip() for raw in block.splitlines()]
        cmds = [ln for ln in lines if ln.startswith("kotanet ")]
        if cmds:
            out.append(cmds)
    return out


BLOCKS = _blocks()


def test_readme_has_examples() -> None:
    assert sum(len(b) for b in BLOCKS) >= 12


@pytest.mark.parametrize("commands", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_readme_block_runs(commands: list[str], tmp_path: Path) -> None:
    env = {"KOTANET_HOME": str(tmp_path / "home")}
    if not any(c.startswith("kotanet inventory init") for c in commands):
        assert run_kotanet("inventory", "init", "my-city", cwd=tmp_path, env=env).returncode == 0
    (tmp_path / "sheets").mkdir()
    for command in commands:
        args = shlex.split(re.sub(r"\[[^\]]*\]", "", command))[1:]  # optional parts in [brackets] left out
        proc = run_kotanet(*args, cwd=tmp_path, env=env)
        assert proc.returncode == 0, f"{command}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
