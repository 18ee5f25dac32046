"""What the store needs to know about a fetch: the shapes it reads, as typing protocols.

The archive is the bottom layer, so it cannot import the crawl's item classes; the pipelines' items
(:mod:`pipelines.items`) satisfy these protocols structurally.
"""

from __future__ import annotations

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
    # text_method: str | None; text_confidence: float | None; parent_url: str | None (an attachment's page)


class MissingPage(Protocol):
    """A known URL that answered 404/410 or a soft 404."""

    portal_id: str
    url: str
    status: int
    fetched_at: datetime
    reason: str


class UnchangedPage(Protocol):
    """A known URL that answered 304 (or needs no fetch)."""

    portal_id: str
    url: str
    fetched_at: datetime
