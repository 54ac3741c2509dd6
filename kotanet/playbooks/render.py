"""Device configuration for the fibre migration routes, rendered from Jinja2 templates. Pure.

For every route of the migration plan, each active device at either end of a new fibre link gets one
configuration snippet in its platform's own syntax (`templates/<platform>/`): the fibre interface with the
/30 the plan allocated, OSPF preferring the fibre (cost 10, `DEFAULT_COSTS`), BFD on the fibre, the
management baseline pointing at the NOC, and the radio the route retires: kept up as a backup at ten times
its cost (`keep_radio_backup`), or shut down and described as retired. The devices at the ends of the
retired radio get a snippet too, even when they are not on the new fibre. A passive splice closure
(`spliced_at`) gets nothing: the closure-side address goes on the active device the core is spliced through
to (`spliced_through`), as an extra (secondary) address on its port into the closure's cable, with OSPF's
broadcast network type on both ends (the core may share that cable's segment). A radio sector still serving
other stations is left as it is, with a comment.

Templates are compiled once per `Renderer`; `render_all` reuses one renderer for the whole plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from kotanet.errors import KotanetError
from kotanet.inventory.choices import LinkMedium, LinkStatus, Platform
from kotanet.inventory.models import Device, Inventory, Link
from kotanet.topology.graph import DEFAULT_COSTS
from kotanet.topology.plan import MigrationPlan, RoutePlan, plan_migrations

__all__ = [
    "BACKUP_COST_FACTOR",
    "BFD",
    "DEFAULT_SNMP_COMMUNITY",
    "FIBRE_MTU",
    "OSPF_INTERVALS",
    "TEMPLATES",
    "PlatformOf",
    "RenderedConfig",
    "Renderer",
    "platform_override",
    "render_all",
    "render_route",
]

# One template per platform, under kotanet/playbooks/templates.
TEMPLATES: dict[Platform, str] = {
    Platform.IOS: "ios/route.j2",
    Platform.ROUTEROS: "routeros/route.rsc.j2",
    Platform.JUNOS: "junos/route.set.j2",
    Platform.FRR: "frr/route.j2",  # written by the digital twin (kotanet.lab)
}
# Decides the platform a device is rendered for (default: the inventory's `device.platform`).
PlatformOf = Callable[[Device], Platform]
# Platforms that are never configured by these templates, whatever `platform_override` says.
_UNMANAGED = frozenset({Platform.PASSIVE, Platform.AIROS, Platform.LINUX})
# A radio kept as backup costs ten times its usual OSPF cost (the same factor as kotanet.topology.graph).
BACKUP_COST_FACTOR = 10
# IP MTU on the new fibre. 1500 unless both interfaces declare a larger one in the inventory: the access
# routers (RB953, RB2011) cannot carry jumbo frames, so jumbo is only used where both ends say so.
FIBRE_MTU = 1500
# BFD timers on the fibre (ms, ms, multiplier): sub-second failover to the backup radio or the ring.
BFD: Mapping[str, int] = {"interval_ms": 300, "min_rx_ms": 300, "multiplier": 3}
DEFAULT_SNMP_COMMUNITY = "kotanet-noc"
OSPF_PROCESS = 1
OSPF_AREA = "0.0.0.0"
# OSPF hello and dead intervals written per platform; the others keep the device's own (or defaults).
# FRR is the digital twin's platform: its routers run hello 1 s / dead 4 s (kotanet.lab.frrconf), and a new
# interface joining a segment of theirs must match, or no adjacency forms.
OSPF_INTERVALS: Mapping[Platform, Mapping[str, int]] = {Platform.FRR: {"hello_s": 1, "dead_s": 4}}



def _own_platform(device: Device) -> Platform:
    return device.platform


def platform_override(platform: Platform) -> PlatformOf:
    """Render every managed device (not a splice closure, an airOS radio or a Linux server) for `platform`:
    how every route is rendered for every platform, and how the benchmark exercises each template."""

    def of(device: Device) -> Platform:
        return device.platform if device.platform in _UNMANAGED else platform

    return of


_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


@dataclass(frozen=True, slots=True)
class RenderedConfig:
    """One device's configuration for one route."""

    device: str
    platform: Platform
    text: str


@dataclass(slots=True)
class _DeviceWork:
    device: Device
    fibres: list[dict[str, Any]] = field(default_factory=list)
    radios: list[dict[str, Any]] = field(default_factory=list)


