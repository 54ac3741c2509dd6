"""`kotanet netbox push|diff|pull` against a real NetBox 4.7.3 (scripts/netbox-dev, a database of its own),
through the real command, on the full Kota Bogor dataset.

Order matters (one NetBox per module, as CI's budget wants): the tests share the NetBox and run top to
bottom; each states what it leaves behind."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from kotanet.inventory import Region, Tenant, YamlDirSource, embedded_path
from tests.conftest import _TEST_HOME, FIXED_NOW, run_kotanet
from tests.service.netbox_fixture import NetBox, netbox_server

pytestmark = pytest.mark.service

BOGOR = embedded_path()
NETBOX_FILES = ("regions.yaml", "tenants.yaml", "sites.yaml", "racks.yaml", "power_feeds.yaml", "devices.yaml",
                "links.yaml", "circuits.yaml")


@pytest.fixture(scope="module")
def nb() -> Iterator[NetBox]:
    with netbox_server("sync") as server:
        yield server


def _api(nb: NetBox, method: str, path: str, body: Any = None, **params: Any) -> Any:
    resp = requests.request(method, f"{nb.url}/api/{path}/", json=body, params=params, timeout=60,
                            headers={"Authorization": f"Token {nb.token_v1}", "Accept": "application/json"})
    assert resp.status_code < 300, resp.text
    return resp.json() if resp.content else None


def _all(nb: NetBox, path: str, **params: Any) -> list[dict[str, Any]]:
    body = _api(nb, "GET", path, limit=1000, **params)
    assert body["count"] == len(body["results"])  # every test NetBox here holds < 1,000 of each
    return list(body["results"])


def _kotanet(nb: NetBox, *args: str, token: str | None = None,
             timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return run_kotanet("netbox", *args, env=nb.env(token), timeout=timeout)


def _counts(out: str) -> dict[str, int]:
    return dict(json.loads(out)["counts"])


# ------------------------------------------------------------------ bad input, before anything is pushed


class _OldNetBox(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"netbox-version": "3.7.8", "django-version": "4.2"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def old_netbox() -> Iterator[str]:
    """NetBox 3.7 cannot be installed here; a loopback server answers /api/status/ as 3.7.8 does."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OldNetBox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _one_line_exit_2(r: subprocess.CompletedProcess[str], *, connected: bool = False) -> str:
    """Exit 2 and one error line; after a successful connection, the 'NetBox 4.7.3 at ...' line comes first."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    if connected:
        assert lines[0].startswith("NetBox 4.7.3 at "), r.stderr
        lines = lines[1:]
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_bad_token_url_unreachable_and_old_netbox_exit_2_with_one_line(nb: NetBox, old_netbox: str) -> None:
    bad_token = run_kotanet("netbox", "diff", env={"NETBOX_URL": nb.url, "NETBOX_TOKEN": "0" * 40})
    assert "refused the token" in _one_line_exit_2(bad_token)
    bad_v2 = run_kotanet("netbox", "diff", "--url", nb.url, "--token", "nbt_abc.def")
    assert "refused the token (HTTP 403" in _one_line_exit_2(bad_v2)
    wrong_url = run_kotanet("netbox", "diff", "--url", f"{nb.url}/nothing-here", "--token", nb.token_v2)
    assert "does not look like a NetBox API" in _one_line_exit_2(wrong_url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    unreachable = run_kotanet("netbox", "pull", "--out", "x", "--url", f"http://127.0.0.1:{dead}",
                              "--token", nb.token_v2)
    assert "cannot reach NetBox" in _one_line_exit_2(unreachable) and "connection refused" in unreachable.stderr
    old = run_kotanet("netbox", "push", "--url", old_netbox, "--token", nb.token_v2)
    assert "NetBox 3.7.8" in _one_line_exit_2(old) and "4.0 or newer" in old.stderr
    no_token = run_kotanet("netbox", "diff", "--url", nb.url, env={"NETBOX_TOKEN": ""})
    assert "no NetBox API token" in _one_line_exit_2(no_token)
    assert _all(nb, "dcim/sites") == []  # nothing was written


# ------------------------------------------------------------------ objects kotanet does not manage


def test_prepare_unmanaged_objects(nb: NetBox) -> None:
    """A city's own objects, made before kotanet arrives: no 'kotanet' tag."""
    region = _api(nb, "POST", "dcim/regions", {"name": "Luar Kota", "slug": "luar-kota"})
    site = _api(nb, "POST", "dcim/sites", {"name": "Gudang Arsip", "slug": "gudang-arsip", "region": region["id"]})
    tenant = _api(nb, "POST", "tenancy/tenants", {"name": "Dinas Lain", "slug": "dinas-lain"})
    maker = _api(nb, "POST", "dcim/manufacturers", {"name": "Ubiquiti", "slug": "ubiquiti"})
    dtype = _api(nb, "POST", "dcim/device-types", {"manufacturer": maker["id"], "model": "EdgeRouter X",
                                                   "slug": "edgerouter-x"})
    role = _api(nb, "POST", "dcim/device-roles", {"name": "Printer", "slug": "printer", "color": "ff0000"})
    dev = _api(nb, "POST", "dcim/devices", {"name": "arsip-r1", "site": site["id"], "device_type": dtype["id"],
                                            "role": role["id"], "tenant": tenant["id"]})
    _api(nb, "POST", "dcim/interface-templates", {"device_type": dtype["id"], "name": "eth0", "type": "1000base-t"})
    _UNMANAGED.update({"dcim/regions": region["id"], "dcim/sites": site["id"], "tenancy/tenants": tenant["id"],
                       "dcim/devices": dev["id"]})
    for path, oid in _UNMANAGED.items():
        _SNAPSHOT[path] = _api(nb, "GET", f"{path}/{oid}")


