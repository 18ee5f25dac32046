"""Browser pages kept open between renders.

A new page per render costs Chromium a new renderer process and Playwright a new target to attach to; a page
that navigates to the next URL keeps both. ``bench.render`` (300 govsim JS pages, 4 pages at once, runs
alternated): 3.3 and 3.4 pages/s with a page per render, 5.2 and 6.0 with kept pages (bench/README.md).

The pool also caps open pages (``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``): a render first takes a slot, then an
idle page if there is one (preferring one already on the same host, whose renderer serves that site), and
gives both back when done. A page goes back to the pool only after a render that settled; after a failure,
a timeout, a challenge or ``max_uses`` renders it is closed, so a wedged document or a renderer's slowly
growing heap never outlives a few renders.

Contexts are renewed too: Playwright keeps every request, response and route of a browser context, in the
driver and in this process, until the context closes (microsoft/playwright#6319). With one context for a
whole national night 1 the driver grew from 209 to 384 MB; renewed, it stays near 230 MB. So after
``context_renders`` renders a new generation starts: new pages open in a new context, pages of the old one
are closed as they come back, and the old context is closed with its last page.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

DEFAULT_MAX_USES = 15
DEFAULT_CONTEXT_RENDERS = 60


async def _idle_route(route: Route) -> None:
    """While a page waits in the pool its last document may still run timers: nothing it asks for is sent.
    (scrapy-playwright removes every ``**`` route before the page's next render.)"""
    with contextlib.suppress(PlaywrightError):
        await route.abort("blockedbyclient")


class PagePool:
    """Idle pages and render slots, and the generation of the browser context new pages open in. Create and
    use it inside the crawl's loop.

    ``close_context(generation)`` closes that generation's context (the download handler knows it by name).
    An old generation's context is closed once no render of it is in progress: its idle pages were closed
    when the next generation began, so any page still open there is one the handler never got back, and it
    must not keep the context open (scrapy-playwright opens a context only once an old one has closed).
    Renders are counted per generation from :meth:`acquire` to :meth:`release`, which always come in pairs.
    """

    def __init__(
        self,
        size: int,
        max_uses: int = DEFAULT_MAX_USES,
        context_renders: int = DEFAULT_CONTEXT_RENDERS,
        close_context: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self.size = max(1, size)
        self.max_uses = max(1, max_uses)
        self.context_renders = max(1, context_renders)
        self.close_context = close_context
        self.generation = 1  # new pages open in this generation's context (:meth:`context_name`)
        self._started = 0  # renders started in this generation
        self._rendering: Counter[int] = Counter()  # renders in progress per generation
        self._slots = asyncio.Semaphore(self.size)
        self._idle: list[Page] = []
        self._uses: weakref.WeakKeyDictionary[Page, int] = weakref.WeakKeyDictionary()
        self.reused = 0
        self.closed = 0
        self.contexts_closed = 0

    @staticmethod
    def context_name(base: str, generation: int) -> str:
        return f"{base}#{generation}"

    async def acquire(self, url: str) -> Page | None:
        """Take a render slot (waiting for one), then an idle page if any: one on ``url``'s host first.
        None means "open a new page" in the context of :attr:`generation` (the slot is held either way
        until :meth:`release`, which must be told the generation read right after this call)."""
        await self._slots.acquire()
        try:
            if self._started >= self.context_renders:
                await self.renew()
        except BaseException:
            self._slots.release()
            raise
        self._started += 1
        self._rendering[self.generation] += 1
        self._idle = [page for page in self._idle if not page.is_closed()]  # a renderer crashed meanwhile
        if not self._idle:
            return None
        host = urlsplit(url).netloc
        index = next(
            (i for i, page in enumerate(self._idle) if urlsplit(page.url).netloc == host), len(self._idle) - 1
        )
        self.reused += 1
        return self._idle.pop(index)

    async def release(self, page: Page | None, reusable: bool, generation: int | None = None) -> bool:
        """Give the slot back; keep ``page`` for the next render, or close it (True). ``generation``: the
        one read after :meth:`acquire` (default: the current one)."""
        generation = self.generation if generation is None else generation
        try:
            return await self._keep_or_close(page, reusable, generation)
        finally:
            self._rendering[generation] -= 1
            try:
                if generation != self.generation and self._rendering[generation] <= 0:
                    await self._retire(generation)
            finally:
                self._slots.release()

    async def _keep_or_close(self, page: Page | None, reusable: bool, generation: int) -> bool:
        if page is None or page.is_closed():
            return False
        uses = self._uses.get(page, 0) + 1
        self._uses[page] = uses
        if reusable and uses < self.max_uses and generation == self.generation:
            try:
                await page.route("**", _idle_route)
            except PlaywrightError:
                pass
            else:
                self._idle.append(page)
                return False
        await self._close(page)
        return True

    async def renew(self) -> None:
        """Start a new generation: the idle pages of the old one close, and its context once none of its
        renders is in progress. (Also when the handler's driver was replaced: no old page can serve.)"""
        old, self.generation, self._started = self.generation, self.generation + 1, 0
        idle, self._idle = self._idle, []
        for page in idle:
            await self._close(page)
        if self._rendering[old] <= 0:
            await self._retire(old)

    async def _close(self, page: Page) -> None:
        self.closed += 1
        with contextlib.suppress(PlaywrightError):
            await page.close()

    async def _retire(self, generation: int) -> None:
        self._rendering.pop(generation, None)
        if self.close_context is not None:
            self.contexts_closed += 1
            await self.close_context(generation)
