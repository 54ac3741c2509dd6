"""The monitors against the twin: the lab's address map, and entering its NOC namespace to probe from.

`Twin.up` writes `addresses.json` in the lab's state directory: each routing device's loopback and SNMP port,
the Linux ifIndex of each inventory interface that has a veth, and the NOC namespace's name. `kotanet monitor
run --lab` reads it as an exclusive AddressMap (access points, switches, servers and the e-government services
are not in the twin, so they are not probed at their real addresses), then moves the process into the NOC
namespace before any socket is opened.
"""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path

from kotanet.errors import KotanetError
from kotanet.i18n import t
from kotanet.lab.twin import ADDRESSES_FILE
from kotanet.lang import Lang
from kotanet.monitors.poller import AddressMap

__all__ = ["CLONE_NEWNET", "LabAddresses", "enter_netns", "load_lab_addresses"]

CLONE_NEWNET = 0x40000000


class LabAddresses:
    def __init__(self, addresses: AddressMap, noc_namespace: str, community: str) -> None:
        self.addresses = addresses
        self.noc_namespace = noc_namespace
        self.community = community


def load_lab_addresses(state_dir: Path, lang: Lang = Lang.EN) -> LabAddresses:
    """The running twin's address map; a KotanetError (one line) when no twin runs from `state_dir`."""
    path = state_dir / ADDRESSES_FILE
    if not path.exists():
        raise KotanetError(t("lab.mon.no_twin", lang, state_dir=str(state_dir)), hint=t("lab.mon.no_twin.fix", lang))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        devices = {str(k): (str(v[0]), int(v[1])) for k, v in data["devices"].items()}
        ifindexes = {(str(d), str(i)): int(n) for d, i, n in data["ifindexes"]}
        noc = str(data["noc_namespace"])
        community = str(data.get("community", "public"))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise KotanetError(t("lab.mon.bad_map", lang, path=str(path), error=str(exc)),
                           hint=t("lab.mon.no_twin.fix", lang)) from None
    if not Path(f"/run/netns/{noc}").exists():
        raise KotanetError(t("lab.mon.no_twin", lang, state_dir=str(state_dir)), hint=t("lab.mon.no_twin.fix", lang))
    return LabAddresses(AddressMap(devices=devices, ifindexes=ifindexes, exclusive=True), noc, community)


def enter_netns(name: str, lang: Lang = Lang.EN) -> None:
    """Move this thread (call it from the main thread before any other thread or socket exists) into the
    network namespace `name`. Needs root."""
    if os.geteuid() != 0:
        raise KotanetError(t("lab.mon.not_root", lang), hint=t("lab.mon.not_root.fix", lang))
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise KotanetError(t("lab.mon.setns_failed", lang, ns=name, error=os.strerror(err)),
                               hint=t("lab.mon.not_root.fix", lang))
    finally:
        os.close(fd)
