"""Block-aware text of an lxml element: one line per paragraph, ``<br>`` line or table cell.

``text_content()`` glues paragraphs together; gov bodies rely on ``<p>``, ``<br>`` and layout tables for
structure, so every block tag starts a new line here.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from lxml import etree

from pipelines.govrules import BLOCK_TAGS

#: OpenCC traditional → simplified, shared by extraction (rule matching) and normalization.
T2S = opencc.OpenCC("t2s")
#: Horizontal whitespace of gov pages (never a newline): ASCII, no-break, en/em/thin, ideographic, zero-width.
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")


def tidy_lines(text: str) -> list[str]:
    """Split on newlines, collapse runs of spaces, strip each line, drop empty ones. (Spaces are collapsed
    in one pass over the whole text: ``SPACES`` never matches a newline, and one call beats one per line.)"""
    lines = (line.strip() for line in SPACES.sub(" ", text).split("\n"))
    return [line for line in lines if line]


def block_lines(element: etree._Element) -> list[str]:
    """Lines of text under ``element``, breaking at block-level tags (not including its own tail)."""
    parts: list[str] = []
    for event, el in etree.iterwalk(element, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in BLOCK_TAGS
        if event == "start":
            if block:
                parts.append("\n")
            if el.text and tag:
                parts.append(el.text)
        else:
            if block:
                parts.append("\n")
            if el.tail and el is not element:
                parts.append(el.tail)
    return tidy_lines("".join(parts))


def squash(text: str) -> str:
    """Text without any whitespace, for comparisons that must ignore layout. (``str.split()`` splits on
    exactly the characters ``re``'s ``\\s`` matches, and is several times faster than ``re.sub``.)"""
    return "".join((text or "").split())


@lru_cache(maxsize=4096)
def simplified(line: str) -> str:
    """t2s form of a short line: the rules are written in simplified characters, but traditional pages
    (繁体 versions, mirrors) print 發佈時間 / 閱讀 / 分享到."""
    return T2S.convert(line)
