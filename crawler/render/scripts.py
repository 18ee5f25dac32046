"""Page scripts served from memory once they have proved static.

Playwright turns the browser's HTTP cache off for every page with a route, and each of our pages has one (the
portal's scope, redirects, the abort rule), so every render fetched the portal's scripts again: on govsim's
script-only portals one of a render's three round trips (the shell, ``/static/app.js``, the article's data),
on real portals framework bundles of hundreds of KB, each time.

Scripts are code, not content: a script URL answered twice with the same bytes is kept for the rest of the
crawl and handed to later renders without a request. Nothing else is (documents and fetch/XHR data are
always fetched), nor a script marked ``no-store``, nor one whose bytes change between requests (an anti-bot
challenge's per-visit script). Memory is bounded: entries up to ``max_entry`` bytes, ``max_bytes`` in all,
least recently used out first; the URLs remembered while waiting for their second answer are capped too.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

MAX_BYTES = 32 * 2**20
MAX_ENTRY = 2 * 2**20
MAX_PENDING = 20_000  # script URLs seen once (a digest each), waiting for a second answer


@dataclass(frozen=True)
class CachedScript:
    content_type: str
    body: bytes


class ScriptCache:
    """Scripts by URL, kept once two answers agreed (module docs)."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY) -> None:
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self._first: OrderedDict[str, bytes] = OrderedDict()  # url → digest of its first answer
        self._kept: OrderedDict[str, CachedScript] = OrderedDict()
        self._size = 0
        self.served = 0

    def get(self, url: str) -> CachedScript | None:
        script = self._kept.get(url)
        if script is not None:
            self._kept.move_to_end(url)
        return script

    def serve(self, url: str) -> CachedScript | None:
        """:meth:`get`, counted as a request the browser did not send."""
        script = self.get(url)
        if script is not None:
            self.served += 1
        return script

    def offer(self, url: str, headers: dict[str, str], body: bytes) -> None:
        """A script's 200 answer (``headers`` lower-cased, as Playwright gives them)."""
        if url in self._kept or len(body) > self.max_entry or "no-store" in headers.get("cache-control", ""):
            return
        digest = hashlib.blake2b(body, digest_size=16).digest()
        first = self._first.pop(url, None)
        if first != digest:  # its first answer, or bytes that changed: wait for another
            self._first[url] = digest
            if len(self._first) > MAX_PENDING:
                self._first.popitem(last=False)
            return
        self._kept[url] = CachedScript(headers.get("content-type", "application/javascript"), body)
        self._size += len(body)
        while self._size > self.max_bytes:
            _, old = self._kept.popitem(last=False)
            self._size -= len(old.body)
