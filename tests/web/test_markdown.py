"""Markdown export: one section per report, a metadata table, the text, and no live markup."""

from __future__ import annotations

import io
import re

from sqlmodel import Session

from archive.export import export
from archive.markdown import escape_cell, escape_line, render_record
from tests.web.data import ADDED_SENTENCE, JINGAN_URL


def test_escaping_neutralizes_html_and_markdown():
    assert escape_line("<script>alert(1)</script>") == "\\<script\\>alert(1)\\</script\\>"
    assert escape_line("# 标题") == "\\# 标题"
    assert escape_line("1. 第一") == "1\\. 第一"
    assert escape_line("- 列表") == "\\- 列表"
    assert escape_line("> 引用") == "\\> 引用"
    assert escape_line("[链接](javascript:x)") == "\\[链接\\](javascript:x)"
    assert escape_line("增长7.5%，*重点*") == "增长7.5%，\\*重点\\*"  # mid-line dots stay as they are
    assert escape_cell("a | b\nc") == "a \\| b c"
    assert escape_cell(None) == "—"


def test_record_section():
    md = render_record(
        {
            "id": 7,
            "title": "某县2024年报告",
            "url": "https://x.gov.cn/1.html",
            "year": 2024,
            "published": "2025-03-20",
            "text": "第一段。\n\n第二段<b>粗</b>。",
            "status": "live",
        }
    )
    lines = md.splitlines()
    assert lines[0] == "## 某县2024年报告"
    assert "| id | 7 |" in lines and "| year | 2024 |" in lines and "| published | 2025-03-20 |" in lines
    assert "| publisher | — |" in lines
    assert "第一段。" in lines and "第二段\\<b\\>粗\\</b\\>。" in lines


def test_export_of_the_archive(engine, archive_ids):
    out = io.StringIO()
    with Session(engine) as s:
        count = export(s, out, format="markdown")
        count_all = export(s, io.StringIO(), format="markdown", all=True)
    text = out.getvalue()
    assert (count, count_all) == (5, 6)
    assert text.startswith("# fazhi export\n")
    assert text.count("\n## ") == 5
    assert f"| URL | {JINGAN_URL} |" in text
    assert ADDED_SENTENCE in text
    assert not re.search(r"(?<!\\)[<>]", text)  # every angle bracket is backslash-escaped
    assert "\\<script\\>" in text and "\\<img src=x" in text
    assert "window.\\_\\_pwned=1" in text  # the hostile text is kept, as literal text
