"""The inventory model: frozen pydantic values, one class per thing the city owns or promises.

Cross-references between records are plain ids (slugs); `kotanet.inventory.validate` checks them.
"""

from __future__ import annotations

import datetime as dt
import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from kotanet.inventory.choices import (
    SLA_PRESETS,
    DeviceRole,
    FailoverMode,
    FibreOwner,
    InterfaceKind,
    LinkMedium,
    LinkStatus,
    MigrationAction,
    MigrationStatus,
    PeriodKind,
    Platform,
    ScopeKind,
    ServiceKind,
    SiteKind,
    SlaPreset,
    TiaTier,
)

__all__ = [
    "Bounds",
    "Circuit",
    "Device",
    "Endpoint",
    "FibreAttrs",
    "Interface",
    "Inventory",
    "Link",
    "MaintenanceWindow",
    "Migration",
    "PowerFeed",
    "Rack",
    "RadioAttrs",
    "Region",
    "Service",
    "ServiceHours",
    "Settings",
    "Site",
    "SlaTarget",
    "Slug",
    "Tenant",
]

_DOTTED = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:/(\d{1,2}))?$")


def _fast_ipv4(value: object) -> object:
    """Parse 'a.b.c.d[/len]' without ipaddress's slow string parser; anything unusual goes to pydantic's."""
    if isinstance(value, str):
        m = _DOTTED.match(value)
        if m:
            a, b, c, d = (int(x) for x in m.groups()[:4])
            plen = m.group(5)
            if a < 256 and b < 256 and c < 256 and d < 256 and (m.group(1)[0] != "0" or a == 0):
                num = (a << 24) | (b << 16) | (c << 8) | d
                if plen is None:
                    return IPv4Address(num)
                if int(plen) <= 32:
                    return IPv4Interface((num, int(plen)))
    return value


IPv4Host = Annotated[IPv4Address, BeforeValidator(_fast_ipv4)]
IPv4Iface = Annotated[IPv4Interface, BeforeValidator(_fast_ipv4)]

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", min_length=1, max_length=64),
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0)]


