"""The only module that talks to NetBox: connect and check (one clear error per failure), read, bulk write.

Reads page through the REST API with pynetbox's HTTP session (1,000 records per page, plain JSON); writes use
pynetbox's bulk calls (a list per POST, PATCH or DELETE).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kotanet.errors import KotanetError
from kotanet.inventory.netbox.mapping import CUSTOM_FIELDS, KINDS, TAG_NAME, TAG_SLUG, Kind

if TYPE_CHECKING:
    import pynetbox  # type: ignore[import-untyped]

__all__ = ["BATCH", "NetBoxClient", "NetBoxError", "RejectedError", "auth_header", "token_version"]

BATCH = 250  # objects per bulk request
MIN_MAJOR = 4
PAGE = 1000


class NetBoxError(KotanetError):
    """NetBox cannot be used: unreachable, not a NetBox, bad token, too old."""


class RejectedError(KotanetError):
    """NetBox refused an object kotanet sent; names the object and the field."""


def token_version(token: str) -> int:
    """2 for a v2 token (``nbt_<key>.<secret>``, sent as ``Bearer``), else 1 (sent as ``Token``)."""
    return 2 if token.startswith("nbt_") and "." in token[4:] else 1


def auth_header(token: str) -> str:
    return f"Bearer {token}" if token_version(token) == 2 else f"Token {token}"


@dataclass(frozen=True, slots=True)
class Written:
    """What a bulk create returned: the new ids, in the order of the payloads."""

    ids: list[int]


class NetBoxClient:
    def __init__(self, url: str, token: str, *, timeout: float = 60.0) -> None:
        import pynetbox
        import requests

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NetBoxError(f"not an http(s) URL: {url!r}", hint="give --url like http://127.0.0.1:8001")
        if not token:
            raise NetBoxError("no NetBox API token", hint="give --token or set NETBOX_TOKEN")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        session = requests.Session()
        session.headers.update({"Authorization": auth_header(token), "Accept": "application/json"})
        self._session = session
        self.api: pynetbox.api = pynetbox.api(self.url, token=token)
        self.api.http_session = session
        self.version = ""

    # ------------------------------------------------------------ checks

    def check(self) -> str:
        """Reach /api/status/ with the token; return NetBox's version or raise one clear NetBoxError."""
        import requests

        try:
            resp = self._session.get(f"{self.url}/api/status/", timeout=self.timeout)
        except requests.RequestException as exc:
            raise NetBoxError(f"cannot reach NetBox at {self.url}: {_short(exc)}",
                              hint="check --url and that NetBox is running") from None
        if resp.status_code in (401, 403):
            raise NetBoxError(f"NetBox at {self.url} refused the token (HTTP {resp.status_code}: "
                              f"{_detail(resp.text)})", hint="check --token / NETBOX_TOKEN") from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code != 200 or not isinstance(body, dict) or "netbox-version" not in body:
            raise NetBoxError(f"{self.url} does not look like a NetBox API (GET /api/status/ gave HTTP "
                              f"{resp.status_code})", hint="give the NetBox base URL, without /api")
        version = str(body["netbox-version"])
        try:
            major = int(version.split(".", 1)[0])
        except ValueError:
            major = 0
        if major < MIN_MAJOR:
            raise NetBoxError(f"NetBox {version} at {self.url} is too old", hint="kotanet needs NetBox 4.0 or newer")
        self.version = version
        # /api/status/ answers anonymous requests on some setups: make sure the token really works
        probe = self._session.get(f"{self.url}/api/dcim/sites/", params={"limit": 1}, timeout=self.timeout)
        if probe.status_code in (401, 403):
            raise NetBoxError(f"NetBox at {self.url} refused the token (HTTP {probe.status_code}: "
                              f"{_detail(probe.text)})", hint="check --token / NETBOX_TOKEN")
        return version

    # ------------------------------------------------------------ reads

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        url: str | None = f"{self.url}/api/{path}/"
        query: dict[str, Any] | None = {"limit": PAGE, **params}
        while url:
            resp = self._session.get(url, params=query, timeout=self.timeout)
            if resp.status_code != 200:
                raise NetBoxError(f"GET {url} failed: HTTP {resp.status_code}: {_detail(resp.text)}")
            body = resp.json()
            yield from body["results"]
            url, query = body.get("next"), None

    def fetch(self, kind: Kind) -> list[dict[str, Any]]:
        """Every record of a kind (NetBox's full JSON; devices without their config context)."""
        params = {"exclude": "config_context"} if kind is Kind.DEVICE else {}
        return list(self._pages(KINDS[kind].path, params))

    def fetch_path(self, path: str, **params: Any) -> list[dict[str, Any]]:
        return list(self._pages(path, params))

    # ------------------------------------------------------------ writes (pynetbox bulk calls)

    def _endpoint(self, kind: Kind) -> Any:
        spec = KINDS[kind]
        return getattr(getattr(self.api, spec.app), spec.endpoint)

    def create(self, kind: Kind, payloads: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> list[int]:
        import pynetbox

        if not payloads:
            return []
        try:
            made = self._endpoint(kind).create([dict(p) for p in payloads])
        except pynetbox.RequestError as exc:
            raise _rejected(kind, "create", exc, labels) from None
        records = made if isinstance(made, list) else [made]
        return [int(r.id) for r in records]

    def update(self, kind: Kind, payloads: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> None:
        import pynetbox

        if not payloads:
            return
        try:
            self._endpoint(kind).update([dict(p) for p in payloads])
        except pynetbox.RequestError as exc:
            raise _rejected(kind, "update", exc, labels) from None

    def delete(self, kind: Kind, ids: Sequence[int], labels: Sequence[str]) -> None:
        import pynetbox

        if not ids:
            return
        try:
            self._endpoint(kind).delete(list(ids))
        except pynetbox.RequestError as exc:
            raise _rejected(kind, "delete", exc, labels) from None

    # ------------------------------------------------------------ setup: the tag and the custom fields

    def ensure_setup(self, *, dry_run: bool) -> tuple[int, list[str]]:
        """The ``kotanet`` tag and kotanet's custom fields, created when missing. Returns (tag id, created)."""
        import pynetbox

        created: list[str] = []
        tags = self.fetch_path("extras/tags", slug=TAG_SLUG)
        tag = next((t for t in tags if t.get("slug") == TAG_SLUG), None)
        tag_id = int(tag["id"]) if tag else -1
        if tag is None:
            created.append(f"tag {TAG_SLUG}")
            if not dry_run:
                try:
                    tag_id = int(self.api.extras.tags.create(name=TAG_NAME, slug=TAG_SLUG, color="2196f3",
                                                             description="Managed by kotanet").id)
                except pynetbox.RequestError as exc:
                    raise _rejected(Kind.SITE, "create", exc, [f"tag {TAG_SLUG}"]) from None
        have = {cf["name"]: cf for cf in self.fetch_path("extras/custom-fields")}
        new: list[dict[str, Any]] = []
        fixes: list[dict[str, Any]] = []
        for spec in CUSTOM_FIELDS:
            cf = have.get(spec.name)
            if cf is None:
                created.append(f"custom field {spec.name}")
                new.append({"name": spec.name, "type": spec.type, "object_types": list(spec.object_types),
                            "label": spec.label, "required": False, "validation_regex": spec.validation_regex,
                            "group_name": "kotanet", "ui_visible": "if-set" if spec.name == "kotanet_order" else
                            "always"})
            else:
                missing = sorted(set(spec.object_types) - set(cf.get("object_types") or []))
                if missing:
                    created.append(f"custom field {spec.name} on {', '.join(missing)}")
                    fixes.append({"id": cf["id"], "object_types": sorted({*cf["object_types"], *spec.object_types})})
        if not dry_run:
            try:
                if new:
                    self.api.extras.custom_fields.create(new)
                if fixes:
                    self.api.extras.custom_fields.update(fixes)
            except pynetbox.RequestError as exc:
                raise RejectedError(f"NetBox refused kotanet's custom fields: {_detail(str(exc.error))}",
                                    hint="a custom field with the same name but another type exists?") from None
        return tag_id, created


def _short(exc: BaseException) -> str:
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    if "timed out" in text.lower():
        return "timed out"
    return " ".join(text.split())[:160]


def _detail(text: str) -> str:
    try:
        body = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:160]
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])
    return " ".join(json.dumps(body).split())[:200]


