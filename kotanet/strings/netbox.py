"""Catalogue entries for the netbox area; merged into kotanet.i18n.CATALOGUE."""

from __future__ import annotations

from kotanet.lang import Lang

STRINGS: dict[str, dict[Lang, str]] = {
    # errors (one line each; the CLI exits 2)
    "netbox.err.bad_url": {
        Lang.EN: "not an http(s) URL: {url!r}",
        Lang.ID: "bukan URL http(s): {url!r}",
    },
    "netbox.hint.url": {
        Lang.EN: "give --url (or NETBOX_URL) like http://127.0.0.1:8001, without /api",
        Lang.ID: "berikan --url (atau NETBOX_URL) seperti http://127.0.0.1:8001, tanpa /api",
    },
    "netbox.err.no_token": {
        Lang.EN: "no NetBox API token",
        Lang.ID: "token API NetBox tidak ada",
    },
    "netbox.hint.token": {
        Lang.EN: "give --token or set NETBOX_TOKEN (a v2 token nbt_<key>.<secret> or a v1 token)",
        Lang.ID: "berikan --token atau atur NETBOX_TOKEN (token v2 nbt_<kunci>.<rahasia> atau token v1)",
    },
    "netbox.err.unreachable": {
        Lang.EN: "cannot reach NetBox at {url}: {why}",
        Lang.ID: "NetBox di {url} tidak dapat dihubungi: {why}",
    },
    "netbox.hint.unreachable": {
        Lang.EN: "check --url and that NetBox is running (scripts/netbox-dev start runs one on 127.0.0.1)",
        Lang.ID: "periksa --url dan pastikan NetBox berjalan (scripts/netbox-dev start menjalankannya di 127.0.0.1)",
    },
    "netbox.err.token_refused": {
        Lang.EN: "NetBox at {url} refused the token (HTTP {status}: {detail})",
        Lang.ID: "NetBox di {url} menolak token (HTTP {status}: {detail})",
    },
    "netbox.err.not_netbox": {
        Lang.EN: "{url} does not look like a NetBox API (GET /api/status/ gave HTTP {status})",
        Lang.ID: "{url} tampaknya bukan API NetBox (GET /api/status/ menjawab HTTP {status})",
    },
    "netbox.err.too_old": {
        Lang.EN: "NetBox {version} at {url} is too old",
        Lang.ID: "NetBox {version} di {url} terlalu lama",
    },
    "netbox.hint.too_old": {
        Lang.EN: "kotanet needs NetBox 4.0 or newer",
        Lang.ID: "kotanet memerlukan NetBox 4.0 atau yang lebih baru",
    },
    "netbox.err.read_failed": {
        Lang.EN: "reading {path} from NetBox failed: HTTP {status}: {detail}",
        Lang.ID: "gagal membaca {path} dari NetBox: HTTP {status}: {detail}",
    },
    "netbox.err.rejected": {
        Lang.EN: "NetBox refused to {op} {what} {label}: {fields}",
        Lang.ID: "NetBox menolak {op} {what} {label}: {fields}",
    },
    "netbox.hint.rejected": {
        Lang.EN: "fix it in the inventory and run push again: what was written so far stays, and a re-run converges",
        Lang.ID: "perbaiki di inventaris lalu jalankan push lagi: yang sudah tertulis tetap ada, dan pengulangan "
                 "akan menyamakan semuanya",
    },
    "netbox.err.setup": {
        Lang.EN: "NetBox refused kotanet's tag or custom fields: {detail}",
        Lang.ID: "NetBox menolak tag atau custom field kotanet: {detail}",
    },
    "netbox.hint.setup": {
        Lang.EN: "a custom field with the same name but another type may exist: rename or remove it in NetBox",
        Lang.ID: "mungkin sudah ada custom field bernama sama dengan tipe lain: ganti nama atau hapus di NetBox",
    },
    "netbox.err.conflict": {
        Lang.EN: "{first} exists in NetBox without the 'kotanet' tag{more}",
        Lang.ID: "{first} sudah ada di NetBox tanpa tag 'kotanet'{more}",
    },
    "netbox.err.conflict_more": {
        Lang.EN: " (and {n} more)",
        Lang.ID: " (dan {n} lainnya)",
    },
    "netbox.hint.conflict": {
        Lang.EN: "kotanet leaves objects it does not manage alone: rename yours in the inventory, or push with "
                 "--adopt to let kotanet manage them",
        Lang.ID: "kotanet tidak menyentuh objek yang tidak dikelolanya: ganti nama di inventaris, atau push dengan "
                 "--adopt agar kotanet mengelolanya",
    },
    "netbox.op.create": {Lang.EN: "create", Lang.ID: "membuat"},
    "netbox.op.update": {Lang.EN: "update", Lang.ID: "memperbarui"},
    "netbox.op.delete": {Lang.EN: "delete", Lang.ID: "menghapus"},
    # CLI output
    "netbox.connected": {
        Lang.EN: "NetBox {version} at {url} (token v{token_version})",
        Lang.ID: "NetBox {version} di {url} (token v{token_version})",
    },
    "netbox.progress.read": {Lang.EN: "reading NetBox", Lang.ID: "membaca NetBox"},
    "netbox.progress.push": {Lang.EN: "pushing to NetBox", Lang.ID: "mengirim ke NetBox"},
    "netbox.diff.line.create": {Lang.EN: "+ create {what} {label}", Lang.ID: "+ buat {what} {label}"},
    "netbox.diff.line.update": {Lang.EN: "~ update {what} {label}", Lang.ID: "~ perbarui {what} {label}"},
    "netbox.diff.line.delete": {Lang.EN: "- delete {what} {label}", Lang.ID: "- hapus {what} {label}"},
    "netbox.diff.field": {
        Lang.EN: "    {field}: {old} -> {new}",
        Lang.ID: "    {field}: {old} -> {new}",
    },
    "netbox.diff.setup": {
        Lang.EN: "+ set up {what}",
        Lang.ID: "+ siapkan {what}",
    },
    "netbox.diff.summary": {
        Lang.EN: "push would make {total} changes: {creates} to create, {updates} to update, {deletes} to delete "
                 "(nothing was changed)",
        Lang.ID: "push akan membuat {total} perubahan: {creates} dibuat, {updates} diperbarui, {deletes} dihapus "
                 "(tidak ada yang diubah)",
    },
    "netbox.diff.conflicts": {
        Lang.EN: "! {n} object(s) exist in NetBox without the 'kotanet' tag; push refuses them unless --adopt:",
        Lang.ID: "! {n} objek sudah ada di NetBox tanpa tag 'kotanet'; push menolaknya kecuali dengan --adopt:",
    },
    "netbox.push.done": {
        Lang.EN: "pushed to NetBox in {seconds:.1f} s: {total} changes ({creates} created, {updates} updated, "
                 "{deletes} deleted)",
        Lang.ID: "dikirim ke NetBox dalam {seconds:.1f} dtk: {total} perubahan ({creates} dibuat, {updates} "
                 "diperbarui, {deletes} dihapus)",
    },
    "netbox.push.setup": {
        Lang.EN: "set up in NetBox: {what}",
        Lang.ID: "disiapkan di NetBox: {what}",
    },
    "netbox.push.policy": {
        Lang.EN: "settings, services, migrations, SLA targets and maintenance windows stay in {path} (kotanet's "
                 "files; NetBox has no model for them)",
        Lang.ID: "pengaturan, layanan, migrasi, target SLA dan jadwal pemeliharaan tetap di {path} (berkas "
                 "kotanet; NetBox tidak punya model untuk itu)",
    },
    "netbox.pull.warning": {Lang.EN: "warning: skipped {text}", Lang.ID: "peringatan: dilewati {text}"},
    "netbox.pull.done": {
        Lang.EN: "wrote {path}: {regions} regions, {tenants} tenants, {sites} sites, {devices} devices, "
                 "{links} links, {circuits} circuits from NetBox; {warnings} object(s) skipped",
        Lang.ID: "{path} ditulis: {regions} wilayah, {tenants} tenant, {sites} lokasi, {devices} perangkat, "
                 "{links} tautan, {circuits} sirkuit dari NetBox; {warnings} objek dilewati",
    },
    "netbox.pull.policy_from": {
        Lang.EN: "kotanet's own files (settings, services, migrations, SLA targets, maintenance) from {path}",
        Lang.ID: "berkas kotanet sendiri (pengaturan, layanan, migrasi, target SLA, pemeliharaan) dari {path}",
    },
    "netbox.pull.policy_new": {
        Lang.EN: "no inventory.yaml found: a minimal one named {name!r}; add services, migrations and SLA targets "
                 "to the directory",
        Lang.ID: "inventory.yaml tidak ditemukan: dibuat yang minimal bernama {name!r}; tambahkan layanan, "
                 "migrasi dan target SLA ke direktori",
    },
    "netbox.source.description": {
        Lang.EN: "NetBox {url}, with kotanet's own files in {path}",
        Lang.ID: "NetBox {url}, dengan berkas kotanet sendiri di {path}",
    },
}
