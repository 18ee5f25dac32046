"""What every portal family shares: the render context, the page skeleton, paragraph layouts, 404 pages and
the calendar trap. A family subclass supplies its URL shapes and its list/article templates."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from .. import chrome
from ..content import to_page
from ..files import FILE_EXT
from ..portals import Article, Portal

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..site import DayView, Request, Response

_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@dataclass
class Ctx:
    """Everything a template needs about the request's portal and day."""

    portal: Portal
    view: DayView
    seed: int
    base_url: str
    fault: str | None
    hit: Callable[[], int]  # per-request counter (only the dynamic legacy portal shows it inline)
    article_page: tuple[int, int] | None = None  # (page index, page count) of a paginated article

    @property
    def date(self):
        return self.view.date

    def daily_count(self, aid: int) -> int:
        """A view counter that changes once a day, keeping the page bytes stable within a day."""
        h = int(hashlib.md5(f"{self.portal.id}:{aid}".encode()).hexdigest()[:6], 16)
        return 100 + h % 4000 + self.view.day * (7 + h % 13)


def signature_start(lines: list[str]) -> int:
    """Index of the closing signature block (issuing body + date), right-aligned on real pages."""
    if len(lines) >= 2 and _DATE_LINE.match(lines[-1]) and len(lines[-2]) <= 30:
        return len(lines) - 2
    return len(lines)


def paras_p(lines: list[str], indent: str = "text-indent:2em;") -> str:
    """<p> per paragraph (TRS_Editor, UCAP-CONTENT, zoom); full-width punctuation as real pages print it."""
    sig = signature_start(lines)
    out = []
    for i, line in enumerate(lines):
        style = "text-align:right;" if i >= sig else indent
        out.append(f'<p style="{style}">{escape(to_page(line), quote=False)}</p>')
    return "\n".join(out)


def paras_br(lines: list[str], page_form: bool = True) -> str:
    """<br>-separated paragraphs with full-width indentation, as in old table layouts and mirrors."""
    return "<br>\n".join(
        "\u3000\u3000" + escape(to_page(ln) if page_form else ln, quote=False) for ln in lines
    )


class Family:
    """Base family: URL shapes and templates. Subclasses override what differs."""

    key = ""
    charset_meta = '<meta charset="utf-8">'

    # --- URL shapes ---
    def list_path(self, p: Portal, i: int) -> str:
        raise NotImplementedError

    def list_page_count(self, view: DayView) -> int:
        return len(view.pages)

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        raise NotImplementedError

    def attachment_path(self, p: Portal, a: Article) -> str:
        fmt = a.attachment_format or "pdf"
        h = hashlib.sha1(f"{p.id}:{a.aid}:{'pdf' if fmt == 'pdf' else fmt}".encode()).hexdigest()
        return f"/attach/0/{h}.{FILE_EXT[fmt]}"

    def page_path(self, first: str, i: int) -> str:
        """Page ``i`` (from 1) of a paginated article whose first page is ``first``: TRS's ``name_i.ext``."""
        stem, dot, ext = first.rpartition(".")
        return f"{stem}_{i}.{ext}"

    def file_path(self, p: Portal, a: Article, aid: int) -> str:
        """Where a stand-alone report file is served (``Article.standalone``)."""
        d = a.published
        return f"/zwgk/files/{d:%Y%m}/P0{aid}.{FILE_EXT[a.standalone or 'pdf']}"

    def attachment_html(self, p: Portal, a: Article) -> str:
        """The 附件 row under an article body, naming the file as portals do."""
        fmt = a.attachment_format
        if fmt is None:
            return ""
        href = self.attachment_path(p, a)
        return (
            f'<div class="attach">附件：<a href="{href}">{escape(a.title)}.{FILE_EXT[fmt]}</a> '
            f'<a href="{href}">[附件下载]</a></div>'
        )

    def rel(self, p: Portal, view: DayView, a: Article) -> str:
        """How a list page links to an article (absolute path unless a family prefers relative links)."""
        return view.url_of[a.aid]

    # --- shared page parts ---
    def head(self, ctx: Ctx, title: str, extra: str = "") -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{self.charset_meta}\n'
            f"<title>{escape(title)}</title>\n{extra}\n"
            '<link rel="stylesheet" href="/images/style.css">\n</head>\n'
        )

    def top(self, ctx: Ctx) -> str:
        p = ctx.portal
        return (
            f'<div class="top"><div class="wrap">{chrome.today(ctx.date)} <a href="/">{escape(p.name)}</a> '
            '<a href="javascript:;">无障碍浏览</a> <a href="javascript:;">长者模式</a> '
            '<a href="/search/index.html">站内搜索</a></div></div>\n'
            '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/">要闻动态</a></li>'
            f'<li><a href="{ctx.view.list_paths[0]}">政务公开</a></li><li><a href="/">政务服务</a></li>'
            '<li><a href="/">互动交流</a></li></ul></div>\n'
        )

    def trap_link(self, ctx: Ctx) -> str:
        if ctx.fault != "calendar_trap":
            return ""
        return f'<div class="calendar"><a href="/calendar/list.html?date={ctx.date.isoformat()}">按日期浏览</a></div>'

    def page(self, ctx: Ctx, title: str, inner: str, head_extra: str = "", tail: str = "") -> str:
        return (
            self.head(ctx, title, head_extra)
            + "<body>\n"
            + self.top(ctx)
            + inner
            + "\n"
            + chrome.footer(ctx.portal)
            + tail
            + "\n</body>\n</html>\n"
        )

    def not_found(self, ctx: Ctx) -> str:
        inner = (
            f'<div class="main">{chrome.breadcrumb(ctx.portal, ctx.view.list_paths[0], extra="错误页面")}'
            '<div class="error404"><h2>页面不存在</h2><p>抱歉，您访问的页面不存在或已被删除。</p>'
            '<p><a href="/">返回首页</a></p></div></div>'
        )
        return self.page(ctx, f"页面不存在_{ctx.portal.name}", inner)

    def calendar_page(self, ctx: Ctx, day_iso: str) -> str:
        """The pagination trap: one list page per calendar day, each linking to the next day, forever."""
        from datetime import date as _date

        try:
            d = _date.fromisoformat(day_iso)
        except ValueError:
            d = ctx.date
        nxt, prev = d + timedelta(days=1), d - timedelta(days=1)
        items = ctx.view.items[:2]
        lis = "".join(
            f'<li><a href="{ctx.view.url_of[a.aid]}">{escape(a.title)}</a><span>{a.published}</span></li>'
            for a in items
        )
        inner = (
            f'<div class="main">{chrome.breadcrumb(ctx.portal, ctx.view.list_paths[0], extra=d.isoformat())}'
            f'<ul class="list">{lis}</ul><div class="page">'
            f'<a href="/calendar/list.html?date={prev.isoformat()}">上一页</a> '
            f'<a href="/calendar/list.html?date={nxt.isoformat()}">下一页</a> '
            f'<a href="/calendar/list.html?date={nxt.isoformat()}">后一天</a></div></div>'
        )
        return self.page(ctx, f"{d.isoformat()}_{ctx.portal.name}", inner)

    # --- templates ---
    def render_list(self, ctx: Ctx, i: int) -> str:
        raise NotImplementedError

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        raise NotImplementedError

    def extra(self, ctx: Ctx, req: Request) -> Response | None:
        """Family-specific endpoints (dataproxy.jsp, JSON APIs, scripts); None when the path is not one."""
        return None
