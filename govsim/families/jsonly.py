"""JS-only portals: every HTML page is the same empty shell; lists and article bodies are injected by
``/static/app.js`` from ``/api/list?column=fzzfjs&page=N&size=S`` and ``/api/article/<id>.json``.
Plain HTTP sees no report text and no article links."""

from __future__ import annotations

import json
import re
from datetime import date

from .. import chrome
from ..portals import Article, Portal
from ..site import Request, Response, etag_of
from .base import Ctx, Family, paras_p

APP_JS = r"""(function(){
  var app = document.getElementById('app'); if(!app) return;
  function esc(s){ return String(s).replace(/[&<>"]/g, function(c){ return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  var m = location.pathname.match(/\/site\/art\/(\d+)\.html$/);
  if(m){
    fetch('/api/article/' + m[1] + '.json').then(function(r){ if(!r.ok) throw r.status; return r.json(); })
      .then(function(a){
        document.title = a.title;
        app.innerHTML = '<h1 class="art-title">' + esc(a.title) + '</h1>' +
          '<div class="art-info">发布时间：' + esc(a.date) + ' 来源：' + esc(a.source) + '</div>' +
          '<div class="art-content" id="zoom">' + a.content + '</div>';
      }).catch(function(){ app.innerHTML = '<p>页面不存在</p>'; });
    return;
  }
  var page = parseInt(new URLSearchParams(location.search).get('page') || '1', 10);
  fetch('/api/list?column=' + app.getAttribute('data-column') + '&page=' + page + '&size=' + app.getAttribute('data-size'))
    .then(function(r){ return r.json(); }).then(function(d){
      var html = '<ul class="news-list">';
      d.items.forEach(function(it){ html += '<li><a href="' + it.url + '">' + esc(it.title) + '</a><span>' + it.date + '</span></li>'; });
      html += '</ul><div class="pager">';
      if(page > 1) html += '<a href="?page=' + (page-1) + '">上一页</a> ';
      if(page < d.pages) html += '<a href="?page=' + (page+1) + '">下一页</a>';
      app.innerHTML = html + '</div>';
    });
})();
"""


class JsOnly(Family):
    key = "jsonly"

    def list_path(self, p: Portal, i: int) -> str:
        return "/site/fzzfjs/index.html" if i == 0 else f"/site/fzzfjs/index.html?page={i + 1}"

    def article_path(self, p: Portal, a: Article, aid: int) -> str:
        return f"/site/art/{aid}.html"

    def shell(self, ctx: Ctx) -> str:
        p, view = ctx.portal, ctx.view
        inner = (
            f'<div class="main">{chrome.breadcrumb(p, view.list_paths[0])}\n'
            f'<div id="app" data-column="fzzfjs" data-size="{p.page_size}"></div>'
            "<noscript>您的浏览器未启用JavaScript，请启用后访问本站。</noscript>\n"
            f"{chrome.qrcode()}</div>"
        )
        return self.page(ctx, p.name, inner, tail='\n<script src="/static/app.js"></script>')

    def render_list(self, ctx: Ctx, i: int) -> str:
        return self.shell(ctx)

    def render_article(self, ctx: Ctx, a: Article, lines: list[str]) -> str:
        return self.shell(ctx)

    def extra(self, ctx: Ctx, req: Request) -> Response | None:
        view = ctx.view
        if req.path == "/static/app.js":
            return Response(body=APP_JS.encode(), ctype="application/javascript; charset=utf-8")
        if req.path == "/api/list":
            try:
                page = max(1, int(req.params.get("page", "1")))
                size = max(1, min(100, int(req.params.get("size", ctx.portal.page_size))))
            except ValueError:
                return Response(400, b'{"error":"bad request"}', "application/json")
            items = view.items
            chosen = items[(page - 1) * size : page * size]
            data = {
                "total": len(items),
                "page": page,
                "pages": max(1, -(-len(items) // size)),
                "items": [
                    {
                        "id": view.url_of[a.aid].rsplit("/", 1)[1][:-5],
                        "title": a.title,
                        "date": a.published.isoformat(),
                        "url": view.url_of[a.aid],
                    }
                    for a in chosen
                ],
            }
            return json_response(data)
        m = re.fullmatch(r"/api/article/(\d+)\.json", req.path)
        if m:
            hit = view.paths.get(f"/site/art/{m.group(1)}.html")
            if not hit or hit[0] != "article":
                return Response(404, b'{"error":"not found"}', "application/json; charset=utf-8")
            a = hit[1]
            from ..site import article_lines

            lines = article_lines(ctx.seed, a, view.day)
            data = {
                "id": m.group(1),
                "title": a.title,
                "date": a.published.isoformat(),
                "source": a.source,
                "content": paras_p(lines),
            }
            return json_response(data, view.date if ctx.portal.api_validators else None)
        return None


def json_response(data: dict, last_modified: date | None = None) -> Response:
    """JSON; with ``last_modified`` also an ETag of the bytes (a static file: govsim answers 304 to it)."""
    body = json.dumps(data, ensure_ascii=False).encode()
    resp = Response(body=body, ctype="application/json; charset=utf-8")
    if last_modified is not None:
        resp.etag = etag_of(body)
        resp.last_modified = last_modified
    return resp
