"""Items that travel from the ``reports`` spider through the pipelines into the archive.

The spider fills the fetch fields of :class:`PageItem`; each pipeline fills its own block of fields
(see ``docs/internals.md``). :class:`PageMissing` and :class:`PageNotModified` (defined by the archive, which records them) carry what a
re-crawl learns about known documents without a new body; pipelines other than ``store`` pass them through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from archive.captures import ListRendered, PageMissing, PageNotModified


@dataclass
class PageItem:
    """One fetched article page (or attachment) and everything learned from it."""

    # -- fetch (spider) --
    portal_id: str
    url: str  # final URL after redirects: the document's identity
    requested_url: str  # what was asked for; differs from ``url`` after a redirect (a move)
    status: int
    headers: dict[str, str] = field(repr=False)  # lower-cased names, first value only
    body: bytes = field(repr=False)
    fetched_at: datetime  # timezone-aware UTC
    official: bool = True
    list_title: str | None = None  # anchor text on the list page that led here
    list_date: str | None = None  # date shown next to the link on the list page, if any
    rendered: bool = False  # fetched through the browser
    # a rendered page's data requests as [url, etag, last-modified], when they vouch for its text (RenderJob)
    render_data: list[list[str | None]] | None = None
    parent_url: str | None = None  # for an attachment: the page that linked it (its report group's copy)
    # the following pages of an article split over pages (TRS ``t…_1.shtml``): (URL, body), in order
    pages: list[tuple[str, bytes]] = field(default_factory=list, repr=False)
    # -- extract --
    encoding: str | None = None
    title: str | None = None
    text_extracted: str | None = field(
        default=None, repr=False
    )  # main text as extracted, before normalization
    published: date | None = None
    publisher: str | None = None
    meta: dict[str, str] = field(default_factory=dict, repr=False)  # 指引 meta tags etc., keys lower-cased
    attachments: list[str] = field(default_factory=list)  # absolute URLs of pdf/doc/... links in the body
    # how the text was read: html container/trafilatura name, pdf, docx, doc, wps, ofd, ocr:<engine>
    text_method: str | None = None
    text_confidence: float | None = None  # OCR's mean score (0–1); None for text layers
    page_urls: list[str] = field(default_factory=list)  # every page's URL when the text was stitched
    ocr_read: bool = False  # the OCR'd copy of a scan, sent on after the OCR worker (extract skips it)
    # -- normalize --
    text: str | None = field(
        default=None, repr=False
    )  # normalized text (NFKC, simplified, pinyin removed, tidy whitespace)
    was_traditional: bool = False
    pinyin_removed: int = 0
    # -- classify --
    kind: str = "other"  # "report" | "other"
    year: int | None = None  # the year the report covers
    # -- dedup (fingerprints; grouping itself happens in the store's transaction) --
    text_hash: str | None = None  # sha256 hex of ``text``
    problems: list[str] = field(default_factory=list)  # human-readable notes (empty page, bad bytes, ...)


__all__ = ["ListRendered", "PageItem", "PageMissing", "PageNotModified"]
