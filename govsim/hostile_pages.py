"""A hostile portal for the fault and fuzz suite (issue 12): pages that once cost the archive data.

* ``/fzzf/quote404.html`` — a real 工作总结 whose text quotes "对申请公开的信息不存在的，依法告知" and
  "您访问的页面…": not a soft 404.
* ``/fzzf/gone.html`` — a real soft 404 (``页面不存在``, status 200) behind a report-like link.
* ``/fzzf/controls.html`` — a report in a template no rule knows, with ``\\x0b \\x0c \\x1b \\x08`` in its text.
* ``/fzzf/markup.html`` — a title holding Rich markup (``[bold red]``, ``[/]``) and an ANSI escape.
* ``/fzzf/longtitle.html`` — a 20,000-character title.
* ``/fzzf/maintenance.html`` — a report; from phase 2 on, a 系统维护 page served with 200.
* ``/fzzf/token.html`` — a report whose page prints 当前在线N人 and a request id that change on every fetch.
* deep pagination: ``list_pages`` list pages (下一页 links) of ``per_page`` reports each.

Served on 127.0.0.1 by govsim's socket layer; ``phase`` is the simulated crawl day.
"""

from __future__ import annotations

import random
import uuid
from html import escape

from .content import report_lines
from .server import Server
from .site import Request, Response

PORTAL_ID = "hostile"
ORG = "某某市人民政府"
COLUMN = "/fzzf/"

#: Sentences a real report may quote that the old soft-404 test took for a "not found" page.
QUOTES = (
    "对申请公开的信息不存在的，依法告知申请人该政府信息不存在。",
    "您访问的页面如出现信息不存在的情形，可通过12345热线反映，我们将及时核实处理。",
)
CONTROL_CHARS = "\x0b\x0c\x1b\x08"
MARKUP_TITLE = "[bold red]某某市[/]2024年法治政府建设[/]情况报告\x1b[31m"
LONG_TITLE_CHARS = 20_000


def _report(key: str, year: int = 2024) -> list[str]:
    return report_lines(0, f"hostile:{key}", ORG, year, f"{year + 1}年3月20日", False)


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
        f"<div class='head'><a href='/'>首页</a> <a href='{COLUMN}index.html'>法治政府建设</a></div>"
        f"{body}<div class='foot'>主办单位：{ORG} 版权所有</div></body></html>"
    )


def _article(title: str, lines: list[str], *, container: str = "zoom", chrome: str = "") -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    return _page(
        f"{title}_{ORG}",
        f"<h1>{escape(title)}</h1><div class='info'>发布时间：2025-03-20 来源：{ORG}</div>"
        f"<div id='{container}'>{paragraphs}{chrome}</div>",
    )


