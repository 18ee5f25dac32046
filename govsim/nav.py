"""Home pages, navigation, decoy columns, a 信息公开 platform and site search: what a crawler meets when it
starts from a portal's home page instead of its report column.

Each portal gets a *route* to its report column (the column itself keeps its family URL):

* ``banner`` — the home page links the column (1 click);
* ``hub`` — home → 政务公开 → column (2);
* ``fdzdgk`` — home → 政务公开 → 法定主动公开内容 → column (3);
* ``topic`` — home → 专题专栏 → 法治政府建设 (a topic hub, not the column) → 年度报告 (3);
* ``platform`` — home → 政府信息公开 (a platform on another port: another host of the same government) →
  法定主动公开内容 → 法治政府建设 → column (4);
* ``search`` — no link leads there: only the portal's site search finds its reports;
* ``none`` — the portal publishes no report column at all;
* ``mirror`` — a mirror's home links its 工作报告 list (1).

Every home page also carries decoys that share the vocabulary: 工作动态 news about 法治政府建设, a 普法 /
法治宣传 column, 政策解读 (解读 of the report), 规范性文件, and the 政府信息公开工作年度报告 column. The site
search endpoint follows the family: TRS WAS5 ``/was5/web/search?searchword=…``, Hanweb JSearch
``POST /jsearchfront/interfaces/cateSearch.do``, else a gov.cn-style ``/sousuo/search.shtml?searchWord=…``.
"""

from __future__ import annotations

import json
import random
import re
import zlib
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

from . import chrome
from .site import Response

if TYPE_CHECKING:
    from .portals import Portal
    from .site import DayView, Request

ROUTES = ("banner", "hub", "fdzdgk", "topic", "platform", "search", "none")
_ROUTE_WEIGHTS = [
    ("banner", 8),
    ("hub", 24),
    ("fdzdgk", 20),
    ("topic", 15),
    ("platform", 16),
    ("search", 11),
    ("none", 6),
]
STANDARD_ROUTES = {
    "jiangmen": "platform",
    "jmsfj": "hub",
    "xiqu": "topic",
    "panyu": "fdzdgk",
    "nansha": "banner",
    "conghua": "fdzdgk",
    "huadu": "search",
    "fagui-mirror": "mirror",
}
DEPTH = {"banner": 1, "hub": 2, "fdzdgk": 3, "topic": 3, "platform": 4, "mirror": 1}
_COLUMN_ANCHORS = ["法治政府建设", "法治政府建设年度报告", "法治政府建设情况报告", "法治政府建设报告"]

# slug → (column name, kind); "decoy" columns list titles sharing the report's vocabulary.
_PAGES = {
    "zwgk": ("政务公开", "hub"),
    "fdzdgknr": ("法定主动公开内容", "hub"),
    "ztzl": ("专题专栏", "hub"),
    "ztfzzf": ("法治政府建设", "hub"),
    "gzdt": ("工作动态", "decoy"),
    "pfzl": ("普法依法治理", "decoy"),
    "zcjd": ("政策解读", "decoy"),
    "gfxwj": ("规范性文件", "decoy"),
    "xxgkndbg": ("政府信息公开年报", "decoy"),
    "xxgkzn": ("政府信息公开指南", "neutral"),
    "jgzn": ("机构职能", "neutral"),
    "ghjh": ("规划计划", "neutral"),
    "czzj": ("财政资金", "neutral"),
}
_DIRS = {
    "zwgk": "/zwgk/",
    "fdzdgknr": "/zwgk/fdzdgknr/",
    "ztzl": "/ztzl/",
    "ztfzzf": "/ztzl/fzzfjs/",
    "gzdt": "/xwzx/gzdt/",
    "pfzl": "/ztzl/pfzl/",
    "zcjd": "/zwgk/zcjd/",
    "gfxwj": "/zwgk/gfxwj/",
    "xxgkndbg": "/zwgk/xxgkndbg/",
    "xxgkzn": "/zwgk/xxgkzn/",
    "jgzn": "/zwgk/jgzn/",
    "ghjh": "/zwgk/ghjh/",
    "czzj": "/zwgk/czzj/",
}
# on the platform host
_PLATFORM_DIRS = {
    "fdzdgknr": "/fdzdgknr/",
    "ztfzzf": "/fdzdgknr/fzzfjs/",
    "zcjd": "/zcjd/",
    "gfxwj": "/gfxwj/",
    "xxgkndbg": "/xxgkndbg/",
    "xxgkzn": "/xxgkzn/",
    "jgzn": "/jgzn/",
}


