"""Extraction again, over raw bytes already in the archive: the same chain a crawl runs, without Scrapy.

``fazhi reextract`` uses it after an extractor or rule-pack upgrade: each stored capture goes through
extract → normalize → classify → dedup exactly as a fetched page would, and the archive records a changed
text as a re-extraction (:func:`archive.store.record_reextraction`), never as a government edit.
"""

from __future__ import annotations

from datetime import datetime

from pipelines.classify import ClassifyPipeline
from pipelines.dedup import DedupPipeline
from pipelines.extract import ExtractPipeline
from pipelines.items import PageItem
from pipelines.normalize import NormalizePipeline

# Scans are OCR'd inline: there is no crawl to keep responsive, and the command waits for each text anyway.
_CHAIN = (ExtractPipeline(inline_ocr=True), NormalizePipeline(), ClassifyPipeline(), DedupPipeline())


def reextract(
    *,
    portal_id: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    fetched_at: datetime,
    status: int = 200,
    list_title: str | None = None,
    pages: list[tuple[str, bytes]] | None = None,
) -> PageItem:
    """The item a crawl would have stored for this capture with today's extractor; ``pages`` are the later
    pages of an article split over pages (``archive.store.version_pages``), stitched as the crawl did."""
    item = PageItem(
        portal_id=portal_id,
        url=url,
        requested_url=url,
        status=status,
        headers={k.lower(): v for k, v in headers.items()},
        body=body,
        fetched_at=fetched_at,
        list_title=list_title,
        pages=list(pages or []),
    )
    for stage in _CHAIN:
        item = stage.process_item(item)
    return item
