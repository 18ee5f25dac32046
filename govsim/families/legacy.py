"""Legacy ASP-era portals: GBK bytes declared as gb2312, table layout, ``<br>``-separated paragraphs,
dates written ``YYYY年MM月DD日``, lists at ``/news/list.asp?classid=12&page=N`` with ``下一页`` links,
articles at ``/news/show.asp?id=N``, and a view counter printed inline (so no two responses are equal)."""

from __future__ import annotations

from html import escape

from .. import chrome
from ..portals import Article, Portal
from .base import Ctx, Family, paras_br


def cn_date(d) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


class Legacy(Family):
    key = "legacy"
    charset_meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'

    def list_path(self, p: Portal, i: int) -> str:
        return "/news/list.asp?classid=12" if i == 0 else f"/news/list.asp?classid=12&page={i + 1}"

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        return f"/news/show.asp?id={aid}"

    def top(self, ctx: Ctx) -> str:
        p = ctx.portal
        return (
            '<table width="980" border="0" align="center" cellpadding="0" cellspacing="0" class="top">'
            f'<tr><td>{chrome.today(ctx.date)}</td><td align="right"><a href="/">{escape(p.name)}</a> '
            '<a href="javascript:;">设为首页</a> <a href="javascript:;">加入收藏</a></td></tr></table>\n'
        )

    def crumbs(self, ctx: Ctx) -> str:
        return (
            f'<tr><td class="position">当前位置：<a href="/">首页</a> &gt;&gt; <a href="{ctx.view.list_paths[0]}">'
            "政务公开</a> &gt;&gt; 依法行政</td></tr>"
        )

    def render_list(self, ctx: Ctx, i: int) -> str:
        p, view = ctx.portal, ctx.view
        rows = "\n".join(
            f'<tr><td width="85%">·<a href="show.asp?id={view.url_of[a.aid].rsplit("=", 1)[1]}" target="_blank">'
            f'{escape(a.title)}</a></td><td width="15%">[{cn_date(a.published)}]</td></tr>'
            for a in view.pages[i]
        )
        n = len(view.pages)
        nav = f"共{n}页 当前第{i + 1}页 "
        if i > 0:
            nav += f'<a href="{view.list_paths[i - 1].rsplit("/", 1)[1]}">上一页</a> '
        if i < n - 1:
            nav += f'<a href="{view.list_paths[i + 1].rsplit("/", 1)[1]}">下一页</a>'
        inner = (
            f'<table width="980" align="center" class="main">{self.crumbs(ctx)}\n'
            f'<tr><td><table width="100%" class="list">\n{rows}\n</table></td></tr>\n'
            f'<tr><td align="center" class="pager">{nav}</td></tr></table>{self.trap_link(ctx)}'
        )
        return self.page(ctx, f"依法行政_{p.name}", inner)

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        p = ctx.portal
        inner = (
            f'<table width="980" align="center" class="main">{self.crumbs(ctx)}\n'
            f'<tr><td align="center" class="title"><b>{escape(a.title)}</b></td></tr>\n'
            f'<tr><td align="center" class="info">发布时间：{cn_date(a.published)}\u3000来源：{escape(a.source)}'
            f"\u3000浏览次数：{ctx.hit()}</td></tr>\n"
            f'<tr><td class="content">\n{paras_br(lines)}\n</td></tr>\n'
            '<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】'
            '【<a href="javascript:window.close()">关闭窗口</a>】</td></tr></table>'
        )
        return self.page(ctx, f"{a.title}_{p.name}", inner)