def assign_routes(seed: int, portals: list[Portal]) -> None:
    """Give every portal its route; portals with route ``none`` lose their column (and so their articles)."""
    choices = [r for r, w in _ROUTE_WEIGHTS for _ in range(w)]
    for p in portals:
        if p.family == "mirror":
            p.route = "mirror"
        elif p.id in STANDARD_ROUTES:
            p.route = STANDARD_ROUTES[p.id]
        elif not re.match(r"p\d{4}-", p.id):  # other hand-made portals (the formats portal) keep their column
            p.route = "hub"
        else:
            p.route = random.Random(f"{seed}:nav:{p.id}").choice(choices)
        if p.route == "none":
            p.has_column = False
            p.articles = []


def _hanweb_col(p: Portal, slug: str) -> int:
    return p.colid + 100 + list(_PAGES).index(slug) * 7


def page_path(p: Portal, slug: str) -> str:
    """Where a navigation or decoy page lives on the portal's own host (Hanweb: ``/col/colN/``)."""
    if p.family == "hanweb":
        return f"/col/col{_hanweb_col(p, slug)}/index.html"
    if p.family == "legacy":
        return f"/news/list.asp?classid={20 + list(_PAGES).index(slug)}"
    return _DIRS[slug] + "index.html"


def column_anchor(p: Portal) -> str:
    if p.family == "legacy":
        return "依法行政"
    return _COLUMN_ANCHORS[zlib.crc32(p.id.encode()) % len(_COLUMN_ANCHORS)]


@dataclass
class Link:
    text: str
    href: str
    title: str = ""


def _decoy_items(p: Portal, slug: str) -> list[str]:
    s, n = p.short, p.name
    if slug == "gzdt":
        return [
            f"{s}召开法治政府建设推进会",
            f"{s}常务会议审议《{s}2024年度法治政府建设情况报告》",
            f"{s}举办法治政府建设专题培训班",
            f"{s}部署2025年法治政府建设重点工作",
        ]
    if slug == "pfzl":
        return [f"{s}开展“八五”普法中期检查", f"{s}举办宪法宣传周活动", f"{s}法治宣传进社区"]
    if slug == "zcjd":
        return [f"《{s}2024年法治政府建设年度报告》解读", f"图解：{s}2023年法治政府建设年度报告"]
    if slug == "gfxwj":
        return [
            f"{n}关于印发《{s}法治政府建设实施方案（2021—2025年）》的通知",
            f"{n}关于印发行政规范性文件管理规定的通知",
        ]
    if slug == "xxgkndbg":
        return [f"{n}{y}年政府信息公开工作年度报告" for y in range(2024, 2019, -1)]
    return []


