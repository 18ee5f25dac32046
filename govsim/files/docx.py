"""DOCX written with python-docx the way 公文 are typed: a centred title in 方正小标宋, body paragraphs in
仿宋_GB2312 with a two-character first-line indent, the signature and date right-aligned."""

from __future__ import annotations

import io
from functools import lru_cache

from ._zip import rezip


def _east_asian(run, font: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


@lru_cache(maxsize=32)
def make_docx(title: str, lines: tuple[str, ...]) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from ..families.base import signature_start

    document = docx.Document()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.font.size = Pt(22)
    _east_asian(run, "方正小标宋简体")
    sig = signature_start(list(lines))
    for i, line in enumerate(lines):
        para = document.add_paragraph()
        if i >= sig:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            para.paragraph_format.first_line_indent = Pt(32)
        run = para.add_run(line)
        run.font.size = Pt(16)
        _east_asian(run, "仿宋_GB2312")
    buf = io.BytesIO()
    document.save(buf)
    return rezip(buf.getvalue())
