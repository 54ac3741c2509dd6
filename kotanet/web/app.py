"""The NOC dashboard: ``create_app(settings)`` builds the FastAPI application that ``kotanet serve`` runs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated

from argon2 import PasswordHasher
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kotanet import __version__
from kotanet.errors import KotanetError
from kotanet.i18n import t
from kotanet.inventory.models import Inventory
from kotanet.web import api, pages
from kotanet.web.auth import Auth, Principal
from kotanet.web.db import WebDb
from kotanet.web.deps import AppContext, CsrfFailed, Forbidden, LoginRequired, api_user, principal_of
from kotanet.web.figures import Figures
from kotanet.web.metrics import WebMetrics
from kotanet.web.settings import WebSettings

__all__ = ["create_app"]

_log = logging.getLogger(__name__)

_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
_SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _package_dir(*parts: str) -> Path:
    return Path(str(resources.files("kotanet").joinpath(*parts)))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


class _Headers:
    """Pure ASGI middleware: security headers on every answer, no-store on everything but static files, and
    the request metrics (cheaper than a BaseHTTPMiddleware on the hot path)."""

    def __init__(self, app: ASGIApp, metrics: WebMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        path: str = scope.get("path", "")
        static = path.startswith("/static/")
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for k, v in _SECURITY_HEADERS.items():
                    if k not in headers:
                        headers[k] = v
                if not static and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.metrics.observe(scope, status, time.perf_counter() - t0)


def create_app(settings: WebSettings, *, inventory: Inventory | None = None,
               hasher: PasswordHasher | None = None) -> FastAPI:
    """The dashboard over ``settings`` (``inventory``: an already loaded inventory to use instead of
    ``settings.inventory``; ``hasher``: argon2 parameters other than argon2-cffi's defaults)."""
    db = WebDb(settings.state_dir)
    auth = Auth(db, settings, hasher)
    figures = Figures(settings, db, inventory)
    templates = Jinja2Templates(directory=str(_package_dir("web", "templates")))
    reports_dir = settings.state_dir / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    ctx = AppContext(settings, db, auth, figures, templates, reports_dir)
    metrics = WebMetrics(figures)

    def warm_up() -> None:
        try:
            figures.snapshot()
        except Exception as exc:  # the first request will say what is wrong
            _log.warning("computing the first SLA figures failed: %s", type(exc).__name__)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        del app
        threading.Thread(target=warm_up, name="kotanet-warm-up", daemon=True).start()  # the first page is fast
        yield
        figures.close()

    app = FastAPI(title="kotanet NOC dashboard", version=__version__, openapi_url=None,
                  lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The JSON API of the kotanet NOC dashboard. Authenticate with "
                              "`Authorization: Bearer <token>` (`kotanet users token NAME`).")
    app.state.kn = ctx
    app.state.metrics = metrics
    app.mount("/static/leaflet", StaticFiles(directory=str(_package_dir("topology", "assets", "leaflet"))),
              name="leaflet")
    app.mount("/static", StaticFiles(directory=str(_package_dir("web", "static"))), name="static")

    app.add_middleware(_Headers, metrics=metrics)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        del exc
        if _is_api(request):
            return JSONResponse({"detail": "missing or wrong CSRF token"}, status_code=403)
        user = principal_of(request)
        return pages.render(ctx, request, "error.html", user, status_code=403,
                            message=t("web.err.csrf", user.lang if user else "en"))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return pages.render(ctx, request, "error.html", exc.principal, status_code=403,
                            message=t("web.err.forbidden", exc.principal.lang, role=exc.principal.role.value,
                                      action=t(f"web.action.{exc.action.value}", exc.principal.lang)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # list every method of the path, not just those of the first route found
            methods = sorted({m for r in (*api.router.routes, *pages.router.routes) if isinstance(r, APIRoute)
                              and r.matches(request.scope)[0] is not Match.NONE for m in (r.methods or ())})
            return JSONResponse({"detail": exc.detail}, status_code=405, headers={"Allow": ", ".join(methods)})
        if _is_api(request) or exc.status_code in (401, 405):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        user = principal_of(request)
        if user is None:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return pages.render(ctx, request, "error.html", user, status_code=exc.status_code, message=str(exc.detail))

    @app.exception_handler(KotanetError)
    async def _unavailable(request: Request, exc: KotanetError) -> Response:
        """The store or a file the dashboard needs cannot be used right now: 503, saying what and why."""
        _log.warning("answering 503: %s", exc)
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        user = principal_of(request)
        if user is None:
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return pages.render(ctx, request, "error.html", user, status_code=503, message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        del request
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                  for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi_document(user: Annotated[Principal, Depends(api_user)]) -> JSONResponse:
        """The OpenAPI document (it needs a login like every API call)."""
        del user
        return JSONResponse(app.openapi())

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok\n")

    @app.get("/metrics", include_in_schema=False)
    def metrics_endpoint(request: Request) -> Response:
        if not settings.metrics_public and principal_of(request) is None:
            raise HTTPException(401, "the metrics need a login or an API token (Authorization: Bearer <token>)",
                                headers={"WWW-Authenticate": "Bearer"})
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    app.include_router(pages.router)
    app.include_router(api.router)

    return app
