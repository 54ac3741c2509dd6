"""The lab's address map as the monitors read it: exclusive (nothing outside the twin is probed) and with the
twin's real ifIndexes. Pure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kotanet.errors import KotanetError
from kotanet.inventory.source import open_inventory
from kotanet.lab.monitor import load_lab_addresses
from kotanet.monitors.poller import AddressMap, plan_probes
from kotanet.monitors.probe import ProbeKind
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

MINI = ROOT / "tests" / "data" / "mini"


def test_an_exclusive_map_probes_only_its_devices_with_its_ifindexes() -> None:
    inv = open_inventory(MINI)
    amap = AddressMap(devices={"dc-r1": ("10.99.0.1", 161), "bts-01-r1": ("10.99.0.4", 161)},
                      ifindexes={("dc-r1", "Gi0/0/1"): 7, ("bts-01-r1", "sfp1"): 9}, exclusive=True)
    plan = plan_probes(inv, amap)
    hosts = {(s.target, s.kind): s.address for s in plan.specs}
    assert hosts == {("device:dc-r1", ProbeKind.ICMP): "10.99.0.1", ("device:dc-r1", ProbeKind.SNMP): "10.99.0.1",
                     ("device:bts-01-r1", ProbeKind.ICMP): "10.99.0.4",
                     ("device:bts-01-r1", ProbeKind.SNMP): "10.99.0.4"}
    assert not any(s.kind is ProbeKind.HTTP for s in plan.specs)  # the services are not in the twin
    assert plan.link_ends == {"link:fo-dc--bts-01": (("dc-r1", 7), ("bts-01-r1", 9))}
    snmp = next(s for s in plan.specs if s.target == "device:dc-r1" and s.kind is ProbeKind.SNMP)
    assert snmp.params["ifindexes"] == "7"
    assert set(plan.site_devices) == {"site:dc", "site:bts-01"}


def test_a_non_exclusive_map_keeps_the_inventory_addresses_and_positions() -> None:
    inv = open_inventory(MINI)
    plan = plan_probes(inv, AddressMap(devices={"dc-r1": ("10.99.0.1", 161)}))
    hosts = {s.target: s.address for s in plan.specs if s.kind is ProbeKind.ICMP}
    assert hosts["device:dc-r1"] == "10.99.0.1"
    assert hosts["device:kel-satu-r1"] == "10.20.0.5"
    assert plan.link_ends["link:fo-dc--bts-01"] == (("dc-r1", 2), ("bts-01-r1", 1))
    assert any(s.kind is ProbeKind.HTTP for s in plan.specs)


def test_no_twin_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KotanetError, match="no lab twin is running"):
        load_lab_addresses(tmp_path)
    (tmp_path / "addresses.json").write_text(json.dumps({"devices": {}}), encoding="utf-8")
    with pytest.raises(KotanetError, match="cannot be read"):
        load_lab_addresses(tmp_path)
    (tmp_path / "addresses.json").write_text(json.dumps(
        {"devices": {"dc-r1": ["10.20.0.1", 161]}, "ifindexes": [["dc-r1", "Gi0/0/0", 2]],
         "noc_namespace": "zz-no-such-namespace"}), encoding="utf-8")
    with pytest.raises(KotanetError, match="no lab twin is running"):
        load_lab_addresses(tmp_path)
