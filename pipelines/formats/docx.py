"""DOCX (Office Open XML) with python-docx: body paragraphs and table cells in document order.

Headers, footers and footnotes are left out (page furniture, not the report). Manual line breaks inside a
paragraph become line ends, as they are on the page.
"""

from __future__ import annotations

import io

from pipelines.formats.base import DocText, FormatError


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
        document = docx.Document(io.BytesIO(body))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise FormatError(f"DOCX could not be opened: {exc}") from exc
    lines = [line for block in document.iter_inner_content() for line in _block_lines(block) if line]
    title = (document.core_properties.title or "").strip() or None
    return DocText(lines=lines, title=title, method="docx", pages=1)