class Record(BaseModel):
    """Base of every inventory value: immutable, and unknown fields are errors (typos must not pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Region(Record):
    """A kecamatan (district)."""

    id: Slug
    name: Name
    description: str = ""


class Tenant(Record):
    """The department (SKPD/OPD), district or village office that owns a site."""

    id: Slug
    name: Name
    short_name: str = ""
    description: str = ""


class Site(Record):
    id: Slug
    name: Name
    kind: SiteKind
    region: Slug | None = None
    tenant: Slug | None = None
    latitude: Latitude
    longitude: Longitude
    coordinates_approximate: bool = True
    address: str = ""
    tier: TiaTier | None = None
    operator: str = ""
    description: str = ""


class Interface(Record):
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    kind: InterfaceKind = InterfaceKind.ETHERNET
    addresses: list[IPv4Iface] = Field(default_factory=list)
    description: str = ""
    mtu: Annotated[int, Field(ge=576, le=9216)] | None = None
    speed_mbps: Annotated[int, Field(gt=0)] | None = None
    enabled: bool = True


class Device(Record):
    id: Slug
    site: Slug
    role: DeviceRole
    platform: Platform
    model: str = ""
    manufacturer: str = ""
    serial: str = ""
    mgmt_ip: IPv4Host | None = None
    install_date: dt.date | None = None
    end_of_support: dt.date | None = None
    rack: Slug | None = None
    rack_position: Annotated[int, Field(ge=1, le=60)] | None = None
    rack_units: Annotated[int, Field(ge=0, le=60)] = 1
    power_watts: Annotated[float, Field(ge=0)] = 0.0
    tenant: Slug | None = None
    interfaces: list[Interface] = Field(default_factory=list)

    def interface(self, name: str) -> Interface | None:
        for itf in self.interfaces:
            if itf.name == name:
                return itf
        return None


class Endpoint(Record):
    device: Slug
    interface: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class FibreAttrs(Record):
    length_km: Annotated[float, Field(gt=0, le=500)]
    cores: Annotated[int, Field(ge=1, le=864)] = 12
    splices: Annotated[int, Field(ge=0)] = 0
    connectors: Annotated[int, Field(ge=0)] = 2
    owner: FibreOwner = FibreOwner.CITY
    wavelength_nm: Annotated[int, Field(ge=800, le=1700)] = 1310
    optics_budget_db: Annotated[float, Field(gt=0, le=60)] = 20.0


class RadioAttrs(Record):
    frequency_mhz: Annotated[float, Field(gt=0)]
    channel_width_mhz: Annotated[float, Field(gt=0, le=160)] = 20.0
    tx_power_dbm: Annotated[float, Field(ge=-10, le=40)] = 20.0
    antenna_gain_a_dbi: Annotated[float, Field(ge=0, le=45)] = 23.0
    antenna_gain_b_dbi: Annotated[float, Field(ge=0, le=45)] = 23.0
    rx_sensitivity_dbm: Annotated[float, Field(ge=-110, le=-30)] = -80.0
    path_length_km: Annotated[float, Field(gt=0, le=200)] | None = None


class Link(Record):
    id: Slug
    a: Endpoint
    b: Endpoint
    medium: LinkMedium
    status: LinkStatus = LinkStatus.ACTIVE
    capacity_mbps: Annotated[float, Field(gt=0)] | None = None
    fibre: FibreAttrs | None = None
    radio: RadioAttrs | None = None
    provider: str = ""
    availability: Annotated[float, Field(ge=0, le=1)] | None = None
    mtbf_hours: Annotated[float, Field(gt=0)] | None = None
    mttr_hours: Annotated[float, Field(gt=0)] | None = None
    description: str = ""


class Circuit(Record):
    """An ISP circuit, such as the city's 40 Mbps internet uplink."""

    id: Slug
    provider: Name
    kind: Annotated[str, StringConstraints(min_length=1)] = "internet"
    commit_rate_mbps: Annotated[float, Field(gt=0)]
    site: Slug
    termination: Endpoint | None = None
    status: LinkStatus = LinkStatus.ACTIVE
    description: str = ""


class Rack(Record):
    id: Slug
    site: Slug
    name: Name
    u_height: Annotated[int, Field(ge=1, le=60)] = 42
    description: str = ""


class PowerFeed(Record):
    id: Slug
    site: Slug
    rack: Slug | None = None
    name: Name
    voltage: Annotated[int, Field(gt=0, le=1000)] = 230
    amperage: Annotated[int, Field(gt=0, le=1000)] = 16
    phases: Annotated[int, Field(ge=1, le=3)] = 1
    max_utilization_pct: Annotated[int, Field(ge=1, le=100)] = 80
    redundant_with: Slug | None = None

    @property
    def available_watts(self) -> float:
        phase_factor = 3**0.5 if self.phases == 3 else 1.0
        return self.voltage * self.amperage * phase_factor * self.max_utilization_pct / 100.0


class Service(Record):
    """An e-government service hosted in the data centre, optionally replicated to the DRC."""

    id: Slug
    name: Name
    kind: ServiceKind
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]
    primary_site: Slug
    replica_site: Slug | None = None
    failover: FailoverMode = FailoverMode.NONE
    tenant: Slug | None = None
    used_by: list[Slug] = Field(default_factory=list)
    description: str = ""

    @model_validator(mode="after")
    def _failover_needs_replica(self) -> Service:
        if self.failover is not FailoverMode.NONE and self.replica_site is None:
            raise ValueError("failover is set but replica_site is empty; add replica_site or set failover: none")
        return self


