"""Host escalation state and the middleware's decisions, without a browser or a network."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.browser import BrowserUnavailable
from crawler.render.hosts import JS_ARTICLE, JS_LIST, MAX_STALE_COOKIES, Hosts, rendering_helped
from crawler.render.middleware import RenderConfig, RenderMiddleware
from crawler.render.page import _PAGE_SCOPES, RenderJob, internal_host, should_abort
from crawler.render.summary import browser_cell
from tests.paths import realpage

HOST = "127.0.0.1:8004"
URL = f"http://{HOST}/col/index.html"
COOKIES = [{"name": "T", "value": "ok", "path": "/", "domain": "127.0.0.1"}]


def test_policy_never_wins_and_always_renders_pages():
    hosts = Hosts()
    assert hosts.route(HOST, "never", asked="challenge_412") is None
    assert hosts.route(HOST, "always") == "always"
    assert hosts.route(HOST, "auto") is None


def test_gate_goes_to_browser_until_cookies_are_earned_then_plain_with_them():
    hosts = Hosts()
    hosts.challenged(HOST, "challenge_412", carried_cookies=False)
    assert hosts.route(HOST, "auto") == "challenge_412"
    hosts.earned(HOST, COOKIES)
    assert hosts.route(HOST, "auto") is None
    assert hosts.handover(HOST) == [{"name": "T", "value": "ok", "path": "/"}]
    assert hosts.handover(HOST) == []  # once per earning: the jar has them now
    assert hosts.has_cookies(HOST)


def test_cookies_that_keep_failing_make_the_host_browser_only():
    hosts = Hosts()
    hosts.challenged(HOST, "challenge_521", carried_cookies=False)
    hosts.earned(HOST, COOKIES)
    for _ in range(MAX_STALE_COOKIES):
        assert hosts.route(HOST, "auto") is None
        hosts.challenged(HOST, "challenge_521", carried_cookies=True)
    assert hosts.route(HOST, "auto") == "challenge_521"


def test_js_escalation_sticks_to_the_host_only():
    hosts = Hosts()
    assert hosts.mark_js(HOST, JS_LIST)
    assert not hosts.mark_js(HOST, JS_ARTICLE)
    assert hosts.route(HOST, "auto") == JS_LIST
    assert hosts.route("127.0.0.1:8005", "auto") is None


def test_rendering_helped_needs_links_for_lists_and_text_for_articles():
    assert rendering_helped(JS_LIST, {"links": 0, "chars": 50}, {"links": 6, "chars": 90})
    assert not rendering_helped(JS_LIST, {"links": 6, "chars": 50}, {"links": 6, "chars": 900})
    assert rendering_helped(JS_ARTICLE, {"links": 0, "chars": 40}, {"links": 0, "chars": 3000})
    assert not rendering_helped(JS_ARTICLE, {"links": 0, "chars": 40}, {"links": 0, "chars": 60})


def _middleware(executable: str | None = None) -> RenderMiddleware:
    stats = MemoryStatsCollector(type("C", (), {"settings": Settings({"STATS_DUMP": False})})())
    return RenderMiddleware(RenderConfig(executable=executable), stats)


def _request(url: str = URL, role: str = "list", render: str = "auto") -> Request:
    """A portal request as the spider builds it: the portal's ``render`` policy stamped on its meta."""
    return Request(url, meta={"portal_id": "p", "role": role, "render_policy": render})


def _run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


def test_a_412_challenge_is_re_requested_through_the_browser():
    mw = _middleware()
    request = _request()
    assert mw.process_request(request) is None and not request.meta.get("playwright")
    response = HtmlResponse(URL, status=412, body=realpage("08_").read_bytes(), request=request)
    retry = _run(mw.process_response(request, response))
    assert isinstance(retry, Request) and retry.dont_filter
    assert mw.process_request(retry) is None
    assert retry.meta["playwright"] and retry.meta["render_reason"] == "challenge_412"
    assert retry.meta["dont_merge_cookies"] and b"Cookie" not in retry.headers
    assert mw.stats.get_value("portal/p/browser") == 1
    assert mw.stats.get_value("portal/p/browser/challenge_412") == 1


def test_a_passed_gate_restores_the_status_and_hands_cookies_to_plain_requests():
    mw = _middleware()
    first = _request()
    mw.process_request(first)
    _run(mw.process_response(first, HtmlResponse(URL, status=412, body=realpage("08_").read_bytes())))
    rendered = _request()
    rendered.meta["render_reason"] = "challenge_412"
    mw.process_request(rendered)
    job: RenderJob = rendered.meta["render_job"]
    job.result = {"status": 200, "challenge": False, "cookies": COOKIES}
    page = HtmlResponse(
        URL, status=412, body=realpage("02_").read_bytes(), request=rendered, flags=["playwright"]
    )
    out = _run(mw.process_response(rendered, page))
    assert out.status == 200
    plain = _request(f"http://{HOST}/art/1.html", role="article")
    mw.process_request(plain)
    assert not plain.meta.get("playwright")
    assert {"name": "T", "value": "ok", "path": "/"} in plain.cookies


