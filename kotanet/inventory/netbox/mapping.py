"""kotanet inventory <-> NetBox 4.x payloads. Pure: no I/O, so every rule here is unit tested without a NetBox.

What goes where (the README explains why):
- kecamatan -> dcim regions, departments -> tenancy tenants, sites -> dcim sites (custom field for the kind),
  racks -> dcim racks, power feeds -> dcim power feeds (on one power panel per site, named ``kotanet``);
- device model/manufacturer -> device types and manufacturers, role -> device roles, platform -> platforms,
  devices -> dcim devices, interfaces -> dcim interfaces, addresses -> ipam IP addresses;
- fibre and leased-line links -> dcim cables (fibre length in metres, cores, splices and owner as custom
  fields); radio links -> wireless links (NetBox's point-to-point radio object between two wireless
  interfaces, with the distance; frequency, width, power and gains as custom fields);
- ISP uplinks -> circuits (provider, type, commit rate in kbps), a termination at the site, and a cable from
  the termination to the device interface.
- settings, services, migrations, SLA targets and maintenance windows stay in kotanet's YAML files.

Natural keys match kotanet records to NetBox objects: a slug (regions, tenants, sites, manufacturers, roles,
platforms, providers, circuit types), a name (devices; interfaces within their device), the circuit id, and
the ``kotanet_id`` custom field where NetBox has no unique name (racks, power feeds, cables, wireless links).
Every object kotanet creates carries the tag ``kotanet``; objects without it are never changed or deleted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kotanet.inventory.choices import (
    RADIO_BANDS_MHZ,
    DeviceRole,
    FibreOwner,
    InterfaceKind,
    LinkMedium,
    LinkStatus,
    Platform,
    SiteKind,
    TiaTier,
)
from kotanet.inventory.models import (
    Circuit,
    Device,
    Endpoint,
    FibreAttrs,
    Interface,
    Inventory,
    Link,
    PowerFeed,
    Rack,
    RadioAttrs,
    Region,
    Site,
    Tenant,
)

__all__ = [
    "CUSTOM_FIELDS",
    "GENERIC",
    "KINDS",
    "NETBOX_COLLECTIONS",
    "POLICY_COLLECTIONS",
    "TAG_SLUG",
    "CustomFieldSpec",
    "Desired",
    "Key",
    "Kind",
    "KindSpec",
    "Pulled",
    "Ref",
    "desired_state",
    "from_netbox",
    "key_of",
    "norm",
    "slugify",
]

TAG_SLUG = "kotanet"
TAG_NAME = "kotanet"
GENERIC = "kotanet-generic"  # the manufacturer / device type of a device whose model or manufacturer is empty
PANEL_NAME = "kotanet"

# What NetBox holds and what stays in kotanet's files next to it.
NETBOX_COLLECTIONS = ("regions", "tenants", "sites", "racks", "power_feeds", "devices", "links", "circuits")
POLICY_COLLECTIONS = ("services", "migrations", "sla_targets", "maintenance")

Key = tuple[str, ...]


class Kind(StrEnum):
    """NetBox object types kotanet writes, in dependency order (what an object refers to comes first)."""

    REGION = "region"
    TENANT = "tenant"
    SITE = "site"
    RACK = "rack"
    POWER_PANEL = "power_panel"
    POWER_FEED = "power_feed"
    MANUFACTURER = "manufacturer"
    DEVICE_TYPE = "device_type"
    ROLE = "role"
    PLATFORM = "platform"
    DEVICE = "device"
    INTERFACE = "interface"
    IP_ADDRESS = "ip_address"
    PROVIDER = "provider"
    CIRCUIT_TYPE = "circuit_type"
    CIRCUIT = "circuit"
    CIRCUIT_TERMINATION = "circuit_termination"
    CABLE = "cable"
    WIRELESS_LINK = "wireless_link"


class Ownership(StrEnum):
    OWNED = "owned"  # kotanet's record; an untagged NetBox object with the same key is a conflict
    CHILD = "child"  # belongs to an owned parent (interfaces, addresses, terminations): adopted
    CATALOGUE = "catalogue"  # shared (manufacturers, roles...): reused as found, created when missing, never deleted


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: Kind
    app: str
    endpoint: str
    object_type: str
    ownership: Ownership

    @property
    def path(self) -> str:
        return f"{self.app}/{self.endpoint.replace('_', '-')}"


KINDS: dict[Kind, KindSpec] = {s.kind: s for s in (
    KindSpec(Kind.REGION, "dcim", "regions", "dcim.region", Ownership.OWNED),
    KindSpec(Kind.TENANT, "tenancy", "tenants", "tenancy.tenant", Ownership.OWNED),
    KindSpec(Kind.SITE, "dcim", "sites", "dcim.site", Ownership.OWNED),
    KindSpec(Kind.RACK, "dcim", "racks", "dcim.rack", Ownership.OWNED),
    KindSpec(Kind.POWER_PANEL, "dcim", "power_panels", "dcim.powerpanel", Ownership.CATALOGUE),
    KindSpec(Kind.POWER_FEED, "dcim", "power_feeds", "dcim.powerfeed", Ownership.OWNED),
    KindSpec(Kind.MANUFACTURER, "dcim", "manufacturers", "dcim.manufacturer", Ownership.CATALOGUE),
    KindSpec(Kind.DEVICE_TYPE, "dcim", "device_types", "dcim.devicetype", Ownership.CATALOGUE),
    KindSpec(Kind.ROLE, "dcim", "device_roles", "dcim.devicerole", Ownership.CATALOGUE),
    KindSpec(Kind.PLATFORM, "dcim", "platforms", "dcim.platform", Ownership.CATALOGUE),
    KindSpec(Kind.DEVICE, "dcim", "devices", "dcim.device", Ownership.OWNED),
    KindSpec(Kind.INTERFACE, "dcim", "interfaces", "dcim.interface", Ownership.CHILD),
    KindSpec(Kind.IP_ADDRESS, "ipam", "ip_addresses", "ipam.ipaddress", Ownership.CHILD),
    KindSpec(Kind.PROVIDER, "circuits", "providers", "circuits.provider", Ownership.CATALOGUE),
    KindSpec(Kind.CIRCUIT_TYPE, "circuits", "circuit_types", "circuits.circuittype", Ownership.CATALOGUE),
    KindSpec(Kind.CIRCUIT, "circuits", "circuits", "circuits.circuit", Ownership.OWNED),
    KindSpec(Kind.CIRCUIT_TERMINATION, "circuits", "circuit_terminations", "circuits.circuittermination",
             Ownership.CHILD),
    KindSpec(Kind.CABLE, "dcim", "cables", "dcim.cable", Ownership.OWNED),
    KindSpec(Kind.WIRELESS_LINK, "wireless", "wireless_links", "wireless.wirelesslink", Ownership.OWNED),
)}


@dataclass(frozen=True, slots=True)
class CustomFieldSpec:
    name: str
    type: str  # NetBox custom field type: text, integer, boolean, date
    object_types: tuple[str, ...]
    label: str
    validation_regex: str = ""


_LINKS = ("dcim.cable", "wireless.wirelesslink")
_ORDERED = ("dcim.region", "tenancy.tenant", "dcim.site", "dcim.rack", "dcim.powerfeed", "dcim.device",
            "dcim.interface", "ipam.ipaddress", "dcim.cable", "wireless.wirelesslink", "circuits.circuit")


def _enum_regex(values: Iterable[str]) -> str:
    return "^(" + "|".join(re.escape(v) for v in values) + ")$"


# Floats are kept as text so that they round-trip exactly (NetBox's decimal custom fields keep 4 places).
CUSTOM_FIELDS: tuple[CustomFieldSpec, ...] = (
    CustomFieldSpec("kotanet_order", "integer", _ORDERED, "kotanet: position in its list"),
    CustomFieldSpec("kotanet_id", "text", ("dcim.rack", "dcim.powerfeed", *_LINKS), "kotanet: id"),
    CustomFieldSpec("kotanet_site_kind", "text", ("dcim.site",), "kotanet: site kind", _enum_regex(SiteKind)),
    CustomFieldSpec("kotanet_coordinates_approximate", "boolean", ("dcim.site",), "kotanet: coordinates approximate"),
    CustomFieldSpec("kotanet_tier", "text", ("dcim.site",), "kotanet: TIA-942 tier", _enum_regex(TiaTier)),
    CustomFieldSpec("kotanet_operator", "text", ("dcim.site",), "kotanet: operator"),
    CustomFieldSpec("kotanet_short_name", "text", ("tenancy.tenant",), "kotanet: short name"),
    CustomFieldSpec("kotanet_interface_kind", "text", ("dcim.interface",), "kotanet: interface kind",
                    _enum_regex(InterfaceKind)),
    CustomFieldSpec("kotanet_mgmt_ip", "text", ("dcim.device",), "kotanet: management address"),
    CustomFieldSpec("kotanet_install_date", "date", ("dcim.device",), "kotanet: install date"),
    CustomFieldSpec("kotanet_end_of_support", "date", ("dcim.device",), "kotanet: end of support"),
    CustomFieldSpec("kotanet_rack_units", "integer", ("dcim.device",), "kotanet: rack units"),
    CustomFieldSpec("kotanet_power_watts", "text", ("dcim.device",), "kotanet: power (W)"),
    CustomFieldSpec("kotanet_redundant_with", "text", ("dcim.powerfeed",), "kotanet: redundant with feed"),
    CustomFieldSpec("kotanet_medium", "text", _LINKS, "kotanet: link medium", _enum_regex(LinkMedium)),
    CustomFieldSpec("kotanet_capacity_mbps", "text", _LINKS, "kotanet: capacity (Mbps)"),
    CustomFieldSpec("kotanet_provider", "text", _LINKS, "kotanet: provider"),
    CustomFieldSpec("kotanet_availability", "text", _LINKS, "kotanet: availability override"),
    CustomFieldSpec("kotanet_mtbf_hours", "text", _LINKS, "kotanet: MTBF (h)"),
    CustomFieldSpec("kotanet_mttr_hours", "text", _LINKS, "kotanet: MTTR (h)"),
    CustomFieldSpec("kotanet_fibre_cores", "integer", ("dcim.cable",), "kotanet: fibre cores"),
    CustomFieldSpec("kotanet_fibre_splices", "integer", ("dcim.cable",), "kotanet: fibre splices"),
    CustomFieldSpec("kotanet_fibre_connectors", "integer", ("dcim.cable",), "kotanet: fibre connectors"),
    CustomFieldSpec("kotanet_fibre_owner", "text", ("dcim.cable",), "kotanet: fibre owner", _enum_regex(FibreOwner)),
    CustomFieldSpec("kotanet_fibre_wavelength_nm", "integer", ("dcim.cable",), "kotanet: wavelength (nm)"),
    CustomFieldSpec("kotanet_fibre_optics_budget_db", "text", ("dcim.cable",), "kotanet: optics budget (dB)"),
    CustomFieldSpec("kotanet_radio_frequency_mhz", "text", ("wireless.wirelesslink",), "kotanet: frequency (MHz)"),
    CustomFieldSpec("kotanet_radio_channel_width_mhz", "text", ("wireless.wirelesslink",),
                    "kotanet: channel width (MHz)"),
    CustomFieldSpec("kotanet_radio_tx_power_dbm", "text", ("wireless.wirelesslink",), "kotanet: TX power (dBm)"),
    CustomFieldSpec("kotanet_radio_antenna_gain_a_dbi", "text", ("wireless.wirelesslink",),
                    "kotanet: antenna gain A (dBi)"),
    CustomFieldSpec("kotanet_radio_antenna_gain_b_dbi", "text", ("wireless.wirelesslink",),
                    "kotanet: antenna gain B (dBi)"),
    CustomFieldSpec("kotanet_radio_rx_sensitivity_dbm", "text", ("wireless.wirelesslink",),
                    "kotanet: RX sensitivity (dBm)"),
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to another NetBox object by its natural key, resolved to an id when pushing."""

    kind: Kind
    key: Key


