"""Encodings, the PDF attachment and the mirror copy."""

from __future__ import annotations

import html
import re
import unicodedata

import opencc
import pypdfium2
import pytest

from govsim.quality import char_f1

from .helpers import fetch, strip_pinyin


def test_legacy_page_is_gbk_not_gb2312(govsim):
    m = govsim.manifest()
    e = next(e for e in m["pages"] if e["portal"] == "conghua" and "堃" in (e["text"] or ""))
    r = fetch(e["url"])
    assert "gb2312" in r.headers["content-type"]
    assert b'content="text/html; charset=gb2312"' in r.body
    with pytest.raises(UnicodeDecodeError):
        r.body.decode("gb2312")
    text = r.body.decode("gbk")
    assert "陈堃" in text and "李镕" in text
    assert re.search(r"\d{4}年\d{2}月\d{2}日", text)
    lst = fetch(next(p for p in m["portals"] if p["id"] == "conghua")["start_urls"][0]).body.decode("gbk")
    assert "下一页</a>" in lst and "<table" in lst


def test_pdf_attachment_text_matches_report(govsim):
    m = govsim.manifest()
    att = next(e for e in m["pages"] if e["kind"] == "attachment")
    html_copy = next(
        e
        for e in m["pages"]
        if e["kind"] == "report" and e["report_group"] == att["report_group"] and e["portal"] == att["portal"]
    )
    page = fetch(html_copy["url"]).body.decode()
    assert f'href="/{att["url"].split("/", 3)[3]}">[附件下载]</a>' in page
    r = fetch(att["url"])
    assert r.headers["content-type"] == "application/pdf" and r.body.startswith(b"%PDF-")
    pdf = pypdfium2.PdfDocument(r.body)
    extracted = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert char_f1(unicodedata.normalize("NFKC", extracted), att["text"]) >= 0.99


def test_mirror_copy_normalizes_to_official_text(govsim):
    m = govsim.manifest()
    t2s = opencc.OpenCC("t2s")
    portals = {p["id"]: p for p in m["portals"]}
    mirrored = [e for e in m["pages"] if not portals[e["portal"]]["official"] and e["kind"] == "report"]
    assert mirrored
    for e in mirrored:
        body = fetch(e["url"]).body.decode()
        assert re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", body)  # pinyin inserted
        div = re.search(r'<div class="content" id="art-content">(.*?)</div>', body, re.S).group(1)
        lines = [
            html.unescape(re.sub(r"<[^>]+>", "", ln)).strip().lstrip("\u3000") for ln in div.split("<br>")
        ]
        naive = "\n".join(t2s.convert(strip_pinyin(ln)) for ln in lines if ln)
        assert unicodedata.normalize("NFKC", naive) == e["text"]
        assert re.search(r"\((一|\d{4})", naive)  # real parentheses survive pinyin removal
        official = [u for u in m["groups"][e["report_group"]] if portals[u_portal(m, u)]["official"]]
        assert official
        for url in official:
            assert next(x for x in m["pages"] if x["url"] == url)["text"] == e["text"]


def u_portal(m: dict, url: str) -> str:
    return next(e["portal"] for e in m["pages"] if e["url"] == url)
