"""`DeviceTransport` over a CLI session: netmiko for real devices, the same logic for any line-based channel.

`CliTransport` holds everything that does no I/O (scrapli's base-driver idea): which command prints the
config, how a diff and an exact rollback are computed per platform, how a rejected line is recognised. A
`CliChannel` does the I/O: `NetmikoChannel` wraps a netmiko `ConnectHandler`; the memory transport's
`ShellChannel` drives the simulator's shells directly.

Per platform:

- IOS (also FRR's vtysh, which speaks the same dialect): the running config comes from
  `show running-config`; `compare_config` is hier_config's remediation from the running config to its
  predicted future with the candidate merged; `rollback` pushes hier_config's remediation from the current
  config back to the one saved before the commit. `enable` is only sent when the session is not already
  privileged.
- RouterOS: `/export`; hier_config has no RouterOS driver, so `compare_config` lists the candidate
  commands that the exported config does not already satisfy, and `rollback` computes the inverse
  commands from the two exports: it sets changed values back (RouterOS's defaults where the backup showed
  none), removes the items that differ from the first changed one on, and adds the backup's items back in
  their order, so the export comes back identical.
- Junos: `show configuration | display set`; the candidate is loaded in configuration mode and committed
  there (`commit confirmed N` with `confirm_seconds`); a rejected line leaves the candidate discarded
  (`rollback 0`); `rollback` is `rollback 1` and a commit, only when our commit went through.

A rejected line raises `TransportError(REJECTED, line=...)` after the config is put back as it was; a
dropped session raises DISCONNECTED (the lines before the drop may be applied): `open()` then
`rollback()` on the same object restores the config saved before the commit.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kotanet.inventory.choices import Platform
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, FailureKind, TransportError

__all__ = [
    "DEVICE_TYPES",
    "ERROR_PATTERN",
    "ChannelDropped",
    "ChannelRejected",
    "CliChannel",
    "CliTransport",
    "NetmikoChannel",
    "NetmikoOptions",
    "NetmikoTransport",
    "clean_running_config",
    "config_lines",
    "ios_remediation",
    "routeros_changes",
    "routeros_compare",
    "routeros_restore",
]

DEVICE_TYPES: dict[Platform, str] = {
    Platform.IOS: "cisco_ios",
    Platform.FRR: "cisco_ios",
    Platform.ROUTEROS: "mikrotik_routeros",
    Platform.JUNOS: "juniper_junos",
}
# What each CLI prints when it refuses a line.
ERROR_PATTERN = (r"% ?Invalid input|% ?Incomplete command|% ?Ambiguous command|% ?Unknown command|"
                 r"bad command name|expected end of command|invalid value for argument|"
                 r"input does not match any value|^failure:|no such item|missing value|"
                 r"^syntax error|^unknown command|^error:")
_ERROR = re.compile(ERROR_PATTERN, re.M | re.I)
_COMMENT = ("!", "#", "/*")


def config_lines(text: str) -> list[str]:
    """The lines of a config snippet that a device would execute: no blanks, no comments, no `end`."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith(_COMMENT) or stripped == "end":
            continue
        out.append(line)
    return out