@dataclass(frozen=True, slots=True)
class Desired:
    """One NetBox object as kotanet wants it: its kind, natural key, and the fields kotanet sets."""

    kind: Kind
    key: Key
    payload: Mapping[str, Any]

    @property
    def label(self) -> str:
        return "/".join(self.key)


# ---------------------------------------------------------------- helpers

_SLUG_BAD = re.compile(r"[^a-z0-9_-]+")


def slugify(text: str) -> str:
    """A NetBox slug ([-a-zA-Z0-9_], at most 100 characters) from any name."""
    slug = _SLUG_BAD.sub("-", text.lower()).strip("-")
    return (slug or "x")[:100].rstrip("-") or "x"


def _f(x: float | None) -> str | None:
    """A float as text that parses back to the same float."""
    return None if x is None else repr(float(x))


def _pf(x: object) -> float | None:
    if x is None or x == "":
        return None
    return float(str(x))


LINK_STATUS = {LinkStatus.ACTIVE: "connected", LinkStatus.PLANNED: "planned", LinkStatus.RETIRED: "decommissioning"}
CIRCUIT_STATUS = {LinkStatus.ACTIVE: "active", LinkStatus.PLANNED: "planned", LinkStatus.RETIRED: "decommissioned"}
IFACE_TYPE = {
    InterfaceKind.ETHERNET: "1000base-t",
    InterfaceKind.OPTICAL: "1000base-x-sfp",
    InterfaceKind.WIRELESS: "other-wireless",
    InterfaceKind.LOOPBACK: "virtual",
    InterfaceKind.VIRTUAL: "virtual",
    InterfaceKind.PASSIVE_PORT: "other",
}
_WIRELESS_TYPES = re.compile(r"^(ieee802\.1[15]|other-wireless|gsm|cdma|lte|4g|5g)")
_OPTICAL_TYPES = re.compile(r"(sfp|xfp|qsfp|cfp|osfp|gbic|base-x|base-[sle]r|base-[lz]x|base-bx|base-cwdm|-dwdm)")
_VIRTUAL_TYPES = {"virtual", "bridge", "lag"}


