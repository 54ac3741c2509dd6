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
    "loading": {Lang.EN: "loading and validating {source}…", Lang.ID: "memuat dan memvalidasi {source}…"},
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
    "demo.topology": {Lang.EN: "Redundancy and availability", Lang.ID: "Redundansi dan ketersediaan"},
    "demo.budgets": {Lang.EN: "Link budgets", Lang.ID: "Anggaran tautan"},
    "demo.plan": {Lang.EN: "The radio-to-fibre migration plan", Lang.ID: "Rencana migrasi radio ke serat optik"},
    "demo.next": {
        Lang.EN: "Next: kotanet plan show 4 | kotanet topology whatif --fail bts-07 | "
                 "kotanet topology map --out map.html | kotanet --lang id demo",
        Lang.ID: "Selanjutnya: kotanet plan show 4 | kotanet topology whatif --fail bts-07 | "
                 "kotanet topology map --out map.html | kotanet --lang id demo",
    },
    "demo.title": {
        Lang.EN: "kotanet demo: the Kota Bogor backbone",
        Lang.ID: "demo kotanet: jaringan tulang punggung Kota Bogor",
    },
    # topology
    "topo.title": {Lang.EN: "Redundancy and predicted availability to the DC ({state})",
                   Lang.ID: "Redundansi dan prediksi ketersediaan ke DC ({state})"},
    "topo.dc": {
        Lang.EN: "Data centre {dc}: TIA-942 Tier {tier} = {avail}. End to end, {sla} % needs a path of at least "
                 "{need} to the DC.",
        Lang.ID: "Pusat data {dc}: TIA-942 Tier {tier} = {avail}. Ujung ke ujung, {sla} % memerlukan jalur minimal "
                 "{need} ke DC.",
    },
    "topo.sla_unreachable": {
        Lang.EN: "With a Tier {tier} data centre ({avail}), {sla} % end to end is not reachable even on a perfect "
                 "network: raise the DC's tier or fail over to the DRC.",
        Lang.ID: "Dengan pusat data Tier {tier} ({avail}), {sla} % ujung ke ujung tidak tercapai bahkan pada "
                 "jaringan sempurna: naikkan tier DC atau gunakan failover ke DRC.",
    },
    "topo.classes": {Lang.EN: "Sites by class", Lang.ID: "Lokasi menurut kelas"},
    "topo.spof_title": {Lang.EN: "Sites that hang on a single point of failure: {n}",
                        Lang.ID: "Lokasi yang bergantung pada satu titik kegagalan: {n}"},
    "topo.meets": {Lang.EN: "{n} of {total} sites meet {sla} % end to end",
                   Lang.ID: "{n} dari {total} lokasi memenuhi {sla} % ujung ke ujung"},
    "topo.services": {Lang.EN: "E-government services (DC {tier}, DRC failover where set)",
                      Lang.ID: "Layanan e-government (DC {tier}, failover DRC bila diatur)"},
    "topo.cut_off": {Lang.EN: "Cut off from the DC: {n} site(s)", Lang.ID: "Terputus dari DC: {n} lokasi"},
    "topo.changed": {Lang.EN: "Class or availability changes: {n} site(s)",
                     Lang.ID: "Kelas atau ketersediaan berubah: {n} lokasi"},
    "topo.budget_title": {Lang.EN: "Link budgets (flagged: radio < {radio} dB, fibre < {fibre} dB margin)",
                          Lang.ID: "Anggaran tautan (ditandai: radio < {radio} dB, serat < {fibre} dB margin)"},
    "topo.budget_flagged": {Lang.EN: "{n} link(s) below their margin threshold",
                            Lang.ID: "{n} tautan di bawah ambang margin"},
    "topo.map_written": {Lang.EN: "wrote the map to {path} (works offline)",
                         Lang.ID: "peta ditulis ke {path} (bisa tanpa internet)"},
    "topo.dc_title": {Lang.EN: "Data centre and DRC capacity", Lang.ID: "Kapasitas pusat data dan DRC"},
    "plan.title": {Lang.EN: "Migration plan: {n} routes in order of execution (radio {radio})",
                   Lang.ID: "Rencana migrasi: {n} rute menurut urutan pelaksanaan (radio {radio})"},
    "plan.planning": {Lang.EN: "planning the migrations…", Lang.ID: "menyusun rencana migrasi…"},
    "plan.radio_kept": {Lang.EN: "kept as backup", Lang.ID: "dipertahankan sebagai cadangan"},
    "plan.radio_retired": {Lang.EN: "retired", Lang.ID: "dipensiunkan"},
    "plan.summary": {Lang.EN: "Classes today: {today}. After the whole plan: {final}.",
                     Lang.ID: "Kelas saat ini: {today}. Setelah seluruh rencana: {final}."},
    "plan.route": {Lang.EN: "Route {route}: {name}", Lang.ID: "Rute {route}: {name}"},
    "plan.position": {Lang.EN: "position {pos} of {n}; depends on: {deps}",
                      Lang.ID: "urutan {pos} dari {n}; bergantung pada: {deps}"},
    "plan.none": {Lang.EN: "none", Lang.ID: "tidak ada"},
    "plan.cutover": {Lang.EN: "Sites without service during the cutover window: {sites}",
                     Lang.ID: "Lokasi tanpa layanan selama jendela peralihan: {sites}"},
    "plan.addressing": {Lang.EN: "New point-to-point addressing", Lang.ID: "Pengalamatan titik-ke-titik baru"},
    "plan.island": {
        Lang.EN: "warning: route {route}'s fibre does not reach the DC over a wired path, even after the other routes",
        Lang.ID: "peringatan: serat rute {route} tidak tersambung ke DC lewat jalur kabel, bahkan setelah rute lain",
    },
    "plan.spliced": {
        Lang.EN: "{link} ends on a passive splice closure at {site}: its address there belongs to the device the "
                 "core is spliced through to (towards {towards}), not to the closure",
        Lang.ID: "{link} berakhir di closure sambungan pasif di {site}: alamatnya di sana milik perangkat tujuan "
                 "sambungan inti (ke arah {towards}), bukan milik closure",
    },
    "col.site": {Lang.EN: "site", Lang.ID: "lokasi"},
    "col.class": {Lang.EN: "class", Lang.ID: "kelas"},
    "col.availability": {Lang.EN: "availability", Lang.ID: "ketersediaan"},
    "col.end_to_end": {Lang.EN: "end to end", Lang.ID: "ujung ke ujung"},
    "col.spof": {Lang.EN: "single points of failure", Lang.ID: "titik kegagalan tunggal"},
    "col.route": {Lang.EN: "route", Lang.ID: "rute"},
    "col.action": {Lang.EN: "action", Lang.ID: "tindakan"},
    "col.depends": {Lang.EN: "depends on", Lang.ID: "bergantung"},
    "col.affected": {Lang.EN: "affected sites", Lang.ID: "lokasi terdampak"},
    "col.class_changes": {Lang.EN: "class changes", Lang.ID: "perubahan kelas"},
    "col.before": {Lang.EN: "before", Lang.ID: "sebelum"},
    "col.after": {Lang.EN: "after", Lang.ID: "sesudah"},
    "col.if_kept": {Lang.EN: "if radio kept", Lang.ID: "jika radio dipertahankan"},
    "col.outage": {Lang.EN: "cutover outage", Lang.ID: "padam saat peralihan"},
    "col.link": {Lang.EN: "link", Lang.ID: "tautan"},
    "col.distance": {Lang.EN: "km", Lang.ID: "km"},
    "col.margin": {Lang.EN: "margin dB", Lang.ID: "margin dB"},
    "col.status": {Lang.EN: "status", Lang.ID: "status"},
    "col.service": {Lang.EN: "service", Lang.ID: "layanan"},
    "col.hosting": {Lang.EN: "hosting", Lang.ID: "hosting"},
    "col.mean": {Lang.EN: "mean over users", Lang.ID: "rata-rata pengguna"},
    "col.worst": {Lang.EN: "worst site", Lang.ID: "lokasi terburuk"},
    "col.network": {Lang.EN: "network", Lang.ID: "jaringan"},
    "col.device": {Lang.EN: "device", Lang.ID: "perangkat"},
    "col.address": {Lang.EN: "address", Lang.ID: "alamat"},
}


def t(key: str, lang: Lang | str = Lang.EN, /, **values: object) -> str:
    """The catalogue string `key` in `lang`, formatted with `values`. Unknown keys raise KeyError."""
    entry = CATALOGUE[key]
    text = entry.get(Lang(lang), entry[Lang.EN])
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}
