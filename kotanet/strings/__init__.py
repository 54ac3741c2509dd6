"""Parts of the one string catalogue (kotanet.i18n.CATALOGUE), one module per area."""

from __future__ import annotations

from kotanet.lang import Lang
from kotanet.strings import lab, netbox, playbooks, web

AREAS: dict[str, dict[str, dict[Lang, str]]] = {
    "netbox": netbox.STRINGS,
    "playbooks": playbooks.STRINGS,
    "web": web.STRINGS,
    "lab": lab.STRINGS,
}
