"""The only module that talks to NetBox: connect and check (one clear error per failure), read, bulk write.

Reads page through the REST API with pynetbox's HTTP session (1,000 records per page, plain JSON); writes use
pynetbox's bulk calls (a list per POST, PATCH or DELETE).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kotanet.errors import KotanetError
from kotanet.i18n import Lang, t
from kotanet.inventory.netbox.mapping import CUSTOM_FIELDS, KINDS, TAG_NAME, TAG_SLUG, Kind

if TYPE_CHECKING:
    import pynetbox  # type: ignore[import-untyped]

__all__ = ["BATCH", "NetBoxClient", "NetBoxError", "Op", "RejectedError", "auth_header", "token_version"]

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


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class NetBoxClient:
    def __init__(self, url: str, token: str, *, timeout: float = 60.0, lang: Lang = Lang.EN) -> None:
        import pynetbox
        import requests

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NetBoxError(t("netbox.err.bad_url", lang, url=url), hint=t("netbox.hint.url", lang))
        if not token:
            raise NetBoxError(t("netbox.err.no_token", lang), hint=t("netbox.hint.token", lang))
        self.lang = lang
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
            raise NetBoxError(t("netbox.err.unreachable", self.lang, url=self.url, why=_short(exc)),
                              hint=t("netbox.hint.unreachable", self.lang)) from None
        if resp.status_code in (401, 403):
            raise self._refused(resp.status_code, resp.text)
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code != 200 or not isinstance(body, dict) or "netbox-version" not in body:
            raise NetBoxError(t("netbox.err.not_netbox", self.lang, url=self.url, status=resp.status_code),
                              hint=t("netbox.hint.url", self.lang))
        version = str(body["netbox-version"])
        try:
            major = int(version.split(".", 1)[0])
        except ValueError:
            major = 0
        if major < MIN_MAJOR:
            raise NetBoxError(t("netbox.err.too_old", self.lang, version=version, url=self.url),
                              hint=t("netbox.hint.too_old", self.lang))
        self.version = version
        # /api/status/ answers anonymous requests on some setups: make sure the token really works
        probe = self._session.get(f"{self.url}/api/dcim/sites/", params={"limit": 1}, timeout=self.timeout)
        if probe.status_code in (401, 403):
            raise self._refused(probe.status_code, probe.text)
        return version

    def _refused(self, status: int, text: str) -> NetBoxError:
        return NetBoxError(t("netbox.err.token_refused", self.lang, url=self.url, status=status, detail=_detail(text)),
                           hint=t("netbox.hint.token", self.lang))

    # ------------------------------------------------------------ reads

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        url: str | None = f"{self.url}/api/{path}/"
        query: dict[str, Any] | None = {"limit": PAGE, **params}
        while url:
            resp = self._session.get(url, params=query, timeout=self.timeout)
            if resp.status_code != 200:
                if resp.status_code in (401, 403):
                    raise self._refused(resp.status_code, resp.text)
                raise NetBoxError(t("netbox.err.read_failed", self.lang, path=path, status=resp.status_code,
                                    detail=_detail(resp.text)))
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
            raise _rejected(kind, Op.CREATE, exc, labels, self.lang) from None
        records = made if isinstance(made, list) else [made]
        return [int(r.id) for r in records]

    def update(self, kind: Kind, payloads: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> None:
        import pynetbox

        if not payloads:
            return
        try:
            self._endpoint(kind).update([dict(p) for p in payloads])
        except pynetbox.RequestError as exc:
            raise _rejected(kind, Op.UPDATE, exc, labels, self.lang) from None

    def delete(self, kind: Kind, ids: Sequence[int], labels: Sequence[str]) -> None:
        import pynetbox

        if not ids:
            return
        try:
            self._endpoint(kind).delete(list(ids))
        except pynetbox.RequestError as exc:
            raise _rejected(kind, Op.DELETE, exc, labels, self.lang, ids) from None

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
                    raise RejectedError(t("netbox.err.setup", self.lang, detail=_detail(str(exc.error))),
                                        hint=t("netbox.hint.setup", self.lang)) from None
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
                raise RejectedError(t("netbox.err.setup", self.lang, detail=_detail(str(exc.error))),
                                    hint=t("netbox.hint.setup", self.lang)) from None
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


def _rejected(kind: Kind, op: Op, exc: Any, labels: Sequence[str], lang: Lang,
              ids: Sequence[int] | None = None) -> RejectedError:
    """Which object and which field NetBox refused (a bulk call answers a list aligned with what was sent)."""
    try:
        body = json.loads(exc.error)
    except (TypeError, ValueError):
        body = exc.error
    what = kind.value.replace("_", " ")
    label, fields = f"({len(labels)})", _detail(str(body))
    if isinstance(body, list):
        for i, item in enumerate(body):
            if item:
                label, fields = (labels[i] if i < len(labels) else f"#{i}"), _fields(item)
                break
    elif isinstance(body, dict) and isinstance(body.get("errors"), list):
        # NetBox 4.7: {"detail": "1 of 250 objects could not be created.", "errors": [{"index": i, "errors": {...}}]}
        # ... and for a bulk DELETE, {"errors": [{"id": 12, "errors": [...]}]}
        for item in body["errors"]:
            if not isinstance(item, dict) or not item.get("errors"):
                continue
            pos = item.get("index")
            if not isinstance(pos, int) and ids is not None and item.get("id") in ids:
                pos = list(ids).index(item["id"])
            if isinstance(pos, int):
                label, fields = (labels[pos] if pos < len(labels) else f"#{pos}"), _fields(item["errors"])
                break
    elif isinstance(body, dict):
        label, fields = (labels[0] if len(labels) == 1 else f"({len(labels)})"), _fields(body)
    return RejectedError(t("netbox.err.rejected", lang, op=t(f"netbox.op.{op.value}", lang), what=what, label=label,
                           fields=fields), hint=t("netbox.hint.rejected", lang))


def _fields(item: Any) -> str:
    if isinstance(item, list):
        return "; ".join(_fields(m) for m in item)
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
