"""TRS WCM-like portals: ``index.html, index_1.html …`` lists whose pager exists only as an inline
``createPageHTML(pages, cur, "index", "html")`` call, articles at ``/YYYYMM/tYYYYMMDD_ID.html`` inside
``div.TRS_Editor`` (shared/realpages 02, 11, 12)."""

from __future__ import annotations

from html import escape

from .. import chrome
from ..portals import Article, Portal
from .base import Ctx, Family, paras_p

COLUMN = "/zwgk/fzzfjs/"

# The pager function as TRS templates define it in-page: links are written by JavaScript only.
PAGER_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var html = "";
  var nCurrIndex = _nCurrIndex || 0;
  function href(i){ return (i==0 ? _sPageName : _sPageName+"_"+i)+"."+_sPageExt; }
  html += "<span>共"+_nPageCount+"页</span> ";
  if(nCurrIndex > 0){ html += "<a href=\\""+href(0)+"\\">首页</a> <a href=\\""+href(nCurrIndex-1)+"\\">上一页</a> "; }
  for(var i=0;i<_nPageCount;i++){
    if(i==nCurrIndex){ html += "<span class=\\"current\\">"+(i+1)+"</span> "; }
    else { html += "<a href=\\""+href(i)+"\\">"+(i+1)+"</a> "; }
  }
  if(nCurrIndex < _nPageCount-1){ html += "<a href=\\""+href(nCurrIndex+1)+"\\">下一页</a> <a href=\\""+href(_nPageCount-1)+"\\">尾页</a>"; }
  document.write(html);
}
</script>"""


class Trs(Family):
    key = "trs"

    def list_path(self, p: Portal, i: int) -> str:
        return f"{COLUMN}index.html" if i == 0 else f"{COLUMN}index_{i}.html"

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        d = a.published
        return f"{COLUMN}{d.year}{d.month:02d}/t{d:%Y%m%d}_{aid}.html"

    def rel(self, p, view, a) -> str:
        return "./" + view.url_of[a.aid][len(COLUMN) :]

    def render_list(self, ctx: Ctx, i: int) -> str:
        p, view = ctx.portal, ctx.view
        lis = "\n".join(
            f'<li><a href="{self.rel(p, view, a)}" target="_blank" title="{escape(a.title)}">{escape(a.title)}</a>'
            f"<span>{a.published.isoformat()}</span></li>"
            for a in view.pages[i]
        )
        inner = (
            f'<div class="main">{chrome.breadcrumb(p, view.list_paths[0])}\n'
            f'<div class="list"><h2>{escape(p.column_name)}</h2><ul>\n{lis}\n</ul>\n'
            f'<div class="page"><script type="text/javascript">createPageHTML({len(view.pages)}, {i}, "index", "html");'
            f"</script></div></div>{self.trap_link(ctx)}</div>"
        )
        return self.page(
            ctx, f"{p.column_name}_{p.name}", inner, chrome.meta_tags(p, None, "") + "\n" + PAGER_JS
        )

    @staticmethod
    def _article_pager(ctx: Ctx, first: str) -> str:
        """TRS's article pager: the same script as the lists', called with the article's own file name."""
        if ctx.article_page is None:
            return ""
        i, n = ctx.article_page
        name = first.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return (
            f'<div class="page">{PAGER_JS}<script type="text/javascript">'
            f'createPageHTML({n}, {i}, "{name}", "html");</script></div>\n'
        )

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        p, view = ctx.portal, ctx.view
        url = ctx.base_url + view.url_of[a.aid]
        table = chrome.xxgk_table(p, a) if a.xxgk else ""
        pub = chrome.pub_line(a, "年" if p.meta_style == "upper" else "-")
        inner = (
            f'<div class="main">{chrome.breadcrumb(p, view.list_paths[0], extra="正文")}\n'
            f'<div class="article">{table}\n<h1 class="title">{escape(a.title)}</h1>\n'
            f'<div class="info"><span>发布时间：{pub}</span> <span>来源：{escape(a.source)}</span> '
            f'<span>浏览次数：<span id="pv">{ctx.daily_count(a.aid)}</span></span> {chrome.font_size()}</div>\n'
            f'<div class="TRS_Editor">\n{paras_p(lines)}\n</div>\n{self._article_pager(ctx, view.url_of[a.aid])}'
            f"{self.attachment_html(p, a)}{chrome.tools()}{chrome.qrcode()}{chrome.jiucuo(p, url)}\n{chrome.related(view.related(a))}</div></div>"
        )
        return self.page(ctx, f"{a.title}_{p.name}", inner, chrome.meta_tags(p, a, url))
