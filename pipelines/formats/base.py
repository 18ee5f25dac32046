"""The result type shared by every format reader, and turning positioned lines into paragraphs."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field


class FormatError(Exception):
    """A file that its format's reader cannot read (the message says why, for the item's problems)."""


@dataclass
class DocText:
    """Text of one document.

    ``method`` is how it was obtained: ``docx``, ``doc``, ``wps``, ``ofd``, ``pdf`` (a text layer) or
    ``ocr:<engine>``; ``confidence`` is the OCR engine's mean line score (None for text layers).
    ``needs_ocr`` marks a scan left unread because OCR was not asked for.
    """

    kind: str = ""
    lines: list[str] = field(default_factory=list)
    title: str | None = None
    method: str = ""
    confidence: float | None = None
    pages: int = 0
    needs_ocr: bool = False
    problems: list[str] = field(default_factory=list)
    #: ``lines`` are printed lines still to be joined into paragraphs (a PDF text layer): the caller strips
    #: the title and page furniture first, then calls :func:`join_plain_lines`.
    visual: bool = False


@dataclass
class VisualLine:
    """One printed line of a fixed-layout page: left edge, right edge and size in page units."""

    x0: float
    x1: float
    size: float  # character height (≈ width of a CJK character)
    text: str


#: A printed page number ("- 3 -", "第3页", "3/12"): page furniture, never body text.
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*/\s*\d{1,3})?[-—–\s]*$")
_PLAIN_END = re.compile(r"[。！？：；!?:;.]$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+[章节条部分])"
)


def join_visual_lines(lines: list[VisualLine]) -> list[str]:
    """Paragraphs from printed lines: a line starts a paragraph when it is indented (first-line indent of
    Chinese official documents), starts a heading, or follows a line that ended well short of the right
    margin (a paragraph's last line, a right-aligned signature). Otherwise it continues the previous one."""
    lines = [ln for ln in lines if ln.text.strip() and not PAGE_NUMBER.match(ln.text.strip())]
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = statistics.median(sorted(ln.x1 for ln in lines)[len(lines) // 2 :])
    body = statistics.median(ln.size for ln in lines)
    paras: list[str] = []
    prev: VisualLine | None = None
    for ln in lines:
        text = ln.text.strip()
        unit = ln.size or 1.0
        large = ln.size > 1.2 * body
        if large and prev is not None and abs(prev.size - ln.size) < 0.25 * ln.size:
            paras[-1] += text  # a title printed over two lines, in its larger type
            prev = ln
            continue
        indented = ln.x0 - left > 1.2 * unit
        short_prev = prev is not None and right - prev.x1 > 1.5 * unit
        size_change = prev is not None and abs(prev.size - ln.size) > 0.15 * max(prev.size, ln.size)
        if prev is None or indented or short_prev or size_change or _HEADING.match(text):
            paras.append(text)
        else:
            latin = paras[-1][-1:].isascii() and paras[-1][-1:].isalnum() and text[:1].isascii()
            paras[-1] += (" " if latin and text[:1].isalnum() else "") + text
        prev = ln
    return paras


def join_plain_lines(lines: list[str]) -> list[str]:
    """Paragraphs from unpositioned visual lines (a PDF text layer): a line continues unless the previous
    one ended a sentence, was clearly short of the page width, or the current one starts a heading."""
    lines = [line for line in lines if line]
    if not lines:
        return []
    width = statistics.median(len(line) for line in lines)
    paras: list[str] = [lines[0]]
    for prev, line in zip(lines, lines[1:], strict=False):
        if _PLAIN_END.search(prev) or _HEADING.match(line) or len(prev) < 0.8 * width:
            paras.append(line)
        else:
            latin = prev[-1:].isascii() and prev[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum()
            paras[-1] += (" " if latin else "") + line
    return paras
