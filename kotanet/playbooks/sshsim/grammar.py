"""A tiny command grammar for the simulated shells: keyword patterns with typed arguments. Pure.

A pattern is a tuple of items. A plain word is a keyword, matched case-insensitively by any unambiguous
prefix of at least `min_prefix` letters when the shell allows abbreviations (IOS does, Junos and RouterOS do
not here). An item in angle brackets is an argument:

- `<word>` any one token; `<text>` the rest of the line (at least one token); `<int>` a decimal number;
- `<ip>` a dotted IPv4 address; `<mask>` a dotted netmask; `<prefix>` `a.b.c.d/len`; `<area>` an
  OSPF area (a number or a dotted quad); `<a|b|c>` one of the listed keywords.

`match` returns the captured arguments, or the index of the first token that did not fit, which the shells
turn into the platform's error marker.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

__all__ = ["Match", "Rule", "is_ip", "is_mask", "match", "match_rules", "split_words"]

_DOTTED = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def is_ip(token: str) -> bool:
    if not _DOTTED.match(token):
        return False
    try:
        IPv4Address(token)
    except ValueError:
        return False
    return True


def is_mask(token: str) -> bool:
    if not is_ip(token):
        return False
    try:
        IPv4Network(f"0.0.0.0/{token}")
    except ValueError:
        return False
    return True


def _is_prefix(token: str) -> bool:
    if "/" not in token or not is_ip(token.split("/", 1)[0]):
        return False
    try:
        IPv4Interface(token)
    except ValueError:
        return False
    return True


def _fits(token: str, item: str) -> bool:
    if item == "<word>":
        return True
    if item == "<int>":
        return token.isdigit() and len(token) < 10
    if item == "<ip>":
        return is_ip(token)
    if item == "<mask>":
        return is_mask(token)
    if item == "<prefix>":
        return _is_prefix(token)
    if item == "<area>":
        return (token.isdigit() and len(token) < 10) or is_ip(token)
    if item.startswith("<") and "|" in item:
        return token.lower() in item[1:-1].lower().split("|")
    raise ValueError(f"unknown grammar item {item}")


@dataclass(frozen=True, slots=True)
class Match:
    args: tuple[str, ...]


def match(tokens: Sequence[str], pattern: Sequence[str], *, abbreviations: bool = False,
          min_prefix: int = 1) -> Match | int:
    """The arguments `pattern` captures from `tokens`, or the index of the first token that does not fit."""
    args: list[str] = []
    for i, item in enumerate(pattern):
        if item == "<text>":
            if i >= len(tokens):
                return i
            args.append(" ".join(tokens[i:]))
            return Match(tuple(args))
        if i >= len(tokens):
            return i
        tok = tokens[i]
        if item.startswith("<"):
            if not _fits(tok, item):
                return i
            args.append(tok)
        elif tok.lower() == item or (abbreviations and len(tok) >= min(min_prefix, len(item))
                                     and item.startswith(tok.lower())):
            continue
        else:
            return i
    if len(tokens) > len(pattern):
        return len(pattern)
    return Match(tuple(args))


Handler = Callable[[tuple[str, ...]], str | None]


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: tuple[str, ...]
    handler: Handler


def match_rules(tokens: Sequence[str], rules: Sequence[Rule], *, abbreviations: bool = False
                ) -> tuple[Rule, Match] | int:
    """The first rule whose pattern fits, with its arguments; else the furthest token index any rule reached."""
    furthest = 0
    for rule in rules:
        m = match(tokens, rule.pattern, abbreviations=abbreviations)
        if isinstance(m, Match):
            return rule, m
        furthest = max(furthest, m)
    return furthest


def split_words(line: str) -> list[str] | None:
    """Shell-like words (double quotes group; the quotes are kept out); None when a quote is unbalanced."""
    try:
        lexer = shlex.shlex(line, posix=True)
        lexer.whitespace_split = True
        lexer.quotes = '"'
        lexer.escape = ""
        return list(lexer)
    except ValueError:
        return None
