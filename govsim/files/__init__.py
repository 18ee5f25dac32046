"""Report files as governments publish them, written from canonical text lines: DOCX, Word 97 DOC, WPS,
OFD, text-layer PDF and scanned PDF. Each writer puts the title first (as the printed document does) and
the body lines after it; the manifest's ground truth is the body (see ``FORMATS``)."""

from __future__ import annotations

from collections.abc import Callable

from ..pdf import make_pdf
from .docx import make_docx
from .ofd import make_ofd
from .scan import make_scan_pdf
from .word97 import make_doc


def _pdf(title: str, lines: tuple[str, ...]) -> bytes:
    return make_pdf(title, lines)


def _wps(title: str, lines: tuple[str, ...]) -> bytes:
    return make_doc(title, lines, wps=True)


#: format → (file extension, Content-Type, writer(title, body lines) → bytes)
FORMATS: dict[str, tuple[str, str, Callable[[str, tuple[str, ...]], bytes]]] = {
    "pdf": ("pdf", "application/pdf", _pdf),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", make_docx),
    "doc": ("doc", "application/msword", make_doc),
    "wps": ("wps", "application/kswps", _wps),
    "ofd": ("ofd", "application/ofd", make_ofd),
    "scan": ("pdf", "application/pdf", make_scan_pdf),
}


#: format → the file extension its links and URLs show
FILE_EXT = {fmt: ext for fmt, (ext, _, _) in FORMATS.items()}


def make_file(fmt: str, title: str, lines: tuple[str, ...]) -> tuple[bytes, str]:
    """The bytes and Content-Type of a report file in format ``fmt`` (a key of :data:`FORMATS`)."""
    _, ctype, writer = FORMATS[fmt]
    return writer(title, tuple(lines)), ctype
