"""Extraction on synthetic pages of the layouts realpages lacks: a GBK table layout with <br> paragraphs,
a traditional-character mirror, and an unknown template that needs the trafilatura fallback."""

from __future__ import annotations

import unicodedata
from datetime import date

from govsim.quality import char_f1
from pipelines.classify import classify
from pipelines.extract import extract_page
from pipelines.normalize import normalize_text, normalize_title

REPORT = [
    "2015年，我区坚持以邓小平理论为指导，全面推进依法行政，各项工作取得新成效。现将有关情况报告如下：",
    "一、依法行政工作情况",
    "（一）加强依法行政组织领导。",
    "1.调整依法行政工作领导小组，明确各部门依法行政工作职责，朱镕基同志题词的展板在区政府大厅展出。",
    "2.组织领导干部学法12次，参加人员3400人次，行政执法人员培训覆盖率达98.5%。",
    "二、存在的不足和原因",
    "一是部分单位认识不足。二是基层力量薄弱。",
    "三、2016年工作安排",
    "（一）深入学习贯彻法治思想，推进严格规范公正文明执法。",
    "XX区人民政府",
    "2016年2月20日",
]
EXPECTED = unicodedata.normalize("NFKC", "\n".join(REPORT))
FOOTER = (
    "<div class='footer'><p>主办：XX区人民政府办公室 承办：XX区政务服务数据管理局</p>"
    "<p>网站标识码：4401140001 <a href='https://beian.miit.gov.cn/'>粤ICP备05000001号</a> 粤公网安备 44011402000001号</p></div>"
)
NAV = (
    "<table class='top'><tr><td>今天是：2025年4月2日 星期三</td><td><a href='/'>XX区人民政府</a> "
    "<a href='javascript:;'>设为首页</a> <a href='javascript:;'>加入收藏</a></td></tr></table>"
    "<div class='nav'><ul><li><a href='/'>首页</a></li><li><a href='/l'>政务公开</a></li></ul></div>"
)


def _br(lines: list[str]) -> str:
    return "<br>\n".join("\u3000\u3000" + line for line in lines)


def _check(body: bytes, headers: dict[str, str], expected: str = EXPECTED):
    result = extract_page(body, "http://www.xx.gov.cn/news/show.asp?id=5", headers)
    text = normalize_text(result.text).text
    assert char_f1(text, expected) == 1.0, text
    assert text.splitlines() == expected.splitlines()
    return result, text


def test_gbk_table_layout_with_br_paragraphs() -> None:
    html = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
        "<title>2015年依法行政工作情况报告_XX区人民政府</title></head><body>" + NAV + "<table class='main'>"
        "<tr><td class='position'>当前位置：<a href='/'>首页</a> &gt;&gt; 依法行政</td></tr>"
        "<tr><td class='title'><b>2015年依法行政工作情况报告</b></td></tr>"
        "<tr><td class='info'>发布时间：2016年02月26日\u3000来源：XX区法制办\u3000浏览次数：1234</td></tr>"
        f"<tr><td class='content'>{_br(REPORT)}</td></tr>"
        "<tr><td>【<a href='javascript:window.print()'>打印本页</a>】【<a href='#'>关闭窗口</a>】</td></tr>"
        "</table>" + FOOTER + "</body></html>"
    )
    result, text = _check(html.encode("gbk"), {"content-type": "text/html"})
    assert result.encoding == "gb18030" and result.method == "container://td[count(br) >= 3]"
    assert (result.title, result.published, result.publisher) == (
        "2015年依法行政工作情况报告",
        date(2016, 2, 26),
        "XX区法制办",
    )
    verdict = classify(result.title, text, published=result.published, source=result.publisher)
    assert (verdict.is_report, verdict.year, verdict.publisher) == (True, 2015, "XX区人民政府")


def test_traditional_mirror_with_pinyin() -> None:
    import opencc

    s2t = opencc.OpenCC("s2t").convert
    shown = [s2t(line).replace("設", "設(shè)").replace("務", "務(wù)") for line in REPORT]
    html = (
        "<html><head><meta charset='utf-8'><title>"
        + s2t("2015年依法行政工作情况报告")
        + "_法规网</title></head>"
        "<body><div class='crumb'>您的位置：<a href='/'>首頁</a> → 工作報告 → 正文</div><div class='doc'>"
        "<h1>"
        + s2t("2015年依法行政工作情况报告")
        + "</h1><div class='meta'>發佈時間：2016-02-26 閱讀：321次</div>"
        f"<div class='content' id='art-content'>{_br(shown)}</div>"
        "<div class='share'>分享到：微信 微博 QQ空間</div><div class='ad'>【廣告】法律諮詢 一對一在線解答</div></div>"
        "<div class='footer'><p>Copyright © 2008-2025 法规网 版权所有 本站资料来源于网络</p></div></body></html>"
    )
    result, text = _check(html.encode("utf-8"), {"content-type": "text/html; charset=utf-8"})
    assert normalize_title(result.title) == "2015年依法行政工作情况报告"
    assert result.published == date(2016, 2, 26)
    assert normalize_text(result.text).was_traditional


def test_unknown_template_falls_back_to_trafilatura() -> None:
    paras = "".join(f"<p>{line}</p>" for line in REPORT)
    html = (
        "<html><head><meta charset='utf-8'><title>2015年依法行政工作情况报告-XX区人民政府</title></head><body>"
        + NAV
        + "<div class='crumbs'>当前位置：<a href='/'>首页</a> > 依法行政</div>"
        "<div class='wenzhang'><h2>2015年依法行政工作情况报告</h2>"
        "<div class='xinxi'>来源：XX区法制办 发布日期：2016-02-26 字号：[大 中 小]</div>"
        f"<div class='zhengwen'>{paras}</div>"
        "<div class='gongju'>【打印本页】【关闭窗口】【返回顶部】</div></div>" + FOOTER + "</body></html>"
    )
    result, _ = _check(html.encode("utf-8"), {"content-type": "text/html"})
    assert result.method == "trafilatura"
    assert (result.title, result.published, result.publisher) == (
        "2015年依法行政工作情况报告",
        date(2016, 2, 26),
        "XX区法制办",
    )