def _radio_links(inv: Inventory) -> list[Link]:
    return [lk for lk in inv.links if lk.medium in (LinkMedium.RADIO_2_4, LinkMedium.RADIO_5_8)]


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookups over one inventory, built once per inventory rather than once per route (10,000 devices)."""

    devices: dict[str, Device]
    links: dict[str, Link]
    sites: dict[str, str]                       # site id -> name
    radios_at: dict[tuple[str, str], list[Link]]  # (device, interface) -> the radio links ending there

    @classmethod
    def build(cls, inv: Inventory) -> _Index:
        radios_at: dict[tuple[str, str], list[Link]] = {}
        for lk in _radio_links(inv):
            for ep in (lk.a, lk.b):
                radios_at.setdefault((ep.device, ep.interface), []).append(lk)
        return cls(devices={d.id: d for d in inv.devices}, links={lk.id: lk for lk in inv.links},
                   sites={s.id: s.name for s in inv.sites}, radios_at=radios_at)


class Renderer:
    """Compiles the platform templates once and renders routes with them.

    `template_dir` replaces the package's templates (a directory with the same `<platform>/...` layout).
    """

    def __init__(self, template_dir: str | Path | None = None, *,
                 snmp_community: str = DEFAULT_SNMP_COMMUNITY) -> None:
        loader: jinja2.BaseLoader
        if template_dir is None:
            loader = jinja2.PackageLoader("kotanet.playbooks", "templates")
        else:
            loader = jinja2.FileSystemLoader(str(template_dir))
        self.env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                      lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
        self.env.filters["quote"] = _quote
        self.snmp_community = snmp_community
        self._compiled: dict[Platform, jinja2.Template] = {}
        self._index: tuple[Inventory, _Index] | None = None

    def index(self, inv: Inventory) -> _Index:
        if self._index is None or self._index[0] is not inv:
            self._index = (inv, _Index.build(inv))
        return self._index[1]

    def template(self, platform: Platform) -> jinja2.Template:
        tpl = self._compiled.get(platform)
        if tpl is None:
            name = TEMPLATES.get(platform)
            if name is None:
                raise KotanetError(f"no configuration template for platform {platform.value!r}",
                                   hint=f"templates exist for {', '.join(p.value for p in TEMPLATES)}")
            try:
                tpl = self.env.get_template(name)
            except jinja2.TemplateNotFound as exc:
                raise KotanetError(f"template {name} not found", hint="check the template directory") from exc
            except jinja2.TemplateSyntaxError as exc:
                raise KotanetError(f"{exc.name or name}:{exc.lineno}: {exc.message}",
                                   hint="fix the template's Jinja2 syntax") from exc
            self._compiled[platform] = tpl
        return tpl

    def render(self, platform: Platform, context: Mapping[str, Any]) -> str:
        """Render one platform's template; an undefined variable names the template, the line and the variable."""
        tpl = self.template(platform)
        try:
            return tpl.render(context)
        except jinja2.UndefinedError as exc:
            name = tpl.name or TEMPLATES[platform]
            line = _template_line(exc.__traceback__, tpl)
            m = _UNDEFINED.search(exc.message or "")
            var = (m.group(1) or m.group(2)) if m else (exc.message or "?")
            raise KotanetError(f"{name}:{line}: undefined variable {var}",
                               hint="the template uses a variable the renderer does not provide; "
                                    "fix the template or kotanet.playbooks.render") from exc

    def render_route(self, inv: Inventory, plan_route: RoutePlan, *, keep_radio_backup: bool,
                     retired_before: Collection[str] = (),
                     platform_of: PlatformOf | None = None) -> dict[str, RenderedConfig]:
        """Device id -> configuration for every active device the route touches.

        `retired_before`: radio links earlier routes have already switched off (a radio sector that served
        only those and this route's radio may be shut down). `platform_of` overrides each device's platform
        (see `platform_override`; the digital twin renders every device for FRR).
        """
        of = platform_of or _own_platform
        idx = self.index(inv)
        devices = idx.devices
        for a in plan_route.addressing:
            for ep in (a.a, a.b):
                if ep.device not in devices:
                    raise KotanetError(f"route {plan_route.route}: link {a.link} ends on device {ep.device!r}, "
                                       "which is not in the inventory", hint="fix links.yaml or devices.yaml")
        work: dict[str, _DeviceWork] = {}

        def slot(device_id: str) -> _DeviceWork:
            if device_id not in work:
                work[device_id] = _DeviceWork(devices[device_id])
            return work[device_id]

        for p2p in plan_route.addressing:
            ends = ((p2p.a, p2p.a_address, p2p.b), (p2p.b, p2p.b_address, p2p.a))
            for near, address, far in ends:
                dev = devices[near.device]
                platform = of(dev)
                if platform is Platform.PASSIVE:
                    continue
                if platform not in TEMPLATES:
                    raise KotanetError(
                        f"route {plan_route.route}: device {dev.id} on link {p2p.link} runs {platform.value}, "
                        "which has no configuration template",
                        hint=f"templates exist for {', '.join(p.value for p in TEMPLATES)}")
                far_dev = devices[far.device]
                slot(dev.id).fibres.append(_fibre_context(idx, dev, near.interface, address, p2p.link,
                                                          far_dev, far.interface, p2p.spliced_at))
            via, spliced = p2p.spliced_through, p2p.splice_ends()
            if via is not None and spliced is not None and via.device in devices:
                # the closure's end: its address goes on the device the core is spliced through to
                active, _, _, address = spliced
                dev = devices[via.device]
                platform = of(dev)
                if platform in TEMPLATES:
                    ctx = _fibre_context(idx, dev, via.interface, address, p2p.link, devices[active.device],
                                         active.interface, p2p.spliced_at)
                    ctx.update(secondary=True, description=f"FIBRE {p2p.link} spliced at {p2p.spliced_at} "
                                                           f"to {active.device} {active.interface}")
                    slot(dev.id).fibres.append(ctx)

        gone = set(retired_before) | (set() if keep_radio_backup else set(plan_route.retires))

        def still_up(link: Link) -> bool:
            return link.status is LinkStatus.ACTIVE and link.id not in gone

        for lid in plan_route.retires:
            lk = idx.links.get(lid)
            if lk is None:
                raise KotanetError(f"route {plan_route.route} retires link {lid!r}, which is not in the inventory",
                                   hint="check retires in migrations.yaml")
            for near, far in ((lk.a, lk.b), (lk.b, lk.a)):
                radio_dev = devices.get(near.device)
                if radio_dev is None or of(radio_dev) not in TEMPLATES:
                    continue  # e.g. an airOS radio: configured by hand
                radios = slot(radio_dev.id).radios
                same = next((r for r in radios if r["name"] == near.interface), None)
                links = [*(same["links"] if same else []), lk.id]
                fars = [*(same["far_devices"] if same else []), far.device]
                sharing = sorted(o.id for o in idx.radios_at.get((near.device, near.interface), [])
                                 if o.id not in links and still_up(o))
                ctx = _radio_context(near.interface, links, fars, max(DEFAULT_COSTS[lk.medium],
                                     same["cost"] if same else 0), plan_route.route, keep_radio_backup, sharing)
                if same is None:
                    radios.append(ctx)
                else:
                    radios[radios.index(same)] = ctx

        out: dict[str, RenderedConfig] = {}
        for dev_id in sorted(work):
            w = work[dev_id]
            platform = of(w.device)
            ctx = self._context(inv, plan_route, w, keep_radio_backup, platform)
            out[dev_id] = RenderedConfig(device=dev_id, platform=platform, text=self.render(platform, ctx))
        return out

    def _context(self, inv: Inventory, plan_route: RoutePlan, w: _DeviceWork,
                 keep_radio_backup: bool, platform: Platform) -> dict[str, Any]:
        s = inv.settings
        return {
            "route": {"id": plan_route.route, "name": plan_route.name, "action": plan_route.action.value},
            "device": {"id": w.device.id, "platform": platform.value, "model": w.device.model,
                       "role": w.device.role.value},
            "keep_radio_backup": keep_radio_backup,
            "fibres": w.fibres,
            "radios": w.radios,
            "ospf": {"process": OSPF_PROCESS, "area": OSPF_AREA, **OSPF_INTERVALS.get(platform, {})},
            "bfd": dict(BFD),
            "mgmt": {"snmp_community": self.snmp_community,
                     "noc_servers": [str(a) for a in s.noc_servers],
                     "ntp_servers": [str(a) for a in s.ntp_servers],
                     "syslog_servers": [str(a) for a in s.syslog_servers],
                     "timezone": s.timezone},
        }

    def render_all(self, inv: Inventory, *, keep_radio_backup: bool = False, platform_of: PlatformOf | None = None,
                   plan: MigrationPlan | None = None) -> dict[str, dict[str, RenderedConfig]]:
        """Route id -> device id -> configuration for every route of `plan` (default: planned here)."""
        if plan is None:
            plan = plan_migrations(inv, keep_radio_backup=keep_radio_backup)
        out: dict[str, dict[str, RenderedConfig]] = {}
        retired: set[str] = set()
        for rp in plan.routes:
            out[rp.route] = self.render_route(inv, rp, keep_radio_backup=keep_radio_backup, retired_before=retired,
                                              platform_of=platform_of)
            if not keep_radio_backup:
                retired |= set(rp.retires)
        return out


