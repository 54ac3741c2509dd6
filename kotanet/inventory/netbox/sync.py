"""Plan and apply a push: compare what the inventory needs with what NetBox holds, object by object.

`plan` is pure (desired objects + NetBox's records -> changes); `push` applies a plan with bulk calls:
deletes of managed objects that left the inventory first (reverse dependency order), then creates and
updates kind by kind in dependency order, resolving natural keys to the ids NetBox just returned. Each bulk
call is atomic in NetBox, so an interrupted or refused push leaves whole batches, and a re-run converges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kotanet.errors import KotanetError
from kotanet.i18n import Lang, t
from kotanet.inventory.models import Inventory
from kotanet.inventory.netbox.client import BATCH, NetBoxClient, Op
from kotanet.inventory.netbox.mapping import (
    KINDS,
    NETBOX_COLLECTIONS,
    Desired,
    Key,
    Kind,
    Ownership,
    Pulled,
    Ref,
    desired_state,
    field_changes,
    from_netbox,
    is_tagged,
    key_of,
)

__all__ = ["Change", "ConflictError", "Existing", "Op", "Plan", "fetch_existing", "plan", "pull", "push"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Change:
    op: Op
    kind: Kind
    key: Key
    fields: tuple[tuple[str, Any, Any], ...] = ()

    @property
    def label(self) -> str:
        return "/".join(self.key)


class ConflictError(KotanetError):
    """Objects with kotanet's keys exist in NetBox but kotanet does not manage them."""

    def __init__(self, conflicts: list[str], lang: Lang = Lang.EN) -> None:
        more = t("netbox.err.conflict_more", lang, n=len(conflicts) - 1) if len(conflicts) > 1 else ""
        super().__init__(t("netbox.err.conflict", lang, first=conflicts[0], more=more),
                         hint=t("netbox.hint.conflict", lang))
        self.conflicts = conflicts


