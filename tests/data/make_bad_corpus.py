"""Regenerate tests/data/bad/: malformed inventories made from tests/data/mini by one mutation each.

Each case folder holds a whole inventory (or CSV files) and case.yaml with:
  command: validate | import-csv
  expect:  substrings the one-line error must contain (written by hand here, not computed)
  token:   text that must appear on the line the error names (checks the line number is right)
Run: .venv/bin/python tests/data/make_bad_corpus.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).parent
MINI = HERE / "mini"
BAD = HERE / "bad"

# name: (file, old, new, expect, token[, count])  -- old is replaced by new once in file.
EDITS: dict[str, tuple[str, str, str, list[str], str | None]] = {
    "yaml-bad-indent": ("sites.yaml", "  name: DRC\n", "   name: DRC\n", ["sites.yaml:", "YAML syntax error"], None),
    "yaml-unclosed-quote": ("sites.yaml", "name: Kel. Satu", "name: \"Kel. Satu", ["sites.yaml:", "YAML syntax"],
                            None),
    "yaml-tab-indent": ("regions.yaml", "  name: Utara", "\tname: Utara", ["regions.yaml:", "YAML syntax"], None),
    "collection-not-list": ("regions.yaml", "regions:\n- id: tengah\n  name: Tengah\n- id: utara\n  name: Utara\n",
                            "regions:\n  tengah: Tengah\n", ["regions.yaml:", "must be a list"], "regions:"),
    "wrong-top-key": ("racks.yaml", "racks:", "rack:", ["racks.yaml:1", "one top-level key 'racks:'"], "rack:"),
    "settings-not-mapping": ("inventory.yaml", "name: Mini city", "- name: Mini city\n- x: 1\nfoo:",
                             ["inventory.yaml"], None),
    "missing-field-name": ("sites.yaml", "- id: drc\n  name: DRC\n", "- id: drc\n",
                           ["sites.yaml:", "sites[1].name", "required field is missing"], "id: drc"),
    "latitude-not-number": ("sites.yaml", "latitude: -6.594", "latitude: north",
                            ["sites.yaml:", "sites[0].latitude", "valid number"], "latitude: north"),
    "latitude-out-of-range": ("sites.yaml", "latitude: -6.594", "latitude: -96.0",
                              ["sites.yaml:", "sites[0].latitude", "greater than or equal to -90"], "latitude: -96"),
    "coordinates-outside-city": ("sites.yaml", "longitude: 106.81", "longitude: 107.5",
                                 ["sites.yaml:", "outside the inventory's bounds"], None),
    "unknown-site-kind": ("sites.yaml", "kind: tower", "kind: school",
                          ["sites.yaml:", "sites[3].kind", "'tower'"], "kind: school"),
    "unknown-field": ("sites.yaml", "  tier: I\n", "  tier: I\n  colour: red\n",
                      ["sites.yaml:", "sites[0].colour", "remove the field"], "colour: red"),
    "dangling-region": ("sites.yaml", "  region: utara\n", "  region: utra\n",
                        ["sites.yaml:", "unknown region 'utra'", "did you mean 'utara'"], "region: utra"),
    "dangling-tenant": ("sites.yaml", "  tenant: kominfo\n", "  tenant: kominf0\n",
                        ["sites.yaml:", "unknown tenant 'kominf0'"], "tenant: kominf0"),
    "device-unknown-site": ("devices.yaml", "  site: drc\n", "  site: drx\n",
                            ["devices.yaml:", "devices[1].site", "unknown site 'drx'"], "site: drx"),
    "link-unknown-device": ("links.yaml", "    device: drc-r1\n", "    device: drc-r9\n",
                            ["links.yaml:", "unknown device 'drc-r9'"], "device: drc-r9"),
    "link-unknown-interface": ("links.yaml", "    interface: ge-0/0/0\n", "    interface: ge-0/0/7\n",
                               ["links.yaml:", "unknown interface on drc-r1 'ge-0/0/7'"], "ge-0/0/7"),
    "duplicate-site-id": ("sites.yaml", "- id: drc\n", "- id: dc\n",
                          ["sites.yaml:", "duplicate site id 'dc'"], "id: dc"),
    "duplicate-device-id": ("devices.yaml", "- id: drc-r1\n", "- id: dc-r1\n",
                            ["devices.yaml:", "duplicate device id 'dc-r1'"], "id: dc-r1"),
    "duplicate-interface": ("devices.yaml", "  - name: Gi0/0/1\n", "  - name: Gi0/0/0\n",
                            ["devices.yaml:", "duplicate interface 'Gi0/0/0' on dc-r1"], "Gi0/0/0"),
    "duplicate-yaml-key": ("sites.yaml", "  name: DRC\n", "  name: DRC\n  name: DRC two\n",
                           ["sites.yaml:", "duplicate key"], "name: DRC two"),
    "ip-conflict-interface": ("devices.yaml", "    - 10.30.0.10/30\n", "    - 10.30.0.9/30\n",
                              ["devices.yaml:", "IP address conflict: 10.30.0.9"], "10.30.0.9/30"),
    "ip-conflict-mgmt": ("devices.yaml", "mgmt_ip: 10.20.0.5", "mgmt_ip: 10.20.0.4",
                         ["devices.yaml:", "IP address conflict: 10.20.0.4"], "mgmt_ip: 10.20.0.4"),
    "ip-bad-syntax": ("devices.yaml", "10.30.0.6/30", "10.30.0.300/30",
                      ["devices.yaml:", "addresses[0]", "IPv4"], "10.30.0.300/30"),
    "medium-band-mismatch": ("links.yaml", "  medium: radio_2_4ghz\n", "  medium: radio_5_8ghz\n",
                             ["links.yaml:", "2437.0 MHz is outside the radio_5_8ghz band"], "frequency_mhz"),
    "radio-without-attrs": ("links.yaml", "  radio:\n    frequency_mhz: 2437.0\n", "",
                            ["links.yaml:", "needs its radio attributes"], "id: r24-bts-01--kel-satu"),
    "fibre-with-radio-attrs": ("links.yaml", "    splices: 2\n", "    splices: 2\n  radio:\n    frequency_mhz: 5800\n",
                               ["links.yaml:", "fibre link cannot have radio attributes"], "radio:"),
    "migration-retires-missing-link": ("migrations.yaml", "  - r24-bts-01--kel-satu\n", "  - r24-bts-02--kel-satu\n",
                                       ["migrations.yaml:", "retires a link that does not exist",
                                        "'r24-bts-02--kel-satu'"], "r24-bts-02--kel-satu"),
    "migration-unknown-site": ("migrations.yaml", "  b_site: kel-satu\n", "  b_site: kel-sat\n",
                               ["migrations.yaml:", "route 1", "unknown site"], "b_site: kel-sat"),
    "migration-unquoted-id": ("migrations.yaml", "- id: '1'\n", "- id: 1\n",
                              ["migrations.yaml:", "migrations[0].id", "quote it"], "id: 1"),
    "migration-self-dependency": ("migrations.yaml", "  action: replace_radio\n",
                                  "  action: replace_radio\n  depends_on:\n  - '1'\n",
                                  ["migrations.yaml:", "depends on itself"], "- '1'"),
    "migration-unknown-dependency": ("migrations.yaml", "  action: replace_radio\n",
                                     "  action: replace_radio\n  depends_on:\n  - '9'\n",
                                     ["migrations.yaml:", "unknown route '9'"], "- '9'"),
    "migration-replace-without-retires": ("migrations.yaml", "  retires:\n  - r24-bts-01--kel-satu\n", "",
                                          ["migrations.yaml:", "needs the radio link it retires"], "id: '1'"),
    "date-invalid": ("devices.yaml", "install_date: 2014-03-01", "install_date: 2014-13-01",
                     ["devices.yaml:", "devices[0].install_date"], "install_date: 2014-13-01"),
    "end-of-support-before-install": ("devices.yaml", "end_of_support: 2025-12-31", "end_of_support: 2010-12-31",
                                      ["devices.yaml:", "end of support is before the install date"],
                                      "end_of_support: 2010-12-31"),
    "rack-position-too-high": ("devices.yaml", "rack_position: 10", "rack_position: 42\n  rack_units: 2",
                               ["devices.yaml:", "does not fit rack 'dc-rack-a'"], "rack_position: 42"),
    "maintenance-end-before-start": ("maintenance.yaml", "end: 2026-10-05 03:00:00+07:00",
                                     "end: 2026-10-04 03:00:00+07:00",
                                     ["maintenance.yaml:", "end must be after start"], "id: mw-1"),
    "maintenance-no-offset": ("maintenance.yaml", "start: 2026-10-05 01:00:00+07:00", "start: 2026-10-05 01:00:00",
                              ["maintenance.yaml:", "need a UTC offset"], "id: mw-1"),
    "sla-unknown-ref": ("sla_targets.yaml", "  ref: website\n", "  ref: websit\n",
                        ["sla_targets.yaml:", "unknown service 'websit'", "did you mean 'website'"], "ref: websit"),
    "sla-bad-timezone": ("sla_targets.yaml", "  objective: 95.0\n", "  objective: 95.0\n  timezone: Asia/Bogor\n",
                         ["sla_targets.yaml:", "unknown time zone 'Asia/Bogor'"], "timezone: Asia/Bogor"),
    "sla-objective-and-preset": ("sla_targets.yaml", "  preset: masterplan\n",
                                 "  preset: masterplan\n  objective: 99\n",
                                 ["sla_targets.yaml:", "either objective or preset"], "id: website"),
    "service-bad-url": ("services.yaml", "url: https://www.example.go.id/", "url: www.example.go.id",
                        ["services.yaml:", "services[0].url"], "url: www.example.go.id"),
    "interface-shared-by-two-links": ("links.yaml", "    interface: Gi0/0/1\n", "    interface: Gi0/0/0\n",
                                      ["links.yaml:", "already used by active link fo-dc--kec-tengah"], "Gi0/0/0"),
    "link-subnet-mismatch": ("devices.yaml", "    - 10.30.0.2/30\n", "    - 10.30.0.14/30\n",
                             ["links.yaml:", "not in one subnet"], "interface: sfp1"),
    "settings-bad-timezone": ("inventory.yaml", "name: Mini city\n", "name: Mini city\ntimezone: Mars/Base\n",
                              ["inventory.yaml:", "unknown time zone 'Mars/Base'"], "timezone: Mars/Base"),
    "settings-missing-name": ("inventory.yaml", "name: Mini city\n", "", ["inventory.yaml:", "name",
                                                                           "required field is missing"], None),
}

CSV_CASES: dict[str, tuple[str, str, list[str], str | None]] = {
    # name: (csv file name, csv text, expect, token)
    "csv-wrong-header": ("sites.csv", "id,name,kind,lat,longitude\nx,X,kelurahan,-6.6,106.8\n",
                         ["sites.csv:1", "unknown column(s) lat", "missing column(s) latitude"], "lat"),
    "csv-bad-cell": ("sites.csv", "id,name,kind,latitude,longitude\nkel-dua,Kel. Dua,kelurahan,abc,106.8\n",
                     ["sites.csv:2", "latitude"], "abc"),
    "csv-cell-count": ("devices.csv", "id,site,role,platform\nx-r1,dc,access_router\n",
                       ["devices.csv:2", "3 cells, the header has 4"], "x-r1"),
    "csv-dangling-region": ("sites.csv",
                            "id,name,kind,region,latitude,longitude\nkel-dua,Kel. Dua,kelurahan,selatan,-6.6,106.8\n",
                            ["unknown region 'selatan'"], None),
    "csv-unknown-role": ("devices.csv", "id,site,role,platform\nx-r1,dc,toaster,ios\n",
                         ["devices.csv:2", "role"], "toaster"),
}


def main() -> None:
    if BAD.exists():
        shutil.rmtree(BAD)
    for name, (fname, old, new, expect, token) in EDITS.items():
        case = BAD / name
        shutil.copytree(MINI, case)
        path = case / fname
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"{name}: {old!r} not found in {fname}")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        (case / "case.yaml").write_text(yaml.safe_dump({"command": "validate", "expect": expect, "token": token},
                                                       sort_keys=False, allow_unicode=True), encoding="utf-8")
    # two cases no text edit can make
    case = BAD / "missing-settings-file"
    shutil.copytree(MINI, case)
    (case / "inventory.yaml").unlink()
    (case / "case.yaml").write_text(yaml.safe_dump({"command": "validate", "expect": ["inventory.yaml", "missing"],
                                                    "token": None}, sort_keys=False), encoding="utf-8")
    case = BAD / "not-utf8"
    shutil.copytree(MINI, case)
    (case / "regions.yaml").write_bytes(b"regions:\n- id: tengah\n  name: Teng\xe1h\n")
    (case / "case.yaml").write_text(yaml.safe_dump({"command": "validate", "expect": ["regions.yaml", "UTF-8"],
                                                    "token": None}, sort_keys=False), encoding="utf-8")
    for name, (fname, text, expect, token) in CSV_CASES.items():
        case = BAD / name
        shutil.copytree(MINI, case / "inventory")
        (case / fname).write_text(text, encoding="utf-8")
        (case / "case.yaml").write_text(yaml.safe_dump({"command": "import-csv", "csv": fname, "expect": expect,
                                                        "token": token}, sort_keys=False), encoding="utf-8")
    print(f"wrote {len(list(BAD.iterdir()))} cases to {BAD}")


if __name__ == "__main__":
    main()
