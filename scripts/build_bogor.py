"""Build the embedded Kota Bogor inventory (kotanet/inventory/data/bogor) from the tables below.

Deterministic: no randomness, no clock. Everything that looks varied (install dates, serials, channels)
comes from a SHA-256 of the record's id, so running the script twice writes identical bytes.

    .venv/bin/python scripts/build_bogor.py            # writes kotanet/inventory/data/bogor
    .venv/bin/python scripts/build_bogor.py --out DIR  # writes elsewhere (e.g. to diff)

The script builds the pydantic models, runs `validate()` and stops on any problem, checks the
dataset's own story (every site reaches the DC today and after all migrations, the intended radio
links and only they have a thin fade margin), then writes the YAML files with `save_dir` and the
dataset's README.md (its tables are computed here, so they always match the data).

What is fact and what is invented is written in the README template at the end of this file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import networkx as nx

from kotanet.inventory.choices import (
    DeviceRole,
    FailoverMode,
    FibreOwner,
    InterfaceKind,
    LinkMedium,
    LinkStatus,
    MigrationAction,
    MigrationStatus,
    PeriodKind,
    Platform,
    ScopeKind,
    ServiceKind,
    SiteKind,
    SlaPreset,
    TiaTier,
)
from kotanet.inventory.models import (
    Bounds,
    Circuit,
    Device,
    Endpoint,
    FibreAttrs,
    Interface,
    Inventory,
    Link,
    MaintenanceWindow,
    Migration,
    PowerFeed,
    Rack,
    RadioAttrs,
    Region,
    Service,
    ServiceHours,
    Settings,
    Site,
    SlaTarget,
    Tenant,
)
from kotanet.inventory.source import YamlDirSource
from kotanet.inventory.validate import validate
from kotanet.inventory.yamlio import save_dir

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "kotanet" / "inventory" / "data" / "bogor"
SNAPSHOT = dt.date(2026, 11, 24)  # the date the dataset describes ("today")
MASTER_PLAN = "Bogor e-government master plan 2014-2018"
WIB = dt.timezone(dt.timedelta(hours=7))

# ------------------------------------------------------------------------------------------ helpers


def _h(text: str) -> int:
    """A stable integer from a string (the only source of 'variety' in this dataset)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def slug(text: str) -> str:
    return text.lower().replace(".", "").replace("/", "-").replace(" ", "-")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def fspl_db(freq_mhz: float, dist_km: float) -> float:
    return 32.45 + 20 * math.log10(freq_mhz) + 20 * math.log10(dist_km)


def fade_margin_db(r: RadioAttrs, dist_km: float) -> float:
    rx = r.tx_power_dbm + r.antenna_gain_a_dbi - fspl_db(r.frequency_mhz, dist_km) + r.antenna_gain_b_dbi
    return rx - r.rx_sensitivity_dbm


def a_date(key: str, year: int) -> dt.date:
    h = _h(key)
    return dt.date(min(year, 2016), 1 + h % 12, 1 + (h >> 8) % 28)


# ------------------------------------------------------------------------------------------ regions, tenants

# Kecamatan: id, name, approximate office coordinates (invented point in the district).
KECAMATAN: list[tuple[str, str, float, float]] = [
    ("bogor-barat", "Bogor Barat", -6.5795, 106.7790),
    ("bogor-selatan", "Bogor Selatan", -6.6175, 106.7990),
    ("bogor-tengah", "Bogor Tengah", -6.6010, 106.7905),
    ("bogor-timur", "Bogor Timur", -6.6105, 106.8185),
    ("bogor-utara", "Bogor Utara", -6.5610, 106.8105),
    ("tanah-sareal", "Tanah Sareal", -6.5630, 106.7900),
]

# The 68 kelurahan (names: public administrative record, as in DOMAIN.md); coordinates approximate.
KELURAHAN: dict[str, list[tuple[str, float, float]]] = {
    "bogor-barat": [
        ("Balumbang Jaya", -6.5660, 106.7470), ("Bubulak", -6.5690, 106.7620),
        ("Cilendek Barat", -6.5650, 106.7750), ("Cilendek Timur", -6.5675, 106.7830),
        ("Curug", -6.5450, 106.7560), ("Curug Mekar", -6.5590, 106.7720),
        ("Gunung Batu", -6.5920, 106.7770), ("Loji", -6.5890, 106.7680),
        ("Margajaya", -6.5740, 106.7540), ("Menteng", -6.5850, 106.7840),
        ("Pasir Jaya", -6.6130, 106.7730), ("Pasir Kuda", -6.6020, 106.7790),
        ("Pasir Mulya", -6.6040, 106.7870), ("Semplak", -6.5500, 106.7680),
        ("Sindang Barang", -6.5820, 106.7630), ("Situ Gede", -6.5560, 106.7480),
    ],
    "bogor-selatan": [
        ("Batutulis", -6.6220, 106.8030), ("Bojongkerta", -6.6610, 106.8170),
        ("Bondongan", -6.6150, 106.7900), ("Cikaret", -6.6230, 106.7830),
        ("Cipaku", -6.6330, 106.8060), ("Empang", -6.6120, 106.7950),
        ("Genteng", -6.6530, 106.8010), ("Harjasari", -6.6450, 106.8350),
        ("Kertamaya", -6.6580, 106.8080), ("Lawang Gintung", -6.6170, 106.8110),
        ("Muarasari", -6.6430, 106.8120), ("Mulyaharja", -6.6460, 106.7850),
        ("Pakuan", -6.6300, 106.8220), ("Pamoyanan", -6.6350, 106.7950),
        ("Rancamaya", -6.6580, 106.8280), ("Ranggamekar", -6.6330, 106.7800),
    ],
    "bogor-tengah": [
        ("Babakan", -6.5865, 106.8030), ("Babakan Pasar", -6.6050, 106.8005),
        ("Cibogor", -6.5905, 106.7905), ("Ciwaringin", -6.5840, 106.7885),
        ("Gudang", -6.6075, 106.7975), ("Kebon Kelapa", -6.5985, 106.7880),
        ("Pabaton", -6.5905, 106.7965), ("Paledang", -6.6010, 106.7950),
        ("Panaragan", -6.5920, 106.7860), ("Sempur", -6.5915, 106.8015),
        ("Tegallega", -6.5770, 106.8100),
    ],
    "bogor-timur": [
        ("Baranangsiang", -6.6040, 106.8120), ("Katulampa", -6.6170, 106.8420),
        ("Sindangrasa", -6.6030, 106.8260), ("Sindangsari", -6.6180, 106.8300),
        ("Sukasari", -6.6110, 106.8070), ("Tajur", -6.6220, 106.8230),
    ],
    "bogor-utara": [
        ("Bantarjati", -6.5720, 106.8130), ("Cibuluh", -6.5630, 106.8250),
        ("Ciluar", -6.5300, 106.8190), ("Cimahpar", -6.5520, 106.8320),
        ("Ciparigi", -6.5470, 106.8140), ("Kedunghalang", -6.5400, 106.8050),
        ("Tanah Baru", -6.5570, 106.8190), ("Tegal Gundil", -6.5660, 106.8100),
    ],
    "tanah-sareal": [
        ("Cibadak", -6.5390, 106.7750), ("Kayumanis", -6.5310, 106.7860),
        ("Kebon Pedes", -6.5745, 106.8035), ("Kedung Badak", -6.5580, 106.7960),
        ("Kedung Jaya", -6.5560, 106.7870), ("Kedung Waringin", -6.5650, 106.7820),
        ("Kencana", -6.5210, 106.7930), ("Mekarwangi", -6.5510, 106.7760),
        ("Sukadamai", -6.5495, 106.8010), ("Sukaresmi", -6.5460, 106.7900),
        ("Tanah Sareal", -6.5680, 106.7860),
    ],
}

# Tenants: id, name, short name, description, source ("blueprint" = named in seed 001 §4.3).
TENANTS: list[tuple[str, str, str, str, str]] = [
    ("setda", "Sekretariat Daerah Kota Bogor", "Setda",
     "City secretariat; houses the mayor's office at Balaikota (city hall).", "typical"),
    ("diskominfo", "Komunikasi dan Informatika Kota Bogor", "Kominfo",
     "Communications and informatics office (Kantor Kominfo in 2013, seed 001's author): runs the network, "
     "the data centre and the NOC.", "seed"),
    ("inspektorat", "Inspektorat Kota Bogor", "Inspektorat",
     "Inspectorate, formerly Bawasda (Badan Pengawas Daerah): the city's internal auditor.", "blueprint"),
    ("ketahanan-pangan", "Kantor Ketahanan Pangan", "Ketahanan Pangan", "Food security office.", "blueprint"),
    ("distani", "Dinas Pertanian", "Distani", "Agriculture service.", "blueprint"),
    ("pd-pasar", "Perusahaan Daerah Pasar", "PD Pasar", "The city-owned markets company.", "blueprint"),
    ("kesbang", "Kesatuan Bangsa dan Politik", "Kesbang", "National unity and politics office.", "blueprint"),
    ("lingkungan-hidup", "Lingkungan Hidup", "LH", "Environment office.", "blueprint"),
    ("dispora", "Dinas Pemuda dan Olahraga", "Dispora",
     "Youth and sports service; also the tenant of the GOR sports hall (assumption).", "blueprint"),
    ("perpustakaan", "Perpustakaan Kota Bogor", "Perpustakaan", "City library.", "blueprint"),
    ("dispenda", "Dinas Pendapatan Daerah", "Dispenda",
     "Regional revenue service; runs the online land tax (PBB).", "blueprint"),
    ("disperindag", "Dinas Perindustrian dan Perdagangan", "Disperindag", "Industry and trade service.",
     "blueprint"),
    ("wasbangkim", "Dinas Pengawasan Bangunan dan Permukiman", "Wasbangkim",
     "Building and settlement supervision service.", "blueprint"),
    ("disdik", "Dinas Pendidikan", "Disdik", "Education service.", "blueprint"),
    ("dllaj", "Dinas Lalu Lintas dan Angkutan Jalan", "DLLAJ",
     "Road traffic and transport service (now Dishub).", "blueprint"),
    ("bina-marga", "Dinas Bina Marga dan Sumber Daya Air", "Bina Marga", "Roads and water resources service.",
     "blueprint"),
    ("satpol-pp", "Satuan Polisi Pamong Praja", "Satpol PP", "Municipal police.", "blueprint"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "Regional development planning agency.",
     "typical"),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "Health service.", "typical"),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil",
     "Population and civil registry service; runs SIAK.", "typical"),
    ("dinsos", "Dinas Sosial", "Dinsos", "Social affairs service.", "typical"),
    ("bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM",
     "Civil-service personnel agency (BKPP before 2016).", "typical"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", "Regional disaster management agency.", "typical"),
    ("damkar", "Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar", "Fire and rescue service.", "typical"),
    ("setwan-dprd", "Sekretariat DPRD Kota Bogor", "Setwan", "Secretariat of the city council (DPRD).",
     "typical"),
    ("disnaker", "Dinas Tenaga Kerja", "Disnaker", "Manpower service.", "typical"),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD",
     "Finance and asset management agency (DPPKAD before 2016).", "typical"),
    ("rsud", "RSUD Kota Bogor", "RSUD", "The city's general hospital.", "typical"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP",
     "Investment and one-stop licensing service (building permits); BPPTSP before 2016.", "typical"),
    *[(f"kecamatan-{rid}", f"Kecamatan {name}", f"Kec. {name}",
       f"District office of {name}; also the tenant of its {len(KELURAHAN[rid])} kelurahan offices.", "record")
      for rid, name, _, _ in KECAMATAN],
    ("drc-operator", "DRC operator (third party, name not in the seeds)", "DRC operator",
     "The third party that runs the data recovery centre (seed 001 §3.4). Its name is invented: "
     "see the site's operator field.", "seed"),
]

DRC_OPERATOR = "PT Pakuan Data Lestari (fictitious name; seed 001 §3.4 says only 'a third party')"
ISP = "ISP (unnamed in seed 002)"
CARRIER = "Leased-line carrier (unnamed, invented)"
FO_PARTNER = "Third-party FO owner (unnamed in seed 001 §2.4)"
DIGINET = "PT Digital Wireless Indonesia (Diginet)"

# The facts this dataset rests on, and where each comes from (rendered as the README's first table).
FACTS: list[tuple[str, str]] = [
    ("Name of the city, the 6 kecamatan and the 68 kelurahan (site names `Kel. <name>`, spelled as in the "
     "record)", "public administrative record (DOMAIN.md)"),
    ("City hall (Balaikota) near the Botanical Garden at about (-6.594, 106.794), Jl. Ir. H. Juanda No. 10",
     "DOMAIN.md; public knowledge"),
    ("The 17 routes of the infrastructure blueprint: endpoints, media named (2.4 / 5.8 GHz radio, FO), actions, "
     "the two manholes (\"Mainhole Bangbarung\", \"Mainhole Jalan Baru\")", "seed 001, §4.3"),
    ("The departments of the blueprint (Inspektorat/Bawasda, Ketahanan Pangan, Distani, PD Pasar, Kesbang, "
     "Lingkungan Hidup, Dispora, Perpustakaan, GOR, Dispenda, Disperindag, Wasbangkim, Dinas Pendidikan, DLLAJ, "
     "Bina Marga, Satpol PP)", "seed 001, §4.3"),
    ("The FO plant is shared with a third party, not owned by the city; the transmission is redundant with "
     "wireless", "seed 001, §2.4"),
    ("SLA of 99.5 % (preset `masterplan`); data centre and NOC to TIA-942 Tier I; a third party runs the DRC",
     "seed 001, §3.4"),
    ("Road-map SLA steps 90 % / 95 % / 99.99 % (presets `roadmap-2009`, `roadmap-2015`, `roadmap-2020`)",
     "seed 001, §4.1"),
    ("40 Mbps internet capacity", "seed 002"),
    ("A backbone of 18 BTS covering every kelurahan and SKPD, with fibre at 20 points", "seed 002"),
    (f"The city's triangle tower, used by the private operator {DIGINET}", "seed 002"),
    ("Services: website and webmail, e-procurement (LPSE), online land tax (PBB), online civil registry (SIAK), "
     "the Kantaya e-office", "seed 002"),
]

