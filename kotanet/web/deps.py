"""What every request handler shares: the app's context, who is asking, and the checks on unsafe requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from kotanet.web.auth import COOKIE, CSRF_FIELD, CSRF_HEADER, Auth, Principal
from kotanet.web.db import WebDb
from kotanet.web.figures import Figures
from kotanet.web.roles import Action, allowed
from kotanet.web.settings import WebSettings

__all__ = ["AppContext", "LoginRequired", "api_user", "app_context", "page_user", "principal_of", "require_api",
           "require_page"]


@dataclass(frozen=True, slots=True)
class AppContext:
    settings: WebSettings
    db: WebDb
    auth: Auth
    figures: Figures
    templates: Jinja2Templates
    reports_dir: Path


class LoginRequired(Exception):  # noqa: N818 - a signal to the page handlers, not an error
    """No (live) session on a page request: the handler answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(Exception):  # noqa: N818
    """A logged-in user asked for something their role may not do (pages render a 403 page)."""

    def __init__(self, principal: Principal, action: Action) -> None:
        super().__init__(action.value)
        self.principal = principal
        self.action = action


class CsrfFailed(Exception):  # noqa: N818
    """An unsafe cookie-authenticated request without the session's CSRF token."""


def app_context(request: Request) -> AppContext:
    ctx = request.app.state.kn
    assert isinstance(ctx, AppContext)
    return ctx


def principal_of(request: Request) -> Principal | None:
    """The user behind a bearer token, else behind the session cookie; None when neither is valid.
    A request that sends an Authorization header is judged by it alone."""
    ctx = app_context(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return ctx.auth.from_token(token.strip())
    return ctx.auth.from_session(request.cookies.get(COOKIE))


def _next_path(request: Request) -> str:
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "") if request.method == "GET" else path


def page_user(request: Request) -> Principal:
    p = principal_of(request)
    if p is None:
        raise LoginRequired(_next_path(request))
    return p


def api_user(request: Request) -> Principal:
    p = principal_of(request)
    if p is None:
        raise HTTPException(401, "not logged in: send a session cookie or Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    return p


def require_page(action: Action | None) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency for an unsafe page request: a login (else a redirect), the form's CSRF token (else 403),
    and the role's permission for ``action`` (else 403). ``action`` None: any logged-in user."""

    async def dep(request: Request) -> Principal:
        p = page_user(request)
        presented = request.headers.get(CSRF_HEADER)
        if presented is None:
            try:
                form = await request.form()
            except Exception:  # a body that is no form: no token
                form = None
            value = form.get(CSRF_FIELD) if form is not None else None
            presented = value if isinstance(value, str) else None
        if not app_context(request).auth.csrf_ok(p, presented):
            raise CsrfFailed()
        if action is not None and not allowed(p.role, action):
            raise Forbidden(p, action)
        return p

    return dep


def require_api(action: Action | None) -> Callable[[Request], Principal]:
    """The same for the JSON API: 401 without a login, 403 without the CSRF header (cookie sessions only)
    or the role's permission."""

    def dep(request: Request) -> Principal:
        p = api_user(request)
        if not app_context(request).auth.csrf_ok(p, request.headers.get(CSRF_HEADER)):
            raise HTTPException(403, "missing or wrong CSRF token (send the X-CSRF-Token header)")
        if action is not None and not allowed(p.role, action):
            raise HTTPException(403, f"the {p.role.value} role may not do this ({action.value})")
        return p

    return dep