class HostileWeb:
    """One hostile portal on its own port. Use as a context manager, or ``start()``/``close()``."""

    def __init__(self, *, list_pages: int = 10, per_page: int = 2) -> None:
        self.list_pages, self.per_page = list_pages, per_page
        self.phase = 1
        self.base_url = ""
        self._server: Server | None = None

    # --- lifecycle ---
    def start(self) -> HostileWeb:
        self._server = Server()
        port = self._server.listen(self.respond)
        self._server.start()
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> HostileWeb:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def registry_yaml(self) -> str:
        return (
            "portals:\n"
            f"  - id: {PORTAL_ID}\n    name: {ORG}\n    level: city\n"
            f"    start_urls: ['{self.base_url}{COLUMN}index.html']\n    obey_robots: false\n"
        )

    # --- ground truth ---
    def deep_urls(self) -> list[str]:
        """The reports listed on the pages of the column, first page to last."""
        return [
            f"{self.base_url}{COLUMN}deep{page}_{i}.html"
            for page in range(1, self.list_pages + 1)
            for i in range(self.per_page)
        ]

    def special_urls(self) -> dict[str, str]:
        names = ("quote404", "gone", "controls", "markup", "longtitle", "maintenance", "token")
        return {name: f"{self.base_url}{COLUMN}{name}.html" for name in names}

    # --- pages ---
    def respond(self, req: Request) -> Response:
        path = req.path
        if path in ("/", "/index.html"):
            return Response(body=_page(ORG, f"<a href='{COLUMN}index.html'>法治政府建设</a>").encode())
        if path.startswith(COLUMN):
            name = path[len(COLUMN) :].removesuffix(".html")
            page = self._list_page(name) or self._special(name) or self._deep(name)
            if page is not None:
                return Response(body=page.encode("utf-8"))
        return Response(404, _page("页面不存在", "<p>您访问的页面不存在。</p>").encode())

    def _list_page(self, name: str) -> str | None:
        if name == "index":
            n = 1
        elif name.startswith("index_") and name[6:].isdigit():
            n = int(name[6:]) + 1
        else:
            return None
        if not 1 <= n <= self.list_pages:
            return None
        items = [(f"deep{n}_{i}", f"第{n}{i}区2024年法治政府建设情况报告") for i in range(self.per_page)]
        if n == 1:
            items += [
                ("quote404", "某某市2024年法治政府建设工作总结"),
                ("gone", "某某市2023年法治政府建设情况报告（已撤回）"),
                ("controls", "某某市2024年法治政府建设年度报告"),
                ("markup", "某某市2024年法治政府建设情况报告（标题）"),
                ("longtitle", "某某市2022年法治政府建设情况报告"),
                ("maintenance", "某某市2021年法治政府建设情况报告"),
                ("token", "某某市2020年法治政府建设情况报告"),
            ]
        links = "".join(
            f"<li><a href='{COLUMN}{slug}.html'>{escape(title)}</a><span>2025-03-20</span></li>"
            for slug, title in items
        )
        pager = f"<a href='{COLUMN}index_{n}.html'>下一页</a>" if n < self.list_pages else ""
        return _page(f"法治政府建设_{ORG}", f"<ul class='list'>{links}</ul><div class='page'>{pager}</div>")

    def _deep(self, name: str) -> str | None:
        if not name.startswith("deep"):
            return None
        page, _, i = name[4:].partition("_")
        if not (page.isdigit() and i.isdigit() and 1 <= int(page) <= self.list_pages):
            return None
        return _article(f"第{page}{i}区2024年法治政府建设情况报告", _report(name))

    def _special(self, name: str) -> str | None:
        if name == "quote404":
            lines = _report(name)
            lines = lines[:3] + [QUOTES[0]] + lines[3:-3] + [QUOTES[1]] + lines[-3:]
            return _article("某某市2024年法治政府建设工作总结", lines)
        if name == "gone":
            return _page(
                f"页面不存在_{ORG}",
                "<div class='error404'><h2>页面不存在</h2><p>抱歉，您访问的页面不存在或已被删除。</p>"
                "<p><a href='/'>返回首页</a></p></div>",
            )
        if name == "controls":
            lines = _report(name)
            marked = [line[:8] + CONTROL_CHARS[i % 4] + line[8:] for i, line in enumerate(lines)]
            return _article("某某市2024年法治政府建设年度报告", marked, container="wenzhang")
        if name == "markup":
            return _article(MARKUP_TITLE, _report(name))
        if name == "longtitle":
            title = ("某某市2022年法治政府建设情况报告" * LONG_TITLE_CHARS)[:LONG_TITLE_CHARS]
            return _article(title, _report(name, 2022))
        if name == "maintenance":
            if self.phase >= 2:
                return _page(
                    "系统维护",
                    "<div class='notice'><h2>系统维护中</h2><p>尊敬的用户：为提供更好的服务，本网站正在进行"
                    "系统升级维护，维护期间暂停访问，给您带来的不便敬请谅解。</p></div>",
                )
            return _article("某某市2021年法治政府建设情况报告", _report(name, 2021))
        if name == "token":
            rng = random.Random()
            chrome = f"<p>当前在线{rng.randint(10, 9999)}人</p><p>请求ID：{uuid.uuid4()}</p>"
            return _article("某某市2020年法治政府建设情况报告", _report(name, 2020), chrome=chrome)
        return None