# ------------------------------------------------------------------------------------------ sites


@dataclass(frozen=True)
class SiteSpec:
    id: str
    name: str
    kind: SiteKind
    region: str
    tenant: str | None
    lat: float
    lon: float
    address: str = ""
    description: str = ""
    tier: TiaTier | None = None
    operator: str = ""


def _kec_name(rid: str) -> str:
    return next(n for r, n, _, _ in KECAMATAN if r == rid)


def _dept(sid: str, name: str, region: str, lat: float, lon: float, *, tenant: str | None = None,
          description: str = "") -> SiteSpec:
    return SiteSpec(sid, name, SiteKind.DEPARTMENT, region, tenant or sid, lat, lon,
                    f"{name}, Kec. {_kec_name(region)}, Kota Bogor", description)


# Towers: id, the kelurahan it stands in (naming only), region, coordinates (all invented).
TOWERS: list[tuple[str, str, str, float, float]] = [
    ("bts-01", "Panaragan", "bogor-tengah", -6.5895, 106.7870),
    ("bts-02", "Tegallega", "bogor-tengah", -6.5780, 106.8080),
    ("bts-03", "Gunung Batu", "bogor-barat", -6.5935, 106.7755),
    ("bts-04", "Sindang Barang", "bogor-barat", -6.5800, 106.7600),
    ("bts-05", "Semplak", "bogor-barat", -6.5540, 106.7640),
    ("bts-06", "Pasir Jaya", "bogor-barat", -6.6110, 106.7690),
    ("bts-07", "Pamoyanan", "bogor-selatan", -6.6330, 106.7920),
    ("bts-08", "Mulyaharja", "bogor-selatan", -6.6480, 106.7870),
    ("bts-09", "Rancamaya", "bogor-selatan", -6.6560, 106.8230),
    ("bts-10", "Muarasari", "bogor-selatan", -6.6420, 106.8110),
    ("bts-11", "Katulampa", "bogor-timur", -6.6150, 106.8380),
    ("bts-12", "Sindangrasa", "bogor-timur", -6.6020, 106.8290),
    ("bts-13", "Cimahpar", "bogor-utara", -6.5500, 106.8290),
    ("bts-14", "Ciluar", "bogor-utara", -6.5280, 106.8170),
    ("bts-15", "Tanah Baru", "bogor-utara", -6.5590, 106.8200),
    ("bts-16", "Kencana", "tanah-sareal", -6.5230, 106.7950),
    ("bts-17", "Mekarwangi", "tanah-sareal", -6.5490, 106.7780),
    ("bts-18", "Sukaresmi", "tanah-sareal", -6.5440, 106.7920),
]
TRIANGLE_TOWER = "bts-01"


def build_sites() -> list[SiteSpec]:
    sites: list[SiteSpec] = [
        SiteSpec("dc", "Data Centre (Kominfo)", SiteKind.DATA_CENTRE, "bogor-tengah", "diskominfo",
                 -6.5952, 106.7925, "Kominfo building beside Balaikota, Jl. Ir. H. Juanda, Kota Bogor (assumed)",
                 "The city data centre built to TIA-942 Tier I (seed 001 §3.4): single path for power and "
                 "cooling, no redundant components. Location invented.", tier=TiaTier.I),
        SiteSpec("noc", "Network Operations Centre (Kominfo)", SiteKind.NOC, "bogor-tengah", "diskominfo",
                 -6.5952, 106.7925, "Kominfo building beside Balaikota, Jl. Ir. H. Juanda, Kota Bogor (assumed)",
                 "The NOC, in the same building as the data centre (seed 001 §3.4)."),
        SiteSpec("drc", "Data Recovery Center", SiteKind.DRC, "bogor-utara", "drc-operator",
                 -6.5520, 106.8230, "Commercial data-centre building, Kec. Bogor Utara, Kota Bogor (invented)",
                 "Run by a third party (seed 001 §3.4). Operator name, tier and location are invented.",
                 tier=TiaTier.III, operator=DRC_OPERATOR),
        SiteSpec("balaikota", "Balaikota", SiteKind.CITY_HALL, "bogor-tengah", "setda", -6.5941, 106.7941,
                 "Jl. Ir. H. Juanda No. 10, Kota Bogor", "City hall, beside the Botanical Garden."),
        # The departments named in the blueprint (seed 001 §4.3).
        _dept("inspektorat", "Inspektorat (Bawasda)", "bogor-selatan", -6.6140, 106.7975),
        _dept("ketahanan-pangan", "Kantor Ketahanan Pangan", "bogor-selatan", -6.6235, 106.7995),
        _dept("distani", "Dinas Pertanian (Distani)", "bogor-selatan", -6.6290, 106.8030),
        _dept("pd-pasar", "PD Pasar", "bogor-tengah", -6.6040, 106.8000),
        _dept("kesbang", "Kesbang", "bogor-tengah", -6.5895, 106.7990),
        _dept("lingkungan-hidup", "Lingkungan Hidup", "bogor-tengah", -6.5835, 106.7990),
        _dept("dispora", "Dispora", "tanah-sareal", -6.5760, 106.7990),
        _dept("perpustakaan", "Perpustakaan", "tanah-sareal", -6.5730, 106.7960),
        _dept("gor", "GOR (Gelanggang Olahraga)", "tanah-sareal", -6.5700, 106.8000, tenant="dispora",
              description="The city sports hall, run by Dispora (tenant choice: assumption)."),
        _dept("dispenda", "Dispenda", "tanah-sareal", -6.5700, 106.7925),
        _dept("disperindag", "Disperindag", "tanah-sareal", -6.5655, 106.7960),
        _dept("wasbangkim", "Wasbangkim", "bogor-tengah", -6.5875, 106.7960),
        _dept("disdik", "Dinas Pendidikan", "bogor-utara", -6.5580, 106.8040),
        _dept("dllaj", "DLLAJ (Dishub)", "bogor-timur", -6.6160, 106.8150),
        _dept("bina-marga", "Bina Marga", "tanah-sareal", -6.5360, 106.7900),
        _dept("satpol-pp", "Satpol PP", "tanah-sareal", -6.5420, 106.7960),
        # Other typical SKPD of Kota Bogor (not named in the seeds; placement invented).
        _dept("bappeda", "Bappeda", "bogor-tengah", -6.5962, 106.7962),
        _dept("dinkes", "Dinas Kesehatan", "bogor-tengah", -6.5850, 106.8050),
        _dept("disdukcapil", "Disdukcapil", "tanah-sareal", -6.5785, 106.7945),
        _dept("dinsos", "Dinas Sosial", "bogor-tengah", -6.5985, 106.8010),
        _dept("bkpsdm", "BKPSDM", "bogor-tengah", -6.5960, 106.7850),
        _dept("bpbd", "BPBD", "bogor-utara", -6.5640, 106.8180),
        _dept("damkar", "Damkar", "bogor-tengah", -6.6065, 106.7870),
        _dept("setwan-dprd", "Sekretariat DPRD", "tanah-sareal", -6.5735, 106.7935),
        _dept("disnaker", "Disnaker", "bogor-timur", -6.6000, 106.8200),
        _dept("bpkad", "BPKAD", "bogor-tengah", -6.5925, 106.7915),
        _dept("rsud", "RSUD Kota Bogor", "bogor-barat", -6.5830, 106.7830),
        _dept("dpmptsp", "DPMPTSP", "bogor-tengah", -6.5880, 106.7905),
    ]
    for rid, name, lat, lon in KECAMATAN:
        sites.append(SiteSpec(f"kec-{rid}", f"Kec. {name}", SiteKind.KECAMATAN, rid, f"kecamatan-{rid}", lat, lon,
                              f"Kantor Kecamatan {name}, Kota Bogor"))
    for rid, _, _, _ in KECAMATAN:
        for name, lat, lon in KELURAHAN[rid]:
            sites.append(SiteSpec(f"kel-{slug(name)}", f"Kel. {name}", SiteKind.KELURAHAN, rid, f"kecamatan-{rid}",
                                  lat, lon, f"Kantor Kelurahan {name}, Kec. {_kec_name(rid)}, Kota Bogor"))
    for tid, kel, rid, lat, lon in TOWERS:
        num = tid.split("-")[1]
        name = f"BTS {num} {kel}" + (" (triangle tower)" if tid == TRIANGLE_TOWER else "")
        desc = "Radio backbone tower (one of the 18 BTS of seed 002); position invented."
        if tid == TRIANGLE_TOWER:
            desc = (f"The city's triangle tower, shared with the private operator {DIGINET} (seed 002). "
                    "Which of the 18 BTS it is, and where it stands, is invented.")
        sites.append(SiteSpec(tid, name, SiteKind.TOWER, rid, "diskominfo", lat, lon,
                              f"Tower site, Kel. {kel}, Kec. {_kec_name(rid)}, Kota Bogor", desc))
    sites.append(SiteSpec("mh-bangbarung", "Mainhole Bangbarung", SiteKind.MANHOLE, "bogor-utara", "diskominfo",
                          -6.5690, 106.8075, "Jl. Bangbarung, Kec. Bogor Utara, Kota Bogor (exact point unknown)",
                          "Splice point on the FO trunk from Balaikota to Kec. Bogor Utara (seed 001 §4.3 row 14)."))
    sites.append(SiteSpec("mh-jalan-baru", "Mainhole Jalan Baru", SiteKind.MANHOLE, "tanah-sareal", "diskominfo",
                          -6.5530, 106.7930, "Jalan Baru, Kec. Tanah Sareal, Kota Bogor (exact point unknown)",
                          "Splice point of the planned FO of seed 001 §4.3 rows 9, 10 and 16a. No cable is spliced "
                          "here today (assumption): it is reached once row 9 is built."))
    return sites


# ------------------------------------------------------------------------------------------ links (topology)

# Today's fibre: (a site, b site, owner, cores). Ids are fo-<a>--<b>.
FIBRE_ACTIVE: list[tuple[str, str, FibreOwner, int]] = [
    ("balaikota", "dc", FibreOwner.CITY, 48),
    ("dc", "noc", FibreOwner.CITY, 24),
    ("dc", "kec-bogor-tengah", FibreOwner.CITY, 24),
    ("dc", "kec-tanah-sareal", FibreOwner.THIRD_PARTY, 48),
    ("dc", "pd-pasar", FibreOwner.THIRD_PARTY, 48),
    ("dc", "kec-bogor-barat", FibreOwner.CITY, 24),
    ("dc", "dinkes", FibreOwner.CITY, 12),
    ("dc", "disdukcapil", FibreOwner.THIRD_PARTY, 12),
    ("dc", "drc", FibreOwner.THIRD_PARTY, 12),
    ("balaikota", "kesbang", FibreOwner.CITY, 24),
    ("kesbang", "lingkungan-hidup", FibreOwner.CITY, 24),
    ("lingkungan-hidup", "dispora", FibreOwner.CITY, 24),
    ("dispora", "perpustakaan", FibreOwner.CITY, 12),
    ("balaikota", "bappeda", FibreOwner.CITY, 12),
    ("balaikota", "mh-bangbarung", FibreOwner.THIRD_PARTY, 48),
    ("mh-bangbarung", "kec-bogor-utara", FibreOwner.THIRD_PARTY, 48),
    ("kec-tanah-sareal", "dispenda", FibreOwner.THIRD_PARTY, 24),
    ("dispenda", "bina-marga", FibreOwner.THIRD_PARTY, 12),
    ("pd-pasar", "kec-bogor-selatan", FibreOwner.THIRD_PARTY, 24),
    ("pd-pasar", "kec-bogor-timur", FibreOwner.THIRD_PARTY, 24),
]
# The two cut segments of one cable spliced straight through a manhole: L3 neighbours are the far ends.
SPLICED_THROUGH = [("fo-balaikota--mh-bangbarung", "fo-mh-bangbarung--kec-bogor-utara")]

# 5.8 GHz point-to-point backhauls of the radio backbone: (upstream site, tower).
BACKHAULS: list[tuple[str, str]] = [
    ("balaikota", "bts-01"), ("bts-01", "bts-03"), ("dinkes", "bts-02"), ("bts-15", "bts-02"),
    ("kec-bogor-barat", "bts-03"), ("kec-bogor-barat", "bts-04"), ("bts-04", "bts-05"), ("bts-17", "bts-05"),
    ("bts-03", "bts-06"), ("kec-bogor-selatan", "bts-07"), ("bts-06", "bts-07"), ("bts-07", "bts-08"),
    ("kec-bogor-selatan", "bts-10"), ("bts-10", "bts-09"), ("bts-11", "bts-09"),
    ("kec-bogor-timur", "bts-11"), ("kec-bogor-timur", "bts-12"),
    ("kec-bogor-utara", "bts-13"), ("bts-13", "bts-14"), ("bts-16", "bts-14"), ("kec-bogor-utara", "bts-15"),
    ("kec-tanah-sareal", "bts-16"), ("kec-tanah-sareal", "bts-17"), ("kec-tanah-sareal", "bts-18"),
]