def _quote(value: object) -> str:
    """A double-quoted string for any of the three CLIs (no quotes or backslashes inside)."""
    text = " ".join(str(value).replace('"', "'").replace("\\", "/").split())
    return f'"{text}"'


def _fibre_context(idx: _Index, dev: Device, ifname: str, address: IPv4Interface, link_id: str,
                   far_dev: Device, far_ifname: str, spliced_at: str | None) -> dict[str, Any]:
    near_itf = dev.interface(ifname)
    far_itf = far_dev.interface(far_ifname)
    mtus = [i.mtu for i in (near_itf, far_itf) if i is not None and i.mtu is not None]
    mtu = min(mtus) if len(mtus) == 2 and min(mtus) > FIBRE_MTU else FIBRE_MTU
    if spliced_at is not None and far_dev.platform is Platform.PASSIVE:
        far_text = f"splice {spliced_at} ({far_dev.id} {far_ifname})"
    else:
        far_text = f"{far_dev.id} {far_ifname}"
    far_site = idx.sites.get(far_dev.site, far_dev.site)
    return {
        "name": ifname,
        "link": link_id,
        "far_device": far_dev.id,
        "far_interface": far_ifname,
        "far_site": far_site,
        "spliced_at": spliced_at,
        # through a splice closure the core may share a cable's segment: broadcast, not point-to-point
        "network_type": "broadcast" if spliced_at is not None else "point-to-point",
        "secondary": False,
        "description": f"FIBRE {link_id} to {far_text}",
        "address": str(address),
        "ip": str(address.ip),
        "netmask": str(address.netmask),
        "prefixlen": address.network.prefixlen,
        "network": str(address.network),
        "wildcard": str(address.hostmask),
        "mtu": mtu,
        "cost": DEFAULT_COSTS[LinkMedium.FIBRE],
    }


