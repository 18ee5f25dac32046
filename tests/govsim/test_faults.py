"""Each fault behaves as documented in govsim/faults.py (bounded in time: short timeouts)."""

from __future__ import annotations

import http.client
import re
import socket
import zlib

import pytest

from .helpers import fetch

PID = "huadu"


def _start(sim) -> str:
    return next(p for p in sim.portals if p["id"] == PID)["start_urls"][0]


def test_unknown_fault_is_refused(govsim):
    with pytest.raises(ValueError):
        govsim.set_fault(PID, "meteor")
    with pytest.raises(KeyError):
        govsim.set_fault("nowhere", "slow")


def test_slow(govsim):
    govsim.slow_seconds = 1.0
    govsim.set_fault(PID, "slow")
    with pytest.raises((TimeoutError, socket.timeout)):
        fetch(_start(govsim), timeout=0.3)
    assert fetch(_start(govsim), timeout=3).status == 200  # slow, but it answers


def test_http500_and_recovery(govsim):
    govsim.set_fault(PID, "http500")
    assert fetch(_start(govsim)).status == 500
    assert fetch(govsim.url(PID, "/robots.txt")).status == 200  # robots is never faulted
    govsim.set_fault(PID, None)
    assert fetch(_start(govsim)).status == 200


def test_reset(govsim):
    govsim.set_fault(PID, "reset")
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, ConnectionAbortedError)):
        fetch(_start(govsim), timeout=2)


def test_truncate(govsim):
    govsim.set_fault(PID, "truncate")
    with pytest.raises(http.client.IncompleteRead):
        fetch(_start(govsim), timeout=2)


def test_redirect_loop(govsim):
    govsim.set_fault(PID, "redirect_loop")
    seen = []
    url = _start(govsim)
    for _ in range(6):
        r = fetch(url)
        assert r.status == 302
        url = govsim.url(PID, r.headers["location"])
        seen.append(r.headers["location"])
    assert seen[1:] == ["/loop/b", "/loop/a", "/loop/b", "/loop/a", "/loop/b"]


def test_calendar_trap_never_ends(govsim):
    govsim.set_fault(PID, "calendar_trap")
    page = fetch(_start(govsim)).body.decode()
    link = re.search(r'href="(/calendar/list\.html\?date=[\d-]+)"', page).group(1)
    dates = []
    for _ in range(15):
        r = fetch(govsim.url(PID, link))
        assert r.status == 200
        link = re.search(r'href="(/calendar/list\.html\?date=([\d-]+))">下一页', r.body.decode()).group(1)
        dates.append(link)
    assert len(set(dates)) == 15


def test_huge_page(govsim):
    govsim.huge_bytes = 50 * 1024 * 1024
    govsim.set_fault(PID, "huge")
    r = fetch(_start(govsim), timeout=10)
    assert int(r.headers["content-length"]) >= 50 * 1024 * 1024 - 100_000
    assert len(r.body) == int(r.headers["content-length"]) and r.body.rstrip().endswith(b"</html>")


def test_gzip_bomb_is_tiny_on_the_wire_and_huge_inflated(govsim):
    govsim.set_fault(PID, "gzip_bomb")
    host, port = govsim.base_urls[PID].split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("GET", "/zwgk/fzjs/list.html", headers={"Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    assert resp.getheader("Content-Encoding") == "gzip"
    wire = int(resp.getheader("Content-Length"))
    assert wire < 4 * 1024 * 1024
    head = resp.read(64 * 1024)
    conn.close()
    inflated = zlib.decompressobj(31).decompress(head, 256 * 1024 * 1024)
    ratio = len(inflated) / len(head)
    assert ratio > 500  # so the whole body inflates to > 1 GB
    assert wire * ratio > 1e9


def test_wrong_content_type(govsim):
    govsim.set_fault("jmsfj", "wrong_content_type")
    m = govsim.manifest()
    att = next(e for e in m["pages"] if e["kind"] == "attachment")
    html_page = next(e for e in m["pages"] if e["portal"] == "jmsfj" and e["kind"] == "report")
    r = fetch(html_page["url"])
    assert r.headers["content-type"] == "application/octet-stream" and b"<html" in r.body
    r = fetch(att["url"])
    assert r.headers["content-type"].startswith("text/html") and r.body.startswith(b"%PDF")
