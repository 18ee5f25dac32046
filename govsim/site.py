"""One portal on one day: which URL is what (DayView), the request/response types, and article texts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from . import content
from .portals import Article, Portal, day_date

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .families.base import Family


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))

    @property
    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for part in self.headers.get("cookie", "").split(";"):
            if "=" in part:
                k, v = part.split("=", 1)
                jar[k.strip()] = v.strip()
        return jar


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None  # streamed body (huge page, gzip bomb); needs ``length``
    length: int | None = None  # Content-Length to announce (may lie: the truncate fault)
    action: str | None = None  # transport-level behaviour: "reset" | "truncate"
    delay: float = 0.0  # seconds the server waits before answering (latency, a slow or unreachable host)
    etag: str | None = None
    last_modified: date | None = None


def etag_of(body: bytes) -> str:
    """A strong ETag for these bytes: stable within a day, new with any change."""
    return '"' + hashlib.md5(body).hexdigest()[:20] + '"'


def path_key(path: str, query: str = "") -> str:
    """URL identity inside a portal: the path plus the query with its parameters sorted."""
    if not query:
        return path
    return path + "?" + urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


def split_key(url_path: str) -> str:
    path, _, query = url_path.partition("?")
    return path_key(path, query)


def article_lines(seed: int, art: Article, day: int) -> list[str]:
    """The canonical (manifest) text of an article on a day, one paragraph per list item."""
    kind = art.body[0]
    if kind == "corpus":
        lines = content.corpus_text(art.body[1]) or content.report_lines(seed, *art.body[2])
    elif kind == "report":
        lines = content.report_lines(seed, *art.body[1:])
    else:
        lines = content.other_lines(seed, *art.body[1:])
    if art.edit_day and day >= art.edit_day:
        lines = content.edit_lines(lines)
    return list(lines)


def article_truth(seed: int, art: Article) -> dict | None:
    """Ground truth of a generated report (parts present, key figures); None for corpus texts and others."""
    kind = art.body[0]
    if kind == "report":
        args = art.body[1:]
    elif kind == "corpus" and not from_corpus(art):
        args = art.body[2]
    else:
        return None
    truth = content.report_truth(seed, *args)
    return {"parts": list(truth.parts), "figures": [dict(f) for f in truth.figures]}


def split_pages(lines: list[str], n: int) -> list[list[str]]:
    """``lines`` cut into ``n`` pages of about equal length at paragraph ends (as TRS's page-break tool)."""
    total = sum(len(line) for line in lines)
    pages: list[list[str]] = [[] for _ in range(n)]
    seen = 0
    for line in lines:
        pages[min(n - 1, seen * n // max(1, total))].append(line)
        seen += len(line)
    return [page for page in pages if page] or [[]]


#: The whole body of an attachment-only report page (the report is the attachment).
ATTACHMENT_ONLY_LINES = ["详见附件。"]


def from_corpus(art: Article) -> bool:
    return art.body[0] == "corpus" and content.corpus_text(art.body[1]) is not None


class DayView:
    """The URL map of one portal on one day: list pages, live articles, moved (301) and removed (404) ones."""

    def __init__(self, portal: Portal, family: Family, day: int):
        self.portal, self.family, self.day, self.date = portal, family, day, day_date(day)
        items = [a for a in portal.articles if a.visible(day)]
        items.sort(key=lambda a: (a.published, a.aid), reverse=True)
        size = max(1, portal.page_size)
        pages = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        self.reordered: int | None = None
        if portal.reorder_day and day >= portal.reorder_day:
            self.reordered = 1 if len(pages) > 1 else 0
            pages[self.reordered] = list(reversed(pages[self.reordered]))
        self.items = [a for page in pages for a in page]
        self.pages = pages
        self.paths: dict[str, tuple[str, object]] = {}
        self.url_of: dict[int, str] = {}  # aid -> current path
        self.list_paths = [family.list_path(portal, i) for i in range(family.list_page_count(self))]
        for i, lp in enumerate(self.list_paths if portal.has_column else []):
            self.paths[split_key(lp)] = ("list", i)
        for a in portal.articles:
            if a.appear_day > day:
                continue
            original = family.article_path(portal, a, a.aid)
            if not a.visible(day):
                self.paths[split_key(original)] = ("gone", a)
                continue
            if a.standalone:
                current = family.file_path(portal, a, a.current_aid(day))
            else:
                current = family.article_path(portal, a, a.current_aid(day))
            self.url_of[a.aid] = current
            self.paths[split_key(current)] = ("file" if a.standalone else "article", a)
            for i in range(1, a.pages):
                self.paths[split_key(family.page_path(current, i))] = ("article_page", (a, i))
            if a.moved(day):
                self.paths[split_key(original)] = ("moved", a)
            if a.attachment:
                self.paths[split_key(family.attachment_path(portal, a))] = ("attachment", a)

    def lookup(self, req: Request) -> tuple[str, object] | None:
        return self.paths.get(path_key(req.path, req.query))

    def related(self, art: Article, n: int = 3) -> list[tuple[str, str]]:
        """相关文档: a few other live articles of the portal (their titles must not leak into the text)."""
        others = [a for a in self.items if a.aid != art.aid]
        start = art.aid % max(1, len(others)) if others else 0
        picked = (others[start:] + others[:start])[:n]
        return [(self.url_of[a.aid], a.title) for a in picked]
