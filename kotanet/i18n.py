"""The one catalogue of user-facing strings, in English and Bahasa Indonesia.

Every CLI and report string goes through `t(key, lang, **values)`. A test checks that both languages
have every key and the same placeholders.
"""

from __future__ import annotations

from enum import StrEnum
from string import Formatter

__all__ = ["CATALOGUE", "Lang", "t"]


class Lang(StrEnum):
    EN = "en"
    ID = "id"


CATALOGUE: dict[str, dict[Lang, str]] = {
    "inventory.valid": {
        Lang.EN: "{source}: valid ({sites} sites, {devices} devices, {links} links, {migrations} migrations)",
        Lang.ID: "{source}: valid ({sites} lokasi, {devices} perangkat, {links} tautan, {migrations} migrasi)",
    },
    "inventory.invalid": {
        Lang.EN: "{count} problem(s) found in {source}",
        Lang.ID: "{count} masalah ditemukan di {source}",
    },
    "inventory.title": {Lang.EN: "Inventory: {name}", Lang.ID: "Inventaris: {name}"},
    "inventory.totals": {Lang.EN: "Totals", Lang.ID: "Jumlah"},
    "inventory.by_kind": {Lang.EN: "Sites by kind", Lang.ID: "Lokasi menurut jenis"},
    "inventory.by_medium": {Lang.EN: "Links by medium and status", Lang.ID: "Tautan menurut media dan status"},
    "inventory.by_role": {Lang.EN: "Devices by role", Lang.ID: "Perangkat menurut peran"},
    "inventory.eos": {
        Lang.EN: "{count} device(s) past end of support on {date}",
        Lang.ID: "{count} perangkat sudah melewati masa dukungan pada {date}",
    },
    "inventory.exported": {Lang.EN: "wrote {what} to {path}", Lang.ID: "{what} ditulis ke {path}"},
    "inventory.initialised": {
        Lang.EN: "copied the embedded {name} dataset to {path}; edit it, then run: kotanet inventory validate {path}",
        Lang.ID: "dataset bawaan {name} disalin ke {path}; sunting, lalu jalankan: kotanet inventory validate {path}",
    },
    "inventory.imported": {
        Lang.EN: "imported {sites} site row(s) and {devices} device row(s) into {path}",
        Lang.ID: "{sites} baris lokasi dan {devices} baris perangkat diimpor ke {path}",
    },
    "init.exists": {
        Lang.EN: "{path} already exists and is not empty",
        Lang.ID: "{path} sudah ada dan tidak kosong",
    },
    "init.exists.fix": {
        Lang.EN: "choose a new directory, or pass --force to overwrite",
        Lang.ID: "pilih direktori baru, atau gunakan --force untuk menimpa",
    },
    "export.bad_format": {
        Lang.EN: "unknown format {fmt!r}",
        Lang.ID: "format {fmt!r} tidak dikenal",
    },
    "export.bad_format.fix": {Lang.EN: "use yaml, csv or json", Lang.ID: "gunakan yaml, csv atau json"},
    "import.nothing": {
        Lang.EN: "nothing to import",
        Lang.ID: "tidak ada yang diimpor",
    },
    "import.nothing.fix": {
        Lang.EN: "pass --sites FILE and/or --devices FILE",
        Lang.ID: "berikan --sites FILE dan/atau --devices FILE",
    },
    "col.what": {Lang.EN: "what", Lang.ID: "apa"},
    "col.count": {Lang.EN: "count", Lang.ID: "jumlah"},
    "col.kind": {Lang.EN: "kind", Lang.ID: "jenis"},
    "col.medium": {Lang.EN: "medium", Lang.ID: "media"},
    "col.role": {Lang.EN: "role", Lang.ID: "peran"},
    "word.sites": {Lang.EN: "sites", Lang.ID: "lokasi"},
    "word.devices": {Lang.EN: "devices", Lang.ID: "perangkat"},
    "word.interfaces": {Lang.EN: "interfaces", Lang.ID: "antarmuka"},
    "word.links": {Lang.EN: "links", Lang.ID: "tautan"},
    "word.migrations": {Lang.EN: "migration routes", Lang.ID: "rute migrasi"},
    "word.services": {Lang.EN: "e-government services", Lang.ID: "layanan e-government"},
    "word.circuits": {Lang.EN: "ISP circuits", Lang.ID: "sirkuit ISP"},
    "word.racks": {Lang.EN: "racks", Lang.ID: "rak"},
    "word.sla_targets": {Lang.EN: "SLA targets", Lang.ID: "target SLA"},
    "word.maintenance": {Lang.EN: "maintenance windows", Lang.ID: "jendela pemeliharaan"},
    "status.active": {Lang.EN: "active", Lang.ID: "aktif"},
    "status.planned": {Lang.EN: "planned", Lang.ID: "rencana"},
    "status.retired": {Lang.EN: "retired", Lang.ID: "pensiun"},
    "error.internal": {
        Lang.EN: "internal error: {error} (this is a bug in kotanet; rerun with KOTANET_DEBUG=1 and report it)",
        Lang.ID: "galat internal: {error} (ini bug kotanet; jalankan ulang dengan KOTANET_DEBUG=1 dan laporkan)",
    },
    "demo.title": {
        Lang.EN: "kotanet demo: the Kota Bogor backbone",
        Lang.ID: "demo kotanet: jaringan tulang punggung Kota Bogor",
    },
}


def t(key: str, lang: Lang | str = Lang.EN, /, **values: object) -> str:
    """The catalogue string `key` in `lang`, formatted with `values`. Unknown keys raise KeyError."""
    entry = CATALOGUE[key]
    text = entry.get(Lang(lang), entry[Lang.EN])
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}
