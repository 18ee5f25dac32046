"""Finding one portal's report column: a best-first walk from the home page, then the site search.

:class:`Discovery` is pure logic (no Scrapy): it hands out the next :class:`Fetch`, is told what came back,
and ends with the column(s) found — each with its evidence, the path of links and anchor texts from the home
page — or with ``no_column_found`` and the list of what was tried. The Scrapy side
(crawler/discovery/spider.py) only moves bytes.

The walk: pages are fetched in order of their link's score (crawler/discovery/score.py), decoys never. A page
that lists annual reports is the column. A report article met on the way (or offered by the site search)
leads to its column through the article's breadcrumb. When no promising link is left, the portal's own site
search is asked for the report's title words. Everything within ``budget`` requests.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.discovery.score import (
    COLUMN_WORDS,
    clean,
    is_column,
    is_report_title,
    link_score,
    looks_like_article,
    page_links,
)
from crawler.discovery.search import (
    QUERIES,
    SearchForm,
    breadcrumb_links,
    find_form,
    result_links,
    search_request,
)
from crawler.walkers.links import canonical_url

DEFAULT_BUDGET = 40
MAX_DEPTH = 5  # clicks from the home page; real portals put the column 2–4 clicks deep
_ARTICLE_PRIORITY = 8.0  # a report article on the way: its breadcrumb names the column
_FROM_CRUMB_PRIORITY = 50.0  # a column named by a report article's breadcrumb: check it next
_NEXT_PAGE = re.compile(r"下一页|下页|后一页|>|›|»")


@dataclass(frozen=True)
class Step:
    """One link on the way to the column: where it led and what it said."""

    url: str
    anchor: str
    title: str = ""

    def as_dict(self) -> dict:
        return {"url": self.url, "anchor": self.anchor, "title": self.title}


@dataclass(frozen=True)
class Fetch:
    """A request discovery wants made. ``kind``: page (navigation or column) | article | search."""

    url: str
    kind: str
    path: tuple[Step, ...]
    method: str = "GET"
    formdata: dict[str, str] | None = None
    list_of: str | None = None  # a later page of this list (the column is its first page)


@dataclass
class Found:
    url: str
    via: str  # tree | search
    evidence: list[dict]
    reports: int


@dataclass
class Discovery:
    """The discovery of one portal's report column (module docs)."""

    portal_id: str
    home_url: str
    in_scope: Callable[[str], bool]
    budget: int = DEFAULT_BUDGET
    requests: int = 0
    found: list[Found] = field(default_factory=list)
    tried: list[dict] = field(default_factory=list)
    _frontier: list = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _seq: itertools.count = field(default_factory=itertools.count)
    _form: SearchForm | None = None
    _queries: list[str] = field(default_factory=lambda: list(QUERIES))
    _pending: int = 0

    def __post_init__(self) -> None:
        home = canonical_url(self.home_url)
        self._push(1e9, Fetch(home, "page", (Step(home, "首页"),)))

    # -- the frontier ------------------------------------------------------------------------------------
    def _push(self, priority: float, fetch: Fetch) -> None:
        key = fetch.url if fetch.method == "GET" else f"{fetch.url}#{sorted((fetch.formdata or {}).items())}"
        if key in self._seen:
            return
        self._seen.add(key)
        heapq.heappush(self._frontier, (-priority, next(self._seq), fetch))

    @property
    def done(self) -> bool:
        return bool(self.found) or (self._pending == 0 and not self._next_available())

    @property
    def outcome(self) -> str:
        return "found" if self.found else "no_column_found"

    def _next_available(self) -> bool:
        return self.requests < self.budget and (bool(self._frontier) or self._search_possible())

    def _search_possible(self) -> bool:
        return self._form is not None and bool(self._queries)

    def next_fetch(self) -> Fetch | None:
        """The next request to make, or None (done, out of budget, or waiting for an answer)."""
        if self.found or self.requests >= self.budget or self._pending:
            return None
        if self._frontier:
            _, _, fetch = heapq.heappop(self._frontier)
        elif self._search_possible():
            query = self._queries.pop(0)
            req = search_request(self._form, query)
            where = Step(req.url, f"站内搜索：{query}")
            fetch = Fetch(req.url, "search", (*self._home_path(), where), req.method, req.formdata)
        else:
            return None
        self.requests += 1
        self._pending += 1
        return fetch

    def _home_path(self) -> tuple[Step, ...]:
        home = canonical_url(self.home_url)
        return (Step(home, "首页"),)

    # -- answers -------------------------------------------------------------------------------------------
    def on_response(self, fetch: Fetch, status: int, url: str, body: str, *, rendered: bool = False) -> str:
        """Take in what a fetch returned; returns a short note (also kept in :attr:`tried`)."""
        self._pending = max(0, self._pending - 1)
        if status >= 400 or not body:
            note = f"HTTP {status}" if status >= 400 else "empty answer"
        elif fetch.kind == "search":
            note = self._on_search(fetch, url, body)
        elif fetch.kind == "article":
            note = self._on_article(fetch, url, body)
        else:
            note = self._on_page(fetch, url, body)
        self.tried.append({"url": fetch.url, "kind": fetch.kind, "status": status, "note": note})
        return note

    def on_error(self, fetch: Fetch, message: str) -> None:
        self._pending = max(0, self._pending - 1)
        self.tried.append({"url": fetch.url, "kind": fetch.kind, "status": None, "note": message[:200]})

    def undo(self, fetch: Fetch) -> None:
        """A fetch that was never sent (out of scope, refused): give its request back."""
        self._pending = max(0, self._pending - 1)
        self.requests -= 1

    def needs_render(self, fetch: Fetch, url: str, body: str) -> bool:
        """Whether a page that is not (visibly) a column was reached through a link naming the topic, so that
        a list built in script is worth a browser's look."""
        if fetch.kind != "page" or len(fetch.path) < 2:
            return False
        return bool(COLUMN_WORDS.search(clean(fetch.path[-1].anchor + fetch.path[-1].title)))

    def _on_page(self, fetch: Fetch, url: str, body: str) -> str:
        here = canonical_url(url)
        links = page_links(body, here)
        depth = len(fetch.path) - 1
        if self._form is None:
            self._form = find_form(body, here)
        anchor = fetch.path[-1].anchor + fetch.path[-1].title
        reports = 0
        if depth > 0 and here != canonical_url(self.home_url):
            ok, reports = is_column(body, here, anchor, links)
            if ok:
                column = fetch.list_of or here  # a later page proves its list's first page is the column
                last = fetch.path[-1]
                path = (
                    fetch.path if fetch.list_of else fetch.path[:-1] + (Step(here, last.anchor, last.title),)
                )
                via = "search" if any(s.anchor.startswith("站内搜索") for s in path) else "tree"
                self.found.append(Found(column, via, [s.as_dict() for s in path], reports))
                return f"column: {reports} report(s) listed" + (
                    f" on a later page of {column}" if fetch.list_of else ""
                )
        if depth >= MAX_DEPTH:
            return "too deep"
        # a page named for the reports but listing none yet (newer items first): look at its next page
        named = depth > 0 and bool(COLUMN_WORDS.search(clean(anchor))) and not reports and not fetch.list_of
        queued = 0
        for link in links:
            if link.url == here or not self.in_scope(link.url):
                continue
            if _NEXT_PAGE.fullmatch(link.anchor.strip()):
                if named and _same_folder(link.url, here):
                    self._push(_FROM_CRUMB_PRIORITY - 5, Fetch(link.url, "page", fetch.path, list_of=here))
                    queued += 1
                    named = False  # one next page is enough
                continue
            step = Step(link.url, link.anchor, link.title)
            if looks_like_article(link.url):
                if is_report_title(link.text):
                    self._push(_ARTICLE_PRIORITY - depth, Fetch(link.url, "article", (*fetch.path, step)))
                    queued += 1
                continue
            score = link_score(link.text, link.url)
            if score > 0:
                self._push(score - 0.5 * depth, Fetch(link.url, "page", (*fetch.path, step)))
                queued += 1
        return f"{len(links)} links, {queued} worth following"

    def _on_article(self, fetch: Fetch, url: str, body: str) -> str:
        """A report article: its breadcrumb's last link (after 首页) is the column it sits in."""
        here = canonical_url(url)
        home = canonical_url(self.home_url)
        crumbs = [
            c for c in breadcrumb_links(body, here) if c.url not in (here, home) and self.in_scope(c.url)
        ]
        if not crumbs:
            parent = here.rsplit("/", 1)[0] + "/"
            if urlsplit(parent).path in ("", "/"):
                return "report article without a breadcrumb"
            crumbs_note, target, anchor = "no breadcrumb: its folder", parent, "(folder of the article)"
        else:
            crumbs_note, target, anchor = (
                f"breadcrumb: {' > '.join(c.anchor for c in crumbs)}",
                crumbs[-1].url,
                crumbs[-1].anchor,
            )
        step = Step(target, anchor)
        self._push(_FROM_CRUMB_PRIORITY, Fetch(target, "page", (*fetch.path, step)))
        return crumbs_note

    def _on_search(self, fetch: Fetch, url: str, body: str) -> str:
        links = [link for link in result_links(body, url) if self.in_scope(link.url)]
        reports = [link for link in links if is_report_title(link.text) and looks_like_article(link.url)]
        for rank, link in enumerate(reports[:2]):
            step = Step(link.url, link.anchor, link.title)
            self._push(_FROM_CRUMB_PRIORITY - 10 - rank, Fetch(link.url, "article", (*fetch.path, step)))
        return f"{len(links)} results, {len(reports)} report(s)"


def _same_folder(url: str, here: str) -> bool:
    """``index_1.html`` / ``list_2.html`` / ``?page=2`` beside ``here``: the same list."""
    a, b = urlsplit(url), urlsplit(here)
    return a.netloc == b.netloc and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]
