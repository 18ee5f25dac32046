"""Challenge and script-built-page detection on real challenge bodies and real gov pages (no browser)."""

from __future__ import annotations

import pytest

from crawler.render.challenge import CHALLENGE_412, CHALLENGE_521, CHALLENGE_SCRIPT, detect_challenge
from crawler.render.heuristics import article_needs_browser, list_needs_browser, renders_by_script
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


def test_a_big_412_page_without_challenge_markers_is_not_one():
    body = realpage("02_").read_bytes()
    assert detect_challenge(412, body) is None


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
