"""Defects seen on real portal templates (issue 14), each on a page built for it: the body, title, date
and publisher must come out right. Every test here failed before its fix."""

from __future__ import annotations

from datetime import date

from pipelines.extract import extract_page

REPORT = [
    "2023年，我县坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党中央、国务院关于法治政府建设的决策部署。",
    "一、主要举措和成效",
    "全年审核规范性文件32件，办理行政复议案件58件，行政机关负责人出庭应诉率达100%。",
    "二、存在的不足",
    "基层法治力量相对薄弱，执法规范化水平仍需提升。",
    "某某县人民政府",
    "2024年3月20日",
]


def page(
    body: str, *, head: str = "", title: str = "某某县2023年法治政府建设年度报告_某某县人民政府"
) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        '<div class="top"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>'
        f'<div class="main">{body}</div>'
        '<div class="footer">主办：某某县人民政府办公室 网站标识码：4400000001 粤ICP备12345678号</div>'
        "</body></html>"
    ).encode()


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def extract(body: bytes):
    return extract_page(
        body, "http://example.gov.cn/art/2024/3/25/art_1_2.html", {"content-type": "text/html"}
    )


XXGK = (
    '<table class="xxgk"><tr><td>索引号：</td><td>11440000/2024-00123</td><td>分类：</td><td>法治政府</td></tr>'
    "<tr><td>发文单位：</td><td>某某县司法局</td><td>成文日期：</td><td>2024-03-20</td></tr>"
    "<tr><td>标题：</td><td>某某县2023年法治政府建设年度报告</td></tr>"
    "<tr><td>发文字号：</td><td></td><td>发布日期：</td><td>2024-03-25</td></tr></table>"
)


def test_short_word_pasted_body_is_found():
    """Word's "paste" markup (MsoNormal paragraphs of 仿宋_GB2312 spans) in an unnamed div, short enough
    that the body and the 信息公开 table above it together looked like one metadata table."""
    spans = "".join(
        f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt"><span style="font-size:16.0pt;'
        f'font-family:仿宋_GB2312">{line}</span><span lang="EN-US" style="font-size:16.0pt"><o:p></o:p></span></p>'
        for line in REPORT[:1] + REPORT[-2:]
    )
    body = f'{XXGK}<div class="wz_con"><div class="WordSection1">{spans}</div></div>'
    result = extract(page(body))
    assert "no main text found" not in result.problems
    assert result.text.splitlines() == REPORT[:1] + REPORT[-2:]


def test_download_bar_is_not_body_text():
    body = (
        '<h1>某某县2023年法治政府建设年度报告</h1><div id="zoom">'
        '<div class="xzlj"><a href="/a.pdf">pdf下载</a> <a href="/a.doc">word下载</a></div>'
        f"{paragraphs(REPORT)}</div>"
    )
    result = extract(page(body))
    assert "下载" not in result.text
    assert result.text.splitlines()[0] == REPORT[0]


def test_meta_article_title_with_literal_html():
    head = '<meta name="ArticleTitle" content="&lt;div&gt;某某县2023年法治政府建设年度报告&lt;/div&gt;">'
    result = extract(page(f'<div id="zoom">{paragraphs(REPORT)}</div>', head=head))
    assert result.title == "某某县2023年法治政府建设年度报告"


def test_visible_publication_date_wins_over_meta_pubdate():
    """Documented rule: a visible 发布日期/发布时间 wins over the PubDate meta (templates fill the meta with
    the page's build time when a page is re-published); a 生成日期 is a build date and never wins."""
    head = '<meta name="PubDate" content="2024-06-03 10:12">'
    body = f'<div class="info">发布日期：2024-03-25 来源：某某县司法局</div><div id="zoom">{paragraphs(REPORT)}</div>'
    assert extract(page(body, head=head)).published == date(2024, 3, 25)
    generated = f'<div class="info">生成日期：2024-06-03</div><div id="zoom">{paragraphs(REPORT)}</div>'
    head = '<meta name="PubDate" content="2024-03-25 10:12">'
    assert extract(page(generated, head=head)).published == date(2024, 3, 25)


def test_two_line_title_repeated_at_top_of_body_is_dropped():
    """The document's own heading (issuer line, then 关于…的报告) opens the body; the page title holds only
    the second line."""
    heading = '<p style="text-align:center">某某县人民政府</p><p style="text-align:center">关于2023年法治政府建设工作情况的报告</p>'
    result = extract(
        page(
            f'<div id="zoom">{heading}{paragraphs(REPORT)}</div>',
            title="关于2023年法治政府建设工作情况的报告_某某县人民政府",
        )
    )
    assert result.title == "关于2023年法治政府建设工作情况的报告"
    assert result.text.splitlines()[0] == REPORT[0]


def test_xxgk_issuing_unit_row_is_the_publisher():
    lines = REPORT[:-2] + ["2024年3月20日"]  # no signature line: the table names the issuer
    result = extract(page(f'{XXGK}<div id="zoom">{paragraphs(lines)}</div>'))
    assert result.publisher == "某某县司法局"
    assert result.published == date(2024, 3, 25)


def test_mirror_title_site_name_suffix_is_dropped():
    result = extract(
        page(
            f'<div id="zoom">{paragraphs(REPORT)}</div>', title="某某县2023年法治政府建设情况报告-政策资讯网"
        )
    )
    assert result.title == "某某县2023年法治政府建设情况报告"
