"""Every closed set of the inventory, as a StrEnum, with its human label (NetBox's choices.py idea)."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "RADIO_BANDS_MHZ",
    "SLA_PRESETS",
    "TIA_TIER_AVAILABILITY",
    "DeviceRole",
    "FailoverMode",
    "FibreOwner",
    "InterfaceKind",
    "LinkMedium",
    "LinkStatus",
    "MigrationAction",
    "MigrationStatus",
    "PeriodKind",
    "Platform",
    "ScopeKind",
    "ServiceKind",
    "SiteKind",
    "SlaPreset",
    "TiaTier",
]


class SiteKind(StrEnum):
    DEPARTMENT = "department"
    KELURAHAN = "kelurahan"
    KECAMATAN = "kecamatan"
    CITY_HALL = "city_hall"
    DATA_CENTRE = "data_centre"
    DRC = "drc"
    NOC = "noc"
    TOWER = "tower"
    MANHOLE = "manhole"

    @property
    def passive(self) -> bool:
        """A passive site (a manhole) has no active equipment; fibre is spliced through it."""
        return self is SiteKind.MANHOLE


class DeviceRole(StrEnum):
    CORE_ROUTER = "core_router"
    DISTRIBUTION_ROUTER = "distribution_router"
    ACCESS_ROUTER = "access_router"
    SWITCH = "switch"
    FIREWALL = "firewall"
    RADIO = "radio"
    SERVER = "server"
    SPLICE_CLOSURE = "splice_closure"

    @property
    def routing(self) -> bool:
        return self in {DeviceRole.CORE_ROUTER, DeviceRole.DISTRIBUTION_ROUTER, DeviceRole.ACCESS_ROUTER}


class Platform(StrEnum):
    IOS = "ios"
    ROUTEROS = "routeros"
    JUNOS = "junos"
    EOS = "eos"
    FRR = "frr"
    LINUX = "linux"
    AIROS = "airos"
    PASSIVE = "passive"


class InterfaceKind(StrEnum):
    ETHERNET = "ethernet"
    OPTICAL = "optical"
    WIRELESS = "wireless"
    LOOPBACK = "loopback"
    VIRTUAL = "virtual"
    PASSIVE_PORT = "passive_port"


class LinkMedium(StrEnum):
    FIBRE = "fibre"
    RADIO_2_4 = "radio_2_4ghz"
    RADIO_5_8 = "radio_5_8ghz"
    LEASED_LINE = "leased_line"

    @property
    def is_radio(self) -> bool:
        return self in {LinkMedium.RADIO_2_4, LinkMedium.RADIO_5_8}


# The band each radio medium must sit in, in MHz (ISM 2.4 GHz and 5.8 GHz bands used in Indonesia).
RADIO_BANDS_MHZ: dict[LinkMedium, tuple[float, float]] = {
    LinkMedium.RADIO_2_4: (2400.0, 2483.5),
    LinkMedium.RADIO_5_8: (5725.0, 5875.0),
}


class LinkStatus(StrEnum):
    ACTIVE = "active"
    PLANNED = "planned"
    RETIRED = "retired"


class FibreOwner(StrEnum):
    CITY = "city"
    THIRD_PARTY = "third_party"


class ServiceKind(StrEnum):
    WEBSITE = "website"
    WEBMAIL = "webmail"
    E_PROCUREMENT = "e_procurement"
    LAND_TAX = "land_tax"
    CIVIL_REGISTRY = "civil_registry"
    E_OFFICE = "e_office"
    PERMITS = "permits"
    VOIP = "voip"
    OTHER = "other"


class FailoverMode(StrEnum):
    NONE = "none"
    MANUAL = "manual"
    AUTOMATIC = "automatic"


class MigrationAction(StrEnum):
    REPLACE_RADIO = "replace_radio"
    NEW_FIBRE = "new_fibre"
    REROUTE_FIBRE = "reroute_fibre"


class MigrationStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class TiaTier(StrEnum):
    I = "I"  # noqa: E741 - the standard's own name
    II = "II"
    III = "III"
    IV = "IV"


# TIA-942 expected availability per tier (public reference figures).
TIA_TIER_AVAILABILITY: dict[TiaTier, float] = {
    TiaTier.I: 0.99671,
    TiaTier.II: 0.99741,
    TiaTier.III: 0.99982,
    TiaTier.IV: 0.99995,
}


class ScopeKind(StrEnum):
    SERVICE = "service"
    SITE = "site"
    LINK = "link"
    TENANT = "tenant"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class SlaPreset(StrEnum):
    """The road-map presets of the Bogor e-government master plan (section 4.1 and 3.4)."""

    ROADMAP_2009 = "roadmap-2009"
    ROADMAP_2015 = "roadmap-2015"
    MASTERPLAN = "masterplan"
    ROADMAP_2020 = "roadmap-2020"


SLA_PRESETS: dict[SlaPreset, float] = {
    SlaPreset.ROADMAP_2009: 90.0,
    SlaPreset.ROADMAP_2015: 95.0,
    SlaPreset.MASTERPLAN: 99.5,
    SlaPreset.ROADMAP_2020: 99.99,
}
