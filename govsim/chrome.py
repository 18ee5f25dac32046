"""Page chrome shared by the portal families, modelled on the real pages in shared/realpages/.

Everything here is boilerplate an extractor must drop: breadcrumbs, the 今天是 date widget, 字体【大 中 小】,
打印本页 / 关闭窗口, 扫一扫, view counters, the 纠错 widget, 相关文档 boxes, footers with 网站标识码 / ICP备 /
公网安备, and the 《政府网站发展指引》 meta tags (metadata, not text).
"""

from __future__ import annotations

from datetime import date
from html import escape

from .portals import Article, Portal

_WEEKDAYS = "一二三四五六日"
_ICP = {
    "44": "粤",
    "33": "浙",
    "32": "苏",
    "37": "鲁",
    "41": "豫",
    "51": "蜀",
    "43": "湘",
    "35": "闽",
    "13": "冀",
    "34": "皖",
}


def today(d: date) -> str:
    """The 今天是 widget: changes every sim day, which changes the page bytes but not the report."""
    return f'<span class="today">今天是：{d.year}年{d.month}月{d.day}日 星期{_WEEKDAYS[d.weekday()]}</span>'


def breadcrumb(p: Portal, list_url: str, sep: str = "&gt;", extra: str = "") -> str:
    tail = f" {sep} {escape(extra)}" if extra else ""
    return (
        f'<div class="position">当前位置：<a href="/">首页</a> {sep} <a href="{list_url}">政务公开</a> {sep} '
        f'<a href="{list_url}">{escape(p.column_name)}</a>{tail}</div>'
    )


def font_size() -> str:
    return (
        '<span class="fontsize">字体【<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(14)">小</a>】</span>'
    )


def tools() -> str:
    return (
        '<div class="tools"><a href="javascript:window.print()">打印本页</a> '
        '<a href="javascript:window.close()">关闭窗口</a> <a href="#top">返回顶部</a></div>'
    )


def qrcode() -> str:
    return '<div class="ewm"><img src="/images/qrcode.png" alt="二维码"><p>扫一扫在手机打开当前页</p></div>'


def jiucuo(p: Portal, url: str) -> str:
    return (
        f'<script id="_jiucuo_" sitecode="{p.site_code}" src="/exposure/jiucuo.js"></script>'
        f'<a class="jiucuo" href="/exposure/jiucuo.html?site_code={p.site_code}&amp;url={escape(url)}">'
        "【我要纠错】</a>"
    )


def visit_script(p: Portal, aid: int) -> str:
    """Hanweb-style counter loaded by a separate request, so the article bytes stay stable within a day."""
    return (
        f'<script src="/module/visitcount/visit.jsp?type=3&amp;i_webid={p.webid or 1}&amp;'
        f'i_columnid={p.colid or 1}&amp;i_articleid={aid}"></script>'
    )


def related(links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{u}" title="{escape(t)}">{escape(t)}</a></li>' for u, t in links)
    return f'<div class="xgwd"><h3>相关文档</h3><ul>{items}</ul></div>'


def footer(p: Portal) -> str:
    if not p.official:
        return (
            f'<div class="footer"><p>Copyright © 2008-2025 {escape(p.name)} 版权所有 '
            "本站资料来源于网络，仅供学习参考</p><p>联系邮箱：service@example.com</p></div>"
        )
    prov = _ICP.get((p.adcode or "44")[:2], "粤")
    num = int(p.site_code[-4:] or 1)
    return (
        f'<div class="footer"><p>主办：{escape(p.name)}办公室 承办：{escape(p.short)}政务服务数据管理局</p>'
        f'<p>网站标识码：{p.site_code} <a href="https://beian.miit.gov.cn/">{prov}ICP备0500{num:04d}号</a> '
        f'<img src="/images/gaba.png" alt="">{prov}公网安备 {p.adcode or "440000"}020{num:05d}号</p>'
        '<p><a href="https://bszs.conac.cn/"><img src="/images/red.png" alt="党政机关"></a></p></div>'
    )


def meta_tags(p: Portal, art: Article | None, url: str, pub_time: str = "09:30") -> str:
    """The 指引 meta set in the portal's style: ``std`` (name before content, ISO date) or ``upper``
    (upper-case META, content before name, 2020年08月02日 dates), or nothing."""
    if not p.meta_style:
        return ""
    pairs = [
        ("SiteName", p.name),
        ("SiteDomain", "127.0.0.1"),
        ("SiteIDCode", p.site_code),
        ("ColumnName", p.column_name),
        ("ColumnType", "法治政府建设"),
    ]
    if art is not None:
        d = art.published
        pub = (
            f"{d.year}年{d.month:02d}月{d.day:02d}日"
            if p.meta_style == "upper"
            else f"{d.isoformat()} {pub_time}"
        )
        pairs += [("ArticleTitle", art.title), ("PubDate", pub), ("ContentSource", art.source), ("Url", url)]
    if p.meta_style == "upper":
        return "\n".join(f'<META content="{escape(v)}" name="{k}">' for k, v in pairs)
    return "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in pairs)


def pub_line(art: Article, sep: str = "-", with_time: bool = True) -> str:
    d = art.published
    if sep == "年":
        shown = f"{d.year}年{d.month:02d}月{d.day:02d}日"
    else:
        shown = d.isoformat() + (" 09:30" if with_time else "")
    return shown


def xxgk_table(p: Portal, art: Article) -> str:
    """The 信息公开 metadata table (索引号 / 发布机构 / 发布日期): metadata, not body text."""
    d = art.published
    return (
        '<table class="xxgk-table"><tbody>'
        f"<tr><th>索引号：</th><td>{p.site_code[:6]}14348/{d.year}-{art.aid % 100000:05d}</td>"
        "<th>主题分类：</th><td>政务公开</td></tr>"
        f"<tr><th>发布机构：</th><td>{escape(art.source)}</td><th>成文日期：</th><td>{d.isoformat()}</td></tr>"
        f'<tr><th>标题：</th><td colspan="3">{escape(art.title)}</td></tr>'
        f"<tr><th>发布日期：</th><td>{d.year}年{d.month:02d}月{d.day:02d}日</td><th>文号：</th><td></td></tr>"
        "</tbody></table>"
    )
