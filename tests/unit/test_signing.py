"""Signed SLA exports: the key pair, the manifest, and every way of tampering with an export."""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kotanet.errors import KotanetError, UsageError
from kotanet.inventory.source import open_inventory
from kotanet.monitors.memory_store import MemoryStore
from kotanet.monitors.records import State, Transition
from kotanet.slas.exports import ExportFormat, write_exports
from kotanet.slas.report import SlaReport, build_report
from kotanet.slas.signing import (
    MANIFEST,
    PRIVATE_KEY,
    PUBLIC_KEY,
    SIGNATURE,
    SIGNER,
    canonical_json,
    init_keys,
    load_private_key,
    sign_directory,
    verify,
    write_signed_export,
)
from tests.conftest import MINI

pytestmark = pytest.mark.unit

JKT = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 24, 8, tzinfo=JKT)
FILES = ["sla-2026-10-summary.csv", "sla-2026-10-outages.csv", "sla-2026-10.xlsx", "sla-2026-10.pdf"]


@pytest.fixture(scope="module")
def report() -> SlaReport:
    s = MemoryStore()
    s.append_transitions([
        Transition("service:website", dt.datetime(2026, 9, 1, tzinfo=JKT), State.UP),
        Transition("service:website", dt.datetime(2026, 10, 3, 9, tzinfo=JKT), State.DOWN),
        Transition("service:website", dt.datetime(2026, 10, 3, 10, tzinfo=JKT), State.UP),
    ])
    return build_report(open_inventory(MINI), s, "2026-10", now=NOW)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, report: SlaReport) -> tuple[Path, Path]:
    """(an untouched export, the key directory); copied for each test that tampers."""
    root = tmp_path_factory.mktemp("signed")
    keys = root / "keys"
    init_keys(keys)
    key = load_private_key(keys)
    out = write_signed_export(root / "export", key, {"period": "2026-10"},
                              lambda d: write_exports(report, d, list(ExportFormat)))
    return out, keys


@pytest.fixture
def export(tmp_path: Path, pristine: tuple[Path, Path]) -> Path:
    dst = tmp_path / "export"
    shutil.copytree(pristine[0], dst)
    return dst


def names(result_problems: object) -> list[str]:
    return [p.file for p in result_problems]  # type: ignore[attr-defined]


def test_keys_are_private(tmp_path: Path) -> None:
    pair = init_keys(tmp_path / "k")
    assert stat.S_IMODE(pair.private.stat().st_mode) == 0o600
    assert pair.public.name == PUBLIC_KEY and pair.private.name == PRIVATE_KEY
    assert pair.fingerprint.startswith("ed25519:SHA256:")
    with pytest.raises(KotanetError, match="already exists"):
        init_keys(tmp_path / "k")
    assert init_keys(tmp_path / "k", force=True).fingerprint != pair.fingerprint


def test_missing_key_says_to_run_keys_init(tmp_path: Path) -> None:
    with pytest.raises(KotanetError, match="kotanet keys init"):
        load_private_key(tmp_path / "nokeys")


def test_export_layout_and_untouched_verify(export: Path, pristine: tuple[Path, Path]) -> None:
    assert sorted(p.name for p in export.iterdir()) == sorted([*FILES, MANIFEST, SIGNATURE, SIGNER])
    data = (export / MANIFEST).read_bytes()
    manifest = json.loads(data)
    assert canonical_json(manifest) == data  # canonical: sorted keys, compact
    assert set(manifest["files"]) == set(FILES)
    assert all(len(v["sha256"]) == 64 and v["size"] > 0 for v in manifest["files"].values())
    result = verify(export)
    assert result.ok and result.files == 4 and not result.trusted
    trusted = verify(export, trusted_key=pristine[1] / PUBLIC_KEY)
    assert trusted.ok and trusted.trusted


