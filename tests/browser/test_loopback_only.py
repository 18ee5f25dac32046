"""With FAZHI_BROWSER_LOOPBACK_ONLY (govsim, tests) the browser reaches 127.0.0.1 and nothing else."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from crawler import settings as project_settings
from crawler.browser import LOOPBACK_ONLY_ARGS, launch_options
from crawler.runner import crawl_settings

pytestmark = pytest.mark.browser


@pytest.fixture
def local_page():
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = "<html><body><p>本地页面</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


LOOPBACK = crawl_settings(db_url="sqlite://", overrides=project_settings.LOOPBACK_SETTINGS)


def test_loopback_crawls_get_the_arguments_and_real_crawls_do_not() -> None:
    assert launch_options(LOOPBACK)["args"][-len(LOOPBACK_ONLY_ARGS) :] == list(LOOPBACK_ONLY_ARGS)
    real = launch_options(crawl_settings(db_url="sqlite://"))
    assert real["args"] == project_settings.PLAYWRIGHT_LAUNCH_OPTIONS["args"]  # real crawls use the network


def test_the_browser_loads_loopback_pages_and_resolves_no_other_host(local_page) -> None:
    options = launch_options(LOOPBACK)
    if not Path(options["executable_path"]).exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(**options)
        try:
            page = browser.new_page()
            page.goto(local_page)
            assert "本地页面" in page.inner_text("body")
            with pytest.raises(sync_api.Error, match="ERR_NAME_NOT_RESOLVED"):
                page.goto("http://www.gov.cn/", timeout=10_000)
            page.close()
        finally:
            browser.close()
