"""A non-government mirror: reports republished in traditional characters with pinyin inserted after some
characters (習(xí)), ``<br>`` paragraphs, no 指引 meta, lists at ``/fagui/list_N.html``, articles ``/fagui/ID.html``."""

from __future__ import annotations

from html import escape

from .. import content
from ..portals import Article, Portal
from .base import Ctx, Family, paras_br


class Mirror(Family):
    key = "mirror"

    def list_path(self, p: Portal, i: int) -> str:
        return f"/fagui/list_{i + 1}.html"

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        return f"/fagui/{aid}.html"

    def top(self, ctx: Ctx) -> str:
        return (
            f'<div class="header"><a href="/">{escape(ctx.portal.name)}</a> | 法律法规 | 政府文件 | 工作报告 '
            '<a href="/user/login">登录</a> <a href="/vip">开通会员</a></div>\n'
        )

    def render_list(self, ctx: Ctx, i: int) -> str:
        view = ctx.view
        lis = "\n".join(
            f'<li><a href="{view.url_of[a.aid]}">{escape(content.s2t(a.title))}</a></li>'
            for a in view.pages[i]
        )
        nav = ""
        if i < len(view.pages) - 1:
            nav = f'<a href="{view.list_paths[i + 1]}">下一页</a>'
        inner = (
            f'<div class="crumb">您的位置：<a href="/">首页</a> → 工作报告</div>\n<ul class="doclist">\n{lis}\n</ul>'
            f'<div class="pg">{nav}</div>{self.trap_link(ctx)}'
        )
        return self.page(ctx, f"工作报告_{ctx.portal.name}", inner)

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        raw = None
        if a.body[0] == "corpus" and (a.edit_day is None or ctx.view.day < a.edit_day):
            raw = content.corpus_mirror_raw(a.body[1])
        shown = raw or content.mirror_lines(lines, f"{ctx.portal.id}:{a.aid}")
        inner = (
            f'<div class="crumb">您的位置：<a href="/">首页</a> → 工作报告 → 正文</div>\n'
            f'<div class="doc"><h1>{escape(content.s2t(a.title))}</h1>\n'
            f'<div class="meta">發佈時間：{a.published.isoformat()} 閱讀：{ctx.daily_count(a.aid)}次</div>\n'
            f'<div class="content" id="art-content">\n{paras_br(shown, page_form=False)}\n</div>\n'
            '<div class="share">分享到：微信 微博 QQ空間</div>\n'
            '<div class="ad">【廣告】法律諮詢 一對一在線解答</div></div>'
        )
        return self.page(ctx, f"{content.s2t(a.title)}_{ctx.portal.name}", inner)
