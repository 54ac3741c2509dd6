"""Fuzz the YAML loader: any bytes in any inventory file give an Inventory or an InventoryError, nothing else."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotanet.errors import InventoryError
from kotanet.inventory import YamlDirSource
from kotanet.inventory.layout import COLLECTION_FILES

pytestmark = pytest.mark.fuzz

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
FILES = ["inventory.yaml", *COLLECTION_FILES.values()]
ORIGINAL = {name: (MINI / name).read_bytes() for name in FILES if (MINI / name).exists()}


def _load(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            YamlDirSource(root).load()
        except InventoryError as exc:
            for line in exc.lines():
                assert "\n" not in line
                assert line.split(":", 1)[0].endswith((".yaml", tmp)), line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(ORIGINAL)), data=st.data())
def test_mutated_bytes(name: str, data: st.DataObject) -> None:
    original = ORIGINAL[name]
    pos = data.draw(st.integers(0, len(original)))
    cut = data.draw(st.integers(0, 20))
    insert = data.draw(st.binary(max_size=12) | st.sampled_from(
        [b":", b"- ", b"\t", b"'", b'"', b"{", b"[", b"&a", b"*a", b"!!python/object:os.system", b"\n  ", b"null",
         b"~", b"yes", b"2026-13-40", b"1e999", b"-", b"\xff"]))
    mutated = original[:pos] + insert + original[pos + cut:]
    _load({**ORIGINAL, name: mutated})


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(ORIGINAL)), text=st.text(max_size=300))
def test_arbitrary_text_file(name: str, text: str) -> None:
    _load({**ORIGINAL, name: text.encode("utf-8", "surrogatepass")})


def test_python_tags_are_refused(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "inv")
    (tmp_path / "inv" / "regions.yaml").write_text("regions: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(InventoryError, match="YAML"):
        YamlDirSource(tmp_path / "inv").load()
