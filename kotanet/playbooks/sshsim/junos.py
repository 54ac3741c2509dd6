"""A Juniper Junos config model and CLI, faithful enough for netmiko's `juniper_junos` driver. Pure.

The config is a list of `set` statements. Configuration mode edits a candidate; `commit` makes it active
and keeps the previous ones (`rollback N` loads one back into the candidate); `commit confirmed N` reverts
by itself unless a `commit` follows within N minutes; `commit check` only validates. Exiting configuration
mode with uncommitted changes discards them (as `configure private` does).
"""

from __future__ import annotations

import datetime as dt
from ipaddress import IPv4Address, IPv4Interface
from typing import Any

from kotanet.playbooks.sshsim.base import DeviceState, Network, Reply
from kotanet.playbooks.sshsim.grammar import Match, match, split_words

__all__ = ["JunosConfig", "JunosShell"]

Statement = tuple[str, ...]

# The statements the simulated Junos accepts after `set` (one pattern each).
_OSPF_IF = ("protocols", "ospf", "area", "<area>", "interface", "<word>")
_SET_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("system", "host-name", "<word>"),
    ("system", "time-zone", "<word>"),
    ("system", "ntp", "server", "<ip>"),
    ("system", "syslog", "host", "<ip>", "any", "<any|emergency|alert|critical|error|warning|notice|info>"),
    ("interfaces", "<word>", "description", "<word>"),
    ("interfaces", "<word>", "disable"),
    ("interfaces", "<word>", "mtu", "<int>"),
    ("interfaces", "<word>", "unit", "<int>", "description", "<word>"),
    ("interfaces", "<word>", "unit", "<int>", "family", "inet", "address", "<prefix>"),
    ("interfaces", "<word>", "unit", "<int>", "family", "inet", "mtu", "<int>"),
    ("snmp", "community", "<word>", "authorization", "<read-only|read-write>"),
    ("snmp", "trap-group", "<word>", "targets", "<ip>"),
    ("snmp", "location", "<word>"),
    ("snmp", "contact", "<word>"),
    ("routing-options", "router-id", "<ip>"),
    _OSPF_IF,
    (*_OSPF_IF, "interface-type", "<p2p|nbma|p2mp>"),
    (*_OSPF_IF, "metric", "<int>"),
    (*_OSPF_IF, "disable"),
    (*_OSPF_IF, "passive"),
    (*_OSPF_IF, "bfd-liveness-detection", "minimum-interval", "<int>"),
    (*_OSPF_IF, "bfd-liveness-detection", "multiplier", "<int>"),
)
# A statement ending in `<key> <value>` with one of these keys replaces the previous value.
_SINGLE = frozenset({"description", "mtu", "metric", "interface-type", "minimum-interval", "multiplier",
                     "authorization", "host-name", "router-id", "time-zone", "location", "contact", "any"})
_VALUE_KEYS = _SINGLE | {"address", "server", "targets"}
_TOP_ORDER = ("system", "interfaces", "snmp", "routing-options", "protocols")
_MAX_ROLLBACK = 49


def _quote(token: str) -> str:
    if token and all(c.isalnum() or c in "-_./:@,+" for c in token):
        return token
    return '"' + token.replace('"', "'") + '"'


def statement_text(st: Statement) -> str:
    return " ".join(_quote(t) for t in st)


