"""``GovSim``: the simulated government web, started from Python and served on 127.0.0.1.

Each request is answered from the portal specs for the *current* day; rendered pages are cached per day so
a page's bytes (and ETag) are stable within a day. Order of a request: faults that replace the response →
anti-bot gate → content (robots, assets, family endpoints, the day's URL map) → conditional request (304) →
faults that alter the response.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import defaultdict
from email.utils import parsedate_to_datetime

from . import faults, manifest
from .families import FAMILIES, Ctx
from .files import make_file
from .formats_portal import formats_portal
from .gates import Gates
from .portals import Portal, build_portals
from .server import Server
from .site import ATTACHMENT_ONLY_LINES, DayView, Request, Response, article_lines, path_key, split_pages

ROBOTS = b"User-agent: *\nDisallow: /search/\nAllow: /\n"
JIUCUO_JS = (
    b"(function(){var s=document.getElementById('_jiucuo_');if(s){s.setAttribute('data-ready','1');}})();"
)
_CACHE_LIMIT = 50000


class GovSim:
    """A set of simulated portals, each on its own port. Use as a context manager, or ``start()``/``close()``."""

    slow_seconds: float = 3.0
    huge_bytes: int = 50 * 1024 * 1024

    def __init__(
        self,
        day: int = 1,
        portals: int | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        base_port: int | None = None,
        formats: bool = False,
    ):
        if day < 1:
            raise ValueError("day starts at 1")
        self.day, self.seed, self.host, self.base_port = day, seed, host, base_port
        self.specs: list[Portal] = build_portals(seed, portals)
        if formats:  # the portal whose reports come in every file format (govsim/formats_portal.py)
            self.specs.append(formats_portal(seed))
        self._by_id = {p.id: p for p in self.specs}
        self._faults: dict[str, str] = {}
        self._gates = Gates()
        self._views: dict[tuple[str, int], DayView] = {}
        self._cache: dict[tuple, Response] = {}
        self._hits: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._server: Server | None = None
        self.base_urls: dict[str, str] = {}

    # --- lifecycle ---
    def start(self) -> GovSim:
        if self._server:
            return self
        server = Server()
        for i, p in enumerate(self.specs):
            port = server.listen(
                self._responder(p), port=(self.base_port + i) if self.base_port else 0, host=self.host
            )
            self.base_urls[p.id] = f"http://{self.host}:{port}"
        server.start()
        self._server = server
        return self

    def close(self) -> None:
        if self._server:
            self._server.close()
            self._server = None

    def __enter__(self) -> GovSim:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # --- public API ---
    @property
    def portals(self) -> list[dict]:
        return [manifest.portal_entry(self, p) for p in self.specs]

    def plain_portal_ids(self) -> list[str]:
        """Portals a plain HTTP client can crawl: no anti-bot gate, no JavaScript-built pages."""
        return [p.id for p in self.specs if not p.gate and not p.js]

    def manifest(self, day: int | None = None) -> dict:
        """Ground truth for ``day`` (default: the current day); see govsim/README.md for the schema."""
        return manifest.build(self, self.day if day is None else day)

    def registry_yaml(self) -> str:
        return manifest.registry_yaml(self)

    def set_day(self, day: int) -> None:
        if day < 1:
            raise ValueError("day starts at 1")
        with self._lock:
            self.day = day
            self._cache.clear()

    def set_fault(self, portal_id: str, name: str | None) -> None:
        if portal_id not in self._by_id:
            raise KeyError(f"unknown portal {portal_id!r}")
        if name is not None and name not in faults.FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(faults.FAULTS)}")
        with self._lock:
            if name is None:
                self._faults.pop(portal_id, None)
            else:
                self._faults[portal_id] = name
            self._cache.clear()

    def url(self, portal_id: str, path: str = "/") -> str:
        return self.base_urls[portal_id] + path

    def view(self, portal: Portal | str, day: int | None = None) -> DayView:
        p = self._by_id[portal] if isinstance(portal, str) else portal
        day = self.day if day is None else day
        key = (p.id, day)
        v = self._views.get(key)
        if v is None:
            v = self._views[key] = DayView(p, FAMILIES[p.family], day)
        return v

    # --- serving ---
    def _responder(self, portal: Portal):
        return lambda req: self.respond(portal, req)

    def _hit(self, portal_id: str) -> int:
        with self._lock:
            self._hits[portal_id] += 1
            return 1000 + self._hits[portal_id]

    def respond(self, p: Portal, req: Request) -> Response:
        day, fault = self.day, self._faults.get(p.id)
        replaced = faults.before(fault, req, self.slow_seconds, self.huge_bytes)
        if replaced is not None:
            return replaced
        challenge = self._gates.check(p.gate, req)
        if challenge is not None:
            return challenge
        view = self.view(p, day)
        ctx = Ctx(p, view, self.seed, self.base_urls.get(p.id, ""), fault, lambda: self._hit(p.id))
        resp = self._content(ctx, req)
        resp = _conditional(req, resp)
        return faults.after(fault, req, resp)

    def _encode(self, p: Portal, html: str) -> tuple[bytes, str]:
        if p.encoding == "utf-8":
            return html.encode("utf-8"), "text/html; charset=UTF-8"
        return html.encode(p.encoding, "xmlcharrefreplace"), "text/html; charset=gb2312"

    def _page(self, ctx: Ctx, html: str, status: int = 200, validators: bool = True) -> Response:
        body, ctype = self._encode(ctx.portal, html)
        resp = Response(status, body, ctype)
        if validators and status == 200 and ctx.portal.family != "legacy":
            resp.etag = '"' + hashlib.md5(body).hexdigest()[:20] + '"'
            resp.last_modified = ctx.view.date
        return resp

    def _content(self, ctx: Ctx, req: Request) -> Response:
        p, view, fam = ctx.portal, ctx.view, FAMILIES[ctx.portal.family]
        path = req.path
        if path == "/robots.txt":
            return Response(body=ROBOTS, ctype="text/plain; charset=utf-8")
        if path == "/module/visitcount/visit.jsp":
            return Response(
                body=f'document.write("{self._hit(p.id)}");'.encode(),
                ctype="application/javascript; charset=utf-8",
                headers={"Cache-Control": "no-cache"},
            )
        if path == "/exposure/jiucuo.js":
            return Response(body=JIUCUO_JS, ctype="application/javascript; charset=utf-8")
        if path == "/images/style.css":
            return Response(body=b"body{font-family:SimSun,serif}.footer{color:#666}", ctype="text/css")
        if path == "/calendar/list.html" and ctx.fault == "calendar_trap":
            return self._page(ctx, fam.calendar_page(ctx, req.params.get("date", "")), validators=False)
        special = fam.extra(ctx, req)
        if special is not None:
            return special
        hit = view.lookup(req)
        if hit is None:
            return self._page(ctx, fam.not_found(ctx), 404)
        what, obj = hit
        if what == "moved":
            return Response(301, b"", headers={"Location": ctx.base_url + view.url_of[obj.aid]})
        if what == "gone":
            return self._page(ctx, fam.not_found(ctx), 404)
        if p.family == "legacy":  # dynamic: rendered on every request (inline counter), no validators
            return self._render(ctx, fam, what, obj)
        key = (p.id, view.day, path_key(req.path, req.query), ctx.fault == "calendar_trap")
        cached = self._cache.get(key)
        if cached is None:
            cached = self._render(ctx, fam, what, obj)
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = cached
        return dataclasses.replace(cached, headers=dict(cached.headers))

    def _render(self, ctx: Ctx, fam, what: str, obj) -> Response:
        if what == "list":
            return self._page(ctx, fam.render_list(ctx, obj))
        if what == "article_page":
            return self._render_article(ctx, fam, what, obj)
        lines = article_lines(self.seed, obj, ctx.view.day)
        if what in ("attachment", "file"):
            from .content import to_page

            fmt = obj.standalone if what == "file" else obj.attachment_format
            body, ctype = make_file(fmt or "pdf", obj.title, tuple(to_page(ln) for ln in lines))
            return Response(
                body=body,
                ctype=ctype,
                etag='"' + hashlib.md5(body).hexdigest()[:20] + '"',
                last_modified=obj.published,
            )
        return self._render_article(ctx, fam, what, obj, lines)

    def _render_article(self, ctx: Ctx, fam, what: str, obj, lines: list[str] | None = None) -> Response:
        """An article page; a paginated article (``Article.pages``) shows one page of its text."""
        if what == "article_page" or (what == "article" and obj.pages > 1):
            art, i = obj if what == "article_page" else (obj, 0)
            chunks = split_pages(article_lines(self.seed, art, ctx.view.day), art.pages)
            ctx = dataclasses.replace(ctx, article_page=(i, len(chunks)))
            return self._page(ctx, fam.render_article(ctx, art, chunks[min(i, len(chunks) - 1)]))
        if obj.attachment_only:
            lines = list(ATTACHMENT_ONLY_LINES)
        return self._page(ctx, fam.render_article(ctx, obj, lines))


def _conditional(req: Request, resp: Response) -> Response:
    """304 when the client's validator still matches (If-None-Match wins over If-Modified-Since)."""
    if req.method not in ("GET", "HEAD") or resp.status != 200 or not resp.etag:
        return resp
    inm = req.headers.get("if-none-match")
    ims = req.headers.get("if-modified-since")
    match = False
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        match = "*" in tags or resp.etag in tags
    elif ims and resp.last_modified:
        try:
            since = parsedate_to_datetime(ims).date()
            match = resp.last_modified <= since
        except (TypeError, ValueError):
            match = False
    if match:
        return Response(304, etag=resp.etag, last_modified=resp.last_modified)
    return resp
