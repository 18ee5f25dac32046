"""gov.cn-template static portals: ``list.html, list_2.html …`` with plain ``下一页`` links, articles at
``/zwgk/content/YYYY-MM/DD/content_ID.htm`` in ``#UCAP-CONTENT`` (shared/realpages 03)."""

from __future__ import annotations

from html import escape

from .. import chrome
from ..portals import Article, Portal
from .base import Ctx, Family, paras_p

LIST_DIR = "/zwgk/fzjs/"


class Static(Family):
    key = "static"

    def list_path(self, p: Portal, i: int) -> str:
        return f"{LIST_DIR}list.html" if i == 0 else f"{LIST_DIR}list_{i + 1}.html"

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        d = a.published
        return f"/zwgk/content/{d:%Y-%m}/{d:%d}/content_{aid}.htm"

    def render_list(self, ctx: Ctx, i: int) -> str:
        p, view = ctx.portal, ctx.view
        lis = "\n".join(
            f'<li><h4><a href="{view.url_of[a.aid]}" target="_blank">{escape(a.title)}</a>'
            f'<span class="date">{a.published.isoformat()}</span></h4></li>'
            for a in view.pages[i]
        )
        n = len(view.pages)
        pager = [f'<a href="{view.list_paths[0]}">首页</a>']
        if i > 0:
            pager.append(f'<a href="{view.list_paths[i - 1]}">上一页</a>')
        pager.append(f"<span>第{i + 1}页/共{n}页</span>")
        if i < n - 1:
            pager.append(f'<a href="{view.list_paths[i + 1]}">下一页</a>')
        pager.append(f'<a href="{view.list_paths[n - 1]}">尾页</a>')
        inner = (
            f'<div class="main"><div class="BreadcrumbNav">{chrome.breadcrumb(p, view.list_paths[0])}</div>\n'
            f'<div class="list"><ul class="listTxt">\n{lis}\n</ul>\n<div class="pages">{" ".join(pager)}</div></div>'
            f"{self.trap_link(ctx)}</div>"
        )
        return self.page(ctx, f"{p.column_name}_{p.name}", inner)

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        p, view = ctx.portal, ctx.view
        url = ctx.base_url + view.url_of[a.aid]
        inner = (
            f'<div class="main"><div class="BreadcrumbNav">{chrome.breadcrumb(p, view.list_paths[0], extra="正文")}'
            f'</div>\n<div class="article oneColumn pub_border">\n<h1>{escape(a.title)}</h1>\n'
            f'<div class="pages-date">{chrome.pub_line(a)} <span class="font">来源：{escape(a.source)}</span> '
            f"<span>浏览次数：{chrome.visit_script(p, a.aid)}</span> {chrome.font_size()}</div>\n"
            f'<div class="pages_content" id="UCAP-CONTENT">\n{paras_p(lines)}\n</div>\n{self.attachment_html(p, a)}'
            f'<div class="editor">责任编辑：{escape(p.short)}政务服务数据管理局</div>\n'
            f"{chrome.tools()}{chrome.qrcode()}{chrome.jiucuo(p, url)}\n{chrome.related(view.related(a))}</div></div>"
        )
        return self.page(ctx, f"{a.title}_{p.name}", inner, chrome.meta_tags(p, a, url))