def role_slug(role: DeviceRole) -> str:
    return role.value.replace("_", "-")


def _role_label(role: DeviceRole) -> str:
    return role.value.replace("_", " ").capitalize()


def _order(i: int) -> dict[str, Any]:
    return {"kotanet_order": i}


# ---------------------------------------------------------------- inventory -> NetBox


@dataclass(slots=True)
class _Builder:
    out: dict[Kind, dict[Key, Desired]] = field(default_factory=lambda: {k: {} for k in Kind})

    def add(self, kind: Kind, key: Key, payload: dict[str, Any]) -> None:
        self.out[kind][key] = Desired(kind, key, payload)


def _device_type_keys(inv: Inventory) -> dict[tuple[str, str], Key]:
    """(manufacturer, model) of each device -> the (manufacturer slug, model) key of its device type."""
    keys: dict[tuple[str, str], Key] = {}
    for d in inv.devices:
        pair = (d.manufacturer, d.model)
        if pair not in keys:
            keys[pair] = (slugify(d.manufacturer) if d.manufacturer else GENERIC, d.model or GENERIC)
    return keys


def _unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct slug for each distinct name (a suffix where two names slugify alike)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if name in out:
            continue
        base = slugify(name)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base[:95]}-{n}", n + 1
        used.add(slug)
        out[name] = slug
    return out


