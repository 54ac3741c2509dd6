"""Running-config backups: `$KOTANET_HOME/backups/<device>/<timestamp>.cfg`, each with a SHA-256 sidecar.

A backup is written to a temporary sibling, fsynced and renamed (atomic), mode 0600; its sidecar
`<timestamp>.cfg.sha256` is in `sha256sum` format, so `sha256sum -c` checks it by hand too. The store never
sees credentials: it holds what the device printed as its running config.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kotanet.atomic import write_atomic
from kotanet.errors import KotanetError
from kotanet.paths import kotanet_home

__all__ = ["Backup", "BackupStore", "default_backup_root"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_STAMP = "%Y%m%dT%H%M%SZ"


def default_backup_root() -> Path:
    return kotanet_home() / "backups"


@dataclass(frozen=True, slots=True)
class Backup:
    device: str
    taken_at: dt.datetime
    path: Path
    sha256: str
    size: int

    def read(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def verify(self) -> bool:
        """True when the file still has the SHA-256 recorded when it was written."""
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest() == self.sha256
        except OSError:
            return False


def _order(path: Path) -> tuple[str, int]:
    """Oldest first: by timestamp, then by the `-N` suffix of backups taken in the same second."""
    stamp, _, n = path.stem.partition("-")
    return stamp, int(n) if n.isdigit() else 0


class BackupStore:
    """Backups under one root directory (default `$KOTANET_HOME/backups`)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_backup_root()

    def save(self, device: str, config: str, at: dt.datetime) -> Backup:
        if not _NAME.match(device):
            raise KotanetError(f"cannot back up device {device!r}: not a safe file name",
                               hint="device ids are slugs (letters, digits, '-', '_', '.')")
        folder = self.root / device
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = at.astimezone(dt.UTC).strftime(_STAMP)
        path = folder / f"{stamp}.cfg"
        n = 1
        while path.exists():  # two backups in one second (a fixed clock, a retry): keep both
            path = folder / f"{stamp}-{n}.cfg"
            n += 1
        data = config.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        write_atomic(path, data, mode=0o600)
        write_atomic(path.with_name(path.name + ".sha256"), f"{digest}  {path.name}\n", mode=0o600)
        return Backup(device=device, taken_at=at.astimezone(dt.UTC), path=path, sha256=digest, size=len(data))

    def list(self, device: str | None = None) -> list[Backup]:
        """Every backup (of `device`), oldest first per device."""
        if not self.root.is_dir():
            return []
        folders = [self.root / device] if device else sorted(p for p in self.root.iterdir() if p.is_dir())
        out: list[Backup] = []
        for folder in folders:
            if not folder.is_dir():
                continue
            for cfg in sorted(folder.glob("*.cfg"), key=_order):
                stamp = cfg.stem.split("-", 1)[0]
                try:
                    at = dt.datetime.strptime(stamp, _STAMP).replace(tzinfo=dt.UTC)
                except ValueError:
                    continue
                sidecar = cfg.with_name(cfg.name + ".sha256")
                digest = sidecar.read_text(encoding="utf-8").split()[0] if sidecar.exists() else ""
                out.append(Backup(device=folder.name, taken_at=at, path=cfg, sha256=digest,
                                  size=cfg.stat().st_size))
        return out

    def latest(self, device: str) -> Backup | None:
        found = self.list(device)
        return found[-1] if found else None