def _rejected(kind: Kind, op: str, exc: Any, labels: Sequence[str]) -> RejectedError:
    """Which object and which field NetBox refused (a bulk call answers a list aligned with what was sent)."""
    status = getattr(getattr(exc, "req", None), "status_code", "?")
    try:
        body = json.loads(exc.error)
    except (TypeError, ValueError):
        body = exc.error
    what = kind.value.replace("_", " ")
    if isinstance(body, list):
        for i, item in enumerate(body):
            if item:
                label = labels[i] if i < len(labels) else f"#{i}"
                return RejectedError(f"NetBox refused to {op} {what} {label}: {_fields(item)}",
                                     hint="fix it and run push again: a re-run continues from what was written")
    if isinstance(body, dict):
        label = labels[0] if len(labels) == 1 else f"one of {len(labels)} objects"
        return RejectedError(f"NetBox refused to {op} {what} {label}: {_fields(body)}",
                             hint="fix it and run push again: a re-run continues from what was written")
    return RejectedError(f"NetBox refused to {op} {len(labels)} {what}(s) (HTTP {status}): {_detail(str(body))}")


def _fields(item: Any) -> str:
    if isinstance(item, dict):
        parts = []
        for name, msgs in item.items():
            if isinstance(msgs, list):
                text = "; ".join(_fields(m) if isinstance(m, dict) else str(m) for m in msgs)
            elif isinstance(msgs, dict):
                text = _fields(msgs)
            else:
                text = str(msgs)
            parts.append(f"{name}: {text}")
        return ", ".join(parts)
    return str(item)
