"""Method of procedure (MOP) per route, in Markdown and self-contained printable HTML, in English and Indonesian.

A MOP is what a field team follows during the change window: scope, affected sites, the expected outage,
pre-checks, the exact configuration per device, post-checks (the same commands the orchestrator runs,
`kotanet.playbooks.checks`), rollback and sign-off. Every sentence comes from the string catalogue
(`playbook.mop.*`); the layout is `templates/mop/mop.md.j2`, and the HTML is that Markdown converted and
wrapped in `templates/mop/mop.html.j2` (inline CSS, A4 print styles, no external resources).

The digital twin fills the rehearsal slot (between `<!-- kotanet:rehearsal:start -->` and `:end -->`) by
passing a `RehearsalResult`. A MOP never contains a credential: it is built from the plan and the rendered
configs only.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import jinja2
from markupsafe import Markup

from kotanet.i18n import Lang, t
from kotanet.inventory.models import Inventory
from kotanet.playbooks.checks import (
    PING_COUNT,
    PING_MIN_PCT,
    CheckKind,
    PostCheck,
    ospf_neighbour_command,
    unchecked_ends,
)
from kotanet.playbooks.render import RenderedConfig
from kotanet.topology.plan import RoutePlan

__all__ = ["REHEARSAL_END", "REHEARSAL_START", "MopFormat", "RehearsalResult", "render_mop"]

REHEARSAL_START = "<!-- kotanet:rehearsal:start -->"
REHEARSAL_END = "<!-- kotanet:rehearsal:end -->"
DEFAULT_WINDOW_MINUTES = 60


class MopFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class RehearsalResult:
    """What a rehearsal of the route on the digital twin measured (filled in by kotanet.lab)."""

    date: dt.date
    where: str                   # e.g. "FRR digital twin, 42 routers"
    outage_s: float              # longest loss of reachability of an affected site
    convergence_s: float         # from the push to OSPF FULL on every new fibre
    checks_passed: int
    checks_total: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def outage_s_text(self) -> str:
        return f"{self.outage_s:.1f}"

    @property
    def convergence_s_text(self) -> str:
        return f"{self.convergence_s:.1f}"


_ENVS: dict[MopFormat, jinja2.Environment] = {}


def _env(fmt: MopFormat) -> jinja2.Environment:
    env = _ENVS.get(fmt)
    if env is None:
        def finalize(value: object) -> object:
            if fmt is MopFormat.HTML and not isinstance(value, Markup):
                return html.escape(str(value), quote=False)  # inventory text never becomes markup
            return value

        env = jinja2.Environment(loader=jinja2.PackageLoader("kotanet.playbooks", "templates"),
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=True, autoescape=False, finalize=finalize)
        env.filters["code"] = lambda v: f"`{v}`"
        _ENVS[fmt] = env
    return env


def _pct(x: float) -> str:
    text = f"{100 * x:.4f}"
    if x < 1.0 and text.startswith("100"):
        text = "99.9999"
    return f"{text} %"


def _expect(lang: Lang, c: PostCheck, counter_interval_s: float) -> str:
    if c.kind is CheckKind.PING:
        return t("playbook.expect.ping", lang, pct=PING_MIN_PCT, count=PING_COUNT, far=c.far_address)
    if c.kind is CheckKind.TRAFFIC:
        return t("playbook.expect.traffic", lang, interface=c.interface, seconds=f"{counter_interval_s:g}")
    return t(f"playbook.expect.{c.kind.value}", lang, interface=c.interface, far=c.far_address)


def render_mop(inv: Inventory, route: RoutePlan, configs: Mapping[str, RenderedConfig],
               checks: Sequence[PostCheck], *, lang: Lang, fmt: MopFormat, total_routes: int,
               keep_radio_backup: bool = False, rehearsal: RehearsalResult | None = None,
               window_minutes: int = DEFAULT_WINDOW_MINUTES, counter_interval_s: float = 5.0) -> str:
    """The MOP of one route, as Markdown or as a self-contained HTML page."""
    env = _env(fmt)

    def tr(key: str, **values: object) -> str:
        return t(key, lang, **values)

    def site_name(site_id: str) -> str:
        site = inv.site(site_id)
        return site.name if site else site_id

    env.filters["site_name"] = site_name  # per call: the same environment serves every inventory
    safe = Markup if fmt is MopFormat.HTML else str
    devices: list[dict[str, Any]] = []
    for dev_id, cfg in configs.items():
        dev = inv.device(dev_id)
        devices.append({
            "id": dev_id, "platform": cfg.platform.value, "model": dev.model if dev else "",
            "site": site_name(dev.site) if dev else "?", "config": safe(cfg.text), "lexer": "text",
            "ospf_command": ospf_neighbour_command(cfg.platform) or "",
            "rollback": tr(f"playbook.mop.rollback.{cfg.platform.value}")
            if f"playbook.mop.rollback.{cfg.platform.value}" in _rollback_keys() else "",
        })
    rows = [{"device": c.device, "label": tr(f"playbook.check.{c.kind.value}"), "command": c.commands[0],
             "expect": _expect(lang, c, counter_interval_s)} for c in checks]
    spliced = [tr("playbook.mop.postchecks.spliced", device=dev, interface=itf, site=site_name(site))
                for dev, itf, site in unchecked_ends(route, {d: c.platform for d, c in configs.items()})]
    context = {
        "spliced": spliced,
        "t": tr, "site_name": site_name, "pct": _pct, "route": route, "devices": devices, "checks": rows,
        "inventory": inv.settings.name, "total": total_routes, "keep_radio_backup": keep_radio_backup,
        "radio_label": tr("playbook.radio.kept" if keep_radio_backup else "playbook.radio.retired"),
        "window_minutes": window_minutes, "timezone": inv.settings.timezone, "rehearsal": rehearsal,
    }
    markdown_text = env.get_template("mop/mop.md.j2").render(context)
    if fmt is MopFormat.MARKDOWN:
        return markdown_text
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code", "sane_lists"],
                             output_format="html")
    title = tr("playbook.mop.title", route=route.route, name=route.name)
    return env.get_template("mop/mop.html.j2").render(lang=lang.value, title=title, body=Markup(body),
                                                      print_label=tr("playbook.mop.print"))


def _rollback_keys() -> frozenset[str]:
    from kotanet.i18n import CATALOGUE

    return frozenset(k for k in CATALOGUE if k.startswith("playbook.mop.rollback."))
