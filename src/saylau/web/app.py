"""The public results site: ``create_app(service)`` builds the FastAPI application.

Read only: the site answers GET and HEAD and nothing else. Errors (404, 405, 422) are pages
in the visitor's language, or JSON for JSON requests. The OpenAPI document describes the
JSON twins; FastAPI's Swagger UI and ReDoc are switched off (they load from a CDN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_compress import CompressMiddleware, add_compress_type

from saylau import __version__ as _version
from saylau.exports import web as downloads
from saylau.i18n import t
from saylau.service import Saylau
from saylau.web import elections, portal, seo
from saylau.web import record as record_pages
from saylau.web.integrity import IntegrityMonitor
from saylau.web.live import LIVE_SECONDS
from saylau.web.models import ErrorPage, ParameterProblem
from saylau.web.pages import (
    STATIC,
    PageCache,
    PageContext,
    PageRouter,
    negotiate_lang,
    render_html,
    wants_json,
)
from saylau.web.public import pages
from saylau.web.workspace import install as install_workspace
from saylau.web.workspace import router as workspace_router
from saylau.web.workspace_setup import router as workspace_setup_router

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


WORKSPACE = "/workspace"
add_compress_type("text/csv")  # the CSV twins and downloads are text too


def in_workspace(path: str) -> bool:
    """Whether ``path`` belongs to the commission workspace (the only place that writes)."""
    return path == WORKSPACE or path.startswith(WORKSPACE + "/")


class ReadOnly:
    """ASGI middleware: GET and HEAD only (HEAD answered as GET without a body), except POST
    inside the commission workspace, whose every form needs a session and a CSRF token.
    Workspace answers are never stored by caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        private = in_workspace(scope.get("path", ""))
        if method not in ("GET", "HEAD") and not (private and method == "POST"):
            allow = "GET, HEAD, POST" if private else "GET, HEAD"
            response = Response(status_code=405, headers={"Allow": allow})
            await response(scope, receive, send)
            return
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                if private:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_wrapper)


_RULES = {
    "literal_error": "web.rule.one_of",
    "enum": "web.rule.one_of",
    "string_too_long": "web.rule.too_long",
    "string_too_short": "web.rule.too_short",
    "int_parsing": "web.rule.integer",
    "missing": "web.rule.missing",
    "string_pattern_mismatch": "web.rule.pattern",
}


def _problems(error: RequestValidationError, lang: str) -> list[ParameterProblem]:
    out = []
    for item in error.errors():
        location = [str(x) for x in item.get("loc", ())]
        where = location[0] if location else ""
        name = location[-1] if len(location) > 1 else where
        ctx: dict[str, Any] = dict(item.get("ctx") or {})
        key = _RULES.get(str(item.get("type")))
        if key:
            rule = t(
                key,
                lang,
                expected=str(ctx.get("expected", "")).replace("'", ""),
                max_length=ctx.get("max_length", ""),
                min_length=ctx.get("min_length", ""),
                pattern=ctx.get("pattern", ""),
            )
        else:
            rule = str(item.get("msg", ""))
        out.append(ParameterProblem(parameter=name, location=where, rule=rule))
    return out


def _error_response(
    request: Request, status: int, detail: str | None, problems: list[ParameterProblem]
) -> Response:
    lang, source = negotiate_lang(request)
    title = t(f"web.error.{status}.title", lang) if status in (404, 405, 422) else str(status)
    text = detail or (t(f"web.error.{status}.detail", lang) if status in (404, 405, 422) else "")
    body = ErrorPage(status=status, title=title, detail=text or "", problems=problems)
    headers = {"Allow": "GET, HEAD"} if status == 405 else None
    if wants_json(request, error=True):
        return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)
    ctx = PageContext(request, request.app.state.service, lang, source)
    response = render_html("error.html", ctx, {"error": body, "page": None}, status=status)
    if headers:
        response.headers.update(headers)
    response.headers["Content-Language"] = lang
    return response


def create_app(
    service: Saylau,
    *,
    routers: Iterable[PageRouter] = (),
    live_seconds: int = LIVE_SECONDS,
    workspace: bool = True,
    integrity_every: float | None = None,
) -> FastAPI:
    """The public site over ``service``'s database; extra page routers may be added.

    ``live_seconds``: how often live election pages poll their JSON twin (with ETags).
    ``workspace``: serve the commission workspace under ``/workspace`` (sign-in required).
    ``integrity_every``: check the database against its log at start-up and then every so
    many seconds (``saylau serve`` does); without it the check runs only when asked
    (``app.state.integrity.check()``).
    """
    monitor = IntegrityMonitor(service)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if integrity_every is not None:
            monitor.start(integrity_every)
        try:
            yield
        finally:
            monitor.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="saylau public results",
        version=_version,
        description=(
            "JSON twins of the pages of the saylau results site. Every page at `/path` has "
            "its JSON at `/path.json` (the republic page: `/index.json`) and, when it shows "
            "tables, CSV at `/path.csv`. `?lang=kk|ru|en` chooses the language of texts."
        ),
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = service
    app.state.integrity = monitor
    app.state.live_seconds = live_seconds
    app.state.page_cache = PageCache()
    app.state.results_memo = elections.ResultsMemo()
    app.include_router(pages.router)
    app.include_router(elections.pages.router)
    app.include_router(record_pages.pages.router)
    app.include_router(downloads.downloads.router)
    app.include_router(downloads.files)
    app.include_router(portal.pages.router)
    app.include_router(seo.router)
    if workspace:
        # setup pages first: /workspace/new must not be taken for an election's board
        app.include_router(workspace_setup_router)
        app.include_router(workspace_router)
        install_workspace(app)
    for extra in routers:
        app.include_router(extra.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        detail = (
            error.detail if isinstance(error.detail, str) and error.status_code == 404 else None
        )
        if detail == "Not Found":
            detail = None
        return _error_response(request, error.status_code, detail, [])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        lang, _ = negotiate_lang(request)
        return _error_response(request, 422, None, _problems(error, lang))

    # Pages, JSON and CSV are compressed (zstd, brotli or gzip, as the client accepts);
    # ReadOnly stays outermost so that a refused method is never compressed or cached.
    app.add_middleware(CompressMiddleware, minimum_size=500)
    app.add_middleware(ReadOnly)
    return app
