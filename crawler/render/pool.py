"""Browser pages kept open between renders.

A new page per render costs Chromium a new renderer process and Playwright a new target to attach to; a page
that navigates to the next URL keeps both. ``bench.render`` (300 govsim JS pages, 4 pages at once, runs
alternated): 3.3 and 3.4 pages/s with a page per render, 5.2 and 6.0 with kept pages (bench/README.md).

The pool also caps open pages (``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``): a render first takes a slot, then an
idle page if there is one (preferring one already on the same host, whose renderer serves that site), and
gives both back when done. A page goes back to the pool only after a render that settled; after a failure,
a timeout, a challenge or ``max_uses`` renders it is closed, so a wedged document or a renderer's slowly
growing heap never outlives a few dozen pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

DEFAULT_MAX_USES = 50


async def _idle_route(route: Route) -> None:
    """While a page waits in the pool its last document may still run timers: nothing it asks for is sent.
    (scrapy-playwright removes every ``**`` route before the page's next render.)"""
    with contextlib.suppress(PlaywrightError):
        await route.abort("blockedbyclient")


class PagePool:
    """Idle pages and render slots for one browser context. Create and use it inside the crawl's loop."""

    def __init__(self, size: int, max_uses: int = DEFAULT_MAX_USES) -> None:
        self.size = max(1, size)
        self.max_uses = max(1, max_uses)
        self._slots = asyncio.Semaphore(self.size)
        self._idle: list[Page] = []
        self._uses: weakref.WeakKeyDictionary[Page, int] = weakref.WeakKeyDictionary()
        self.reused = 0
        self.closed = 0

    async def acquire(self, url: str) -> Page | None:
        """Take a render slot (waiting for one), then an idle page if any: one on ``url``'s host first.
        None means "open a new page" (the slot is held either way until :meth:`release`)."""
        await self._slots.acquire()
        self._idle = [page for page in self._idle if not page.is_closed()]
        if not self._idle:
            return None
        host = urlsplit(url).netloc
        index = next(
            (i for i, page in enumerate(self._idle) if urlsplit(page.url).netloc == host), len(self._idle) - 1
        )
        self.reused += 1
        return self._idle.pop(index)

    async def release(self, page: Page | None, reusable: bool) -> bool:
        """Give the slot back; keep ``page`` for the next render, or close it (True)."""
        try:
            if page is None or page.is_closed():
                return False
            uses = self._uses.get(page, 0) + 1
            self._uses[page] = uses
            if reusable and uses < self.max_uses:
                try:
                    await page.route("**", _idle_route)
                except PlaywrightError:
                    reusable = False
                else:
                    self._idle.append(page)
                    return False
            self.closed += 1
            with contextlib.suppress(PlaywrightError):
                await page.close()
            return True
        finally:
            self._slots.release()
