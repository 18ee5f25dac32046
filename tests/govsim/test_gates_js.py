"""JS-only and gated portals show no report text to a client that does not run their script."""

from __future__ import annotations

import html
import json
import re

from govsim.content import normalize_lines

from .helpers import fetch, gate_cookies, sentences, visible_text


def _reports(sim, portal_id):
    return [
        e
        for e in sim.manifest()["pages"]
        if e["portal"] == portal_id and e["kind"] == "report" and e["status"] == 200
    ]


def test_js_only_pages_are_empty_shells(govsim):
    start = govsim.url("xiqu", "/site/fzzfjs/index.html")
    shell = fetch(start).body.decode()
    assert 'id="app"' in shell and "/static/app.js" in shell
    assert "/site/art/" not in shell  # no article links without JavaScript
    for e in _reports(govsim, "xiqu"):
        page = fetch(e["url"]).body.decode()
        for s in sentences(e["text"]):
            assert s not in visible_text(page.encode())
        assert e["title"] not in page


def test_js_only_json_endpoints_carry_the_content(govsim):
    listing = json.loads(fetch(govsim.url("xiqu", "/api/list?column=fzzfjs&page=1&size=100")).body)
    urls = {it["url"] for it in listing["items"]}
    for e in _reports(govsim, "xiqu"):
        path = e["url"].split("/", 3)[3]
        assert "/" + path in urls
        aid = re.search(r"/site/art/(\d+)\.html", e["url"]).group(1)
        data = json.loads(fetch(govsim.url("xiqu", f"/api/article/{aid}.json")).body)
        assert data["title"] == e["title"]
        body = html.unescape(re.sub(r"<[^>]+>", "\n", data["content"]))
        assert "\n".join(normalize_lines(body)) == e["text"]


def test_gates_challenge_without_cookie_and_pass_with_it(govsim):
    cookies = gate_cookies(govsim)
    for pid, code, marker in (("panyu", 412, "$_ts"), ("nansha", 521, "document.cookie=('_')+('_')+('j')")):
        for e in _reports(govsim, pid)[:2]:
            plain = fetch(e["url"])
            assert plain.status == code and "set-cookie" in plain.headers
            text = plain.body.decode()
            assert marker in text
            assert not any(s in text for s in sentences(e["text"]))
            assert e["title"] not in text
            wrong = fetch(e["url"], {"Cookie": cookies[pid].replace("=", "=0", 1)[:-2] + "00"})
            assert wrong.status == code  # a wrong cookie gets the challenge again
            ok = fetch(e["url"], {"Cookie": cookies[pid]})
            assert ok.status == 200
            page = visible_text(ok.body)
            assert all(line in page for line in e["text"].splitlines())


def test_challenge_scripts_look_like_the_real_ones(govsim):
    rs = fetch(govsim.url("panyu", "/")).body.decode()
    assert 'r="m"' in rs and "_$cT();" in rs and "$_ts.nsd=" in rs
    jsl = fetch(govsim.url("nansha", "/")).body.decode()
    assert jsl.startswith("<script>document.cookie=('_')+('_')")
    assert "location.href=location.pathname+location.search" in jsl
    assert fetch(govsim.url("panyu", "/robots.txt")).status == 200  # robots is not gated
