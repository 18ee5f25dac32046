"""Day-by-day evolution and conditional requests."""

from __future__ import annotations

import re

from .helpers import fetch


def _by_url(m):
    return {e["url"]: e for e in m["pages"]}


def _first(m, portal, kind="report"):
    return next(e for e in m["pages"] if e["portal"] == portal and e["kind"] == kind and e["status"] == 200)


def test_conditional_requests_same_day_304_next_day_200(govsim):
    e = _first(govsim.manifest(), "jiangmen")
    r = fetch(e["url"])
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert fetch(e["url"]).body == r.body  # stable within a day (the counter is daily)
    assert fetch(e["url"], {"If-None-Match": etag}).status == 304
    assert fetch(e["url"], {"If-Modified-Since": lm}).status == 304
    assert fetch(e["url"], {"If-None-Match": '"other"'}).status == 200
    govsim.set_day(2)  # 今天是 changed: new bytes, new validators
    r2 = fetch(e["url"], {"If-None-Match": etag})
    assert r2.status == 200 and r2.headers["etag"] != etag
    assert fetch(e["url"], {"If-Modified-Since": lm}).status == 200
    assert fetch(e["url"], {"If-None-Match": r2.headers["etag"]}).status == 304


def test_unchanged_attachment_stays_304_across_days(govsim):
    att = _first(govsim.manifest(), "jmsfj", "attachment")
    r = fetch(att["url"])
    govsim.set_day(3)
    assert fetch(att["url"], {"If-None-Match": r.headers["etag"]}).status == 304


def test_dynamic_legacy_portal_sends_no_validators(govsim):
    e = _first(govsim.manifest(), "conghua")
    a, b = fetch(e["url"]), fetch(e["url"])
    assert "etag" not in a.headers and "last-modified" not in a.headers
    assert a.body != b.body  # the inline counter moves on every request


def test_day2_edit_and_new_report(govsim):
    d1 = govsim.manifest()
    govsim.set_day(2)
    d2 = govsim.manifest()
    edited = [e for e in d2["pages"] if e["change"] == "edited" and e["kind"] == "report"]
    assert len(edited) == 1
    e2 = edited[0]
    e1 = _by_url(d1)[e2["url"]]
    old, new = e1["text"].splitlines(), e2["text"].splitlines()
    assert len(old) == len(new)
    diff = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(diff) == 1
    a, b = diff[0]
    pa, pb = re.search(r"(\d+\.\d)%", a).group(1), re.search(r"(\d+\.\d)%", b).group(1)
    assert round(float(pb) - float(pa), 1) == 0.3 and len(b) > len(a)  # number changed, sentence added
    assert "数据已根据年度统计公报更正" in fetch(e2["url"]).body.decode()
    new = [e for e in d2["pages"] if e["change"] == "new"]
    assert len(new) == 1 and new[0]["kind"] == "report"
    assert new[0]["url"] not in _by_url(d1)
    assert new[0]["published"] == d2["date"]
    lists = [e for e in d2["pages"] if e["portal"] == new[0]["portal"] and e["kind"] == "list"]
    path = "/" + new[0]["url"].split("/", 3)[3]
    assert path in fetch(lists[0]["url"]).body.decode()  # listed
    assert fetch(new[0]["url"]).status == 200
    kinds = {c["change"] for c in d2["changes"]}
    assert kinds == {"edited", "new"}


def test_day3_removed_moved_reordered(govsim):
    govsim.set_day(2)
    d2 = govsim.manifest()
    govsim.set_day(3)
    d3 = govsim.manifest()
    removed = [e for e in d3["pages"] if e["change"] == "removed"]
    assert len(removed) == 1 and removed[0]["status"] == 404
    r = fetch(removed[0]["url"])
    assert r.status == 404 and "页面不存在" in r.body.decode()
    assert _by_url(d2)[removed[0]["url"]]["status"] == 200
    moved = [e for e in d3["pages"] if e["change"] == "moved" and e["status"] == 301]
    assert len(moved) == 1
    r = fetch(moved[0]["url"])
    assert r.status == 301 and r.headers["location"] == moved[0]["location"]
    target = _by_url(d3)[moved[0]["location"]]
    assert target["status"] == 200 and target["text"] == _by_url(d2)[moved[0]["url"]]["text"]
    assert fetch(moved[0]["location"]).status == 200
    reordered = [e for e in d3["pages"] if e["kind"] == "list" and e["change"] == "edited"]
    assert len(reordered) == 1
    links = re.compile(r'href="(\./\d{6}/t[^"]+|/[^"]+content_\d+\.htm)"')
    govsim.set_day(2)
    before = links.findall(fetch(reordered[0]["url"]).body.decode())
    govsim.set_day(3)
    after = links.findall(fetch(reordered[0]["url"]).body.decode())
    assert sorted(before) == sorted(after) and after == before[::-1] and len(after) > 1
