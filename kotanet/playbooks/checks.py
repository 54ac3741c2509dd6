"""Post-checks as data: per platform, the commands to run and the patterns that decide pass or fail. Pure.

After a route is committed, every device on the new fibre checks four things on its fibre interface:

| check | passes when |
|---|---|
| `interface_up` | the interface is administratively and operationally up |
| `ospf_full` | an OSPF neighbour on the interface is in state FULL |
| `ping` | the far end's /30 address answers (at least `PING_MIN_PCT` % of the probes) |
| `traffic` | the input and output packet counters both grew between two reads |

`plan_checks` derives the checks from the plan's addressing; `evaluate` decides one check from the outputs
of its commands (the `traffic` check reads its command twice). The same tables write the post-check section
of the MOP, so the field team types exactly what the orchestrator runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Interface

from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Endpoint
from kotanet.topology.plan import RoutePlan

__all__ = [
    "PING_COUNT",
    "PING_MIN_PCT",
    "CheckKind",
    "CheckResult",
    "PostCheck",
    "evaluate",
    "ospf_neighbour_command",
    "plan_checks",
    "platforms_with_checks",
    "unchecked_ends",
]

PING_COUNT = 5
# An IOS router loses the first echo to ARP on a fresh link: 4 of 5 is a working link.
PING_MIN_PCT = 80


class CheckKind(StrEnum):
    INTERFACE_UP = "interface_up"
    OSPF_FULL = "ospf_full"
    PING = "ping"
    TRAFFIC = "traffic"


@dataclass(frozen=True, slots=True)
class PostCheck:
    """One check on one device: the commands to run, and what the orchestrator decides from them."""

    device: str
    platform: Platform
    kind: CheckKind
    interface: str
    far_address: str
    commands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckResult:
    device: str
    kind: CheckKind
    interface: str
    passed: bool
    detail: str


@dataclass(frozen=True, slots=True)
class _Table:
    """One platform's commands (format strings over `itf`, `far`, `count`) and its patterns."""

    interface: str
    interface_up: Callable[[str, str], bool]
    ospf: str
    ospf_full: Callable[[str, str, str], bool]
    ping: str
    ping_pct: Callable[[str], float | None]
    counters: str
    counter_in: re.Pattern[str] | None
    counter_out: re.Pattern[str] | None
    counters_of: Callable[[str, str], tuple[int | None, int | None]] | None = None

    def read_counters(self, out: str, itf: str) -> tuple[int | None, int | None]:
        if self.counters_of is not None:
            return self.counters_of(out, itf)
        assert self.counter_in is not None and self.counter_out is not None
        return _counter(self.counter_in, out), _counter(self.counter_out, out)


def _ios_up(out: str, itf: str) -> bool:
    m = re.search(rf"^{re.escape(itf)} is (\S+?), line protocol is (\S+)", out, re.M)
    return bool(m and m.group(1) == "up" and m.group(2).startswith("up"))


def _ospf_row_full(out: str, itf: str, far: str) -> bool:
    """A neighbour row that names the interface (IOS abbreviates: Gi0/1/0) or the far address, and says FULL."""
    short = _ios_short(itf)
    for line in out.splitlines():
        words = line.split()
        if not words or "full" not in line.lower():
            continue
        names = {w.rstrip(",") for w in words}
        if far in names or any(w in names for w in (itf, f"{itf}.0", short)):
            return True
    return False


def _ios_short(itf: str) -> str:
    m = re.match(r"^([A-Za-z]+?)(\d.*)$", itf)
    if not m:
        return itf
    prefix = {"gigabitethernet": "Gi", "tengigabitethernet": "Te", "fastethernet": "Fa", "ethernet": "Et",
              "serial": "Se"}.get(m.group(1).lower(), m.group(1)[:2])
    return prefix + m.group(2)


def _ios_ping(out: str) -> float | None:
    m = re.search(r"Success rate is (\d+) percent", out)
    return float(m.group(1)) if m else None


def _ros_rows(out: str, itf: str) -> list[tuple[str, list[str]]]:
    """(flags, the other words) of the `print` rows that name `itf`: tabular (`1 R  sfp1  ether  1500`) or
    detailed (`1 R name="sfp1" ...`) output."""
    rows = []
    for line in out.splitlines():
        m = re.match(r"^\s*\d+\s+([A-Z]*)\s*(.*)$", line)
        if not m:
            continue
        words = m.group(2).split()
        if words and (words[0] == itf or f'name="{itf}"' in words or f"name={itf}" in words):
            rows.append((m.group(1), words))
    return rows


def _ros_up(out: str, itf: str) -> bool:
    """`/interface print where name=X`: the row's flags hold R (running) and no X (disabled)."""
    rows = _ros_rows(out, itf)
    return bool(rows) and all("R" in flags and "X" not in flags for flags, _ in rows)


