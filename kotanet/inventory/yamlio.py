"""An inventory as a directory of YAML files: load, locate errors by line, save canonically and atomically.

The happy path uses libyaml and pydantic only. Line numbers are looked up lazily, by composing the one
file that has a problem, so a 30,000-link inventory loads fast and still names `file:line` on error.
"""

from __future__ import annotations

import datetime as dt
import enum
import gc
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any, ClassVar

import yaml
import yaml_rs
from pydantic import BaseModel, TypeAdapter, ValidationError

from kotanet.atomic import file_mode
from kotanet.errors import InventoryError, Problem
from kotanet.inventory.layout import COLLECTION_FILES, SETTINGS_FILE, file_for
from kotanet.inventory.models import Inventory, Settings

__all__ = ["Locator", "dump_inventory", "load_dir", "parse_inventory", "paused_gc", "save_dir"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _DuplicateKeyError(Exception):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class _StrictLoader(_Loader):  # type: ignore[valid-type,misc]
    """libyaml's safe loader, refusing duplicate mapping keys (PyYAML silently keeps the last one).

    Time stamps are left as text: pydantic parses them and reports a bad one with its field and line,
    where YAML's own resolver would raise a bare ValueError for, e.g., month 13.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    }


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, list | dict):
            continue  # unhashable keys are reported by the base constructor
        if key in seen:
            raise _DuplicateKeyError(key, key_node.start_mark.line + 1)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _located_error(text: str, label: str) -> InventoryError:
    """Re-read a file that the fast parser refused with PyYAML, to name the line and the problem."""
    try:
        yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKeyError as exc:
        return InventoryError([Problem(label, exc.line, str(exc.key), "duplicate key",
                                       "keep one of the two entries")])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "malformed YAML"
        return InventoryError([Problem(label, line, "", f"YAML syntax error: {what}",
                                       "fix the indentation or quoting on that line")])
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        return InventoryError([Problem(label, line, "", f"character {exc.character!r} is not allowed in YAML",
                                       "remove the control character")])
    except yaml.YAMLError as exc:
        return InventoryError([Problem(label, None, "", f"YAML error: {exc}", "fix the file")])
    return InventoryError([])


_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map"))


def _refuse_tags(text: str, label: str) -> None:
    """An inventory is plain data: refuse explicit tags (e.g. !!python/object), which change a value's meaning."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return  # the parsers report the syntax error themselves
    stack: list[yaml.Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node.tag not in _STANDARD_TAGS and node.tag != "tag:yaml.org,2002:timestamp":
            raise InventoryError([Problem(label, node.start_mark.line + 1, "", f"YAML tag {node.tag!r} is not allowed",
                                          "remove the tag: an inventory holds plain values only")])
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _fast_error(exc: BaseException, label: str) -> InventoryError:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    m = re.search(r"line (\d+)", str(exc))
    return InventoryError([Problem(label, int(m.group(1)) if m else None, "", f"YAML error: {first}",
                                   "fix the file (YAML 1.2)")])


def _read_yaml(path: Path, label: str) -> Any:
    """Parse one YAML file with yaml-rs (Rust, YAML 1.2, ~20x faster than PyYAML's constructor).

    On error, PyYAML re-reads the file to locate the problem. Time stamps stay text: pydantic parses them
    and reports a bad one with its field and line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError([Problem(label, None, "", f"not UTF-8 text ({exc.reason})",
                                      "save the file as UTF-8")]) from None
    except OSError as exc:
        raise InventoryError([Problem(label, None, "", f"cannot read: {exc.strerror}",
                                      "check the path and its permissions")]) from None
    if "!" in text:
        _refuse_tags(text, label)
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception as exc:  # yaml_rs.YAMLDecodeError and friends
        located = _located_error(text, label)
        raise (located if located.problems else _fast_error(exc, label)) from None
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        located = _located_error(text, label)
        raise (located if located.problems else _fast_error(exc, label)) from None


class Locator:
    """Maps (collection, path) to (file, line) for an inventory directory, composing files lazily."""

    def __init__(self, root: Path | None, label_root: str = "") -> None:
        self.root = root
        self.label_root = label_root
        self._nodes: dict[str, yaml.Node | None] = {}

    def label(self, collection: str) -> str:
        name = file_for(collection)
        return f"{self.label_root}/{name}" if self.label_root else name

    def _node(self, collection: str) -> yaml.Node | None:
        name = file_for(collection)
        if name not in self._nodes:
            node: yaml.Node | None = None
            if self.root is not None:
                try:
                    node = yaml.compose((self.root / name).read_text(encoding="utf-8"), Loader=_Loader)
                except (OSError, yaml.YAMLError, UnicodeDecodeError):
                    node = None
            self._nodes[name] = node
        return self._nodes[name]

    def line(self, collection: str, path: Sequence[str | int]) -> int | None:
        """The line of the deepest node along `path` (collection key first for collection files)."""
        node = self._node(collection)
        if node is None:
            return None
        steps: list[str | int] = list(path) if collection == "settings" else [collection, *path]
        best = node.start_mark.line + 1
        for step in steps:
            nxt: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if str(key_node.value) == str(step):
                        best = key_node.start_mark.line + 1
                        nxt = value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                nxt = node.value[step]
                best = nxt.start_mark.line + 1
            if nxt is None:
                break
            node = nxt
        return best


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_FIXES = {
    "missing": "add the field",
    "extra_forbidden": "remove the field or fix its spelling",
    "string_type": "give a text value (quote it if it looks like a number or yes/no)",
    "enum": "use one of the listed values",
    "string_pattern_mismatch": "use lowercase letters, digits, '-', '_' or '.'",
    "ip_v4_interface": "write an IPv4 address with its prefix, e.g. 10.1.2.1/30",
    "ip_v4_address": "write an IPv4 address, e.g. 10.1.2.1",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "datetime_parsing": "write a time stamp as YYYY-MM-DDTHH:MM:SS+07:00",
    "float_parsing": "give a number",
    "int_parsing": "give a whole number",
    "list_type": "give a list (lines starting with '- ')",
    "model_type": "give a mapping of field: value",
    "dict_type": "give a mapping of field: value",
}


def problems_from_validation(
    exc: ValidationError, collection: str, locator: Locator, prefix: Sequence[str | int] = ()
) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = [*prefix, *[p for p in err["loc"] if isinstance(p, str | int)]]
        # pydantic adds the tag of a function validator to loc; keep only real path parts.
        loc = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
        fix = _FIXES.get(err["type"], "correct the value")
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] != "value_error" and "input" in err and not isinstance(err["input"], dict | list):
            msg = f"{msg} (got {err['input']!r})"
        elif err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
        if err["type"] == "string_pattern_mismatch":
            pattern = str((err.get("ctx") or {}).get("pattern", ""))
            if "https?" in pattern:
                msg, fix = f"not a URL (got {err['input']!r})", "write a full URL starting with https:// or http://"
            elif "[0-9]+[a-z]?" in pattern:
                msg = f"not a route id (got {err['input']!r})"
                fix = "use the master plan's row number, e.g. '4' or '16a'"
            else:
                msg = f"not a valid id (got {err['input']!r})"
        label_loc: Sequence[str | int] = loc
        field = format_loc([collection, *loc] if collection != "settings" else loc)
        problems.append(Problem(locator.label(collection), locator.line(collection, label_loc), field, msg, fix))
    return problems


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(collection: str) -> TypeAdapter[Any]:
    if collection not in _ADAPTERS:
        annotation = Inventory.model_fields[collection].annotation
        assert annotation is not None
        _ADAPTERS[collection] = TypeAdapter(annotation)
    return _ADAPTERS[collection]


def parse_inventory(raw: Mapping[str, Any], locator: Locator) -> Inventory:
    """Build an Inventory from plain data: {'settings': {...}, 'sites': [...], ...}. Collects every error."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    settings_raw = raw.get("settings")
    if not isinstance(settings_raw, dict):
        problems.append(Problem(locator.label("settings"), locator.line("settings", []), "",
                                "must be a mapping with at least 'name'", "start the file with 'name: <your city>'"))
    else:
        try:
            values["settings"] = Settings.model_validate(settings_raw)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, "settings", locator))
    for collection in COLLECTION_FILES:
        items = raw.get(collection)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(locator.label(collection), locator.line(collection, []), collection,
                                    f"must be a list, got {type(items).__name__}",
                                    f"write '{collection}:' followed by lines starting with '- '"))
            continue
        try:
            values[collection] = _adapter(collection).validate_python(items)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, collection, locator))
    if problems:
        raise InventoryError(problems)
    return Inventory.model_construct(**values)