def desired_state(inv: Inventory) -> dict[Kind, dict[Key, Desired]]:
    """Every NetBox object the inventory needs, by kind and natural key, in dependency order."""
    b = _Builder()
    for i, r in enumerate(inv.regions):
        b.add(Kind.REGION, (r.id,), {"name": r.name, "slug": r.id, "description": r.description,
                                     "custom_fields": _order(i)})
    for i, tn in enumerate(inv.tenants):
        b.add(Kind.TENANT, (tn.id,), {"name": tn.name, "slug": tn.id, "description": tn.description,
                                      "custom_fields": {**_order(i), "kotanet_short_name": tn.short_name}})
    for i, s in enumerate(inv.sites):
        b.add(Kind.SITE, (s.id,), {
            "name": s.name, "slug": s.id, "description": s.description, "physical_address": s.address,
            "region": None if s.region is None else Ref(Kind.REGION, (s.region,)),
            "tenant": None if s.tenant is None else Ref(Kind.TENANT, (s.tenant,)),
            "latitude": s.latitude, "longitude": s.longitude,
            "custom_fields": {**_order(i), "kotanet_site_kind": s.kind.value,
                              "kotanet_coordinates_approximate": s.coordinates_approximate,
                              "kotanet_tier": None if s.tier is None else s.tier.value,
                              "kotanet_operator": s.operator}})
    for i, rk in enumerate(inv.racks):
        b.add(Kind.RACK, (rk.id,), {"name": rk.name, "site": Ref(Kind.SITE, (rk.site,)), "u_height": rk.u_height,
                                    "description": rk.description,
                                    "custom_fields": {**_order(i), "kotanet_id": rk.id}})
    for site in dict.fromkeys(pf.site for pf in inv.power_feeds):
        b.add(Kind.POWER_PANEL, (site, PANEL_NAME), {"name": PANEL_NAME, "site": Ref(Kind.SITE, (site,))})
    for i, pf in enumerate(inv.power_feeds):
        b.add(Kind.POWER_FEED, (pf.id,), {
            "name": pf.name, "power_panel": Ref(Kind.POWER_PANEL, (pf.site, PANEL_NAME)),
            "rack": None if pf.rack is None else Ref(Kind.RACK, (pf.rack,)),
            "voltage": pf.voltage, "amperage": pf.amperage, "max_utilization": pf.max_utilization_pct,
            "phase": "three-phase" if pf.phases == 3 else "single-phase",
            "custom_fields": {**_order(i), "kotanet_id": pf.id, "kotanet_redundant_with": pf.redundant_with or ""}})

    dt_keys = _device_type_keys(inv)
    man_slugs = _unique_slugs(m for m, _ in dt_keys if m)
    dt_keys = {pair: (man_slugs[pair[0]] if pair[0] else GENERIC, key[1]) for pair, key in dt_keys.items()}
    for (man, _model), (mslug, _m) in dt_keys.items():
        b.add(Kind.MANUFACTURER, (mslug,), {"name": man or GENERIC, "slug": mslug})
    heights: dict[Key, int] = {}
    for d in inv.devices:
        k = dt_keys[(d.manufacturer, d.model)]
        need = max(d.rack_units, 1 if d.rack_position is not None else 0)
        heights[k] = max(heights.get(k, 0), need)
    per_man: dict[str, list[str]] = {}
    for mslug, model in dt_keys.values():
        per_man.setdefault(mslug, []).append(model)
    for mslug, models in per_man.items():
        slugs = _unique_slugs(models)
        for model in models:
            b.add(Kind.DEVICE_TYPE, (mslug, model), {
                "manufacturer": Ref(Kind.MANUFACTURER, (mslug,)), "model": model, "slug": slugs[model],
                "u_height": heights[(mslug, model)]})
    for role in dict.fromkeys(d.role for d in inv.devices):
        b.add(Kind.ROLE, (role_slug(role),), {"name": _role_label(role), "slug": role_slug(role)})
    for platform in dict.fromkeys(d.platform for d in inv.devices):
        b.add(Kind.PLATFORM, (platform.value,), {"name": platform.value, "slug": platform.value})

    for i, d in enumerate(inv.devices):
        b.add(Kind.DEVICE, (d.id,), {
            "name": d.id, "site": Ref(Kind.SITE, (d.site,)), "role": Ref(Kind.ROLE, (role_slug(d.role),)),
            "device_type": Ref(Kind.DEVICE_TYPE, dt_keys[(d.manufacturer, d.model)]),
            "platform": Ref(Kind.PLATFORM, (d.platform.value,)), "serial": d.serial,
            "tenant": None if d.tenant is None else Ref(Kind.TENANT, (d.tenant,)),
            "rack": None if d.rack is None else Ref(Kind.RACK, (d.rack,)),
            "position": None if d.rack_position is None else float(d.rack_position),
            "face": "front" if d.rack_position is not None else "",
            "custom_fields": {
                **_order(i), "kotanet_mgmt_ip": "" if d.mgmt_ip is None else str(d.mgmt_ip),
                "kotanet_install_date": None if d.install_date is None else d.install_date.isoformat(),
                "kotanet_end_of_support": None if d.end_of_support is None else d.end_of_support.isoformat(),
                "kotanet_rack_units": d.rack_units, "kotanet_power_watts": _f(d.power_watts)}})
        for j, itf in enumerate(d.interfaces):
            b.add(Kind.INTERFACE, (d.id, itf.name), {
                "device": Ref(Kind.DEVICE, (d.id,)), "name": itf.name, "type": IFACE_TYPE[itf.kind],
                "description": itf.description, "mtu": itf.mtu, "enabled": itf.enabled,
                "speed": None if itf.speed_mbps is None else itf.speed_mbps * 1000,
                "custom_fields": {**_order(j), "kotanet_interface_kind": itf.kind.value}})
            for n, addr in enumerate(itf.addresses):
                b.add(Kind.IP_ADDRESS, (d.id, itf.name, str(addr)), {
                    "address": str(addr), "status": "active", "assigned_object_type": "dcim.interface",
                    "assigned_object_id": Ref(Kind.INTERFACE, (d.id, itf.name)), "custom_fields": _order(n)})

    providers = _unique_slugs(c.provider for c in inv.circuits)
    kinds = _unique_slugs(c.kind for c in inv.circuits)
    for name, slug in providers.items():
        b.add(Kind.PROVIDER, (slug,), {"name": name, "slug": slug})
    for name, slug in kinds.items():
        b.add(Kind.CIRCUIT_TYPE, (slug,), {"name": name, "slug": slug})
    for i, c in enumerate(inv.circuits):
        b.add(Kind.CIRCUIT, (c.id,), {
            "cid": c.id, "provider": Ref(Kind.PROVIDER, (providers[c.provider],)),
            "type": Ref(Kind.CIRCUIT_TYPE, (kinds[c.kind],)), "status": CIRCUIT_STATUS[c.status],
            "commit_rate": round(c.commit_rate_mbps * 1000), "description": c.description,
            "custom_fields": _order(i)})
        b.add(Kind.CIRCUIT_TERMINATION, (c.id, "A"), {
            "circuit": Ref(Kind.CIRCUIT, (c.id,)), "term_side": "A", "termination_type": "dcim.site",
            "termination_id": Ref(Kind.SITE, (c.site,))})
        if c.termination is not None:
            b.add(Kind.CABLE, (f"circuit:{c.id}",), {
                "a_terminations": [{"object_type": "circuits.circuittermination",
                                    "object_id": Ref(Kind.CIRCUIT_TERMINATION, (c.id, "A"))}],
                "b_terminations": [_term(c.termination)], "status": LINK_STATUS[c.status], "label": c.id,
                "custom_fields": {"kotanet_id": f"circuit:{c.id}"}})

    for i, lk in enumerate(inv.links):
        common = {"kotanet_order": i, "kotanet_id": lk.id, "kotanet_medium": lk.medium.value,
                  "kotanet_capacity_mbps": _f(lk.capacity_mbps), "kotanet_provider": lk.provider,
                  "kotanet_availability": _f(lk.availability), "kotanet_mtbf_hours": _f(lk.mtbf_hours),
                  "kotanet_mttr_hours": _f(lk.mttr_hours)}
        if lk.medium.is_radio:
            ra = lk.radio
            b.add(Kind.WIRELESS_LINK, (lk.id,), {
                "interface_a": Ref(Kind.INTERFACE, (lk.a.device, lk.a.interface)),
                "interface_b": Ref(Kind.INTERFACE, (lk.b.device, lk.b.interface)),
                "status": LINK_STATUS[lk.status], "ssid": "", "description": lk.description,
                "distance": None if ra is None or ra.path_length_km is None else round(ra.path_length_km * 1000, 2),
                "distance_unit": None if ra is None or ra.path_length_km is None else "m",
                "custom_fields": {
                    **common,
                    "kotanet_radio_frequency_mhz": None if ra is None else _f(ra.frequency_mhz),
                    "kotanet_radio_channel_width_mhz": None if ra is None else _f(ra.channel_width_mhz),
                    "kotanet_radio_tx_power_dbm": None if ra is None else _f(ra.tx_power_dbm),
                    "kotanet_radio_antenna_gain_a_dbi": None if ra is None else _f(ra.antenna_gain_a_dbi),
                    "kotanet_radio_antenna_gain_b_dbi": None if ra is None else _f(ra.antenna_gain_b_dbi),
                    "kotanet_radio_rx_sensitivity_dbm": None if ra is None else _f(ra.rx_sensitivity_dbm)}})
        else:
            fb = lk.fibre
            b.add(Kind.CABLE, (lk.id,), {
                "a_terminations": [_term(lk.a)], "b_terminations": [_term(lk.b)],
                "status": LINK_STATUS[lk.status], "label": lk.id, "description": lk.description,
                "type": "smf" if lk.medium is LinkMedium.FIBRE else "",
                "length": None if fb is None else round(fb.length_km * 1000, 2),
                "length_unit": None if fb is None else "m",
                "custom_fields": {
                    **common,
                    "kotanet_fibre_cores": None if fb is None else fb.cores,
                    "kotanet_fibre_splices": None if fb is None else fb.splices,
                    "kotanet_fibre_connectors": None if fb is None else fb.connectors,
                    "kotanet_fibre_owner": "" if fb is None else fb.owner.value,
                    "kotanet_fibre_wavelength_nm": None if fb is None else fb.wavelength_nm,
                    "kotanet_fibre_optics_budget_db": None if fb is None else _f(fb.optics_budget_db)}})
    return b.out