def clean_running_config(platform: Platform, text: str) -> str:
    """The config text without what changes between two reads of the same config (headers, dates)."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if platform in (Platform.IOS, Platform.FRR) and (
                line.startswith(("Building configuration", "Current configuration", "! Last configuration",
                                 "! NVRAM config last", "! No configuration change"))):
            continue
        if platform is Platform.ROUTEROS and re.match(r"^# \S+ \S+ by RouterOS", line):
            continue
        if platform is Platform.JUNOS and line.startswith("## Last commit"):
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip("\n") + "\n"


# -- IOS and Junos: hier_config ------------------------------------------------------------------------
def _hc_platform(platform: Platform) -> Any:
    from hier_config import Platform as HcPlatform

    return HcPlatform.JUNIPER_JUNOS if platform is Platform.JUNOS else HcPlatform.CISCO_IOS


def _hc_text(platform: Platform, text: str) -> str:
    """The config without the lines that only close a section (`exit`, `end`): FRR prints them in its
    running config, and hier_config would take them for commands."""
    if platform is Platform.JUNOS:
        return text
    return "\n".join(ln for ln in text.splitlines() if ln.strip() not in ("exit", "end", "exit-address-family"))


def ios_remediation(platform: Platform, running: str, target: str) -> list[str]:
    """hier_config's remediation: the commands that take `running` to `target` (both full configs)."""
    from hier_config import WorkflowRemediation, get_hconfig

    hp = _hc_platform(platform)
    run = get_hconfig(hp, _hc_text(platform, running))
    rem = WorkflowRemediation(run, get_hconfig(hp, _hc_text(platform, target))).remediation_config
    if platform is not Platform.JUNOS:
        # IOS never shows `no shutdown`: it is a change only where the running config says `shutdown`
        for sec in list(rem.children):
            if not sec.text.startswith("interface "):
                continue
            run_sec = run.get_child(equals=sec.text)
            for ch in list(sec.children):
                if ch.text == "no shutdown" and (run_sec is None or run_sec.get_child(equals="shutdown") is None):
                    ch.delete()
            if not sec.children:
                sec.delete()
        # hier_config takes every `ip address` line for the one idempotent address, so an IOS secondary (or
        # any FRR address: FRR's addresses are all peers) that the target lacks would stay: negate it
        tgt = get_hconfig(hp, _hc_text(platform, target))

        def extra_address(line: str) -> bool:
            return line.startswith("ip address ") and (platform is Platform.FRR or line.endswith(" secondary"))

        if platform is Platform.FRR:
            for sec in rem.children:  # FRR's `no description` takes no text
                for ch in list(sec.children):
                    if ch.text.startswith("no description "):
                        ch.text = "no description"
            # FRR keeps an interface the kernel has: `no interface X` is refused, so its lines are negated
            for sec in list(rem.children):
                if sec.text.startswith("no interface "):
                    run_sec = run.get_child(equals=sec.text[3:])
                    sec.delete()
                    if run_sec is not None:
                        new = rem.add_child(run_sec.text)
                        for ch in reversed(run_sec.children):  # `bfd profile` before `bfd`
                            new.add_child(_frr_negation(ch.text))
        for run_sec in run.children:
            if run_sec.text.startswith("interface ") and rem.get_child(equals=run_sec.text) is not None \
                    and platform is Platform.FRR and tgt.get_child(equals=run_sec.text) is None:
                continue  # negated line by line above
            tgt_sec = tgt.get_child(equals=run_sec.text)
            gone = [ch.text for ch in run_sec.children if extra_address(ch.text)
                    and (tgt_sec is None or tgt_sec.get_child(equals=ch.text) is None)]
            if gone:
                sec = rem.get_child(equals=run_sec.text) or rem.add_child(run_sec.text)
                for text in gone:
                    if sec.get_child(equals=f"no {text}") is None:
                        sec.add_child(f"no {text}")
    return list(rem.dump_simple(sectional_exiting=platform is not Platform.JUNOS))


def _frr_negation(line: str) -> str:
    if line == "shutdown":
        return "no shutdown"
    if line.startswith("description "):
        return "no description"
    return line[3:] if line.startswith("no ") else f"no {line}"


def ios_future(platform: Platform, running: str, candidate: str) -> str:
    """The running config as hier_config predicts it after merging `candidate`."""
    from hier_config import get_hconfig

    hp = _hc_platform(platform)
    run = get_hconfig(hp, _hc_text(platform, running))
    cand = get_hconfig(hp, _hc_text(platform, candidate))
    # A section line the running config already has changes nothing; hier_config's `future` would add it
    # a second time where it is not idempotent (`ip address ... secondary`) and refuse the duplicate.
    for sec in list(cand.children):
        run_sec = run.get_child(equals=sec.text)
        if run_sec is None or not sec.children:
            continue
        for ch in list(sec.children):
            if not ch.children and run_sec.get_child(equals=ch.text) is not None:
                ch.delete()
        if not sec.children:
            sec.delete()
    future = run.future(cand)
    return "\n".join(future.dump_simple()) + "\n"


