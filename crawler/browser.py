"""The download handler: plain HTTP for most requests, Debian's Chromium for the few that need it.

A thin subclass of scrapy-playwright's handler (which already passes requests without
``meta["playwright"]`` to Scrapy's HTTP/1.1 handler) that

* starts Playwright only when the first request needs the browser, so a crawl of static portals never starts
  the Node driver or Chromium at all;
* checks that the browser executable exists before launching, and turns a missing or unlaunchable browser
  into :class:`BrowserUnavailable` with a message that says how to fix it. The render middleware then fails
  that portal's browser requests; plain requests, and other portals, carry on.

Settings: the ``PLAYWRIGHT_*`` settings of scrapy-playwright; ``PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"]``
is the browser checked. ``FAZHI_BROWSER_LOOPBACK_ONLY`` (default False; on in the loopback settings used for
govsim and the tests) adds :data:`LOOPBACK_ONLY_ARGS`: Chromium asks Google's update and account services on
its own even with background networking disabled, and a crawl of 127.0.0.1 must not leave the machine.
``FAZHI_DRIVER_NODE_OPTIONS`` is the Node options the Playwright driver starts with (:func:`driver_node_options`).

The Playwright driver (Node) can die mid-crawl (over its heap cap, or killed). Nothing then answers the renders
in flight, and pages and contexts never report being closed, so scrapy-playwright's page slots are never given
back and the crawl waited forever. A render that fails with a Playwright error therefore asks the driver
whether it is still there (:meth:`BrowserDownloadHandler.driver_alive`: a call that needs Node, not Chromium);
if not, the handler forgets the dead driver's browser, contexts and pages, releases whoever waits on them, and
starts a new driver at the next render (at most ``FAZHI_DRIVER_RESTARTS`` times a crawl, default 3; after that
the browser is unavailable and its portals end partial or failed). The renders that failed with the driver
raise :class:`DriverRestarted`, which the render middleware sends once more. (A Chromium crash alone is
scrapy-playwright's ``PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.render.page import REDIRECT_HEADER, RenderJob
from crawler.render.pool import DEFAULT_CONTEXT_RENDERS, DEFAULT_MAX_USES, PagePool
from crawler.render.scripts import ScriptCache

logger = logging.getLogger(__name__)

INSTALL_HINT = "install Debian's Chromium: `sudo apt-get install chromium` (or `make chromium`)"

#: Chromium resolves no host but 127.0.0.1 and ignores proxy settings: nothing it sends leaves the machine.
LOOPBACK_ONLY_ARGS = ("--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


def launch_options(settings: BaseSettings) -> dict:
    """``PLAYWRIGHT_LAUNCH_OPTIONS``, with :data:`LOOPBACK_ONLY_ARGS` added under ``FAZHI_BROWSER_LOOPBACK_ONLY``."""
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    if settings.getbool("FAZHI_BROWSER_LOOPBACK_ONLY"):
        options["args"] = [*options.get("args", []), *LOOPBACK_ONLY_ARGS]
    return options


@contextlib.contextmanager
def driver_node_options(options: str) -> Iterator[None]:
    """``NODE_OPTIONS`` for the Playwright driver while it starts (it copies this process's environment then).

    The driver is a Node process that lives as long as the crawl. Node sizes its heap for the machine (gigabytes
    here) and let it grow to 233 MB in a 1,000-portal night whose live heap, measured after full collections,
    stayed under 30 MB; capped, it held 128 MB (bench/README.md). Options the operator set in ``NODE_OPTIONS``
    come after ours, so theirs win.
    """
    before = os.environ.get("NODE_OPTIONS")
    merged = " ".join(part for part in (options, before) if part)
    if merged:
        os.environ["NODE_OPTIONS"] = merged
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = before


def launch_problem(exc: Exception) -> str:
    """Why the browser could not start, and what to do: the Playwright driver (Node) dying says nothing
    about Chromium, whose install hint would send the operator the wrong way."""
    lines = str(exc).strip().splitlines()
    cause = lines[0][:200] if lines else type(exc).__name__
    if "driver" in cause.lower():
        return (
            f"the Playwright driver stopped ({cause}); Node printed its reason above in the log: an option it "
            "refused or a heap too small, in FAZHI_DRIVER_NODE_OPTIONS or NODE_OPTIONS"
        )
    return f"the browser failed to launch ({cause}); {INSTALL_HINT}"


class BrowserUnavailable(IgnoreRequest):
    """The browser cannot be used in this crawl (not installed, or it failed to launch)."""


class DriverRestarted(Exception):
    """A render failed because the Playwright driver stopped; a new driver serves the renders after it."""


#: Seconds a failed render waits for the driver to answer whether it is still there (it answers in
#: milliseconds; a driver this slow is wedged, and a false "stopped" costs the renders in flight one retry).
DRIVER_PROBE_TIMEOUT = 30
DEFAULT_DRIVER_RESTARTS = 3


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, launched lazily and failing clearly when there is no browser."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.config.launch_options = launch_options(crawler.settings)
        self.node_options = crawler.settings.get("FAZHI_DRIVER_NODE_OPTIONS") or ""
        self._launched = False
        self._launch_lock = asyncio.Lock()
        self.unavailable: str | None = None  # why the browser cannot be used, once known
        # Scrapy filters by LOG_LEVEL in its handler and leaves loggers at DEBUG, so scrapy-playwright attaches
        # its debug request logger to every page: an extra driver round trip (the Referer) per sub-request,
        # about 8% of the crawl process in a national night (py-spy). At our level it is never attached.
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL", "DEBUG")).upper())
        if isinstance(level, int) and level > logging.DEBUG:
            logging.getLogger("scrapy_playwright").setLevel(level)
        self.pages = PagePool(
            crawler.settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4),
            crawler.settings.getint("FAZHI_RENDER_PAGE_USES", DEFAULT_MAX_USES),
            crawler.settings.getint("FAZHI_RENDER_CONTEXT_RENDERS", DEFAULT_CONTEXT_RENDERS),
            close_context=self._close_context,
        )
        self._context_names: dict[int, set[str]] = {}  # per page-pool generation, the contexts opened
        self.max_driver_restarts = crawler.settings.getint("FAZHI_DRIVER_RESTARTS", DEFAULT_DRIVER_RESTARTS)
        self.driver_restarts = 0  # also names the driver a render started on
        self.scripts = ScriptCache()  # scripts that proved static, for every render of the crawl

    async def _maybe_launch_in_thread(self) -> None:
        """Connected to ``engine_started`` by the parent: do nothing there (see :meth:`_ensure_browser`)."""

    def _engine_started(self):  # older Scrapy: same signal, same reason
        return None

    def executable(self) -> str | None:
        return (self.config.launch_options or {}).get("executable_path")

    def check_executable(self) -> str | None:
        """Why the configured browser cannot run, or None when it looks usable."""
        path = self.executable()
        if path and not Path(path).exists():
            return f"no browser at {path}; {INSTALL_HINT}"
        return None

    async def _ensure_browser(self) -> None:
        """Start Playwright and the browser on first use; remember and raise why not, if they cannot be."""
        if self.unavailable:
            raise BrowserUnavailable(self.unavailable)
        if self._launched and hasattr(self, "browser"):
            return
        async with self._launch_lock:
            if self.unavailable:
                raise BrowserUnavailable(self.unavailable)
            problem = self.check_executable()
            if problem is None:
                try:
                    if not self._launched:
                        with driver_node_options(self.node_options):
                            await self._launch()
                        self._launched = True
                    await self._maybe_launch_browser()
                except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser"
                    if self._launched and isinstance(exc, PlaywrightError) and not await self.driver_alive():
                        # the driver, up a moment ago, stopped while Chromium started: a new one may do
                        await self._forget_driver()
                        if self.unavailable is None:
                            raise DriverRestarted(
                                f"the Playwright driver stopped during a launch ({exc})"
                            ) from exc
                        raise BrowserUnavailable(self.unavailable) from exc
                    problem = launch_problem(exc)
            if problem:
                self.unavailable = problem
                raise BrowserUnavailable(problem)

    async def _download_request(self, request: Request, spider=None) -> Response:
        await self._ensure_browser()
        driver = self.driver_restarts
        try:
            response = await self._download_with_pooled_page(request, spider)
        except PlaywrightError as exc:
            if await self._driver_stopped(driver):
                raise DriverRestarted(f"the Playwright driver stopped during this render ({exc})") from exc
            raise
        location = response.headers.get(REDIRECT_HEADER)
        if location:  # a redirect the browser did not follow (crawler.render.page.route_navigation)
            headers = response.headers.copy()
            headers[b"Location"] = location
            response = response.replace(headers=headers)
        return response

    async def driver_alive(self) -> bool:
        """Whether the Playwright driver still answers: a request context lives in Node alone, so a crashed
        Chromium (which scrapy-playwright relaunches itself) does not count as a dead driver."""
        playwright = getattr(getattr(self, "browser_provider", None), "playwright", None)
        if playwright is None:
            return True  # not started yet
        try:
            probe = await asyncio.wait_for(playwright.request.new_context(), DRIVER_PROBE_TIMEOUT)
        except (PlaywrightError, TimeoutError):
            return False
        with contextlib.suppress(PlaywrightError):
            await probe.dispose()
        return True

    async def _driver_stopped(self, driver: int) -> bool:
        """After a render on ``driver`` failed: whether that driver has stopped (and is now replaced)."""
        async with self._launch_lock:
            if driver != self.driver_restarts:
                return True  # another render found it stopped first
            if await self.driver_alive():
                return False
            await self._forget_driver()
            return True

    async def _forget_driver(self) -> None:
        """Drop everything of a dead driver; the next render starts a new one (:meth:`_ensure_browser`).

        Its pages and contexts never report being closed, so the page slots scrapy-playwright counts in them
        are released here: renders waiting for one go on and fail (they are retried), instead of waiting forever.
        """
        self.driver_restarts += 1
        self.stats.inc_value("playwright/driver_restarts")
        wrappers = list(self.context_wrappers.values())
        self.context_wrappers.clear()
        for wrapper in wrappers:
            for _ in range(self.config.max_pages_per_context):
                wrapper.semaphore.release()
            if hasattr(self, "context_semaphore"):
                self.context_semaphore.release()
        if hasattr(self, "browser"):
            del self.browser
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.browser_provider.close(), DRIVER_PROBE_TIMEOUT)
        await self.pages.renew()  # the old pages are dead; new ones open in a context of a new name
        self._launched = False
        if self.driver_restarts > self.max_driver_restarts:
            self.unavailable = (
                f"the Playwright driver stopped {self.driver_restarts} times in this crawl "
                f"(FAZHI_DRIVER_RESTARTS={self.max_driver_restarts}); look for Node's reason in the log"
            )
            logger.error("%s; no more renders in this crawl", self.unavailable)
        else:
            logger.error(
                "the Playwright driver stopped (restart %d of %d): a new one starts with the next render, "
                "the renders it failed are sent once more",
                self.driver_restarts,
                self.max_driver_restarts,
            )

    async def _close_context(self, generation: int) -> None:
        """Close the contexts the page pool opened in ``generation`` (scrapy-playwright then forgets them)."""
        for name in self._context_names.pop(generation, ()):
            wrapper = self.context_wrappers.get(name)
            if wrapper is not None:
                with contextlib.suppress(PlaywrightError):
                    await wrapper.context.close()
                self.stats.inc_value("playwright/context_count/renewed")

    async def _download_with_pooled_page(self, request: Request, spider) -> Response:
        """Render on a pooled page (crawler/render/pool.py); scrapy-playwright keeps it open for us
        (``playwright_include_page``) and we decide whether it serves the next render."""
        page = await self.pages.acquire(request.url)
        generation = self.pages.generation
        reused = page is not None
        request.meta["playwright_include_page"] = True
        if page is not None:
            request.meta["playwright_page"] = page
        # a new page (or one replacing a crashed page) opens in the context of the pool's generation
        base = str(request.meta.get("playwright_context", "default")).split("#")[0]
        name = request.meta["playwright_context"] = self.pages.context_name(base, generation)
        self._context_names.setdefault(generation, set()).add(name)
        job = request.meta.get("render_job")
        if isinstance(job, RenderJob):
            job.scripts = self.scripts
        settled = False
        try:
            response = await super()._download_request(request, spider)
            settled = not isinstance(job, RenderJob) or job.settled()
            return response
        finally:
            page = request.meta.pop("playwright_page", None)
            request.meta.pop("playwright_include_page", None)
            if page is not None and isinstance(job, RenderJob):
                job.detach(page)
            if await self.pages.release(page, settled, generation):
                self.stats.inc_value("playwright/page_count/closed")
            if reused:
                self.stats.inc_value("playwright/page_count/reused")
            if self.scripts.served:
                self.stats.set_value("render/scripts_from_memory", self.scripts.served)
