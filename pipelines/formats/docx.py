"""DOCX (Office Open XML) with python-docx: body paragraphs and table cells in document order.

Headers, footers and footnotes are left out (page furniture, not the report). Manual line breaks inside a
paragraph become line ends, as they are on the page.
"""

from __future__ import annotations

import io
import zipfile

from pipelines.formats.base import DocText, FormatError
from pipelines.htmltext import strip_control_bytes

_XML = (".xml", ".rels")


def _parseable(body: bytes) -> bytes:
    """The package with raw control bytes taken out of its XML parts (:func:`strip_control_bytes`), which
    python-docx's strict parser refuses; the same bytes when there are none (nearly every file)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        xml = {
            info.filename: archive.read(info) for info in archive.infolist() if info.filename.endswith(_XML)
        }
    except (zipfile.BadZipFile, ValueError, OSError, KeyError):
        return body  # python-docx says what is wrong with it
    cleaned = {name: strip_control_bytes(data) for name, data in xml.items()}
    if all(cleaned[name] is xml[name] for name in xml):
        return body
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            out.writestr(info, cleaned[info.filename] if info.filename in cleaned else archive.read(info))
    return buf.getvalue()


def _paragraph_lines(paragraph) -> list[str]:
    return [part.strip() for part in paragraph.text.splitlines()]


def _block_lines(block) -> list[str]:
    from docx.table import Table

    if isinstance(block, Table):
        lines: list[str] = []
        for row in block.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                    continue
                seen.add(id(cell._tc))
                for inner in cell.iter_inner_content():
                    lines.extend(_block_lines(inner))
        return lines
    return _paragraph_lines(block)


def read_docx(body: bytes, *, ocr: bool = True) -> DocText:
    """Paragraphs of a DOCX body; the title from its core properties when it has a real one."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(_parseable(body)))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise FormatError(f"DOCX could not be opened: {exc}") from exc
    lines = [line for block in document.iter_inner_content() for line in _block_lines(block) if line]
    title = (document.core_properties.title or "").strip() or None
    return DocText(lines=lines, title=title, method="docx", pages=1)
