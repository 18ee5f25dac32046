"""A hostile portal that tries to lead the crawler out of its scope, and the "secret" server it points at.

The portal lists report-looking articles that leave it by every route a server or a page has: HTTP 301, 302,
303, 307 and 308 to another port on 127.0.0.1, a ``<meta http-equiv=refresh>``, a script setting
``location.href`` (seen only by a browser), a cross-origin ``<iframe>``, a redirect to a host name that does
not exist, and a known report that starts answering 301 to the secret server once :meth:`turn` is called.
A genuine report and an in-scope 301 show that scope checks do not block the portal's own pages.

The secret server stands for an internal service (a metadata endpoint, an admin page): it answers every path
with a page that would be archived as a report, and logs every request in :attr:`HostileScope.secret_log`,
so a test can prove it was never contacted.

    with HostileScope() as web:
        web.registry_yaml(render="always")   # the portal as a fazhi registry entry
        web.secret_log                        # [] if the crawler stayed in scope
"""

from __future__ import annotations

import threading

from .server import Server
from .site import Request, Response

SECRET_TOKEN = "SECRET-7f3a-内部资料"  # appears only in the secret server's pages
UNKNOWN_HOST = "fazhi-secret.invalid"  # never resolvable (RFC 6761); a lookup of it is already a leak

_PARAGRAPH = (
    "2023年，本区坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻习近平法治思想，"
    "全面推进法治政府建设，严格规范公正文明执法，行政复议和行政应诉工作取得新进展。"
)
REDIRECTS = {f"/r{code}.html": code for code in (301, 302, 303, 307, 308)}


def _report(title: str, extra: str = "") -> str:
    body = "".join(f"<p>{_PARAGRAPH}（第{i + 1}部分）</p>" for i in range(12))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='info'>发布时间：2024-03-20</div><div id='zoom'>{body}"
        f"<p>某某区人民政府</p><p>2024年3月20日</p></div>{extra}</body></html>"
    )


class HostileScope:
    """The hostile portal and the secret server, each on its own 127.0.0.1 port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.secret_log: list[str] = []
        self.turned = False
        self._lock = threading.Lock()
        self._server: Server | None = None
        self.portal_url = self.secret_url = ""

    # -- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> HostileScope:
        server = Server()
        self.portal_url = f"http://{self.host}:{server.listen(self._portal, host=self.host)}"
        self.secret_url = f"http://{self.host}:{server.listen(self._secret, host=self.host)}"
        server.start()
        self._server = server
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> HostileScope:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def turn(self) -> None:
        """From now on the known report ``/known.html`` answers 301 to the secret server."""
        self.turned = True

    # -- the registry --------------------------------------------------------------------------------------
    def registry_yaml(self, render: str = "auto") -> str:
        return (
            "portals:\n"
            "  - id: hostile\n"
            "    name: 某某区人民政府（恶意站点）\n"
            f"    start_urls: ['{self.portal_url}/index.html']\n"
            f"    render: {render}\n"
        )

    def secret(self, via: str) -> str:
        return f"{self.secret_url}/secret.html?via={via}"

    # -- the secret server ---------------------------------------------------------------------------------
    def _secret(self, req: Request) -> Response:
        with self._lock:
            self.secret_log.append(f"{req.method} {req.path}?{req.query}")
        title = f"{SECRET_TOKEN} 2023年法治政府建设年度报告"
        return Response(200, _report(title, f"<p>{SECRET_TOKEN}</p>").encode())

    # -- the hostile portal --------------------------------------------------------------------------------
    def articles(self) -> dict[str, str]:
        """Path → link title of every article the list offers."""
        titles = {path: f"{code}跳转区2023年法治政府建设年度报告" for path, code in REDIRECTS.items()}
        titles.update(
            {
                "/meta.html": "刷新区2023年法治政府建设年度报告",
                "/js.html": "脚本区2023年法治政府建设年度报告",
                "/iframe.html": "框架区2023年法治政府建设年度报告",
                "/unknown.html": "未知区2023年法治政府建设年度报告",
                "/known.html": "某某区2023年法治政府建设年度报告",
                "/old.html": "迁移区2023年法治政府建设年度报告",
            }
        )
        return titles

    def _portal(self, req: Request) -> Response:
        path = req.path
        if path == "/robots.txt":
            return Response(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path in ("/", "/index.html"):
            items = "".join(
                f"<li><a href='{p}'>{t}</a><span>2024-03-20</span></li>" for p, t in self.articles().items()
            )
            return Response(200, f"<html><body><h1>法治政府建设</h1><ul>{items}</ul></body></html>".encode())
        if path in REDIRECTS:
            return Response(REDIRECTS[path], b"", headers={"Location": self.secret(path.strip("/"))})
        if path == "/meta.html":
            refresh = f"<meta http-equiv='refresh' content='0;url={self.secret('meta')}'>"
            return Response(200, f"<html><head>{refresh}</head><body>正在跳转</body></html>".encode())
        if path == "/js.html":
            script = f"<script>location.href = '{self.secret('js')}';</script>"
            return Response(
                200, f"<html><head>{script}</head><body><div id='app'></div></body></html>".encode()
            )
        if path == "/iframe.html":
            frame = f"<iframe src='{self.secret('iframe')}'></iframe>"
            return Response(200, _report("框架区2023年法治政府建设年度报告", frame).encode())
        if path == "/unknown.html":
            return Response(302, b"", headers={"Location": f"http://{UNKNOWN_HOST}/report.html"})
        if path == "/known.html":
            if self.turned:
                return Response(301, b"", headers={"Location": self.secret("known")})
            return Response(200, _report("某某区2023年法治政府建设年度报告").encode())
        if path == "/old.html":
            return Response(301, b"", headers={"Location": f"{self.portal_url}/new.html"})
        if path == "/new.html":
            return Response(200, _report("迁移区2023年法治政府建设年度报告").encode())
        return Response(404, "<html><body>页面不存在</body></html>".encode())