# Point-to-multipoint sectors: (AP site, sector tag, band GHz, stations). Link ids r24-/r58-<ap>--<station>.
SECTORS: list[tuple[str, str, float, list[str]]] = [
    ("balaikota", "north", 5.8, ["wasbangkim", "disdik"]),
    ("balaikota", "south", 5.8, ["dinsos", "bpkad", "dpmptsp"]),
    ("kec-bogor-selatan", "2g", 2.4, ["inspektorat", "kel-batutulis", "kel-bondongan"]),
    ("kec-bogor-selatan", "5g", 5.8, ["kel-empang", "kel-lawang-gintung"]),
    ("kec-bogor-tengah", "2g", 2.4, ["kel-cibogor", "kel-kebon-kelapa", "kel-babakan-pasar"]),
    ("kec-bogor-tengah", "5g", 5.8, ["kel-gudang", "damkar"]),
    ("kec-tanah-sareal", "5g", 5.8, ["disperindag", "kel-kedung-badak"]),
    ("kec-tanah-sareal", "2g", 2.4, ["kel-kebon-pedes", "kel-kedung-waringin", "kel-tanah-sareal"]),
    ("kec-bogor-barat", "5g", 5.8, ["kel-cilendek-timur", "rsud"]),
    ("kec-bogor-barat", "2g", 2.4, ["kel-menteng"]),
    ("kec-bogor-timur", "2g", 2.4, ["kel-baranangsiang", "kel-sukasari"]),
    ("kec-bogor-utara", "5g", 5.8, ["kel-ciparigi"]),
    ("kec-bogor-utara", "2g", 2.4, ["kel-tegal-gundil"]),
    ("pd-pasar", "south", 5.8, ["distani", "kel-cipaku"]),
    ("pd-pasar", "east", 5.8, ["dllaj", "kel-sindangsari"]),
    ("dispenda", "5g", 5.8, ["setwan-dprd"]),
    ("disdik", "2g", 2.4, ["satpol-pp"]),
    ("kel-pasir-kuda", "2g", 2.4, ["kel-pabaton"]),
    ("bts-01", "2g", 2.4, ["kel-ciwaringin", "kel-panaragan", "kel-pasir-mulya", "rsud"]),
    ("bts-01", "5g", 5.8, ["kel-paledang", "bkpsdm"]),
    ("bts-02", "2g", 2.4, ["kel-babakan", "kel-sempur"]),
    ("bts-02", "5g", 5.8, ["kel-tegallega", "gor"]),
    ("bts-03", "2g", 2.4, ["kel-gunung-batu", "kel-loji", "kel-sindang-barang"]),
    ("bts-03", "5g", 5.8, ["kel-pasir-kuda"]),
    ("bts-04", "2g", 2.4, ["kel-balumbang-jaya", "kel-cilendek-barat", "kel-margajaya"]),
    ("bts-04", "5g", 5.8, ["kel-bubulak", "kel-sindang-barang"]),
    ("bts-05", "2g", 2.4, ["kel-curug", "kel-semplak", "kel-situ-gede"]),
    ("bts-05", "5g", 5.8, ["kel-curug-mekar"]),
    ("bts-06", "5g", 5.8, ["kel-pasir-jaya"]),
    ("bts-07", "2g", 2.4, ["kel-cikaret", "kel-pamoyanan", "kel-ranggamekar"]),
    ("bts-07", "5g", 5.8, ["ketahanan-pangan"]),
    ("bts-08", "2g", 2.4, ["kel-genteng", "kel-mulyaharja"]),
    ("bts-09", "2g", 2.4, ["kel-bojongkerta", "kel-rancamaya", "kel-kertamaya"]),
    ("bts-09", "5g", 5.8, ["kel-harjasari"]),
    ("bts-10", "2g", 2.4, ["kel-muarasari"]),
    ("bts-10", "5g", 5.8, ["kel-pakuan", "kel-batutulis"]),
    ("bts-11", "2g", 2.4, ["kel-katulampa"]),
    ("bts-11", "5g", 5.8, ["kel-tajur"]),
    ("bts-12", "2g", 2.4, ["kel-sindangrasa"]),
    ("bts-12", "5g", 5.8, ["kel-baranangsiang", "disnaker"]),
    ("bts-13", "2g", 2.4, ["kel-cimahpar", "kel-tanah-baru"]),
    ("bts-14", "2g", 2.4, ["kel-ciluar", "kel-kedunghalang"]),
    ("bts-14", "5g", 5.8, ["kel-kencana"]),
    ("bts-15", "2g", 2.4, ["kel-bantarjati", "kel-cibuluh"]),
    ("bts-15", "5g", 5.8, ["kel-tanah-baru", "bpbd"]),
    ("bts-16", "2g", 2.4, ["kel-kencana"]),
    ("bts-16", "5g", 5.8, ["kel-kayumanis"]),
    ("bts-17", "2g", 2.4, ["kel-cibadak", "kel-mekarwangi"]),
    ("bts-18", "2g", 2.4, ["kel-sukadamai", "kel-sukaresmi"]),
    ("bts-18", "5g", 5.8, ["kel-kedung-jaya"]),
]

# Radio links whose budget is deliberately thin (long path or low-gain antennas), with their overrides.
THIN: dict[str, tuple[str, dict[str, float]]] = {
    "r24-kel-pasir-kuda--kel-pabaton": (
        "row 13's radio: Kel. Pasir Kuda's 8 dBi omni to a 10 dBi panel at Kel. Pabaton, 17 dBm",
        {"tx_power_dbm": 17, "antenna_gain_a_dbi": 8, "antenna_gain_b_dbi": 10}),
    "r24-disdik--satpol-pp": (
        "row 16b's radio: Disdik's 8 dBi omni to a 14 dBi panel at Satpol PP, 17 dBm",
        {"tx_power_dbm": 17, "antenna_gain_a_dbi": 8, "antenna_gain_b_dbi": 14}),
    "r58-pd-pasar--kel-sindangsari": (
        "row 17's radio: a 14 dBi flat-panel CPE at the far end of PD Pasar's east sector",
        {"antenna_gain_b_dbi": 14}),
    "r58-bts-11--bts-09": (
        "cheap backup ring link between two towers on 16 dBi CPE-class antennas, 20 MHz",
        {"antenna_gain_a_dbi": 16, "antenna_gain_b_dbi": 16, "channel_width_mhz": 20, "rx_sensitivity_dbm": -78}),
}

# ------------------------------------------------------------------------------------------ migrations (§4.3)


@dataclass(frozen=True)
class MigSpec:
    id: str
    route: str
    a_site: str
    b_site: str
    action: MigrationAction
    new: list[tuple[str, str]]  # planned fibre (a, b); id fo-<a>--<b>
    retires: list[str] = field(default_factory=list)
    reroutes: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    text: str = ""  # the action column of DOMAIN.md
    choice: str = ""  # our interpretation, for the README table


RR, NF = MigrationAction.REPLACE_RADIO, MigrationAction.NEW_FIBRE
MIGRATIONS: list[MigSpec] = [
    MigSpec("1", "Kec. Bogor Selatan - Bawasda/Inspektorat", "kec-bogor-selatan", "inspektorat", RR,
            [("kec-bogor-selatan", "inspektorat")], ["r24-kec-bogor-selatan--inspektorat"],
            text="replace the 2.4 GHz radio of the Kec. Bogor Selatan link with FO",
            choice="Inspektorat hangs today on a 2.4 GHz radio from Kec. Bogor Selatan's AP."),
    MigSpec("2", "Bawasda/Inspektorat - Kel. Empang", "inspektorat", "kel-empang", RR,
            [("inspektorat", "kel-empang")], ["r58-kec-bogor-selatan--kel-empang"], depends_on=["1"],
            text="replace the 5.8 GHz radio of the Kec. Bogor Selatan link with FO",
            choice="The retired radio is Empang's 5.8 GHz link from Kec. Bogor Selatan; the new FO starts at "
                   "Inspektorat, so row 2 needs row 1."),
    MigSpec("3", "Bawasda/Inspektorat - Kantor Ketahanan Pangan", "inspektorat", "ketahanan-pangan", NF,
            [("inspektorat", "ketahanan-pangan")], depends_on=["1"],
            text="new FO connection to Kantor Ketahanan Pangan",
            choice="Ketahanan Pangan keeps its 5.8 GHz radio from BTS 07 as the wireless backup."),
    MigSpec("4", "Ketahanan Pangan - Distani + Kel. Cipaku", "ketahanan-pangan", "kel-cipaku", RR,
            [("ketahanan-pangan", "distani"), ("distani", "kel-cipaku")],
            ["r58-pd-pasar--distani", "r58-pd-pasar--kel-cipaku"], depends_on=["3"],
            text="replace the 5.8 GHz radio of the PD Pasar link with FO",
            choice="Two new FO: Ketahanan Pangan → Distani → Kel. Cipaku. Both hang today on PD Pasar's 5.8 GHz "
                   "south sector, and both radio links are retired."),
    MigSpec("5", "Kesbang - Lingkungan Hidup + Dispora + Perpustakaan + GOR", "kesbang", "gor", NF,
            [("perpustakaan", "gor")],
            text="new FO connection to GOR from the Perpustakaan link",
            choice="The chain Kesbang - Lingkungan Hidup - Dispora - Perpustakaan is today's FO; the only new "
                   "cable is Perpustakaan → GOR. a_site/b_site are the route's two ends (Kesbang, GOR). GOR keeps "
                   "its radio from BTS 02."),
    MigSpec("6", "Dispenda - Disperindag", "dispenda", "disperindag", RR,
            [("dispenda", "disperindag")], ["r58-kec-tanah-sareal--disperindag"],
            text="replace the 5.8 GHz radio of the Kec. Tanah Sareal link with FO",
            choice="Disperindag hangs today on Kec. Tanah Sareal's 5.8 GHz sector."),
    MigSpec("7", "Kec. Tanah Sareal - Kel. Kedung Badak", "kec-tanah-sareal", "kel-kedung-badak", RR,
            [("kec-tanah-sareal", "kel-kedung-badak")], ["r58-kec-tanah-sareal--kel-kedung-badak"],
            text="replace the 5.8 GHz radio of the Kec. Tanah Sareal link with FO"),
    MigSpec("8", "Kel. Kedung Badak - Kel. Kedung Jaya", "kel-kedung-badak", "kel-kedung-jaya", NF,
            [("kel-kedung-badak", "kel-kedung-jaya")], depends_on=["7"],
            text="new FO connection",
            choice="Kedung Jaya keeps its 5.8 GHz radio from BTS 18."),
    MigSpec("9", "Kel. Kedung Jaya - Mainhole Jalan Baru", "kel-kedung-jaya", "mh-jalan-baru", NF,
            [("kel-kedung-jaya", "mh-jalan-baru")], depends_on=["8"],
            text="new FO connection",
            choice="Mainhole Jalan Baru has no cable today; this row is what reaches it."),
    MigSpec("10", "Mainhole Jalan Baru - Kel. Sukadamai", "mh-jalan-baru", "kel-sukadamai", NF,
            [("mh-jalan-baru", "kel-sukadamai")], depends_on=["9"],
            text="new FO connection",
            choice="Sukadamai keeps its 2.4 GHz radio from BTS 18."),
    MigSpec("11", "Kec. Bogor Tengah - Kel. Cibogor", "kec-bogor-tengah", "kel-cibogor", RR,
            [("kec-bogor-tengah", "kel-cibogor")], ["r24-kec-bogor-tengah--kel-cibogor"],
            text="replace the 2.4 GHz radio of the Kec. Bogor Tengah link with FO"),
    MigSpec("12", "Balaikota - Wasbangkim", "balaikota", "wasbangkim", RR,
            [("balaikota", "wasbangkim")], ["r58-balaikota--wasbangkim"],
            text="replace the 5.8 GHz radio of the Balaikota link with FO"),
    MigSpec("13", "Wasbangkim - Kel. Pabaton", "wasbangkim", "kel-pabaton", RR,
            [("wasbangkim", "kel-pabaton")], ["r24-kel-pasir-kuda--kel-pabaton"], depends_on=["12"],
            text="replace the 2.4 GHz radio of the Kel. Pasir Kuda link with FO",
            choice="Pabaton hangs today on a 2.4 GHz radio from Kel. Pasir Kuda (which itself hangs on BTS 03); "
                   "the new FO starts at Wasbangkim, so row 13 needs row 12."),
    MigSpec("14", "Mainhole Bangbarung - Dinas Pendidikan", "mh-bangbarung", "disdik", RR,
            [("mh-bangbarung", "disdik")], ["r58-balaikota--disdik"],
            text="replace the 5.8 GHz radio of the Balaikota link with FO",
            choice="Mainhole Bangbarung is a splice point on today's third-party trunk Balaikota → Kec. Bogor "
                   "Utara; Disdik's new cable is spliced there."),
    MigSpec("15", "PD Pasar - DLLAJ", "pd-pasar", "dllaj", RR,
            [("pd-pasar", "dllaj")], ["r58-pd-pasar--dllaj"],
            text="replace the 5.8 GHz radio of the PD Pasar link with FO"),
    MigSpec("16a", "Mainhole Jalan Baru - Kel. Kayumanis; Kel. Kayumanis - Bina Marga", "mh-jalan-baru",
            "bina-marga", MigrationAction.REROUTE_FIBRE,
            [("mh-jalan-baru", "kel-kayumanis"), ("kel-kayumanis", "bina-marga")],
            reroutes=["fo-dispenda--bina-marga"], depends_on=["9"],
            text="move the FO link from Dispenda to Mainhole Jalan Baru",
            choice="Bina Marga is fed today by FO from Dispenda (fo-dispenda--bina-marga); it moves to Jalan Baru "
                   "via Kel. Kayumanis. The new cable lands on a second port at Bina Marga (sfp-sfpplus1), so the "
                   "old link can stay until cut-over. Needs row 9 (the only cable to Jalan Baru)."),
    MigSpec("16b", "Kel. Kayumanis - Satpol PP", "kel-kayumanis", "satpol-pp", RR,
            [("kel-kayumanis", "satpol-pp")], ["r24-disdik--satpol-pp"], depends_on=["16a"],
            text="replace the 2.4 GHz radio of the Dinas Pendidikan link with FO",
            choice="Satpol PP hangs today on a 2.4 GHz radio from Dinas Pendidikan; Kayumanis has FO only after "
                   "16a."),
    MigSpec("17", "DLLAJ - Kel. Sindang Sari", "dllaj", "kel-sindangsari", RR,
            [("dllaj", "kel-sindangsari")], ["r58-pd-pasar--kel-sindangsari"], depends_on=["15"],
            text="replace the 5.8 GHz radio of the PD Pasar link with FO",
            choice="'Sindang Sari' is Kel. Sindangsari (Bogor Timur) of the administrative record."),
]

