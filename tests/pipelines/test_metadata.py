"""Metadata: meta tags in any case/attribute order, dates in every gov format, titles, publishers."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract import extract_page
from pipelines.metadata import clean_title, parse_date, signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-11-22 09:53", date(2016, 11, 22)),
        ("2020年08月02日", date(2020, 8, 2)),
        ("2020年8月2日", date(2020, 8, 2)),
        ("2019/09/18", date(2019, 9, 18)),
        ("2007-08-20-23:59:59", date(2007, 8, 20)),
        ("发布时间：2021-04-07", date(2021, 4, 7)),
        ("2019-13-45", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        ("2020年静海区法治政府建设情况报告_天津市静海区人民政府", None, "2020年静海区法治政府建设情况报告"),
        ("XX区2021年法治政府建设年度报告-XX区人民政府门户网站", None, "XX区2021年法治政府建设年度报告"),
        ("保定市人民政府网——保定市召开新闻发布会", "保定市人民政府网", "保定市召开新闻发布会"),
        ("奋进新征程——XX区2021年法治政府建设年度报告", None, "奋进新征程——XX区2021年法治政府建设年度报告"),
        ("山西品牌丝路行（南美站）正式启动", "山西省人民政府门户网站", "山西品牌丝路行（南美站）正式启动"),
    ],
)
def test_clean_title(raw: str, site: str | None, expected: str) -> None:
    assert clean_title(raw, site) == expected


def _page(head: str, body: str) -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_meta_tags_any_case_any_attribute_order() -> None:
    head = (
        '<META content="2021年法治政府建设情况报告" name="ArticleTitle">'
        '<meta NAME="pubdate" CONTENT="2022年03月28日">'
        '<Meta content="区司法局" name="ContentSource"><title>别的标题_XX区人民政府</title>'
    )
    result = extract_page(
        _page(head, "<div id='zoom'><p>2021年，我区推进依法行政。</p></div>"), "http://x.gov.cn/", {}
    )
    assert result.title == "2021年法治政府建设情况报告"
    assert result.published == date(2022, 3, 28)
    assert result.publisher == "区司法局"
    assert result.meta["articletitle"] == "2021年法治政府建设情况报告"
    assert set(result.meta) >= {"pubdate", "contentsource"}


def test_visible_lines_when_no_meta_and_never_the_today_widget() -> None:
    body = (
        "<div class='top'>今天是：2024年5月6日 星期一</div>"
        "<h1>XX县2023年法治政府建设工作报告</h1>"
        "<div class='info'>来源：XX县司法局&nbsp;&nbsp;发布时间：2024-03-28 10:00 【字体：大 中 小】</div>"
        "<div id='zoom'><p>2023年，我县深入推进依法行政。</p><p>XX县人民政府</p><p>2024年3月20日</p></div>"
        "<div class='footer'>版权所有 © 2024 XX县人民政府 网站标识码 1234567890</div>"
    )
    result = extract_page(
        _page("<title>XX县2023年法治政府建设工作报告_XX县人民政府</title>", body), "http://x.gov.cn/", {}
    )
    assert result.title == "XX县2023年法治政府建设工作报告"
    assert result.published == date(2024, 3, 28)
    assert result.publisher == "XX县司法局"
    assert result.text == "2023年，我县深入推进依法行政。\nXX县人民政府\n2024年3月20日"


def test_xxgk_table_gives_metadata_and_leaves_the_text() -> None:
    body = (
        "<table class='xxgk'><tr><td>索引号</td><td>11111/2022-00012</td><td>主题分类</td><td>司法</td></tr>"
        "<tr><td>发布机构</td><td>XX区司法局</td><td>成文日期</td><td>2022年03月20日</td></tr>"
        "<tr><td>发文字号</td><td>无</td><td>发布日期</td><td>2022年03月25日</td></tr></table>"
        "<div class='TRS_Editor'><p>2021年，我区法治政府建设取得新成效。</p></div>"
    )
    result = extract_page(_page("<title>t</title>", body), "http://x.gov.cn/", {})
    assert result.published == date(2022, 3, 25)
    assert result.publisher == "XX区司法局"
    assert result.text == "2021年，我区法治政府建设取得新成效。"


def test_signature_line_is_the_publisher_of_last_resort() -> None:
    lines = ["2019年，西区以习近平…", "中山市人民政府西区办事处", "2019年11月20日"]
    assert signature(lines) == "中山市人民政府西区办事处"
    assert signature(["一段正文，没有落款。", "2019年11月20日"]) is None
    body = "<div id='zoom'><p>2019年，西区深入推进依法行政工作。</p><p>中山市人民政府西区办事处</p><p>2019年11月20日</p></div>"
    assert extract_page(_page("", body), "http://x.gov.cn/", {}).publisher == "中山市人民政府西区办事处"


def test_attachments_are_absolute_and_typed() -> None:
    body = (
        "<div id='zoom'><p>2021年法治政府建设年度报告全文见附件。</p>"
        "<p><a href='/attach/0/abc.pdf'>[附件下载]</a> <a href='P020220328.docx'>报告.docx</a>"
        " <a href='report.OFD?x=1'>OFD</a> <a href='/col/col1/index.html'>栏目</a>"
        " <a href='/module/download/downfile.jsp?id=9'>[附件下载]</a></p></div>"
    )
    result = extract_page(_page("", body), "http://www.x.gov.cn/art/2022/3/28/art_1_2.html", {})
    assert result.attachments == [
        "http://www.x.gov.cn/attach/0/abc.pdf",
        "http://www.x.gov.cn/art/2022/3/28/P020220328.docx",
        "http://www.x.gov.cn/art/2022/3/28/report.OFD?x=1",
        "http://www.x.gov.cn/module/download/downfile.jsp?id=9",
    ]