def test_attachments_and_posts_never_go_through_the_browser():
    mw = _middleware()
    pdf = _request(f"http://{HOST}/P020240101.pdf", role="attachment", render="always")
    post = Request(URL, method="POST", meta={"portal_id": "p", "role": "list", "render_policy": "always"})
    page = _request(render="always")
    for request in (pdf, post, page):
        mw.process_request(request)
    assert not pdf.meta.get("playwright") and not post.meta.get("playwright")
    assert page.meta["playwright"] and page.meta["render_reason"] == "always"


def test_render_never_leaves_a_challenge_as_the_error_it_is():
    mw = _middleware()
    request = _request(render="never")
    mw.process_request(request)
    response = HtmlResponse(URL, status=412, body=realpage("08_").read_bytes(), request=request)
    assert _run(mw.process_response(request, response)) is response


def test_no_browser_fails_only_the_browser_requests_with_a_clear_message(caplog):
    mw = _middleware(executable="/nonexistent/chromium")
    with pytest.raises(BrowserUnavailable, match="apt-get install chromium"):
        mw.process_request(_request(render="always"))
    plain = _request(f"http://{HOST}/P0.pdf", role="attachment", render="always")
    assert mw.process_request(plain) is None
    assert "portal p needs a browser" in caplog.text and "/nonexistent/chromium" in caplog.text
    assert mw.stats.get_value("portal/p/browser/unavailable") == 1


class _Page:
    def __init__(self, url: str) -> None:
        self.url = url
        self.main_frame = _Frame(self)


class _Frame:
    def __init__(self, page: _Page, parent: _Frame | None = None) -> None:
        self.page, self.parent_frame = page, parent


class _PwRequest:
    def __init__(
        self, url: str, resource_type: str, page_url: str, navigation: bool = False, subframe: bool = False
    ) -> None:
        page = _Page(page_url)
        self.url, self.resource_type = url, resource_type
        self.frame = _Frame(page, page.main_frame) if subframe else page.main_frame
        self._navigation = navigation

    def is_navigation_request(self) -> bool:
        return self._navigation


@pytest.mark.parametrize(
    ("url", "kind", "page_url", "aborted"),
    [
        ("http://127.0.0.1:8001/a.png", "image", "http://127.0.0.1:8001/", True),
        ("http://127.0.0.1:8001/f.woff", "font", "http://127.0.0.1:8001/", True),
        ("http://127.0.0.1:8001/s.css", "stylesheet", "http://127.0.0.1:8001/", True),
        ("http://127.0.0.1:8001/app.js", "script", "http://127.0.0.1:8001/", False),
        ("http://127.0.0.1:8001/api/list", "fetch", "http://127.0.0.1:8001/", False),
        ("http://127.0.0.1:9999/x.js", "script", "http://127.0.0.1:8001/", True),
        ("https://pucha.kaipuyun.cn/jiucuo.js", "script", "https://www.jingan.gov.cn/a.html", True),
        ("https://static.jingan.gov.cn/app.js", "script", "https://www.jingan.gov.cn/a.html", False),
    ],
)
def test_abort_rule(url, kind, page_url, aborted):
    assert should_abort(_PwRequest(url, kind, page_url)) is aborted


@pytest.mark.parametrize(
    ("url", "kind", "navigation", "subframe", "aborted"),
    [
        ("http://127.0.0.1:8001/b.html", "document", True, False, False),  # the portal's own page
        ("http://127.0.0.1:9999/secret.html", "document", True, False, True),  # location.href off the portal
        ("http://127.0.0.1:8001/frame.html", "document", True, True, False),  # a same-origin frame
        ("http://127.0.0.1:9999/secret.html", "document", True, True, True),  # a cross-origin iframe
        (
            "http://10.0.0.8/admin",
            "fetch",
            False,
            False,
            True,
        ),  # an internal address the portal does not name
        ("http://169.254.169.254/latest/meta-data/", "xhr", False, False, True),
    ],
)
def test_browser_requests_stay_in_the_portal_scope(url, kind, navigation, subframe, aborted):
    """Issue 12, defect 1: navigations, frames and internal addresses are checked against the portal."""
    request = _PwRequest(url, kind, "http://127.0.0.1:8001/a.html", navigation=navigation, subframe=subframe)
    _PAGE_SCOPES[request.frame.page] = lambda target: target.startswith("http://127.0.0.1:8001/")
    assert should_abort(request) is aborted


def test_internal_hosts():
    assert internal_host("127.0.0.1") and internal_host("10.1.2.3") and internal_host("localhost")
    assert internal_host("[::1]") and internal_host("169.254.169.254") and internal_host("192.168.1.1")
    assert not internal_host("www.gov.cn") and not internal_host("8.8.8.8")


