"""Text of report files in every format governments publish: one small module per format, chosen by sniffing.

:func:`sniff` decides the format from the first bytes (magic numbers) and falls back to the Content-Type and
the URL's extension only where the bytes cannot tell (an OLE compound file is Word 97 or Kingsoft WPS;
a zip is DOCX or OFD by its members). :func:`read_document` runs that format's reader and returns
:class:`DocText`: paragraphs, a title when the file states one, how the text was obtained (``method``) and,
for OCR, the mean recognition confidence. OCR text is never mixed with text-layer text: a document is read
either from its text layer or, when it has none, by OCR, and ``method`` says which.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from urllib.parse import urlsplit

from pipelines.formats.base import DocText, FormatError
from pipelines.htmltext import clean_controls

__all__ = ["DocText", "FormatError", "is_document", "read_document", "sniff"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_TYPE_HINTS = {
    "wps": ("kswps", "ms-works", "wps-office.wps", ".wps"),
    "doc": ("msword", ".doc"),
}

#: Formats read by :func:`read_document` (HTML and plain text go to the page extractor instead).
DOCUMENT_KINDS = ("pdf", "docx", "doc", "wps", "ofd", "image")


def _zip_kind(body: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def sniff(body: bytes, content_type: str | None = None, url: str = "") -> str:
    """The format of ``body``: pdf | docx | doc | wps | ofd | image | zip | html (anything else).

    Bytes decide first: portals serve Word files as ``text/html`` and HTML as ``.doc`` (Word's "save as web
    page"). The Content-Type and extension only tell a WPS file from a Word one (both OLE compound files).
    """
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(_OLE):
        hint = f"{(content_type or '').lower()} {urlsplit(url).path.lower()}"
        return "wps" if any(h in hint for h in _TYPE_HINTS["wps"]) else "doc"
    if body.startswith(b"PK\x03\x04"):
        return _zip_kind(body)
    if body.startswith(_IMAGE_MAGIC):
        return "image"
    return "html"


def is_document(kind: str) -> bool:
    return kind in DOCUMENT_KINDS


def _reader(kind: str) -> Callable[..., DocText]:
    # Imported on demand: a crawl of HTML portals never loads python-docx, olefile or the OCR engine.
    if kind == "pdf":
        from pipelines.formats.pdf import read_pdf

        return read_pdf
    if kind == "docx":
        from pipelines.formats.docx import read_docx

        return read_docx
    if kind in ("doc", "wps"):
        from pipelines.formats.doc import read_doc

        return read_doc
    if kind == "ofd":
        from pipelines.formats.ofd import read_ofd

        return read_ofd
    if kind == "image":
        from pipelines.formats.ocr import read_image

        return read_image
    raise FormatError(f"no reader for {kind!r}")


def _clean(doc: DocText) -> None:
    """Every format's text through the HTML path's one cleaning step (:func:`clean_controls`): Word's
    VT line breaks, stray BEL/US bytes and C1 junk reach readers from every format, in lines and titles."""
    lines = (part.strip() for line in doc.lines for part in clean_controls(line).split("\n"))
    doc.lines = [line for line in lines if line]
    if doc.title is not None:
        doc.title = clean_controls(doc.title).replace("\n", " ").strip() or None


def read_document(body: bytes, kind: str, *, ocr: bool = True) -> DocText:
    """Text of a document of a sniffed ``kind``. Never raises: unreadable files come back with a problem note.

    ``ocr=False`` leaves scans unread (``DocText.needs_ocr`` set) so the caller can OCR them off the crawl's
    event loop and within its budget.
    """
    try:
        doc = _reader(kind)(body, ocr=ocr)
    except FormatError as exc:
        return DocText(kind=kind, method=kind, problems=[str(exc)])
    except Exception as exc:  # noqa: BLE001 - a hostile or broken file must not stop the crawl
        return DocText(kind=kind, method=kind, problems=[f"{kind.upper()} could not be read: {exc!r}"[:300]])
    _clean(doc)
    doc.kind = kind
    if kind == "wps" and doc.method == "doc":
        doc.method = "wps"
    return doc
