"""Catalogue entries for the web area; merged into kotanet.i18n.CATALOGUE."""

from __future__ import annotations

from kotanet.lang import Lang

STRINGS: dict[str, dict[Lang, str]] = {
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
    "demo.live.lab_no_api": {Lang.EN: "kotanet.lab offers no up() yet", Lang.ID: "kotanet.lab belum menyediakan up()"},
    "demo.live.lab_starting": {Lang.EN: "starting the digital twin ...", Lang.ID: "menjalankan kembaran digital ..."},
    "demo.live.lab_used": {Lang.EN: "--lab: the digital twin is up (FRR routers in network namespaces)",
                           Lang.ID: "--lab: kembaran digital berjalan (router FRR di network namespace)"},
    "demo.live.ssh_starting": {Lang.EN: "starting the simulated SSH devices ...",
                               Lang.ID: "menjalankan perangkat SSH simulasi ..."},
    "demo.live.ssh": {Lang.EN: "simulated SSH devices: {n} on 127.0.0.1",
                      Lang.ID: "perangkat SSH simulasi: {n} di 127.0.0.1"},
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
    "demo.live.fault_hint": {
        Lang.EN: "inject your own faults: kotanet simulate-fault --state-dir {dir} link:ID --down --for 5m",
        Lang.ID: "suntikkan gangguan sendiri: kotanet simulate-fault --state-dir {dir} link:ID --down --for 5m",
    },
    "demo.live.url": {Lang.EN: "NOC dashboard: {url}", Lang.ID: "Dasbor NOC: {url}"},
    "demo.live.ctrl_c": {Lang.EN: "Ctrl-C stops everything the demo started",
                         Lang.ID: "Ctrl-C menghentikan semua yang dijalankan demo"},
    "demo.live.duration": {Lang.EN: "the demo stops by itself after {seconds} s (or Ctrl-C)",
                           Lang.ID: "demo berhenti sendiri setelah {seconds} dtk (atau Ctrl-C)"},
    "demo.live.poller": {
        Lang.EN: "poller: {n} targets ({up} up, {down} down, {unknown} unknown), a cycle every {interval} s "
                 "({demo} s of demo time); state changes follow",
        Lang.ID: "poller: {n} target ({up} naik, {down} turun, {unknown} tidak diketahui), satu siklus setiap "
                 "{interval} dtk ({demo} dtk waktu demo); perubahan status menyusul",
    },
    "demo.live.change": {Lang.EN: "[{at} demo time] {target}: {state}",
                         Lang.ID: "[{at} waktu demo] {target}: {state}"},
    "demo.live.step": {Lang.EN: "[{at} demo time] scenario: {what}",
                       Lang.ID: "[{at} waktu demo] skenario: {what}"},
    "demo.live.scenario_done": {Lang.EN: "scenario finished; the city and the dashboard stay up",
                                Lang.ID: "skenario selesai; kota dan dasbor tetap berjalan"},
    "demo.live.stopping": {Lang.EN: "stopping the demo ...", Lang.ID: "menghentikan demo ..."},
    "demo.live.stopped": {Lang.EN: "demo stopped: nothing it started is left running",
                          Lang.ID: "demo dihentikan: tidak ada yang tersisa berjalan"},
    # --- end of demo.live.* ---
}
