"""``GovSim``: the simulated government web, started from Python and served on 127.0.0.1.

Each request is answered from the portal specs for the *current* day; rendered pages are cached per day so
a page's bytes (and ETag) are stable within a day. Order of a request: faults that replace the response →
anti-bot gate → content (robots, assets, family endpoints, the day's URL map) → conditional request (304) →
faults that alter the response.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from . import faults, manifest, nav
from .families import FAMILIES, Ctx
from .files import make_file
from .formats_portal import formats_portal
from .gates import Gates
from .portals import NATIONAL_FAMILY_WEIGHTS, Portal, build_portals
from .server import Server
from .site import (
    ATTACHMENT_ONLY_LINES,
    DayView,
    Request,
    Response,
    article_lines,
    etag_of,
    path_key,
    split_pages,
)

ROBOTS = b"User-agent: *\nDisallow: /search/\nAllow: /\n"
JIUCUO_JS = (
    b"(function(){var s=document.getElementById('_jiucuo_');if(s){s.setAttribute('data-ready','1');}})();"
)
_CACHE_LIMIT = 50000
NATIONAL_DOWN_SHARE = 0.01  # of the generated portals, unreachable all night
NATIONAL_SLOW_SHARE = 0.03  # of the generated portals, GovSim.slow_seconds more on every answer


class LogNormalLatency:
    """Seconds a real portal takes to answer: log-normal around ``median``, capped at ``cap``.

    With the defaults (median 0.3 s, sigma 0.8) a tenth of the answers take over 0.8 s, one in a hundred
    about 2 s and one in a thousand 3.5 s: the long tail of slow government hosts, cut at 5 s.
    """

    def __init__(self, median: float = 0.3, sigma: float = 0.8, cap: float = 5.0, seed: int = 0):
        self.median, self.sigma, self.cap = median, sigma, cap
        self._rng = random.Random(f"{seed}:latency")
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            draw = self._rng.lognormvariate(0.0, self.sigma)
        return min(self.cap, self.median * draw)


class GovSim:
    """A set of simulated portals, each on its own port. Use as a context manager, or ``start()``/``close()``."""

    slow_seconds: float = 3.0
    down_seconds: float = 45.0
    huge_bytes: int = 50 * 1024 * 1024

    def __init__(
        self,
        day: int = 1,
        portals: int | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        base_port: int | None = None,
        formats: bool = False,
        national: bool = False,
    ):
        if day < 1:
            raise ValueError("day starts at 1")
        self.day, self.seed, self.host, self.base_port = day, seed, host, base_port
        self.specs: list[Portal] = build_portals(
            seed, portals, weights=NATIONAL_FAMILY_WEIGHTS if national else None
        )
        if formats:  # the portal whose reports come in every file format (govsim/formats_portal.py)
            self.specs.append(formats_portal(seed))
        if national:  # one JS-only portal in three answers its article JSON from a dynamic backend
            for p in self.specs:
                p.api_validators = not (p.js and zlib.crc32(p.id.encode()) % 3 == 2)
        nav.assign_routes(seed, self.specs)
        self._by_id = {p.id: p for p in self.specs}
        self._faults: dict[str, str] = {}
        self._gates = Gates()
        self._views: dict[tuple[str, int], DayView] = {}
        self._cache: dict[tuple, Response] = {}
        self._hits: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._server: Server | None = None
        self.base_urls: dict[str, str] = {}
        self.platform_urls: dict[str, str] = {}  # the 信息公开 platform ("another host") of a portal
        self._requests: dict[str, int] = defaultdict(int)  # requests answered per portal (both hosts)
        self._paths: dict[tuple[str, str], int] = defaultdict(int)  # the same, per (portal, path)
        # seconds before each answer (None: at once); the national night draws them from LogNormalLatency
        self.latency: Callable[[], float] | None = None
        if national:
            self._national_night()

    def _national_night(self) -> None:
        """Real-web conditions for the national night: answer latency, and some portals down or slow."""
        self.latency = LogNormalLatency(seed=self.seed)
        rng = random.Random(f"{self.seed}:national")
        generated = [p.id for p in self.specs if p.id.startswith("p")]
        down = set(rng.sample(generated, round(len(generated) * NATIONAL_DOWN_SHARE)))
        rest = [pid for pid in generated if pid not in down]
        slow = rng.sample(rest, round(len(generated) * NATIONAL_SLOW_SHARE))
        self._faults.update(dict.fromkeys(down, "down") | dict.fromkeys(slow, "slow"))

    def faults(self) -> dict[str, str]:
        """The faults switched on, by portal."""
        with self._lock:
            return dict(self._faults)

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
        platforms = [p for p in self.specs if p.route == "platform"]
        for k, p in enumerate(platforms):
            port = server.listen(
                self._platform_responder(p),
                port=(self.base_port + len(self.specs) + k) if self.base_port else 0,
                host=self.host,
            )
            self.platform_urls[p.id] = f"http://{self.host}:{port}"
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

    def registry_yaml(self, home_only: bool = False) -> str:
        """The registry; ``home_only``: home URLs only (no column URLs), as a user starting out has them."""
        return manifest.registry_yaml(self, home_only=home_only)

    def request_counts(self) -> dict[str, int]:
        """Requests answered per portal since start (or the last reset), platform host included."""
        with self._lock:
            return dict(self._requests)

    def path_counts(self, portal_id: str) -> dict[str, int]:
        """Requests answered for one portal per path (query left out) since start or the last reset."""
        with self._lock:
            return {path: n for (pid, path), n in self._paths.items() if pid == portal_id}

    def reset_request_counts(self) -> None:
        with self._lock:
            self._requests.clear()
            self._paths.clear()

    def set_day(self, day: int) -> None:
        if day < 1:
            raise ValueError("day starts at 1")
        with self._lock:
            self.day = day
            self._cache.clear()
            self._views.clear()  # also picks up articles a test published or removed within the day

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

    def _platform_responder(self, portal: Portal):
        return lambda req: self.respond(portal, req, platform=True)

    def _nav(self, ctx: Ctx) -> nav.Nav:
        p = ctx.portal
        return nav.Nav(p, ctx.view, ctx.base_url, self.platform_urls.get(p.id, ""))

    def _hit(self, portal_id: str) -> int:
        with self._lock:
            self._hits[portal_id] += 1
            return 1000 + self._hits[portal_id]

    def respond(self, p: Portal, req: Request, platform: bool = False) -> Response:
        """The answer to ``req``, carrying how long the server waits before sending it (``delay``: the
        latency draw, a slow host's wait), so that waiting costs the server nothing (govsim/server.py)."""
        with self._lock:
            self._requests[p.id] += 1
            self._paths[p.id, req.path] += 1
        fault = self._faults.get(p.id)
        wait = faults.delay(fault, req, self.slow_seconds)
        if self.latency is not None:
            wait += self.latency()
        resp = self._answer(p, req, platform, fault)
        return dataclasses.replace(resp, delay=resp.delay + wait) if wait else resp

    def _answer(self, p: Portal, req: Request, platform: bool, fault: str | None) -> Response:
        day = self.day
        replaced = faults.before(fault, req, self.huge_bytes, self.down_seconds)
        if replaced is not None:
            return replaced
        challenge = self._gates.check(p.gate, req)
        if challenge is not None:
            return challenge
        view = self.view(p, day)
        ctx = Ctx(p, view, self.seed, self.base_urls.get(p.id, ""), fault, lambda: self._hit(p.id))
        resp = self._platform(ctx, req) if platform else self._content(ctx, req)
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
            resp.etag = etag_of(body)
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
            page = nav.respond_main(self._nav(ctx), req, path_key(req.path, req.query))
            if isinstance(page, Response):
                return page
            if page is not None:
                return self._page(ctx, page, validators=False)
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

    def _platform(self, ctx: Ctx, req: Request) -> Response:
        """The portal's 信息公开 platform: another host of the same government (govsim/nav.py)."""
        if req.path == "/robots.txt":
            return Response(body=ROBOTS, ctype="text/plain; charset=utf-8")
        page = nav.respond_platform(self._nav(ctx), req)
        if page is None:
            return self._page(ctx, FAMILIES[ctx.portal.family].not_found(ctx), 404)
        return self._page(ctx, page, validators=False)

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
                etag=etag_of(body),
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
