"""The render middleware: plain first, the browser where a page or host needs it (ARCHITECTURE.md, data flow).

On the way out (``process_request``) it decides, per request, plain or browser (:meth:`Hosts.route`), and
for browser requests sets the scrapy-playwright meta keys. On the way back (``process_response``) it
recognises challenges in plain responses and re-requests them through the browser, and for rendered
responses it restores the real status (a gate's page answers 412 first and 200 after the reload), hands the
earned cookies to Scrapy's cookie jar and decides whether a script-built host stays browser-bound.

Meta keys: ``render_reason`` (why a request goes through the browser; the spider sets it through
:func:`crawler.render.escalate.rerender`), ``render_baseline`` (visible characters of the plain page),
``render_policy`` (the portal's ``render`` setting, stamped by the spider on every portal request), ``render_job``
(:class:`~crawler.render.page.RenderJob`, the in-page work and its result).

Stats (per portal): ``portal/<id>/browser`` requests sent through the browser, ``portal/<id>/browser/<reason>``
(``challenge_412``, ``challenge_521``, ``challenge_script``, ``js_list``, ``js_article``, ``always``; a
browser-bound host's later requests carry the reason that escalated it);
``portal/<id>/challenges`` challenged plain responses; ``portal/<id>/browser/unsolved`` gates the browser
did not pass; ``portal/<id>/browser/no_gain`` renderings that added no text; ``portal/<id>/browser/failed``
browser errors (``browser/retried``: of those, navigations Chromium aborted or renders a stopped Playwright
driver failed, sent once more);
``portal/<id>/browser/unavailable`` requests dropped because there is no browser;
``portal/<id>/browser/gate_shared`` page requests that waited for the cookies another render on the gated host
was earning, then went plainly with them, instead of rendering the gate again.

Settings: ``FAZHI_RENDER_SETTLE_TIMEOUT`` (seconds to wait for a page's content, default 10),
``FAZHI_RENDER_QUIET_MS`` (how long the page must stay quiet to count as built, default 100),
``FAZHI_RENDER_GATE_WAIT`` (seconds a non-page request on a gated host waits for the browser's cookies,
default 15), ``PLAYWRIGHT_LAUNCH_OPTIONS`` (``executable_path`` is checked before the first launch).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy_playwright.page import PageMethod

from crawler.browser import INSTALL_HINT, BrowserUnavailable, DriverRestarted
from crawler.registry import in_scope
from crawler.render.challenge import detect_challenge
from crawler.render.escalate import BASELINE_KEY, DATA_CHECKS_KEY, REASON_KEY, baseline
from crawler.render.hosts import ALWAYS, JS_REASONS, Hosts, rendering_helped
from crawler.render.page import RenderJob, init_page
from crawler.walkers.links import is_attachment_url
from pipelines.stats import portal_stat

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

CONTEXT_NAME = "render"
CONTEXT_KWARGS = {"locale": "zh-CN", "service_workers": "block", "accept_downloads": False}
PAGE_ROLES = ("list", "article")


GIVE_UP_AFTER = 3  # challenges the browser failed on one host before the crawl stops asking that host


class ChallengeNotPassed(IgnoreRequest):
    """The browser still showed the challenge page after waiting: nothing to parse."""


@dataclass(frozen=True)
class RenderConfig:
    """The middleware's settings, read once."""

    settle_timeout: float = 10.0
    quiet_ms: int = 100
    gate_wait: float = 15.0
    executable: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RenderConfig:
        launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}
        return cls(
            settle_timeout=settings.getfloat("FAZHI_RENDER_SETTLE_TIMEOUT"),
            quiet_ms=settings.getint("FAZHI_RENDER_QUIET_MS"),
            gate_wait=settings.getfloat("FAZHI_RENDER_GATE_WAIT"),
            executable=launch.get("executable_path"),
        )


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def renderable(request: Request) -> bool:
    """Only page GETs go through the browser: attachments and list APIs (POST, XML) stay plain."""
    return (
        request.method == "GET"
        and request.meta.get("role") in PAGE_ROLES
        and not is_attachment_url(request.url)
    )