def read_raw(root: Path, label_root: str = "") -> dict[str, Any]:
    """Read every file of an inventory directory into plain data, checking each file's top-level shape."""
    def label(name: str) -> str:
        return f"{label_root}/{name}" if label_root else name

    if not root.is_dir():
        raise InventoryError([Problem(label_root or str(root), None, "", "no such inventory directory",
                                      "give a directory made by 'kotanet inventory init DIR'")])
    settings_path = root / SETTINGS_FILE
    if not settings_path.is_file():
        raise InventoryError([Problem(label(SETTINGS_FILE), None, "", "missing",
                                      "every inventory directory needs inventory.yaml with at least 'name:'")])
    raw: dict[str, Any] = {"settings": _read_yaml(settings_path, label(SETTINGS_FILE))}
    problems: list[Problem] = []
    for collection, name in COLLECTION_FILES.items():
        path = root / name
        if not path.exists():
            continue
        data = _read_yaml(path, label(name))
        if data is None:
            continue
        if not isinstance(data, dict) or set(data) != {collection}:
            problems.append(Problem(label(name), 1, "",
                                    f"must hold one top-level key '{collection}:' with a list under it",
                                    f"start the file with '{collection}:'"))
            continue
        raw[collection] = data[collection]
    if problems:
        raise InventoryError(problems)
    return raw


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of acyclic values are built: otherwise
    it rescans the growing heap again and again (3x the load time of a province-scale inventory)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_dir(root: Path, *, label_root: str | None = None) -> Inventory:
    """Load (but do not cross-validate) an inventory directory. Raises InventoryError with file:line."""
    lr = str(root) if label_root is None else label_root
    with paused_gc():
        raw = read_raw(root, lr)
        return parse_inventory(raw, Locator(root, lr))


