"""Challenge and script-built-page detection on real challenge bodies and real gov pages (no browser)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.render.challenge import CHALLENGE_412, CHALLENGE_521, CHALLENGE_SCRIPT, detect_challenge
from crawler.render.escalate import script_built_article, script_built_list
from crawler.render.heuristics import article_needs_browser, list_needs_browser, renders_by_script
from crawler.walkers.links import anchors
from tests.paths import realpage

ARTICLES = ["01_", "02_", "03_", "04_", "05_", "07_", "10_", "12_"]

# The shape of a JS-only portal page: an empty mount point filled by an app script from a JSON API.
JS_SHELL = """<html><head><title>某某区人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/site/fzzfjs/index.html">法治政府建设</a></div>
<div id="app" data-column="fzzfjs" data-size="6"></div>
<noscript>您的浏览器未启用JavaScript，请启用后访问本站。</noscript>
<script src="/static/app.js"></script></body></html>"""


def test_ruishu_412_body_is_a_challenge():
    body = realpage("08_").read_bytes()
    assert detect_challenge(412, body) == CHALLENGE_412
    # Served with 200 (some gates do), the empty $_ts page is still no content.
    assert detect_challenge(200, body) == CHALLENGE_412


def test_jiasule_521_script_is_a_challenge():
    body = b"<script>" + realpage("09_").read_bytes().strip() + b"</script>"
    assert detect_challenge(521, body) == CHALLENGE_521
    assert detect_challenge(200, body) == CHALLENGE_521


def test_generic_cookie_script_page_is_a_challenge():
    body = b'<html><body><script>document.cookie="k=v; path=/";location.reload()</script></body></html>'
    assert detect_challenge(200, body) == CHALLENGE_SCRIPT


@pytest.mark.parametrize("prefix", ARTICLES)
def test_real_articles_are_not_challenges(prefix):
    body = realpage(prefix).read_bytes()
    assert detect_challenge(200, body) is None


def test_error_pages_without_challenge_markers_are_not_challenges():
    assert detect_challenge(412, realpage("02_").read_bytes()) is None
    cloudflare_down = b"<html><body><h1>Web server is down</h1><p>Error code 521</p></body></html>"
    assert detect_challenge(521, cloudflare_down) is None


def test_js_shell_renders_by_script_and_needs_the_browser():
    assert renders_by_script(JS_SHELL)
    assert list_needs_browser(JS_SHELL, "http://127.0.0.1:8001/site/fzzfjs/index.html", candidates=0)
    assert article_needs_browser(JS_SHELL, extracted_chars=0)


def test_a_list_with_candidates_never_needs_the_browser():
    assert not list_needs_browser(JS_SHELL, "http://127.0.0.1:8001/site/fzzfjs/index.html", candidates=2)


@pytest.mark.parametrize("prefix", ["02_", "05_", "07_", "10_", "11_", "12_"])
def test_static_templates_do_not_render_by_script(prefix):
    """Pager scripts, 纠错 widgets and document.write badges are not content rendering."""
    text = realpage(prefix).read_text(encoding="utf-8", errors="replace")
    assert not renders_by_script(text)


@pytest.mark.parametrize("prefix", ARTICLES)
def test_real_articles_with_text_never_need_the_browser(prefix):
    text = realpage(prefix).read_text(encoding="utf-8", errors="replace")
    assert not article_needs_browser(text, extracted_chars=500)


def test_hanweb_embedded_datastore_is_data_not_rendering():
    text = (
        '<div id="1234"><script type="text/xml"><datastore><recordset><record><![CDATA[<li>'
        "<a href='/art/2024/3/1/art_1_2.html'>x</a></li>]]></record></recordset></datastore></script></div>"
    )
    assert not renders_by_script(text)


def _response(url: str, body: str | bytes, render_policy: str = "auto") -> HtmlResponse:
    request = Request(url, meta={"portal_id": "p", "role": "list", "render_policy": render_policy})
    data = body.encode("utf-8") if isinstance(body, str) else body
    return HtmlResponse(url, body=data, encoding="utf-8", request=request)


def test_a_script_built_list_is_re_requested_through_the_browser():
    url = "http://127.0.0.1:8001/site/fzzfjs/index.html"
    response = _response(url, JS_SHELL)
    # The breadcrumb names the topic and links to the page itself: that is no candidate.
    retry = script_built_list(response, anchors(JS_SHELL, url))
    assert retry is not None and retry.dont_filter
    assert retry.meta["render_reason"] == "js_list" and retry.meta["render_baseline"]["links"] == 0
    assert script_built_list(_response(url, JS_SHELL, render_policy="never"), anchors(JS_SHELL, url)) is None


def test_a_script_built_article_is_re_requested_and_a_static_one_is_not():
    shell = _response("http://127.0.0.1:8001/site/art/12.html", JS_SHELL)
    retry = script_built_article(shell)
    assert retry is not None and retry.meta["render_reason"] == "js_article"
    for prefix in ("02_", "07_"):
        static = _response("http://www.example.gov.cn/a/t20240101_1.html", realpage(prefix).read_bytes())
        assert script_built_article(static) is None