# ------------------------------------------------------------------------------------------ hardware catalogue


@dataclass(frozen=True)
class Model:
    name: str
    manufacturer: str
    platform: Platform
    released: int
    eos: dt.date  # end of support: invented horizon (MikroTik publishes none)
    optical: tuple[str, ...] = ()
    wlan: tuple[str, ...] = ()
    lan: str = ""
    watts: float = 10.0
    units: int = 1
    band: float | None = None  # built-in radio band, if fixed


def _seq(prefix: str, n: int, start: int = 1) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(start, start + n))


MODELS: dict[str, Model] = {m.name: m for m in [
    # MikroTik RouterOS
    Model("RB433AH", "MikroTik", Platform.ROUTEROS, 2009, dt.date(2019, 12, 31), wlan=_seq("wlan", 3),
          lan="ether1", watts=12),
    Model("RB435G", "MikroTik", Platform.ROUTEROS, 2010, dt.date(2021, 6, 30), wlan=_seq("wlan", 5),
          lan="ether1", watts=18),
    Model("RBSXT5HPnD (SXT 5HPnD)", "MikroTik", Platform.ROUTEROS, 2012, dt.date(2026, 12, 31),
          wlan=("wlan1",), lan="ether1", watts=7, band=5.8),
    Model("RB911G-5HPnD-QRT (QRT 5)", "MikroTik", Platform.ROUTEROS, 2014, dt.date(2029, 12, 31),
          wlan=("wlan1",), lan="ether1", watts=9, band=5.8),
    Model("RBGroove52HPn (Groove 52HPn)", "MikroTik", Platform.ROUTEROS, 2012, dt.date(2027, 12, 31),
          wlan=("wlan1",), lan="ether1", watts=6, band=2.4),
    Model("RB2011UiAS-2HnD", "MikroTik", Platform.ROUTEROS, 2012, dt.date(2027, 6, 30), optical=("sfp1",),
          wlan=("wlan1",), lan="ether2", watts=11, band=2.4),
    Model("RB2011UiAS-RM", "MikroTik", Platform.ROUTEROS, 2012, dt.date(2027, 6, 30), optical=("sfp1",),
          lan="ether2", watts=10),
    Model("RB953GS-5HnT", "MikroTik", Platform.ROUTEROS, 2014, dt.date(2028, 6, 30), optical=("sfp1", "sfp2"),
          wlan=("wlan1",), lan="ether1", watts=10, band=5.8),
    Model("CCR1009-8G-1S-1S+", "MikroTik", Platform.ROUTEROS, 2014, dt.date(2029, 12, 31),
          optical=("sfp1", "sfp-sfpplus1"), lan="ether2", watts=32),
    Model("CCR1036-12G-4S", "MikroTik", Platform.ROUTEROS, 2013, dt.date(2026, 6, 30), optical=_seq("sfp", 4),
          lan="ether2", watts=60),
    Model("RB3011UiAS-RM", "MikroTik", Platform.ROUTEROS, 2015, dt.date(2030, 12, 31), optical=("sfp1",),
          lan="ether2", watts=12),
    # Cisco IOS / IOS XE
    Model("CISCO2911/K9", "Cisco", Platform.IOS, 2010, dt.date(2022, 12, 31),
          optical=("GigabitEthernet0/0/0", "GigabitEthernet0/1/0", "GigabitEthernet0/2/0"),
          lan="GigabitEthernet0/0", watts=110, units=2),
    Model("ISR4331/K9", "Cisco", Platform.IOS, 2015, dt.date(2028, 11, 30),
          optical=("GigabitEthernet0/0/1", "GigabitEthernet0/0/2", "GigabitEthernet0/1/0", "GigabitEthernet0/1/1",
                   "GigabitEthernet0/2/0", "GigabitEthernet0/2/1"),
          lan="GigabitEthernet0/0/0", watts=90),
    Model("ASR1001-X", "Cisco", Platform.IOS, 2014, dt.date(2030, 6, 30), optical=_seq("GigabitEthernet0/0/", 5, 0),
          lan="TenGigabitEthernet0/0/0", watts=250),
    Model("WS-C2960X-24TS-L", "Cisco", Platform.IOS, 2013, dt.date(2027, 10, 31), lan="GigabitEthernet1/0/1",
          watts=45),
    # Juniper Junos
    Model("SRX345", "Juniper", Platform.JUNOS, 2016, dt.date(2031, 6, 30), optical=_seq("ge-0/0/", 8, 8),
          lan="ge-0/0/0", watts=110),
    Model("SRX300", "Juniper", Platform.JUNOS, 2016, dt.date(2031, 6, 30), optical=("ge-0/0/6", "ge-0/0/7"),
          lan="ge-0/0/0", watts=25),
    Model("EX2300-24T", "Juniper", Platform.JUNOS, 2016, dt.date(2032, 12, 31), lan="ge-0/0/0", watts=55),
    # Servers (Linux)
    Model("PowerEdge R720", "Dell", Platform.LINUX, 2012, dt.date(2020, 5, 31), lan="eno1", watts=420, units=2),
    Model("PowerEdge R730", "Dell", Platform.LINUX, 2014, dt.date(2023, 5, 31), lan="eno1", watts=450, units=2),
    Model("ProLiant DL380 Gen9", "HPE", Platform.LINUX, 2014, dt.date(2025, 7, 31), lan="eno1", watts=460,
          units=2),
    Model("ProLiant DL360 Gen9", "HPE", Platform.LINUX, 2014, dt.date(2025, 7, 31), lan="eno1", watts=300),
    # Passive
    Model("FOSC dome splice closure, 48 core", "", Platform.PASSIVE, 2010, dt.date(2040, 12, 31), watts=0),
]}


# A YAML 1.2 number: a plain scalar like 5248E4331669 would load as a float (the loader is YAML 1.2, the
# dumper YAML 1.1 and does not quote it), so serials that look like one are drawn again.
_YAML12_NUMBER = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^0[ox][0-9a-fA-F]+$")


def serial_for(model: Model, device_id: str, installed: dt.date) -> str:
    for salt in range(100):
        text = _serial(model, f"serial:{device_id}" + (f":{salt}" if salt else ""), installed)
        if not _YAML12_NUMBER.match(text):
            return text
    raise SystemExit(f"no serial for {device_id}")


def _serial(model: Model, key: str, installed: dt.date) -> str:
    h = _h(key)
    alnum = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

    def pick(n: int, x: int) -> str:
        out = ""
        for _ in range(n):
            x, r = divmod(x, len(alnum))
            out += alnum[r]
        return out

    week = 1 + h % 52
    if model.manufacturer == "MikroTik":
        return f"{h & 0xFFFFFFFFFFFF:012X}"
    if model.manufacturer == "Cisco":
        return f"FDO{installed.year - 1996 - 1:02d}{week:02d}{pick(4, h >> 8)}"
    if model.manufacturer == "Juniper":
        return f"CV{installed.year % 100 - 1:02d}{week:02d}AF{(h >> 12) % 10000:04d}"
    if model.manufacturer == "Dell":
        return pick(7, h >> 4)
    if model.manufacturer == "HPE":
        return f"CZJ{installed.year % 10}{week:02d}{pick(4, h >> 6)}"
    return ""


# ------------------------------------------------------------------------------------------ building


@dataclass
class LinkSpec:
    id: str
    medium: LinkMedium
    a_site: str
    b_site: str
    status: LinkStatus = LinkStatus.ACTIVE
    owner: FibreOwner = FibreOwner.CITY
    cores: int = 12
    sector: tuple[str, str] | None = None  # (AP site, sector tag) for point-to-multipoint
    description: str = ""
    a_port: tuple[str, str] = ("", "")  # (device id, interface) filled by the port planner
    b_port: tuple[str, str] = ("", "")


@dataclass
class PortNeed:
    """What one site needs from its hardware: ports keyed by what they serve."""

    optical: list[str] = field(default_factory=list)  # link ids
    ethernet: list[str] = field(default_factory=list)  # leased lines
    passive: list[str] = field(default_factory=list)
    wlan: list[tuple[str, float, str]] = field(default_factory=list)  # (key, band, role ap|sta|ptp)

    def add_wlan(self, key: str, band: float, role: str) -> None:
        if all(k != key for k, _, _ in self.wlan):
            self.wlan.append((key, band, role))


@dataclass
class DevPlan:
    id: str
    site: str
    role: DeviceRole
    model: Model
    rollout: int  # year the site got this equipment
    ports: dict[str, str] = field(default_factory=dict)  # key -> interface name
    kinds: dict[str, InterfaceKind] = field(default_factory=dict)
    desc: dict[str, str] = field(default_factory=dict)
    rack: tuple[str, int] | None = None
    tenant: str | None = None


ROLL_OUT = {  # the year each kind of site got its current equipment (invented, in the road map's spirit)
    SiteKind.TOWER: 2010, SiteKind.KELURAHAN: 2011, SiteKind.DEPARTMENT: 2012, SiteKind.KECAMATAN: 2012,
    SiteKind.CITY_HALL: 2012, SiteKind.DATA_CENTRE: 2015, SiteKind.NOC: 2015, SiteKind.DRC: 2016,
    SiteKind.MANHOLE: 2012,
}


def link_specs() -> list[LinkSpec]:
    out: list[LinkSpec] = []
    for a, b, owner, cores in FIBRE_ACTIVE:
        out.append(LinkSpec(f"fo-{a}--{b}", LinkMedium.FIBRE, a, b, owner=owner, cores=cores))
    out.append(LinkSpec("ll-dc--drc", LinkMedium.LEASED_LINE, "dc", "drc",
                        description="Leased line to the DRC (primary replication path)."))
    for a, b in BACKHAULS:
        out.append(LinkSpec(f"r58-{a}--{b}", LinkMedium.RADIO_5_8, a, b, description="5.8 GHz backbone PtP."))
    for ap, tag, band, stations in SECTORS:
        medium = LinkMedium.RADIO_2_4 if band == 2.4 else LinkMedium.RADIO_5_8
        pre = "r24" if band == 2.4 else "r58"
        for st in stations:
            out.append(LinkSpec(f"{pre}-{ap}--{st}", medium, ap, st, sector=(ap, tag),
                                description=f"{band} GHz sector '{tag}' of {ap}."))
    for m in MIGRATIONS:
        for a, b in m.new:
            out.append(LinkSpec(f"fo-{a}--{b}", LinkMedium.FIBRE, a, b, status=LinkStatus.PLANNED, cores=24,
                                description=f"Planned FO of {MASTER_PLAN} §4.3 row {m.id}."))
    return out


# DC ports: which core takes which link (everything else at the DC is intra-site and not modelled).
DC_CORE = {
    "fo-balaikota--dc": "dc-core1", "fo-dc--kec-bogor-tengah": "dc-core1", "fo-dc--kec-tanah-sareal": "dc-core1",
    "fo-dc--dinkes": "dc-core1", "fo-dc--drc": "dc-core1",
    "fo-dc--noc": "dc-core2", "fo-dc--pd-pasar": "dc-core2", "fo-dc--kec-bogor-barat": "dc-core2",
    "fo-dc--disdukcapil": "dc-core2", "ll-dc--drc": "dc-core2",
}


# Sites whose router is not chosen by the port rules (a Juniper box at the civil registry, invented).
MODEL_OVERRIDE = {"disdukcapil": "SRX300"}


def station_model(band: float, gain_b: float) -> Model:
    if band == 2.4:
        return MODELS["RBGroove52HPn (Groove 52HPn)"]
    if gain_b <= 16:
        return MODELS["RBSXT5HPnD (SXT 5HPnD)"]
    return MODELS["RB911G-5HPnD-QRT (QRT 5)"]


