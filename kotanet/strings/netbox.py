"""Catalogue entries for the netbox area; merged into kotanet.i18n.CATALOGUE."""

from __future__ import annotations

from kotanet.lang import Lang

STRINGS: dict[str, dict[Lang, str]] = {
}
