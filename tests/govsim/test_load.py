"""Concurrency: 200 simultaneous requests over loopback, none fails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .helpers import fetch


def test_200_concurrent_requests(govsim):
    m = govsim.manifest()
    gated = {p["id"] for p in m["portals"] if p["gate"]}
    pages = [e for e in m["pages"] if e["portal"] not in gated]
    urls = [pages[i % len(pages)] for i in range(200)]
    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(lambda e: (e, fetch(e["url"], timeout=15).status), urls))
    assert all(status == e["status"] for e, status in results)
