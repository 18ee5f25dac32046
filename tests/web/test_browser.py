"""The web UI in the real Chromium (Debian's /usr/bin/chromium, driven by Playwright's sync API).

A uvicorn server on 127.0.0.1 (a free port, in a background thread) serves a populated SQLite archive. Each
screenshot is taken right after the expected text has been read from the page, with the element that carries
it scrolled into the viewport; the PNG is then checked: signature, viewport dimensions, non-trivial size.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive.db import get_engine
from crawler.browser import LOOPBACK_ONLY_ARGS
from fazhi.web import create_app
from tests.web.data import ADDED_SENTENCE, IMG, JINGAN_URL, MIRROR_URL, SCRIPT, populate

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    *LOOPBACK_ONLY_ARGS,  # the UI under test is on 127.0.0.1; Chromium would ask Google's services too
]
VIEWPORT = {"width": 1280, "height": 900}
TITLE = "上海市静安区2024年法治政府建设情况报告"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no browser at {CHROMIUM} (apt-get install chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, dict[str, int]]]:
    """(base URL, document ids) of a uvicorn server over a freshly populated archive."""
    import uvicorn

    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('web') / 'fazhi.db'}")
    ids = populate(engine)
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(engine=engine), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not srv.started:
        pytest.fail("uvicorn did not start within 20 s")
    try:
        yield f"http://127.0.0.1:{port}", ids
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def _open_page(browser, *, bypass_csp: bool) -> Iterator:
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=bypass_csp)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        pg.close()  # the page before its context (scrapy-playwright #126)
        context.close()


@pytest.fixture
def page(browser):
    with _open_page(browser, bypass_csp=False) as pg:
        yield pg


@pytest.fixture
def page_without_csp(browser):
    """A page that ignores our Content-Security-Policy, so only escaping stands between a stored script and it."""
    with _open_page(browser, bypass_csp=True) as pg:
        yield pg


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def shoot(page, locator, expected: str, path: Path) -> None:
    """Bring ``locator`` into view, assert it shows ``expected`` now, screenshot the viewport, check the PNG."""
    locator.scroll_into_view_if_needed()
    assert expected in locator.inner_text()
    box = locator.bounding_box()
    assert box is not None and box["y"] < VIEWPORT["height"] and box["y"] + box["height"] > 0, "not in view"
    page.screenshot(path=str(path))
    assert path.exists() and path.stat().st_size > 8_000, f"{path} is suspiciously small"
    assert png_size(path) == (VIEWPORT["width"], VIEWPORT["height"])


def test_search_open_report_and_diff(server, page, tmp_path):
    base, ids = server
    doc = ids["jingan2024"]

    # 1. search from the home page's search box
    page.goto(base + "/")
    page.fill("header input[name=q]", "法治督察")
    page.click("header button[type=submit]")
    page.wait_for_url("**/search?q=*")
    hits = page.locator("ol.hits li.hit")
    assert hits.count() == 3  # the Jingan 2024 report, its mirror copy, the 2023 report
    first = hits.first
    assert first.locator("a.title").inner_text() == TITLE
    assert first.locator("mark").first.inner_text() == "法治督察"
    shoot(page, first, TITLE, tmp_path / "1-search.png")

    # 2. open the report: metadata, text, every URL of its group, the version timeline
    first.locator("a.title").click()
    page.wait_for_url(f"**/documents/{doc}")
    assert page.inner_text("#doc-title") == TITLE
    meta = page.inner_text("#metadata")
    assert JINGAN_URL in meta and "2025-03-20" in meta and "上海市静安区人民政府" in meta
    group = page.inner_text("#group")
    assert JINGAN_URL in group and MIRROR_URL in group
    timeline = page.locator("#timeline")
    assert [t.strip() for t in page.locator("table.versions td:first-child").all_inner_texts()] == [
        "v1",
        "v2",
    ]
    assert "changed" in timeline.inner_text()
    shoot(page, page.locator("#metadata"), "2025-03-20", tmp_path / "2-report.png")
    shoot(page, page.locator("#text"), ADDED_SENTENCE, tmp_path / "3-report-text.png")

    # 3. choose two versions in the compare form and open their diff
    page.select_option("#timeline select[name=from]", "1")
    page.select_option("#timeline select[name=to]", "2")
    page.click("#timeline form.compare button")
    page.wait_for_url(f"**/documents/{doc}/diff?from=1&to=2")
    assert "+23" in page.inner_text("#diff-summary")
    inserted = page.locator("#diff ins").all_inner_texts()
    deleted = page.locator("#diff del").all_inner_texts()
    assert inserted == ["5", ADDED_SENTENCE] and deleted == ["2"]
    # highlighted: the inserted text has a background of its own, distinct from the page's
    assert page.locator("#diff ins").first.evaluate("e => getComputedStyle(e).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    shoot(page, page.locator("#diff ins").last, ADDED_SENTENCE, tmp_path / "4-diff.png")


def test_stored_script_never_runs(server, page_without_csp, tmp_path):
    """With the Content-Security-Policy bypassed, escaping alone must keep the stored markup inert."""
    base, ids = server
    page = page_without_csp
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))

    page.goto(f"{base}/documents/{ids['hostile']}")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#text script, #text img, h1 script").count() == 0
    assert SCRIPT in page.inner_text("#doc-title")  # shown as literal text
    body = page.inner_text("#text")
    assert SCRIPT in body and IMG in body
    shoot(page, page.locator("#text"), IMG, tmp_path / "5-hostile-report.png")

    page.goto(f"{base}/search?q=window.__pwned")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    shoot(page, page.locator("ol.hits li.hit").first, SCRIPT, tmp_path / "6-hostile-search.png")
    assert errors == []