def plan_devices(sites: dict[str, SiteSpec], links: list[LinkSpec],
                 radio: dict[str, RadioAttrs]) -> list[DevPlan]:
    need: dict[str, PortNeed] = defaultdict(PortNeed)
    for lk in links:
        for end, sid in (("a", lk.a_site), ("b", lk.b_site)):
            n = need[sid]
            if sites[sid].kind is SiteKind.MANHOLE:
                n.passive.append(lk.id)
            elif lk.medium is LinkMedium.FIBRE:
                n.optical.append(lk.id)
            elif lk.medium is LinkMedium.LEASED_LINE:
                n.ethernet.append(lk.id)
            else:
                band = 2.4 if lk.medium is LinkMedium.RADIO_2_4 else 5.8
                if lk.sector is not None and end == "a":
                    n.add_wlan(f"sector:{lk.sector[1]}", band, "ap")
                elif lk.sector is not None:
                    n.add_wlan(lk.id, band, "sta")
                else:
                    n.add_wlan(lk.id, band, "ptp")

    plans: list[DevPlan] = []

    def dev(did: str, sid: str, role: DeviceRole, model: Model, **kw: object) -> DevPlan:
        p = DevPlan(did, sid, role, model, ROLL_OUT[sites[sid].kind], **kw)  # type: ignore[arg-type]
        plans.append(p)
        return p

    def give(p: DevPlan, keys: list[str], names: tuple[str, ...], kind: InterfaceKind) -> None:
        free = [nm for nm in names if nm not in p.ports.values()]
        if len(keys) > len(free):
            raise SystemExit(f"{p.id} ({p.model.name}) has {len(free)} free {kind.value} ports, needs {len(keys)}")
        for key, nm in zip(keys, free, strict=False):
            p.ports[key] = nm
            p.kinds[key] = kind

    def give_wlan(p: DevPlan, wl: list[tuple[str, float, str]]) -> None:
        give(p, [k for k, _, _ in wl], p.model.wlan, InterfaceKind.WIRELESS)
        for k, band, role in wl:
            p.desc[k] = {"ap": f"{band} GHz AP sector", "sta": f"{band} GHz station", "ptp": f"{band} GHz PtP"}[role]

    def radio_box(sid: str, wl: list[tuple[str, float, str]]) -> None:
        if not wl:
            return
        if any(role != "sta" for _, _, role in wl):
            model = MODELS["RB433AH"] if len(wl) <= 3 else MODELS["RB435G"]
            p = dev(f"{sid}-ap1", sid, DeviceRole.RADIO, model)
        elif len(wl) == 1:
            key, band, _ = wl[0]
            p = dev(f"{sid}-cpe1", sid, DeviceRole.RADIO, station_model(band, radio[key].antenna_gain_b_dbi))
        else:
            p = dev(f"{sid}-cpe1", sid, DeviceRole.RADIO, MODELS["RB433AH"])
        p.ports["lan"] = p.model.lan
        p.kinds["lan"] = InterfaceKind.ETHERNET
        p.desc["lan"] = f"to {sid}-r1"
        give_wlan(p, wl)

    for sid, s in sites.items():
        n = need.get(sid, PortNeed())
        kind = s.kind
        if sid == "dc":
            cores = {c: dev(c, "dc", DeviceRole.CORE_ROUTER, MODELS["ASR1001-X"]) for c in ("dc-core1", "dc-core2")}
            for lid in n.optical:
                give(cores[DC_CORE[lid]], [lid], cores[DC_CORE[lid]].model.optical, InterfaceKind.OPTICAL)
            for lid in n.ethernet:
                give(cores[DC_CORE[lid]], [lid], ("GigabitEthernet0/0/5",), InterfaceKind.ETHERNET)
            fw = dev("dc-fw1", "dc", DeviceRole.FIREWALL, MODELS["SRX345"])
            fw.ports.update({"isp": "ge-0/0/0", "inside1": "ge-0/0/1", "inside2": "ge-0/0/2"})
            fw.kinds.update(dict.fromkeys(("isp", "inside1", "inside2"), InterfaceKind.ETHERNET))
            fw.desc.update({"isp": "internet circuit inet-dc-01", "inside1": "to dc-core1", "inside2": "to dc-core2"})
            for i in (1, 2):
                sw = dev(f"dc-sw{i}", "dc", DeviceRole.SWITCH, MODELS["WS-C2960X-24TS-L"])
                sw.ports["up"] = "GigabitEthernet1/0/1"
                sw.kinds["up"] = InterfaceKind.ETHERNET
                sw.desc["up"] = f"to dc-core{i}"
            for i, m in enumerate(["PowerEdge R720", "PowerEdge R730", "ProLiant DL380 Gen9", "ProLiant DL380 Gen9"],
                                  start=1):
                srv = dev(f"dc-srv0{i}", "dc", DeviceRole.SERVER, MODELS[m])
                srv.ports["lan"] = "eno1"
                srv.kinds["lan"] = InterfaceKind.ETHERNET
                srv.desc["lan"] = f"to dc-sw{1 + (i - 1) % 2}"
            for c in cores.values():
                c.ports["ic"] = c.model.lan
                c.kinds["ic"] = InterfaceKind.ETHERNET
                c.desc["ic"] = "core interconnect (intra-site, not modelled as a link)"
            continue
        if sid == "drc":
            r = dev("drc-r1", "drc", DeviceRole.CORE_ROUTER, MODELS["SRX345"], tenant="diskominfo")
            give(r, n.optical, r.model.optical, InterfaceKind.OPTICAL)
            give(r, n.ethernet, ("ge-0/0/1",), InterfaceKind.ETHERNET)
            r.ports["lan"], r.kinds["lan"], r.desc["lan"] = "ge-0/0/0", InterfaceKind.ETHERNET, "to drc-sw1"
            sw = dev("drc-sw1", "drc", DeviceRole.SWITCH, MODELS["EX2300-24T"], tenant="diskominfo")
            sw.ports["up"], sw.kinds["up"], sw.desc["up"] = "ge-0/0/0", InterfaceKind.ETHERNET, "to drc-r1"
            for i, m in enumerate(["ProLiant DL380 Gen9", "ProLiant DL380 Gen9"], start=1):
                srv = dev(f"drc-srv0{i}", "drc", DeviceRole.SERVER, MODELS[m], tenant="diskominfo")
                srv.ports["lan"], srv.kinds["lan"], srv.desc["lan"] = "eno1", InterfaceKind.ETHERNET, "to drc-sw1"
            continue
        if sid == "noc":
            r = dev("noc-r1", "noc", DeviceRole.ACCESS_ROUTER, MODELS["RB3011UiAS-RM"])
            give(r, n.optical, r.model.optical, InterfaceKind.OPTICAL)
            r.ports["lan"], r.kinds["lan"], r.desc["lan"] = "ether2", InterfaceKind.ETHERNET, "NOC LAN"
            mon = dev("noc-mon1", "noc", DeviceRole.SERVER, MODELS["ProLiant DL360 Gen9"])
            mon.ports["lan"], mon.kinds["lan"], mon.desc["lan"] = "eno1", InterfaceKind.ETHERNET, "NOC LAN"
            continue
        if kind is SiteKind.MANHOLE:
            p = dev(f"{sid}-sc1", sid, DeviceRole.SPLICE_CLOSURE, MODELS["FOSC dome splice closure, 48 core"])
            give(p, n.passive, _seq("port", len(n.passive)), InterfaceKind.PASSIVE_PORT)
            continue
        if kind is SiteKind.TOWER:
            model = MODELS["RB433AH"] if len(n.wlan) <= 3 else MODELS["RB435G"]
            p = dev(f"{sid}-r1", sid, DeviceRole.DISTRIBUTION_ROUTER, model)
            p.ports["lan"], p.kinds["lan"], p.desc["lan"] = "ether1", InterfaceKind.ETHERNET, "tower LAN / PoE"
            give_wlan(p, n.wlan)
            continue
        if kind in (SiteKind.KECAMATAN, SiteKind.CITY_HALL):
            old = sid in ("kec-bogor-selatan", "kec-bogor-tengah")  # two 2011 routers still in service
            model = MODELS["CISCO2911/K9"] if old else MODELS["ISR4331/K9"]
            role = DeviceRole.DISTRIBUTION_ROUTER
            p = dev(f"{sid}-r1", sid, role, model)
            if old:
                p.rollout = 2011
            elif model.released > p.rollout:
                p.rollout = model.released
            p.ports["lan"], p.kinds["lan"], p.desc["lan"] = model.lan, InterfaceKind.ETHERNET, "LAN"
            give(p, n.optical, model.optical, InterfaceKind.OPTICAL)
            radio_box(sid, n.wlan)
            continue
        # departments and kelurahan
        opt, wl = len(n.optical), n.wlan
        role = DeviceRole.ACCESS_ROUTER
        single: Model | None = None
        if opt == 0 and len(wl) == 1 and wl[0][2] == "sta":
            single = station_model(wl[0][1], radio[wl[0][0]].antenna_gain_b_dbi)
        elif opt == 0 and 2 <= len(wl) <= 3:
            single = MODELS["RB433AH"]
        elif len(wl) == 1 and wl[0][2] == "sta" and wl[0][1] == 2.4 and opt <= 1:
            single = MODELS["RB2011UiAS-2HnD"]
        elif len(wl) == 1 and wl[0][2] == "sta" and wl[0][1] == 5.8 and opt <= 2:
            single = MODELS["RB953GS-5HnT"]
        if single is not None:
            p = dev(f"{sid}-r1", sid, role, single)
            p.ports["lan"], p.kinds["lan"], p.desc["lan"] = single.lan, InterfaceKind.ETHERNET, "office LAN"
            give(p, n.optical, single.optical, InterfaceKind.OPTICAL)
            give_wlan(p, wl)
            continue
        if sid in MODEL_OVERRIDE:
            model = MODELS[MODEL_OVERRIDE[sid]]
        elif opt <= 1:
            model = MODELS["RB2011UiAS-RM"]
        elif opt <= 2:
            model = MODELS["CCR1009-8G-1S-1S+"]
        else:
            model = MODELS["CCR1036-12G-4S"]
        p = dev(f"{sid}-r1", sid, role if opt < 3 else DeviceRole.DISTRIBUTION_ROUTER, model)
        p.ports["lan"], p.kinds["lan"], p.desc["lan"] = model.lan, InterfaceKind.ETHERNET, "office LAN"
        give(p, n.optical, model.optical, InterfaceKind.OPTICAL)
        radio_box(sid, wl)

    # wire the links' endpoints to the planned ports
    by_site: dict[str, list[DevPlan]] = defaultdict(list)
    for p in plans:
        by_site[p.site].append(p)
    for lk in links:
        for end, sid in (("a", lk.a_site), ("b", lk.b_site)):
            key = lk.id
            if lk.sector is not None and end == "a":
                key = f"sector:{lk.sector[1]}"
            hits = [(p.id, p.ports[key]) for p in by_site[sid] if key in p.ports]
            if len(hits) != 1:
                raise SystemExit(f"link {lk.id}: no unique port for {key} at {sid}: {hits}")
            if end == "a":
                lk.a_port = hits[0]
            else:
                lk.b_port = hits[0]
    return plans


def radio_attrs(links: list[LinkSpec], sites: dict[str, SiteSpec]) -> tuple[dict[str, RadioAttrs], dict[str, float]]:
    """Radio attributes per link id: channel plan, gains by link type, overrides for the thin ones."""
    ch24 = [2412.0, 2437.0, 2462.0]
    ch58 = [5745.0, 5765.0, 5785.0, 5805.0, 5825.0]
    used: dict[str, int] = defaultdict(int)  # per site: how many 5.8 channels handed out
    sector_freq: dict[tuple[str, str], float] = {}
    out: dict[str, RadioAttrs] = {}
    cap: dict[str, float] = {}
    for lk in links:
        if not lk.medium.is_radio:
            continue
        a, b = sites[lk.a_site], sites[lk.b_site]
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        band = 2.4 if lk.medium is LinkMedium.RADIO_2_4 else 5.8
        if lk.sector is not None and lk.sector in sector_freq:
            f = sector_freq[lk.sector]
        elif band == 2.4:
            f = ch24[_h(lk.a_site) % 3]
        else:
            f = ch58[(_h(lk.a_site) + used[lk.a_site]) % 5]
            used[lk.a_site] += 1
        if lk.sector is not None:
            sector_freq[lk.sector] = f
        if lk.sector is None:  # backbone PtP: dishes on both ends, 40 MHz
            kw: dict[str, float] = {"channel_width_mhz": 40, "tx_power_dbm": 20, "antenna_gain_a_dbi": 27,
                                    "antenna_gain_b_dbi": 27, "rx_sensitivity_dbm": -74}
        elif band == 5.8:
            kw = {"channel_width_mhz": 20, "tx_power_dbm": 20, "antenna_gain_a_dbi": 19,
                  "antenna_gain_b_dbi": 16 if d <= 2.0 else 24, "rx_sensitivity_dbm": -78}
        else:
            kw = {"channel_width_mhz": 20, "tx_power_dbm": 20, "antenna_gain_a_dbi": 15, "antenna_gain_b_dbi": 24,
                  "rx_sensitivity_dbm": -80}
        kw.update(THIN[lk.id][1] if lk.id in THIN else {})
        r = RadioAttrs(frequency_mhz=f, path_length_km=round(d, 2), **kw)
        out[lk.id] = r
        margin = fade_margin_db(r, d)
        if band == 2.4:
            c = 40.0 if d < 1.0 else 30.0 if d < 2.0 else 20.0
        elif lk.sector is None:
            c = 150.0 if r.channel_width_mhz >= 40 else 50.0
        else:
            c = 80.0 if d < 1.5 else 65.0 if d < 3.0 else 50.0
        if margin < 15:
            c = 20.0 if band == 2.4 else 50.0
        cap[lk.id] = c
    return out, cap


# ------------------------------------------------------------------------------------------ the inventory