class Migration(Record):
    """One route of the master plan's infrastructure blueprint (section 4.3)."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9]+[a-z]?$")]
    route: Name
    a_site: Slug
    b_site: Slug
    action: MigrationAction
    new_links: list[Slug] = Field(default_factory=list)
    retires: list[Slug] = Field(default_factory=list)
    reroutes: list[Slug] = Field(default_factory=list)
    depends_on: list[Annotated[str, StringConstraints(pattern=r"^[0-9]+[a-z]?$")]] = Field(default_factory=list)
    status: MigrationStatus = MigrationStatus.PLANNED
    source: str = ""
    description: str = ""

    @model_validator(mode="after")
    def _action_shape(self) -> Migration:
        if not self.new_links:
            raise ValueError("a migration must add at least one link: fill new_links")
        if self.action is MigrationAction.REPLACE_RADIO and not self.retires:
            raise ValueError("action replace_radio needs the radio link it retires in 'retires'")
        if self.action is MigrationAction.REROUTE_FIBRE and not self.reroutes:
            raise ValueError("action reroute_fibre needs the fibre link it moves in 'reroutes'")
        return self


class ServiceHours(Record):
    """Hours in the policy's time zone during which the SLA counts, e.g. weekdays 07:00-17:00."""

    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    start: dt.time = dt.time(7, 0)
    end: dt.time = dt.time(17, 0)


class SlaTarget(Record):
    id: Slug
    name: Name
    scope: ScopeKind
    ref: Slug
    objective: Annotated[float, Field(gt=0, le=100)] | None = None
    preset: SlaPreset | None = None
    period: PeriodKind = PeriodKind.MONTH
    timezone: str = "Asia/Jakarta"
    service_hours: ServiceHours | None = None
    unknown_counts_as_down: bool = False

    @model_validator(mode="after")
    def _objective_or_preset(self) -> SlaTarget:
        if self.objective is not None and self.preset is not None:
            raise ValueError("give either objective or preset, not both")
        return self

    @property
    def objective_pct(self) -> float:
        """The target in percent: the objective, else the preset's, else the master plan's 99.5 %."""
        if self.objective is not None:
            return self.objective
        return SLA_PRESETS[self.preset or SlaPreset.MASTERPLAN]


class MaintenanceWindow(Record):
    id: Slug
    start: dt.datetime
    end: dt.datetime
    scope: ScopeKind
    refs: list[Slug] = Field(min_length=1)
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> MaintenanceWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a UTC offset, e.g. 2026-10-05T01:00:00+07:00")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Bounds(Record):
    """A bounding box every site must lie in (e.g. the city's boundary), in decimal degrees."""

    south: Latitude
    west: Longitude
    north: Latitude
    east: Longitude

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.south >= self.north or self.west >= self.east:
            raise ValueError("bounds need south < north and west < east")
        return self


class Settings(Record):
    """Inventory-wide settings (inventory.yaml)."""

    name: Name
    city: str = ""
    description: str = ""
    timezone: str = "Asia/Jakarta"
    default_sla_pct: Annotated[float, Field(gt=0, le=100)] = 99.5
    bounds: Bounds | None = None
    p2p_pool: IPv4Network = IPv4Network("10.255.0.0/16")
    loopback_pool: IPv4Network = IPv4Network("10.254.0.0/16")
    noc_servers: list[IPv4Host] = Field(default_factory=list)
    ntp_servers: list[IPv4Host] = Field(default_factory=list)
    syslog_servers: list[IPv4Host] = Field(default_factory=list)


class Inventory(Record):
    """The whole inventory. Built by a source (YAML directory, NetBox); validated by `validate()`."""

    settings: Settings
    regions: list[Region] = Field(default_factory=list)
    tenants: list[Tenant] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    devices: list[Device] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    circuits: list[Circuit] = Field(default_factory=list)
    racks: list[Rack] = Field(default_factory=list)
    power_feeds: list[PowerFeed] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    migrations: list[Migration] = Field(default_factory=list)
    sla_targets: list[SlaTarget] = Field(default_factory=list)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)

    def site(self, site_id: str) -> Site | None:
        return next((s for s in self.sites if s.id == site_id), None)

    def device(self, device_id: str) -> Device | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def link(self, link_id: str) -> Link | None:
        return next((lk for lk in self.links if lk.id == link_id), None)