_UNMANAGED: dict[str, int] = {}
_UNMANAGED_DEVICES = ("arsip-r1",)
_SNAPSHOT: dict[str, Any] = {}


# ------------------------------------------------------------------ interrupted push, then a converging re-run


def test_interrupted_push_converges_then_second_push_is_zero(nb: NetBox) -> None:
    env = {**os.environ, **nb.env(), "KOTANET_NOW": FIXED_NOW, "KOTANET_HOME": _TEST_HOME, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "kotanet.cli", "netbox", "push"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            # an unknown filter value is an error, an unknown filter name is ignored: count all and subtract
            if _api(nb, "GET", "dcim/devices", limit=1)["count"] > len(_UNMANAGED_DEVICES):
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the push finished before it could be interrupted"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    partial = _api(nb, "GET", "dcim/devices", limit=1, tag="kotanet")["count"]
    assert partial > 0
    radio_total = sum(1 for lk in yaml.safe_load((BOGOR / "links.yaml").read_text())["links"]
                      if lk["medium"].startswith("radio"))
    assert _api(nb, "GET", "wireless/wireless-links", limit=1)["count"] < radio_total  # the last kind: not finished

    rerun = _kotanet(nb, "push", "--json")
    assert rerun.returncode == 0, rerun.stderr
    done = _counts(rerun.stdout)
    assert done["create"] > 0 and done["delete"] == 0

    second = _kotanet(nb, "push", "--json")
    assert second.returncode == 0, second.stderr
    assert _counts(second.stdout) == {"create": 0, "update": 0, "delete": 0}
    assert json.loads(second.stdout)["setup"] == []

    # what the dataset says, counted independently of kotanet's code: from the YAML files themselves
    devices = yaml.safe_load((BOGOR / "devices.yaml").read_text())["devices"]
    links = yaml.safe_load((BOGOR / "links.yaml").read_text())["links"]
    radio = [lk for lk in links if lk["medium"].startswith("radio")]
    assert len(_all(nb, "dcim/devices", tag="kotanet")) == len(devices)
    assert len(_all(nb, "wireless/wireless-links")) == len(radio)
    # fibre and leased lines are cables, and the internet circuit's termination is cabled to its interface
    assert len(_all(nb, "dcim/cables")) == len(links) - len(radio) + 1
    assert len(_all(nb, "ipam/ip-addresses")) == sum(len(i.get("addresses", [])) for d in devices
                                                       for i in d.get("interfaces", []))


def test_netbox_api_quirks_hold_for_what_was_pushed(nb: NetBox) -> None:
    dev = _all(nb, "dcim/devices", name="dc-core1")
    assert len(dev) == 1 and dev[0]["name"] == "dc-core1"  # assert on what comes back, not on the filter
    assert dev[0]["role"]["slug"] == "core-router"  # 'role', not the old 'device_role'
    assert dev[0]["device_type"]["model"] == "ASR1001-X" and dev[0]["platform"]["slug"] == "ios"
    assert dev[0]["custom_fields"]["kotanet_mgmt_ip"] == "10.20.0.1"
    cable = [c for c in _all(nb, "dcim/cables") if c["label"] == "fo-balaikota--dc"]
    assert len(cable) == 1
    assert cable[0]["length"] == 330 and cable[0]["length_unit"]["value"] == "m" and cable[0]["type"] == "smf"
    assert cable[0]["custom_fields"]["kotanet_fibre_cores"] == 48
    ends = {t["object"]["device"]["name"] for t in cable[0]["a_terminations"] + cable[0]["b_terminations"]}
    assert ends == {"balaikota-r1", "dc-core1"}
    wl = [w for w in _all(nb, "wireless/wireless-links")
          if w["custom_fields"]["kotanet_id"] == "r58-balaikota--bts-01"]
    assert len(wl) == 1 and wl[0]["distance"] == 940
    assert wl[0]["custom_fields"]["kotanet_radio_frequency_mhz"] == "5825.0"
    site = _all(nb, "dcim/sites", slug="dc")
    assert len(site) == 1 and site[0]["custom_fields"]["kotanet_site_kind"] == "data_centre"


def test_pull_gives_back_the_same_inventory(nb: NetBox, tmp_path: Path) -> None:
    out = tmp_path / "pulled"
    r = _kotanet(nb, "pull", "--out", str(out), "--policy", str(BOGOR))
    assert r.returncode == 0, r.stderr
    pulled = YamlDirSource(out).load()
    original = YamlDirSource(BOGOR).load()
    # the city's own objects are in NetBox too, but kotanet cannot map them: listed, skipped, and pull carries on
    assert "warning: skipped site gudang-arsip: unknown site kind None" in r.stderr
    assert "warning: skipped device arsip-r1: its site was not mapped" in r.stderr
    # pull reads every object it can map, managed or not: the city's own region and tenant come after Bogor's
    expected = original.model_copy(update={
        "regions": [*original.regions, Region(id="luar-kota", name="Luar Kota")],
        "tenants": [*original.tenants, Tenant(id="dinas-lain", name="Dinas Lain")]})
    assert pulled == expected
    for name in NETBOX_FILES:  # and byte for byte
        if name in ("regions.yaml", "tenants.yaml"):
            assert (out / name).read_text().startswith((BOGOR / name).read_text()), name
        else:
            assert (out / name).read_bytes() == (BOGOR / name).read_bytes(), name


def test_v1_and_v2_tokens_both_work(nb: NetBox) -> None:
    assert nb.token_v2.startswith("nbt_") and not nb.token_v1.startswith("nbt_")
    for token, version in ((nb.token_v1, 1), (nb.token_v2, 2)):
        r = _kotanet(nb, "diff", "--json", token=token)
        assert r.returncode == 0, r.stderr
        assert _counts(r.stdout) == {"create": 0, "update": 0, "delete": 0}
        assert f"(token v{version})" in r.stderr


def test_unmanaged_objects_are_untouched(nb: NetBox) -> None:
    for path, oid in _UNMANAGED.items():
        now = _api(nb, "GET", f"{path}/{oid}")
        before = _SNAPSHOT[path]
        assert now["last_updated"] == before["last_updated"], path
        assert now["tags"] == [] and now["name"] == before["name"]


# ------------------------------------------------------------------ diff, then push of a changed inventory


def _edited(tmp_path: Path) -> Path:
    d = tmp_path / "edited"
    shutil.copytree(BOGOR, d)
    sites = (d / "sites.yaml").read_text().replace("name: Kesbang\n", "name: Kesbangpol\n", 1)
    (d / "sites.yaml").write_text(sites)
    links = yaml.safe_load((d / "links.yaml").read_text())
    for lk in links["links"]:
        if lk["id"] == "fo-balaikota--dc":
            lk["fibre"]["length_km"] = 0.35
    policy = "".join((d / f).read_text() for f in ("migrations.yaml", "sla_targets.yaml", "maintenance.yaml"))
    gone = next(lk["id"] for lk in links["links"] if lk["medium"] == "radio_2_4ghz" and lk["id"] not in policy)
    links["links"] = [lk for lk in links["links"] if lk["id"] != gone]
    (d / "links.yaml").write_text(yaml.safe_dump(links, sort_keys=False, allow_unicode=True))
    _EDIT["gone"] = gone
    return d


_EDIT: dict[str, str] = {}


def _canonical(d: Path) -> Path:
    """The directory saved by kotanet's own canonical writer (PyYAML's dump above formats floats its way)."""
    out = d.parent / f"{d.name}-canonical"
    YamlDirSource(out).save(YamlDirSource(d).load())
    return out


def test_diff_lists_each_change_and_changes_nothing(nb: NetBox, tmp_path: Path) -> None:
    edited = _edited(tmp_path)
    before = _api(nb, "GET", "core/object-changes", limit=1)["count"]
    r = _kotanet(nb, "diff", str(edited))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "~ update site kesbang" in lines
    assert "    name: 'Kesbang' -> 'Kesbangpol'" in lines
    assert "~ update cable fo-balaikota--dc" in lines
    assert "    length: 330.0 -> 350.0" in lines
    assert f"- delete wireless link {_EDIT['gone']}" in lines
    assert lines[-1].startswith("push would make 3 changes: 0 to create, 2 to update, 1 to delete")
    assert _api(nb, "GET", "core/object-changes", limit=1)["count"] == before  # nothing was written

    pushed = _kotanet(nb, "push", str(edited), "--json")
    assert pushed.returncode == 0, pushed.stderr
    assert _counts(pushed.stdout) == {"create": 0, "update": 2, "delete": 1}
    out = tmp_path / "pulled"
    assert _kotanet(nb, "pull", "--out", str(out), "--policy", str(edited)).returncode == 0
    assert (out / "links.yaml").read_bytes() == _canonical(edited).joinpath("links.yaml").read_bytes()
    assert (out / "sites.yaml").read_bytes() == (edited / "sites.yaml").read_bytes()
    back = _kotanet(nb, "push", "--json")  # and back to the dataset
    assert _counts(back.stdout) == {"create": 1, "update": 2, "delete": 0}


# ------------------------------------------------------------------ a push NetBox refuses halfway


def test_refused_push_names_object_and_field_and_a_rerun_converges(nb: NetBox, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(BOGOR, bad)
    devices = yaml.safe_load((bad / "devices.yaml").read_text())
    devices["devices"].append({"id": "kel-baru-r1", "site": "balaikota", "role": "access_router",
                               "platform": "routeros", "serial": "S" * 60})
    (bad / "devices.yaml").write_text(yaml.safe_dump(devices, sort_keys=False, allow_unicode=True))
    sites = yaml.safe_load((bad / "sites.yaml").read_text())
    sites["sites"].append({"id": "kel-baru", "name": "Kel. Baru", "kind": "kelurahan", "latitude": -6.6,
                           "longitude": 106.8})
    (bad / "sites.yaml").write_text(yaml.safe_dump(sites, sort_keys=False, allow_unicode=True))
    r = _kotanet(nb, "push", str(bad))
    line = _one_line_exit_2(r, connected=True)
    assert "NetBox refused to create device kel-baru-r1: serial:" in line and "50 characters" in line
    assert len(_all(nb, "dcim/sites", slug="kel-baru")) == 1  # what came before the device stays

    devices["devices"][-1]["serial"] = "S" * 20
    (bad / "devices.yaml").write_text(yaml.safe_dump(devices, sort_keys=False, allow_unicode=True))
    fixed = _kotanet(nb, "push", str(bad), "--json")
    assert fixed.returncode == 0, fixed.stderr
    assert _counts(fixed.stdout) == {"create": 1, "update": 0, "delete": 0}
    again = _kotanet(nb, "push", str(bad), "--json")
    assert _counts(again.stdout) == {"create": 0, "update": 0, "delete": 0}
    restore = _kotanet(nb, "push", "--json")  # the device and site leave with the inventory
    assert _counts(restore.stdout) == {"create": 0, "update": 0, "delete": 2}


# ------------------------------------------------------------------ a city's device type with interface templates


def test_interfaces_made_by_a_device_type_template_are_adopted(nb: NetBox, tmp_path: Path) -> None:
    """NetBox makes eth0 on a new device from the city's EdgeRouter X template; push adopts it, no duplicate."""
    d = tmp_path / "with-er"
    shutil.copytree(BOGOR, d)
    devices = yaml.safe_load((d / "devices.yaml").read_text())
    devices["devices"].append({"id": "balaikota-er1", "site": "balaikota", "role": "switch", "platform": "routeros",
                               "model": "EdgeRouter X", "manufacturer": "Ubiquiti",
                               "interfaces": [{"name": "eth0", "description": "uplink"}, {"name": "eth1"}]})
    (d / "devices.yaml").write_text(yaml.safe_dump(devices, sort_keys=False, allow_unicode=True))
    r = _kotanet(nb, "push", str(d), "--json")
    assert r.returncode == 0, r.stderr
    again = _kotanet(nb, "push", str(d), "--json")
    assert _counts(again.stdout) == {"create": 0, "update": 0, "delete": 0}
    itfs = _all(nb, "dcim/interfaces", device="balaikota-er1")
    assert sorted((i["device"]["name"], i["name"], i["description"], [t["slug"] for t in i["tags"]])
                  for i in itfs) == [("balaikota-er1", "eth0", "uplink", ["kotanet"]),
                                     ("balaikota-er1", "eth1", "", ["kotanet"])]
    dtype = _all(nb, "dcim/device-types", model="EdgeRouter X")
    assert len(dtype) == 1 and dtype[0]["tags"] == []  # the city's device type was used as found
    back = _kotanet(nb, "push", "--json")
    assert _counts(back.stdout) == {"create": 0, "update": 0, "delete": 3}


# ------------------------------------------------------------------ an unmanaged object with kotanet's key


def test_conflict_with_an_unmanaged_object_refuses_unless_adopt(nb: NetBox, tmp_path: Path) -> None:
    d = tmp_path / "with-arsip"
    shutil.copytree(BOGOR, d)
    sites = yaml.safe_load((d / "sites.yaml").read_text())
    sites["sites"].append({"id": "gudang-arsip", "name": "Gudang Arsip", "kind": "department",
                           "latitude": -6.6, "longitude": 106.8})
    (d / "sites.yaml").write_text(yaml.safe_dump(sites, sort_keys=False, allow_unicode=True))
    r = _kotanet(nb, "push", str(d))
    line = _one_line_exit_2(r, connected=True)
    site_id = _UNMANAGED["dcim/sites"]
    assert f"site gudang-arsip (NetBox id {site_id}) exists in NetBox without the 'kotanet' tag" in line
    assert "--adopt" in line
    assert _api(nb, "GET", f"dcim/sites/{_UNMANAGED['dcim/sites']}")["last_updated"] == \
        _SNAPSHOT["dcim/sites"]["last_updated"]
    adopted = _kotanet(nb, "push", str(d), "--adopt", "--json")
    assert adopted.returncode == 0, adopted.stderr
    assert _counts(adopted.stdout) == {"create": 0, "update": 1, "delete": 0}
    site = _api(nb, "GET", f"dcim/sites/{_UNMANAGED['dcim/sites']}")
    assert [t["slug"] for t in site["tags"]] == ["kotanet"]
    assert site["custom_fields"]["kotanet_site_kind"] == "department"
    assert site["region"] is None  # kotanet's record has no region: it manages the site now
    # now kotanet manages the site, but the city's own device stands on it: NetBox refuses the delete, kotanet
    # names the site, and the device is untouched
    blocked = _kotanet(nb, "push")
    line = _one_line_exit_2(blocked, connected=True)
    assert "NetBox refused to delete site gudang-arsip" in line
    assert _api(nb, "GET", f"dcim/devices/{_UNMANAGED['dcim/devices']}")["last_updated"] == \
        _SNAPSHOT["dcim/devices"]["last_updated"]