def _radio_context(ifname: str, links: list[str], far_devices: list[str], cost: int, route: str, keep: bool,
                   sharing: list[str]) -> dict[str, Any]:
    what = ", ".join(f"{lid} to {far}" for lid, far in zip(links, far_devices, strict=True))
    return {
        "name": ifname,
        "link": links[0],
        "links": links,
        "far_device": far_devices[0],
        "far_devices": far_devices,
        "kept": keep,
        "shared": bool(sharing),
        "shared_with": sharing,
        "cost": cost,
        "backup_cost": cost * BACKUP_COST_FACTOR,
        "description": (f"BACKUP radio for route {route}: {what}" if keep
                        else f"RETIRED by route {route}: {what}"),
    }


def _template_line(tb: TracebackType | None, tpl: jinja2.Template) -> int | str:
    """The template line of the innermost traceback frame that belongs to the template."""
    line: int | str = "?"
    filename = tpl.filename
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in (filename, "<template>"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_DEFAULT: Renderer | None = None


def _renderer(template_dir: str | Path | None) -> Renderer:
    global _DEFAULT  # noqa: PLW0603 - the package templates, compiled once per process
    if template_dir is not None:
        return Renderer(template_dir)
    if _DEFAULT is None:
        _DEFAULT = Renderer()
    return _DEFAULT


def render_route(inv: Inventory, plan_route: RoutePlan, *, keep_radio_backup: bool,
                 retired_before: Iterable[str] = (), template_dir: str | Path | None = None,
                 platform_of: PlatformOf | None = None) -> dict[str, RenderedConfig]:
    """Device id -> configuration for every active device of `plan_route` (see `Renderer.render_route`)."""
    return _renderer(template_dir).render_route(inv, plan_route, keep_radio_backup=keep_radio_backup,
                                                retired_before=set(retired_before), platform_of=platform_of)


def render_all(inv: Inventory, *, keep_radio_backup: bool = False, template_dir: str | Path | None = None,
               platform_of: PlatformOf | None = None,
               plan: MigrationPlan | None = None) -> dict[str, dict[str, RenderedConfig]]:
    """Route id -> device id -> configuration, for every route of the plan, in plan order."""
    return _renderer(template_dir).render_all(inv, keep_radio_backup=keep_radio_backup, platform_of=platform_of,
                                              plan=plan)
