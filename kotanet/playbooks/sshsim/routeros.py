"""A MikroTik RouterOS 7 config model and shell, faithful enough for netmiko's `mikrotik_routeros`. Pure.

The config is a set of menus. A list menu (`/ip address`, `/routing ospf interface-template`...) holds
items that `add`, `set [find ...]` and `remove [find ...]` change; a single menu (`/snmp`,
`/system ntp client`) holds one set of values; interfaces are set, never added. `/export` prints only what
differs from RouterOS's defaults, in a fixed menu order, as RouterOS does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface

from kotanet.playbooks.sshsim.base import DeviceState, Network, Reply
from kotanet.playbooks.sshsim.grammar import is_ip

__all__ = ["MENUS", "RosError", "RouterosConfig", "RouterosShell", "quote", "tokenize"]


class RosError(Exception):
    """A command RouterOS refuses; the message is RouterOS's own text."""


@dataclass(frozen=True, slots=True)
class Menu:
    kind: str                                   # "list", "single" or "iface"
    attrs: frozenset[str]
    required: frozenset[str] = frozenset()
    defaults: Mapping[str, str] = field(default_factory=dict)


def _m(kind: str, attrs: str, required: str = "", **defaults: str) -> Menu:
    return Menu(kind, frozenset(attrs.split()), frozenset(required.split()),
                {k.replace("_", "-"): v for k, v in defaults.items()})


_IFACE_ATTRS = "name mtu comment disabled l2mtu"
MENUS: dict[str, Menu] = {
    "/interface ethernet": _m("iface", _IFACE_ATTRS + " default-name", mtu="1500", comment="", disabled="no"),
    "/interface wireless": _m("iface", _IFACE_ATTRS + " default-name ssid mode", mtu="1500", comment="",
                              disabled="no"),
    "/interface": _m("iface", _IFACE_ATTRS, mtu="1500", comment="", disabled="no"),
    "/routing ospf instance": _m("list", "name router-id version disabled comment", "name", disabled="no"),
    "/routing ospf area": _m("list", "name area-id instance disabled comment", "name instance", disabled="no"),
    "/ip address": _m("list", "address interface network comment disabled", "address interface", disabled="no"),
    "/ip route": _m("list", "dst-address gateway distance comment disabled", "gateway", disabled="no"),
    "/routing bfd configuration": _m("list", "interfaces min-rx min-tx multiplier disabled comment", "",
                                     disabled="no"),
    "/routing ospf interface-template": _m(
        "list", "area interfaces networks type cost use-bfd passive priority comment disabled", "area",
        disabled="no"),
    "/snmp community": _m("list", "name read-access write-access addresses comment disabled", "name",
                          read_access="yes", write_access="no", addresses="::/0", disabled="no"),
    "/system logging action": _m("list", "name target remote remote-port comment", "name target"),
    "/snmp": _m("single", "enabled trap-version trap-community trap-target contact location trap-generators",
                enabled="no", trap_version="1", trap_community="public", trap_target="", contact="", location=""),
    "/system clock": _m("single", "time-zone-name time-zone-autodetect", time_zone_name="manual"),
    "/system identity": _m("single", "name", name="MikroTik"),
    "/system logging": _m("list", "topics action prefix disabled comment", "topics", disabled="no",
                          action="memory"),
    "/system ntp client": _m("single", "enabled servers mode", enabled="no", servers="", mode="unicast"),
}
# The order `/export` prints the menus in.
EXPORT_ORDER = ("/interface ethernet", "/interface wireless", "/routing ospf instance", "/routing ospf area",
                "/ip address", "/ip route", "/routing bfd configuration", "/routing ospf interface-template",
                "/snmp community", "/system logging action", "/snmp", "/system clock", "/system identity",
                "/system logging", "/system ntp client")
_BUILTIN_ACTIONS = ("memory", "disk", "echo", "remote")
_VERBS = ("add", "set", "remove", "print", "export", "enable", "disable", "find")
_YESNO = ("yes", "no")