class Nav:
    """The navigation pages of one portal (main host and, for the ``platform`` route, the platform host)."""

    def __init__(self, p: Portal, view: DayView, base_url: str, platform_url: str):
        self.p, self.view, self.base, self.platform = p, view, base_url, platform_url
        self.column = base_url + view.list_paths[0] if p.has_column else None

    def href(self, slug: str) -> str:
        return page_path(self.p, slug)

    def _column_link(self, text: str | None = None) -> Link:
        return Link(text or column_anchor(self.p), self.column or "/")

    def home_links(self) -> list[Link]:
        p, route = self.p, self.p.route
        if route == "mirror":
            return [Link("法律法规", "/"), Link("政府文件", "/"), self._column_link("工作报告")]
        links = [
            Link("首页", "/"),
            Link("要闻动态", self.href("gzdt")),
            Link("政务公开", self.href("zwgk")),
            Link("政务服务", "javascript:;"),
            Link("互动交流", "javascript:;"),
            Link("专题专栏", self.href("ztzl")),
        ]
        if route == "platform":
            links.append(Link("政府信息公开", self.platform + "/", f"{p.name}政府信息公开平台"))
        if route == "banner":
            links.append(self._column_link("法治政府建设年度报告"))
        return links

    def hub_links(self, slug: str) -> list[Link]:
        route = self.p.route
        if slug == "zwgk":
            links = [
                Link(_PAGES[s][0], self.href(s)) for s in ("xxgkzn", "fdzdgknr", "zcjd", "gfxwj", "xxgkndbg")
            ]
            if route == "hub":
                links.insert(2, self._column_link())
            return links
        if slug == "fdzdgknr":
            links = [Link(_PAGES[s][0], self.href(s)) for s in ("jgzn", "ghjh", "czzj", "gfxwj")]
            if route == "fdzdgk":
                links.insert(2, self._column_link())
            return links
        if slug == "ztzl":
            links = [Link("普法依法治理", self.href("pfzl")), Link("乡村振兴", "javascript:;")]
            if route == "topic":
                links.insert(0, Link("法治政府建设", self.href("ztfzzf")))
            return links
        if slug == "ztfzzf":
            return [
                Link("工作动态", self.href("gzdt"), "法治政府建设工作动态"),
                Link("法治宣传", self.href("pfzl")),
                Link("政策解读", self.href("zcjd")),
                Link("年度报告", self.column or "/", "法治政府建设年度报告"),
            ]
        return []

    def platform_links(self, slug: str) -> list[Link]:
        d = _PLATFORM_DIRS
        if slug == "home":
            return [
                Link("政府信息公开指南", d["xxgkzn"] + "index.html"),
                Link("法定主动公开内容", d["fdzdgknr"] + "index.html"),
                Link("政策解读", d["zcjd"] + "index.html"),
                Link("政府信息公开年报", d["xxgkndbg"] + "index.html", "政府信息公开工作年度报告"),
                Link("返回门户网站", self.base + "/"),
            ]
        if slug == "fdzdgknr":
            return [
                Link("机构职能", d["jgzn"] + "index.html"),
                Link("规范性文件", d["gfxwj"] + "index.html"),
                Link("法治政府建设", d["ztfzzf"] + "index.html"),
            ]
        if slug == "ztfzzf":
            return [
                Link("工作动态", self.base + self.href("gzdt"), "法治政府建设工作动态"),
                Link(
                    column_anchor(self.p) if column_anchor(self.p) != "法治政府建设" else "年度报告",
                    self.column or "/",
                ),
            ]
        return []

    # --- rendering ---
    def skeleton(self, title: str, nav: list[Link], inner: str, home: str = "/", column: str = "首页") -> str:
        p = self.p
        charset = (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            if p.encoding != "utf-8"
            else '<meta charset="utf-8">'
        )
        lis = "".join(f"<li>{_a(link)}</li>" for link in nav)
        return (
            f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{charset}\n<title>{escape(title)}</title>\n'
            f"{_site_meta(p, column)}\n</head>\n<body>\n"
            f'<div class="top"><div class="wrap">{chrome.today(self.view.date)} <a href="{home}">{escape(p.name)}</a></div></div>\n'
            f'<div class="nav"><ul>{lis}</ul></div>\n{inner}\n{chrome.footer(p)}\n</body>\n</html>\n'
        )

    def search_form(self) -> str:
        p = self.p
        if p.route == "mirror":
            return ""
        if p.family == "trs":
            return (
                '<form class="search" action="/was5/web/search" method="get">'
                f'<input type="hidden" name="channelid" value="{200000 + p.webid}">'
                '<input type="text" name="searchword" placeholder="请输入关键词"><input type="submit" value="搜索"></form>'
            )
        if p.family == "hanweb":
            return (
                '<form class="search" action="/jsearchfront/search.do" method="get">'
                f'<input type="hidden" name="websiteid" value="{p.webid}"><input type="hidden" name="tpl" value="1">'
                '<input type="text" name="q" placeholder="请输入关键词"><input type="submit" value="搜索"></form>'
            )
        return (
            '<form class="search" action="/sousuo/search.shtml" method="get">'
            f'<input type="hidden" name="code" value="{p.site_code}">'
            '<input type="text" name="searchWord" placeholder="请输入关键词"><input type="submit" value="搜索"></form>'
        )

    def home(self) -> str:
        stem = decoy_stem(self.p, "gzdt")
        news = "".join(
            f'<li><a href="{stem}/detail_{i}.html">{escape(t)}</a></li>'
            for i, t in enumerate(_decoy_items(self.p, "gzdt")[:3])
        )
        inner = (
            f'<div class="banner"><h1>{escape(self.p.name)}</h1>{self.search_form()}</div>\n'
            f'<div class="yw"><h3>要闻动态</h3><ul>{news}</ul></div>'
        )
        return self.skeleton(self.p.name, self.home_links(), inner)

    def column_page(
        self, title: str, links: list[Link], items: list[tuple[str, str]], nav: list[Link], home="/"
    ) -> str:
        sub = "".join(f"<li>{_a(link)}</li>" for link in links)
        rows = "".join(
            f'<li><a href="{escape(h)}" title="{escape(t)}">{escape(t)}</a></li>' for h, t in items
        )
        inner = (
            f'<div class="main"><div class="position">当前位置：<a href="{home}">首页</a> &gt; {escape(title)}</div>'
            f'<div class="sub"><ul>{sub}</ul></div><div class="list"><h2>{escape(title)}</h2><ul>{rows}</ul></div></div>'
        )
        return self.skeleton(f"{title}_{self.p.name}", nav, inner, home, column=title)

    def main_page(self, slug: str) -> str:
        title, kind = _PAGES[slug]
        items: list[tuple[str, str]] = []
        if kind == "decoy":
            stem = decoy_stem(self.p, slug)
            items = [(f"{stem}/detail_{i}.html", t) for i, t in enumerate(_decoy_items(self.p, slug))]
        return self.column_page(title, self.hub_links(slug), items, self.home_links())

    def platform_page(self, slug: str) -> str:
        title = f"{self.p.name}政府信息公开平台" if slug == "home" else _PAGES.get(slug, ("", ""))[0]
        items: list[tuple[str, str]] = []
        if slug in ("zcjd", "gfxwj", "xxgkndbg"):
            items = [(f"/{slug}/detail_{i}.html", t) for i, t in enumerate(_decoy_items(self.p, slug))]
        nav = [Link("首页", "/"), Link("门户网站", self.base + "/")]
        return self.column_page(title, self.platform_links(slug), items, nav)

    def decoy_article(self, title: str) -> str:
        inner = f'<div class="article"><h1>{escape(title)}</h1><p>{escape(title)}。</p></div>'
        return self.skeleton(f"{title}_{self.p.name}", self.home_links(), inner)


