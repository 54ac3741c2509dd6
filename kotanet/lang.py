"""The languages kotanet speaks."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Lang"]


class Lang(StrEnum):
    EN = "en"
    ID = "id"
