"""Decoding: BOM, header vs meta precedence, gb2312 pages holding GBK characters, garbage bytes."""

from __future__ import annotations

import codecs

from pipelines.encoding import canonical_codec, decode_body
from pipelines.extract import extract_page

TEXT = "国务院总理朱镕基主持召开会议，部署法治政府建设工作。"


def _page(charset_meta: str | None, text: str = TEXT) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
        if charset_meta
        else ""
    )
    return (
        f"<html><head>{meta}<title>测试</title></head><body><div id='zoom'><p>{text}</p></div></body></html>"
    )


def test_gb2312_declared_gbk_bytes_decode_as_gb18030() -> None:
    body = _page("gb2312").encode("gbk")  # 镕 is not in GB2312: strict gb2312 would fail
    decoded = decode_body(body, "text/html; charset=gb2312")
    assert decoded.encoding == "gb18030" and decoded.source == "header"
    assert "朱镕基" in decoded.text and not decoded.problems


def test_meta_only_gb2312_declaration() -> None:
    decoded = decode_body(_page("GB2312").encode("gbk"), "text/html")
    assert (decoded.encoding, decoded.source) == ("gb18030", "meta")
    assert "朱镕基" in decoded.text


def test_html5_meta_charset() -> None:
    body = f'<html><head><meta charset="gbk"></head><body><p>{TEXT}</p></body></html>'.encode("gbk")
    assert decode_body(body, None).encoding == "gb18030"


def test_bom_wins_over_declarations() -> None:
    body = codecs.BOM_UTF8 + _page("gb2312").encode("utf-8")
    decoded = decode_body(body, "text/html; charset=gbk")
    assert (decoded.encoding, decoded.source) == ("utf-8", "bom")
    assert "朱镕基" in decoded.text and not decoded.text.startswith("\ufeff")


def test_utf16_bom() -> None:
    decoded = decode_body(codecs.BOM_UTF16_LE + _page(None).encode("utf-16-le"))
    assert decoded.encoding == "utf-16-le" and "朱镕基" in decoded.text


def test_header_beats_meta() -> None:
    body = _page("utf-8").encode("gbk")  # the page's meta lies, the server is right
    decoded = decode_body(body, "text/html; charset=GBK")
    assert (decoded.encoding, decoded.source) == ("gb18030", "header")
    assert "朱镕基" in decoded.text


def test_wrong_header_falls_back_to_meta_with_a_note() -> None:
    body = _page("gbk").encode("gbk")
    decoded = decode_body(body, "text/html; charset=utf-8")
    assert (decoded.encoding, decoded.source) == ("gb18030", "meta")
    assert any("not valid utf-8" in p for p in decoded.problems)


def test_undeclared_utf8_and_undeclared_gbk() -> None:
    assert decode_body(_page(None).encode("utf-8")).source == "utf-8"
    decoded = decode_body((_page(None, TEXT * 3)).encode("gbk"))
    assert decoded.source == "detected" and "朱镕基" in decoded.text


def test_garbage_bytes_give_a_problem_not_an_exception() -> None:
    decoded = decode_body(bytes(range(128, 256)) * 8, "text/html")
    assert decoded.text == "" and decoded.encoding is None
    assert any("undecodable" in p for p in decoded.problems)
    result = extract_page(bytes(range(128, 256)) * 8, "http://x.gov.cn/a.html", {"content-type": "text/html"})
    assert result.text == "" and any("undecodable" in p for p in result.problems)


def test_a_few_broken_bytes_are_replaced_and_noted() -> None:
    body = _page("gbk", TEXT * 20).encode("gbk")
    body = body[:200] + b"\xff" + body[200:]
    decoded = decode_body(body, "text/html; charset=gbk")
    assert decoded.source == "replaced" and "朱镕基" in decoded.text
    assert any("replaced" in p for p in decoded.problems)


def test_unknown_charset_is_noted() -> None:
    decoded = decode_body(_page(None).encode("utf-8"), "text/html; charset=x-no-such")
    assert decoded.encoding == "utf-8" and any("unknown charset" in p for p in decoded.problems)


def test_empty_body() -> None:
    assert decode_body(b"").problems == ["empty body"]
    assert extract_page(b"", "http://x.gov.cn/", {}).problems[0] == "empty body"


def test_canonical_codec() -> None:
    assert canonical_codec("GB2312") == "gb18030"
    assert canonical_codec("x-gbk") == "gb18030"
    assert canonical_codec("UTF8") == "utf-8"
    assert canonical_codec("nonsense") is None


def test_extract_reports_encoding() -> None:
    result = extract_page(_page("gb2312").encode("gbk"), "http://x.gov.cn/a.html", {})
    assert result.encoding == "gb18030" and "朱镕基" in result.text
