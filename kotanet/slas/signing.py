"""Signed exports: an Ed25519 key pair, a manifest of every exported file, and its verification.

An export directory holds the exported files plus:

* ``manifest.json``: canonical JSON (sorted keys, no insignificant whitespace, UTF-8, one final newline)
  with the kotanet version, period, scope, policies, data range, generated-at time, the SHA-256 and size
  of every exported file, and the fingerprint of the signing key;
* ``manifest.sig``: the Ed25519 signature of manifest.json's exact bytes, base64, one line;
* ``signer.pub``: the public key (PEM) that made the signature.

``verify`` names every file that was changed, truncated, removed or added, and fails on an edited
manifest or signature. Without ``trusted_key`` it checks against the export's own signer.pub (which proves
the files match what that key signed); with it, a manifest re-signed with any other key fails too.

Exports are written to a temporary sibling directory and renamed into place, so a failed export leaves
nothing half-written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kotanet.atomic import write_atomic
from kotanet.errors import KotanetError, UsageError
from kotanet.paths import kotanet_home

__all__ = [
    "MANIFEST",
    "PRIVATE_KEY",
    "PUBLIC_KEY",
    "SIGNATURE",
    "SIGNER",
    "KeyPair",
    "VerifyProblem",
    "VerifyResult",
    "canonical_json",
    "default_key_dir",
    "fingerprint",
    "init_keys",
    "kotanet_home",
    "load_private_key",
    "load_public_key",
    "sign_directory",
    "verify",
    "write_signed_export",
]

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNER = "signer.pub"
PRIVATE_KEY = "kotanet-sla.key"
PUBLIC_KEY = "kotanet-sla.pub"
MANIFEST_FORMAT = "kotanet-sla-export/1"
_RESERVED = frozenset({MANIFEST, SIGNATURE, SIGNER})


if TYPE_CHECKING:  # cryptography is imported where it is used: `kotanet --help` stays fast
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def default_key_dir(env: Mapping[str, str] | None = None) -> Path:
    return kotanet_home(env) / "keys"


def canonical_json(data: object) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8, a final newline: one byte string per value."""
    return (json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            + "\n").encode("utf-8")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    """``ed25519:SHA256:<hex of the raw 32-byte key's SHA-256>``, first 32 hex digits."""
    return "ed25519:SHA256:" + hashlib.sha256(_raw_public(key)).hexdigest()[:32]


def _public_pem(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True, slots=True)
class KeyPair:
    private: Path
    public: Path
    fingerprint: str


def init_keys(directory: Path, *, force: bool = False) -> KeyPair:
    """Create an Ed25519 key pair in ``directory``: the private key (PKCS#8 PEM, mode 0600) and the public
    key beside it. An existing key is kept unless ``force`` (KotanetError)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    private, public = directory / PRIVATE_KEY, directory / PUBLIC_KEY
    if private.exists() and not force:
        raise KotanetError(f"{private} already exists",
                           hint="pass --force to replace it; exports signed with the old key keep their signer.pub")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    write_atomic(private, pem, mode=0o600)
    public.write_bytes(_public_pem(key.public_key()))
    public.chmod(0o644)
    return KeyPair(private, public, fingerprint(key.public_key()))


def load_private_key(directory: Path) -> Ed25519PrivateKey:
    """The signing key in ``directory``; missing → KotanetError telling to run ``kotanet keys init``."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    path = directory / PRIVATE_KEY
    if not path.is_file():
        raise KotanetError(f"no signing key at {path}",
                           hint=f"run `kotanet keys init` (or `kotanet keys init --dir {directory}`) first")
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise KotanetError(f"{path} is not a usable private key: {exc}",
                           hint="create a new one with `kotanet keys init --force`") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KotanetError(f"{path} is not an Ed25519 key", hint="create one with `kotanet keys init --force`")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A PEM public key (signer.pub, kotanet-sla.pub); anything else → KotanetError."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise KotanetError(f"{path} is not a readable PEM public key", hint="give the signer's .pub file") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KotanetError(f"{path} is not an Ed25519 public key", hint="give the signer's .pub file")
    return key


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def sign_directory(directory: Path, key: Ed25519PrivateKey, facts: Mapping[str, object]) -> bytes:
    """Write manifest.json (``facts`` plus every file's SHA-256 and size and the key's fingerprint),
    manifest.sig and signer.pub into ``directory``; returns the manifest's bytes."""
    files: dict[str, dict[str, object]] = {}
    for path in sorted(directory.iterdir()):
        if path.name in _RESERVED:
            continue
        if not path.is_file():
            raise KotanetError(f"{path} is not a regular file; an export holds only files")
        sha, size = _digest(path)
        files[path.name] = {"sha256": sha, "size": size}
    public = key.public_key()
    manifest = {**facts, "format": MANIFEST_FORMAT, "files": files, "signer": fingerprint(public)}
    data = canonical_json(manifest)
    (directory / MANIFEST).write_bytes(data)
    (directory / SIGNATURE).write_bytes(base64.b64encode(key.sign(data)) + b"\n")
    (directory / SIGNER).write_bytes(_public_pem(public))
    return data