def quote(value: str) -> str:
    if value and all(c.isalnum() or c in "-_.,/:@+*" for c in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tokenize(line: str) -> list[str]:
    """Words of a RouterOS command; `[...]` stays one token; quotes removed from `key="value"`."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "[":
            depth, j = 0, i
            while j < n:
                if line[j] == "[":
                    depth += 1
                elif line[j] == "]":
                    depth -= 1
                    if depth == 0:
                        break
                elif line[j] == '"':
                    j = line.find('"', j + 1)
                    if j < 0:
                        raise RosError(f"syntax error (line 1 column {i + 1})")
                j += 1
            if j >= n:
                raise RosError(f"syntax error (line 1 column {i + 1})")
            out.append(line[i:j + 1])
            i = j + 1
            continue
        buf: list[str] = []
        while i < n and not line[i].isspace():
            c = line[i]
            if c == '"':
                j = i + 1
                while j < n and line[j] != '"':
                    if line[j] == "\\" and j + 1 < n:
                        j += 1
                    buf.append(line[j])
                    j += 1
                if j >= n:
                    raise RosError(f"syntax error (line 1 column {i + 1})")
                i = j + 1
                continue
            buf.append(c)
            i += 1
        out.append("".join(buf))
    return out


def _pairs(tokens: list[str], menu: Menu, column: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for tok in tokens:
        if "=" not in tok:
            raise RosError(f"expected end of command (line 1 column {column})")
        key, value = tok.split("=", 1)
        if key not in menu.attrs:
            raise RosError(f"expected end of command (line 1 column {column})")
        out[key] = value
        column += len(tok) + 1
    return out


def _find_conditions(token: str) -> dict[str, str]:
    inner = token[1:-1].strip()
    words = tokenize(inner)
    if not words or words[0] != "find":
        raise RosError("syntax error (line 1 column 1)")
    conds: dict[str, str] = {}
    for w in words[1:]:
        if w in ("where", "and"):
            continue
        if "=" not in w:
            raise RosError(f"syntax error (line 1 column {len(inner)})")
        k, v = w.split("=", 1)
        conds[k] = v
    return conds


@dataclass(slots=True)
class RosInterface:
    default_name: str
    kind: str                                   # "ether" or "wlan"
    attrs: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        if key == "default-name":
            return self.default_name
        if key == "name":
            return self.attrs.get("name", self.default_name)
        return self.attrs.get(key, MENUS["/interface"].defaults.get(key, ""))


class RouterosConfig:
    """The running config of one RouterOS device."""

    def __init__(self, identity: str) -> None:
        self.interfaces: list[RosInterface] = []
        self.lists: dict[str, list[dict[str, str]]] = {p: [] for p, m in MENUS.items() if m.kind == "list"}
        self.singles: dict[str, dict[str, str]] = {p: {} for p, m in MENUS.items() if m.kind == "single"}
        self.singles["/system identity"]["name"] = identity
        # the factory snmp community, changed with `set [find default=yes]`
        self.lists["/snmp community"].append({"name": "public", "default": "yes"})
        self.exported_at: dt.datetime | None = None

    # -- ConfigView ---------------------------------------------------------------------------------
    def hostname(self) -> str:
        return self.singles["/system identity"].get("name", "MikroTik")

    def interface_names(self) -> list[str]:
        return [i.get("name") for i in self.interfaces]

    def iface(self, name: str) -> RosInterface | None:
        return next((i for i in self.interfaces if i.get("name") == name), None)

    def admin_up(self, ifname: str) -> bool:
        itf = self.iface(ifname)
        return itf is not None and itf.get("disabled") != "yes"

    def addresses(self, ifname: str) -> list[IPv4Interface]:
        return [IPv4Interface(a["address"]) for a in self.lists["/ip address"]
                if a.get("interface") == ifname and a.get("disabled", "no") != "yes"]

    def ospf_enabled(self, ifname: str) -> bool:
        areas = {a["name"] for a in self.lists["/routing ospf area"] if a.get("disabled", "no") != "yes"}
        addrs = self.addresses(ifname)
        for t in self.lists["/routing ospf interface-template"]:
            if t.get("disabled", "no") == "yes" or t.get("area") not in areas:
                continue
            if ifname in t.get("interfaces", "").split(","):
                return True
            for net in filter(None, t.get("networks", "").split(",")):
                if any(a.ip in IPv4Interface(net).network for a in addrs):
                    return True
        return False

    def router_id(self) -> str | None:
        for inst in self.lists["/routing ospf instance"]:
            if "router-id" in inst:
                return inst["router-id"]
        return None

    # -- export -------------------------------------------------------------------------------------
    def render(self) -> str:
        when = self.exported_at or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        out = [f"# {when:%Y-%m-%d %H:%M:%S} by RouterOS 7.16.2", "# software id = KTNT-SIM1", "#"]
        for path in EXPORT_ORDER:
            menu = MENUS[path]
            lines: list[str] = []
            if menu.kind == "iface":
                kind = "ether" if path.endswith("ethernet") else "wlan"
                for itf in self.interfaces:
                    if itf.kind != kind:
                        continue
                    diff = {k: v for k, v in sorted(itf.attrs.items())
                            if v != (itf.default_name if k == "name" else menu.defaults.get(k, ""))}
                    if diff:
                        lines.append(f"set [ find default-name={itf.default_name} ] " + _kv(diff))
            elif menu.kind == "single":
                diff = {k: v for k, v in sorted(self.singles[path].items()) if v != menu.defaults.get(k)}
                if diff:
                    lines.append("set " + _kv(diff))
            else:
                for item in self.lists[path]:
                    attrs = {k: v for k, v in sorted(item.items()) if k != "default"
                             and not (k == "disabled" and v == "no")}
                    if item.get("default") == "yes":
                        diff = {k: v for k, v in attrs.items() if v != menu.defaults.get(k)
                                and not (k == "name" and v == "public")}
                        if diff:
                            lines.append("set [ find default=yes ] " + _kv(diff))
                    else:
                        lines.append("add " + _kv(attrs))
            if lines:
                out.append(path)
                out.extend(lines)
        return "\n".join(out) + "\n"


def _kv(attrs: Mapping[str, str]) -> str:
    return " ".join(f"{k}={quote(v)}" for k, v in attrs.items())


def _is_prefix(value: str) -> bool:
    ip, _, plen = value.partition("/")
    return is_ip(ip) and plen.isdigit() and int(plen) <= 32


def _ips(value: str) -> bool:
    return value == "" or all(is_ip(x) for x in value.split(","))


class RouterosShell:
    """One terminal session: `[user@identity] > ` prompt, absolute `/menu verb` commands and menu changes."""

    def __init__(self, device: DeviceState, network: Network, *, user: str) -> None:
        self.dev = device
        self.net = network
        self.user = user
        self.cwd = ""
        self.config_lines = 0

    @property
    def cfg(self) -> RouterosConfig:
        assert isinstance(self.dev.config, RouterosConfig)
        return self.dev.config

    def banner(self) -> str:
        return ("\r\n\r\n  MMM      MMM       KKK                          TTTTTTTTTTT      KKK\r\n"
                "  MikroTik RouterOS 7.16.2 (c) 1999-2024       https://www.mikrotik.com/\r\n\r\n")

    def prompt(self) -> str:
        where = f" {self.cwd}" if self.cwd else ""
        return f"[{self.user}@{self.cfg.hostname()}]{where} > "

    def end_session(self) -> None:
        pass

    def handle(self, line: str) -> Reply:
        text = line.strip()
        if not text or text.startswith("#"):
            return Reply("")
        if text in ("quit", "/quit"):
            return Reply("interrupted\n", close=True)
        faults = self.dev.faults
        try:
            tokens = tokenize(text)
            path, verb, rest = self._split(tokens)
            if verb in ("add", "set", "remove"):
                if faults.drop_after_lines is not None and self.config_lines >= faults.drop_after_lines:
                    return Reply("", close=True)
                if faults.rejects(text):
                    raise RosError(f"bad command name {tokens[0].lstrip('/')} (line 1 column 2)")
                self._change(path, verb, rest, text)
                self.config_lines += 1
                return Reply("")
            return Reply(self._show(path, verb, rest, text))
        except RosError as exc:
            return Reply(f"{exc}\n")

    def _split(self, tokens: list[str]) -> tuple[str, str, list[str]]:
        """(menu path, verb, arguments). A path alone changes the current menu."""
        words: list[str] = []
        absolute = tokens[0].startswith("/")
        first = tokens[0][1:] if absolute else tokens[0]
        seq = ([first] if first else []) + tokens[1:]
        base = [] if absolute else self.cwd.lstrip("/").split()
        if not base and seq and seq[0] in ("ping", "export"):
            return "/", seq[0], seq[1:]
        i = 0
        while i < len(seq) and seq[i] not in _VERBS and "=" not in seq[i] and not seq[i].startswith("["):
            words.append(seq[i].strip("/"))
            i += 1
        path = "/" + " ".join(base + words) if (base or words) else "/"
        if i == len(seq):
            if path in MENUS or path in ("/routing ospf", "/routing", "/ip", "/system", "/routing bfd",
                                         "/routing ospf neighbor", "/"):
                self.cwd = "" if path == "/" else path
                return path, "cd", []
            raise self._bad_name(base, words)
        return path, seq[i], seq[i + 1:]

    @staticmethod
    def _bad_name(base: list[str], words: list[str]) -> RosError:
        known = [*MENUS, "/routing ospf neighbor"]
        column = 2
        for i, w in enumerate(words):
            prefix = "/" + " ".join(base + words[:i + 1])
            if not any(k == prefix or k.startswith(prefix + " ") for k in known):
                return RosError(f"bad command name {w} (line 1 column {column})")
            column += len(w) + 1
        return RosError(f"bad command name {words[-1] if words else '/'} (line 1 column {column})")

    # -- changes ------------------------------------------------------------------------------------
    def _change(self, path: str, verb: str, args: list[str], text: str) -> None:
        menu = MENUS.get(path)
        if menu is None:
            raise self._bad_name([], path.lstrip("/").split())
        column = text.find(" ".join(args)) + 1 if args else len(text)
        selector: str | None = None
        if args and (args[0].startswith("[") or ("=" not in args[0])):
            selector, args = args[0], args[1:]
            column += len(selector) + 1
        if verb == "add":
            if menu.kind != "list" or selector is not None:
                raise RosError(f"bad command name add (line 1 column {text.find(' add') + 2})")
            values = _pairs(args, menu, column)
            self._validate(path, values)
            missing = sorted(menu.required - set(values))
            if missing:
                raise RosError(f"failure: missing value(s) of argument(s) {' '.join(missing)}")
            if path == "/ip address":
                values.setdefault("network", str(IPv4Interface(values["address"]).network.network_address))
                if any(a.get("address") == values["address"] and a.get("interface") == values["interface"]
                       for a in self.cfg.lists[path]):
                    raise RosError("failure: already have such address")
            self.cfg.lists[path].append(values)
            return
        if verb == "remove":
            if menu.kind != "list" or selector is None or args:
                raise RosError(f"expected end of command (line 1 column {column})")
            items = self._select(path, selector)
            self.cfg.lists[path] = [it for it in self.cfg.lists[path] if not any(it is x for x in items)]
            return
        # set
        values = _pairs(args, menu, column)
        self._validate(path, values)
        if menu.kind == "single":
            if selector is not None:
                raise RosError(f"expected end of command (line 1 column {column})")
            self.cfg.singles[path].update(values)
            return
        if selector is None:
            raise RosError("failure: no such item")
        if menu.kind == "iface":
            for itf in self._select_ifaces(path, selector):
                itf.attrs.update(values)
            return
        for item in self._select(path, selector):
            item.update(values)

    def _validate(self, path: str, values: dict[str, str]) -> None:
        names = set(self.cfg.interface_names())
        for key, value in values.items():
            ok = True
            if key in ("disabled", "enabled", "use-bfd", "read-access", "write-access", "passive"):
                ok = value in _YESNO
            elif key in ("mtu", "cost", "multiplier", "priority", "remote-port", "distance"):
                ok = value.isdigit() and (key != "mtu" or 64 <= int(value) <= 10218)
            elif key in ("address", "dst-address"):
                ok = _is_prefix(value)
            elif key in ("network", "router-id", "area-id", "remote"):
                ok = is_ip(value)
            elif key in ("networks",):
                ok = all(_is_prefix(v) for v in value.split(","))
            elif key in ("min-rx", "min-tx"):
                ok = value.endswith("ms") and value[:-2].isdigit()
            elif key == "type":
                ok = value in ("ptp", "broadcast", "nbma", "ptmp", "ptmp-broadcast", "virtual-link")
            elif key in ("trap-target", "servers"):
                ok = _ips(value)
            elif key == "trap-version":
                ok = value in ("1", "2", "3")
            elif key == "target":
                ok = value in _BUILTIN_ACTIONS
            elif key in ("interface", "interfaces"):
                if not all(v in names or v == "all" for v in value.split(",")):
                    raise RosError(f"input does not match any value of {key}")
            elif key == "area" and path == "/routing ospf interface-template":
                if value not in {a["name"] for a in self.cfg.lists["/routing ospf area"]}:
                    raise RosError("input does not match any value of area")
            elif key == "instance":
                if value not in {a["name"] for a in self.cfg.lists["/routing ospf instance"]}:
                    raise RosError("input does not match any value of instance")
            elif key == "action" and path == "/system logging":
                known = {a["name"] for a in self.cfg.lists["/system logging action"]} | set(_BUILTIN_ACTIONS)
                if value not in known:
                    raise RosError("input does not match any value of action")
            if not ok:
                raise RosError(f"invalid value for argument {key}")

    def _select(self, path: str, selector: str) -> list[dict[str, str]]:
        items = self.cfg.lists[path]
        menu = MENUS[path]
        if not selector.startswith("["):
            return [it for it in items if it.get("name") == selector]
        conds = _find_conditions(selector)
        return [it for it in items
                if all(it.get(k, menu.defaults.get(k, "")) == v for k, v in conds.items())]

    def _select_ifaces(self, path: str, selector: str) -> list[RosInterface]:
        kind = {"/interface ethernet": "ether", "/interface wireless": "wlan"}.get(path)
        pool = [i for i in self.cfg.interfaces if kind is None or i.kind == kind]
        if not selector.startswith("["):
            return [i for i in pool if i.get("name") == selector]
        conds = _find_conditions(selector)
        return [i for i in pool if all(i.get(k) == v for k, v in conds.items())]

    # -- read-only commands --------------------------------------------------------------------------
    def _show(self, path: str, verb: str, args: list[str], text: str) -> str:
        if verb == "cd":
            return ""
        if verb == "export":
            self.cfg.exported_at = self.net.now()
            return self.cfg.render()
        if verb == "ping":
            return self._ping(args or text.split()[1:])
        where = _where(args)
        if verb == "print":
            if path == "/interface":
                return self._print_interfaces("stats" in args, where)
            if path == "/ip address":
                return self._print_addresses(where)
            if path == "/routing ospf neighbor":
                return self._print_neighbours(where)
            if path == "/system identity":
                return f"  name: {self.cfg.hostname()}\n"
            if path in MENUS:
                return self._print_generic(path)
        raise RosError(f"bad command name {verb} (line 1 column {text.find(verb) + 1})")

    def _print_interfaces(self, stats: bool, where: dict[str, str]) -> str:
        if stats:
            out = ["Flags: R - RUNNING; X - DISABLED", "Columns: NAME, RX-BYTE, TX-BYTE, RX-PACKET, TX-PACKET",
                   " #    NAME          RX-BYTE     TX-BYTE  RX-PACKET  TX-PACKET"]
        else:
            out = ["Flags: R - RUNNING; X - DISABLED", "Columns: NAME, TYPE, ACTUAL-MTU",
                   " #    NAME          TYPE   ACTUAL-MTU"]
        for n, itf in enumerate(self.cfg.interfaces):
            name = itf.get("name")
            if "name" in where and where["name"] != name:
                continue
            flag = "X" if itf.get("disabled") == "yes" else ("R" if self.net.oper_up(self.dev.name, name) else " ")
            if stats:
                c = self.net.counters(self.dev.name, name)
                out.append(f"{n:>2} {flag}  {name:<12}{c.in_bytes:>10}  {c.out_bytes:>10}  "
                           f"{c.in_packets:>9}  {c.out_packets:>9}")
            else:
                out.append(f"{n:>2} {flag}  {name:<12}  {itf.kind:<5}  {itf.get('mtu'):>10}")
        return "\n".join(out) + "\n"

    def _print_addresses(self, where: dict[str, str]) -> str:
        out = ["Flags: X - DISABLED", "Columns: ADDRESS, NETWORK, INTERFACE",
               "#   ADDRESS             NETWORK         INTERFACE"]
        for n, a in enumerate(self.cfg.lists["/ip address"]):
            if any(a.get(k) != v for k, v in where.items()):
                continue
            flag = "X" if a.get("disabled") == "yes" else " "
            out.append(f"{n:<2}{flag} {a['address']:<20}{a.get('network', ''):<16}{a['interface']}")
        return "\n".join(out) + "\n"

    def _print_neighbours(self, where: dict[str, str]) -> str:
        out = ["Flags: V - VIRTUAL; D - DYNAMIC"]
        rows = [nb for nb in self.net.neighbours(self.dev.name)
                if where.get("interface", nb.interface) == nb.interface]
        for n, nb in enumerate(rows):
            out.append(f" {n}  D instance=default-v2 area=backbone address={nb.address} interface={nb.interface} "
                       f'router-id={nb.router_id} state="Full" state-changes=6 adjacency=2m51s timeout=37s')
        return "\n".join(out) + "\n"

    def _print_generic(self, path: str) -> str:
        menu = MENUS[path]
        if menu.kind == "single":
            vals = {**menu.defaults, **self.cfg.singles[path]}
            return "".join(f"  {k}: {v}\n" for k, v in sorted(vals.items()))
        return "".join(f" {n}   {_kv({k: v for k, v in sorted(it.items()) if k != 'default'})}\n"
                       for n, it in enumerate(self.cfg.lists[path]))

    def _ping(self, args: list[str]) -> str:
        target = args[0] if args else ""
        if target.startswith("address="):
            target = target.split("=", 1)[1]
        if not is_ip(target):
            raise RosError("invalid value for argument address")
        count = 4
        for a in args[1:]:
            if a.startswith("count=") and a[6:].isdigit():
                count = max(1, min(int(a[6:]), 100))
        ok = self.net.ping(self.dev.name, IPv4Address(target))
        out = ["  SEQ HOST                                     SIZE TTL TIME       STATUS"]
        for seq in range(count):
            out.append(f"    {seq} {target:<40} 56  64 1ms" if ok else f"    {seq} {target:<40}            timeout")
        got = count if ok else 0
        stats = f"    sent={count} received={got} packet-loss={100 - 100 * got // count}%"
        out.append(stats + (" min-rtt=1ms avg-rtt=1ms max-rtt=1ms" if ok else ""))
        return "\n".join(out) + "\n"


def _where(args: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if "where" in args:
        for a in args[args.index("where") + 1:]:
            if "=" in a:
                k, v = a.split("=", 1)
                out[k] = v
    return out