def build() -> tuple[Inventory, dict[str, object]]:
    specs = build_sites()
    sites = {s.id: s for s in specs}
    links = link_specs()
    radio, radio_cap = radio_attrs(links, sites)
    plans = plan_devices(sites, links, radio)

    # --- addresses: /30 per routed p2p link (10.30.0.0/18), /24 per AP sector interface (10.31.0.0/16)
    addr: dict[tuple[str, str], list[IPv4Interface]] = defaultdict(list)
    p2p = IPv4Network("10.30.0.0/18").subnets(new_prefix=30)
    sectors = IPv4Network("10.31.0.0/16").subnets(new_prefix=24)
    link_by_id = {lk.id: lk for lk in links}
    spliced = {x for pair in SPLICED_THROUGH for x in pair}
    for first, second in SPLICED_THROUGH:
        net = next(p2p)
        hosts = list(net.hosts())
        addr[link_by_id[first].a_port].append(IPv4Interface(f"{hosts[0]}/30"))
        addr[link_by_id[second].b_port].append(IPv4Interface(f"{hosts[1]}/30"))
    sector_net: dict[tuple[str, str], tuple[IPv4Network, Iterator[IPv4Address]]] = {}
    for lk in links:
        if lk.status is not LinkStatus.ACTIVE or lk.id in spliced:
            continue
        if lk.sector is None:
            net = next(p2p)
            h1, h2 = list(net.hosts())
            addr[lk.a_port].append(IPv4Interface(f"{h1}/30"))
            addr[lk.b_port].append(IPv4Interface(f"{h2}/30"))
        else:
            if lk.a_port not in sector_net:
                snet = next(sectors)
                shosts = snet.hosts()
                addr[lk.a_port].append(IPv4Interface(f"{next(shosts)}/24"))
                sector_net[lk.a_port] = (snet, shosts)
            addr[lk.b_port].append(IPv4Interface(f"{next(sector_net[lk.a_port][1])}/24"))

    # --- racks and power
    racks = [Rack(id=f"dc-rack-{x}", site="dc", name=f"DC rack {x.upper()}", u_height=42,
                  description="42U rack in the Tier I data centre.") for x in "abc"]
    racks.append(Rack(id="drc-rack-01", site="drc", name="DRC cage rack 01", u_height=42,
                      description="The city's rack in the third-party DRC."))
    feeds = [PowerFeed(id=f"dc-feed-{x}", site="dc", rack=f"dc-rack-{x}", name=f"Rack {x.upper()} feed (single path)",
                       voltage=230, amperage=16, phases=1, max_utilization_pct=80) for x in "abc"]
    feeds += [
        PowerFeed(id="drc-feed-a", site="drc", rack="drc-rack-01", name="DRC rack 01 feed A", voltage=230,
                  amperage=16, redundant_with="drc-feed-b"),
        PowerFeed(id="drc-feed-b", site="drc", rack="drc-rack-01", name="DRC rack 01 feed B", voltage=230,
                  amperage=16, redundant_with="drc-feed-a"),
    ]
    rack_of = {
        "dc-core1": ("dc-rack-a", 40), "dc-fw1": ("dc-rack-a", 38), "dc-sw1": ("dc-rack-a", 36),
        "dc-srv01": ("dc-rack-a", 20), "dc-core2": ("dc-rack-b", 40), "dc-sw2": ("dc-rack-b", 36),
        "dc-srv02": ("dc-rack-b", 20), "dc-srv03": ("dc-rack-c", 20), "dc-srv04": ("dc-rack-c", 17),
        "drc-r1": ("drc-rack-01", 40), "drc-sw1": ("drc-rack-01", 38), "drc-srv01": ("drc-rack-01", 20),
        "drc-srv02": ("drc-rack-01", 17),
    }

    # --- management addresses (10.20.0.0/16), in device order per block
    block_of = {SiteKind.DATA_CENTRE: 0, SiteKind.NOC: 0, SiteKind.DRC: 1, SiteKind.CITY_HALL: 2,
                SiteKind.DEPARTMENT: 2, SiteKind.KECAMATAN: 3, SiteKind.TOWER: 4, SiteKind.KELURAHAN: 10}
    fixed_mgmt = {"dc-core1": 1, "dc-core2": 2, "dc-fw1": 3, "dc-sw1": 11, "dc-sw2": 12, "dc-srv01": 101,
                  "dc-srv02": 102, "dc-srv03": 103, "dc-srv04": 104, "noc-r1": 40, "noc-mon1": 50,
                  "drc-r1": 1, "drc-sw1": 11, "drc-srv01": 101, "drc-srv02": 102}
    counters: dict[int, int] = defaultdict(lambda: 10)
    devices: list[Device] = []
    for p in plans:
        kind = sites[p.site].kind
        mgmt: IPv4Address | None = None
        if p.model.platform is not Platform.PASSIVE:
            block = block_of[kind]
            if p.id in fixed_mgmt:
                host = fixed_mgmt[p.id]
            else:
                counters[block] += 1
                host = counters[block]
                if host > 250:
                    block, host = block + 1, host - 240
            mgmt = IPv4Address(f"10.20.{block}.{host}")
        year = max(p.rollout, p.model.released)
        if kind in (SiteKind.KELURAHAN, SiteKind.DEPARTMENT, SiteKind.TOWER):
            year = max(year, p.rollout + _h("year:" + p.site) % 4)  # sites were equipped over a few years
        installed = a_date("install:" + p.id, year)
        ifaces: list[Interface] = []
        order = sorted(p.ports.items(), key=lambda kv: _iface_sort(kv[1]))
        for key, name in order:
            served = link_by_id.get(key) if not key.startswith("sector:") else None
            desc = p.desc.get(key, "")
            if served is not None:
                far = served.b_site if served.a_site == p.site else served.a_site
                tag = " (planned)" if served.status is LinkStatus.PLANNED else ""
                desc = f"{desc + ' ' if desc else ''}to {far} [{served.id}]{tag}"
            elif key.startswith("sector:"):
                n_st = sum(1 for x in links if x.sector == (p.site, key.split(':', 1)[1]))
                desc = f"{desc} '{key.split(':', 1)[1]}', {n_st} station(s)"
            ifaces.append(Interface(name=name, kind=p.kinds[key], addresses=addr.get((p.id, name), []),
                                    description=desc,
                                    speed_mbps=1000 if p.kinds[key] in (InterfaceKind.OPTICAL,) else None))
        rk = rack_of.get(p.id)
        devices.append(Device(
            id=p.id, site=p.site, role=p.role, platform=p.model.platform, model=p.model.name,
            manufacturer=p.model.manufacturer, serial=serial_for(p.model, p.id, installed), mgmt_ip=mgmt,
            install_date=installed,
            # a fresh date per device: the YAML dumper writes an anchor/alias for an object shared by records
            end_of_support=dt.date.fromordinal(p.model.eos.toordinal())
            if p.model.platform is not Platform.PASSIVE else None,
            rack=rk[0] if rk else None, rack_position=rk[1] if rk else None,
            rack_units=p.model.units if rk else 1, power_watts=p.model.watts, tenant=p.tenant,
            interfaces=ifaces))

    # --- links
    out_links: list[Link] = []
    for lk in links:
        a, b = sites[lk.a_site], sites[lk.b_site]
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        fibre = radio_ = None
        cap: float | None = None
        provider = ""
        if lk.medium is LinkMedium.FIBRE:
            length = round(max(d * 1.3, 0.05) + 0.05, 2)
            wl = 1550 if length > 5 else 1310
            fibre = FibreAttrs(length_km=length, cores=lk.cores, splices=math.ceil(length) + 1,
                               connectors=4 if lk.owner is FibreOwner.THIRD_PARTY else 2, owner=lk.owner,
                               wavelength_nm=wl, optics_budget_db=22.0 if wl == 1550 else 15.0)
            cap = 1000.0
            if lk.owner is FibreOwner.THIRD_PARTY:
                provider = FO_PARTNER
        elif lk.medium is LinkMedium.LEASED_LINE:
            cap = 100.0
            provider = CARRIER
        else:
            radio_ = radio[lk.id]
            cap = radio_cap[lk.id]
        desc = lk.description
        if lk.id == "fo-dc--drc":
            desc = "Third-party dark fibre to the DRC (backup to the leased line)."
        elif lk.medium is LinkMedium.FIBRE and lk.status is LinkStatus.ACTIVE:
            desc = "Today's FO" + (" on third-party cable (seed 001 §2.4)." if lk.owner is FibreOwner.THIRD_PARTY
                                   else ".")
        for m in MIGRATIONS:
            if lk.id in m.retires:
                desc += f" Retired by §4.3 row {m.id}."
            if lk.id in m.reroutes:
                desc += f" Rerouted by §4.3 row {m.id}."
        if lk.id in THIN:
            desc += f" Thin fade margin: {THIN[lk.id][0]}."
        out_links.append(Link(id=lk.id, a=Endpoint(device=lk.a_port[0], interface=lk.a_port[1]),
                              b=Endpoint(device=lk.b_port[0], interface=lk.b_port[1]), medium=lk.medium,
                              status=lk.status, capacity_mbps=cap, fibre=fibre, radio=radio_, provider=provider,
                              description=desc.strip()))

    # --- migrations
    migrations = [Migration(id=m.id, route=m.route, a_site=m.a_site, b_site=m.b_site, action=m.action,
                            new_links=[f"fo-{a}--{b}" for a, b in m.new], retires=m.retires, reroutes=m.reroutes,
                            depends_on=m.depends_on, status=MigrationStatus.PLANNED,
                            source=f"{MASTER_PLAN}, §4.3 row {m.id}", description=m.text)
                  for m in MIGRATIONS]

    # --- services (seed 002), hosted at the DC with a replica at the DRC
    kec_tenants = [f"kecamatan-{rid}" for rid, _, _, _ in KECAMATAN]
    services = [
        Service(id="website", name="Official website", kind=ServiceKind.WEBSITE, url="https://www.kotabogor.go.id",
                primary_site="dc", replica_site="drc", failover=FailoverMode.AUTOMATIC, tenant="diskominfo",
                description="The city's website and its sub-domains (seed 002)."),
        Service(id="webmail", name="Webmail", kind=ServiceKind.WEBMAIL, url="https://mail.kotabogor.go.id",
                primary_site="dc", replica_site="drc", failover=FailoverMode.AUTOMATIC, tenant="diskominfo",
                description="Official e-mail of the city staff (seed 002)."),
        Service(id="lpse", name="LPSE e-procurement", kind=ServiceKind.E_PROCUREMENT,
                url="https://lpse.kotabogor.go.id", primary_site="dc", replica_site="drc",
                failover=FailoverMode.MANUAL, tenant="setda",
                description="Electronic procurement (seed 002). Tenant (Setda procurement unit) is an assumption."),
        Service(id="pbb-online", name="PBB online land tax", kind=ServiceKind.LAND_TAX,
                url="https://pbb.kotabogor.go.id", primary_site="dc", replica_site="drc",
                failover=FailoverMode.MANUAL, tenant="dispenda", used_by=["dispenda", "bpkad", *kec_tenants],
                description="Online payment of the land and building tax (POS PBB, seed 002)."),
        Service(id="siak", name="SIAK online civil registry", kind=ServiceKind.CIVIL_REGISTRY,
                url="https://siak.kotabogor.go.id", primary_site="dc", replica_site="drc",
                failover=FailoverMode.MANUAL, tenant="disdukcapil", used_by=["disdukcapil", *kec_tenants],
                description="Online civil registry (SIAK Online, seed 002), used by Disdukcapil and every "
                            "kecamatan and kelurahan office."),
        Service(id="kantaya", name="Kantaya e-office", kind=ServiceKind.E_OFFICE,
                url="https://kantaya.kotabogor.go.id", primary_site="dc", replica_site="drc",
                failover=FailoverMode.MANUAL, tenant="diskominfo",
                description="The Kantaya e-office (seed 002), used by every office in working hours."),
    ]

    # --- SLA targets
    sla = [SlaTarget(id=f"sla-{s.id}", name=f"{s.name}: master plan 99.5 %", scope=ScopeKind.SERVICE, ref=s.id,
                     preset=SlaPreset.MASTERPLAN, period=PeriodKind.MONTH, timezone="Asia/Jakarta",
                     service_hours=ServiceHours(weekdays=[0, 1, 2, 3, 4], start=dt.time(7, 0), end=dt.time(17, 0))
                     if s.id == "kantaya" else None)
           for s in services]
    sla += [SlaTarget(id=f"sla-kecamatan-{rid}", name=f"Kecamatan {name} and its kelurahan: road map 2015-2019",
                      scope=ScopeKind.TENANT, ref=f"kecamatan-{rid}", preset=SlaPreset.ROADMAP_2015,
                      period=PeriodKind.MONTH, timezone="Asia/Jakarta")
            for rid, name, _, _ in KECAMATAN]
    sla += [
        SlaTarget(id="sla-balaikota", name="Balaikota (city hall) reachability", scope=ScopeKind.SITE,
                  ref="balaikota", preset=SlaPreset.MASTERPLAN, period=PeriodKind.MONTH, timezone="Asia/Jakarta"),
        SlaTarget(id="sla-dc-drc-leased-line", name="DC-DRC leased line (carrier contract)", scope=ScopeKind.LINK,
                  ref="ll-dc--drc", objective=99.5, period=PeriodKind.MONTH, timezone="Asia/Jakarta"),
        SlaTarget(id="sla-dc-roadmap-2020", name="Data centre: road map 2020-2025 target (illustrative)",
                  scope=ScopeKind.SITE, ref="dc", preset=SlaPreset.ROADMAP_2020, period=PeriodKind.MONTH,
                  timezone="Asia/Jakarta"),
    ]

    maintenance = [
        MaintenanceWindow(id="mw-2026-10-bts-07", start=dt.datetime(2026, 10, 10, 22, 0, tzinfo=WIB),
                          end=dt.datetime(2026, 10, 11, 2, 0, tzinfo=WIB), scope=ScopeKind.SITE, refs=["bts-07"],
                          reason="BTS 07: re-align the backhaul dish to Kec. Bogor Selatan and replace a corroded "
                                 "N-connector."),
        MaintenanceWindow(id="mw-2026-10-fo-kesbang-lh", start=dt.datetime(2026, 10, 18, 1, 0, tzinfo=WIB),
                          end=dt.datetime(2026, 10, 18, 4, 0, tzinfo=WIB), scope=ScopeKind.LINK,
                          refs=["fo-kesbang--lingkungan-hidup"],
                          reason="Re-splice the Kesbang - Lingkungan Hidup cable after road works."),
        MaintenanceWindow(id="mw-2026-11-dc-ups", start=dt.datetime(2026, 11, 7, 22, 0, tzinfo=WIB),
                          end=dt.datetime(2026, 11, 8, 3, 0, tzinfo=WIB), scope=ScopeKind.SITE, refs=["dc"],
                          reason="UPS battery replacement. Tier I has a single power path: the whole data centre "
                                 "is down; services fail over to the DRC."),
        MaintenanceWindow(id="mw-2026-11-lpse", start=dt.datetime(2026, 11, 21, 20, 0, tzinfo=WIB),
                          end=dt.datetime(2026, 11, 21, 23, 0, tzinfo=WIB), scope=ScopeKind.SERVICE,
                          refs=["lpse"], reason="LPSE application upgrade."),
    ]

    circuits = [Circuit(id="inet-dc-01", provider=ISP, kind="internet", commit_rate_mbps=40.0, site="dc",
                        termination=Endpoint(device="dc-fw1", interface="ge-0/0/0"), status=LinkStatus.ACTIVE,
                        description="The city network's 40 Mbps internet access (seed 002). Provider unnamed.")]

    settings = Settings(
        name="Kota Bogor", city="Bogor",
        description=("The network of the city government of Bogor (Pemkot Bogor): city fibre core, 18-BTS radio "
                     "backbone, the Tier I data centre and NOC, the third-party DRC, and the link migrations of "
                     f"the {MASTER_PLAN} (§4.3). Facts from the seeds; the rest is invented and labelled: see "
                     "README.md."),
        timezone="Asia/Jakarta", default_sla_pct=99.5,
        bounds=Bounds(south=-6.67, west=106.74, north=-6.51, east=106.85),
        p2p_pool=IPv4Network("10.255.0.0/16"), loopback_pool=IPv4Network("10.254.0.0/16"),
        noc_servers=[IPv4Address("10.20.0.50")],
        ntp_servers=[IPv4Address("10.20.0.1"), IPv4Address("10.20.0.2")],
        syslog_servers=[IPv4Address("10.20.0.50")],
    )

    inv = Inventory(
        settings=settings,
        regions=[Region(id=rid, name=name, description=f"Kecamatan {name} ({len(KELURAHAN[rid])} kelurahan).")
                 for rid, name, _, _ in KECAMATAN],
        tenants=[Tenant(id=t, name=n, short_name=sn, description=d) for t, n, sn, d, _ in TENANTS],
        sites=[Site(id=s.id, name=s.name, kind=s.kind, region=s.region, tenant=s.tenant, latitude=s.lat,
                    longitude=s.lon, address=s.address, tier=s.tier, operator=s.operator, description=s.description)
               for s in specs],
        devices=devices, links=out_links, circuits=circuits, racks=racks, power_feeds=feeds, services=services,
        migrations=migrations, sla_targets=sla, maintenance=maintenance,
    )
    return inv, {"radio_margin": {lid: fade_margin_db(r, haversine_km(
        sites[link_by_id[lid].a_site].lat, sites[link_by_id[lid].a_site].lon,
        sites[link_by_id[lid].b_site].lat, sites[link_by_id[lid].b_site].lon)) for lid, r in radio.items()}}