class RenderMiddleware:
    """Downloader middleware: routes each portal request plainly or through the browser (module docs)."""

    def __init__(self, config: RenderConfig, stats) -> None:
        self.config = config
        self.stats = stats
        self.hosts = Hosts()
        self.unavailable: str | None = None
        self._reported: set[str] = set()  # portals already told about (no browser / render: never)
        self._cookies_ready: dict[str, asyncio.Event] = {}
        self._earning: dict[str, int] = {}  # hosts -> gate renders in flight (their cookies are on the way)
        self.crawler: Crawler | None = None  # for retries (set by from_crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderMiddleware:
        middleware = cls(RenderConfig.from_settings(crawler.settings), crawler.stats)
        middleware.crawler = crawler
        return middleware

    # -- helpers -------------------------------------------------------------------------------------------
    def _inc(self, portal_id: str, name: str) -> None:
        self.stats.inc_value(portal_stat(portal_id, name))

    def _browser_problem(self) -> str | None:
        if self.unavailable is None and self.config.executable and not Path(self.config.executable).exists():
            self.unavailable = f"no browser at {self.config.executable}; {INSTALL_HINT}"
        return self.unavailable

    def _no_browser(self, portal_id: str, reason: str, problem: str) -> BrowserUnavailable:
        self._inc(portal_id, "browser/unavailable")
        if portal_id not in self._reported:
            self._reported.add(portal_id)
            logger.error(
                "portal %s needs a browser (%s) but cannot have one: %s. Its pages that need the browser "
                "are skipped; other portals crawl normally.",
                portal_id,
                reason,
                problem,
            )
        return BrowserUnavailable(f"portal {portal_id}: browser needed ({reason}) but {problem}")

    def _event(self, host: str) -> asyncio.Event:
        event = self._cookies_ready.get(host)
        if event is None:
            event = self._cookies_ready[host] = asyncio.Event()
        return event

    def _gate_render_started(self, request: Request, host: str) -> None:
        if not self._earning.get(host):
            self._event(host).clear()
        self._earning[host] = self._earning.get(host, 0) + 1
        request.meta["render_earns_cookies"] = True

    def _gate_render_ended(self, request: Request) -> None:
        """A render that was to earn a gate's cookies is over: wake the requests waiting for them."""
        if not request.meta.pop("render_earns_cookies", False):
            return
        host = _host(request.url)
        self._earning[host] = max(0, self._earning.get(host, 0) - 1)
        if not self._earning[host]:
            self._event(host).set()

    def _earning_elsewhere(self, host: str, reason: str) -> bool:
        """``reason`` is the host's gate and a render is already earning its cookies."""
        state = self.hosts[host]
        return reason == state.gate and not state.browser_only and bool(self._earning.get(host))

    async def _cookies_from_render_in_flight(self, host: str, reason: str) -> bool:
        """A page request about to render for a gate while another render on the host is already earning
        its cookies: wait for those instead (True: they came, go plainly with them). One render per gate,
        not one per request dispatched while the first was waiting for a browser page."""
        state = self.hosts[host]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.gate_wait
        generation = state.generation
        while self._earning_elsewhere(host, reason):
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._event(host).wait(), timeout=remaining)
            except TimeoutError:
                return False
            if state.generation > generation:
                return True
        return False

    # -- requests ------------------------------------------------------------------------------------------
    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        portal_id = request.meta.get("portal_id")
        if portal_id is None or request.meta.get("playwright"):
            return None
        policy = request.meta.setdefault("render_policy", "auto")
        host = _host(request.url)
        if self.hosts[host].unsolved >= GIVE_UP_AFTER:
            self._inc(portal_id, "browser/given_up")
            raise IgnoreRequest(f"portal {portal_id}: {host} keeps a challenge the browser cannot pass")
        asked = request.meta.get(REASON_KEY)
        # a rendered document's plain revalidation (spiders/datachecks.py) unless the browser is asked for
        checking = DATA_CHECKS_KEY in request.meta and not asked and policy != ALWAYS
        reason = self.hosts.route(host, policy, asked) if renderable(request) and not checking else None
        if reason is not None and self._earning_elsewhere(host, reason):
            return self._route_after_gate_render(request, portal_id, host, reason)  # Scrapy awaits it
        self._route(request, portal_id, host, reason)
        return None

    async def _route_after_gate_render(
        self, request: Request, portal_id: str, host: str, reason: str
    ) -> None:
        if await self._cookies_from_render_in_flight(host, reason):
            request.meta.pop(REASON_KEY, None)
            self._inc(portal_id, "browser/gate_shared")
            reason = None
        self._route(request, portal_id, host, reason)

    def _route(self, request: Request, portal_id: str, host: str, reason: str | None) -> None:
        """Send ``request`` plainly (with the cookies the browser earned) or through the browser."""
        if reason is None:
            cookies = self.hosts.handover(host)
            if cookies:
                given = request.cookies
                if isinstance(given, dict):
                    given = [{"name": k, "value": v} for k, v in given.items()]
                request.cookies = [*(given or []), *cookies]
            if self.hosts.has_cookies(host):
                request.meta["render_carried_cookies"] = True
            return
        problem = self._browser_problem()
        if problem:
            raise self._no_browser(portal_id, reason, problem)
        self._to_browser(request, reason)
        if reason == self.hosts[host].gate:
            self._gate_render_started(request, host)
        self._inc(portal_id, "browser")
        self._inc(portal_id, f"browser/{reason}")

    def _to_browser(self, request: Request, reason: str) -> None:
        domains = request.meta.get("portal_domains")
        job = RenderJob(
            quiet_ms=self.config.quiet_ms,
            settle_timeout=self.config.settle_timeout,
            scope=partial(in_scope, allowed_domains=domains) if domains else None,
        )
        request.meta.update(
            {
                REASON_KEY: reason,
                "render_job": job,
                "playwright": True,
                "playwright_context": CONTEXT_NAME,
                "playwright_context_kwargs": CONTEXT_KWARGS,
                "playwright_page_init_callback": init_page,
                "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
                "playwright_page_methods": [PageMethod(job.settle)],
                "dont_merge_cookies": True,  # the browser keeps its own cookies; we copy them over ourselves
            }
        )
        request.meta.pop("render_carried_cookies", None)
        request.meta.pop(DATA_CHECKS_KEY, None)  # rendered now: the text comes with this answer
        # The browser has its own cookies, and a navigation cannot use a 304: send neither.
        for name in (b"Cookie", b"If-None-Match", b"If-Modified-Since"):
            request.headers.pop(name, None)

    # -- responses -----------------------------------------------------------------------------------------
    async def process_response(self, request: Request, response: Response) -> Request | Response:
        portal_id = request.meta.get("portal_id")
        if portal_id is None:
            return response
        if request.meta.get("playwright"):
            return self._rendered(request, response, portal_id)
        reason = detect_challenge(response.status, response.body)
        if reason is None:
            return response
        host = _host(request.url)
        self._inc(portal_id, "challenges")
        self.hosts.challenged(host, reason, bool(request.meta.get("render_carried_cookies")))
        if request.meta.get("render_policy") == "never":
            if portal_id not in self._reported:
                self._reported.add(portal_id)
                logger.warning(
                    "portal %s answers with an anti-bot challenge (%s) but its registry entry says "
                    "render: never; set render: auto to let the browser pass it",
                    portal_id,
                    reason,
                )
            return response
        meta = {k: v for k, v in request.meta.items() if k != "render_carried_cookies"}
        if renderable(request):
            return request.replace(meta={**meta, REASON_KEY: reason}, dont_filter=True)
        # An attachment or list API behind the gate: wait for the browser to earn cookies, then retry plainly.
        tries = meta.get("render_gate_tries", 0)
        if tries >= 2:
            return response
        if not self.hosts[host].generation or request.meta.get("render_carried_cookies"):
            event = self._event(host)
            event.clear()
            try:
                await asyncio.wait_for(event.wait(), timeout=self.config.gate_wait)
            except TimeoutError:
                return response
        return request.replace(meta={**meta, "render_gate_tries": tries + 1}, dont_filter=True)

    def _rendered(self, request: Request, response: Response, portal_id: str) -> Response:
        try:
            return self._check_rendered(request, response, portal_id)
        finally:
            self._gate_render_ended(request)

    def _check_rendered(self, request: Request, response: Response, portal_id: str) -> Response:
        job = request.meta.get("render_job")
        result = job.result if isinstance(job, RenderJob) else {}
        status = result.get("status")
        if status and status != response.status:
            response = response.replace(status=status)
        host = _host(request.url)
        reason = request.meta.get(REASON_KEY, "")
        if result.get("challenge") or detect_challenge(response.status, response.body):
            self._inc(portal_id, "browser/unsolved")
            state = self.hosts[host]
            state.unsolved += 1
            if state.unsolved == GIVE_UP_AFTER:
                logger.error(
                    "portal %s: the browser failed the challenge on %s %d times; the rest of this host is "
                    "skipped in this crawl (the portal's other data and other portals are not affected)",
                    portal_id,
                    host,
                    GIVE_UP_AFTER,
                )
            raise ChallengeNotPassed(
                f"portal {portal_id}: the browser did not pass the challenge at {request.url}"
            )
        if result.get("cookies") and (self.hosts[host].gate or reason.startswith("challenge")):
            self.hosts.earned(host, result["cookies"])
            self._event(host).set()
        if reason in JS_REASONS and isinstance(request.meta.get(BASELINE_KEY), dict):
            if rendering_helped(reason, request.meta[BASELINE_KEY], baseline(response)):
                if self.hosts.mark_js(host, reason):
                    logger.info(
                        "portal %s: %s builds its pages in JavaScript (%s); rendering its pages from now on",
                        portal_id,
                        host,
                        reason,
                    )
            else:
                self._inc(portal_id, "browser/no_gain")
        return response

    # -- failures ------------------------------------------------------------------------------------------
    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        portal_id = request.meta.get("portal_id")
        if portal_id is None:
            return None
        self._gate_render_ended(request)
        if isinstance(exception, BrowserUnavailable):
            if self.unavailable is None:
                self.unavailable = str(exception)
            if not str(exception).startswith("portal "):
                reason = request.meta.get(REASON_KEY, "?")
                self._no_browser(portal_id, reason, str(exception))
        elif request.meta.get("playwright"):
            self._inc(portal_id, "browser/failed")
            reason = _retry_reason(exception)
            if reason is not None and self.crawler is not None:
                retry = get_retry_request(
                    request, spider=self.crawler.spider, reason=reason, max_retry_times=1
                )
                if retry is not None:
                    self._to_browser(retry, request.meta.get(REASON_KEY, ALWAYS))  # a fresh render job
                    self._inc(portal_id, "browser/retried")
                    return retry
        return None


def _retry_reason(exception: Exception) -> str | None:
    """Why a failed render is sent once more (on another page), or None: the browser failed, not the portal.

    Chromium gave the navigation up (1 render in 3,300 in a national night 1, "frame was detached"), or the
    Playwright driver stopped under it (a new driver serves the retry). Timeouts and refusals are not retried.
    """
    if isinstance(exception, DriverRestarted):
        return "browser_driver_restarted"
    if "ERR_ABORTED" in str(exception):
        return "browser_navigation_aborted"
    return None