def _term(ep: Endpoint) -> dict[str, Any]:
    return {"object_type": "dcim.interface", "object_id": Ref(Kind.INTERFACE, (ep.device, ep.interface))}


# ---------------------------------------------------------------- NetBox records: keys and comparison


def _nested(rec: Mapping[str, Any], name: str, attr: str) -> Any:
    v = rec.get(name)
    return v.get(attr) if isinstance(v, Mapping) else None


def _cf(rec: Mapping[str, Any], name: str) -> Any:
    cfs = rec.get("custom_fields") or {}
    return cfs.get(name)


def key_of(kind: Kind, rec: Mapping[str, Any]) -> Key | None:
    """The natural key of a NetBox record (its JSON as the REST API returns it), or None if it has none."""
    k: tuple[Any, ...]
    if kind in (Kind.REGION, Kind.TENANT, Kind.SITE, Kind.MANUFACTURER, Kind.ROLE, Kind.PLATFORM, Kind.PROVIDER,
                Kind.CIRCUIT_TYPE):
        k = (rec.get("slug"),)
    elif kind in (Kind.RACK, Kind.POWER_FEED, Kind.CABLE, Kind.WIRELESS_LINK):
        k = (_cf(rec, "kotanet_id"),)
    elif kind is Kind.POWER_PANEL:
        k = (_nested(rec, "site", "slug"), rec.get("name"))
    elif kind is Kind.DEVICE_TYPE:
        k = (_nested(rec.get("device_type") or rec, "manufacturer", "slug"), rec.get("model"))
    elif kind is Kind.DEVICE:
        k = (rec.get("name"),)
    elif kind is Kind.INTERFACE:
        k = (_nested(rec, "device", "name"), rec.get("name"))
    elif kind is Kind.IP_ADDRESS:
        obj = rec.get("assigned_object")
        if rec.get("assigned_object_type") != "dcim.interface" or not isinstance(obj, Mapping):
            return None
        k = (_nested(obj, "device", "name"), obj.get("name"), rec.get("address"))
    elif kind is Kind.CIRCUIT:
        k = (rec.get("cid"),)
    else:  # CIRCUIT_TERMINATION
        k = (_nested(rec, "circuit", "cid"), rec.get("term_side"))
    if any(not isinstance(x, str) or not x for x in k):
        return None
    return tuple(k)


