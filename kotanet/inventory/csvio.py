"""CSV import and export of sites and devices, for engineers who keep spreadsheets.

Interfaces and links stay in YAML; a CSV import updates or adds sites and devices by id and keeps the
interfaces of a device that already exists.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kotanet.errors import InventoryError, Problem
from kotanet.inventory.models import Device, Inventory, Site

__all__ = ["DEVICE_COLUMNS", "SITE_COLUMNS", "export_csv", "merge_csv", "read_devices_csv", "read_sites_csv"]

SITE_COLUMNS: tuple[str, ...] = (
    "id", "name", "kind", "region", "tenant", "latitude", "longitude", "coordinates_approximate",
    "address", "tier", "operator", "description",
)
DEVICE_COLUMNS: tuple[str, ...] = (
    "id", "site", "role", "platform", "model", "manufacturer", "serial", "mgmt_ip", "install_date",
    "end_of_support", "rack", "rack_position", "rack_units", "power_watts", "tenant",
)
_REQUIRED = {"sites": {"id", "name", "kind", "latitude", "longitude"}, "devices": {"id", "site", "role", "platform"}}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value.value if hasattr(value, "value") else value)


def _to_csv(rows: Sequence[BaseModel], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(getattr(row, c)) for c in columns])
    return buf.getvalue()


def export_csv(inv: Inventory) -> dict[str, str]:
    """{'sites.csv': text, 'devices.csv': text}."""
    return {"sites.csv": _to_csv(inv.sites, SITE_COLUMNS), "devices.csv": _to_csv(inv.devices, DEVICE_COLUMNS)}


def _read(path: Path, kind: str, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InventoryError([Problem(label, None, "", f"cannot read: {exc}", "give a UTF-8 CSV file")]) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise InventoryError([Problem(label, 1, "", "empty file, no header row",
                                      f"start with the header: {','.join(columns)}")])
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in columns]
    missing = sorted(_REQUIRED[kind] - set(header))
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        raise InventoryError([Problem(label, 1, "header", "; ".join(parts),
                                      f"use the columns {','.join(columns)}")])
    rows: list[tuple[int, dict[str, str]]] = []
    for lineno, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise InventoryError([Problem(label, lineno, "", f"{len(values)} cells, the header has {len(header)}",
                                          "check for a stray comma or a missing cell")])
        rows.append((lineno, {h: v.strip() for h, v in zip(header, values, strict=True) if v.strip() != ""}))
    return rows


def _parse(path: Path, kind: str, columns: Sequence[str], model: type[BaseModel],
           base: dict[str, BaseModel]) -> list[Any]:
    out: list[Any] = []
    problems: list[Problem] = []
    for lineno, row in _read(path, kind, columns):
        existing = base.get(row.get("id", ""))
        data: dict[str, Any] = dict(row)
        if isinstance(existing, Device):
            data["interfaces"] = existing.interfaces
        try:
            out.append(model.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                field = ".".join(str(p) for p in err["loc"]) or "row"
                problems.append(Problem(str(path), lineno, field, err["msg"], "correct the cell"))
    if problems:
        raise InventoryError(problems)
    return out


def read_sites_csv(path: Path) -> list[Site]:
    return _parse(path, "sites", SITE_COLUMNS, Site, {})


def read_devices_csv(path: Path, existing: Inventory | None = None) -> list[Device]:
    base: dict[str, BaseModel] = {d.id: d for d in existing.devices} if existing else {}
    return _parse(path, "devices", DEVICE_COLUMNS, Device, base)


def merge_csv(inv: Inventory, *, sites: Path | None = None, devices: Path | None = None) -> tuple[Inventory, int, int]:
    """Upsert the CSV rows into `inv` by id. Returns the new inventory (not yet validated) and the counts."""
    new_sites = read_sites_csv(sites) if sites else []
    new_devices = read_devices_csv(devices, inv) if devices else []
    site_map = {s.id: s for s in inv.sites}
    for s in new_sites:
        site_map[s.id] = s
    dev_map = {d.id: d for d in inv.devices}
    for d in new_devices:
        dev_map[d.id] = d
    merged = inv.model_copy(update={"sites": list(site_map.values()), "devices": list(dev_map.values())})
    return merged, len(new_sites), len(new_devices)
