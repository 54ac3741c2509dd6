"""Point-to-point addressing for new links, allocated from a pool without conflicts. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Interface, IPv4Network

from kotanet.errors import KotanetError
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Endpoint, Inventory

__all__ = ["P2pAssignment", "allocate_p2p", "used_networks"]


@dataclass(frozen=True, slots=True)
class P2pAssignment:
    """A /30 (or /31) for a new link. When one end is a passive splice closure (a manhole), no address goes
    on the closure: `spliced_at` names it, and that end's address is for the active device the fibre is
    spliced through to (`spliced_towards`, the first active site towards the DC, when known).

    `spliced_through` is the interface of that active device where the spliced core lands (its end of the
    cable into the closure's side towards the DC): the closure-side address is configured there, so that the
    new fibre has a router at each end. It is None when the fibre itself is that cable (the new fibre ends at
    the closure and nothing is spliced onto it yet) or when no active site is known."""

    link: str
    network: IPv4Network
    a: Endpoint
    a_address: IPv4Interface
    b: Endpoint
    b_address: IPv4Interface
    spliced_at: str | None = None
    spliced_towards: str | None = None
    spliced_through: Endpoint | None = None
    closure: Endpoint | None = None  # the end on the splice closure (at `spliced_at`)

    def splice_ends(self) -> tuple[Endpoint, IPv4Interface, Endpoint, IPv4Interface] | None:
        """(the active end, its address, the closure's end, the closure-side address), for a spliced fibre."""
        if self.closure is None:
            return None
        if self.closure == self.a:
            return self.b, self.b_address, self.a, self.a_address
        return self.a, self.a_address, self.b, self.b_address


def used_networks(inv: Inventory) -> list[IPv4Network]:
    """Every subnet already configured on an interface of the inventory (and each management /32)."""
    nets = {addr.network for d in inv.devices for itf in d.interfaces for addr in itf.addresses}
    nets |= {IPv4Network(f"{d.mgmt_ip}/32") for d in inv.devices if d.mgmt_ip is not None}
    return sorted(nets)


def allocate_p2p(inv: Inventory, link_ids: Sequence[str], *, prefixlen: int = 30,
                 reserved: Iterable[IPv4Network] = (),
                 towards: Mapping[str, str] | None = None,
                 through: Mapping[str, Endpoint] | None = None) -> list[P2pAssignment]:
    """Give each link in `link_ids` (in that order) the next free /30 (or /31) of `settings.p2p_pool`.

    A link whose two interfaces already carry addresses in one subnet keeps them. Deterministic: the same
    inventory and order give the same plan. `towards` and `through`: per passive site, the first active site
    towards the DC and that site's interface on the cable into the passive site (see `P2pAssignment`).
    """
    if prefixlen not in (30, 31):
        raise KotanetError(f"point-to-point prefix /{prefixlen} is not supported", hint="use 30 or 31")
    pool = inv.settings.p2p_pool
    taken = [n for n in [*used_networks(inv), *reserved] if n.overlaps(pool)]
    taken.sort()
    devices = {d.id: d for d in inv.devices}
    out: list[P2pAssignment] = []
    candidates = pool.subnets(new_prefix=prefixlen)
    for lid in link_ids:
        link = inv.link(lid)
        if link is None:
            raise KotanetError(f"link {lid!r} is not in the inventory", hint="check the migration's new_links")
        ia = devices[link.a.device].interface(link.a.interface)
        ib = devices[link.b.device].interface(link.b.interface)
        if ia and ib and ia.addresses and ib.addresses and ia.addresses[0].network == ib.addresses[0].network:
            out.append(P2pAssignment(lid, ia.addresses[0].network, link.a, ia.addresses[0], link.b, ib.addresses[0]))
            continue
        for net in candidates:
            if any(net.overlaps(t) for t in taken):
                continue
            hosts = [net.network_address, net.broadcast_address] if prefixlen == 31 else list(net.hosts())
            passive = next((ep.device for ep in (link.a, link.b) if devices[ep.device].platform is Platform.PASSIVE),
                           None)
            site = devices[passive].site if passive else None
            via = (through or {}).get(site) if site else None
            if via is not None and via.device in (link.a.device, link.b.device):
                via = None  # the new fibre is the cable itself: nothing is spliced through yet
            out.append(P2pAssignment(lid, net, link.a, IPv4Interface(f"{hosts[0]}/{prefixlen}"),
                                     link.b, IPv4Interface(f"{hosts[1]}/{prefixlen}"), spliced_at=site,
                                     spliced_towards=(towards or {}).get(site) if site else None,
                                     spliced_through=via,
                                     closure=None if passive is None else link.a if link.a.device == passive
                                     else link.b))
            taken.append(net)
            break
        else:
            raise KotanetError(f"the point-to-point pool {pool} is exhausted at link {lid!r}",
                               hint="widen settings.p2p_pool in inventory.yaml")
    return out
