"""Catalogue entries for the web area; merged into kotanet.i18n.CATALOGUE."""

from __future__ import annotations

from kotanet.lang import Lang

E, ID = Lang.EN, Lang.ID

STRINGS: dict[str, dict[Lang, str]] = {
    "web.app": {E: "NOC dashboard", ID: "Dasbor NOC"},
    "web.nav.overview": {E: "Overview", ID: "Ikhtisar"},
    "web.nav.map": {E: "Topology map", ID: "Peta topologi"},
    "web.nav.plan": {E: "Migration plan", ID: "Rencana migrasi"},
    "web.nav.maintenance": {E: "Maintenance", ID: "Pemeliharaan"},
    "web.nav.reports": {E: "Reports", ID: "Laporan"},
    "web.logout": {E: "Log out", ID: "Keluar"},
    "web.save": {E: "Save", ID: "Simpan"},
    "web.role.admin": {E: "admin", ID: "admin"},
    "web.role.engineer": {E: "engineer", ID: "teknisi"},
    "web.role.noc": {E: "NOC", ID: "NOC"},
    "web.role.auditor": {E: "auditor", ID: "auditor"},
    "web.action.ack_outage": {E: "acknowledge an outage", ID: "mengakui gangguan"},
    "web.action.maintenance": {E: "schedule maintenance", ID: "menjadwalkan pemeliharaan"},
    "web.action.plan_status": {E: "change a route's status", ID: "mengubah status rute"},
    "web.action.report": {E: "generate a report", ID: "membuat laporan"},
    # login
    "web.login.title": {E: "Sign in", ID: "Masuk"},
    "web.login.intro": {E: "kotanet NOC dashboard: SLA targets, outages, the backbone map and the migration plan.",
                        ID: "Dasbor NOC kotanet: target SLA, gangguan, peta backbone dan rencana migrasi."},
    "web.login.username": {E: "User name", ID: "Nama pengguna"},
    "web.login.password": {E: "Password", ID: "Kata sandi"},
    "web.login.submit": {E: "Sign in", ID: "Masuk"},
    "web.login.bad": {E: "Wrong user name or password.", ID: "Nama pengguna atau kata sandi salah."},
    "web.login.throttled": {
        E: "Too many failed attempts: wait {minutes} minutes before trying again.",
        ID: "Terlalu banyak percobaan gagal: tunggu {minutes} menit sebelum mencoba lagi.",
    },
    # errors
    "web.error.title": {E: "Not possible", ID: "Tidak dapat dilakukan"},
    "web.error.back": {E: "Back", ID: "Kembali"},
    "web.err.csrf": {
        E: "The form's security token is missing or out of date: reload the page and try again.",
        ID: "Token keamanan formulir tidak ada atau kedaluwarsa: muat ulang halaman lalu coba lagi.",
    },
    "web.err.forbidden": {
        E: "Your role ({role}) may not {action}.",
        ID: "Peran Anda ({role}) tidak diizinkan {action}.",
    },
    "web.err.no_target": {E: "There is no SLA target {target}.", ID: "Tidak ada target SLA {target}."},
    "web.err.no_outage": {E: "There is no such outage this period.",
                          ID: "Tidak ada gangguan tersebut pada periode ini."},
    "web.err.no_route": {E: "There is no migration route {route}.", ID: "Tidak ada rute migrasi {route}."},
    "web.err.no_window": {
        E: "There is no maintenance window {id} scheduled in the dashboard.",
        ID: "Tidak ada jendela pemeliharaan {id} yang dijadwalkan di dasbor.",
    },
    "web.err.no_report": {E: "There is no such report.", ID: "Laporan tersebut tidak ada."},
    "web.err.status": {E: "Pick planned, in progress or done.", ID: "Pilih direncanakan, berjalan atau selesai."},
    "web.err.scope": {E: "Pick site, link, service or tenant.", ID: "Pilih lokasi, tautan, layanan atau dinas."},
    "web.err.refs_empty": {E: "Name at least one id.", ID: "Sebutkan paling sedikit satu id."},
    "web.err.refs_many": {E: "At most 200 ids.", ID: "Paling banyak 200 id."},
    "web.err.refs_unknown": {
        E: "Not a {scope} of the inventory: {refs}.",
        ID: "Bukan {scope} dalam inventaris: {refs}.",
    },
    "web.err.time": {
        E: "Give a date and time, e.g. 2026-11-24T22:00.",
        ID: "Isi tanggal dan jam, misalnya 2026-11-24T22:00.",
    },
    "web.err.end_before_start": {E: "The end must be after the start.", ID: "Akhir harus setelah awal."},
    "web.err.too_long": {E: "A window lasts at most {days} days.", ID: "Jendela paling lama {days} hari."},
    "web.err.in_past": {E: "The window is already over.", ID: "Jendela ini sudah berakhir."},
    "web.err.too_early": {
        E: "The start may be at most {hours} hours in the past.",
        ID: "Awal paling lambat {hours} jam yang lalu.",
    },
    "web.err.reason_long": {E: "At most 500 characters.", ID: "Paling banyak 500 karakter."},
    "web.err.id": {
        E: "Lower-case letters, digits, '.', '_' and '-' only.",
        ID: "Hanya huruf kecil, angka, '.', '_' dan '-'.",
    },
    "web.err.id_taken": {E: "This id is already used.", ID: "Id ini sudah dipakai."},
    "web.err.period": {
        E: "Give a period that has started: 2026-10 (month), 2026-Q4 or 2026.",
        ID: "Isi periode yang sudah dimulai: 2026-10 (bulan), 2026-Q4 atau 2026.",
    },
    "web.err.formats": {E: "Pick at least one of CSV, XLSX and PDF.", ID: "Pilih paling sedikit satu: CSV, XLSX, PDF."},
    "web.err.no_key": {
        E: "The server has no signing key: an administrator runs `kotanet keys init` first.",
        ID: "Server belum punya kunci penanda tangan: administrator menjalankan `kotanet keys init` dulu.",
    },
    # overview
    "web.overview.title": {E: "SLA targets, {period} so far", ID: "Target SLA, {period} sejauh ini"},
    "web.overview.as_of": {E: "as of {at}", ID: "per {at}"},
    "web.overview.auto": {E: "updates every 10 s", ID: "diperbarui tiap 10 dtk"},
    "web.overview.down_now": {E: "targets down now", ID: "target padam sekarang"},
    "web.overview.down_list": {E: "Down now", ID: "Padam sekarang"},
    "web.overview.all_up": {E: "Nothing is down.", ID: "Tidak ada yang padam."},
    "web.overview.none": {E: "No SLA target matches the filters.",
                          ID: "Tidak ada target SLA yang cocok dengan filter."},
    "web.overview.page": {E: "page {page} of {pages} ({total} targets)",
                          ID: "halaman {page} dari {pages} ({total} target)"},
    "web.filter.department": {E: "Department", ID: "Dinas"},
    "web.filter.kind": {E: "Kind", ID: "Jenis"},
    "web.filter.state": {E: "SLA state", ID: "Status SLA"},
    "web.filter.live": {E: "State now", ID: "Keadaan sekarang"},
    "web.filter.all_departments": {E: "All departments", ID: "Semua dinas"},
    "web.filter.all_kinds": {E: "All kinds", ID: "Semua jenis"},
    "web.filter.all_states": {E: "All SLA states", ID: "Semua status SLA"},
    "web.filter.all_live": {E: "Any state now", ID: "Semua keadaan"},
    "web.filter.search": {E: "Search", ID: "Cari"},
    "web.filter.apply": {E: "Filter", ID: "Saring"},
    "web.kind.service": {E: "service", ID: "layanan"},
    "web.kind.site": {E: "site", ID: "lokasi"},
    "web.kind.link": {E: "link", ID: "tautan"},
    "web.kind.tenant": {E: "department", ID: "dinas"},
    "web.live.up": {E: "up", ID: "aktif"},
    "web.live.down": {E: "down", ID: "padam"},
    "web.live.maintenance": {E: "maintenance", ID: "pemeliharaan"},
    "web.live.unknown": {E: "unknown", ID: "tidak diketahui"},
    "web.col.target": {E: "Target", ID: "Target"},
    "web.col.kind": {E: "Kind", ID: "Jenis"},
    "web.col.now": {E: "Now", ID: "Sekarang"},
    "web.col.availability": {E: "Availability", ID: "Ketersediaan"},
    "web.col.objective": {E: "Objective", ID: "Sasaran"},
    "web.col.budget": {E: "Error budget left", ID: "Sisa anggaran galat"},
    "web.col.state": {E: "SLA state", ID: "Status SLA"},
    "web.col.outages": {E: "Outages", ID: "Gangguan"},
    "web.col.start": {E: "Start", ID: "Mulai"},
    "web.col.end": {E: "End", ID: "Selesai"},
    "web.col.duration": {E: "Duration", ID: "Durasi"},
    "web.col.note": {E: "Note", ID: "Catatan"},
    "web.col.ack": {E: "Acknowledged", ID: "Diakui"},
    # detail
    "web.detail.budget_left": {E: "budget left", ID: "sisa anggaran"},
    "web.detail.down": {E: "down", ID: "padam"},
    "web.detail.maintenance": {E: "maintenance", ID: "pemeliharaan"},
    "web.detail.unknown": {E: "no data", ID: "tanpa data"},
    "web.detail.timeline": {E: "Timeline since {start} {end}", ID: "Lini masa sejak {start} {end}"},
    "web.detail.more_members": {E: "{n} more members not drawn.", ID: "{n} anggota lain tidak digambar."},
    "web.detail.members": {E: "Members", ID: "Anggota"},
    "web.detail.outages": {E: "Outages this period ({n})", ID: "Gangguan periode ini ({n})"},
    "web.detail.no_outages": {E: "No outage this period.", ID: "Tidak ada gangguan pada periode ini."},
    "web.detail.ongoing": {E: "ongoing", ID: "berlangsung"},
    "web.detail.ack": {E: "Acknowledge", ID: "Akui"},
    "web.detail.ack_note": {E: "note (ticket, cause)", ID: "catatan (tiket, penyebab)"},
    "web.detail.charts": {E: "Latency and utilisation, last 7 days", ID: "Latensi dan utilisasi, 7 hari terakhir"},
    "web.detail.no_samples": {
        E: "No latency or utilisation samples in the store for this target yet.",
        ID: "Belum ada sampel latensi atau utilisasi di penyimpanan untuk target ini.",
    },
    "web.chart.latency": {E: "Latency of {target}", ID: "Latensi {target}"},
    "web.chart.util": {
        E: "Utilisation of {target} (blue a→b, orange b→a)",
        ID: "Utilisasi {target} (biru a→b, oranye b→a)",
    },
    # map
    "web.map.title": {E: "Backbone, live state", ID: "Backbone, keadaan terkini"},
    "web.map.planned": {E: "planned", ID: "direncanakan"},
    "web.map.note": {
        E: "Links and sites are coloured by the monitors' last state; dashed grey lines are planned links. "
           "Coordinates are approximate. No map tiles are loaded: the map works without internet access.",
        ID: "Tautan dan lokasi diwarnai menurut keadaan terakhir dari pemantau; garis abu-abu putus-putus adalah "
           "tautan yang direncanakan. Koordinat bersifat perkiraan. Tidak ada ubin peta yang dimuat: peta "
           "berfungsi tanpa akses internet.",
    },
    # plan
    "web.plan.title": {E: "Migration plan: {n} routes", ID: "Rencana migrasi: {n} rute"},
    "web.plan.route": {E: "Route", ID: "Rute"},
    "web.plan.action": {E: "Action", ID: "Tindakan"},
    "web.plan.action.replace_radio": {E: "radio → fibre", ID: "radio → serat optik"},
    "web.plan.action.new_fibre": {E: "new fibre", ID: "serat optik baru"},
    "web.plan.action.reroute_fibre": {E: "reroute fibre", ID: "alihkan serat optik"},
    "web.plan.depends": {E: "After", ID: "Setelah"},
    "web.plan.affected": {E: "Sites", ID: "Lokasi"},
    "web.plan.before": {E: "Predicted before", ID: "Prediksi sebelum"},
    "web.plan.after": {E: "Predicted after", ID: "Prediksi sesudah"},
    "web.plan.status": {E: "Status", ID: "Status"},
    "web.plan.status.planned": {E: "planned", ID: "direncanakan"},
    "web.plan.status.in_progress": {E: "in progress", ID: "berjalan"},
    "web.plan.status.done": {E: "done", ID: "selesai"},
    "web.plan.note": {
        E: "Predicted availability of the worst-served affected site, before and after the route (kotanet plan "
           "migrations). Routes are listed in execution order.",
        ID: "Prediksi ketersediaan lokasi terdampak yang paling buruk layanannya, sebelum dan sesudah rute "
           "(kotanet plan migrations). Rute diurutkan menurut urutan pelaksanaan.",
    },
    "web.plan.mop_title": {E: "Method of procedure, route {route}", ID: "Prosedur kerja, rute {route}"},
    "web.plan.no_mop": {
        E: "The method of procedure of route {route} is not available in this installation yet.",
        ID: "Prosedur kerja rute {route} belum tersedia pada instalasi ini.",
    },
    # maintenance
    "web.maint.title": {E: "Maintenance windows", ID: "Jendela pemeliharaan"},
    "web.maint.new": {E: "Schedule a window", ID: "Jadwalkan jendela"},
    "web.maint.scope": {E: "Scope", ID: "Cakupan"},
    "web.maint.refs": {E: "Ids (comma-separated)", ID: "Id (pisahkan dengan koma)"},
    "web.maint.start": {E: "Start ({tz})", ID: "Mulai ({tz})"},
    "web.maint.end": {E: "End ({tz})", ID: "Selesai ({tz})"},
    "web.maint.reason": {E: "Reason", ID: "Alasan"},
    "web.maint.optional": {E: "optional", ID: "opsional"},
    "web.maint.schedule": {E: "Schedule", ID: "Jadwalkan"},
    "web.maint.source": {E: "Source", ID: "Sumber"},
    "web.maint.inventory": {E: "inventory", ID: "inventaris"},
    "web.maint.delete": {E: "Remove", ID: "Hapus"},
    "web.maint.none": {E: "No maintenance window.", ID: "Tidak ada jendela pemeliharaan."},
    "web.maint.note": {
        E: "Time inside a window is neither up nor down in the SLA figures (it leaves the denominator).",
        ID: "Waktu di dalam jendela tidak dihitung aktif maupun padam dalam angka SLA (keluar dari penyebut).",
    },
    # reports
    "web.reports.title": {E: "Signed SLA reports", ID: "Laporan SLA bertanda tangan"},
    "web.reports.new": {E: "Generate a report", ID: "Buat laporan"},
    "web.reports.period": {E: "Period", ID: "Periode"},
    "web.reports.formats": {E: "Formats", ID: "Format"},
    "web.reports.by": {E: "By", ID: "Oleh"},
    "web.reports.at": {E: "Generated", ID: "Dibuat"},
    "web.reports.files": {E: "Files", ID: "Berkas"},
    "web.reports.download": {E: "Download (.zip)", ID: "Unduh (.zip)"},
    "web.reports.generate": {E: "Generate and sign", ID: "Buat dan tandatangani"},
    "web.reports.none": {E: "No report generated yet.", ID: "Belum ada laporan."},
    "web.reports.hint": {
        E: "A month (2026-10), a quarter (2026-Q4) or a year (2026). The running period is {current}.",
        ID: "Satu bulan (2026-10), triwulan (2026-Q4) atau tahun (2026). Periode berjalan: {current}.",
    },
    "web.reports.verify": {
        E: "Each zip holds the exports, manifest.json, its Ed25519 signature and the signer's public key; check "
           "it with: kotanet sla verify DIR --trusted-key kotanet-sla.pub",
        ID: "Setiap zip berisi ekspor, manifest.json, tanda tangan Ed25519-nya dan kunci publik penanda tangan; "
           "periksa dengan: kotanet sla verify DIR --trusted-key kotanet-sla.pub",
    },
    # --- `kotanet demo`, the live part (kotanet/web/demo.py; keys demo.live.*) ---
    "demo.live.title": {Lang.EN: "The live city: simulated agents, the poller and the NOC dashboard",
                        Lang.ID: "Kota langsung: agen simulasi, poller, dan dasbor NOC"},
    "demo.live.skipped": {Lang.EN: "--no-serve: the live city and the dashboard are not started",
                          Lang.ID: "--no-serve: kota langsung dan dasbor tidak dijalankan"},
    "demo.live.agents_sim": {Lang.EN: "agents: the simulated city (snmpsim and an HTTP responder on 127.0.0.1)",
                             Lang.ID: "agen: kota simulasi (snmpsim dan responder HTTP di 127.0.0.1)"},
    "demo.live.city": {Lang.EN: "simulated city: {agents} SNMP agents, {services} services, started in {seconds} s",
                       Lang.ID: "kota simulasi: {agents} agen SNMP, {services} layanan, mulai dalam {seconds} dtk"},
    "demo.live.lab_fallback": {Lang.EN: "--lab: the digital twin is not used ({why}); using the simulated agents",
                               Lang.ID: "--lab: kembaran digital tidak dipakai ({why}); memakai agen simulasi"},
    "demo.live.lab_not_root": {Lang.EN: "it needs root", Lang.ID: "perlu root"},
    "demo.live.lab_failed": {Lang.EN: "the twin failed: {error}", Lang.ID: "kembaran gagal: {error}"},
    "demo.live.lab_starting": {Lang.EN: "starting the digital twin ...", Lang.ID: "menjalankan kembaran digital ..."},
    "demo.live.lab_used": {
        Lang.EN: "--lab: the demo runs on the digital twin ({routers} FRR routers in network namespaces {prefix}-*, "
                 "converged in {seconds} s): the poller watches the SNMP agents of {devices} devices in it from its "
                 "NOC namespace {ns} ({radios} radios are read as ports of their site's router)",
        Lang.ID: "--lab: demo berjalan di kembaran digital ({routers} router FRR di network namespace {prefix}-*, "
                 "konvergen dalam {seconds} dtk): poller memantau agen SNMP {devices} perangkat di dalamnya dari "
                 "namespace NOC {ns} ({radios} radio dibaca sebagai port router situsnya)",
    },
    "demo.live.lab_rest": {
        Lang.EN: "simulated agents for what the twin does not hold: {devices} servers, switches and firewalls and "
                 "{services} e-government services (snmpsim and an HTTP responder on 127.0.0.1, started in "
                 "{seconds} s)",
        Lang.ID: "agen simulasi untuk yang tidak ada di kembaran: {devices} server, switch dan firewall serta "
                 "{services} layanan e-government (snmpsim dan responder HTTP di 127.0.0.1, mulai dalam "
                 "{seconds} dtk)",
    },
    "demo.live.lab_left": {
        Lang.EN: "the twin left namespaces behind ({namespaces}): remove them with kotanet lab down --state-dir "
                 "{lab} --prefix {prefix}",
        Lang.ID: "kembaran meninggalkan namespace ({namespaces}): hapus dengan kotanet lab down --state-dir "
                 "{lab} --prefix {prefix}",
    },
    "demo.live.where_twin": {Lang.EN: " (digital twin)", Lang.ID: " (kembaran digital)"},
    "demo.live.where_agents": {Lang.EN: " (simulated agents)", Lang.ID: " (agen simulasi)"},
    "demo.live.twin_fail": {Lang.EN: " (on the twin: the link's port is down)",
                            Lang.ID: " (di kembaran: port tautan dimatikan)"},
    "demo.live.twin_restore": {Lang.EN: " (on the twin: the link is restored)",
                               Lang.ID: " (di kembaran: tautan dipulihkan)"},
    "demo.live.twin_kill": {Lang.EN: " (on the twin: router {site}'s FRR daemons are killed)",
                            Lang.ID: " (di kembaran: daemon FRR router {site} dimatikan)"},
    "demo.live.twin_revive": {Lang.EN: " (on the twin: router {site}'s FRR daemons are restarted)",
                              Lang.ID: " (di kembaran: daemon FRR router {site} dijalankan lagi)"},
    "demo.live.ssh_starting": {Lang.EN: "starting the simulated SSH devices ...",
                               Lang.ID: "menjalankan perangkat SSH simulasi ..."},
    "demo.live.ssh": {Lang.EN: "simulated SSH devices: {n} on 127.0.0.1 (endpoints and generated logins: {path})",
                      Lang.ID: "perangkat SSH simulasi: {n} di 127.0.0.1 (endpoint dan login buatan: {path})"},
    "demo.live.ssh_missing": {Lang.EN: "simulated SSH devices: not available in this build; the demo goes on without",
                              Lang.ID: "perangkat SSH simulasi: tidak tersedia di versi ini; demo berlanjut tanpanya"},
    "demo.live.ssh_failed": {Lang.EN: "simulated SSH devices did not start ({error}); the demo goes on without them",
                             Lang.ID: "perangkat SSH simulasi gagal dijalankan ({error}); demo berlanjut tanpanya"},
    "demo.live.port_moved": {Lang.EN: "port {port} is taken: the dashboard is on {url} instead",
                             Lang.ID: "port {port} sudah dipakai: dasbor ada di {url}"},
    "demo.live.server_failed": {Lang.EN: "the dashboard did not start: {errors}",
                                Lang.ID: "dasbor gagal dijalankan: {errors}"},
    "demo.live.thread_failed": {Lang.EN: "{what} stopped: {error}", Lang.ID: "{what} berhenti: {error}"},
    "demo.live.logins": {Lang.EN: "Demo logins (generated for this run)",
                         Lang.ID: "Login demo (dibuat untuk sesi ini)"},
    "demo.live.col.role": {Lang.EN: "role", Lang.ID: "peran"},
    "demo.live.col.user": {Lang.EN: "user", Lang.ID: "pengguna"},
    "demo.live.col.password": {Lang.EN: "password", Lang.ID: "kata sandi"},
    "demo.live.speed": {
        Lang.EN: "demo time runs {speed}x faster than real time: the {minutes}-minute scenario takes about {wall} s",
        Lang.ID: "waktu demo berjalan {speed}x lebih cepat dari waktu nyata: skenario {minutes} menit "
                 "selesai dalam sekitar {wall} dtk",
    },
    "demo.live.story": {
        Lang.EN: "scenario: maintenance window on {link} (the link goes down inside it), the 5.8 GHz radio "
                 "{flap} flaps 3 times, kelurahan {kel} is down for 20 minutes",
        Lang.ID: "skenario: jendela pemeliharaan pada {link} (tautan putus di dalamnya), radio 5,8 GHz "
                 "{flap} putus-sambung 3 kali, kelurahan {kel} padam selama 20 menit",
    },
    "demo.live.window_sites": {
        Lang.EN: "the maintenance window also covers the sites that lose the data centre while {link} is down: "
                 "{sites}",
        Lang.ID: "jendela pemeliharaan juga mencakup situs yang kehilangan pusat data selama {link} putus: {sites}",
    },
    "demo.live.fault_hint": {
        Lang.EN: "inject your own faults: kotanet simulate-fault --state-dir {dir} link:ID --down --for 5m",
        Lang.ID: "suntikkan gangguan sendiri: kotanet simulate-fault --state-dir {dir} link:ID --down --for 5m",
    },
    "demo.live.fault_hint_twin": {
        Lang.EN: "inject your own faults: kotanet lab fail --state-dir {lab} LINK (then kotanet lab restore); "
                 "a service: kotanet simulate-fault --state-dir {dir} service:ID --down --for 5m",
        Lang.ID: "suntikkan gangguan sendiri: kotanet lab fail --state-dir {lab} LINK (lalu kotanet lab restore); "
                 "layanan: kotanet simulate-fault --state-dir {dir} service:ID --down --for 5m",
    },
    "demo.live.url": {Lang.EN: "NOC dashboard: {url}", Lang.ID: "Dasbor NOC: {url}"},
    "demo.live.ctrl_c": {Lang.EN: "Ctrl-C stops everything the demo started",
                         Lang.ID: "Ctrl-C menghentikan semua yang dijalankan demo"},
    "demo.live.duration": {Lang.EN: "the demo stops by itself after {seconds} s (or Ctrl-C)",
                           Lang.ID: "demo berhenti sendiri setelah {seconds} dtk (atau Ctrl-C)"},
    "demo.live.poller": {
        Lang.EN: "poller{where}: {n} targets ({up} up, {down} down, {unknown} unknown), a cycle every {interval} s "
                 "({demo} s of demo time); state changes follow",
        Lang.ID: "poller{where}: {n} target ({up} naik, {down} turun, {unknown} tidak diketahui), satu siklus "
                 "setiap {interval} dtk ({demo} dtk waktu demo); perubahan status menyusul",
    },
    "demo.live.change": {Lang.EN: "[{at} demo time] {target}: {state}{note}",
                         Lang.ID: "[{at} waktu demo] {target}: {state}{note}"},
    "demo.live.in_window": {Lang.EN: " (inside its maintenance window: not counted against the SLA)",
                            Lang.ID: " (di dalam jendela pemeliharaannya: tidak dihitung terhadap SLA)"},
    "demo.live.step": {Lang.EN: "[{at} demo time] scenario: {what}",
                       Lang.ID: "[{at} waktu demo] skenario: {what}"},
    "demo.live.injected": {Lang.EN: "[{at} demo time] simulate-fault: {what}",
                           Lang.ID: "[{at} waktu demo] simulate-fault: {what}"},
    "demo.live.step_failed": {Lang.EN: "[{at} demo time] scenario: {what} failed: {error}",
                              Lang.ID: "[{at} waktu demo] skenario: {what} gagal: {error}"},
    "demo.live.scenario_done": {Lang.EN: "scenario finished; the city and the dashboard stay up",
                                Lang.ID: "skenario selesai; kota dan dasbor tetap berjalan"},
    "demo.live.stopping": {Lang.EN: "stopping the demo ...", Lang.ID: "menghentikan demo ..."},
    "demo.live.stopped": {Lang.EN: "demo stopped: nothing it started is left running",
                          Lang.ID: "demo dihentikan: tidak ada yang tersisa berjalan"},
    # --- end of demo.live.* ---
    # CLI
    "web.cli.starting": {E: "loading the inventory and the store", ID: "memuat inventaris dan penyimpanan"},
    "web.cli.serving": {
        E: "NOC dashboard at {url} (Ctrl-C stops it)",
        ID: "Dasbor NOC di {url} (Ctrl-C untuk berhenti)",
    },
    "web.cli.user_added": {E: "added user {name} ({role})", ID: "pengguna {name} ({role}) ditambahkan"},
    "web.cli.user_removed": {E: "removed user {name}", ID: "pengguna {name} dihapus"},
    "web.cli.token_once": {
        E: "API token for {name} printed above: it is shown only once (send it as Authorization: Bearer ...)",
        ID: "Token API untuk {name} tercetak di atas: hanya ditampilkan sekali (kirim sebagai Authorization: "
           "Bearer ...)",
    },
    "web.cli.grafana_written": {E: "wrote the Grafana dashboard to {path}", ID: "dasbor Grafana ditulis ke {path}"},
    "web.cli.col.name": {E: "user", ID: "pengguna"},
    "web.cli.col.role": {E: "role", ID: "peran"},
    "web.cli.col.lang": {E: "language", ID: "bahasa"},
    "web.cli.col.tokens": {E: "API tokens", ID: "token API"},
    "web.cli.col.created": {E: "created", ID: "dibuat"},
}
