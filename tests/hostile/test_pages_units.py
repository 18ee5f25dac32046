"""Issue 12, defects 2, 3 and 8 (volatile lines) on single pages: soft 404s judged on structure, control
characters, and counters or request ids that must not make a new version."""

from __future__ import annotations

import pytest

from govsim.hostile_pages import CONTROL_CHARS, QUOTES
from pipelines.chrome import is_chrome_line, strip_chrome_lines
from pipelines.extract import ExtractPipeline, extract_page
from pipelines.items import PageItem, PageMissing
from tests.factories import fetched

REPORT = "".join(
    f"<p>{i}、2024年，我市全面推进依法行政，健全行政执法制度，办理行政复议案件{i * 7}件。</p>"
    for i in range(40)
)


def page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def extracted(body: bytes) -> PageItem | PageMissing:
    """What the extract pipeline makes of a page served with 200."""
    return ExtractPipeline().process_item(fetched(body))


@pytest.mark.parametrize("quote", [*QUOTES, "页面不存在的链接已全部修复。", "404 Not Found 错误已清零。"])
def test_a_report_quoting_a_not_found_phrase_is_no_soft_404(quote):
    body = page("某市2023年法治政府建设工作总结", f"<div id='zoom'>{REPORT}<p>{quote}</p></div>")
    assert isinstance(extracted(body), PageItem)


@pytest.mark.parametrize(
    "body",
    [
        page("页面不存在_某某区人民政府", "<div class='nav'>首页 政务公开</div><h2>页面不存在</h2>"),
        page("某某区人民政府", "<div class='error'><p>抱歉，您访问的页面不存在或已被删除。</p></div>"),
        page("404 Not Found", "<h1>404 Not Found</h1><hr>nginx"),
        b"<html><body>\xe9\xa1\xb5\xe9\x9d\xa2\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8</body></html>",
    ],
)
def test_not_found_notices_served_with_200_are_soft_404s(body):
    item = extracted(body)
    assert isinstance(item, PageMissing) and item.status == 200 and item.reason.startswith("soft 404")


@pytest.mark.parametrize("char", list(CONTROL_CHARS) + ["\x00", "\x7f"])
def test_one_control_character_costs_no_text(char):
    """The trafilatura path (no known container): libxml2 dropped the whole text at the first one."""
    lines = "".join(
        f"<p>第{i}段。我市推进依法行政，加强{char}制度建设，完善执法程序。</p>" for i in range(12)
    )
    result = extract_page(
        page("某市2024年法治政府建设情况报告", f"<div class='w'>{lines}</div>"), "http://x/", {}
    )
    assert result.method == "trafilatura" and result.problems == []
    assert result.text.count("\n") >= 11 and "加强" in result.text
    assert not any(c in result.text for c in CONTROL_CHARS + "\x00\x7f")


@pytest.mark.parametrize(
    "line",
    [
        "当前在线128人",
        "当前在线：4096人",
        "您是本站第1,234,567位访问者",
        "今日访问量：3421 累计访问量：1234567",
        "请求ID：9f8e7d6c5b4a3210",
        "Request-ID: 3b1f2a9c",
        "页面生成时间：0.0123秒",
        "trace=550e8400-e29b-41d4-a716-446655440000",
    ],
)
def test_volatile_lines_are_chrome(line):
    assert is_chrome_line(line)
    assert strip_chrome_lines(["2024年，我市全面推进依法行政，健全行政执法制度。" * 3, line]) == [
        "2024年，我市全面推进依法行政，健全行政执法制度。" * 3
    ]


@pytest.mark.parametrize(
    "line",
    [
        "在线办理事项比例达到95%。",
        "累计访问量达到1.2亿次，政务服务网用户数稳步增长。",
        "当前，在线政务服务平台全面建成。",
        "统一社会信用代码：11440700007000000A",
        "文号：20240101000000001234",
    ],
)
def test_body_sentences_about_visits_stay(line):
    assert not is_chrome_line(line)
