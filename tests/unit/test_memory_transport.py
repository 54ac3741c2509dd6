"""Every device of every route of the Bogor plan, through the CLI transport's logic over the simulated shells
(`MemoryFleet`): the diff is not empty, the commit applies, the same candidate again is a no-op, and the
rollback gives back the exact config from before. Retired radios, kept backups and the RouterOS inverse
commands (removed interface templates in the middle of a list, re-added logging actions) all come through."""

from __future__ import annotations

from functools import cache

import pytest

from kotanet.inventory.models import Inventory
from kotanet.inventory.source import open_inventory
from kotanet.playbooks.memory_transport import MemoryFleet
from kotanet.playbooks.netmiko_transport import clean_running_config
from kotanet.playbooks.render import RenderedConfig, render_all

pytestmark = pytest.mark.unit


@cache
def bogor() -> Inventory:
    return open_inventory(None)


@cache
def routes(keep: bool) -> dict[str, dict[str, RenderedConfig]]:
    return render_all(bogor(), keep_radio_backup=keep)


def running(mf: MemoryFleet, device: str) -> str:
    return clean_running_config(mf.fleet.states[device].platform, mf.running_config(device))


@pytest.mark.parametrize("keep", [False, True], ids=["retire-radio", "keep-radio"])
def test_every_route_commits_is_idempotent_and_rolls_back_exactly(keep: bool) -> None:
    checked = 0
    for route, devices in routes(keep).items():
        mf = MemoryFleet(bogor(), list(devices))
        for device, rc in devices.items():
            before = running(mf, device)
            t = mf.transport(mf.endpoints[device])
            t.open()
            t.load_merge_candidate(rc.text)
            assert t.compare_config().strip(), f"route {route} {device}: empty diff"
            t.commit_config()
            assert running(mf, device) != before
            t.load_merge_candidate(rc.text)
            assert t.compare_config() == "", f"route {route} {device}: not idempotent"
            t.discard_config()
            t.rollback()
            assert running(mf, device) == before, f"route {route} {device}: rollback is not exact"
            t.close()
            checked += 1
    assert checked > 30


def test_a_routeros_route_pushed_twice_changes_nothing_the_second_time() -> None:
    # RouterOS scripts are not idempotent (a second `/ip address add` is refused, a second interface template is
    # a duplicate): the transport pushes only what the running config does not already hold
    devices = routes(False)["1"]
    mf = MemoryFleet(bogor(), list(devices))
    for device in ("inspektorat-r1", "inspektorat-cpe1"):
        t = mf.transport(mf.endpoints[device])
        t.open()
        t.load_merge_candidate(devices[device].text)
        t.commit_config()
        once = running(mf, device)
        t.load_merge_candidate(devices[device].text)
        t.commit_config()
        assert running(mf, device) == once
        assert once.count("/routing bfd configuration\nadd") <= 1
        t.close()