def _site_meta(p: Portal, column: str) -> str:
    """The 指引 site meta of a navigation page: the site's identity and the page's own column name."""
    if not p.official:
        return ""
    pairs = [
        ("SiteName", p.name),
        ("SiteDomain", "127.0.0.1"),
        ("SiteIDCode", p.site_code),
        ("ColumnName", column),
    ]
    return "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in pairs)


def _a(link: Link) -> str:
    title = f' title="{escape(link.title)}"' if link.title else ""
    return f'<a href="{escape(link.href)}"{title}>{escape(link.text)}</a>'


# --- serving ----------------------------------------------------------------------------------------------
def main_paths(p: Portal) -> dict[str, str]:
    """Path (with query for legacy) → page slug on the main host."""
    out = {"/": "home", "/index.html": "home", "/index.htm": "home"}
    for slug in _PAGES:
        out[page_path(p, slug)] = slug
    return out


def decoy_stem(p: Portal, slug: str) -> str:
    """The folder of a decoy column's articles."""
    base = page_path(p, slug)
    return _DIRS[slug].rstrip("/") if "?" in base else base.rsplit("/", 1)[0]


def decoy_titles(p: Portal) -> dict[str, str]:
    """Path → title of each decoy article linked from the decoy columns and the home page."""
    out = {}
    for slug in _PAGES:
        stem = decoy_stem(p, slug)
        for i, t in enumerate(_decoy_items(p, slug)):
            out[f"{stem}/detail_{i}.html"] = t
    return out


