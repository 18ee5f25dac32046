"""What runs in the browser: request blocking, waiting for the content, collecting earned cookies.

The work we need inside the page runs as a ``PageMethod`` callable. Pages are opened by scrapy-playwright and
kept, reused and closed by our download handler (crawler/browser.py, crawler/render/pool.py) on every path,
so no spider callback or errback ever holds a page (PERF.md: leaked pages are the memory growth seen in
scrapy-playwright #126/#325). A reused page carries one job at a time: :meth:`RenderJob.attach` and
:meth:`RenderJob.detach` bracket it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy_playwright.headers import use_scrapy_headers

from crawler.render.scripts import ScriptCache

if TYPE_CHECKING:
    from playwright.async_api import Page, Response, Route
    from playwright.async_api import Request as PlaywrightRequest
    from scrapy.http import Request

logger = logging.getLogger(__name__)

#: A main-frame HTTP redirect is handed back to Scrapy under this header instead of being followed by the
#: browser (:func:`route_navigation`); the download handler restores ``Location`` for RedirectMiddleware.
REDIRECT_HEADER = "x-fazhi-location"
_HOP_HEADERS = frozenset({"location", "content-length", "content-encoding", "transfer-encoding"})

BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet", "imageset", "texttrack"})
#: Requests a page's scripts make for its content: their validators say whether the content changed.
DATA_RESOURCE_TYPES = frozenset({"fetch", "xhr"})

# Counts the page's own fetch/XHR calls, so "the content is there" can be decided by the page going quiet
# rather than by a fixed sleep. Runs before any page script, in every document.
_TRACKER = """
(() => {
  if (window.__fazhi) return;
  const s = {pending: 0, net: Date.now(), len: -1, lenAt: Date.now()};
  const done = () => setTimeout(() => { s.pending--; s.net = Date.now(); }, 0);
  window.__fazhi = s;
  const F = window.fetch;
  if (F) window.fetch = function () {
    s.pending++; s.net = Date.now();
    return F.apply(this, arguments).then(r => { done(); return r; }, e => { done(); throw e; });
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    s.pending++; s.net = Date.now();
    this.addEventListener('loadend', done);
    return send.apply(this, arguments);
  };
})();
"""

# True when the page is no challenge, has no fetch/XHR in flight and its visible text has kept the same
# length for `quiet` ms. Text length, not DOM mutations: clocks and tickers mutate forever, lists do not grow.
_READY = """
(quiet) => {
  if (document.readyState !== 'complete' || !document.body) return false;
  const now = Date.now();
  const len = document.body.innerText.replace(/\\s+/g, '').length;
  if (len < 200) {
    const html = document.documentElement.outerHTML;
    if (/\\$_ts\\s*=|__jsl_clearance|document\\.cookie\\s*=/.test(html)) return false;
  }
  const s = window.__fazhi;
  if (!s) return true;
  if (len !== s.len) { s.len = len; s.lenAt = now; return false; }
  return s.pending <= 0 && now - s.net >= quiet && now - s.lenAt >= quiet;
}
"""

_IS_CHALLENGE = """
() => {
  const text = document.body ? document.body.innerText.replace(/\\s+/g, '') : '';
  return text.length < 200 && /\\$_ts\\s*=|__jsl_clearance|document\\.cookie\\s*=/.test(
    document.documentElement ? document.documentElement.outerHTML : '');
}
"""


#: Seconds a settled page waits for the bytes of its data answers that came without validators.
DIGEST_WAIT = 2.0


def body_digest(body: bytes) -> str:
    """How a data answer without validators is recognized the next time (crawler/spiders/datachecks.py)."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _site(host: str) -> str:
    """The part of a host name shared by its sibling hosts (``www.a.gov.cn`` → ``a.gov.cn``)."""
    labels = host.split(".")
    if host.replace(".", "").isdigit() or len(labels) < 3:
        return host
    return ".".join(labels[1:])


#: The portal scope of each open page (set by :meth:`RenderJob.attach`): ``scope(url) -> bool``.
_PAGE_SCOPES: weakref.WeakKeyDictionary[Page, Callable[[str], bool]] = weakref.WeakKeyDictionary()
#: Pages that already run :data:`_TRACKER` in every new document (an init script stays with its page).
_TRACKED: weakref.WeakSet[Page] = weakref.WeakSet()