def write_signed_export(out: Path, key: Ed25519PrivateKey, facts: Mapping[str, object],
                        write: Callable[[Path], object], *, force: bool = False) -> Path:
    """Run ``write(tmp_dir)`` to fill a temporary sibling of ``out``, sign it, and rename it to ``out``.
    An existing non-empty ``out`` is refused unless ``force`` (then it is replaced only after the new
    export is complete). On any failure the temporary directory is removed and ``out`` is untouched."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a directory", hint="give --out a new directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(f"{out} already exists and is not empty",
                         hint="give --out a new directory, or pass --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        write(tmp)
        sign_directory(tmp, key, facts)
        for path in tmp.iterdir():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        tmp.chmod(0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out


# -------------------------------------------------------------------------------------------- verify


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    directory: Path
    problems: tuple[VerifyProblem, ...]
    files: int
    """How many exported files the manifest lists."""
    signer: str
    """The fingerprint of the key the signature was checked with ("" when none could be loaded)."""
    trusted: bool
    """True when checked against a trusted key given by the caller, not the export's own signer.pub."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {"directory": str(self.directory), "ok": self.ok, "files": self.files, "signer": self.signer,
                "trusted_key": self.trusted,
                "problems": [{"file": p.file, "message": p.message} for p in self.problems]}


def verify(directory: Path, *, trusted_key: Path | None = None) -> VerifyResult:
    """Check an export directory against its signed manifest. A directory that does not exist, or a
    trusted key that cannot be read, is a UsageError; everything else is reported as problems."""
    from cryptography.exceptions import InvalidSignature

    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory", hint="give the directory `kotanet sla report --out` wrote")
    problems: list[VerifyProblem] = []
    trusted = load_public_key(trusted_key) if trusted_key is not None else None

    def bad(file: str, message: str) -> None:
        problems.append(VerifyProblem(file, message))

    shipped: Ed25519PublicKey | None = None
    signer_path = directory / SIGNER
    if not signer_path.is_file():
        bad(SIGNER, "missing (the signer's public key)")
    else:
        try:
            shipped = load_public_key(signer_path)
        except KotanetError:
            bad(SIGNER, "not an Ed25519 public key (edited?)")
    if trusted is not None and shipped is not None and _raw_public(shipped) != _raw_public(trusted):
        bad(SIGNER, f"signed by {fingerprint(shipped)}, not by the trusted key {fingerprint(trusted)}")
    key = trusted or shipped

    manifest_path, sig_path = directory / MANIFEST, directory / SIGNATURE
    data = manifest_path.read_bytes() if manifest_path.is_file() else None
    if data is None:
        bad(MANIFEST, "missing")
    if not sig_path.is_file():
        bad(SIGNATURE, "missing")
    elif data is not None and key is not None:
        try:
            signature = base64.b64decode(sig_path.read_bytes().strip(), validate=True)
            key.verify(signature, data)
        except (binascii.Error, ValueError):
            bad(SIGNATURE, "not a base64 Ed25519 signature (edited?)")
        except InvalidSignature:
            who = "the trusted key" if trusted is not None else SIGNER
            bad(f"{MANIFEST}/{SIGNATURE}", f"the signature does not match manifest.json under {who}: "
                "the manifest or its signature was changed")

    listed: dict[str, object] = {}
    if data is not None:
        try:
            manifest = json.loads(data)
            files = manifest["files"]
            assert isinstance(files, dict)
            listed = files
            if key is not None and manifest.get("signer") != fingerprint(key):
                bad(MANIFEST, f"names signer {manifest.get('signer')}, but the key used is {fingerprint(key)}")
        except (ValueError, KeyError, TypeError, AssertionError):
            bad(MANIFEST, "not a kotanet export manifest (edited?)")
    for name in sorted(listed):
        entry = listed[name]
        path = directory / name
        if "/" in name or name in _RESERVED or not isinstance(entry, dict):
            bad(MANIFEST, f"bad entry {name!r}")
            continue
        if not path.is_file():
            bad(name, "missing (listed in the manifest)")
            continue
        sha, size = _digest(path)
        if size != entry.get("size"):
            kind = "truncated" if isinstance(entry.get("size"), int) and size < int(entry["size"]) else "changed"
            bad(name, f"{kind}: {size} bytes, the manifest says {entry.get('size')}")
        elif sha != entry.get("sha256"):
            bad(name, f"changed: SHA-256 {sha[:16]}..., the manifest says {str(entry.get('sha256'))[:16]}...")
    if data is not None:
        for path in sorted(directory.iterdir()):
            if path.name not in _RESERVED and path.name not in listed:
                bad(path.name, "added: not listed in the manifest")
    return VerifyResult(directory, tuple(problems), len(listed), fingerprint(key) if key is not None else "",
                        trusted is not None)
