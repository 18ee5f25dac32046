"""Block-aware text of an lxml element: one line per paragraph, ``<br>`` line or table cell.

``text_content()`` glues paragraphs together; gov bodies rely on ``<p>``, ``<br>`` and layout tables for
structure, so every block tag starts a new line here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import opencc
from lxml import etree

from pipelines.govrules import BLOCK_TAGS

#: OpenCC traditional → simplified, shared by extraction (rule matching) and normalization.
T2S = opencc.OpenCC("t2s")
#: The Han blocks: CJK Extension A, Unified Ideographs, Compatibility Ideographs.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
#: Horizontal whitespace of gov pages (never a newline): ASCII, no-break, en/em/thin, ideographic, zero-width.
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")
#: C0 controls other than tab, newline and carriage return, DEL and the C1 controls. libxml2 drops a
#: document's text at the first C0 one on trafilatura's path, so one ``\x0b`` pasted from Word would cost a
#: page its whole body; C1 ones (``\x85``, ``\x9f``) are mis-decoded bytes that no report prints.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]+")
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Word's manual line break (VT), the form feed and NEL (next line) are line breaks in the text they come from.
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x85": "\n"})


#: C0 control bytes other than tab, newline and carriage return, and DEL.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def strip_control_bytes(data: bytes) -> bytes:
    """XML without the raw C0 control bytes that XML 1.0 forbids: a lax writer that let one through makes
    a whole DOCX or OFD part unreadable to a strict parser. Exact for UTF-8 and GBK (their multibyte
    sequences never use bytes below 0x20); UTF-16 parts (BOM first) are left alone. The characters
    themselves are cleaned from the text by :func:`clean_controls`; this only lets the part be parsed."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data
    cleaned = data.translate(None, CONTROL_BYTES)  # deleting bytes in C: microseconds
    return data if len(cleaned) == len(data) else cleaned


def clean_controls(text: str) -> str:
    """``text`` without control characters: VT, FF and NEL become newlines, the others are removed.

    The one cleaning step of every format's text: HTML pages before parsing (``extract.extract_page``),
    report files as they are read (``formats.read_document``). A regex over a 100 kB page costs ~0.3 ms."""
    if _ANY_CONTROL.search(text) is None:  # nearly every page: no copy made
        return text
    return _CONTROLS.sub("", text.translate(_BREAKS))


#: A numeric character reference to a C0 control or DEL (``&#7;``, ``&#x0B;``): libxml2 turns it into the
#: character itself after :func:`clean_controls` has run (``&#128;``–``&#159;`` it maps to cp1252 letters).
_CONTROL_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})(?![0-9a-fA-F])|0*(\d{1,3})(?!\d));?")


def _control_ref(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    char = chr(code)
    return clean_controls(char) if (code < 0x20 and char not in "\t\n\r") or code == 0x7F else match.group(0)


def clean_html_controls(source: str) -> str:
    """HTML source through :func:`clean_controls`, character references to controls included: one
    ``&#7;`` costs a page its whole body on trafilatura's path, as a raw BEL does."""
    if "&#" in source:
        source = _CONTROL_REF.sub(_control_ref, source)
    return clean_controls(source)


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


@cache
def traditional_chars() -> re.Pattern[str]:
    """The Han characters t2s changes on their own. Searching for them tells whether a text needs t2s at
    all far faster than converting it (most pages are simplified). Built once from OpenCC's tables (≈10 ms);
    a phrase whose characters all stay on their own (乾燥 → 干燥) is not seen, which no label or share
    of a text depends on."""
    han = [chr(c) for lo, hi in HAN_RANGES for c in range(lo, hi + 1)]
    converted = T2S.convert("\n".join(han)).split("\n")  # one character per line: no phrase matches
    return re.compile("[" + "".join(a for a, b in zip(han, converted, strict=True) if a != b) + "]")


@lru_cache(maxsize=4096)
def simplified(line: str) -> str:
    """t2s form of a short line: the rules are written in simplified characters, but traditional pages
    (繁体 versions, mirrors) print 發佈時間 / 閱讀 / 分享到."""
    return T2S.convert(line) if traditional_chars().search(line) else line