class JunosConfig:
    """The committed configs of one Junos device (newest first) and the candidate being edited."""

    def __init__(self, hostname: str, interfaces: list[str]) -> None:
        self._name = hostname
        self._interfaces = list(interfaces)
        self.commits: list[list[Statement]] = [[]]
        self.candidate: list[Statement] | None = None
        self.confirm_deadline: dt.datetime | None = None

    @property
    def active(self) -> list[Statement]:
        return self.commits[0]

    # -- ConfigView ---------------------------------------------------------------------------------
    def hostname(self) -> str:
        for st in self.active:
            if st[:2] == ("system", "host-name"):
                return st[2]
        return self._name

    def interface_names(self) -> list[str]:
        return list(self._interfaces)

    def admin_up(self, ifname: str) -> bool:
        return ifname in self._interfaces and ("interfaces", ifname, "disable") not in self.active

    def addresses(self, ifname: str) -> list[IPv4Interface]:
        return [IPv4Interface(st[7]) for st in self.active
                if len(st) == 8 and st[0] == "interfaces" and st[1] == ifname and st[5:7] == ("inet", "address")]

    def ospf_enabled(self, ifname: str) -> bool:
        names = {f"{ifname}.0", ifname}
        on = any(st[:2] == ("protocols", "ospf") and len(st) >= 6 and st[5] in names for st in self.active)
        off = any(st[:2] == ("protocols", "ospf") and len(st) == 7 and st[5] in names and st[6] == "disable"
                  for st in self.active)
        return on and not off

    def router_id(self) -> str | None:
        for st in self.active:
            if st[:2] == ("routing-options", "router-id"):
                return st[2]
        return None

    def render(self) -> str:
        return display_set(self.active)

    # -- editing ------------------------------------------------------------------------------------
    def commit(self, candidate: list[Statement], *, confirm_minutes: int | None, now: dt.datetime) -> None:
        self.commits.insert(0, list(candidate))
        del self.commits[_MAX_ROLLBACK + 1:]
        self.confirm_deadline = now + dt.timedelta(minutes=confirm_minutes) if confirm_minutes else None

    def expire_confirm(self, now: dt.datetime) -> bool:
        """Roll back an unconfirmed `commit confirmed` whose time is up. True when it did."""
        if self.confirm_deadline is not None and now >= self.confirm_deadline and len(self.commits) > 1:
            self.commits.insert(0, list(self.commits[1]))
            self.confirm_deadline = None
            return True
        return False


def display_set(statements: list[Statement]) -> str:
    ordered = sorted(statements, key=lambda st: _TOP_ORDER.index(st[0]) if st[0] in _TOP_ORDER else len(_TOP_ORDER))
    return "".join(f"set {statement_text(st)}\n" for st in ordered)


_NAMED = frozenset({"unit", "family", "area", "interface", "trap-group", "community", "host"})
_LEAF_KEYS = _VALUE_KEYS | {"targets"}


def display_tree(statements: list[Statement]) -> str:
    """`show configuration`: the statements as Junos's curly-brace hierarchy."""
    tree: dict[str, Any] = {}
    ordered = sorted(statements, key=lambda st: _TOP_ORDER.index(st[0]) if st[0] in _TOP_ORDER else len(_TOP_ORDER))
    for st in ordered:
        node = tree
        i = 0
        leaf = ""
        while i < len(st):
            rest = len(st) - i
            if rest == 1:
                leaf = _quote(st[i])
                break
            if rest == 2 and st[i] in _LEAF_KEYS:
                leaf = f"{st[i]} {_quote(st[i + 1])}"
                break
            if st[i] in _NAMED:
                label = f"{st[i]} {st[i + 1]}"
                i += 2
                if i == len(st):
                    leaf = label
                    break
            else:
                label = st[i]
                i += 1
            node = node.setdefault(label, {})
        node[leaf] = None
    out: list[str] = []

    def emit(node: dict[str, Any], depth: int) -> None:
        pad = "    " * depth
        for label, child in node.items():
            if child is None:
                out.append(f"{pad}{label};")
            else:
                out.append(f"{pad}{label} {{")
                emit(child, depth + 1)
                out.append(f"{pad}}}")

    emit(tree, 0)
    return "\n".join(out) + ("\n" if out else "")


def _leaf(st: Statement) -> int:
    return 2 if len(st) >= 2 and st[-2] in _VALUE_KEYS else 1


def compare(old: list[Statement], new: list[Statement]) -> str:
    """`show | compare`: the changed statements, grouped under their `[edit ...]` hierarchy."""
    out: list[str] = []
    header = ""
    changes = [("-", st) for st in old if st not in new] + [("+", st) for st in new if st not in old]
    changes.sort(key=lambda c: (c[1][:-_leaf(c[1])], c[0] == "+"))
    for sign, st in changes:
        k = _leaf(st)
        h = f"[edit {' '.join(st[:-k])}]"
        if h != header:
            out.append(h)
            header = h
        out.append(f"{sign}   {' '.join(_quote(t) for t in st[-k:])};")
    return "\n".join(out) + ("\n" if out else "")


