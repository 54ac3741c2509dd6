"""Catalogue entries for the lab area; merged into kotanet.i18n.CATALOGUE."""

from __future__ import annotations

from kotanet.lang import Lang

STRINGS: dict[str, dict[Lang, str]] = {
    "lab.cannot_run": {Lang.EN: "kotanet lab: {why}",
                       Lang.ID: "kotanet lab: {why}"},
    "lab.building": {Lang.EN: "building the twin: {what}",
                     Lang.ID: "membangun kembaran: {what}"},
    "lab.step.namespaces": {Lang.EN: "namespaces and veth pairs", Lang.ID: "namespace dan pasangan veth"},
    "lab.step.routers": {Lang.EN: "FRR routers", Lang.ID: "router FRR"},
    "lab.converging": {Lang.EN: "waiting for OSPF to converge ...", Lang.ID: "menunggu OSPF konvergen ..."},
    "lab.up_done": {Lang.EN: "twin up in {state_dir}: {routers} routers, {bridges} manhole bridges, {links} links; "
                             "built in {build_s} s, converged {converge_s} s later; {mem} MiB in use",
                    Lang.ID: "kembaran berjalan di {state_dir}: {routers} router, {bridges} bridge manhole, "
                             "{links} link; dibangun dalam {build_s} dtk, konvergen {converge_s} dtk kemudian; "
                             "memakai {mem} MiB"},
    "lab.skipped": {Lang.EN: "skipped link {link}: {detail}",
                    Lang.ID: "link {link} dilewati: {detail}"},
    "lab.not_converged": {Lang.EN: "the twin did not converge in {seconds} s: {n} routes differ, e.g. {first}",
                          Lang.ID: "kembaran tidak konvergen dalam {seconds} dtk: {n} rute berbeda, mis. {first}"},
    "lab.down_done": {Lang.EN: "removed {n} namespaces and {state_dir}",
                      Lang.ID: "{n} namespace dan {state_dir} dihapus"},
    "lab.down_nothing": {Lang.EN: "no lab to remove in {state_dir}",
                         Lang.ID: "tidak ada lab untuk dihapus di {state_dir}"},
    "lab.status_title": {Lang.EN: "Twin in {state_dir}: {running}/{routers} routers running, {links} links",
                         Lang.ID: "Kembaran di {state_dir}: {running}/{routers} router berjalan, {links} link"},
    "lab.status_converged": {Lang.EN: "routes: every router has the expected OSPF next hops",
                             Lang.ID: "rute: setiap router memiliki next hop OSPF yang diharapkan"},
    "lab.status_diffs": {Lang.EN: "routes: {n} differ from the expected ones, e.g. {first}",
                         Lang.ID: "rute: {n} berbeda dari yang diharapkan, mis. {first}"},
    "lab.fault": {Lang.EN: "{link}: {kind}", Lang.ID: "{link}: {kind}"},
    "lab.no_faults": {Lang.EN: "no faults", Lang.ID: "tidak ada gangguan"},
    "lab.applied": {Lang.EN: "{action} {link}: routes as expected after {seconds} s",
                    Lang.ID: "{action} {link}: rute sesuai harapan setelah {seconds} dtk"},
    "lab.applied_nowait": {Lang.EN: "{action} {link}: done", Lang.ID: "{action} {link}: selesai"},
    "lab.lost_dc": {Lang.EN: "routers without a path to the DC: {sites}",
                    Lang.ID: "router tanpa jalur ke DC: {sites}"},
    "lab.scenario_step": {Lang.EN: "{at} s: {action} {target}", Lang.ID: "{at} dtk: {action} {target}"},
    "lab.verify_row": {Lang.EN: "{link}: {verdict} (measured {measured}; predicted {predicted}; {seconds} s)",
                       Lang.ID: "{link}: {verdict} (terukur {measured}; prediksi {predicted}; {seconds} dtk)"},
    "lab.verify_agree": {Lang.EN: "agrees", Lang.ID: "sesuai"},
    "lab.verify_disagree": {Lang.EN: "DISAGREES", Lang.ID: "TIDAK SESUAI"},
    "lab.verify_total": {Lang.EN: "{agree}/{total} single-link failures agree with the topology's prediction",
                         Lang.ID: "{agree}/{total} kegagalan satu link sesuai dengan prediksi topologi"},
    "lab.none": {Lang.EN: "none", Lang.ID: "tidak ada"},
    "lab.rehearse_missing": {Lang.EN: "rehearsal needs the playbooks' deploy path ({why})",
                             Lang.ID: "gladi memerlukan jalur deploy playbook ({why})"},
    "lab.rehearse_route": {Lang.EN: "route {route}: {verdict}; fibre carries traffic: {fibre}; failover "
                                    "{failover}; dark when cut: {dark}",
                           Lang.ID: "rute {route}: {verdict}; fiber membawa lalu lintas: {fibre}; failover "
                                    "{failover}; padam saat putus: {dark}"},
    "lab.yes": {Lang.EN: "yes", Lang.ID: "ya"},
    "lab.no": {Lang.EN: "no", Lang.ID: "tidak"},
    "lab.mon.no_twin": {Lang.EN: "no lab twin is running from {state_dir} (no address map or NOC namespace)",
                        Lang.ID: "tidak ada kembaran lab yang berjalan dari {state_dir} (tidak ada peta alamat "
                                 "atau namespace NOC)"},
    "lab.mon.no_twin.fix": {Lang.EN: "start one with `kotanet lab up` (as root), with the same KOTANET_HOME",
                            Lang.ID: "jalankan dengan `kotanet lab up` (sebagai root), dengan KOTANET_HOME yang sama"},
    "lab.mon.bad_map": {Lang.EN: "the lab's address map {path} cannot be read: {error}",
                        Lang.ID: "peta alamat lab {path} tidak dapat dibaca: {error}"},
    "lab.mon.not_root": {Lang.EN: "monitoring the lab needs root (to enter the twin's NOC network namespace)",
                         Lang.ID: "memantau lab memerlukan root (untuk masuk ke namespace jaringan NOC kembaran)"},
    "lab.mon.not_root.fix": {Lang.EN: "run `kotanet monitor run --lab` as root, e.g. with sudo",
                             Lang.ID: "jalankan `kotanet monitor run --lab` sebagai root, mis. dengan sudo"},
    "lab.mon.setns_failed": {Lang.EN: "cannot enter the network namespace {ns}: {error}",
                             Lang.ID: "tidak dapat masuk ke namespace jaringan {ns}: {error}"},
    "lab.mon.using": {Lang.EN: "polling the lab twin from namespace {ns}: {devices} routers",
                      Lang.ID: "memantau kembaran lab dari namespace {ns}: {devices} router"},
}