def respond_main(nav: Nav, req: Request, key: str) -> str | Response | None:
    """A navigation page, decoy column, decoy article or search answer of the main host; None otherwise."""
    p = nav.p
    slug = main_paths(p).get(key)
    if slug == "home":
        return nav.home()
    if slug is not None and p.route != "mirror":
        return nav.main_page(slug)
    if p.route != "mirror":
        title = decoy_titles(p).get(req.path)
        if title:
            return nav.decoy_article(title)
    return search(nav, req)


def decoy_urls(p: Portal, base: str, platform: str | None) -> list[str]:
    """Every decoy column of the portal (what discovery must never take for the report column)."""
    if p.route == "mirror":
        return []
    urls = [base + page_path(p, s) for s, (_, kind) in _PAGES.items() if kind == "decoy"]
    if platform:
        urls += [platform + _PLATFORM_DIRS[s] + "index.html" for s in ("zcjd", "gfxwj", "xxgkndbg")]
    return urls


def platform_paths() -> dict[str, str]:
    out = {"/": "home", "/index.html": "home"}
    for slug, d in _PLATFORM_DIRS.items():
        out[d + "index.html"] = slug
    return out


def respond_platform(nav: Nav, req: Request) -> str | None:
    slug = platform_paths().get(req.path)
    if slug is not None:
        return nav.platform_page(slug)
    for slug in ("zcjd", "gfxwj", "xxgkndbg"):
        for i, t in enumerate(_decoy_items(nav.p, slug)):
            if req.path == f"/{slug}/detail_{i}.html":
                return nav.decoy_article(t)
    return None


# --- site search ------------------------------------------------------------------------------------------
def _matches(nav: Nav, words: list[str]) -> list[tuple[str, str, str]]:
    """(url, title, date) of every live article or decoy item whose title holds all the words."""
    words = [w for w in words if w]
    if not words:
        return []
    found = []
    for a in nav.view.items:
        if all(w in a.title for w in words):
            found.append((nav.base + nav.view.url_of[a.aid], a.title, a.published.isoformat()))
    if nav.p.route != "mirror":
        for path, title in decoy_titles(nav.p).items():
            if all(w in title for w in words):
                found.append((nav.base + path, title, ""))
    return found


def search(nav: Nav, req: Request) -> str | Response | None:
    p = nav.p
    params = dict(req.params)
    if req.method == "POST" and req.body:
        params.update(dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)))
    if p.family == "trs" and req.path == "/was5/web/search":
        words = params.get("searchword", "").split()
    elif p.family == "hanweb" and req.path == "/jsearchfront/interfaces/cateSearch.do":
        hits = _matches(nav, params.get("q", "").split())
        result = [
            f'<div class="jcse-result-box news-result"><div class="jcse-news-title"><a href="{escape(u)}" '
            f'target="_blank">{escape(t)}</a></div><div class="jcse-news-date">{d}</div></div>'
            for u, t, d in hits[:20]
        ]
        body = json.dumps({"total": len(hits), "result": result}, ensure_ascii=False).encode()
        return Response(body=body, ctype="application/json; charset=utf-8")
    elif p.family == "hanweb" and req.path == "/jsearchfront/search.do":
        return nav.skeleton(
            "搜索结果",
            nav.home_links(),
            '<div id="jcse-result"></div><script src="/jsearchfront/js/search.js"></script>',
        )
    elif p.family not in ("trs", "hanweb", "mirror") and req.path == "/sousuo/search.shtml":
        words = params.get("searchWord", "").split()
    else:
        return None
    hits = _matches(nav, words)
    rows = "".join(
        f'<li class="res"><h3><a href="{escape(u)}" target="_blank">{escape(t)}</a></h3><span>{d}</span></li>'
        for u, t, d in hits[:20]
    )
    inner = f'<div class="result"><p>共找到{len(hits)}条结果</p><ul>{rows}</ul></div>'
    return nav.skeleton(f"搜索结果_{quote(' '.join(words))}", nav.home_links(), inner)