def norm(value: Any) -> Any:
    """A NetBox JSON value in the shape kotanet writes it: choices -> value, nested objects -> id."""
    if isinstance(value, Mapping):
        if "value" in value and "label" in value:
            return value["value"]
        if "object_type" in value and "object_id" in value:
            return {"object_type": value["object_type"], "object_id": value["object_id"]}
        if "id" in value:
            return value["id"]
        return {k: norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [norm(v) for v in value]
    return value


def is_tagged(rec: Mapping[str, Any]) -> bool:
    return any(isinstance(t, Mapping) and t.get("slug") == TAG_SLUG for t in rec.get("tags") or [])


def _same(want: Any, have: Any) -> bool:
    if want is None or want == "":
        return have is None or have == ""
    if isinstance(want, float) or isinstance(have, float):
        try:
            return math.isclose(float(want), float(have), rel_tol=0, abs_tol=1e-9)
        except (TypeError, ValueError):
            return False
    return bool(want == have)


def field_changes(payload: Mapping[str, Any], rec: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, NetBox's value, kotanet's value) for every field of `payload` (refs resolved) that differs."""
    out: list[tuple[str, Any, Any]] = []
    for name, want in payload.items():
        if name == "custom_fields":
            cfs = rec.get("custom_fields") or {}
            for cf, cf_want in want.items():
                if not _same(cf_want, norm(cfs.get(cf))):
                    out.append((f"custom_fields.{cf}", norm(cfs.get(cf)), cf_want))
            continue
        have = norm(rec.get(name))
        if name.endswith("_terminations") and isinstance(have, list):
            have = [{"object_type": h["object_type"], "object_id": h["object_id"]} for h in have
                    if isinstance(h, Mapping)]
        if not _same(want, have):
            out.append((name, have, want))
    return out


# ---------------------------------------------------------------- NetBox -> inventory


@dataclass(frozen=True, slots=True)
class Pulled:
    """The NetBox-held collections of an inventory, and what could not be mapped (one line each)."""

    regions: list[Region]
    tenants: list[Tenant]
    sites: list[Site]
    racks: list[Rack]
    power_feeds: list[PowerFeed]
    devices: list[Device]
    links: list[Link]
    circuits: list[Circuit]
    warnings: list[str]

    def collections(self) -> dict[str, list[Any]]:
        return {name: getattr(self, name) for name in NETBOX_COLLECTIONS}


def _sorted(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """kotanet's order (the kotanet_order custom field), then NetBox's creation order."""
    def key(r: Mapping[str, Any]) -> tuple[int, int, int]:
        o = _cf(r, "kotanet_order")
        return (0 if isinstance(o, int) else 1, o if isinstance(o, int) else 0, int(r.get("id") or 0))
    return sorted(records, key=key)


def _slug_or_none(rec: Mapping[str, Any], name: str) -> str | None:
    v = _nested(rec, name, "slug")
    return v if isinstance(v, str) else None


def _status(value: str | None, table: Mapping[LinkStatus, str]) -> LinkStatus | None:
    for k, v in table.items():
        if v == value:
            return k
    return None


def _interface_kind(rec: Mapping[str, Any]) -> InterfaceKind:
    cf = _cf(rec, "kotanet_interface_kind")
    if cf in InterfaceKind.__members__.values():
        return InterfaceKind(cf)
    typ = str(norm(rec.get("type")) or "")
    if typ in _VIRTUAL_TYPES:
        name = str(rec.get("name") or "").lower()
        return InterfaceKind.LOOPBACK if name.startswith(("lo", "loopback")) else InterfaceKind.VIRTUAL
    if _WIRELESS_TYPES.match(typ):
        return InterfaceKind.WIRELESS
    if _OPTICAL_TYPES.search(typ):
        return InterfaceKind.OPTICAL
    if typ == "other" and cf is None:
        return InterfaceKind.ETHERNET
    return InterfaceKind.ETHERNET


def _medium_of_radio(rec: Mapping[str, Any]) -> LinkMedium | None:
    cf = _cf(rec, "kotanet_medium")
    if cf in (LinkMedium.RADIO_2_4.value, LinkMedium.RADIO_5_8.value):
        return LinkMedium(cf)
    freq = _pf(_cf(rec, "kotanet_radio_frequency_mhz"))
    for medium, (lo, hi) in RADIO_BANDS_MHZ.items():
        if freq is not None and lo <= freq <= hi:
            return medium
    return None


def _dist_km(value: Any, unit: Any) -> float | None:
    if value is None:
        return None
    factor = {"km": 1.0, "m": 0.001, "mi": 1.609344, "ft": 0.0003048}.get(str(norm(unit) or "m"))
    if factor is None:
        return None
    return float(value) / 1000 if factor == 0.001 else float(value) * factor


def _opt(d: dict[str, Any]) -> dict[str, Any]:
    """Drop None values, so the model's defaults apply."""
    return {k: v for k, v in d.items() if v is not None}


def from_netbox(records: Mapping[Kind, list[Mapping[str, Any]]]) -> Pulled:
    """Map NetBox records (REST JSON) to kotanet records. What cannot be mapped is a warning and is skipped,
    together with what depends on it (a device on a skipped site, a link to a skipped device)."""
    warnings: list[str] = []

    def warn(kind: str, name: object, why: str) -> None:
        warnings.append(f"{kind} {name!s}: {why}")

    def attempt(kind: str, name: object, build: Any) -> Any:
        try:
            return build()
        except (ValueError, TypeError, KeyError) as exc:  # pydantic's ValidationError is a ValueError
            first = str(exc).strip().splitlines()
            warn(kind, name, "cannot be mapped: " + " ".join(first[:3]))
            return None

    regions: list[Region] = []
    region_ids: dict[int, str] = {}
    for r in _sorted(records.get(Kind.REGION, [])):
        reg = attempt("region", r.get("slug"), lambda r=r: Region(id=r["slug"], name=r["name"],
                                                                   description=r.get("description") or ""))
        if reg is not None:
            regions.append(reg)
            region_ids[r["id"]] = reg.id
    tenants: list[Tenant] = []
    tenant_ids: dict[int, str] = {}
    for r in _sorted(records.get(Kind.TENANT, [])):
        tn = attempt("tenant", r.get("slug"), lambda r=r: Tenant(
            id=r["slug"], name=r["name"], short_name=_cf(r, "kotanet_short_name") or "",
            description=r.get("description") or ""))
        if tn is not None:
            tenants.append(tn)
            tenant_ids[r["id"]] = tn.id

    def ref(rec: Mapping[str, Any], name: str, table: Mapping[int, str]) -> str | None:
        v = rec.get(name)
        return table.get(v["id"]) if isinstance(v, Mapping) else None

    sites: list[Site] = []
    site_ids: dict[int, str] = {}
    for r in _sorted(records.get(Kind.SITE, [])):
        kind = _cf(r, "kotanet_site_kind")
        if kind not in SiteKind.__members__.values():
            warn("site", r.get("slug"), f"unknown site kind {kind!r} (set the custom field kotanet_site_kind)")
            continue
        if r.get("latitude") is None or r.get("longitude") is None:
            warn("site", r.get("slug"), "has no latitude/longitude")
            continue
        site = attempt("site", r.get("slug"), lambda r=r, kind=kind: Site(**_opt({
            "id": r["slug"], "name": r["name"], "kind": kind, "region": ref(r, "region", region_ids),
            "tenant": ref(r, "tenant", tenant_ids), "latitude": r["latitude"], "longitude": r["longitude"],
            "coordinates_approximate": _cf(r, "kotanet_coordinates_approximate"),
            "address": r.get("physical_address") or "", "tier": _cf(r, "kotanet_tier") or None,
            "operator": _cf(r, "kotanet_operator") or "", "description": r.get("description") or ""})))
        if site is not None:
            sites.append(site)
            site_ids[r["id"]] = site.id

    racks: list[Rack] = []
    rack_ids: dict[int, str] = {}
    for r in _sorted(records.get(Kind.RACK, [])):
        rid = _cf(r, "kotanet_id") or slugify(str(r.get("name") or r.get("id")))
        site_id = ref(r, "site", site_ids)
        if site_id is None:
            warn("rack", rid, "its site was not mapped")
            continue
        rack = attempt("rack", rid, lambda r=r, rid=rid, site_id=site_id: Rack(
            id=rid, site=site_id, name=r["name"], u_height=int(r.get("u_height") or 42),
            description=r.get("description") or ""))
        if rack is not None:
            racks.append(rack)
            rack_ids[r["id"]] = rack.id

    panel_sites = {p["id"]: ref(p, "site", site_ids) for p in records.get(Kind.POWER_PANEL, [])}
    feeds: list[PowerFeed] = []
    for r in _sorted(records.get(Kind.POWER_FEED, [])):
        fid = _cf(r, "kotanet_id") or slugify(str(r.get("name") or r.get("id")))
        panel = r.get("power_panel")
        site_id = panel_sites.get(panel["id"]) if isinstance(panel, Mapping) else None
        if site_id is None:
            warn("power feed", fid, "its power panel's site was not mapped")
            continue
        feed = attempt("power feed", fid, lambda r=r, fid=fid, site_id=site_id: PowerFeed(**_opt({
            "id": fid, "site": site_id, "rack": ref(r, "rack", rack_ids), "name": r["name"],
            "voltage": r.get("voltage"), "amperage": r.get("amperage"),
            "phases": 3 if norm(r.get("phase")) == "three-phase" else 1,
            "max_utilization_pct": r.get("max_utilization"),
            "redundant_with": _cf(r, "kotanet_redundant_with") or None})))
        if feed is not None:
            feeds.append(feed)

    ifaces_by_dev: dict[int, list[Mapping[str, Any]]] = {}
    for r in records.get(Kind.INTERFACE, []):
        dev = r.get("device")
        if isinstance(dev, Mapping):
            ifaces_by_dev.setdefault(dev["id"], []).append(r)
    addrs_by_iface: dict[int, list[Mapping[str, Any]]] = {}
    for r in records.get(Kind.IP_ADDRESS, []):
        obj = r.get("assigned_object")
        if r.get("assigned_object_type") == "dcim.interface" and isinstance(obj, Mapping):
            addrs_by_iface.setdefault(obj["id"], []).append(r)

    devices: list[Device] = []
    iface_ids: dict[int, tuple[str, str]] = {}
    for r in _sorted(records.get(Kind.DEVICE, [])):
        name = r.get("name")
        if not name:
            warn("device", f"#{r.get('id')}", "has no name")
            continue
        site_id = ref(r, "site", site_ids)
        if site_id is None:
            warn("device", name, "its site was not mapped")
            continue
        role_slug_ = _slug_or_none(r, "role")
        role = (role_slug_ or "").replace("-", "_")
        if role not in DeviceRole.__members__.values():
            warn("device", name, f"unknown role {role_slug_!r} (kotanet knows {', '.join(DeviceRole)})")
            continue
        platform = _slug_or_none(r, "platform")
        if platform not in Platform.__members__.values():
            warn("device", name, f"unknown platform {platform!r} (kotanet knows {', '.join(Platform)})")
            continue
        dt_raw = r.get("device_type")
        dtype: Mapping[str, Any] = dt_raw if isinstance(dt_raw, Mapping) else {}
        model = str(dtype.get("model") or "")
        man = _nested(dtype, "manufacturer", "name") or ""
        interfaces: list[Interface] = []
        names: list[tuple[int, str]] = []
        for ir in _sorted(ifaces_by_dev.get(r["id"], [])):
            addrs = [a["address"] for a in _sorted(addrs_by_iface.get(ir["id"], []))]
            speed = ir.get("speed")
            itf = attempt("interface", f"{name}/{ir.get('name')}", lambda ir=ir, addrs=addrs, speed=speed: Interface(
                **_opt({"name": ir["name"], "kind": _interface_kind(ir), "addresses": addrs,
                        "description": ir.get("description") or "", "mtu": ir.get("mtu"),
                        "speed_mbps": None if not speed else max(1, round(speed / 1000)),
                        "enabled": ir.get("enabled")})))
            if itf is not None:
                interfaces.append(itf)
                names.append((ir["id"], itf.name))
        position = r.get("position")
        dev = attempt("device", name, lambda r=r, name=name, site_id=site_id, role=role, platform=platform,
                      model=model, man=man, interfaces=interfaces, position=position: Device(**_opt({
                          "id": name, "site": site_id, "role": role, "platform": platform,
                          "model": "" if model == GENERIC else model, "manufacturer": "" if man == GENERIC else man,
                          "serial": r.get("serial") or "", "mgmt_ip": _mgmt_ip(r),
                          "install_date": _cf(r, "kotanet_install_date"),
                          "end_of_support": _cf(r, "kotanet_end_of_support"),
                          "rack": ref(r, "rack", rack_ids),
                          "rack_position": None if position is None else int(position),
                          "rack_units": _cf(r, "kotanet_rack_units"),
                          "power_watts": _pf(_cf(r, "kotanet_power_watts")),
                          "tenant": ref(r, "tenant", tenant_ids), "interfaces": interfaces})))
        if dev is not None:
            devices.append(dev)
            for iid, iname in names:
                iface_ids[iid] = (dev.id, iname)

    links, circuits = _links_and_circuits(records, iface_ids, site_ids, warn, attempt)
    return Pulled(regions, tenants, sites, racks, feeds, devices, links, circuits, warnings)


def _mgmt_ip(r: Mapping[str, Any]) -> str | None:
    cf = _cf(r, "kotanet_mgmt_ip")
    if cf:
        return str(cf)
    primary = r.get("primary_ip4")
    if isinstance(primary, Mapping) and primary.get("address"):
        return str(primary["address"]).split("/", 1)[0]
    return None


def _link_common(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"capacity_mbps": _pf(_cf(r, "kotanet_capacity_mbps")), "provider": _cf(r, "kotanet_provider") or "",
            "availability": _pf(_cf(r, "kotanet_availability")), "mtbf_hours": _pf(_cf(r, "kotanet_mtbf_hours")),
            "mttr_hours": _pf(_cf(r, "kotanet_mttr_hours")), "description": r.get("description") or ""}


def _links_and_circuits(
    records: Mapping[Kind, list[Mapping[str, Any]]], iface_ids: Mapping[int, tuple[str, str]],
    site_ids: Mapping[int, str], warn: Any, attempt: Any,
) -> tuple[list[Link], list[Circuit]]:
    ordered: list[tuple[Mapping[str, Any], Link]] = []
    circuit_ends: dict[int, Endpoint] = {}

    def endpoint(term: Mapping[str, Any]) -> Endpoint | None:
        if term.get("object_type") != "dcim.interface":
            return None
        ep = iface_ids.get(term.get("object_id", -1))
        return None if ep is None else Endpoint(device=ep[0], interface=ep[1])

    for r in records.get(Kind.CABLE, []):
        lid = _cf(r, "kotanet_id") or (slugify(r["label"]) if r.get("label") else f"cable-{r.get('id')}")
        a, b = r.get("a_terminations") or [], r.get("b_terminations") or []
        if len(a) != 1 or len(b) != 1:
            warn("cable", lid, f"has {len(a)}+{len(b)} terminations; kotanet maps one interface at each end")
            continue
        ta, tb = a[0], b[0]
        types = {ta.get("object_type"), tb.get("object_type")}
        if types == {"circuits.circuittermination", "dcim.interface"}:
            ct, itf = (ta, tb) if ta.get("object_type") == "circuits.circuittermination" else (tb, ta)
            ep = endpoint(itf)
            if ep is None:
                warn("cable", lid, "its interface's device was not mapped")
                continue
            circuit_ends[int(ct["object_id"])] = ep
            continue
        if types != {"dcim.interface"}:
            warn("cable", lid, f"unsupported terminations {' - '.join(sorted(str(t) for t in types))}")
            continue
        ea, eb = endpoint(ta), endpoint(tb)
        if ea is None or eb is None:
            warn("cable", lid, "an end's device was not mapped")
            continue
        medium = _cf(r, "kotanet_medium")
        if medium not in (LinkMedium.FIBRE.value, LinkMedium.LEASED_LINE.value):
            typ = str(norm(r.get("type")) or "")
            if typ in ("smf", "smf-os1", "smf-os2", "mmf", "mmf-om1", "mmf-om2", "mmf-om3", "mmf-om4", "mmf-om5",
                       "aoc"):
                medium = LinkMedium.FIBRE.value
            else:
                warn("cable", lid, f"cable type {typ or 'unset'!r} is neither fibre nor a kotanet leased line")
                continue
        status = _status(norm(r.get("status")), LINK_STATUS)
        fibre: FibreAttrs | None = None
        if medium == LinkMedium.FIBRE.value:
            km = _dist_km(r.get("length"), r.get("length_unit"))
            if km is None:
                warn("cable", lid, "a fibre cable needs a length")
                continue
            fibre = attempt("cable", lid, lambda r=r, km=km: FibreAttrs(**_opt({
                "length_km": km, "cores": _cf(r, "kotanet_fibre_cores"), "splices": _cf(r, "kotanet_fibre_splices"),
                "connectors": _cf(r, "kotanet_fibre_connectors"), "owner": _cf(r, "kotanet_fibre_owner") or None,
                "wavelength_nm": _cf(r, "kotanet_fibre_wavelength_nm"),
                "optics_budget_db": _pf(_cf(r, "kotanet_fibre_optics_budget_db"))})))
            if fibre is None:
                continue
        link = attempt("cable", lid, lambda r=r, lid=lid, ea=ea, eb=eb, medium=medium, status=status, fibre=fibre:
                       Link(**_opt({"id": lid, "a": ea, "b": eb, "medium": medium, "status": status, "fibre": fibre,
                                    **_link_common(r)})))
        if link is not None:
            ordered.append((r, link))

    for r in records.get(Kind.WIRELESS_LINK, []):
        lid = _cf(r, "kotanet_id") or (slugify(r["ssid"]) if r.get("ssid") else f"wireless-{r.get('id')}")
        ea = endpoint({"object_type": "dcim.interface", "object_id": norm(r.get("interface_a"))})
        eb = endpoint({"object_type": "dcim.interface", "object_id": norm(r.get("interface_b"))})
        if ea is None or eb is None:
            warn("wireless link", lid, "an end's device was not mapped")
            continue
        medium_ = _medium_of_radio(r)
        if medium_ is None:
            warn("wireless link", lid, "no frequency in the 2.4 or 5.8 GHz band (kotanet_radio_frequency_mhz)")
            continue
        freq = _pf(_cf(r, "kotanet_radio_frequency_mhz"))
        km = _dist_km(r.get("distance"), r.get("distance_unit"))
        radio = None if freq is None else attempt("wireless link", lid, lambda r=r, freq=freq, km=km: RadioAttrs(
            **_opt({"frequency_mhz": freq, "channel_width_mhz": _pf(_cf(r, "kotanet_radio_channel_width_mhz")),
                    "tx_power_dbm": _pf(_cf(r, "kotanet_radio_tx_power_dbm")),
                    "antenna_gain_a_dbi": _pf(_cf(r, "kotanet_radio_antenna_gain_a_dbi")),
                    "antenna_gain_b_dbi": _pf(_cf(r, "kotanet_radio_antenna_gain_b_dbi")),
                    "rx_sensitivity_dbm": _pf(_cf(r, "kotanet_radio_rx_sensitivity_dbm")), "path_length_km": km})))
        status = _status(norm(r.get("status")), LINK_STATUS)
        link = attempt("wireless link", lid, lambda r=r, lid=lid, ea=ea, eb=eb, m=medium_, status=status, radio=radio:
                       Link(**_opt({"id": lid, "a": ea, "b": eb, "medium": m, "status": status, "radio": radio,
                                    **_link_common(r)})))
        if link is not None:
            ordered.append((r, link))

    links = [lk for r, lk in sorted(ordered, key=lambda p: _link_order(p[0]))]

    terms: dict[int, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    for t in records.get(Kind.CIRCUIT_TERMINATION, []):
        c = t.get("circuit")
        if t.get("term_side") == "A" and isinstance(c, Mapping):
            terms[c["id"]] = (t, c)
    circuits: list[Circuit] = []
    for r in _sorted(records.get(Kind.CIRCUIT, [])):
        cid = r.get("cid")
        term = terms.get(r["id"])
        site_id = None
        if term is not None and term[0].get("termination_type") == "dcim.site":
            site_id = site_ids.get(term[0].get("termination_id", -1))
        if site_id is None:
            warn("circuit", cid, "no A termination at a mapped site")
            continue
        ep = circuit_ends.get(term[0]["id"]) if term is not None else None
        status = _status(norm(r.get("status")), CIRCUIT_STATUS)
        rate = r.get("commit_rate")
        if not rate:
            warn("circuit", cid, "has no commit rate")
            continue
        circ = attempt("circuit", cid, lambda r=r, cid=cid, site_id=site_id, ep=ep, status=status, rate=rate: Circuit(
            **_opt({"id": cid, "provider": _nested(r, "provider", "name"), "kind": _nested(r, "type", "name"),
                    "commit_rate_mbps": rate / 1000, "site": site_id, "termination": ep, "status": status,
                    "description": r.get("description") or ""})))
        if circ is not None:
            circuits.append(circ)
    return links, circuits


def _link_order(r: Mapping[str, Any]) -> tuple[int, int, int, int]:
    o = _cf(r, "kotanet_order")
    # cables before wireless links among records without an order, each in creation order
    return (0 if isinstance(o, int) else 1, o if isinstance(o, int) else 0,
            0 if "a_terminations" in r else 1, int(r.get("id") or 0))