def internal_host(host: str) -> bool:
    """Loopback, private, link-local or otherwise non-public addresses, and ``localhost``: reachable only
    when the portal's registry entry names them."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def should_abort(request: PlaywrightRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: block images, fonts, media, styles, requests off the page's site, and
    everything that would leave the portal's scope.

    Off-site means another host than the document's that is not a sibling (``static.x.gov.cn`` serving
    ``www.x.gov.cn`` is kept: portal scripts often live there). A main-frame navigation (a script setting
    ``location.href``, a form) must stay in the portal's scope; a frame may load only the page's own origin
    (a cross-origin iframe adds nothing to the page's text); nothing may reach an internal address the
    portal's scope does not name.
    """
    if request.resource_type in BLOCKED_RESOURCE_TYPES:
        return True
    target = urlsplit(request.url)
    if target.scheme in ("data", "blob"):
        return False
    try:
        frame = request.frame
        page = frame.page
        page_url = page.url
        main_frame = frame == page.main_frame
    except PlaywrightError:
        return True  # a request we cannot place (a service worker's): not ours to make
    scope = _PAGE_SCOPES.get(page)
    in_scope = scope is None or scope(request.url)
    if request.is_navigation_request():
        if main_frame or page_url in ("", "about:blank"):
            return not in_scope
        return urlsplit(page_url).netloc != target.netloc
    if not in_scope and internal_host(target.hostname or ""):
        return True
    current = urlsplit(page_url)
    if current.scheme not in ("http", "https") or current.netloc == target.netloc:
        return False
    page_host, target_host = current.hostname or "", target.hostname or ""
    if page_host.replace(".", "").isdigit():
        return True  # an IP address: only the same origin is the same site
    site = _site(page_host)
    return not (target_host == site or target_host.endswith("." + site))


async def route_navigation(
    route: Route,
    request: PlaywrightRequest,
    scope: Callable[[str], bool] | None,
    headers: dict[str, str],
    scripts: ScriptCache | None = None,
) -> None:
    """The page's main-frame navigations, fetched by us so that the browser never follows a redirect.

    Chromium follows HTTP redirects inside the network stack, where no route handler sees them: a portal's
    page answering 302 to an internal address would be fetched. Here the navigation is fetched without
    following redirects; a redirect comes back to Scrapy as a plain 3xx (:data:`REDIRECT_HEADER`), whose
    RedirectMiddleware and scope filter then treat it as any other hop. A navigation off the portal's scope
    (a script setting ``location.href``) is aborted. A script that proved static comes from ``scripts``
    (crawler/render/scripts.py); other requests go on to scrapy-playwright's handler.
    """
    try:
        main = request.is_navigation_request() and request.frame.parent_frame is None
    except PlaywrightError:
        main = False
    if not main:
        script = _cached_script(request, scripts)
        if script is None:
            await route.fallback()
        else:
            await route.fulfill(status=200, headers={"content-type": script.content_type}, body=script.body)
        return
    if scope is not None and not scope(request.url):
        logger.warning("blocked a browser navigation off the portal's scope: %s", request.url)
        await route.abort("blockedbyclient")
        return
    sent = {k: v for k, v in (await request.all_headers()).items() if k.lower() != "cookie" and k[:1] != ":"}
    try:
        response = await route.fetch(headers={**sent, **headers}, max_redirects=0)
    except PlaywrightError as exc:  # refused, reset, timed out: the navigation fails now, not at its timeout
        logger.info("browser navigation to %s failed: %s", request.url, str(exc).splitlines()[0][:200])
        await route.abort("failed")
        return
    location = response.headers.get("location")
    if 300 <= response.status < 400 and location:
        kept = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
        kept[REDIRECT_HEADER] = urljoin(request.url, location)
        await route.fulfill(status=response.status, headers=kept, body=b"")
        return
    await route.fulfill(response=response)