# ---------------------------------------------------------------- saving

class _CanonicalDumper(_Dumper):  # type: ignore[valid-type,misc]
    pass


def _repr_str_value(dumper: yaml.SafeDumper, data: Any) -> yaml.Node:
    return dumper.represent_str(str(data))


def _repr_time(dumper: yaml.SafeDumper, data: dt.time) -> yaml.Node:
    return dumper.represent_str(data.strftime("%H:%M"))


_MAYBE_NOT_TEXT = re.compile(r"^[-+.0-9~]|^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$")


def _repr_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    """Quote a string that a YAML 1.2 reader (yaml-rs) would read as a number, bool or null, e.g. a serial
    number like 5248E4331669, which YAML 1.1 (PyYAML's dumper) would leave bare."""
    if data and _MAYBE_NOT_TEXT.match(data):
        try:
            bare = yaml_rs.loads(f"v: {data}", parse_datetime=False)
        except Exception:
            bare = None
        if not isinstance(bare, dict) or bare.get("v") != data:
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="'")
    return dumper.represent_str(data)


def _no_aliases(_dumper: yaml.SafeDumper, _data: object) -> bool:
    return True


_CanonicalDumper.ignore_aliases = _no_aliases
_CanonicalDumper.add_representer(str, _repr_text)
_CanonicalDumper.add_multi_representer(enum.Enum, lambda d, v: _repr_text(d, str(v.value)))
for _t in (IPv4Address, IPv4Interface, IPv4Network):
    _CanonicalDumper.add_representer(_t, _repr_str_value)
_CanonicalDumper.add_representer(dt.time, _repr_time)


def _plain(model: BaseModel) -> dict[str, Any]:
    """Fields that differ from their defaults; a nested record that is all defaults is written in full
    (e.g. `service_hours` of weekdays 07:00-17:00), so that a reader sees its values rather than `{}`."""
    data = model.model_dump(mode="python", exclude_defaults=True)
    for name, value in data.items():
        attr = getattr(model, name)
        if value == {} and isinstance(attr, BaseModel):
            data[name] = attr.model_dump(mode="python")
    return data


def _dump(data: Any) -> str:
    text: str = yaml.dump(data, Dumper=_CanonicalDumper, sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=4096, indent=2)
    return text


def dump_inventory(inv: Inventory) -> dict[str, str]:
    """The canonical text of every file of the inventory: {file name: text}. Empty collections are omitted."""
    files = {SETTINGS_FILE: _dump(_plain(inv.settings))}
    for collection, name in COLLECTION_FILES.items():
        items: list[BaseModel] = getattr(inv, collection)
        if items:
            files[name] = _dump({collection: [_plain(i) for i in items]})
    return files


def save_dir(inv: Inventory, root: Path) -> list[Path]:
    """Write the inventory to `root` atomically per file: every file is rendered first, then each is written
    to a temporary sibling and renamed over the old one. Files of collections that are now empty are removed.
    A failure before the renames leaves the previous files intact."""
    files = dump_inventory(inv)  # any serialisation error happens before we touch the disk
    root.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=root)
            temps.append((Path(tmp_name), root / name))
            os.fchmod(fd, file_mode(root / name))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        for tmp_path, _ in temps:
            tmp_path.unlink(missing_ok=True)
        raise
    for tmp_path, final in temps:
        tmp_path.replace(final)
    for name in COLLECTION_FILES.values():
        if name not in files:
            (root / name).unlink(missing_ok=True)
    return [final for _, final in temps]