def test_summary_cell_says_how_many_and_why():
    assert browser_cell({}) == "0"
    counts = {"browser": 5, "browser/js_list": 1, "browser/js_article": 4, "browser/failed": 1}
    assert browser_cell(counts) == "5 (js_list 1, js_article 4); failed 1"


def test_a_gate_the_browser_keeps_failing_is_given_up_for_the_host_only(caplog):
    mw = _middleware()
    for _ in range(3):
        rendered = _request()
        rendered.meta["render_reason"] = "challenge_412"
        mw.process_request(rendered)
        rendered.meta["render_job"].result = {"status": 412, "challenge": True, "cookies": []}
        still_gated = HtmlResponse(
            URL, status=412, body=realpage("08_").read_bytes(), request=rendered, flags=["playwright"]
        )
        with pytest.raises(IgnoreRequest):
            _run(mw.process_response(rendered, still_gated))
    assert mw.stats.get_value("portal/p/browser/unsolved") == 3
    assert "failed the challenge" in caplog.text and "3 times" in caplog.text
    with pytest.raises(IgnoreRequest, match="cannot pass"):
        mw.process_request(_request())
    assert mw.stats.get_value("portal/p/browser/given_up") == 1
    assert mw.process_request(_request("http://127.0.0.1:9/other.html")) is None  # other hosts go on


def _gate_render_in_flight(mw: RenderMiddleware) -> Request:
    """A plain request met the 412 gate and went back out through the browser to earn its cookies."""
    first = _request()
    mw.process_request(first)
    retry = _run(mw.process_response(first, HtmlResponse(URL, status=412, body=realpage("08_").read_bytes())))
    assert mw.process_request(retry) is None and retry.meta["playwright"]
    return retry


def test_page_requests_meeting_the_gate_wait_for_the_cookies_one_render_is_earning():
    mw = _middleware()
    earning = _gate_render_in_flight(mw)
    second = _request(f"http://{HOST}/art/2.html", role="article")
    second.meta["render_reason"] = "challenge_412"  # challenged too while the first render waited for a page

    async def scenario():
        waiting = asyncio.ensure_future(mw.process_request(second))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        earning.meta["render_job"].result = {"status": 200, "challenge": False, "cookies": COOKIES}
        page = HtmlResponse(
            URL, status=412, body=realpage("02_").read_bytes(), request=earning, flags=["playwright"]
        )
        await mw.process_response(earning, page)
        await asyncio.wait_for(waiting, 1)

    _run(scenario())
    assert not second.meta.get("playwright") and "render_reason" not in second.meta
    assert {"name": "T", "value": "ok", "path": "/"} in second.cookies
    assert mw.stats.get_value("portal/p/browser/gate_shared") == 1
    assert mw.stats.get_value("portal/p/browser/challenge_412") == 1  # one render for the gate


def test_when_the_render_earning_the_cookies_fails_the_waiting_request_renders_itself():
    mw = _middleware()
    earning = _gate_render_in_flight(mw)
    second = _request(f"http://{HOST}/art/2.html", role="article")
    second.meta["render_reason"] = "challenge_412"

    async def scenario():
        waiting = asyncio.ensure_future(mw.process_request(second))
        await asyncio.sleep(0.05)
        mw.process_exception(earning, TimeoutError("navigation timed out"))
        await asyncio.wait_for(waiting, 1)

    _run(scenario())
    assert second.meta["playwright"] and second.meta["render_reason"] == "challenge_412"
    assert not mw.stats.get_value("portal/p/browser/gate_shared")


def test_a_navigation_chromium_aborted_is_sent_once_more_and_other_failures_are_not():
    """ "net::ERR_ABORTED; maybe frame was detached?" came from Chromium, not the portal (one render in 3,300
    in a national night 1 left its portal partial): the request goes once more, on a fresh render job."""
    from playwright.async_api import Error as PlaywrightError
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(Spider, {"RETRY_TIMES": 2})
    crawler.spider = crawler._create_spider("reports")
    mw = RenderMiddleware.from_crawler(crawler)
    request = _request(role="article", render="always")
    assert mw.process_request(request) is None and request.meta["playwright"]
    aborted = PlaywrightError("Page.goto: net::ERR_ABORTED; maybe frame was detached?")

    retry = mw.process_exception(request, aborted)
    assert isinstance(retry, Request) and retry.url == request.url and retry.dont_filter
    assert mw.process_request(retry) is None and retry.meta["playwright"]
    assert retry.meta["render_job"] is not request.meta["render_job"]
    assert mw.process_exception(retry, aborted) is None  # once only: then it fails as before, visibly

    other = _request(url=URL + "?2", role="article", render="always")
    mw.process_request(other)
    assert mw.process_exception(other, PlaywrightError("Timeout 20000ms exceeded.")) is None
    assert crawler.stats.get_value("portal/p/browser/failed") == 3
    assert crawler.stats.get_value("portal/p/browser/retried") == 1
