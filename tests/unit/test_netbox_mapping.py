"""The NetBox mapping without a NetBox: what the inventory becomes (payloads written out by hand), and what
kotanet reads back from NetBox 4.7.3's real REST JSON (recorded by scripts/netbox/record-fixture)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kotanet.inventory import YamlDirSource
from kotanet.inventory.models import Inventory, Region, Settings
from kotanet.inventory.netbox.client import Op, RejectedError, _rejected, auth_header, token_version
from kotanet.inventory.netbox.mapping import (
    GENERIC,
    Kind,
    Ref,
    desired_state,
    field_changes,
    from_netbox,
    key_of,
    norm,
    slugify,
)
from kotanet.inventory.netbox.sync import Existing, stable_order
from kotanet.lang import Lang
from tests.conftest import MINI

pytestmark = pytest.mark.unit

RECORDED = Path(__file__).resolve().parents[1] / "data" / "netbox" / "mini-records.json"


@pytest.fixture(scope="module")
def mini() -> Inventory:
    return YamlDirSource(MINI).load()


@pytest.fixture
def records() -> dict[Kind, list[dict[str, Any]]]:
    raw = json.loads(RECORDED.read_text())
    assert raw["netbox_version"].startswith("4.7.")
    return {Kind(k): v for k, v in raw["records"].items()}


# ------------------------------------------------------------------ inventory -> NetBox


def test_fibre_link_is_a_cable_with_length_in_metres_and_fibre_custom_fields(mini: Inventory) -> None:
    cable = desired_state(mini)[Kind.CABLE][("fo-dc--kec-tengah",)].payload
    assert cable["a_terminations"] == [{"object_type": "dcim.interface",
                                        "object_id": Ref(Kind.INTERFACE, ("dc-r1", "Gi0/0/0"))}]
    assert cable["b_terminations"] == [{"object_type": "dcim.interface",
                                        "object_id": Ref(Kind.INTERFACE, ("kec-tengah-r1", "sfp1"))}]
    assert (cable["type"], cable["length"], cable["length_unit"], cable["status"]) == ("smf", 1200.0, "m",
                                                                                       "connected")
    cf = cable["custom_fields"]
    assert (cf["kotanet_medium"], cf["kotanet_fibre_cores"], cf["kotanet_fibre_splices"],
            cf["kotanet_fibre_owner"]) == ("fibre", 12, 2, "city")
    planned = desired_state(mini)[Kind.CABLE][("fo-kec-tengah--kel-satu",)].payload
    assert planned["status"] == "planned"


def test_radio_link_is_a_wireless_link_and_leased_line_a_cable(mini: Inventory) -> None:
    d = desired_state(mini)
    radio = d[Kind.WIRELESS_LINK][("r24-bts-01--kel-satu",)].payload
    assert radio["interface_a"] == Ref(Kind.INTERFACE, ("bts-01-r1", "wlan1"))
    assert radio["interface_b"] == Ref(Kind.INTERFACE, ("kel-satu-r1", "wlan1"))
    assert radio["custom_fields"]["kotanet_radio_frequency_mhz"] == "2437.0"
    assert radio["custom_fields"]["kotanet_capacity_mbps"] == "30.0"
    assert radio["distance"] is None  # no path length in the mini inventory
    assert ("r24-bts-01--kel-satu",) not in d[Kind.CABLE]
    leased = d[Kind.CABLE][("ll-dc--drc",)].payload
    assert (leased["type"], leased["length"]) == ("", None)
    assert leased["custom_fields"]["kotanet_medium"] == "leased_line"
    assert leased["custom_fields"]["kotanet_provider"] == "Telco"


def test_devices_types_roles_and_addresses(mini: Inventory) -> None:
    d = desired_state(mini)
    dev = d[Kind.DEVICE][("dc-r1",)].payload
    assert dev["role"] == Ref(Kind.ROLE, ("core-router",))
    assert dev["platform"] == Ref(Kind.PLATFORM, ("ios",))
    assert dev["device_type"] == Ref(Kind.DEVICE_TYPE, (GENERIC, "ISR4331"))  # no manufacturer given
    assert (dev["rack"], dev["position"], dev["face"]) == (Ref(Kind.RACK, ("dc-rack-a",)), 10.0, "front")
    assert dev["custom_fields"]["kotanet_mgmt_ip"] == "10.20.0.1"
    assert dev["custom_fields"]["kotanet_install_date"] == "2014-03-01"
    assert d[Kind.DEVICE][("drc-r1",)].payload["device_type"] == Ref(Kind.DEVICE_TYPE, (GENERIC, GENERIC))
    assert set(d[Kind.ROLE]) == {("core-router",), ("distribution-router",), ("access-router",)}
    itf = d[Kind.INTERFACE][("bts-01-r1", "wlan1")].payload
    assert (itf["type"], itf["custom_fields"]["kotanet_interface_kind"]) == ("other-wireless", "wireless")
    assert d[Kind.INTERFACE][("dc-r1", "Gi0/0/2")].payload["type"] == "1000base-t"
    ip = d[Kind.IP_ADDRESS][("dc-r1", "Gi0/0/0", "10.30.0.1/30")].payload
    assert ip["assigned_object_id"] == Ref(Kind.INTERFACE, ("dc-r1", "Gi0/0/0"))
    assert len(d[Kind.DEVICE]) == 5 and len(d[Kind.IP_ADDRESS]) == 8


def test_circuit_and_its_site_termination(mini: Inventory) -> None:
    d = desired_state(mini)
    circuit = d[Kind.CIRCUIT][("isp-uplink",)].payload
    assert (circuit["cid"], circuit["commit_rate"], circuit["status"]) == ("isp-uplink", 40000, "active")
    term = d[Kind.CIRCUIT_TERMINATION][("isp-uplink", "A")].payload
    assert (term["termination_type"], term["termination_id"]) == ("dcim.site", Ref(Kind.SITE, ("dc",)))
    assert ("circuit:isp-uplink",) not in d[Kind.CABLE]  # the mini circuit names no interface


def test_slugs() -> None:
    assert slugify("RBGroove52HPn (Groove 52HPn)") == "rbgroove52hpn-groove-52hpn"
    assert slugify("ISP (unnamed in seed 002)") == "isp-unnamed-in-seed-002"
    assert slugify("***") == "x"
    assert len(slugify("a" * 300)) == 100


# ------------------------------------------------------------------ comparing with NetBox's JSON


def test_norm_reads_netbox_json_the_way_kotanet_writes_it() -> None:
    assert norm({"value": "connected", "label": "Connected"}) == "connected"
    assert norm({"id": 7, "url": "http://x/api/dcim/sites/7/", "slug": "dc"}) == 7
    assert norm([{"object_type": "dcim.interface", "object_id": 3, "object": {"id": 3}}]) == [
        {"object_type": "dcim.interface", "object_id": 3}]


def test_field_changes_name_each_differing_field() -> None:
    rec = {"name": "Kesbang", "length": 330.0, "description": "", "tenant": None, "status": {"value": "planned",
                                                                                              "label": "Planned"},
           "custom_fields": {"kotanet_fibre_cores": 24, "kotanet_tier": None, "other": "x"}}
    payload = {"name": "Kesbangpol", "length": 330, "description": "", "tenant": None, "status": "planned",
               "custom_fields": {"kotanet_fibre_cores": 48, "kotanet_tier": None}}
    assert field_changes(payload, rec) == [("name", "Kesbang", "Kesbangpol"),
                                           ("custom_fields.kotanet_fibre_cores", 24, 48)]
    assert field_changes({"description": "", "mtu": None}, {"description": None, "mtu": None}) == []


# ------------------------------------------------------------------ NetBox -> inventory, on recorded JSON


def test_recorded_netbox_json_maps_back_to_the_inventory(mini: Inventory,
                                                         records: dict[Kind, list[dict[str, Any]]]) -> None:
    pulled = from_netbox(records)
    assert pulled.warnings == []
    for name, items in pulled.collections().items():
        assert items == getattr(mini, name), name


def test_keys_of_recorded_records(records: dict[Kind, list[dict[str, Any]]]) -> None:
    keys = {kind: {key_of(kind, r) for r in recs} for kind, recs in records.items()}
    assert ("dc-r1", "Gi0/0/0") in keys[Kind.INTERFACE]
    assert ("dc-r1", "Gi0/0/0", "10.30.0.1/30") in keys[Kind.IP_ADDRESS]
    assert ("isp-uplink", "A") in keys[Kind.CIRCUIT_TERMINATION]
    assert keys[Kind.WIRELESS_LINK] == {("r24-bts-01--kel-satu",)}
    assert keys[Kind.POWER_PANEL] == {("dc", "kotanet")}  # one panel per site with feeds


def _site(records: dict[Kind, list[dict[str, Any]]], slug: str) -> dict[str, Any]:
    return next(r for r in records[Kind.SITE] if r["slug"] == slug)


def test_unknown_site_kind_is_a_warning_and_what_hangs_on_it_is_skipped(
        mini: Inventory, records: dict[Kind, list[dict[str, Any]]]) -> None:
    _site(records, "kel-satu")["custom_fields"]["kotanet_site_kind"] = "school"
    pulled = from_netbox(records)
    assert pulled.warnings[0].startswith("site kel-satu: unknown site kind 'school'")
    assert "device kel-satu-r1: its site was not mapped" in pulled.warnings
    assert "wireless link r24-bts-01--kel-satu: an end's device was not mapped" in pulled.warnings
    assert "cable fo-kec-tengah--kel-satu: an end's device was not mapped" in pulled.warnings
    assert [s.id for s in pulled.sites] == [s.id for s in mini.sites if s.id != "kel-satu"]
    assert len(pulled.links) == len(mini.links) - 2


def test_cable_between_unsupported_terminations_is_a_warning(records: dict[Kind, list[dict[str, Any]]]) -> None:
    cable = next(c for c in records[Kind.CABLE] if c["custom_fields"]["kotanet_id"] == "ll-dc--drc")
    cable["b_terminations"] = [{"object_type": "dcim.powerport", "object_id": 1, "object": {"id": 1}}]
    pulled = from_netbox(records)
    assert pulled.warnings == ["cable ll-dc--drc: unsupported terminations dcim.interface - dcim.powerport"]
    assert "ll-dc--drc" not in {lk.id for lk in pulled.links}


def test_a_city_netbox_without_kotanet_fields(records: dict[Kind, list[dict[str, Any]]]) -> None:
    """Objects kotanet did not make: no kotanet_* custom fields. Types and statuses still map."""
    plain = copy.deepcopy(records)
    for recs in plain.values():
        for r in recs:
            cfs = r.get("custom_fields") or {}
            kind = cfs.get("kotanet_site_kind")
            r["custom_fields"] = {"kotanet_site_kind": kind} if kind else {}
    pulled = from_netbox(plain)
    radio_id = plain[Kind.WIRELESS_LINK][0]["id"]
    assert pulled.warnings == ["cable ll-dc--drc: cable type 'unset' is neither fibre nor a kotanet leased line",
                               f"wireless link wireless-{radio_id}: no frequency in the 2.4 or 5.8 GHz band "
                               "(kotanet_radio_frequency_mhz)"]
    kinds = {itf.name: itf.kind.value for d in pulled.devices for itf in d.interfaces if d.id == "bts-01-r1"}
    assert kinds == {"sfp1": "optical", "wlan1": "wireless"}
    fibre = next(lk for lk in pulled.links if lk.id == "fo-dc--kec-tengah")
    assert fibre.fibre is not None and fibre.fibre.length_km == 1.2 and fibre.fibre.cores == 12


# ------------------------------------------------------------------ tokens and refusals


def test_token_versions() -> None:
    assert token_version("nbt_AbC123.s3cr3t") == 2 and auth_header("nbt_AbC123.s3cr3t") == "Bearer nbt_AbC123.s3cr3t"
    assert token_version("0123456789abcdef0123456789abcdef01234567") == 1
    assert auth_header("0123456789abcdef") == "Token 0123456789abcdef"
    assert token_version("nbt_nodot") == 1


class _FakeRequestError:
    def __init__(self, body: Any) -> None:
        self.error = json.dumps(body)


def test_a_bulk_refusal_names_the_object_and_the_field() -> None:
    # NetBox 4.7.3's answer to a bulk POST with one bad object (seen in the service tests)
    body47 = {"detail": "1 of 3 objects could not be created.",
              "errors": [{"index": 1, "errors": {"serial": ["Ensure this field has no more than 50 characters."]}}]}
    # older NetBox: a list aligned with the objects sent
    body_list = [{}, {"serial": ["Ensure this field has no more than 50 characters."]}, {}]
    for body in (body47, body_list):
        err = _rejected(Kind.DEVICE, Op.CREATE, _FakeRequestError(body), ["a-r1", "b-r1", "c-r1"], Lang.EN)
        assert isinstance(err, RejectedError)
        assert err.message == "NetBox refused to create device b-r1: serial: Ensure this field has no more than " \
                              "50 characters."
    err_id = _rejected(Kind.SITE, Op.UPDATE, _FakeRequestError({"slug": ["bad"]}), ["dc"], Lang.ID)
    assert err_id.message == "NetBox menolak memperbarui site dc: slug: bad"


# ------------------------------------------------------------------ kotanet_order: stable under edits


def _orders(desired: dict[Kind, dict[Any, Any]], kind: Kind) -> dict[str, int]:
    return {"/".join(k): d.payload["custom_fields"]["kotanet_order"] for k, d in desired[kind].items()}


def _netbox_with(orders: dict[str, int]) -> Existing:
    ex = Existing()
    ex.add(Kind.REGION, [{"id": i + 1, "slug": slug, "tags": [{"slug": "kotanet"}],
                          "custom_fields": {"kotanet_order": v}} for i, (slug, v) in enumerate(orders.items())])
    return ex


def _regions(*ids: str) -> Inventory:
    return Inventory(settings=Settings(name="x"), regions=[Region(id=i, name=i.upper()) for i in ids])


def test_order_on_an_empty_netbox_leaves_gaps() -> None:
    d = stable_order(desired_state(_regions("a", "b", "c")), Existing())
    assert _orders(d, Kind.REGION) == {"a": 1024, "b": 2048, "c": 3072}


def test_removing_or_inserting_one_record_renumbers_nothing_else() -> None:
    ex = _netbox_with({"a": 1024, "b": 2048, "c": 3072})
    assert _orders(stable_order(desired_state(_regions("a", "c")), ex), Kind.REGION) == {"a": 1024, "c": 3072}
    assert _orders(stable_order(desired_state(_regions("a", "n", "b", "c")), ex), Kind.REGION) == {
        "a": 1024, "n": 1536, "b": 2048, "c": 3072}
    assert _orders(stable_order(desired_state(_regions("n", "a", "b", "c", "z")), ex), Kind.REGION) == {
        "n": 0, "a": 1024, "b": 2048, "c": 3072, "z": 4096}
    moved = _orders(stable_order(desired_state(_regions("c", "a", "b")), ex), Kind.REGION)
    assert moved == {"c": 0, "a": 1024, "b": 2048}  # one record moves; the others keep theirs


def test_no_room_between_neighbours_renumbers_the_list() -> None:
    ex = _netbox_with({"a": 1, "b": 2})
    assert _orders(stable_order(desired_state(_regions("a", "n", "b")), ex), Kind.REGION) == {
        "a": 1024, "n": 2048, "b": 3072}


def test_a_refused_bulk_delete_names_the_object() -> None:
    body = {"detail": "1 of 2 objects could not be deleted.",
            "errors": [{"id": 12, "errors": ["Unable to delete object: 1 dependent objects prevent deletion."]}]}
    err = _rejected(Kind.SITE, Op.DELETE, _FakeRequestError(body), ["kel-a", "kel-b"], Lang.EN, [11, 12])
    assert err.message == "NetBox refused to delete site kel-b: Unable to delete object: 1 dependent objects " \
                          "prevent deletion."
