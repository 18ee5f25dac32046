"""``fazhi coverage`` and ``fazhi serve`` as users run them."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive.db import get_engine
from fazhi.cli import app
from tests.e2e.helpers import start_fazhi
from tests.web.data import populate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_archive(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    engine = get_engine(url)
    populate(engine)
    engine.dispose()
    return url


def test_coverage_json(sqlite_archive):
    result = CliRunner().invoke(app, ["coverage", "--db", sqlite_archive, "--json", "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["years"] == [2023, 2024]
    assert {r["portal"]: r["cells"]["2024"]["state"] for r in data["rows"]} == {
        "shanghai": "undated",
        "jingan": "on_time",
        "putuo": "late",
    }


def test_coverage_table_and_year_filter(sqlite_archive):
    result = CliRunner().invoke(
        app,
        ["coverage", "--db", sqlite_archive, "--year", "2023", "--as-of", "2025-06-01"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "due 2024-03-31" in result.output and "2025-03-31" not in result.output
    assert "on time" in result.output and "missing" in result.output
    bad = CliRunner().invoke(app, ["coverage", "--db", sqlite_archive, "--as-of", "soon"])
    assert bad.exit_code != 0


def test_coverage_on_an_empty_archive(tmp_path):
    result = CliRunner().invoke(app, ["coverage", "--db", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert result.exit_code == 0 and "no reports" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_binds_localhost_and_serves_search(sqlite_archive):
    port = _free_port()
    proc = start_fazhi(
        "serve", "--db", sqlite_archive, "--port", str(port), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 45
        body = None
        while time.monotonic() < deadline and body is None:
            if proc.poll() is not None:
                pytest.fail(f"fazhi serve exited: {proc.stdout.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/search?q=%E6%B3%95%E6%B2%BB%E7%9D%A3%E5%AF%9F", timeout=5
                ) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "fazhi serve did not answer within 45 s"
        assert "上海市静安区2024年法治政府建设情况报告" in body and "<mark>法治督察</mark>" in body
        listening = [c for c in _listeners(port)]
        assert listening == ["127.0.0.1"], listening
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _listeners(port: int) -> list[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp*; state 0A = LISTEN)."""
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, lport = fields[1].split(":")
            if fields[3] == "0A" and int(lport, 16) == port:
                if width == 8:
                    found.append(socket.inet_ntoa(bytes.fromhex(addr)[::-1]))
                else:
                    found.append(addr)
    return found
