"""Page layout shared by the fixed-layout writers (OFD, scans): the GB/T 9704 公文 page — A4, 28 characters
of 16 pt 仿宋 per line, 22 lines per page — with a centred title, two-character paragraph indents and the
signature block right-aligned. Units are millimetres."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, TOP = 28.0, 37.0
BODY_SIZE = 5.6  # 16 pt
TITLE_SIZE = 7.8  # 22 pt
CHARS = 28
LINES = 22
PITCH = (PAGE_H - TOP - 35.0) / LINES
RIGHT = LEFT + CHARS * BODY_SIZE


@dataclass
class Placed:
    page: int
    x: float  # left edge
    y: float  # top of the line
    size: float
    text: str


def advance(ch: str) -> float:
    """Width of a character in character cells: Latin letters, digits and ASCII punctuation take half."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5


def advances(text: str) -> list[float]:
    return [advance(ch) for ch in text]


def _wrap(text: str, first: float, width: float) -> list[str]:
    """Lines of at most ``first`` (then ``width``) cells, as a word processor fills a grid line."""
    out, limit, start, used = [], first, 0, 0.0
    for i, ch in enumerate(text):
        if used + advance(ch) > limit:
            out.append(text[start:i])
            start, used, limit = i, 0.0, width
        used += advance(ch)
    out.append(text[start:])
    return out


def cells(text: str) -> float:
    return sum(advances(text))


def layout(title: str, lines: tuple[str, ...]) -> tuple[list[Placed], int]:
    """Every printed line with its page and position, and the page count."""
    from ..families.base import signature_start

    placed: list[Placed] = []
    page, row = 0, 0

    def put(x: float, size: float, text: str, rows: int = 1) -> None:
        nonlocal page, row
        if row + rows > LINES:
            page, row = page + 1, 0
        placed.append(Placed(page, x, TOP + row * PITCH, size, text))
        row += rows

    per_title = int(CHARS * BODY_SIZE // TITLE_SIZE)
    for part in _wrap(title, per_title, per_title):
        put(LEFT + (CHARS * BODY_SIZE - cells(part) * TITLE_SIZE) / 2, TITLE_SIZE, part, rows=2)
    row += 1
    sig = signature_start(list(lines))
    for i, line in enumerate(lines):
        if i >= sig:
            put(RIGHT - (cells(line) + 2) * BODY_SIZE, BODY_SIZE, line)
            continue
        for j, part in enumerate(_wrap(line, CHARS - 2, CHARS)):
            put(LEFT + (2 * BODY_SIZE if j == 0 else 0), BODY_SIZE, part)
    return placed, page + 1
