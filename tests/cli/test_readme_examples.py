"""Every `kotanet ...` line in the README's shell blocks runs and exits 0 (README examples are tests)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_kotanet

pytestmark = pytest.mark.cli


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    out = []
    for block in blocks:
        for raw in block.splitlines():
            line = raw.split("#", 1)[0].strip()
            if line.startswith("kotanet "):
                out.append(line)
    return out


COMMANDS = _commands()


def test_readme_has_examples() -> None:
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    args = shlex.split(re.sub(r"\[[^\]]*\]", "", command))[1:]  # optional parts in [brackets] are left out
    if args[:2] != ["inventory", "init"]:
        assert run_kotanet("inventory", "init", str(tmp_path / "my-city")).returncode == 0
    (tmp_path / "sheets").mkdir()
    if "import-csv" in args:  # needs the sheets the export example writes
        assert run_kotanet("inventory", "export", "my-city", "--format", "csv", "--out", "sheets/",
                           cwd=tmp_path).returncode == 0
    proc = run_kotanet(*args, cwd=tmp_path)
    assert proc.returncode == 0, f"{command}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
