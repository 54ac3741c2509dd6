"""Roles of the dashboard's users and what each may change. Pure."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PERMISSIONS", "Action", "Role", "allowed"]


class Role(StrEnum):
    ADMIN = "admin"
    ENGINEER = "engineer"
    NOC = "noc"
    AUDITOR = "auditor"


class Action(StrEnum):
    """Every change the dashboard can make (reading needs only a login)."""

    ACK_OUTAGE = "ack_outage"
    MAINTENANCE = "maintenance"
    PLAN_STATUS = "plan_status"
    REPORT = "report"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.ACK_OUTAGE: frozenset({Role.ADMIN, Role.ENGINEER, Role.NOC}),
    Action.MAINTENANCE: frozenset({Role.ADMIN, Role.ENGINEER}),
    Action.PLAN_STATUS: frozenset({Role.ADMIN, Role.ENGINEER}),
    Action.REPORT: frozenset({Role.ADMIN, Role.AUDITOR, Role.ENGINEER}),
}
"""Auditors and NOC staff are read-only, except that NOC staff acknowledge outages and auditors generate the
signed reports (which changes nothing but adds an export)."""


def allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]