def _iface_sort(name: str) -> tuple[int, str, int]:
    """ether/Gi LAN first, then optical, then wireless; numeric suffix order."""
    digits = "".join(ch for ch in name if ch.isdigit())
    rank = 2 if name.startswith("wlan") else 1 if ("sfp" in name or name.startswith("port")) else 0
    return rank, name.rstrip("0123456789"), int(digits[-3:]) if digits else 0


# ------------------------------------------------------------------------------------------ checks of the story


def site_graph(inv: Inventory, statuses: set[LinkStatus], drop: frozenset[str] = frozenset()) -> nx.MultiGraph[str]:
    site_of = {d.id: d.site for d in inv.devices}
    g: nx.MultiGraph[str] = nx.MultiGraph()
    g.add_nodes_from(s.id for s in inv.sites)
    for lk in inv.links:
        if lk.status in statuses and lk.id not in drop:
            g.add_edge(site_of[lk.a.device], site_of[lk.b.device], key=lk.id)
    return g


def check_story(inv: Inventory, margins: dict[str, float]) -> list[str]:
    errs: list[str] = []
    passive = {s.id for s in inv.sites if s.kind is SiteKind.MANHOLE}
    site_of = {d.id: d.site for d in inv.devices}
    today = site_graph(inv, {LinkStatus.ACTIVE})
    reach = nx.node_connected_component(today, "dc")
    missing = [s.id for s in inv.sites if s.id not in passive and s.id not in reach]
    if missing:
        errs.append(f"not connected to dc today: {missing}")
    # after all migrations: planned links active, retired radios and rerouted fibre gone
    retired = {x for m in inv.migrations for x in (*m.retires, *m.reroutes)}
    after = site_graph(inv, {LinkStatus.ACTIVE, LinkStatus.PLANNED}, drop=frozenset(retired))
    reach = nx.node_connected_component(after, "dc")
    missing = [s.id for s in inv.sites if s.id not in reach]
    if missing:
        errs.append(f"not connected to dc after the migrations: {missing}")
    # every migration, applied in dependency order, keeps everyone connected
    dg: nx.DiGraph[str] = nx.DiGraph()
    for m in inv.migrations:
        dg.add_node(m.id)
        for dep in m.depends_on:
            dg.add_edge(dep, m.id)
    active = {lk.id for lk in inv.links if lk.status is LinkStatus.ACTIVE}
    by_id = {m.id: m for m in inv.migrations}
    for mid in nx.lexicographical_topological_sort(dg, key=lambda x: (int(x.rstrip("ab")), x)):
        m = by_id[mid]
        active |= set(m.new_links)
        active -= set(m.retires) | set(m.reroutes)
        g = site_graph(inv, {LinkStatus.ACTIVE, LinkStatus.PLANNED},
                       drop=frozenset(lk.id for lk in inv.links if lk.id not in active))
        reach = nx.node_connected_component(g, "dc")
        lost = [s.id for s in inv.sites if s.id not in passive and s.id not in reach]
        if lost:
            errs.append(f"after route {mid}: {lost} lose the dc")
    thin = sorted(lid for lid, mg in margins.items() if mg < 15)
    if thin != sorted(THIN):
        errs.append(f"thin links {thin} differ from the intended {sorted(THIN)}")
    border = sorted(lid for lid, mg in margins.items() if 14.0 <= mg < 16.0)
    if border:
        errs.append(f"margins too close to 15 dB (ambiguous): {border}")
    radio_fed = {site_of[lk.b.device] for lk in inv.links if lk.medium.is_radio and lk.status is LinkStatus.ACTIVE}
    no_radio = [s.id for s in inv.sites if s.kind is SiteKind.KELURAHAN and s.id not in radio_fed]
    if no_radio:
        errs.append(f"kelurahan without wireless today: {no_radio}")
    # names of the kelurahan: exactly the administrative record
    kel = [s for s in inv.sites if s.kind is SiteKind.KELURAHAN]
    if len(kel) != 68:
        errs.append(f"{len(kel)} kelurahan, expected 68")
    if sum(1 for s in inv.sites if s.kind is SiteKind.TOWER) != 18:
        errs.append("expected 18 towers")
    # existing addresses must stay out of the planner's pools
    for d in inv.devices:
        for itf in d.interfaces:
            for a in itf.addresses:
                if a.ip in inv.settings.p2p_pool or a.ip in inv.settings.loopback_pool:
                    errs.append(f"{d.id} {itf.name} {a} is inside a planner pool")
    planned_ports = {(e.device, e.interface) for lk in inv.links if lk.status is LinkStatus.PLANNED
                     for e in (lk.a, lk.b)}
    for d in inv.devices:
        for itf in d.interfaces:
            if (d.id, itf.name) in planned_ports and itf.addresses:
                errs.append(f"{d.id} {itf.name} carries a planned link but has addresses")
    return errs


# ------------------------------------------------------------------------------------------ README


def readme(inv: Inventory, margins: dict[str, float]) -> str:
    kinds = Counter(s.kind.value for s in inv.sites)
    roles = Counter(d.role.value for d in inv.devices)
    plats = Counter(d.platform.value for d in inv.devices)
    media = Counter((lk.medium.value, lk.status.value) for lk in inv.links)
    site_of = {d.id: d.site for d in inv.devices}
    kind_of = {s.id: s.kind for s in inv.sites}
    fibre_sites = sorted({site_of[e.device] for lk in inv.links
                          if lk.medium is LinkMedium.FIBRE and lk.status is LinkStatus.ACTIVE
                          for e in (lk.a, lk.b)} - {s for s, k in kind_of.items() if k is SiteKind.MANHOLE})
    third = [lk.id for lk in inv.links if lk.fibre is not None and lk.status is LinkStatus.ACTIVE
             and lk.fibre.owner is FibreOwner.THIRD_PARTY]
    fo_active = [lk for lk in inv.links if lk.medium is LinkMedium.FIBRE and lk.status is LinkStatus.ACTIVE]
    past_eos = sum(1 for d in inv.devices if d.end_of_support and d.end_of_support < SNAPSHOT)
    dual = sorted(s for s, n in Counter(site_of[lk.b.device] for lk in inv.links
                                        if lk.medium.is_radio and kind_of[site_of[lk.b.device]] is SiteKind.KELURAHAN
                                        ).items() if n > 1)
    today = site_graph(inv, {LinkStatus.ACTIVE})
    core: nx.Graph[str] = nx.Graph(today)
    cut = sorted(a for a in nx.articulation_points(core) if a != "dc")
    rings = len(nx.cycle_basis(core))

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    mig_rows = [row(["#", "route", "action (seed 001 §4.3)", "a_site → b_site", "new links (planned FO)",
                     "retires", "reroutes", "after", "interpretation"]),
                row(["---"] * 9)]
    spec = {m.id: m for m in MIGRATIONS}
    for m in inv.migrations:
        mig_rows.append(row([m.id, m.route, m.description, f"`{m.a_site}` → `{m.b_site}`",
                             "<br>".join(f"`{x}`" for x in m.new_links),
                             "<br>".join(f"`{x}`" for x in m.retires) or "—",
                             "<br>".join(f"`{x}`" for x in m.reroutes) or "—",
                             ", ".join(m.depends_on) or "—", spec[m.id].choice or "as written"]))
    count_rows = [row(["what", "count"]), row(["---", "---:"])]
    count_rows += [row([f"sites: {k}", str(v)]) for k, v in sorted(kinds.items())]
    count_rows += [row(["sites (total)", str(len(inv.sites))]), row(["regions (kecamatan)", str(len(inv.regions))]),
                   row(["tenants", str(len(inv.tenants))])]
    count_rows += [row([f"devices: {k}", str(v)]) for k, v in sorted(roles.items())]
    count_rows += [row(["devices (total)", str(len(inv.devices))])]
    count_rows += [row([f"devices on platform {k}", str(v)]) for k, v in sorted(plats.items())]
    count_rows += [row(["devices past end of support on " + SNAPSHOT.isoformat(), str(past_eos)]),
                   row(["interfaces", str(sum(len(d.interfaces) for d in inv.devices))])]
    count_rows += [row([f"links: {m} {s}", str(v)]) for (m, s), v in sorted(media.items())]
    count_rows += [row(["links (total)", str(len(inv.links))]),
                   row(["sites with active fibre (excl. manholes)", str(len(fibre_sites))]),
                   row(["active fibre links on third-party cable", f"{len(third)} of {len(fo_active)}"]),
                   row(["radio links with fade margin < 15 dB", str(sum(1 for x in margins.values() if x < 15))]),
                   row(["dual-homed kelurahan (two radio links)", str(len(dual))]),
                   row(["independent cycles in today's site graph", str(rings)]),
                   row(["cut vertices (single points of failure) today, besides dc", str(len(cut))]),
                   row(["racks / power feeds", f"{len(inv.racks)} / {len(inv.power_feeds)}"]),
                   row(["circuits", str(len(inv.circuits))]), row(["services", str(len(inv.services))]),
                   row(["migration records", str(len(inv.migrations))]),
                   row(["SLA targets", str(len(inv.sla_targets))]),
                   row(["maintenance windows", str(len(inv.maintenance))])]
    thin_rows = [row(["link", "distance km", "margin dB", "why"]), row(["---", "---:", "---:", "---"])]
    for lid in sorted(THIN):
        lk = inv.link(lid)
        assert lk is not None
        assert lk.radio is not None
        thin_rows.append(row([f"`{lid}`", f"{lk.radio.path_length_km:.2f}", f"{margins[lid]:.1f}",
                              THIN[lid][0]]))
    fact_rows = [row(["fact", "source"]), row(["---", "---"]), *(row([f, src]) for f, src in FACTS)]
    return README.format(
        fact_table="\n".join(fact_rows), migration_table="\n".join(mig_rows),
        count_table="\n".join(count_rows), thin_table="\n".join(thin_rows),
        n_fibre=len(fibre_sites), fibre_sites=", ".join(f"`{s}`" for s in fibre_sites),
        n_third=len(third), n_fo=len(fo_active), dual=", ".join(f"`{s}`" for s in dual),
        cut=", ".join(f"`{s}`" for s in cut), snapshot=SNAPSHOT.isoformat(), past_eos=past_eos,
        operator=DRC_OPERATOR, isp=ISP, carrier=CARRIER, partner=FO_PARTNER, diginet=DIGINET,
    )