@pytest.mark.parametrize("name", FILES)
def test_one_changed_byte_in_each_file_is_named(export: Path, name: str) -> None:
    path = export / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = verify(export)
    assert not result.ok and names(result.problems) == [name]
    assert "changed" in result.problems[0].message


def test_truncated_file_is_named(export: Path) -> None:
    path = export / "sla-2026-10.pdf"
    path.write_bytes(path.read_bytes()[:-100])
    result = verify(export)
    assert names(result.problems) == ["sla-2026-10.pdf"] and "truncated" in result.problems[0].message


def test_removed_file_is_named(export: Path) -> None:
    (export / "sla-2026-10-outages.csv").unlink()
    result = verify(export)
    assert names(result.problems) == ["sla-2026-10-outages.csv"] and "missing" in result.problems[0].message


def test_added_file_is_named(export: Path) -> None:
    (export / "extra.csv").write_text("target\nwebsite\n")
    result = verify(export)
    assert names(result.problems) == ["extra.csv"] and "added" in result.problems[0].message


def test_edited_manifest_fails(export: Path) -> None:
    # an attacker edits a file and puts its new digest in the manifest, but cannot re-sign
    csv_path = export / "sla-2026-10-summary.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"99.", b"99.9", 1))
    manifest = json.loads((export / MANIFEST).read_bytes())
    import hashlib

    manifest["files"][csv_path.name] = {"sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
                                        "size": csv_path.stat().st_size}
    (export / MANIFEST).write_bytes(canonical_json(manifest))
    result = verify(export)
    assert not result.ok
    assert any(MANIFEST in f for f in names(result.problems))


def test_replaced_signature_fails(export: Path) -> None:
    (export / SIGNATURE).write_bytes(base64.b64encode(bytes(64)) + b"\n")
    result = verify(export)
    assert not result.ok and any(SIGNATURE in f for f in names(result.problems))


def test_garbage_signature_fails(export: Path) -> None:
    (export / SIGNATURE).write_text("not base64 at all!\n")
    result = verify(export)
    assert names(result.problems) == [SIGNATURE]


def test_resigned_with_another_key_fails_against_the_trusted_key(export: Path, tmp_path: Path,
                                                                pristine: tuple[Path, Path]) -> None:
    # the attacker changes a file and re-signs everything with their own key (and ships their signer.pub)
    (export / "sla-2026-10-summary.csv").write_bytes(b"target\nwebsite,100\n")
    init_keys(tmp_path / "evil")
    for reserved in (MANIFEST, SIGNATURE, SIGNER):
        (export / reserved).unlink()
    sign_directory(export, load_private_key(tmp_path / "evil"), {"period": "2026-10"})
    assert verify(export).ok  # self-consistent without a trusted key: that is what --trusted-key is for
    result = verify(export, trusted_key=pristine[1] / PUBLIC_KEY)
    assert not result.ok
    assert SIGNER in names(result.problems)
    assert any(SIGNATURE in f for f in names(result.problems))


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        verify(tmp_path / "nope")


def test_failed_export_leaves_nothing(tmp_path: Path, pristine: tuple[Path, Path]) -> None:
    key = load_private_key(pristine[1])

    def boom(d: Path) -> None:
        (d / "half.csv").write_text("x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_signed_export(tmp_path / "out", key, {}, boom)
    assert list(tmp_path.iterdir()) == []


def test_existing_export_is_not_overwritten_without_force(tmp_path: Path, pristine: tuple[Path, Path]) -> None:
    key = load_private_key(pristine[1])
    out = tmp_path / "out"
    write_signed_export(out, key, {"n": 1}, lambda d: (d / "a.txt").write_text("1"))
    with pytest.raises(UsageError, match="not empty"):
        write_signed_export(out, key, {"n": 2}, lambda d: (d / "a.txt").write_text("2"))
    write_signed_export(out, key, {"n": 2}, lambda d: (d / "a.txt").write_text("2"), force=True)
    assert (out / "a.txt").read_text() == "2" and verify(out).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