def _cached_script(request: PlaywrightRequest, scripts: ScriptCache | None):
    """The kept copy of a script the page may load (the abort rule still decides), or None."""
    if scripts is None or request.resource_type != "script" or request.method != "GET":
        return None
    if scripts.get(request.url) is None or should_abort(request):
        return None
    return scripts.serve(request.url)


async def browser_headers(
    *, browser_type_name: str, playwright_request: PlaywrightRequest, scrapy_request_data: dict
) -> dict[str, str]:
    """``PLAYWRIGHT_PROCESS_REQUEST_HEADERS``: Scrapy's headers (one User-Agent for browser and plain
    requests, so earned cookies stay valid) without ``Cookie``: the browser keeps its own cookie store.
    """
    headers = await use_scrapy_headers(
        browser_type_name=browser_type_name,
        playwright_request=playwright_request,
        scrapy_request_data=scrapy_request_data,
    )
    return {k: v for k, v in headers.items() if k.lower() != "cookie"}


@dataclass
class RenderJob:
    """One browser request's work inside the page; the middleware reads :attr:`result` afterwards.

    :attr:`data` lists the page's data requests (fetch/XHR) with their validators, so a later crawl can
    revalidate the rendered text with plain conditional GETs instead of rendering again
    (:meth:`data_validators`). A data answer without ETag or Last-Modified (a dynamic backend) is kept with a
    digest of its bytes instead: a later crawl fetches it plainly and compares.
    """

    quiet_ms: int = 100
    settle_timeout: float = 10.0
    scope: Callable[[str], bool] | None = None  # the portal's scope (PortalConfig.allows)
    status: int | None = None  # of the last main-frame navigation (after a gate's reload: the real page)
    result: dict[str, Any] = field(default_factory=dict)
    # per data request: [url, etag, last-modified], or [url, None, None, "sha256:…"] for one without validators
    data: list[list[str | None]] = field(default_factory=list)
    data_unvalidated: bool = False  # a data request failed, was off scope, or its bytes could not be read
    scripts: ScriptCache | None = None  # the crawl's static scripts (set by the download handler)
    _listeners: list[tuple[str, Callable]] = field(default_factory=list, repr=False)
    _digests: list[asyncio.Task] = field(default_factory=list, repr=False)
    _script_reads: list[asyncio.Task] = field(default_factory=list, repr=False)

    def _on_response(self, page: Page, response: Response) -> None:
        try:
            request = response.request
            if request.is_navigation_request() and response.frame == page.main_frame:
                self.status = response.status
            elif self.status is None:
                return  # a reused page's previous document, not yet replaced by ours
            elif request.resource_type in DATA_RESOURCE_TYPES:
                headers = response.headers
                etag, modified = headers.get("etag"), headers.get("last-modified")
                in_scope = self.scope is None or self.scope(response.url)
                if response.status != 200 or not in_scope or request.method != "GET":
                    self.data_unvalidated = True
                elif etag or modified:
                    self.data.append([response.url, etag, modified])
                else:
                    self._digests.append(asyncio.ensure_future(self._digest(response)))
            elif request.resource_type == "script" and self._may_keep_script(response):
                self._script_reads.append(asyncio.ensure_future(self._offer_script(response)))
        except PlaywrightError:
            self.data_unvalidated = True

    def _may_keep_script(self, response: Response) -> bool:
        return (
            self.scripts is not None
            and response.status == 200
            and response.request.method == "GET"
            and self.scripts.get(response.url) is None  # not one we served
        )

    async def _offer_script(self, response: Response) -> None:
        with contextlib.suppress(PlaywrightError):  # gone with its page: the next render offers it again
            self.scripts.offer(response.url, response.headers, await response.body())

    async def _digest(self, response: Response) -> None:
        """A data answer without validators, kept by the digest of its bytes."""
        try:
            body = await response.body()
        except PlaywrightError:
            self.data_unvalidated = True
            return
        self.data.append([response.url, None, None, body_digest(body)])

    def _on_request_failed(self, request: PlaywrightRequest) -> None:
        with contextlib.suppress(PlaywrightError):
            if self.status is not None and request.resource_type in DATA_RESOURCE_TYPES:
                self.data_unvalidated = True

    def settled(self) -> bool:
        """The page reached a built, challenge-free document: it may serve the next render."""
        return bool(self.result) and not self.result.get("timed_out") and not self.result.get("challenge")

    def data_validators(self) -> list[list[str | None]] | None:
        """The data requests' validators when together with the page's own they vouch for its text: the page
        settled, and every data request answered 200 in the portal's scope, with an ETag or Last-Modified or
        with bytes we could digest. None otherwise (the text can then only be revalidated by rendering)."""
        if self.data_unvalidated or not self.settled():
            return None
        by_url = {entry[0]: entry for entry in self.data}  # fetched twice: once
        return [by_url[url] for url in sorted(by_url)]

    async def attach(self, page: Page, headers: dict[str, str] | None = None) -> None:
        """Before navigation: install the activity tracker, watch main-frame responses, keep the page in
        the portal's scope (:func:`should_abort`, :func:`route_navigation`); ``headers`` are the Scrapy
        request's (one User-Agent for browser and plain requests, so earned cookies stay valid)."""
        if self.scope is not None:
            _PAGE_SCOPES[page] = self.scope
        nav_headers = dict(headers or {})
        await page.route(
            "**",
            lambda route, request: route_navigation(route, request, self.scope, nav_headers, self.scripts),
        )
        if page not in _TRACKED:
            await page.add_init_script(_TRACKER)
            _TRACKED.add(page)
        self._listeners = [
            ("response", lambda response: self._on_response(page, response)),
            ("requestfailed", self._on_request_failed),
        ]
        for event, listener in self._listeners:
            page.on(event, listener)

    def detach(self, page: Page) -> None:
        """After the render: this job no longer hears the page (it may go on to serve another job)."""
        for event, listener in self._listeners:
            with contextlib.suppress(PlaywrightError, KeyError, ValueError):
                page.remove_listener(event, listener)
        self._listeners = []
        for task in self._digests:  # a data answer that came after the content settled and is still unread
            if not task.done():
                task.cancel()
                self.data_unvalidated = True
        for task in self._script_reads:
            task.cancel()

    async def settle(self, page: Page) -> dict[str, Any]:
        """Wait until the page is past any challenge and its content is built, then collect cookies.

        A gate's script sets its cookie and navigates; the wait survives those navigations (the execution
        context is destroyed, we wait for the next document). Giving up after ``settle_timeout`` keeps
        whatever the page shows; a page still showing a challenge is reported as such.
        """
        deadline = time.monotonic() + self.settle_timeout
        timed_out = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            try:
                await page.wait_for_function(
                    _READY, arg=self.quiet_ms, polling=50, timeout=max(remaining * 1000, 1)
                )
                break
            except PlaywrightError as exc:
                if isinstance(exc, PlaywrightTimeout):
                    timed_out = True
                    break
                # The document navigated away (a gate's reload): wait for the next one.
                try:
                    await page.wait_for_load_state("domcontentloaded", timeout=max(remaining * 1000, 1))
                except PlaywrightError:
                    await asyncio.sleep(0.05)
        if self._digests:  # the bytes of data answers without validators (see _digest)
            _done, late = await asyncio.wait(self._digests, timeout=DIGEST_WAIT)
            for task in late:
                task.cancel()
                self.data_unvalidated = True
        challenge = False
        try:
            challenge = bool(await page.evaluate(_IS_CHALLENGE))
        except PlaywrightError:
            challenge = True  # still navigating after the deadline: the gate was not passed
        cookies: list[dict] = []
        with contextlib.suppress(PlaywrightError):
            cookies = list(await page.context.cookies([page.url]))
        self.result = {
            "status": self.status,
            "challenge": challenge,
            "timed_out": timed_out,
            "cookies": cookies,
            "url": page.url,
        }
        return self.result


async def init_page(page: Page, request: Request) -> None:
    """``playwright_page_init_callback``: runs before navigation for every browser request we make."""
    job = request.meta.get("render_job")
    if isinstance(job, RenderJob):
        skip = {"cookie", "if-none-match", "if-modified-since"}
        headers = {
            k.decode("latin-1"): v[0].decode("latin-1")
            for k, v in request.headers.items()
            if v and k.decode("latin-1").lower() not in skip
        }
        await job.attach(page, headers)
