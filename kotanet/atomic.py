"""Atomic file writes: a temporary sibling, fsync, then a rename over the target, so a failure (or a crash)
leaves the old file as it was. The one implementation every writer of kotanet's files uses."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["file_mode", "write_atomic"]


def file_mode(path: Path) -> int:
    """The mode a rewritten file keeps (its old one), or a new file's: 0666 less the process umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write `data` (text as UTF-8 with LF line ends) to `path` atomically. `mode` defaults to `file_mode`;
    the file has its mode from the start, so a private file (0600) is never readable by others, even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode(path) if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
