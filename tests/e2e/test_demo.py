"""The README's main job: ``fazhi demo`` crawls all of govsim, then ``fazhi export`` prints the reports."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from govsim import GovSim
from tests.e2e.helpers import fazhi

pytestmark = [pytest.mark.slow, pytest.mark.browser]


class InternetSentinel:
    """A loopback "proxy" for https: anything that tries to reach the internet through requests or urllib
    (which honour ``https_proxy``) connects here instead, and is counted."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def test_demo_then_export(tmp_path):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("the demo crawls govsim's JS-only and gated portals: needs /usr/bin/chromium")
    db_url = f"sqlite:///{tmp_path / 'demo.db'}"
    sentinel = InternetSentinel()
    # an empty tldextract cache: a crawl that wanted the Public Suffix List from the internet would try now
    env = {"TLDEXTRACT_CACHE": str(tmp_path), "https_proxy": sentinel.url, "HTTPS_PROXY": sentinel.url}
    demo = fazhi("demo", "--db", db_url, "--json", timeout=600, env=env)
    sentinel.server.close()
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert sentinel.connections == 0, "the demo tried to reach the internet"
    summary = json.loads(demo.stdout)
    assert {pid: p["outcome"] for pid, p in summary["portals"].items()} == {
        p["id"]: "ok" for p in GovSim().portals
    }
    export = fazhi("export", "--db", db_url)
    assert export.returncode == 0
    records = [json.loads(line) for line in export.stdout.splitlines()]
    with GovSim() as sim:
        expected = {p["title"] for p in sim.manifest()["pages"] if p["kind"] == "report"}
    assert {r["title"] for r in records} >= expected
    assert all(r["kind"] == "report" and r["text"] for r in records)
