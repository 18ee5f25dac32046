"""PDF with PDFium (pypdfium2): the text layer when there is one, else OCR of the page images (a scan).

A PDF is a scan when it holds fewer than ``MIN_TEXT_CHARS`` characters of text per page on average and its
pages carry images (a stamped copy may carry a stray text line, such as a page number).

PDFium rather than pypdf: the same text on govsim's CID-font reports, 20–25 times faster (pypdf parsed a
font's ToUnicode CMap again for every page: 1.5 s for a 7-page report; bench/README.md, bench.formats), and
it is the parser Chromium exposes to every hostile PDF on the web.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pipelines.formats.base import PAGE_NUMBER, DocText, FormatError

MIN_TEXT_CHARS = 20
_MAX_PAGES = 300
_CJK = re.compile(r"[\u4e00-\u9fff]")
T = TypeVar("T")


def _tidy(text: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not PAGE_NUMBER.match(line)]


def _images(page) -> list:
    import pypdfium2.raw as pdfium_c

    return list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()


def _page_image(page):
    """The largest image drawn on a page, as stored (a scan is one image per page)."""
    images = _images(page)
    if not images:
        return None
    width, height = max((image.get_px_size() for image in images), key=lambda size: size[0] * size[1])
    best = next(image for image in images if image.get_px_size() == (width, height))
    return best.get_bitmap(render=False).to_pil()


def _each_page(pdf, read: Callable[[Any], T]) -> Iterator[T]:
    """``read`` of every page, each page closed after it (PDFium holds a page's parsed content until then)."""
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            yield read(page)
        finally:
            page.close()


def read_pdf(body: bytes, *, ocr: bool = True) -> DocText:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        raise FormatError(f"PDF could not be read: {exc}") from exc
    try:
        return _read(pdf, ocr=ocr)
    except pdfium.PdfiumError as exc:
        raise FormatError(f"PDF could not be read: {exc}") from exc
    finally:
        pdf.close()


def _read(pdf, *, ocr: bool) -> DocText:
    pages = len(pdf)
    texts = list(_each_page(pdf, _page_text))
    title = (pdf.get_metadata_dict().get("Title") or "").strip()
    title = title if len(title) >= 4 and _CJK.search(title) else None
    raw = [line for text in texts for line in _tidy(text)]
    scanned = sum(len(line) for line in raw) < MIN_TEXT_CHARS * max(1, pages) and any(
        _each_page(pdf, _images)
    )
    if not scanned:
        doc = DocText(lines=raw, title=title, method="pdf", pages=pages, visual=True)
        if not raw:
            doc.problems.append("PDF has no text layer and no page images")
        return doc
    if not ocr:
        return DocText(title=title, method="ocr", pages=pages, needs_ocr=True)
    if pages > _MAX_PAGES:
        raise FormatError(f"scanned PDF of {pages} pages is too long to OCR")
    from pipelines.formats.ocr import ocr_images

    # One page image decoded at a time: a 200 dpi A4 page is 11 MB in memory.
    doc = ocr_images(image for image in _each_page(pdf, _page_image) if image is not None)
    if not doc.pages:
        raise FormatError("PDF has neither a text layer nor page images")
    doc.title = title
    return doc
