"""Hanweb/大汉 JCMS-like portals: ``/col/colN/index.html`` embeds the first records in a
``<script type="text/xml"><datastore>`` block; further records only through
``POST /module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…`` (or ``GET …?page=N``);
articles at ``/art/Y/M/D/art_COL_ID.html``, attachments ``/attach/0/<hex>.pdf`` (shared/realpages 01, 05, 06)."""

from __future__ import annotations

import math
from html import escape
from urllib.parse import parse_qsl

from .. import chrome
from ..portals import Article, Portal
from ..site import Request, Response
from .base import Ctx, Family, paras_p

PROXY = "/module/web/jpage/dataproxy.jsp"

# Client-side paging as jpage.js does it: show the embedded records, POST for the next ones.
JPAGE_JS = r"""(function(){
window.jpage = function(unitid, o){
  var box = document.getElementById(unitid); if(!box) return;
  var xml = box.querySelector('script[type="text/xml"]'); var src = xml ? xml.textContent : '';
  var ul = document.createElement('ul'); ul.className = 'jpage-list';
  function fill(text){
    ul.innerHTML = '';
    var re = /<!\[CDATA\[([\s\S]*?)\]\]>/g, m;
    while((m = re.exec(text))){ if(m[1].indexOf('<li')>=0) ul.insertAdjacentHTML('beforeend', m[1]); }
  }
  fill(src); box.appendChild(ul);
  var pages = Math.ceil(o.totalRecord / o.perpage), cur = 1;
  var nav = document.createElement('div'); nav.className = 'jpage-nav'; box.appendChild(nav);
  function draw(){
    nav.innerHTML = '共' + o.totalRecord + '条 第' + cur + '/' + pages + '页 ' +
      (cur < pages ? '<a href="javascript:;" class="next">下一页</a>' : '');
    var a = nav.querySelector('.next'); if(a) a.onclick = function(){ go(cur+1); };
  }
  function go(n){
    var s = (n-1)*o.perpage+1, e = n*o.perpage;
    var body = 'col=1&appid=1&webid='+o.webid+'&path=/&columnid='+o.columnid+'&sourceContentType=1&unitid='+o.unitid+
      '&webname='+encodeURIComponent(o.webname)+'&permissiontype=0';
    fetch(o.proxyUrl+'?startrecord='+s+'&endrecord='+e+'&perpage='+o.perpage,
          {method:'POST', headers:{'Content-Type':'application/x-www-form-urlencoded'}, body: body})
      .then(function(r){ return r.text(); }).then(function(t){ cur = n; fill(t); draw(); });
  }
  draw();
};
})();
"""


def record(view, a: Article) -> str:
    d = a.published
    return (
        f'<record><![CDATA[<li><a href="{view.url_of[a.aid]}" target="_blank" title="{escape(a.title)}">'
        f"{escape(a.title)}</a><span>{d.isoformat()}</span></li>]]></record>"
    )


class Hanweb(Family):
    key = "hanweb"

    def list_path(self, p: Portal, i: int) -> str:
        return f"/col/col{p.colid}/index.html"

    def list_page_count(self, view) -> int:
        return 1  # later pages exist only behind dataproxy.jsp

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        d = a.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{p.colid}_{aid}.html"

    def proxy_query(self, p: Portal) -> str:
        # inside CDATA: raw ampersands, as in the real nextgroup (shared/realpages 06)
        return (
            f"{PROXY}?page=1&appid=1&webid={p.webid}&path=/&columnid={p.colid}"
            f"&unitid={p.unitid}&webname={p.name}&permissiontype=0"
        )

    def render_list(self, ctx: Ctx, i: int) -> str:
        p, view = ctx.portal, ctx.view
        first = view.pages[0]
        records = "\n".join(record(view, a) for a in first)
        total = len(view.items)
        inner = (
            f'<div class="main">{chrome.breadcrumb(p, view.list_paths[0])}\n<div class="list">'
            f'<h2>{escape(p.column_name)}</h2>\n<div id="{p.unitid}"><script type="text/xml"><datastore>'
            f'<nextgroup><![CDATA[<a href="{self.proxy_query(p)}"></a>]]></nextgroup>'
            f"<recordset>\n{records}\n</recordset></datastore></script></div>\n"
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>\n'
            f'<script type="text/javascript">jpage("{p.unitid}", {{proxyUrl:"{PROXY}", col:1, appid:1, '
            f'webid:"{p.webid}", path:"/", columnid:"{p.colid}", sourceContentType:1, unitid:"{p.unitid}", '
            f'webname:"{escape(p.name)}", permissiontype:0, perpage:{p.page_size}, totalRecord:{total}}});</script>'
            f"</div>{self.trap_link(ctx)}</div>"
        )
        return self.page(ctx, f"{p.column_name}_{p.name}", inner, chrome.meta_tags(p, None, ""))

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        p, view = ctx.portal, ctx.view
        url = ctx.base_url + view.url_of[a.aid]
        attach = self.attachment_html(p, a)
        inner = (
            f'<div class="main">{chrome.breadcrumb(p, view.list_paths[0])}\n'
            '<table class="article" width="100%"><tr><td class="title" align="center">'
            f"<h1>{escape(a.title)}</h1></td></tr>\n"
            f'<tr><td class="info" align="center">发布日期：{a.published.isoformat()} 信息来源：{escape(a.source)} '
            f"浏览次数：<span>{chrome.visit_script(p, a.aid)}</span> {chrome.font_size()}</td></tr>\n"
            f'<tr><td><div id="zoom">\n{paras_p(lines, "text-indent:2em;line-height:2;")}\n</div></td></tr></table>\n'
            f"{attach}{chrome.tools()}{chrome.qrcode()}{chrome.jiucuo(p, url)}\n"
            f"{chrome.related(view.related(a))}</div>"
        )
        return self.page(ctx, f"{a.title}_{p.name}", inner, chrome.meta_tags(p, a, url))

    def extra(self, ctx: Ctx, req: Request) -> Response | None:
        if req.path == "/module/web/jpage/jpage.js":
            return Response(body=JPAGE_JS.encode(), ctype="application/javascript; charset=utf-8")
        if req.path not in (PROXY, "/module/jpage/dataproxy.jsp"):
            return None
        p, view = ctx.portal, ctx.view
        params = dict(req.params)
        if req.method == "POST" and req.body:
            params.update(dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)))
        items = view.items if str(params.get("columnid", p.colid)) == str(p.colid) else []
        try:
            perpage = max(1, int(params.get("perpage") or p.page_size))
            if "startrecord" in params:
                start = max(1, int(params["startrecord"]))
                end = max(start, int(params.get("endrecord") or start + perpage - 1))
            else:
                page = max(1, int(params.get("page") or 1))
                start, end = (page - 1) * perpage + 1, page * perpage
        except ValueError:
            return Response(400, b"bad request", "text/plain; charset=utf-8")
        chosen = items[start - 1 : end]
        xml = (
            f"<datastore><totalrecord>{len(items)}</totalrecord>"
            f"<totalpage>{math.ceil(len(items) / perpage)}</totalpage><recordset>\n"
            + "\n".join(record(view, a) for a in chosen)
            + "\n</recordset></datastore>"
        )
        return Response(body=xml.encode(), ctype="text/xml;charset=UTF-8")