# -- RouterOS: exports and their inverse ---------------------------------------------------------------
# RouterOS's values when an export does not show them (only what differs from these is exported).
ROUTEROS_DEFAULTS: dict[str, dict[str, str]] = {
    "/interface ethernet": {"comment": "", "disabled": "no", "mtu": "1500"},
    "/interface wireless": {"comment": "", "disabled": "no", "mtu": "1500"},
    "/snmp community": {"name": "public", "read-access": "yes", "write-access": "no", "addresses": "::/0"},
    "/snmp": {"enabled": "no", "trap-version": "1", "trap-community": "public", "trap-target": "",
              "contact": "", "location": ""},
    "/system ntp client": {"enabled": "no", "servers": "", "mode": "unicast"},
    "/system identity": {"name": "MikroTik"},
    "/system clock": {"time-zone-name": "manual"},
}


@dataclass(frozen=True, slots=True)
class _RosEntry:
    menu: str
    verb: str                       # "add" or "set"
    selector: str                   # "" for a single menu or an add; "[ find default-name=x ]" for a set
    attrs: tuple[tuple[str, str], ...]

    @property
    def values(self) -> dict[str, str]:
        return dict(self.attrs)


def _ros_tokens(line: str) -> list[str]:
    from kotanet.playbooks.sshsim.routeros import tokenize

    return tokenize(line)


def _ros_quote(value: str) -> str:
    from kotanet.playbooks.sshsim.routeros import quote

    return quote(value)


def _norm_selector(token: str) -> str:
    return "[ " + " ".join(token.strip("[] ").split()) + " ]"


def parse_export(text: str) -> list[_RosEntry]:
    """The entries of a RouterOS `/export` (menus with their add/set lines, continuation lines joined)."""
    entries: list[_RosEntry] = []
    menu = "/"
    joined: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + line.lstrip()
        else:
            joined.append(line)
    for line in joined:
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            menu = line.strip()
            continue
        tokens = _ros_tokens(line)
        verb, rest = tokens[0], tokens[1:]
        selector = ""
        if rest and rest[0].startswith("["):
            selector, rest = _norm_selector(rest[0]), rest[1:]
        attrs = tuple(tuple(t.split("=", 1)) for t in rest if "=" in t)
        entries.append(_RosEntry(menu, verb, selector, attrs))  # type: ignore[arg-type]
    return entries


