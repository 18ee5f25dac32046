"""The FastAPI application: HTML pages at ``/``, the JSON API at ``/api``, OpenAPI at ``/openapi.json``.

Pages are rendered on the server (no JavaScript). Stored content is hostile by assumption: templates
escape everything, and a Content-Security-Policy that forbids scripts backs that up, so even an escaping
bug could not run a stored ``<script>``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from archive.db import get_engine, resolve_db_url
from fazhi.web import api, pages
from fazhi.web.i18n import COOKIE, LANGUAGES
from fazhi.web.templating import make_templates
from fazhi.web.views import NotFound

STATIC_DIR = Path(__file__).parent / "static"
API_DOCS = "/api/docs"

# No scripts at all on our pages; styles and images only from ourselves; never framed.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


#: Host names the app answers to unless told otherwise. Checking the Host header defeats DNS rebinding: a
#: hostile site whose name re-resolves to 127.0.0.1 cannot read the archive through a visitor's browser.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def create_app(
    db_url: str | None = None, *, engine: Engine | None = None, allowed_hosts: list[str] | None = None
) -> FastAPI:
    """The web app over the archive at ``db_url`` (resolved like ``--db``), or over a given engine.

    ``allowed_hosts``: the Host header values answered (default :data:`LOCAL_HOSTS`; ``*`` for any, and
    ``*.example.org`` for subdomains); any other host gets a 400.
    """
    owned = engine is None
    engine = engine or get_engine(resolve_db_url(db_url))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            engine.dispose()

    app = FastAPI(
        title="fazhi",
        description="An archive of Chinese local governments' 法治政府建设 annual reports: "
        "search, reports with every version, diffs, the change feed and publication coverage.",
        version="1",
        docs_url=API_DOCS,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _install_error_pages(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        chosen = request.query_params.get("lang")
        if chosen in LANGUAGES:  # ?lang= switches the UI language for later pages too
            response.set_cookie(COOKIE, chosen, max_age=365 * 86400, samesite="lax")
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        return _secure(request, response)

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or LOCAL_HOSTS))
    app.add_middleware(HeadAsGet)
    return app


class HeadAsGet:
    """Answer HEAD like GET without the body (RFC 9110 §9.3.2): FastAPI's GET routes alone answer 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _secure(request: Request, response: Response) -> Response:
    """The security headers every answer carries (the API docs excepted: Swagger UI runs scripts)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if not request.url.path.startswith(API_DOCS):
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _install_error_pages(app: FastAPI) -> None:
    """Friendly HTML error pages for people, ``{"detail": ...}`` for the API."""

    def render(request: Request, status: int, title: str, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        return app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "message": message},
            status_code=status,
        )

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Runs outside the middleware stack (Starlette's ServerErrorMiddleware), so it adds the headers itself.
        message = "Something went wrong on our side; the error was logged."
        return _secure(request, render(request, 500, "Server error", message))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return render(request, 404, "Not found", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = exc.detail if exc.detail != "Not Found" else "There is no page at this address."
            return render(request, 404, "Not found", str(message))
        return render(request, exc.status_code, "Error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return render(request, 422, "Bad request", problems)