@dataclass(slots=True)
class Existing:
    """NetBox's records by kind: by natural key, and the managed ones that have no (or a duplicate) key."""

    by_key: dict[Kind, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    orphans: dict[Kind, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, kind: Kind, records: list[dict[str, Any]]) -> None:
        keyed = self.by_key.setdefault(kind, {})
        orphans = self.orphans.setdefault(kind, [])
        for rec in records:
            key = key_of(kind, rec)
            if key is None or key in keyed:
                if is_tagged(rec):
                    orphans.append(rec)
                continue
            keyed[key] = rec

    def ids(self) -> dict[Kind, dict[Key, int]]:
        return {kind: {k: int(r["id"]) for k, r in recs.items()} for kind, recs in self.by_key.items()}


def fetch_existing(client: NetBoxClient, progress: Progress | None = None) -> Existing:
    ex = Existing()
    kinds = list(Kind)
    for i, kind in enumerate(kinds):
        ex.add(kind, client.fetch(kind))
        if progress:
            progress(i + 1, len(kinds))
    return ex


class _Pending:
    """The id of an object that this push creates first; never equal to an existing id."""

    def __init__(self, ref: Ref) -> None:
        self.ref = ref

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return hash(self.ref)

    def __repr__(self) -> str:
        return f"<new {self.ref.kind.value} {'/'.join(self.ref.key)}>"


def _resolve(value: Any, ids: Mapping[Kind, Mapping[Key, int]]) -> Any:
    if isinstance(value, Ref):
        found = ids.get(value.kind, {}).get(value.key)
        return _Pending(value) if found is None else found
    if isinstance(value, Mapping):
        return {k: _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return value


@dataclass(slots=True)
class Plan:
    changes: list[Change]
    conflicts: list[str]
    setup: list[str] = field(default_factory=list)

    def count(self, op: Op) -> int:
        return sum(1 for c in self.changes if c.op is op)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.setup


def _deletes(desired: Mapping[Kind, Mapping[Key, Desired]], ex: Existing) -> list[tuple[Change, int]]:
    out: list[tuple[Change, int]] = []
    for kind in reversed(list(Kind)):
        if KINDS[kind].ownership is Ownership.CATALOGUE:
            continue
        want = desired.get(kind, {})
        for key, rec in ex.by_key.get(kind, {}).items():
            if key not in want and is_tagged(rec):
                out.append((Change(Op.DELETE, kind, key), int(rec["id"])))
        for rec in ex.orphans.get(kind, []):
            out.append((Change(Op.DELETE, kind, (f"#{rec['id']}",)), int(rec["id"])))
    return out


def _kind_changes(kind: Kind, desired: Mapping[Key, Desired], ex: Existing, ids: Mapping[Kind, Mapping[Key, int]],
                  adopt: bool) -> tuple[list[tuple[Change, dict[str, Any]]], list[tuple[Change, dict[str, Any]]]]:
    """(creates, updates) of one kind, each with the payload to send (refs resolved with `ids`)."""
    creates: list[tuple[Change, dict[str, Any]]] = []
    updates: list[tuple[Change, dict[str, Any]]] = []
    ownership = KINDS[kind].ownership
    have = ex.by_key.get(kind, {})
    for key, d in desired.items():
        payload = _resolve(d.payload, ids)
        rec = have.get(key)
        if rec is None:
            creates.append((Change(Op.CREATE, kind, key), payload))
            continue
        tagged = is_tagged(rec)
        if not tagged and (ownership is Ownership.CATALOGUE or (ownership is Ownership.OWNED and not adopt)):
            continue  # shared catalogue entries are used as found; unmanaged owned objects are conflicts
        diffs = field_changes(payload, rec)
        if not tagged:
            diffs.append(("tags", [t.get("slug") for t in rec.get("tags") or []], ["kotanet"]))
        if diffs:
            updates.append((Change(Op.UPDATE, kind, key, tuple(diffs)), {"id": rec["id"], **payload}))
    return creates, updates


def conflicts(desired: Mapping[Kind, Mapping[Key, Desired]], ex: Existing) -> list[str]:
    out = []
    for kind in Kind:
        if KINDS[kind].ownership is not Ownership.OWNED:
            continue
        have = ex.by_key.get(kind, {})
        for key in desired.get(kind, {}):
            rec = have.get(key)
            if rec is not None and not is_tagged(rec):
                out.append(f"{kind.value.replace('_', ' ')} {'/'.join(key)} (NetBox id {rec['id']})")
    return out


ORDER_GAP = 1024
_ORDERED_KINDS = (Kind.REGION, Kind.TENANT, Kind.SITE, Kind.RACK, Kind.POWER_FEED, Kind.DEVICE, Kind.CIRCUIT,
                  Kind.INTERFACE, Kind.IP_ADDRESS, Kind.CABLE, Kind.WIRELESS_LINK)


def _group_of(kind: Kind, key: Key) -> tuple[str, ...]:
    if kind is Kind.INTERFACE:
        return (kind.value, key[0])
    if kind is Kind.IP_ADDRESS:
        return (kind.value, key[0], key[1])
    if kind in (Kind.CABLE, Kind.WIRELESS_LINK):
        return ("links",)
    return (kind.value,)


def _increasing_subsequence(values: list[int | None]) -> set[int]:
    """Indexes of a longest strictly increasing subsequence of the non-None values (patience sorting)."""
    import bisect

    tails: list[int] = []
    tails_at: list[int] = []
    prev: dict[int, int] = {}
    for i, v in enumerate(values):
        if v is None:
            continue
        pos = bisect.bisect_left(tails, v)
        if pos > 0:
            prev[i] = tails_at[pos - 1]
        if pos == len(tails):
            tails.append(v)
            tails_at.append(i)
        else:
            tails[pos] = v
            tails_at[pos] = i
    out: set[int] = set()
    j = tails_at[-1] if tails_at else None
    while j is not None:
        out.add(j)
        j = prev.get(j)
    return out


def _spread(values: list[int | None], keep: set[int]) -> list[int] | None:
    """Fill the values not kept strictly between their kept neighbours; None if some gap is too narrow."""
    out: list[int] = []
    i, n = 0, len(values)
    while i < n:
        if i in keep:
            v = values[i]
            assert v is not None
            out.append(v)
            i += 1
            continue
        j = i
        while j < n and j not in keep:
            j += 1
        lo = out[-1] if out else None
        hi = values[j] if j < n else None
        k = j - i
        if lo is None and hi is None:
            out += [(m + 1) * ORDER_GAP for m in range(k)]
        elif hi is None:
            assert lo is not None
            out += [lo + (m + 1) * ORDER_GAP for m in range(k)]
        elif lo is None:
            out += [hi - (k - m) * ORDER_GAP for m in range(k)]
        elif hi - lo - 1 >= k:
            out += [lo + (hi - lo) * (m + 1) // (k + 1) for m in range(k)]
        else:
            return None
        i = j
    return out


def stable_order(desired: dict[Kind, dict[Key, Desired]], ex: Existing) -> dict[Kind, dict[Key, Desired]]:
    """Give each record a kotanet_order that keeps NetBox's values where the relative order is unchanged, so
    that removing or inserting one record does not renumber all the records after it."""
    groups: dict[tuple[str, ...], list[tuple[int, Kind, Key]]] = {}
    for kind in _ORDERED_KINDS:
        for key, d in desired[kind].items():
            cf = d.payload.get("custom_fields") or {}
            if "kotanet_order" in cf:
                groups.setdefault(_group_of(kind, key), []).append((int(cf["kotanet_order"]), kind, key))
    out = {kind: dict(items) for kind, items in desired.items()}
    for members in groups.values():
        members.sort()
        have: list[int | None] = []
        for _, kind, key in members:
            rec = ex.by_key.get(kind, {}).get(key)
            v = (rec.get("custom_fields") or {}).get("kotanet_order") if rec is not None else None
            have.append(v if isinstance(v, int) else None)
        values = _spread(have, _increasing_subsequence(have))
        if values is None:
            values = [(m + 1) * ORDER_GAP for m in range(len(members))]
        for (_, kind, key), v in zip(members, values, strict=True):
            d = out[kind][key]
            out[kind][key] = Desired(kind, key, {**d.payload,
                                                 "custom_fields": {**d.payload["custom_fields"], "kotanet_order": v}})
    return out


def plan(inv: Inventory, ex: Existing, *, adopt: bool = False) -> Plan:
    """Everything a push would change, object by object (objects this push creates are <new ...> refs)."""
    desired = stable_order(desired_state(inv), ex)
    changes = [c for c, _ in _deletes(desired, ex)]
    ids = ex.ids()
    for kind in Kind:
        creates, updates = _kind_changes(kind, desired[kind], ex, ids, adopt)
        changes += [c for c, _ in creates] + [c for c, _ in updates]
    return Plan(changes, [] if adopt else conflicts(desired, ex))


def push(client: NetBoxClient, inv: Inventory, *, adopt: bool = False, progress: Progress | None = None,
         batch: bool = True) -> Plan:
    """Make NetBox hold the inventory. Returns what was changed. Bulk calls of up to BATCH objects, one at a
    time (concurrent calls deadlock in NetBox on its cached counters, e.g. a device type's device count);
    `batch=False` sends one object per call (the benchmark's baseline)."""
    tag_id, setup = client.ensure_setup(dry_run=False)
    ex = fetch_existing(client)
    desired = stable_order(desired_state(inv), ex)
    found = [] if adopt else conflicts(desired, ex)
    if found:
        raise ConflictError(found, client.lang)
    the_plan = plan(inv, ex, adopt=adopt)
    the_plan.setup = setup
    total = len(the_plan.changes)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    size = BATCH if batch else 1
    dels = _deletes(desired, ex)
    for kind in reversed(list(Kind)):
        mine = [(c, nb_id) for c, nb_id in dels if c.kind is kind]
        for dpart in [mine[i:i + size] for i in range(0, len(mine), size)]:
            client.delete(kind, [nb_id for _, nb_id in dpart], [c.label for c, _ in dpart])
            tick(len(dpart))
    ids: dict[Kind, dict[Key, int]] = ex.ids()
    for c, _ in dels:
        ids.get(c.kind, {}).pop(c.key, None)
    for kind in Kind:
        creates, updates = _kind_changes(kind, desired[kind], ex, ids, adopt)

        def create(part: list[tuple[Change, dict[str, Any]]], kind: Kind = kind) -> None:
            new_ids = client.create(kind, [{**p, "tags": [tag_id]} for _, p in part], [c.label for c, _ in part])
            for (c, _), new_id in zip(part, new_ids, strict=True):
                ids.setdefault(kind, {})[c.key] = new_id

        def update(part: list[tuple[Change, dict[str, Any]]], kind: Kind = kind) -> None:
            payloads = []
            for c, p in part:
                rec = ex.by_key[kind][c.key]
                tags = {} if is_tagged(rec) else {"tags": [*(t["id"] for t in rec.get("tags") or []), tag_id]}
                payloads.append({**p, **tags})
            client.update(kind, payloads, [c.label for c, _ in part])

        for cpart in [creates[i:i + size] for i in range(0, len(creates), size)]:
            create(cpart)
            tick(len(cpart))
        for upart in [updates[i:i + size] for i in range(0, len(updates), size)]:
            update(upart)
            tick(len(upart))
        if kind is Kind.DEVICE and creates and _has_templates(desired[Kind.DEVICE_TYPE], ex):
            # a device type of the city's own may carry interface templates: NetBox has just made those
            # interfaces on the new devices (untagged); read them, so they are adopted instead of duplicated
            ex.by_key.pop(Kind.INTERFACE, None)
            ex.orphans.pop(Kind.INTERFACE, None)
            ex.add(Kind.INTERFACE, client.fetch(Kind.INTERFACE))
            ids[Kind.INTERFACE] = {k: int(r["id"]) for k, r in ex.by_key[Kind.INTERFACE].items()}
    return the_plan


def _has_templates(types: Mapping[Key, Desired], ex: Existing) -> bool:
    """Whether a device type kotanet uses (and did not make) has interface templates."""
    have = ex.by_key.get(Kind.DEVICE_TYPE, {})
    return any(rec.get("interface_template_count") for key in types if (rec := have.get(key)) is not None)


PULL_KINDS = (Kind.REGION, Kind.TENANT, Kind.SITE, Kind.RACK, Kind.POWER_PANEL, Kind.POWER_FEED, Kind.DEVICE,
              Kind.INTERFACE, Kind.IP_ADDRESS, Kind.CIRCUIT, Kind.CIRCUIT_TERMINATION, Kind.CABLE, Kind.WIRELESS_LINK)


def pull(client: NetBoxClient, progress: Progress | None = None) -> Pulled:
    """Read NetBox (every object, managed or not) into kotanet's NetBox-held collections."""
    records: dict[Kind, list[Any]] = {}
    for i, kind in enumerate(PULL_KINDS):
        records[kind] = client.fetch(kind)
        if progress:
            progress(i + 1, len(PULL_KINDS))
    return from_netbox(records)


def netbox_part(inv: Inventory) -> dict[str, list[Any]]:
    return {name: getattr(inv, name) for name in NETBOX_COLLECTIONS}