def _pairs(tokens: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in tokens:
        if "=" in t:
            k, v = t.split("=", 1)
            out[k] = v
    return out


def _kv(attrs: Sequence[tuple[str, str]] | dict[str, str]) -> str:
    items = attrs.items() if isinstance(attrs, dict) else attrs
    return " ".join(f"{k}={_ros_quote(v)}" for k, v in items)


def routeros_restore(current: str, target: str) -> list[str]:
    """RouterOS commands that take the `current` export back to the `target` export exactly."""
    cur, tgt = parse_export(current), parse_export(target)
    menus: list[str] = []
    for e in [*tgt, *cur]:
        if e.menu not in menus:
            menus.append(e.menu)
    removes: list[str] = []
    sets: list[str] = []
    adds: list[str] = []
    for menu in menus:
        c_add = [e for e in cur if e.menu == menu and e.verb == "add"]
        t_add = [e for e in tgt if e.menu == menu and e.verb == "add"]
        k = 0
        while k < min(len(c_add), len(t_add)) and c_add[k].attrs == t_add[k].attrs:
            k += 1
        for e in reversed(c_add[k:]):
            removes.append(f"{menu} remove [find {_kv(e.attrs)}]")
        adds.extend(f"{menu} add {_kv(e.attrs)}" for e in t_add[k:])
        c_set = {e.selector: e.values for e in cur if e.menu == menu and e.verb == "set"}
        t_set = {e.selector: e.values for e in tgt if e.menu == menu and e.verb == "set"}
        defaults = dict(ROUTEROS_DEFAULTS.get(menu, {}))
        for selector in [*t_set, *[s for s in c_set if s not in t_set]]:
            want = t_set.get(selector, {})
            have = c_set.get(selector, {})
            base = dict(defaults)
            m = re.search(r"default-name=(\S+) \]", selector)
            if m:
                base["name"] = m.group(1)
            change = {key: want.get(key, base.get(key, "")) for key in [*have, *want]
                      if have.get(key, base.get(key, "")) != want.get(key, base.get(key, ""))}
            if change:
                sets.append(f"{menu} set {selector + ' ' if selector else ''}{_kv(change)}")
    return [*reversed(removes), *sets, *adds]


def routeros_changes(running: str, lines: Sequence[str]) -> list[str]:
    """The candidate commands the running export does not already satisfy, in the candidate's order.

    An `add` is satisfied by an item with the same values, a `set` by values already held (RouterOS's defaults
    where the export shows none), a `remove` when nothing matches it, or when a satisfied `add` later in the
    candidate puts back what it would remove (the template's remove-then-add of a logging action)."""
    entries = parse_export(running)
    decided: list[tuple[str, bool | None]] = []       # (line, needed); None: a remove decided at the end
    removes: dict[int, tuple[str, dict[str, str]]] = {}
    satisfied_adds: list[dict[str, str]] = []
    for line in lines:
        text = line.strip()
        try:
            tokens = _ros_tokens(text)
        except Exception:
            decided.append((text, True))
            continue
        words = [t for t in tokens if not t.startswith("[") and "=" not in t]
        verbs = [w for w in words if w in ("add", "set", "remove")]
        if not tokens or not verbs:
            decided.append((text, True))
            continue
        verb = verbs[0]
        menu = "/" + " ".join(w.strip("/") for w in words[:words.index(verb)])
        attrs = _pairs(t for t in tokens if not t.startswith("["))
        find = next((t for t in tokens if t.startswith("[")), "")
        conds = _pairs(_ros_tokens(find.strip("[] "))[1:]) if find else {}
        items = [e.values for e in entries if e.menu == menu]
        if verb == "add":
            ok = any(all(v.get(k) == val for k, val in attrs.items()) for v in items)
            if ok:
                satisfied_adds.append({"__menu": menu, **attrs})
        elif verb == "remove":
            if any(all(v.get(k) == val for k, val in conds.items()) for v in items):
                removes[len(decided)] = (menu, conds)
                decided.append((text, None))
                continue
            ok = True
        else:
            defaults = ROUTEROS_DEFAULTS.get(menu, {})
            sel = {e.selector: e.values for e in entries if e.menu == menu and e.verb == "set"}
            targets = [v for s, v in sel.items() if all(f"{k}={val}" in s for k, val in conds.items())]
            if "default-name" in conds and not targets:
                targets = [{}]
            if menu == "/interface" and "name" in conds:
                for m in ("/interface ethernet", "/interface wireless"):
                    targets += [e.values for e in entries if e.menu == m and e.verb == "set"
                                and f"default-name={conds['name']} ]" in e.selector]
                defaults = ROUTEROS_DEFAULTS["/interface ethernet"]
            if not conds:
                targets = [next((e.values for e in entries if e.menu == menu and e.verb == "set"), {})]
            ok = bool(targets) and all(all(t.get(k, defaults.get(k)) == val for k, val in attrs.items())
                                       for t in targets)
        decided.append((text, not ok))
    out: list[str] = []
    for i, (text, needed) in enumerate(decided):
        push = needed
        if push is None:
            menu, conds = removes[i]
            push = not any(a["__menu"] == menu and all(a.get(k) == v for k, v in conds.items())
                           for a in satisfied_adds)
        if push:
            out.append(text)
    return out


def routeros_compare(running: str, lines: Sequence[str]) -> str:
    """`routeros_changes` as a diff: one `+ command` per line."""
    return "".join(f"+ {ln}\n" for ln in routeros_changes(running, lines))


# -- the channel -------------------------------------------------------------------------------------
class ChannelRejected(Exception):  # noqa: N818 - a signal between channel and transport, not an error type
    def __init__(self, line: str, output: str) -> None:
        super().__init__(line)
        self.line = line
        self.output = output


class ChannelDropped(Exception):  # noqa: N818
    pass


class CliChannel(Protocol):
    """A line-based session to one device. Raises ChannelDropped when the session ends under it."""

    def command(self, cmd: str) -> str: ...

    def config(self, lines: Sequence[str], *, enter: bool, exit_: bool) -> str:
        """Send config lines (entering/leaving config mode as asked); ChannelRejected names the refused line."""
        ...

    def close(self) -> None: ...


class CliTransport:
    """The platform logic of a CLI `DeviceTransport`; subclasses supply `_connect()`."""

    def __init__(self, endpoint: DeviceEndpoint) -> None:
        self.endpoint = endpoint
        self._chan: CliChannel | None = None
        self._candidate: list[str] | None = None
        self._before_commit: str | None = None
        self._committed = False
        self._pending_confirm = False

    # subclasses
    def _connect(self) -> CliChannel:
        raise NotImplementedError

    @property
    def platform(self) -> Platform:
        return self.endpoint.platform

    def _fail(self, kind: FailureKind, message: str, *, line: str | None = None, hint: str = "") -> TransportError:
        return TransportError(self.endpoint.name, kind, message, line=line, hint=hint)

    def _channel(self) -> CliChannel:
        if self._chan is None:
            raise self._fail(FailureKind.DISCONNECTED, "the session is not open", hint="call open() first")
        return self._chan

    def _run(self, fn: Callable[[CliChannel], str]) -> str:
        chan = self._channel()
        try:
            return fn(chan)
        except ChannelDropped as exc:
            self._drop()
            raise self._fail(FailureKind.DISCONNECTED, f"the session dropped ({exc})",
                             hint="check the device's management path; open() again, then rollback()") from None

    def _drop(self) -> None:
        if self._chan is not None:
            with contextlib.suppress(Exception):  # the session is already gone
                self._chan.close()
        self._chan = None

    # -- DeviceTransport ----------------------------------------------------------------------------
    def open(self) -> None:
        if self.platform not in DEVICE_TYPES:
            raise self._fail(FailureKind.UNSUPPORTED, f"no CLI driver for platform {self.platform.value}",
                             hint=f"supported: {', '.join(p.value for p in DEVICE_TYPES)}")
        if self._chan is None:
            self._chan = self._connect()

    def close(self) -> None:
        self._drop()

    def get_running_config(self) -> str:
        cmd = {Platform.ROUTEROS: "/export", Platform.JUNOS: "show configuration | display set"}.get(
            self.platform, "show running-config")
        return clean_running_config(self.platform, self._run(lambda c: c.command(cmd)))

    def load_merge_candidate(self, config: str) -> None:
        self._channel()
        self._candidate = config_lines(config)

    def compare_config(self) -> str:
        if not self._candidate:
            return ""
        running = self.get_running_config()
        if self.platform is Platform.ROUTEROS:
            return routeros_compare(running, self._candidate)
        future = ios_future(self.platform, running, "\n".join(self._candidate))
        lines = ios_remediation(self.platform, running, future)
        if self.platform is Platform.JUNOS:
            # hier_config keeps a `delete` of what is not there; Junos would only warn about it
            present = [ln[4:] for ln in running.splitlines() if ln.startswith("set ")]
            lines = [ln for ln in lines if not ln.startswith("delete ")
                     or any(p == ln[7:] or p.startswith(ln[7:] + " ") for p in present)]
        return "\n".join(lines) + "\n" if lines else ""

    def discard_config(self) -> None:
        self._candidate = None

    def commit_config(self, *, confirm_seconds: int | None = None) -> None:
        lines = self._candidate or []
        self._before_commit = self.get_running_config()
        self._committed = False
        if not lines:
            return
        if self.platform is Platform.ROUTEROS:
            # RouterOS scripts are not idempotent (`add` twice makes two items): push what is not there yet
            lines = routeros_changes(self._before_commit, lines)
        if self.platform is Platform.JUNOS:
            self._commit_junos(lines, confirm_seconds)
        elif lines:
            try:
                self._run(lambda c: c.config(lines, enter=True, exit_=True))
            except ChannelRejected as exc:
                self._after_reject()
                raise self._fail(FailureKind.REJECTED, f"the device rejected {exc.line.strip()!r}: "
                                 f"{_first_error(exc.output)}", line=exc.line.strip(),
                                 hint="the config is back as it was; fix the template or the device") from None
            self._committed = True
        self._candidate = None

    def _after_reject(self) -> None:
        """Put the config back after a refused line (IOS and RouterOS apply line by line)."""
        if self.platform is not Platform.JUNOS and self._before_commit is not None:
            self._restore(self._before_commit)

    def _commit_junos(self, lines: list[str], confirm_seconds: int | None) -> None:
        try:
            self._run(lambda c: c.config(lines, enter=True, exit_=False))
        except ChannelRejected as exc:
            self._junos_abort()
            raise self._fail(FailureKind.REJECTED, f"the device rejected {exc.line.strip()!r}: "
                             f"{_first_error(exc.output)}", line=exc.line.strip(),
                             hint="nothing was committed; fix the template or the device") from None
        if confirm_seconds:
            minutes = max(1, -(-confirm_seconds // 60))
            cmd = f"commit confirmed {minutes}"
        else:
            cmd = "commit"
        out = self._run(lambda c: c.command(cmd))
        if "commit complete" not in out and "will be automatically rolled back" not in out:
            self._junos_abort()
            raise self._fail(FailureKind.REJECTED, f"commit failed: {_first_error(out) or out.strip()[:200]}",
                             line=cmd, hint="nothing was committed; see the device's commit errors")
        self._committed = True
        self._pending_confirm = bool(confirm_seconds)
        self._run(lambda c: c.command("exit configuration-mode"))

    def _junos_abort(self) -> None:
        try:
            self._run(lambda c: c.command("rollback 0"))
            self._run(lambda c: c.command("exit configuration-mode"))
        except TransportError:
            pass

    def confirm_commit(self) -> None:
        if self.platform is Platform.JUNOS and self._pending_confirm:
            out = self._run(lambda c: c.command("configure") + c.command("commit"))
            self._run(lambda c: c.command("exit configuration-mode"))
            if "commit complete" not in out:
                raise self._fail(FailureKind.REJECTED, "confirming the commit failed", line="commit",
                                 hint="the device will roll back by itself when the confirm timer ends")
            self._pending_confirm = False

    def rollback(self) -> None:
        if self._before_commit is None:
            raise self._fail(FailureKind.UNSUPPORTED, "nothing to roll back",
                             hint="rollback() follows a commit_config()")
        if self.platform is Platform.JUNOS:
            if self._committed:
                out = self._run(lambda c: c.command("configure") + c.command("rollback 1") + c.command("commit"))
                self._run(lambda c: c.command("exit configuration-mode"))
                if "commit complete" not in out:
                    raise self._fail(FailureKind.REJECTED, "rollback 1 did not commit", line="rollback 1",
                                     hint="log in and check `show system commit`")
                self._committed = False
            self._pending_confirm = False
            return
        self._restore(self._before_commit)
        self._committed = False

    def _restore(self, target: str) -> None:
        current = self.get_running_config()
        if current == target:
            return
        if self.platform is Platform.ROUTEROS:
            lines = routeros_restore(current, target)
        else:
            lines = ios_remediation(self.platform, current, target)
        try:
            self._run(lambda c: c.config(lines, enter=True, exit_=True))
        except ChannelRejected as exc:
            raise self._fail(FailureKind.REJECTED, f"restoring the config, the device rejected {exc.line!r}",
                             line=exc.line, hint="restore the backup by hand") from None
        after = self.get_running_config()
        if after != target:
            raise self._fail(FailureKind.REJECTED, "the restored config differs from the backup",
                             hint="compare the backup with the running config by hand")

    def run_commands(self, commands: Sequence[str]) -> dict[str, str]:
        return {cmd: self._run(lambda c, cmd=cmd: c.command(cmd)) for cmd in commands}  # type: ignore[misc]


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if _ERROR.search(line.strip()):
            return line.strip()
    return ""


# -- netmiko ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NetmikoOptions:
    conn_timeout: float = 10.0
    auth_timeout: float = 10.0
    read_timeout: float = 30.0
    fast_cli: bool = True


class NetmikoChannel:
    """A netmiko session as a `CliChannel`."""

    def __init__(self, conn: Any, platform: Platform, read_timeout: float) -> None:
        self.conn = conn
        self.platform = platform
        self.read_timeout = read_timeout

    def _guard(self, fn: Callable[[], str]) -> str:
        from netmiko.exceptions import ReadException

        try:
            return fn()
        except (OSError, EOFError, ReadException) as exc:
            raise ChannelDropped(type(exc).__name__) from None
        except Exception as exc:
            if "Socket is closed" in str(exc) or "session not active" in str(exc).lower():
                raise ChannelDropped(type(exc).__name__) from None
            raise

    def command(self, cmd: str) -> str:
        if self.platform is Platform.JUNOS and (cmd.startswith(("commit", "rollback", "configure"))
                                                or cmd == "exit configuration-mode"):
            return self._guard(lambda: str(self.conn.send_command(
                cmd, expect_string=r"[>#]\s*$", read_timeout=self.read_timeout, strip_prompt=False,
                cmd_verify=True)))
        return self._guard(lambda: str(self.conn.send_command(cmd, read_timeout=self.read_timeout)))

    def config(self, lines: Sequence[str], *, enter: bool, exit_: bool) -> str:
        from netmiko.exceptions import ConfigInvalidException

        mikrotik = self.platform is Platform.ROUTEROS
        try:
            return self._guard(lambda: str(self.conn.send_config_set(
                list(lines), enter_config_mode=enter and not mikrotik, exit_config_mode=exit_ and not mikrotik,
                error_pattern=ERROR_PATTERN, cmd_verify=True, read_timeout=self.read_timeout)))
        except ConfigInvalidException as exc:
            m = re.search(r"at command: (.*), matched error: (.*)$", str(exc), re.S)
            line = m.group(1) if m else str(exc)
            try:
                if exit_ and not mikrotik:
                    self.conn.exit_config_mode()
            except Exception:
                pass
            raise ChannelRejected(line, m.group(2) if m else "") from None

    def close(self) -> None:
        self.conn.disconnect()


class NetmikoTransport(CliTransport):
    """`DeviceTransport` over netmiko: cisco_ios (IOS, FRR vtysh), mikrotik_routeros, juniper_junos."""

    def __init__(self, endpoint: DeviceEndpoint, *, options: NetmikoOptions | None = None) -> None:
        super().__init__(endpoint)
        self.options = options or NetmikoOptions()

    def _connect(self) -> CliChannel:
        from netmiko import ConnectHandler
        from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException

        ep = self.endpoint
        creds: Credentials | None = ep.credentials
        if creds is None:
            raise self._fail(FailureKind.AUTHENTICATION, "no credentials for this device",
                             hint="add it to the secrets file or set the credential environment variables")
        password = creds.password.get_secret_value()
        secret = (creds.secret or creds.password).get_secret_value()
        try:
            conn = ConnectHandler(
                device_type=DEVICE_TYPES[ep.platform], host=ep.host, port=ep.port, username=creds.username,
                password=password, secret=secret, conn_timeout=self.options.conn_timeout,
                auth_timeout=self.options.auth_timeout, banner_timeout=self.options.conn_timeout,
                fast_cli=self.options.fast_cli, read_timeout_override=self.options.read_timeout,
                allow_agent=False, use_keys=False, ssh_strict=False, system_host_keys=False)
        except NetmikoAuthenticationException:
            raise self._fail(FailureKind.AUTHENTICATION, "authentication failed",
                             hint="check the username and password for this device") from None
        except NetmikoTimeoutException:
            raise self._fail(FailureKind.UNREACHABLE, f"cannot connect to {ep.host}:{ep.port} (refused or timed out)",
                             hint="check that the device is up and reachable from here") from None
        except (OSError, EOFError) as exc:
            raise self._fail(FailureKind.UNREACHABLE, f"cannot connect to {ep.host}:{ep.port} "
                             f"({type(exc).__name__})", hint="check that the device is up") from None
        except Exception as exc:
            text = _scrub(str(exc), password, secret)
            raise self._fail(FailureKind.DISCONNECTED, f"the session failed while logging in: {text[:200]}",
                             hint="check the platform and the device's prompt") from None
        if ep.platform in (Platform.IOS, Platform.FRR):
            try:
                if not conn.check_enable_mode():
                    conn.enable()
            except Exception:
                conn.disconnect()
                raise self._fail(FailureKind.AUTHENTICATION, "enable failed",
                                 hint="check the enable secret for this device") from None
        _notice_closed_sessions(conn)
        return NetmikoChannel(conn, ep.platform, self.options.read_timeout)


def _notice_closed_sessions(conn: Any) -> None:
    """Make netmiko raise at once when the device closes the session, instead of waiting out its read
    timeout (paramiko's `recv_ready()` stays False on a closed channel, which netmiko takes for "no data yet").
    """
    from netmiko.channel import SSHChannel
    from netmiko.exceptions import ReadException

    class _Channel(SSHChannel):
        def read_buffer(self) -> str:
            rc = self.remote_conn
            if rc is not None and not rc.recv_ready() and (rc.closed or rc.eof_received):
                raise ReadException("Channel stream closed by remote device.")
            return super().read_buffer()

    if isinstance(getattr(conn, "channel", None), SSHChannel):
        conn.channel = _Channel(conn.remote_conn, conn.encoding)


def _scrub(text: str, *secrets: str) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "**********")
    return text
