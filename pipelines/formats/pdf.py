"""PDF with pypdf: the text layer when there is one, else OCR of the page images (a scanned report).

A PDF is a scan when it holds fewer than ``MIN_TEXT_CHARS`` characters of text per page on average and its
pages carry images (a stamped copy may carry a stray text line, such as a page number).
"""

from __future__ import annotations

import io
import re

from pipelines.formats.base import PAGE_NUMBER, DocText, FormatError

MIN_TEXT_CHARS = 20
_MAX_PAGES = 300
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _tidy(text: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not PAGE_NUMBER.match(line)]


def _page_image(page):
    """The largest image drawn on a page (a scan is one image per page)."""
    images = list(page.images)
    if not images:
        return None
    best = max(images, key=lambda im: len(im.data))
    return best.image


def read_pdf(body: bytes, *, ocr: bool = True) -> DocText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = list(reader.pages)
        texts = [page.extract_text() or "" for page in pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FormatError(f"PDF could not be read: {exc}") from exc
    title = ((info.title if info is not None else None) or "").strip()
    title = title if len(title) >= 4 and _CJK.search(title) else None
    raw = [line for text in texts for line in _tidy(text)]
    scanned = sum(len(line) for line in raw) < MIN_TEXT_CHARS * max(1, len(pages)) and any(
        page.images for page in pages
    )
    if not scanned:
        doc = DocText(lines=raw, title=title, method="pdf", pages=len(pages), visual=True)
        if not raw:
            doc.problems.append("PDF has no text layer and no page images")
        return doc
    if not ocr:
        return DocText(title=title, method="ocr", pages=len(pages), needs_ocr=True)
    if len(pages) > _MAX_PAGES:
        raise FormatError(f"scanned PDF of {len(pages)} pages is too long to OCR")
    from pipelines.formats.ocr import ocr_images

    # One page image decoded at a time: a 200 dpi A4 page is 11 MB in memory.
    doc = ocr_images(image for image in (_page_image(page) for page in pages) if image is not None)
    if not doc.pages:
        raise FormatError("PDF has neither a text layer nor page images")
    doc.title = title
    return doc
