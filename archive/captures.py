"""What a crawl tells the store: a fetched page (the shape the store reads, as a typing protocol that the
pipelines' :class:`pipelines.items.PageItem` satisfies: the archive cannot import the layers above it), a
known URL that went missing, and one that did not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class FetchedPage(Protocol):
    """A fetched page or attachment with its extracted, normalized and classified text."""

    portal_id: str
    url: str
    requested_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    official: bool
    list_title: str | None
    rendered: bool
    encoding: str | None
    title: str | None
    text_extracted: str | None
    published: date | None
    publisher: str | None
    text: str | None
    kind: str
    year: int | None
    text_hash: str | None
    problems: list[str]
    # optional (read with getattr): how the text was read, and OCR's mean score
    # text_method: str | None; text_confidence: float | None; parent_url: str | None (an attachment's page);
    # pages: list[tuple[str, bytes]] (an article's later pages, stored with their raw bytes);
    # render_data: list[list[str | None]] | None (a rendered page's data requests with their validators)


@dataclass
class PageMissing:
    """A known document URL answered 404/410 or a soft 404 (never timeouts or 5xx)."""

    portal_id: str
    url: str
    status: int
    fetched_at: datetime
    reason: str = ""


@dataclass
class PageNotModified:
    """A known document URL answered 304, or was skipped because nothing can have changed."""

    portal_id: str
    url: str
    fetched_at: datetime


@dataclass
class ListRendered:
    """A script-built list page (page 1 of a column) the browser rendered: its shell's validators and the
    data requests that filled it (None: the rendering did not vouch for them), for the next crawl's checks."""

    portal_id: str
    url: str
    etag: str | None
    last_modified: str | None
    render_data: list[list[str | None]] | None
    fetched_at: datetime
