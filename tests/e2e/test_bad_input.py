"""Bad input gets a clear message and the crawl goes on: broken registries, unreachable portals, pages that
are empty, undecodable or not HTML, soft 404s, and server errors that must never count as withdrawals."""

from __future__ import annotations

import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document, Problem, Version
from tests.e2e.helpers import changes_after, crawl, fazhi, last_change_id

pytestmark = pytest.mark.slow

REPORT = "2023年，本区坚持以法治政府建设为抓手，全面推进依法行政。" * 20 + "\n某某区人民政府\n2024年3月20日"
TITLES = {
    "/empty.html": "2023年法治政府建设年度报告（空白页）",
    "/garbage.html": "2023年法治政府建设年度报告（乱码）",
    "/binary.html": "2023年法治政府建设年度报告（二进制）",
    "/error.html": "2023年法治政府建设年度报告（服务器错误）",
    "/report.html": "某某区2023年法治政府建设年度报告",
    "/flaky.html": "某某区2022年法治政府建设年度报告",
}


class Odd(BaseHTTPRequestHandler):
    """A portal with every kind of broken page, and two good reports whose fate a test can switch."""

    state = {"report": "ok", "flaky": "ok"}

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(
        self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if self.path in ("/", "/index.html"):
            links = "".join(
                f'<li><a href="{p}">{t}</a><span>2024-03-20</span></li>' for p, t in TITLES.items()
            )
            self._send(200, f"<html><body><h1>首页</h1><ul>{links}</ul></body></html>".encode())
        elif self.path == "/empty.html":
            self._send(200, b"")
        elif self.path == "/garbage.html":
            self._send(200, bytes(range(128, 256)) * 40)
        elif self.path == "/binary.html":
            self._send(200, b"PK\x03\x04" + os.urandom(2000), "application/octet-stream")
        elif self.path == "/error.html":
            self._send(500, b"<html><body>Internal Server Error</body></html>")
        elif self.path in ("/report.html", "/flaky.html"):
            key = self.path.strip("/").split(".")[0]
            if self.state[key] == "soft404":
                self._send(302, b"", Location="/index.html")
            elif self.state[key] == "error":
                self._send(503, b"<html><body>Service Unavailable</body></html>")
            else:
                title = TITLES[self.path]
                body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><div id='zoom'>"
                body += "".join(f"<p>{line}</p>" for line in REPORT.split("\n")) + "</div></body></html>"
                self._send(200, body.encode())
        else:
            self._send(404, "<html><body>页面不存在</body></html>".encode())


@pytest.fixture
def odd_portal():
    Odd.state = {"report": "ok", "flaky": "ok"}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Odd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _registry(tmp_path, odd_url: str, extra: str = "") -> str:
    path = tmp_path / "r.yaml"
    path.write_text(
        "portals:\n"
        f"  - {{id: odd, name: 某某区人民政府, start_urls: ['{odd_url}/index.html'], obey_robots: false}}\n"
        f"  - {{id: unreachable, name: 不可达, start_urls: ['http://127.0.0.1:{_closed_port()}/index.html']}}\n"
        + extra,
        encoding="utf-8",
    )
    return str(path)


def test_broken_registries_are_named_and_nothing_runs(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("portals: [\n  - id: a\n", encoding="utf-8")
    result = fazhi("crawl", "--registry", str(bad), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert result.returncode == 2
    assert str(bad) in result.stderr and "malformed YAML" in result.stderr
    assert "Traceback" not in result.stderr

    good = tmp_path / "good.yaml"
    good.write_text("portals:\n  - {id: a, name: A, start_urls: ['http://127.0.0.1:9/']}\n", encoding="utf-8")
    result = fazhi(
        "crawl", "--registry", str(good), "--portal", "nope", "--db", f"sqlite:///{tmp_path / 'a.db'}"
    )
    assert result.returncode == 2 and "unknown portal id(s): nope" in result.stderr


def test_broken_pages_and_unreachable_portal_do_not_stop_the_crawl(odd_portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    summary = crawl(_registry(tmp_path, odd_portal), db_url)
    assert summary["portals"]["unreachable"]["outcome"] == "failed"
    assert summary["portals"]["odd"]["errors"] >= 1  # the 500
    engine = get_engine(db_url)
    with Session(engine) as session:
        docs = {d.url.rsplit("/", 1)[-1]: d for d in session.exec(select(Document))}
        versions = session.exec(select(Version)).all()
        problems = session.exec(select(Problem)).all()
    engine.dispose()
    assert {"report.html", "flaky.html"} <= set(docs)
    assert docs["report.html"].kind == "report" and docs["report.html"].year == 2023
    assert all(v.text.strip() for v in versions), "no empty version is ever stored"
    assert "error.html" not in docs  # a 500 stores nothing
    noted = " ".join(p.message for p in problems)
    assert {"empty.html", "garbage.html", "binary.html"} <= {p.url.rsplit("/", 1)[-1] for p in problems}, (
        noted
    )


def test_soft_404_is_missing_but_server_errors_are_not(odd_portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = _registry(tmp_path, odd_portal)
    crawl(registry, db_url, portals=["odd"])
    mark = last_change_id(db_url)
    Odd.state = {"report": "soft404", "flaky": "error"}
    crawl(registry, db_url, "-s", "FAZHI_REVALIDATE_AFTER=0", portals=["odd"])
    events = [(kind, url.rsplit("/", 1)[-1]) for kind, url, _ in changes_after(db_url, mark)]
    assert events == [("missing", "report.html")]
    engine = get_engine(db_url)
    with Session(engine) as session:
        flaky = session.exec(select(Document).where(Document.url.endswith("/flaky.html"))).one()
    engine.dispose()
    assert flaky.status == "live" and flaky.missing_count == 0
