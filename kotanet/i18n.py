"""The one catalogue of user-facing strings, in English and Bahasa Indonesia.

Every CLI and report string goes through `t(key, lang, **values)`. A test checks that both languages
have every key and the same placeholders. The catalogue is one dict; its entries for the larger areas
(NetBox, playbooks, web, lab) are written in `kotanet/strings/<area>.py` and merged here, and a key
defined twice is an import-time error.
"""

from __future__ import annotations

from string import Formatter

from kotanet.lang import Lang
from kotanet.strings import AREAS

__all__ = ["CATALOGUE", "Lang", "t"]


_CORE: dict[str, dict[Lang, str]] = {
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
                 "kotanet topology map --out map.html | kotanet simulate (then kotanet monitor run) | "
                 "kotanet --lang id demo",
        Lang.ID: "Selanjutnya: kotanet plan show 4 | kotanet topology whatif --fail bts-07 | "
                 "kotanet topology map --out map.html | kotanet simulate (lalu kotanet monitor run) | "
                 "kotanet --lang id demo",
    },
    "demo.sla": {Lang.EN: "SLAs: a month of generated history, and this month so far",
                 Lang.ID: "SLA: riwayat buatan satu bulan, dan bulan ini sejauh ini"},
    "demo.report": {Lang.EN: "A signed auditor report for {period}, verified",
                    Lang.ID: "Laporan auditor bertanda tangan untuk {period}, terverifikasi"},
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
    "topo.state_today": {Lang.EN: "today", Lang.ID: "saat ini"},
    "topo.state_after": {Lang.EN: "after routes {routes}", Lang.ID: "setelah rute {routes}"},
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
    "mon.cycle": {Lang.EN: "Poll cycle {n} at {at} ({s} s)", Lang.ID: "Siklus polling {n} pada {at} ({s} dtk)"},
    "mon.col.probes": {Lang.EN: "probes", Lang.ID: "probe"},
    "mon.col.failed": {Lang.EN: "failed", Lang.ID: "gagal"},
    "mon.col.up": {Lang.EN: "up", Lang.ID: "naik"},
    "mon.col.down": {Lang.EN: "down", Lang.ID: "turun"},
    "mon.col.unknown": {Lang.EN: "unknown", Lang.ID: "tidak diketahui"},
    "mon.col.new": {Lang.EN: "new transitions", Lang.ID: "transisi baru"},
    "mon.col.buffered": {Lang.EN: "buffered", Lang.ID: "tertunda"},
    "mon.col.target": {Lang.EN: "target", Lang.ID: "target"},
    "mon.col.state": {Lang.EN: "state", Lang.ID: "status"},
    "mon.col.since": {Lang.EN: "since", Lang.ID: "sejak"},
    "mon.col.reason": {Lang.EN: "reason", Lang.ID: "alasan"},
    "mon.down_list": {Lang.EN: "down: {targets}", Lang.ID: "turun: {targets}"},
    "mon.store_error": {Lang.EN: "store refused the write, buffering: {error}",
                        Lang.ID: "penyimpanan menolak penulisan, ditahan: {error}"},
    "mon.simulated": {Lang.EN: "polling the simulated city started by `kotanet simulate`",
                      Lang.ID: "memantau kota simulasi yang dijalankan oleh `kotanet simulate`"},
    "mon.no_simulation": {Lang.EN: "no simulated city is running, and --live was not given",
                          Lang.ID: "tidak ada kota simulasi yang berjalan, dan --live tidak diberikan"},
    "mon.no_simulation.fix": {
        Lang.EN: "start `kotanet simulate` in another terminal, or pass --live to probe the real network",
        Lang.ID: "jalankan `kotanet simulate` di terminal lain, atau berikan --live untuk memantau jaringan nyata",
    },
    "mon.metrics": {Lang.EN: "Prometheus metrics at {url}", Lang.ID: "Metrik Prometheus di {url}"},
    "mon.summary": {Lang.EN: "{n} targets: {up} up, {down} down, {unknown} unknown",
                    Lang.ID: "{n} target: {up} naik, {down} turun, {unknown} tidak diketahui"},
    "sla.rules_written": {
        Lang.EN: "wrote the Prometheus rules of {n} SLA target(s) to {path}",
        Lang.ID: "aturan Prometheus untuk {n} target SLA ditulis ke {path}",
    },
    "sla.seeding": {
        Lang.EN: "writing a generated demo history to {store}…",
        Lang.ID: "menulis riwayat demo buatan ke {store}…",
    },
    "sla.seeded": {
        Lang.EN: "wrote {transitions} transitions and {annotations} annotations for {targets} targets, "
                 "{start} to {end}, to {store} (generated demo data, not measurements)",
        Lang.ID: "{transitions} transisi dan {annotations} anotasi untuk {targets} target, {start} s.d. {end}, "
                 "ditulis ke {store} (data demo buatan, bukan hasil pengukuran)",
    },
    "sla.seeded.incidents": {Lang.EN: "Scripted incidents:", Lang.ID: "Insiden yang disiapkan:"},
    "sla.seeded.next": {
        Lang.EN: "next: kotanet sla report --period {period} --out sla-{period}{store}",
        Lang.ID: "berikutnya: kotanet sla report --period {period} --out sla-{period}{store}",
    },
    "sim.starting": {Lang.EN: "starting the simulated city on 127.0.0.1 ...",
                     Lang.ID: "menjalankan kota simulasi di 127.0.0.1 ..."},
    "sim.title": {Lang.EN: "Simulated city ({seconds:.1f} s to start)",
                  Lang.ID: "Kota simulasi ({seconds:.1f} dtk untuk mulai)"},
    "sim.agents": {Lang.EN: "SNMP agents", Lang.ID: "agen SNMP"},
    "sim.interfaces": {Lang.EN: "interfaces", Lang.ID: "antarmuka"},
    "sim.services": {Lang.EN: "web services", Lang.ID: "layanan web"},
    "sim.processes": {Lang.EN: "responder processes (pids)", Lang.ID: "proses penjawab (pid)"},
    "sim.map": {Lang.EN: "address map", Lang.ID: "peta alamat"},
    "sim.next": {Lang.EN: "Poll it with `kotanet monitor run` in another terminal; inject faults with "
                          "`kotanet simulate-fault TARGET --down`. Ctrl-C stops the city.",
                 Lang.ID: "Pantau dengan `kotanet monitor run` di terminal lain; suntikkan gangguan dengan "
                          "`kotanet simulate-fault TARGET --down`. Ctrl-C menghentikan kota."},
    "sim.scenario": {Lang.EN: "running scenario {file}: {n} step(s) at {speed:g}x speed",
                     Lang.ID: "menjalankan skenario {file}: {n} langkah dengan kecepatan {speed:g}x"},
    "sim.step": {Lang.EN: "+{at} step {n}: {what}", Lang.ID: "+{at} langkah {n}: {what}"},
    "sim.scenario_done": {Lang.EN: "scenario finished; the city stays up until Ctrl-C",
                          Lang.ID: "skenario selesai; kota tetap berjalan sampai Ctrl-C"},
    "sim.change": {Lang.EN: "applied: {what}", Lang.ID: "diterapkan: {what}"},
    "sim.stopped": {Lang.EN: "simulated city stopped", Lang.ID: "kota simulasi dihentikan"},
    "sim.fault_one": {Lang.EN: "give exactly one of --down, --up, --flap, --status, --delay or --silent",
                      Lang.ID: "berikan tepat satu dari --down, --up, --flap, --status, --delay atau --silent"},
    "sim.bad_duration": {Lang.EN: "{option}: {problem}", Lang.ID: "{option}: {problem}"},
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
    # ---- SLA reports (kotanet.slas.report / exports / cli)
    "sla.title": {Lang.EN: "SLA report {period}", Lang.ID: "Laporan SLA {period}"},
    "sla.na": {Lang.EN: "n/a", Lang.ID: "t/a"},
    "sla.yes": {Lang.EN: "yes", Lang.ID: "ya"},
    "sla.no": {Lang.EN: "no", Lang.ID: "tidak"},
    "sla.scope_all": {Lang.EN: "all SLA targets", Lang.ID: "semua target SLA"},
    "sla.data_range": {
        Lang.EN: "first transition used {first}, last {last}",
        Lang.ID: "transisi pertama yang dipakai {first}, terakhir {last}",
    },
    "sla.data_none": {
        Lang.EN: "no transition in the period: all counted time without a known state is unknown",
        Lang.ID: "tidak ada transisi dalam periode: seluruh waktu terhitung tanpa status diketahui adalah tanpa data",
    },
    "sla.flap": {
        Lang.EN: "{open} consecutive failures open an outage, {close} successes close it",
        Lang.ID: "{open} kegagalan berturut-turut membuka gangguan, {close} keberhasilan menutupnya",
    },
    "sla.period_span": {Lang.EN: "{start} to {end} ({tz})", Lang.ID: "{start} s.d. {end} ({tz})"},
    "sla.generated": {Lang.EN: "{at} by kotanet {version}", Lang.ID: "{at} oleh kotanet {version}"},
    "sla.incomplete": {
        Lang.EN: "the period is not over: figures as of {at}",
        Lang.ID: "periode belum berakhir: angka per {at}",
    },
    "sla.verify_note": {
        Lang.EN: "the files of this export are listed with their SHA-256 in manifest.json, signed with Ed25519 "
                 "key {fingerprint}; check with: kotanet sla verify DIR",
        Lang.ID: "berkas ekspor ini tercantum beserta SHA-256-nya di manifest.json, ditandatangani dengan kunci "
                 "Ed25519 {fingerprint}; periksa dengan: kotanet sla verify DIR",
    },
    "sla.policy_line": {
        Lang.EN: "objective {objective}, time zone {tz}, service hours {hours}, unknown counts as down: {unknown}; "
                 "monitored: {members}; maintenance windows: {windows}",
        Lang.ID: "sasaran {objective}, zona waktu {tz}, jam layanan {hours}, tanpa data dihitung padam: {unknown}; "
                 "dipantau: {members}; jendela pemeliharaan: {windows}",
    },
    "sla.footer": {
        Lang.EN: "{title} - generated {at} by kotanet {version}",
        Lang.ID: "{title} - dibuat {at} oleh kotanet {version}",
    },
    "sla.page": {Lang.EN: "page {page}", Lang.ID: "halaman {page}"},
    "sla.total": {Lang.EN: "Total", Lang.ID: "Jumlah"},
    "sla.counts": {
        Lang.EN: "{n} SLA targets: {met} met, {at_risk} at risk, {breached} breached, {no_data} without data",
        Lang.ID: "{n} target SLA: {met} tercapai, {at_risk} berisiko, {breached} dilanggar, {no_data} tanpa data",
    },
    "sla.aggregate_note": {
        Lang.EN: "A department (tenant) target is time-weighted over its sites: sum of up time / sum of up and "
                 "down time; minutes are summed over its sites.",
        Lang.ID: "Target dinas (tenant) dibobot waktu atas lokasinya: jumlah waktu aktif / jumlah waktu aktif dan "
                 "padam; menit dijumlahkan atas lokasinya.",
    },
    "sla.minutes_note": {
        Lang.EN: "Minutes of counted time. Maintenance and time without data are not in the availability "
                 "figure; budget left is the error budget of the whole period minus the downtime so far.",
        Lang.ID: "Menit waktu terhitung. Pemeliharaan dan waktu tanpa data tidak masuk angka ketersediaan; sisa "
                 "anggaran adalah anggaran galat seluruh periode dikurangi waktu padam sejauh ini.",
    },
    "sla.times_in": {Lang.EN: "Times in {tz}.", Lang.ID: "Waktu dalam {tz}."},
    "sla.no_outages": {Lang.EN: "No outages in the period.", Lang.ID: "Tidak ada gangguan dalam periode ini."},
    "sla.policies": {Lang.EN: "Policies", Lang.ID: "Kebijakan"},
    "sla.definitions": {Lang.EN: "Definitions used", Lang.ID: "Definisi yang dipakai"},
    "sla.sheet.summary": {Lang.EN: "Summary", Lang.ID: "Ringkasan"},
    "sla.sheet.members": {Lang.EN: "Monitored targets", Lang.ID: "Target terpantau"},
    "sla.sheet.outages": {Lang.EN: "Outages", Lang.ID: "Gangguan"},
    "sla.sheet.definitions": {Lang.EN: "Definitions", Lang.ID: "Definisi"},
    "sla.state.met": {Lang.EN: "met", Lang.ID: "tercapai"},
    "sla.state.at_risk": {Lang.EN: "at risk", Lang.ID: "berisiko"},
    "sla.state.breached": {Lang.EN: "breached", Lang.ID: "dilanggar"},
    "sla.state.no_data": {Lang.EN: "no data", Lang.ID: "tanpa data"},
    "sla.col.target": {Lang.EN: "SLA target", Lang.ID: "target SLA"},
    "sla.col.name": {Lang.EN: "name", Lang.ID: "nama"},
    "sla.col.scope": {Lang.EN: "scope", Lang.ID: "cakupan"},
    "sla.col.member": {Lang.EN: "monitored target", Lang.ID: "target terpantau"},
    "sla.col.period": {Lang.EN: "period", Lang.ID: "periode"},
    "sla.col.timezone": {Lang.EN: "time zone", Lang.ID: "zona waktu"},
    "sla.col.service_hours": {Lang.EN: "service hours", Lang.ID: "jam layanan"},
    "sla.col.objective": {Lang.EN: "objective %", Lang.ID: "sasaran %"},
    "sla.col.availability": {Lang.EN: "achieved %", Lang.ID: "tercapai %"},
    "sla.col.state": {Lang.EN: "state", Lang.ID: "status"},
    "sla.col.up_min": {Lang.EN: "up min", Lang.ID: "menit aktif"},
    "sla.col.down_min": {Lang.EN: "downtime min", Lang.ID: "menit padam"},
    "sla.col.unknown_min": {Lang.EN: "no data min", Lang.ID: "menit tanpa data"},
    "sla.col.maintenance_min": {Lang.EN: "maintenance min", Lang.ID: "menit pemeliharaan"},
    "sla.col.outside_min": {Lang.EN: "outside service hours min", Lang.ID: "menit di luar jam layanan"},
    "sla.col.budget_left_min": {Lang.EN: "budget left min", Lang.ID: "sisa anggaran menit"},
    "sla.col.outages": {Lang.EN: "outages", Lang.ID: "gangguan"},
    "sla.col.start": {Lang.EN: "start", Lang.ID: "mulai"},
    "sla.col.end": {Lang.EN: "end", Lang.ID: "selesai"},
    "sla.col.duration_min": {Lang.EN: "duration min", Lang.ID: "durasi menit"},
    "sla.col.ongoing": {Lang.EN: "ongoing", Lang.ID: "berlangsung"},
    "sla.col.annotation": {Lang.EN: "annotation", Lang.ID: "catatan"},
    "sla.col.unknown_down": {Lang.EN: "no data counts as down", Lang.ID: "tanpa data dihitung padam"},
    "sla.col.maintenance": {Lang.EN: "maintenance windows", Lang.ID: "jendela pemeliharaan"},
    "sla.col.slo": {Lang.EN: "objective", Lang.ID: "sasaran"},
    "sla.info.report": {Lang.EN: "Report", Lang.ID: "Laporan"},
    "sla.info.inventory": {Lang.EN: "Inventory", Lang.ID: "Inventaris"},
    "sla.info.period": {Lang.EN: "Period", Lang.ID: "Periode"},
    "sla.info.scope": {Lang.EN: "Scope", Lang.ID: "Cakupan"},
    "sla.info.generated": {Lang.EN: "Generated", Lang.ID: "Dibuat"},
    "sla.info.data": {Lang.EN: "Data used", Lang.ID: "Data yang dipakai"},
    "sla.info.flap": {Lang.EN: "Flap rule", Lang.ID: "Aturan flap"},
    "sla.info.store": {Lang.EN: "Measurement store", Lang.ID: "Penyimpanan pengukuran"},
    "sla.info.status": {Lang.EN: "Status", Lang.ID: "Status"},
    "sla.info.signature": {Lang.EN: "Integrity", Lang.ID: "Integritas"},
    "sla.sign.prepared": {Lang.EN: "Prepared by (Diskominfo NOC)", Lang.ID: "Disusun oleh (NOC Diskominfo)"},
    "sla.sign.checked": {Lang.EN: "Checked by (Inspectorate)", Lang.ID: "Diperiksa oleh (Inspektorat)"},
    "sla.sign.approved": {Lang.EN: "Approved by", Lang.ID: "Disetujui oleh"},
    "sla.sign.line": {Lang.EN: "Name, signature, date", Lang.ID: "Nama, tanda tangan, tanggal"},
    "sla.chart.title": {
        Lang.EN: "Achieved availability against the objective",
        Lang.ID: "Ketersediaan tercapai terhadap sasaran",
    },
    "sla.chart.by_target": {Lang.EN: "By SLA target (%)", Lang.ID: "Per target SLA (%)"},
    "sla.chart.members": {Lang.EN: "{name}: by site (%)", Lang.ID: "{name}: per lokasi (%)"},
    "sla.chart.achieved": {Lang.EN: "achieved", Lang.ID: "tercapai"},
    "sla.chart.objective": {Lang.EN: "objective", Lang.ID: "sasaran"},
    "sla.chart.below": {Lang.EN: "below objective", Lang.ID: "di bawah sasaran"},
    "sla.chart.nodata_note": {
        Lang.EN: "An empty bar is a target without data ({na}).",
        Lang.ID: "Batang kosong adalah target tanpa data ({na}).",
    },
    "sla.def.source": {
        Lang.EN: "Summarised from kotanet's docs/sla-definitions.md, which has a worked example computed by hand.",
        Lang.ID: "Diringkas dari docs/sla-definitions.md kotanet, yang memuat contoh yang dihitung manual.",
    },
    "sla.def.period.title": {Lang.EN: "Period", Lang.ID: "Periode"},
    "sla.def.period": {
        Lang.EN: "A calendar month, quarter or year, from local midnight to local midnight in the policy's time "
                 "zone (Asia/Jakarta by default). When service hours are set, only time inside them is counted.",
        Lang.ID: "Satu bulan, triwulan atau tahun kalender, dari tengah malam ke tengah malam waktu setempat di "
                 "zona waktu kebijakan (bawaan Asia/Jakarta). Bila jam layanan ditetapkan, hanya waktu di dalamnya "
                 "yang dihitung.",
    },
    "sla.def.shares.title": {Lang.EN: "Shares of time", Lang.ID: "Pembagian waktu"},
    "sla.def.shares": {
        Lang.EN: "Every second of the period falls in exactly one share: not yet elapsed, outside service hours, "
                 "maintenance, or counted time, which the target's state splits into up, down and unknown (no "
                 "data). The shares add up to the period's length.",
        Lang.ID: "Setiap detik periode masuk tepat satu bagian: belum berlalu, di luar jam layanan, pemeliharaan, "
                 "atau waktu terhitung, yang dibagi menurut status target menjadi aktif, padam dan tanpa data. "
                 "Jumlah semua bagian sama dengan panjang periode.",
    },
    "sla.def.maintenance.title": {Lang.EN: "Maintenance", Lang.ID: "Pemeliharaan"},
    "sla.def.maintenance": {
        Lang.EN: "Maintenance windows are merged, clipped to the period and the service hours, and taken out of "
                 "the denominator: time in maintenance is neither up nor down, whatever the target did. A window "
                 "never adds downtime. It applies to the sites, links, services or department sites it names.",
        Lang.ID: "Jendela pemeliharaan digabung, dipotong pada periode dan jam layanan, lalu dikeluarkan dari "
                 "penyebut: waktu pemeliharaan bukan aktif dan bukan padam, apa pun status target. Jendela tidak "
                 "pernah menambah waktu padam. Jendela berlaku bagi lokasi, tautan, layanan atau lokasi dinas yang "
                 "disebutnya.",
    },
    "sla.def.unknown.title": {Lang.EN: "No data (unknown)", Lang.ID: "Tanpa data"},
    "sla.def.unknown": {
        Lang.EN: "Time without data: before a target's first transition, or an explicit unknown from the "
                 "monitors. It is always shown on its own and left out of availability, unless the policy counts "
                 "it as down.",
        Lang.ID: "Waktu tanpa data: sebelum transisi pertama target, atau status tidak diketahui dari pemantau. "
                 "Selalu ditampilkan tersendiri dan tidak masuk angka ketersediaan, kecuali kebijakan "
                 "menghitungnya sebagai padam.",
    },
    "sla.def.availability.title": {Lang.EN: "Availability", Lang.ID: "Ketersediaan"},
    "sla.def.availability": {
        Lang.EN: "Up time / (up time + down time) of the counted time; down includes no-data time when the policy "
                 "says so. Without counted up or down time there is no figure (no data). The comparison with the "
                 "objective is exact: exactly 99.5 % meets an objective of 99.5 %.",
        Lang.ID: "Waktu aktif / (waktu aktif + waktu padam) dari waktu terhitung; padam mencakup waktu tanpa data "
                 "bila kebijakan menetapkannya. Tanpa waktu aktif atau padam terhitung tidak ada angka (tanpa "
                 "data). Perbandingan dengan sasaran eksak: tepat 99,5 % memenuhi sasaran 99,5 %.",
    },
    "sla.def.aggregate.title": {Lang.EN: "Departments", Lang.ID: "Dinas"},
    "sla.def.aggregate": {
        Lang.EN: "A department (tenant) target covers every monitored site of the department. Its availability is "
                 "time-weighted: the sum of the sites' up time divided by the sum of their up and down time. Each "
                 "site's own figures are listed as well.",
        Lang.ID: "Target dinas (tenant) mencakup setiap lokasi terpantau milik dinas itu. Ketersediaannya dibobot "
                 "waktu: jumlah waktu aktif lokasi dibagi jumlah waktu aktif dan padamnya. Angka tiap lokasi juga "
                 "dicantumkan.",
    },
    "sla.def.outage.title": {Lang.EN: "Outage", Lang.ID: "Gangguan"},
    "sla.def.outage": {
        Lang.EN: "A maximal stretch of counted down time. Maintenance, time outside service hours and no-data time "
                 "(when not counted as down) split outages; the period's boundaries cut them. Notes (annotations) "
                 "that overlap an outage are shown with it.",
        Lang.ID: "Rentang maksimal waktu padam terhitung. Pemeliharaan, waktu di luar jam layanan dan waktu tanpa "
                 "data (bila tidak dihitung padam) memisahkan gangguan; batas periode memotongnya. Catatan yang "
                 "bertumpang tindih dengan gangguan ditampilkan bersamanya.",
    },
    "sla.def.budget.title": {Lang.EN: "Error budget", Lang.ID: "Anggaran galat"},
    "sla.def.budget": {
        Lang.EN: "(100 % - objective) × the whole period's countable time (service time minus maintenance, "
                 "including the part not yet elapsed). Budget left = budget - downtime so far; negative once "
                 "overspent.",
        Lang.ID: "(100 % - sasaran) × waktu yang dapat dihitung seluruh periode (waktu layanan dikurangi "
                 "pemeliharaan, termasuk bagian yang belum berlalu). Sisa anggaran = anggaran - waktu padam "
                 "sejauh ini; negatif bila terlampaui.",
    },
    "sla.def.state.title": {Lang.EN: "State", Lang.ID: "Status"},
    "sla.def.state": {
        Lang.EN: "Complete period: breached when availability is below the objective, else met. Running period: "
                 "breached once the budget is overspent, at risk when less than 25 % of it remains or it is spent "
                 "faster than the period elapses, else met. No data: nothing counted.",
        Lang.ID: "Periode selesai: dilanggar bila ketersediaan di bawah sasaran, selain itu tercapai. Periode "
                 "berjalan: dilanggar bila anggaran terlampaui, berisiko bila sisanya kurang dari 25 % atau "
                 "terpakai lebih cepat daripada jalannya periode, selain itu tercapai. Tanpa data: tidak ada yang "
                 "terhitung.",
    },
    "sla.def.flap.title": {Lang.EN: "Measurement", Lang.ID: "Pengukuran"},
    "sla.def.flap": {
        Lang.EN: "The monitors record state transitions, not samples, and the figures are exact time intervals. "
                 "The poller applies a flap rule before it records a transition (by default 3 consecutive "
                 "failures open an outage, 2 successes close it); the rule used is stated in the report.",
        Lang.ID: "Pemantau mencatat transisi status, bukan sampel, dan angka dihitung dari interval waktu eksak. "
                 "Poller menerapkan aturan flap sebelum mencatat transisi (bawaan: 3 kegagalan berturut-turut "
                 "membuka gangguan, 2 keberhasilan menutupnya); aturan yang dipakai dicantumkan dalam laporan.",
    },
    "sla.def.integrity.title": {Lang.EN: "Integrity", Lang.ID: "Integritas"},
    "sla.def.integrity": {
        Lang.EN: "Each export lists its files with their SHA-256 digests and sizes in manifest.json, signed with "
                 "Ed25519 (manifest.sig; public key signer.pub). kotanet sla verify DIR names any file that was "
                 "changed, truncated, removed or added.",
        Lang.ID: "Setiap ekspor mencantumkan berkasnya beserta digest SHA-256 dan ukurannya di manifest.json, "
                 "ditandatangani dengan Ed25519 (manifest.sig; kunci publik signer.pub). kotanet sla verify DIR "
                 "menyebut setiap berkas yang diubah, dipotong, dihapus atau ditambahkan.",
    },
    "sla.progress": {Lang.EN: "computing SLA figures", Lang.ID: "menghitung angka SLA"},
    "sla.writing": {Lang.EN: "writing {name}", Lang.ID: "menulis {name}"},
    "sla.written": {
        Lang.EN: "wrote {n} file(s), manifest.json and its signature to {path}",
        Lang.ID: "{n} berkas, manifest.json dan tanda tangannya ditulis ke {path}",
    },
    "sla.verify_ok": {
        Lang.EN: "{path}: OK: {n} file(s) match the signed manifest (key {fingerprint})",
        Lang.ID: "{path}: OK: {n} berkas cocok dengan manifest bertanda tangan (kunci {fingerprint})",
    },
    "sla.verify_bad": {
        Lang.EN: "{path}: {n} problem(s): this export is not as it was signed",
        Lang.ID: "{path}: {n} masalah: ekspor ini tidak seperti saat ditandatangani",
    },
    "sla.verify_untrusted": {
        Lang.EN: "note: checked against the key shipped in the export (signer.pub); pass --trusted-key FILE to "
                 "require the city's key",
        Lang.ID: "catatan: diperiksa terhadap kunci yang disertakan dalam ekspor (signer.pub); berikan "
                 "--trusted-key BERKAS untuk mewajibkan kunci pemkot",
    },
    "sla.status.title": {
        Lang.EN: "SLA status, period so far, as of {at}",
        Lang.ID: "Status SLA, periode sejauh ini, per {at}",
    },
    "keys.created": {
        Lang.EN: "created {private} (mode 0600) and {public}; fingerprint {fingerprint}",
        Lang.ID: "{private} (mode 0600) dan {public} dibuat; sidik jari {fingerprint}",
    },
}



def _merge() -> dict[str, dict[Lang, str]]:
    merged = dict(_CORE)
    for area, strings in AREAS.items():
        clash = merged.keys() & strings.keys()
        if clash:
            raise RuntimeError(f"kotanet/strings/{area}.py redefines catalogue key(s): {sorted(clash)}")
        merged.update(strings)
    return merged


CATALOGUE: dict[str, dict[Lang, str]] = _merge()


def t(key: str, lang: Lang | str = Lang.EN, /, **values: object) -> str:
    """The catalogue string `key` in `lang`, formatted with `values`. Unknown keys raise KeyError."""
    entry = CATALOGUE[key]
    text = entry.get(Lang(lang), entry[Lang.EN])
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}