class JunosShell:
    """One CLI session: `user@host> ` (operational) and `user@host# ` (configuration, after `[edit]`)."""

    def __init__(self, device: DeviceState, network: Network, *, user: str) -> None:
        self.dev = device
        self.net = network
        self.user = user
        self.config_mode = False
        self.confirm_exit = False
        self.config_lines = 0
        # root logs in to the FreeBSD shell; `cli` starts the Junos CLI
        self.unix_shell = user == "root"
        self.from_shell = self.unix_shell

    @property
    def cfg(self) -> JunosConfig:
        assert isinstance(self.dev.config, JunosConfig)
        return self.dev.config

    def banner(self) -> str:
        return "--- JUNOS 21.4R3-S5.4 Kernel 64-bit  JNPR-12.1-20231013.0f9e2a0_buil\r\n"

    def prompt(self) -> str:
        if self.confirm_exit:
            return "Exit with uncommitted changes? [yes,no] (yes) "
        if self.unix_shell:
            return f"root@{self.cfg.hostname()}:~ # "
        return f"{self.user}@{self.cfg.hostname()}{'#' if self.config_mode else '>'} "

    def end_session(self) -> None:
        if self.config_mode:
            self.cfg.candidate = None
            self.config_mode = False

    def _edit(self, text: str) -> str:
        return f"{text}\n[edit]\n" if text else "\n[edit]\n"

    @staticmethod
    def _caret(prompt: str, line: str, index: int, message: str) -> str:
        words = line.split()
        pos = 0
        for i, w in enumerate(words):
            pos = line.find(w, pos)
            if i == index:
                break
            pos += len(w)
        if index >= len(words):
            pos = len(line) + 1
        return " " * (len(prompt) + pos) + "^\n" + message + "\n"

    def handle(self, line: str) -> Reply:
        self.cfg.expire_confirm(self.net.now())
        text = line.strip()
        if self.unix_shell:
            if text == "cli":
                self.unix_shell = False
                return Reply("")
            if text in ("exit", "logout"):
                return Reply("", close=True)
            return Reply(f"sh: {text.split()[0]}: not found\n" if text else "")
        if not self.config_mode and text in ("exit", "quit"):
            if self.from_shell:
                self.unix_shell = True
                return Reply("")
            return Reply("", close=True)
        if self.confirm_exit:
            self.confirm_exit = False
            if text in ("", "yes"):
                self.cfg.candidate = None
                self.config_mode = False
                return Reply("Exiting configuration mode\n")
            return Reply(self._edit(""))
        if not text:
            return Reply(self._edit("") if self.config_mode else "")
        if self.config_mode:
            return self._configure(text)
        return Reply(self._operational(text))

    # -- operational mode ---------------------------------------------------------------------------
    def _operational(self, text: str) -> str:
        words = text.split()
        prompt = self.prompt()
        if text == "set cli screen-width 511" or (words[:3] == ["set", "cli", "screen-width"] and len(words) == 4):
            return f"Screen width set to {words[3]}\n"
        if words[:3] == ["set", "cli", "screen-length"] and len(words) == 4:
            return f"Screen length set to {words[3]}\n"
        if words == ["set", "cli", "complete-on-space", "off"]:
            return "Disabling complete-on-space\n"
        if words[0] == "configure" and len(words) <= 2:
            self.config_mode = True
            if self.cfg.candidate is None:
                self.cfg.candidate = list(self.cfg.active)
            return "Entering configuration mode\n\n[edit]\n"
        if text == "show configuration | display set":
            return display_set(self.cfg.active)
        if text == "show configuration":
            return display_tree(self.cfg.active)
        if text == "show interfaces terse":
            return self._terse()
        if words[:2] == ["show", "interfaces"] and len(words) == 3:
            return self._show_interface(words[2], prompt, text)
        if text == "show ospf neighbor":
            return self._neighbours()
        if text == "show version":
            return f"Hostname: {self.cfg.hostname()}\nModel: {self.dev.model.lower() or 'srx345'}\nJunos: 21.4R3-S5.4\n"
        if text == "show system commit":
            return "".join(f"{i}   {self.user}\n" for i in range(len(self.cfg.commits)))
        if words[0] == "ping" and len(words) >= 2:
            return self._ping(words[1:], prompt, text)
        return self._caret(prompt, text, 0 if words[0] not in ("show", "ping") else 1, "unknown command.")

    def _status(self, name: str) -> tuple[str, str]:
        if not self.cfg.admin_up(name):
            return "down", "down"
        return ("up", "up") if self.net.oper_up(self.dev.name, name) else ("up", "down")

    def _terse(self) -> str:
        out = [f"{'Interface':<24}{'Admin':<6}{'Link':<5}{'Proto':<7}{'Local':<20}Remote"]
        for name in self.cfg.interface_names():
            admin, link = self._status(name)
            out.append(f"{name:<24}{admin:<6}{link:<5}")
            addrs = self.cfg.addresses(name)
            out.append(f"{name + '.0':<24}{admin:<6}{link:<5}{'inet' if addrs else '':<7}"
                       f"{addrs[0].with_prefixlen if addrs else ''}")
        return "\n".join(out) + "\n"

    def _show_interface(self, name: str, prompt: str, text: str) -> str:
        base = name.removesuffix(".0")
        if base not in self.cfg.interface_names():
            return f"error: device {name} not found\n"
        admin, link = self._status(base)
        c = self.net.counters(self.dev.name, base)
        descr = next((st[3] for st in self.cfg.active if st[:2] == ("interfaces", base) and len(st) == 4
                      and st[2] == "description"), "")
        lines = [f"Physical interface: {base}, {'Enabled' if admin == 'up' else 'Administratively down'}, "
                 f"Physical link is {link.capitalize()}"]
        if descr:
            lines.append(f"  Description: {descr}")
        lines += ["  Link-level type: Ethernet, MTU: 1514, Speed: 1000mbps",
                  "  Traffic statistics:",
                  f"   Input bytes  :            {c.in_bytes}",
                  f"   Output bytes :            {c.out_bytes}",
                  f"   Input  packets:           {c.in_packets}",
                  f"   Output packets:           {c.out_packets}"]
        for a in self.cfg.addresses(base):
            lines.append(f"  Logical interface {base}.0\n    Protocol inet\n      Local: {a.ip}")
        del prompt, text
        return "\n".join(lines) + "\n"

    def _neighbours(self) -> str:
        out = [f"{'Address':<17}{'Interface':<23}{'State':<10}{'ID':<17}{'Pri':>3}  Dead"]
        for n in self.net.neighbours(self.dev.name):
            out.append(f"{n.address:<17}{n.interface + '.0':<23}{'Full':<10}{n.router_id:<17}{128:>3}    36")
        return "\n".join(out) + "\n"

    def _ping(self, args: list[str], prompt: str, text: str) -> str:
        target = args[0]
        count = 5
        if "count" in args:
            i = args.index("count")
            if i + 1 < len(args) and args[i + 1].isdigit():
                count = max(1, min(int(args[i + 1]), 100))
        try:
            addr = IPv4Address(target)
        except ValueError:
            return self._caret(prompt, text, 1, "syntax error, expecting <host>.")
        ok = self.net.ping(self.dev.name, addr)
        got = count if ok else 0
        marks = ("!" if ok else ".") * count
        tail = "round-trip min/avg/max/stddev = 0.512/0.733/1.021/0.174 ms\n" if ok else ""
        return (f"PING {target} ({target}): 56 data bytes\n{marks}\n--- {target} ping statistics ---\n"
                f"{count} packets transmitted, {got} packets received, {100 - 100 * got // count}% packet loss\n"
                + tail)

    # -- configuration mode -------------------------------------------------------------------------
    def _configure(self, text: str) -> Reply:
        cand = self.cfg.candidate if self.cfg.candidate is not None else list(self.cfg.active)
        self.cfg.candidate = cand
        prompt = self.prompt()
        words = text.split()
        head = words[0]
        if head in ("set", "delete"):
            faults = self.dev.faults
            if faults.drop_after_lines is not None and self.config_lines >= faults.drop_after_lines:
                return Reply("", close=True)
            if faults.rejects(text):
                return Reply(self._edit(self._caret(prompt, text, 1, "syntax error.").rstrip("\n")))
            tokens = split_words(text)
            if tokens is None:
                return Reply(self._edit(self._caret(prompt, text, len(words) - 1, "syntax error.").rstrip("\n")))
            st = tuple(tokens[1:])
            if head == "set":
                err = self._set(cand, st)
                if err is not None:
                    return Reply(self._edit(self._caret(prompt, text, err + 1, "syntax error.").rstrip("\n")))
                self.config_lines += 1
                return Reply(self._edit(""))
            hits = [s for s in cand if s[:len(st)] == st]
            self.config_lines += 1
            if not hits:
                return Reply(self._edit("warning: statement not found"))
            self.cfg.candidate = [s for s in cand if s[:len(st)] != st]
            return Reply(self._edit(""))
        if text in ("show | compare", "show|compare"):
            return Reply(self._edit(compare(self.cfg.active, cand).rstrip("\n")))
        if text in ("show | display set", "show"):
            return Reply(self._edit(display_set(cand).rstrip("\n")))
        if head == "commit":
            return Reply(self._commit(words[1:], prompt, text))
        if head == "rollback":
            n = int(words[1]) if len(words) == 2 and words[1].isdigit() else 0 if len(words) == 1 else -1
            if not 0 <= n < len(self.cfg.commits):
                return Reply(self._edit("error: Requested rollback configuration does not exist"
                                        if n >= 0 else self._caret(prompt, text, 1, "syntax error.").rstrip()))
            self.cfg.candidate = list(self.cfg.commits[n])
            return Reply(self._edit("load complete"))
        if text in ("exit configuration-mode", "exit", "quit"):
            if cand != self.cfg.active:
                self.confirm_exit = True
                return Reply("The configuration has been changed but not committed\n")
            self.cfg.candidate = None
            self.config_mode = False
            return Reply("Exiting configuration mode\n")
        if head == "run" and len(words) > 1:
            return Reply(self._edit(self._operational(" ".join(words[1:])).rstrip("\n")))
        return Reply(self._edit(self._caret(prompt, text, 0, "unknown command.").rstrip("\n")))

    def _set(self, cand: list[Statement], st: Statement) -> int | None:
        """Add a statement to the candidate; the index of the offending token when it is not valid."""
        furthest = 0
        for pattern in _SET_PATTERNS:
            m = match(st, pattern)
            if isinstance(m, Match):
                break
            furthest = max(furthest, m)
        else:
            return furthest
        if st[0] == "interfaces" and st[1] not in self.cfg.interface_names() and not st[1].startswith("lo"):
            return 1
        if st in cand:
            return None
        if len(st) >= 2 and st[-2] in _SINGLE:
            prefix = st[:-1]
            cand[:] = [s for s in cand if s[:-1] != prefix]
        cand.append(st)
        return None

    def _commit(self, args: list[str], prompt: str, text: str) -> str:
        cand = self.cfg.candidate if self.cfg.candidate is not None else list(self.cfg.active)
        quit_after = "and-quit" in args
        args = [a for a in args if a != "and-quit"]
        if args == ["check"]:
            return self._edit("configuration check succeeds")
        minutes: int | None = None
        if args[:1] == ["confirmed"]:
            minutes = 10
            if len(args) == 2 and args[1].isdigit() and 1 <= int(args[1]) <= 65535:
                minutes = int(args[1])
            elif len(args) > 1:
                return self._edit(self._caret(prompt, text, 2, "syntax error.").rstrip())
        elif args and args[0] != "comment":
            return self._edit(self._caret(prompt, text, 1, "syntax error.").rstrip())
        if cand == self.cfg.active and minutes is None and self.cfg.confirm_deadline is not None:
            self.cfg.confirm_deadline = None  # a plain commit confirms a `commit confirmed`
            out = "commit complete"
        else:
            self.cfg.commit(cand, confirm_minutes=minutes, now=self.net.now())
            self.cfg.candidate = list(cand)
            out = "commit complete"
            if minutes is not None:
                out = f"commit confirmed will be automatically rolled back in {minutes} minutes unless confirmed\n{out}"
        if quit_after:
            self.cfg.candidate = None
            self.config_mode = False
            return out + "\nExiting configuration mode\n"
        return self._edit(out)