def _ros_counters(out: str, itf: str) -> tuple[int | None, int | None]:
    """rx/tx packets from `/interface print stats where name=X`: key=value (detail) or the RX-PACKET and
    TX-PACKET columns of the table."""
    rx, tx = _counter(re.compile(r"rx-packet=([\d ]*\d)"), out), _counter(re.compile(r"tx-packet=([\d ]*\d)"), out)
    if rx is not None and tx is not None:
        return rx, tx
    header = next((ln.split() for ln in out.splitlines() if "RX-PACKET" in ln and "TX-PACKET" in ln
                   and not ln.startswith("Columns")), None)
    rows = _ros_rows(out, itf)
    if header is None or not rows:
        return None, None
    cols = [c for c in header if c != "#"]
    words = rows[0][1]
    try:
        values = dict(zip(cols, words, strict=True))
        return int(values["RX-PACKET"]), int(values["TX-PACKET"])
    except (ValueError, KeyError):
        return None, None


def _ros_ospf(out: str, itf: str, far: str) -> bool:
    for block in re.split(r"\n\s*(?=\d+\s)", out):
        if (f"interface={itf}" in block or f"address={far}" in block) and re.search(r'state="?full', block, re.I):
            return True
    return False


def _ros_ping(out: str) -> float | None:
    m = re.search(r"sent=(\d+)\s+received=(\d+)", out)
    if not m or int(m.group(1)) == 0:
        return None
    return 100.0 * int(m.group(2)) / int(m.group(1))


def _junos_up(out: str, itf: str) -> bool:
    m = re.search(rf"^{re.escape(itf)}\s+(\S+)\s+(\S+)", out, re.M)
    return bool(m and m.group(1) == "up" and m.group(2) == "up")


def _frr_up(out: str, itf: str) -> bool:
    m = re.search(rf"^Interface {re.escape(itf)} is (\S+?), line protocol is (\S+)", out, re.M)
    return bool(m and m.group(1) == "up" and m.group(2).startswith("up"))


def _junos_ping(out: str) -> float | None:
    """Junos's and Linux iputils' summary line (`5 packets transmitted, 5 received, 0% packet loss`)."""
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", out)
    if not m or int(m.group(1)) == 0:
        return None
    return 100.0 * int(m.group(2)) / int(m.group(1))


_TABLES: dict[Platform, _Table] = {
    Platform.IOS: _Table(
        interface="show interfaces {itf}", interface_up=_ios_up,
        ospf="show ip ospf neighbor", ospf_full=_ospf_row_full,
        ping="ping {far} repeat {count}", ping_pct=_ios_ping,
        counters="show interfaces {itf}",
        counter_in=re.compile(r"(\d+) packets input"), counter_out=re.compile(r"(\d+) packets output")),
    Platform.ROUTEROS: _Table(
        interface="/interface print where name={itf}", interface_up=_ros_up,
        ospf="/routing ospf neighbor print detail where interface={itf}", ospf_full=_ros_ospf,
        ping="/ping {far} count={count}", ping_pct=_ros_ping,
        counters="/interface print stats where name={itf}", counters_of=_ros_counters,
        counter_in=None, counter_out=None),
    Platform.JUNOS: _Table(
        interface="show interfaces terse", interface_up=_junos_up,
        ospf="show ospf neighbor", ospf_full=_ospf_row_full,
        ping="ping {far} count {count} rapid", ping_pct=_junos_ping,
        counters="show interfaces {itf}",  # the logical unit's "Input packets : N" lines
        counter_in=re.compile(r"Input\s+packets\s*:\s*(\d+)"), counter_out=re.compile(r"Output\s+packets\s*:\s*(\d+)")),
    # FRR's vtysh (the digital twin): zebra prints no packet counters on Linux, so `traffic` reads the BFD
    # session's control packets to the far end (every fibre runs BFD); `ping` is the host's iputils ping,
    # which the twin's routers run with a count (vtysh's own `ping` would never stop).
    Platform.FRR: _Table(
        interface="show interface {itf}", interface_up=_frr_up,
        ospf="show ip ospf neighbor", ospf_full=_ospf_row_full,
        ping="ping {far}", ping_pct=_junos_ping,
        counters="show bfd peer {far} counters",
        counter_in=re.compile(r"Control packet input:\s*(\d+)"),
        counter_out=re.compile(r"Control packet output:\s*(\d+)")),
}


def platforms_with_checks() -> tuple[Platform, ...]:
    return tuple(_TABLES)