README = """\
# Kota Bogor: the embedded example inventory

This directory is the inventory that ships with kotanet (`kotanet inventory show` with no path). It
describes the network of the city government of Bogor (Pemkot Bogor, West Java): the city fibre core,
the radio backbone of 18 towers (BTS) with every kelurahan on wireless, the Tier I data centre and NOC,
the third-party data recovery centre, the six e-government services, SLA targets, and the 17 link
migrations of the Bogor e-government master plan 2014-2018 (section 4.3) as 18 migration records.

**Do not edit the YAML by hand.** It is generated by `scripts/build_bogor.py` (deterministic: running it
twice writes identical bytes); change the tables in the script and run it again:

    .venv/bin/python scripts/build_bogor.py

The script refuses to write if `kotanet.inventory.validate.validate()` finds a problem or if the
dataset's story breaks (a site cut off from the DC today or after any migration step, an unintended
thin radio link). It also writes this README, so the tables below always match the data.

**This is an illustrative dataset, not the city's real inventory.** A few facts come from public
documents (the seed documents beside the project, `shared/seeds/`, summarised in its `DOMAIN.md`) and from the public
administrative record. Everything else (coordinates, topology details, hardware, addresses, dates) was
invented to be plausible, and is labelled as invented below. Do not use it to find or plan real equipment.

The snapshot date is {snapshot}. The network is the one the 2013 master plan describes, plus the data
centre, NOC and DRC the plan called for, modelled as built. The §4.3 migrations are all still `planned`.

## What is fact, and where it comes from

{fact_table}

Seed 002 writes the website as `www.kotabogor.ac.id`; the city's real domain is `kotabogor.go.id`, used here.

## What is invented, and why

- **Coordinates: all approximate** (`coordinates_approximate` is true everywhere, the default). Kelurahan
  and kecamatan offices are placed by the general layout of the city, not surveyed; expect errors of
  the order of a kilometre. Department offices, towers, the DC/NOC building, the DRC and the manholes
  are placed where the topology needs them, near their real neighbourhood where known. All sites lie
  inside the inventory's bounds (-6.67..-6.51, 106.74..106.85).
- **Addresses**: kelurahan and kecamatan addresses name only the office and the district. Street names
  are given only for Balaikota, the DC/NOC (assumed beside Balaikota), Mainhole Bangbarung and Mainhole
  Jalan Baru (named after their streets; the exact points are unknown). Department addresses name the
  office and the kecamatan it was placed in; the placement is invented.
- **Tenants**: the blueprint's departments are facts; the other SKPD (Setda, Kominfo, Bappeda, Dinkes,
  Disdukcapil, Dinsos, BKPSDM, BPBD, Damkar, Sekretariat DPRD, Disnaker, BPKAD, RSUD, DPMPTSP) are the
  typical offices of an Indonesian city, with today's names where the 2016 reorganisation renamed them;
  the seeds do not list them. **Kelurahan sites take their kecamatan's tenant** (`kecamatan-<district>`):
  a kelurahan is an office under its kecamatan, and the kecamatan SLA target (scope `tenant`) then covers
  the district office and all its kelurahan. Department tenants use the same id as their office's site;
  kecamatan tenants are `kecamatan-*`, distinct from the sites `kec-*`. GOR's tenant is Dispora
  (assumption). Towers and manholes belong to Kominfo.
- **Topology** (which site hangs from which, the tower positions, rings): invented so that (a) every
  radio link that §4.3 retires exists today with the medium and the parent the row names, (b) the
  "20 fibre points" and "18 BTS" of seed 002 hold, and (c) the analysis has both redundancy and single
  points of failure. The only facts are the §4.3 rows.
  - {n_fibre} sites have active fibre today (manholes excluded): {fibre_sites}.
    That is seed 002's "fibre at 20 points", counting the DC, NOC and DRC.
  - Third-party cable (seed 001 §2.4): {n_third} of the {n_fo} active fibre links are `owner: third_party`,
    with provider "{partner}"; the rest are city-owned (an invented split).
  - Mainhole Bangbarung is a splice point on the third-party trunk Balaikota → Kec. Bogor Utara. A cable
    spliced straight through a manhole is modelled as two links to a passive splice closure; the L3
    neighbours are the two far ends, and they share one /30.
  - Mainhole Jalan Baru has no cable today (assumption); §4.3 row 9 is what reaches it, so rows 10 and
    16a depend on row 9.
  - Radio backbone: 18 towers, each with one or two 5.8 GHz point-to-point backhauls to a fibre site or
    another tower. The rings (each closed through the fibre core): Balaikota-BTS 01-BTS 03-Kec. Bogor
    Barat; Kec. Bogor Barat-BTS 04-BTS 05-BTS 17-Kec. Tanah Sareal; BTS 03-BTS 06-BTS 07-Kec. Bogor Selatan;
    Kec. Bogor Selatan-BTS 10-BTS 09-BTS 11-Kec. Bogor Timur; Kec. Bogor Utara-BTS 13-BTS 14-BTS 16-Kec.
    Tanah Sareal; Dinkes-BTS 02-BTS 15-Kec. Bogor Utara. BTS 08, BTS 12 and BTS 18 have a single backhaul,
    and every single-homed radio site depends on its one AP. Cut vertices of today's site graph (besides
    `dc`), i.e. single points of failure for what hangs behind them: {cut}.
  - Every kelurahan is served by wireless: 2.4 or 5.8 GHz from a BTS sector, a kecamatan office, a
    department (Disdik serves Satpol PP) or another kelurahan (Kel. Pasir Kuda serves Kel. Pabaton, as
    row 13 says). Dual-homed kelurahan (two radio links): {dual}. RSUD is also dual-homed.
  - The DRC is reached by a leased line ("{carrier}", 100 Mbps, invented) and by a third-party dark fibre.
- **The triangle tower** is `bts-01` (which BTS it is, and where, is invented).
- **Radio parameters**: channels (2412/2437/2462 MHz; 5745-5825 MHz), widths, transmit powers, antenna
  gains (2.4 GHz: 15 dBi sectors, 24 dBi grid antennas; 5.8 GHz: 19 dBi sectors, 16 dBi SXT or 24 dBi QRT
  CPE by distance, 27 dBi dishes on the backbone), receiver sensitivities and capacities are typical
  values for the equipment of 2010-2016, not measurements. `path_length_km` is the great-circle distance
  between the two sites. With FSPL = 32.45 + 20 log10(f MHz) + 20 log10(d km), EIRP = tx + gain_a and
  rx = EIRP - FSPL + gain_b, every radio link has a fade margin of at least 16 dB except these, made thin
  on purpose so that the budget checker has something to flag:

{thin_table}

- **Fibre parameters**: length = 1.3 × the straight-line distance (+ 50 m of patching), rounded; cores
  12-48; splices = ceil(length) + 1; 2 connectors (4 on third-party cable, through the partner's ODF);
  1310 nm with a 15 dB optics budget, 1550 nm and 22 dB above 5 km. Planned links carry the same estimate.
- **Hardware**: models are real products of the period (MikroTik RouterOS boards for kelurahan, towers
  and small offices; Cisco 2911/ISR 4331 at Balaikota and the kecamatan; Cisco ASR 1001-X cores, Juniper
  SRX firewall/router, Cisco and Juniper switches, Dell/HPE servers at the DC and DRC), chosen to fit
  the ports each site needs, but which site has which model is invented. Interface names follow each
  platform's convention. Where one box cannot hold all of a site's ports, radios sit on a second device
  (`<site>-ap1` for an AP, `<site>-cpe1` for a station). Planned FO links land on pre-created optical
  ports without addresses (the planner allocates them from `p2p_pool`).
- **Serial numbers are invented** (pattern-plausible, derived from a hash of the device id), as are
  **install dates** (2010-2016, following the road map: towers and kelurahan wireless first, the DC in
  2015, the DRC in 2016) and **end-of-support dates** (vendor-style horizons; MikroTik publishes none).
  {past_eos} devices are past end of support on {snapshot}, for replacement planning.
- **IP plan** (invented): management 10.20.0.0/16 (10.20.0.0/24 DC and NOC, .1 DRC, .2 Balaikota and
  departments, .3 kecamatan, .4 towers, .10-.11 kelurahan); routed point-to-point /30s for today's links
  from 10.30.0.0/18; one /24 per wireless AP interface from 10.31.0.0/16 (the AP is .1, stations follow).
  `p2p_pool` 10.255.0.0/16 and `loopback_pool` 10.254.0.0/16 are left empty for the planner. The NOC
  server (NOC, syslog) is 10.20.0.50; NTP runs on the two core routers (10.20.0.1, .2). The internet
  circuit is from "{isp}", terminated on the DC firewall.
- **Racks and power**: 3 × 42U racks at the DC, each on one 230 V/16 A feed with no redundant partner:
  TIA-942 Tier I is a single power path. The DRC (tier III, invented) has one rack with two redundant feeds.
- **DRC operator**: "{operator}". The name is made up; seed 001 only says a third party runs the DRC.
- **Service URLs**: `kotabogor.go.id` is the city's domain; the sub-domains (`www`, `mail`, `lpse`,
  `pbb`, `siak`, `kantaya`) are illustrative. Service tenants other than the obvious ones (LPSE under
  Setda) are assumptions. All services run at `dc` with a replica at `drc`; website and webmail fail over
  automatically, the others manually (invented).
- **SLA targets**: every service at the master plan's 99.5 % (`masterplan`; the Kantaya e-office counts only
  weekdays 07:00-17:00, written `service_hours: {{}}` because the canonical writer omits default values
  and those are the defaults); every kecamatan tenant at the 2015-2019 road map's 95 % (`roadmap-2015`);
  Balaikota at 99.5 %; the DC-DRC leased line at 99.5 %; and one illustrative 2020-2025 target of 99.99 %
  (`roadmap-2020`) on the DC, which a Tier I site (99.671 % expected) cannot meet. All monthly, Asia/Jakarta.
- **Maintenance windows**: four invented windows in October-November 2026 (times in WIB, +07:00).

## The 18 migration records (seed 001 §4.3)

Row 16 of the blueprint has two sub-routes; DOMAIN.md numbers them 16a and 16b, and so do the records
(`source` says "row 16a"/"row 16b"). Every new link is `planned` fibre; every retired link is an `active`
radio link of the medium and parent the row names. `after` lists the physical dependencies (`depends_on`).

{migration_table}

## Counts

{count_table}

## What the model cannot say (and how this dataset works around it)

- Intra-site cabling (core to firewall, router to its radio box, DC core interconnect) is not a link:
  the model's media are fibre, radio and leased line. The topology treats all devices of a site as one node.
- A cable spliced through a manhole is two links; the model has no "spliced-through path", so the shared
  /30 of the two far ends is only a convention of this dataset.
- Devices have no status: the optical ports of planned links exist on today's routers (e.g. a CCR with
  spare SFP cages at Inspektorat and Kel. Kayumanis, the future FO junctions).
- Services have no status: the VoIP and teleconference that seed 002 mentions as plans are not listed.
- A site has one `operator`; the triangle tower's sharing with {diginet} is in its description.
"""


# ------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory to write (default: the embedded one)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    inv, extra = build()
    problems = validate(inv)
    if problems:
        for p in problems:
            print(f"PROBLEM {p}", file=sys.stderr)
        print(f"{len(problems)} validation problem(s); nothing written", file=sys.stderr)
        return 1
    margins: dict[str, float] = extra["radio_margin"]  # type: ignore[assignment]
    story = check_story(inv, margins)
    if story:
        for e in story:
            print(f"STORY {e}", file=sys.stderr)
        print("the dataset's story is broken; nothing written", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:  # what we write must load back to the same inventory, and
        first, second = Path(tmp) / "1", Path(tmp) / "2"  # saving what was loaded must give the same bytes
        save_dir(inv, first)
        again = YamlDirSource(first).load()
        save_dir(again, second)
        same = all((first / f.name).read_bytes() == f.read_bytes() for f in second.iterdir())
        if again != inv or not same or len(list(first.iterdir())) != len(list(second.iterdir())):
            print("the YAML does not round-trip (load, save) unchanged; nothing written", file=sys.stderr)
            return 1
    save_dir(inv, args.out)
    (args.out / "README.md").write_text(readme(inv, margins), encoding="utf-8", newline="\n")
    for f in args.out.iterdir():  # save_dir's temporary files are created 0600; a dataset is for everyone
        if f.suffix in (".yaml", ".md"):
            f.chmod(0o644)
    print(f"wrote {args.out} ({len(inv.sites)} sites, {len(inv.devices)} devices, {len(inv.links)} links, "
          f"{len(inv.migrations)} migrations) in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
