"""A Cisco IOS config model and shell, faithful enough for netmiko's `cisco_ios` driver. Pure.

The running config is kept as a model (interfaces with their settings, OSPF processes, the management
lines), so `show running-config` always prints it in the same canonical order, whatever order the
commands came in: a change and its exact inverse give back the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from kotanet.playbooks.sshsim.base import DeviceState, Network, Reply
from kotanet.playbooks.sshsim.grammar import Match, Rule, match_rules

__all__ = ["IosConfig", "IosShell"]

# The settings an interface can have, in the order `show running-config` prints them.
_IF_KEYS = ("description", "mtu", "ip address", "ip ospf network", "ip ospf area", "ip ospf cost",
            "ip ospf bfd", "bfd", "shutdown")
# Global lines, printed by category in this order, sorted inside a category.
_GLOBAL_ORDER = ("logging trap", "logging host", "snmp-server community", "snmp-server host",
                 "snmp-server enable", "ntp server", "ip route")
_VIRTUAL = ("Loopback", "Tunnel", "Vlan")
# A secondary address's key in an interface's settings: `secondary <ip>` (IOS prints them after the primary).
_SECONDARY = "secondary "


def _category(line: str) -> int:
    for i, prefix in enumerate(_GLOBAL_ORDER):
        if line.startswith(prefix):
            return i
    return len(_GLOBAL_ORDER)


class IosConfig:
    """The running config of one IOS device."""

    def __init__(self, hostname: str) -> None:
        self._hostname = hostname
        self.interfaces: dict[str, dict[str, str]] = {}
        self.ospf: dict[int, set[str]] = {}
        self.globals: set[str] = set()

    # -- ConfigView ---------------------------------------------------------------------------------
    def hostname(self) -> str:
        return self._hostname

    def set_hostname(self, name: str) -> None:
        self._hostname = name

    def interface_names(self) -> list[str]:
        return list(self.interfaces)

    def admin_up(self, ifname: str) -> bool:
        return ifname in self.interfaces and "shutdown" not in self.interfaces[ifname]

    def addresses(self, ifname: str) -> list[IPv4Interface]:
        keys = self.interfaces.get(ifname, {})
        line = keys.get("ip address")
        if line is None:
            return []
        out = []
        for text in (line, *(v for k, v in sorted(keys.items()) if k.startswith(_SECONDARY))):
            _, _, ip, mask = text.split()[:4]
            out.append(IPv4Interface(f"{ip}/{mask}"))
        return out

    def ospf_enabled(self, ifname: str) -> bool:
        if "ip ospf area" in self.interfaces.get(ifname, {}):
            return True
        for addr in self.addresses(ifname):
            for lines in self.ospf.values():
                for ln in lines:
                    w = ln.split()
                    if w[0] == "network" and addr.ip in IPv4Network(f"{w[1]}/{_wild_to_mask(w[2])}"):
                        return True
        return False

    def router_id(self) -> str | None:
        for lines in self.ospf.values():
            for ln in lines:
                if ln.startswith("router-id "):
                    return ln.split()[1]
        return None

    def render(self) -> str:
        out = ["!", "version 16.9", "service timestamps log datetime msec", f"hostname {self._hostname}", "!"]
        for name, keys in self.interfaces.items():
            out.append(f"interface {name}")
            for k in _IF_KEYS:
                if k in keys:
                    out.append(f" {keys[k]}")
                    if k == "ip address":
                        out += [f" {v}" for sk, v in sorted(keys.items()) if sk.startswith(_SECONDARY)]
                elif k == "ip address" and not name.startswith(_VIRTUAL):
                    out.append(" no ip address")
            out.append("!")
        for proc in sorted(self.ospf):
            out.append(f"router ospf {proc}")
            lines = self.ospf[proc]
            order = ("router-id", "log-adjacency", "auto-cost", "bfd", "passive-interface default",
                     "passive-interface", "no passive-interface", "network")
            out.extend(f" {ln}" for ln in sorted(lines, key=lambda s: (
                next((i for i, p in enumerate(order) if s.startswith(p)), len(order)), s)))
            out.append("!")
        out.extend(sorted(self.globals, key=lambda s: (_category(s), s)))
        out += ["!", "end"]
        return "\n".join(out) + "\n"


def _wild_to_mask(wild: str) -> str:
    return str(IPv4Address(int(IPv4Address(wild)) ^ 0xFFFFFFFF))


def _mask_ok(mask: str) -> bool:
    try:
        IPv4Network(f"0.0.0.0/{mask}")
    except ValueError:
        return False
    return True


_ABBREV = {"gi": "GigabitEthernet", "te": "TenGigabitEthernet", "fa": "FastEthernet", "lo": "Loopback",
           "eth": "Ethernet"}


def expand_ifname(cfg: IosConfig, name: str) -> str:
    if name in cfg.interfaces:
        return name
    low = name.lower()
    for full in cfg.interfaces:
        if full.lower() == low:
            return full
    for short, full_prefix in _ABBREV.items():
        if low.startswith(short) and (len(low) > len(short) and (low[len(short)].isdigit())):
            cand = full_prefix + name[len(short):]
            if cand in cfg.interfaces:
                return cand
    return name


class IosShell:
    """One CLI session: user EXEC (`name>`), privileged (`name#`), config modes (`name(config)#`...)."""

    INVALID = "% Invalid input detected at '^' marker."

    def __init__(self, device: DeviceState, network: Network, *, enable_secret: str,
                 privileged: bool = False) -> None:
        self.dev = device
        self.net = network
        self.secret = enable_secret
        self.mode = "priv" if privileged else "user"
        self.sub: str = ""            # config sub-mode: "", "if", "router"
        self.sub_arg: str = ""        # the interface name or the OSPF process
        self.awaiting_secret = False
        self.config_lines = 0         # config lines accepted in this session (for the drop fault)

    @property
    def cfg(self) -> IosConfig:
        assert isinstance(self.dev.config, IosConfig)
        return self.dev.config

    def banner(self) -> str:
        return "\r\n"

    def prompt(self) -> str:
        if self.awaiting_secret:
            return "Password: "
        host = self.cfg.hostname()
        if self.mode == "user":
            return f"{host}>"
        if self.mode == "priv":
            return f"{host}#"
        return f"{host}(config{'-if' if self.sub == 'if' else '-router' if self.sub == 'router' else ''})#"

    def end_session(self) -> None:
        pass

    # -- errors ---------------------------------------------------------------------------------------
    def _invalid(self, line: str, index: int) -> str:
        words = line.split()
        if index >= len(words):
            return "% Incomplete command.\n"
        pos = 0
        for i, w in enumerate(words):
            pos = line.index(w, pos)
            if i == index:
                break
            pos += len(w)
        return " " * (len(self.prompt()) + pos) + "^\n" + self.INVALID + "\n"

    # -- dispatch -----------------------------------------------------------------------------------
    def handle(self, line: str) -> Reply:
        if self.awaiting_secret:
            self.awaiting_secret = False
            if line == self.secret:
                self.mode = "priv"
                return Reply("")
            return Reply("% Access denied\n")
        text = line.strip()
        if not text or text.startswith("!"):
            return Reply("")
        words = text.split()
        if self.mode in ("user", "priv"):
            return Reply(self._exec(text, words))
        return self._config(text, words)

    def _exec(self, text: str, words: list[str]) -> str:
        priv = self.mode == "priv"
        rules = [
            Rule(("enable",), lambda _: self._enable()),
            Rule(("disable",), lambda _: self._set_mode("user")),
            Rule(("terminal", "length", "<int>"), lambda _: ""),
            Rule(("terminal", "width", "<int>"), lambda _: ""),
            Rule(("terminal", "no", "monitor"), lambda _: ""),
            Rule(("show", "version"), lambda _: self._show_version()),
            Rule(("show", "ip", "interface", "brief"), lambda _: self._show_ip_int_brief()),
            Rule(("show", "ip", "ospf", "neighbor"), lambda _: self._show_ospf_neighbor()),
            Rule(("show", "interfaces", "<word>"), lambda a: self._show_interface(a[0])),
            Rule(("ping", "<ip>"), lambda a: self._ping(a[0], 5)),
            Rule(("ping", "<ip>", "repeat", "<int>"), lambda a: self._ping(a[0], int(a[1]))),
        ]
        if priv:
            rules += [
                Rule(("show", "running-config"), lambda _: self._show_run()),
                Rule(("configure", "terminal"), lambda _: self._set_mode("config")),
                Rule(("write", "memory"), lambda _: "Building configuration...\n[OK]\n"),
                Rule(("write",), lambda _: "Building configuration...\n[OK]\n"),
                Rule(("copy", "running-config", "startup-config"),
                     lambda _: "Building configuration...\n[OK]\n"),
            ]
        found = match_rules(words, rules, abbreviations=True)
        if isinstance(found, int):
            return self._invalid(text, found)
        rule, m = found
        return rule.handler(m.args) or ""

    def _enable(self) -> str:
        if self.mode == "user":
            self.awaiting_secret = True
        return ""

    def _set_mode(self, mode: str) -> str:
        self.mode = mode
        self.sub = ""
        if mode == "config":
            return "Enter configuration commands, one per line.  End with CNTL/Z.\n"
        return ""

    # -- config mode --------------------------------------------------------------------------------
    def _config(self, text: str, words: list[str]) -> Reply:
        low = words[0].lower()
        if low == "end" and len(words) == 1:
            self._set_mode("priv")
            return Reply("")
        if low == "exit" and len(words) == 1:
            if self.sub:
                self.sub = ""
            else:
                self._set_mode("priv")
            return Reply("")
        if low == "do" and len(words) > 1:
            return Reply(self._exec(" ".join(words[1:]), words[1:]))
        faults = self.dev.faults
        if faults.drop_after_lines is not None and self.config_lines >= faults.drop_after_lines:
            return Reply("", close=True)
        if faults.rejects(text):
            return Reply(self._invalid(text, 0))
        found: tuple[Rule, Match] | int = 0
        if self.sub == "if":
            found = match_rules(words, self._if_rules(self.sub_arg), abbreviations=True)
        elif self.sub == "router":
            found = match_rules(words, self._router_rules(int(self.sub_arg)), abbreviations=True)
        sub_failed = found if isinstance(found, int) else 0
        if isinstance(found, int):
            found = match_rules(words, self._global_rules(), abbreviations=True)
            if isinstance(found, int):
                return Reply(self._invalid(text, max(found, sub_failed)))
            self.sub = ""  # a global command leaves the sub-mode, as on IOS
        rule, m = found
        err = rule.handler(m.args)
        if err is not None:
            return Reply(err if err.endswith("\n") else self._invalid(text, int(err)))
        self.config_lines += 1
        return Reply("")

    def _global_rules(self) -> list[Rule]:
        g = self.cfg.globals

        def add(line: str, replaces: str | None = None) -> Callable[[tuple[str, ...]], str | None]:
            def do(a: tuple[str, ...]) -> str | None:
                text = line.format(*a)
                if replaces is not None:
                    prefix = replaces.format(*a)
                    for old in [x for x in g if x.startswith(prefix)]:
                        g.discard(old)
                g.add(text)
                return None
            return do

        def remove(prefix: str) -> Callable[[tuple[str, ...]], str | None]:
            def do(a: tuple[str, ...]) -> str | None:
                p = prefix.format(*a)
                for old in [x for x in g if x == p or x.startswith(p + " ")]:
                    g.discard(old)
                return None
            return do

        return [
            Rule(("hostname", "<word>"), lambda a: self.cfg.set_hostname(a[0])),
            Rule(("interface", "<word>"), lambda a: self._enter_interface(a[0])),
            Rule(("router", "ospf", "<int>"), lambda a: self._enter_router(int(a[0]))),
            Rule(("no", "router", "ospf", "<int>"), lambda a: self._drop_router(int(a[0]))),
            Rule(("snmp-server", "community", "<word>", "<RO|RW>"),
                 add("snmp-server community {0} {1}", "snmp-server community {0} ")),
            Rule(("no", "snmp-server", "community", "<word>"), remove("snmp-server community {0}")),
            Rule(("no", "snmp-server", "community", "<word>", "<RO|RW>"), remove("snmp-server community {0}")),
            Rule(("snmp-server", "host", "<ip>", "version", "<1|2c>", "<word>"),
                 add("snmp-server host {0} version {1} {2}", "snmp-server host {0} ")),
            Rule(("no", "snmp-server", "host", "<ip>"), remove("snmp-server host {0}")),
            Rule(("no", "snmp-server", "host", "<ip>", "<text>"), remove("snmp-server host {0}")),
            Rule(("snmp-server", "enable", "traps"), add("snmp-server enable traps")),
            Rule(("no", "snmp-server", "enable", "traps"), remove("snmp-server enable traps")),
            Rule(("ntp", "server", "<ip>"), add("ntp server {0}")),
            Rule(("no", "ntp", "server", "<ip>"), remove("ntp server {0}")),
            Rule(("logging", "host", "<ip>"), add("logging host {0}")),
            Rule(("no", "logging", "host", "<ip>"), remove("logging host {0}")),
            Rule(("logging", "trap", "<emergencies|alerts|critical|errors|warnings|notifications|"
                  "informational|debugging>"), add("logging trap {0}", "logging trap")),
            Rule(("no", "logging", "trap"), remove("logging trap")),
            Rule(("no", "logging", "trap", "<word>"), remove("logging trap")),
            Rule(("ip", "route", "<ip>", "<mask>", "<ip>"), add("ip route {0} {1} {2}")),
            Rule(("no", "ip", "route", "<ip>", "<mask>", "<ip>"), remove("ip route {0} {1} {2}")),
        ]

    def _enter_interface(self, name: str) -> str | None:
        full = expand_ifname(self.cfg, name)
        if full not in self.cfg.interfaces:
            if not full.startswith(_VIRTUAL):
                return "1"
            self.cfg.interfaces[full] = {}
        self.sub, self.sub_arg = "if", full
        return None

    def _enter_router(self, proc: int) -> str | None:
        self.cfg.ospf.setdefault(proc, set())
        self.sub, self.sub_arg = "router", str(proc)
        return None

    def _drop_router(self, proc: int) -> str | None:
        self.cfg.ospf.pop(proc, None)
        return None

    def _if_rules(self, name: str) -> list[Rule]:
        keys = self.cfg.interfaces[name]

        def put(key: str, fmt: str, check: Callable[[tuple[str, ...]], bool] | None = None
                ) -> Callable[[tuple[str, ...]], str | None]:
            def do(a: tuple[str, ...]) -> str | None:
                if check is not None and not check(a):
                    return "1"
                keys[key] = fmt.format(*a)
                return None
            return do

        def drop(key: str) -> Callable[[tuple[str, ...]], str | None]:
            def do(_: tuple[str, ...]) -> str | None:
                keys.pop(key, None)
                return None
            return do

        def secondary(a: tuple[str, ...]) -> str | None:
            if "ip address" not in keys:  # IOS: "% Primary address must be configured first"
                return "1"
            keys[f"{_SECONDARY}{a[0]}"] = f"ip address {a[0]} {a[1]} secondary"
            return None

        def drop_all_addresses(_: tuple[str, ...]) -> str | None:
            for k in [k for k in keys if k == "ip address" or k.startswith(_SECONDARY)]:
                del keys[k]
            return None

        return [
            Rule(("description", "<text>"), put("description", "description {0}")),
            Rule(("no", "description"), drop("description")),
            Rule(("no", "description", "<text>"), drop("description")),
            Rule(("mtu", "<int>"), put("mtu", "mtu {0}", lambda a: 64 <= int(a[0]) <= 9216)),
            Rule(("no", "mtu"), drop("mtu")),
            Rule(("no", "mtu", "<int>"), drop("mtu")),
            Rule(("ip", "address", "<ip>", "<mask>"), put("ip address", "ip address {0} {1}")),
            Rule(("ip", "address", "<ip>", "<mask>", "secondary"), secondary),
            Rule(("no", "ip", "address", "<ip>", "<mask>", "secondary"),
                 lambda a: keys.pop(f"{_SECONDARY}{a[0]}", None) and None),
            Rule(("no", "ip", "address"), drop_all_addresses),
            Rule(("no", "ip", "address", "<ip>", "<mask>"), drop("ip address")),
            Rule(("ip", "ospf", "network", "<point-to-point|broadcast|point-to-multipoint|non-broadcast>"),
                 put("ip ospf network", "ip ospf network {0}")),
            Rule(("no", "ip", "ospf", "network"), drop("ip ospf network")),
            Rule(("no", "ip", "ospf", "network", "<word>"), drop("ip ospf network")),
            Rule(("ip", "ospf", "<int>", "area", "<area>"), put("ip ospf area", "ip ospf {0} area {1}")),
            Rule(("no", "ip", "ospf", "<int>", "area", "<area>"), drop("ip ospf area")),
            Rule(("ip", "ospf", "cost", "<int>"), put("ip ospf cost", "ip ospf cost {0}",
                                                      lambda a: 1 <= int(a[0]) <= 65535)),
            Rule(("no", "ip", "ospf", "cost"), drop("ip ospf cost")),
            Rule(("no", "ip", "ospf", "cost", "<int>"), drop("ip ospf cost")),
            Rule(("ip", "ospf", "bfd"), put("ip ospf bfd", "ip ospf bfd")),
            Rule(("no", "ip", "ospf", "bfd"), drop("ip ospf bfd")),
            Rule(("bfd", "interval", "<int>", "min_rx", "<int>", "multiplier", "<int>"),
                 put("bfd", "bfd interval {0} min_rx {1} multiplier {2}")),
            Rule(("no", "bfd", "interval", "<int>", "min_rx", "<int>", "multiplier", "<int>"), drop("bfd")),
            Rule(("shutdown",), put("shutdown", "shutdown")),
            Rule(("no", "shutdown"), drop("shutdown")),
        ]

    def _router_rules(self, proc: int) -> list[Rule]:
        lines = self.cfg.ospf[proc]

        def known(name: str) -> str | None:
            full = expand_ifname(self.cfg, name)
            return full if full in self.cfg.interfaces else None

        def passive(a: tuple[str, ...], on: bool) -> str | None:
            name = known(a[0])
            if name is None:
                return "2" if on else "3"
            lines.discard(f"passive-interface {name}")
            lines.discard(f"no passive-interface {name}")
            default = "passive-interface default" in lines
            if on and not default:
                lines.add(f"passive-interface {name}")
            if not on and default:
                lines.add(f"no passive-interface {name}")
            return None

        def set_line(fmt: str, replaces: str | None = None) -> Callable[[tuple[str, ...]], str | None]:
            def do(a: tuple[str, ...]) -> str | None:
                if replaces:
                    for old in [x for x in lines if x.startswith(replaces)]:
                        lines.discard(old)
                lines.add(fmt.format(*a))
                return None
            return do

        def drop_line(prefix: str) -> Callable[[tuple[str, ...]], str | None]:
            def do(a: tuple[str, ...]) -> str | None:
                p = prefix.format(*a)
                for old in [x for x in lines if x == p or x.startswith(p + " ")]:
                    lines.discard(old)
                return None
            return do

        def passive_default(on: bool) -> str | None:
            for old in [x for x in lines if "passive-interface" in x]:
                lines.discard(old)
            if on:
                lines.add("passive-interface default")
            return None

        return [
            Rule(("router-id", "<ip>"), set_line("router-id {0}", "router-id")),
            Rule(("no", "router-id"), drop_line("router-id")),
            Rule(("no", "router-id", "<ip>"), drop_line("router-id")),
            Rule(("log-adjacency-changes",), set_line("log-adjacency-changes")),
            Rule(("no", "log-adjacency-changes"), drop_line("log-adjacency-changes")),
            Rule(("bfd", "all-interfaces"), set_line("bfd all-interfaces")),
            Rule(("no", "bfd", "all-interfaces"), drop_line("bfd all-interfaces")),
            Rule(("auto-cost", "reference-bandwidth", "<int>"),
                 set_line("auto-cost reference-bandwidth {0}", "auto-cost")),
            Rule(("passive-interface", "default"), lambda _: passive_default(True)),
            Rule(("no", "passive-interface", "default"), lambda _: passive_default(False)),
            Rule(("passive-interface", "<word>"), lambda a: passive(a, True)),
            Rule(("no", "passive-interface", "<word>"), lambda a: passive(a, False)),
            Rule(("network", "<ip>", "<ip>", "area", "<area>"), set_line("network {0} {1} area {2}")),
            Rule(("no", "network", "<ip>", "<ip>", "area", "<area>"), drop_line("network {0} {1} area {2}")),
        ]

    # -- show commands ------------------------------------------------------------------------------
    def _show_run(self) -> str:
        body = self.cfg.render()
        return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}"

    def _show_version(self) -> str:
        return (f"Cisco IOS XE Software, Version 16.09.08\n{self.cfg.hostname()} uptime is 12 weeks, 3 days\n"
                f"cisco {self.dev.model or 'ISR4331/K9'} (1RU) processor with 1795979K/6147K bytes of memory.\n")

    def _status(self, name: str) -> tuple[str, str]:
        if not self.cfg.admin_up(name):
            return "administratively down", "down"
        up = self.net.oper_up(self.dev.name, name)
        return ("up", "up") if up else ("down", "down")

    def _show_ip_int_brief(self) -> str:
        out = [f"{'Interface':<27}{'IP-Address':<16}OK? Method {'Status':<22}Protocol"]
        for name in self.cfg.interface_names():
            addrs = self.cfg.addresses(name)
            ip = str(addrs[0].ip) if addrs else "unassigned"
            status, proto = self._status(name)
            out.append(f"{name:<27}{ip:<16}YES {'NVRAM' if addrs else 'unset':<7}{status:<22}{proto}")
        return "\n".join(out) + "\n"

    def _show_ospf_neighbor(self) -> str:
        out = ["", f"{'Neighbor ID':<16}{'Pri':<6}{'State':<16}{'Dead Time':<12}{'Address':<16}Interface"]
        for n in self.net.neighbours(self.dev.name):
            out.append(f"{n.router_id:<16}{'0':<6}{'FULL/  -':<16}{'00:00:36':<12}{n.address:<16}{n.interface}")
        return "\n".join(out) + "\n"

    def _show_interface(self, name: str) -> str:
        full = expand_ifname(self.cfg, name)
        if full not in self.cfg.interfaces:
            return self._invalid(f"show interfaces {name}", 2)
        status, proto = self._status(full)
        keys = self.cfg.interfaces[full]
        c = self.net.counters(self.dev.name, full)
        lines = [f"{full} is {status}, line protocol is {proto} ",
                 "  Hardware is ISR4331-3x1GE, address is 00a3.8e1b.0001 (bia 00a3.8e1b.0001)"]
        if "description" in keys:
            lines.append(f"  Description: {keys['description'].split(' ', 1)[1]}")
        for a in self.cfg.addresses(full):
            lines.append(f"  Internet address is {a.with_prefixlen}")
        mtu = keys.get("mtu", "mtu 1500").split()[1]
        lines += [f"  MTU {mtu} bytes, BW 1000000 Kbit/sec, DLY 10 usec,",
                  "     reliability 255/255, txload 1/255, rxload 1/255",
                  "  5 minute input rate 2000 bits/sec, 3 packets/sec",
                  f"     {c.in_packets} packets input, {c.in_bytes} bytes, 0 no buffer",
                  "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
                  f"     {c.out_packets} packets output, {c.out_bytes} bytes, 0 underruns",
                  "     0 output errors, 0 collisions, 0 interface resets"]
        return "\n".join(lines) + "\n"

    def _ping(self, address: str, count: int) -> str:
        count = max(1, min(count, 100))
        ok = self.net.ping(self.dev.name, IPv4Address(address))
        marks = ("!" if ok else ".") * count
        got = count if ok else 0
        tail = ", round-trip min/avg/max = 1/1/2 ms" if ok else ""
        return (f"Type escape sequence to abort.\nSending {count}, 100-byte ICMP Echos to {address}, "
                f"timeout is 2 seconds:\n{marks}\nSuccess rate is {100 * got // count} percent ({got}/{count}){tail}\n")