def _commands(platform: Platform, kind: CheckKind, itf: str, far: str) -> tuple[str, ...]:
    tb = _TABLES[platform]
    fmt = {CheckKind.INTERFACE_UP: tb.interface, CheckKind.OSPF_FULL: tb.ospf, CheckKind.PING: tb.ping,
           CheckKind.TRAFFIC: tb.counters}[kind]
    return (fmt.format(itf=itf, far=far, count=PING_COUNT),)


def plan_checks(plan_route: RoutePlan, platforms: Mapping[str, Platform]) -> list[PostCheck]:
    """Every check of the route: four per active end of each new fibre. `platforms`: device -> platform of the
    devices that are configured (a splice closure, an airOS radio are not in it and get no checks).

    A fibre whose far end is a splice closure (`spliced_at`) ends, for the checks, on the device the core is
    spliced through to (`spliced_through`), which carries the closure-side address: both get checks. When
    no device is spliced through (the new fibre is the cable the others will be spliced onto), its end
    cannot be checked yet: it is left out here and listed by `unchecked_ends`."""
    out: list[PostCheck] = []
    for near, far_address in _check_ends(plan_route, platforms):
        platform = platforms[near.device]
        for kind in CheckKind:
            out.append(PostCheck(device=near.device, platform=platform, kind=kind, interface=near.interface,
                                 far_address=str(far_address.ip),
                                 commands=_commands(platform, kind, near.interface, str(far_address.ip))))
    return out


def _check_ends(plan_route: RoutePlan, platforms: Mapping[str, Platform]) -> list[tuple[Endpoint, IPv4Interface]]:
    """(the checking end, the far address it checks) of every fibre end the route can check."""
    out: list[tuple[Endpoint, IPv4Interface]] = []
    for a in plan_route.addressing:
        ends = [(a.a, a.b_address), (a.b, a.a_address)]
        spliced = a.splice_ends()
        if spliced is not None:
            via = a.spliced_through
            if via is None or via.device not in platforms:
                continue
            active, active_address, _, closure_address = spliced
            ends = [(active, closure_address), (via, active_address)]
        out += [(near, far_address) for near, far_address in ends if platforms.get(near.device) in _TABLES]
    return out


def unchecked_ends(plan_route: RoutePlan, platforms: Mapping[str, Platform]) -> list[tuple[str, str, str]]:
    """(device, interface, splice site) of the configured fibre ends whose far end is a splice closure."""
    out = []
    for a in plan_route.addressing:
        spliced = a.splice_ends()
        if spliced is None or a.spliced_at is None or (a.spliced_through is not None
                                                       and a.spliced_through.device in platforms):
            continue
        active = spliced[0]
        if active.device in platforms:
            out.append((active.device, active.interface, a.spliced_at))
    return out


def _counter(pattern: re.Pattern[str], text: str) -> int | None:
    m = pattern.search(text)
    return int(m.group(1).replace(" ", "")) if m else None


def evaluate(check: PostCheck, outputs: Sequence[str]) -> CheckResult:
    """Pass or fail from the command outputs, in order (the `traffic` check: the first and the second read)."""
    tb = _TABLES[check.platform]
    itf, far = check.interface, check.far_address

    def result(passed: bool, detail: str) -> CheckResult:
        return CheckResult(device=check.device, kind=check.kind, interface=itf, passed=passed, detail=detail)

    if not outputs:
        return result(False, "no output")
    first = outputs[0]
    if check.kind is CheckKind.INTERFACE_UP:
        up = tb.interface_up(first, itf)
        return result(up, f"{itf} up" if up else f"{itf} is not up")
    if check.kind is CheckKind.OSPF_FULL:
        full = tb.ospf_full(first, itf, far)
        return result(full, f"OSPF neighbour {far} FULL on {itf}" if full else f"no FULL OSPF neighbour on {itf}")
    if check.kind is CheckKind.PING:
        pct = tb.ping_pct(first)
        if pct is None:
            return result(False, f"ping {far}: no result in the output")
        ok = pct >= PING_MIN_PCT
        return result(ok, f"ping {far}: {pct:.0f} % answered")
    if len(outputs) < 2:
        return result(False, "traffic needs two reads of the counters")
    rx0, tx0 = tb.read_counters(outputs[0], itf)
    rx1, tx1 = tb.read_counters(outputs[1], itf)
    if None in (rx0, tx0, rx1, tx1):
        return result(False, f"{itf}: packet counters not found in the output")
    assert rx0 is not None and tx0 is not None and rx1 is not None and tx1 is not None
    grew = rx1 > rx0 and tx1 > tx0
    return result(grew, f"{itf}: input {rx0}->{rx1}, output {tx0}->{tx1} packets")


def ospf_neighbour_command(platform: Platform) -> str | None:
    """The command that lists a device's OSPF neighbours (for the MOP's pre-checks)."""
    tb = _TABLES.get(platform)
    if tb is None:
        return None
    return tb.ospf.split(" where ")[0]
