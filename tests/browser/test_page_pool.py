"""Pages kept between renders (crawler/render/pool.py) with Debian's Chromium and a local server.

A kept page serves the next render with that render's text and data only: the previous document's timers
reach neither the server while the page waits in the pool nor the next job's data validators. A page whose
render did not settle, or that served its share of renders, is closed.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
from pathlib import Path

import pytest

from crawler.browser import launch_options
from crawler.render.page import RenderJob
from crawler.render.pool import PagePool
from crawler.runner import crawl_settings

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

# /poll/N?every=MS: the page fetches /data/N.json once, then keeps asking for /tick every MS ms
_PAGE = """<html><body><div id="t"></div><script>
fetch('/data/{n}.json').then(r => r.json()).then(d => {{
  document.getElementById('t').innerText = d.text;
  setInterval(() => fetch('/tick?from={n}'), {every});
}});
</script></body></html>"""


@pytest.fixture
def server():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path.startswith("/poll/"):
                n, _, every = self.path.removeprefix("/poll/").partition("?every=")
                body = _PAGE.format(n=n, every=every or "300").encode()
                kind, extra = "text/html; charset=utf-8", {}
            elif self.path.startswith("/data/"):
                n = self.path.split("/")[2].split(".")[0]
                body = ('{"text": "' + f"第{n}号报告，" * 80 + '"}').encode()
                kind, extra = "application/json", {"ETag": f'"d{n}"'}
            else:
                body, kind, extra = b"{}", "application/json", {"ETag": '"tick"'}
            self.send_response(200)
            self.send_header("Content-Type", kind)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


async def _render(
    pool: PagePool, context, url: str, settle_timeout: float = 10.0
) -> tuple[RenderJob, object]:
    """One render the way the download handler does it: take a page, attach, navigate, settle, give back."""
    page = await pool.acquire(url)
    generation = pool.generation
    if page is None:  # open it in the generation's context, as scrapy-playwright does by context name
        page = await (await context(generation) if callable(context) else context).new_page()
    job = RenderJob(quiet_ms=100, settle_timeout=settle_timeout)
    await page.unroute("**")  # what scrapy-playwright does before every render on a kept page
    await job.attach(page)
    await page.goto(url, wait_until="domcontentloaded")
    await job.settle(page)
    job.result["text"] = await page.inner_text("#t")
    job.detach(page)
    await pool.release(page, job.settled(), generation)
    return job, page


def _in_browser(scenario, *, with_browser: bool = False):
    """Run ``scenario(context)`` (``scenario(browser)``) in a fresh Chromium launched as the crawl launches
    it; its result."""
    options = launch_options(crawl_settings(db_url="sqlite://"))

    async def main():
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**options)
            try:
                return await scenario(browser if with_browser else await browser.new_context())
            finally:
                await browser.close()

    return asyncio.run(main())


def test_a_kept_page_serves_the_next_render_with_its_own_text_and_data(server):
    base, hits = server

    async def scenario(context):
        pool = PagePool(size=1, max_uses=3)
        jobs, pages = [], []
        for n in (1, 2, 3):
            job, page = await _render(pool, context, f"{base}/poll/{n}")
            jobs.append(job)
            pages.append(page)
            if n == 1:  # waiting in the pool, the page's timers reach nobody
                await asyncio.sleep(0.4)  # a tick sent before the page was given back may still arrive
                before = len(hits)
                await asyncio.sleep(0.7)  # two more 300 ms ticks would be due in here
                idle_hits = hits[before:]
        return jobs, pages, idle_hits, pool.reused, pool.closed, pages[2].is_closed()

    jobs, pages, idle_hits, reused, closed, third_closed = _in_browser(scenario)
    assert [job.result["text"][:5] for job in jobs] == ["第1号报告", "第2号报告", "第3号报告"]
    assert pages[0] is pages[1] is pages[2] and reused == 2
    assert idle_hits == []
    for n, job in enumerate(jobs, start=1):
        urls = [url for url, _etag, _modified in job.data]
        assert f"{base}/data/{n}.json" in urls, urls
        assert not any(url.startswith(f"{base}/data/") and not url.endswith(f"/{n}.json") for url in urls), (
            urls
        )
        assert not any(f"from={n - 1}" in url for url in urls), urls
    assert third_closed and closed == 1  # max_uses reached


def test_a_page_that_did_not_settle_is_closed_not_kept(server):
    base, _hits = server

    async def scenario(context):
        pool = PagePool(size=1)
        # polling every 20 ms, the page never goes quiet for the 100 ms a settled render needs
        job, page = await _render(pool, context, f"{base}/poll/7?every=20", settle_timeout=1.0)
        closed, reused = page.is_closed(), pool.reused
        job2, page2 = await _render(pool, context, f"{base}/poll/8")
        return job, closed, reused, page2 is page, job2

    job, closed, reused, same, job2 = _in_browser(scenario)
    assert job.result["timed_out"] and not job.settled()
    assert closed and reused == 0 and not same
    assert job2.settled() and job2.result["text"].startswith("第8号报告")


class _Contexts:
    """A browser context per pool generation, opened on first use and closed when the pool says so (what
    scrapy-playwright and the download handler do by context name)."""

    def __init__(self, browser) -> None:
        self.browser, self.open, self.closed = browser, {}, []

    async def __call__(self, generation: int):
        if generation not in self.open:
            self.open[generation] = await self.browser.new_context()
        return self.open[generation]

    async def close(self, generation: int) -> None:
        self.closed.append(generation)
        await self.open[generation].close()


def test_after_its_share_of_renders_a_context_closes_with_its_last_page(server):
    """Playwright keeps a context's requests and responses until the context closes: the pool renews it."""
    base, _hits = server

    async def scenario(browser):
        contexts = _Contexts(browser)
        pool = PagePool(size=1, context_renders=2, close_context=contexts.close)
        runs = [await _render(pool, contexts, f"{base}/poll/{n}") for n in (1, 2, 3)]
        pages = [page for _job, page in runs]
        texts = [job.result["text"][:5] for job, _page in runs]
        return texts, pages, list(contexts.closed), pool, contexts.open

    texts, pages, closed, pool, opened = _in_browser(scenario, with_browser=True)
    assert texts == ["第1号报告", "第2号报告", "第3号报告"]
    assert pages[0] is pages[1] and pages[0].is_closed()  # two renders in context 1, then it closed
    assert pages[2] is not pages[0] and pages[2].context is opened[2]
    assert closed == [1] and pool.contexts_closed == 1 and pool.generation == 2


def test_an_old_context_stays_open_while_a_render_uses_it_and_closes_after_even_if_its_page_was_lost(server):
    """Renewals never close a context under a render in progress (with a context per render, a first version
    did, and a crawl hung); once that render is given back, the context closes, even when the handler got no
    page back (a page lost track of must not keep its context open: scrapy-playwright then waits for ever)."""
    base, _hits = server

    async def scenario(browser):
        contexts = _Contexts(browser)
        pool = PagePool(size=2, context_renders=1, close_context=contexts.close)
        assert await pool.acquire(f"{base}/poll/1") is None
        slow = await (await contexts(pool.generation)).new_page()  # a render in generation 1, still going
        await slow.goto(f"{base}/poll/1")
        for n in (2, 3):  # generations 2 and 3
            await _render(pool, contexts, f"{base}/poll/{n}")
        during = (slow.is_closed(), list(contexts.closed))
        await pool.release(None, True, 1)  # it ends, and the handler got no page back
        return during, slow.is_closed(), list(contexts.closed)

    (closed_during, closed_while_rendering), closed_after, closed = _in_browser(scenario, with_browser=True)
    assert not closed_during and 1 not in closed_while_rendering
    assert closed_after and 1 in closed and 2 in closed
