"""Turn response bytes into text, saying which encoding was used and why.

Gov portals mostly serve UTF-8, but older templates declare ``gb2312`` while using GBK-only characters
(朱镕基's 镕), some declare nothing, and a few lie. Order of evidence: BOM, HTTP ``Content-Type`` charset,
``<meta charset>`` / ``http-equiv`` in the first bytes, strict UTF-8, then charset detection. Bytes that no
candidate decodes cleanly yield a problem note rather than an exception, so the crawl goes on.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import charset_normalizer

#: How far into the body a ``<meta charset>`` declaration is looked for (JSP-wrapped pages put it late).
META_SNIFF_BYTES = 8192

#: Declared names decoded with a superset codec: pages labelled gb2312/gbk routinely contain GBK/GB18030
#: characters (jsoup#1133, NBSPRC-spider#2), and gb18030 decodes every gb2312/gbk byte sequence identically.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs"}

#: WHATWG labels Python's codec registry does not know (https://encoding.spec.whatwg.org/#names-and-labels).
WEB_ALIASES = {
    "x-gbk": "gbk",
    "csgb2312": "gbk",
    "gb_2312-80": "gbk",
    "iso-ir-58": "gbk",
    "x-euc-cn": "gbk",
    "chinese": "gbk",
    "csgb231280": "gbk",
    "x-cp936": "gbk",
    "x-x-big5": "big5",
    "unicode-1-1-utf-8": "utf-8",
}

#: Detection results we trust for a Chinese gov page; anything else (EBCDIC, exotic code pages) is noise.
PLAUSIBLE_DETECTED = (
    "utf_8",
    "gb18030",
    "big5hkscs",
    "big5",
    "utf_16",
    "utf_32",
    "cp1252",
    "latin_1",
    "ascii",
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


@dataclass
class Decoded:
    """Decoded text plus provenance: ``source`` is bom | header | meta | utf-8 | detected | replaced | none."""

    text: str
    encoding: str | None
    source: str
    problems: list[str] = field(default_factory=list)


def canonical_codec(name: str | None) -> str | None:
    """Python codec name for a declared charset (superset-mapped), or None when unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    try:
        codec = codecs.lookup(WEB_ALIASES.get(label, label)).name
    except LookupError:
        return None
    codec = codec.replace("-", "_")
    return SUPERSETS.get(codec, codec).replace("_", "-")


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, as declared."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared by ``<meta charset>`` or ``http-equiv`` near the top of the page."""
    match = _META_CHARSET.search(body[:META_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> tuple[str, str] | None:
    best = charset_normalizer.from_bytes(body).best()
    if best is None or best.encoding not in PLAUSIBLE_DETECTED or best.chaos > 0.3:
        return None
    codec = SUPERSETS.get(best.encoding, best.encoding).replace("_", "-")
    text = _strict(body, codec)
    return (text, codec) if text is not None else None


def decode_body(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``body`` using the evidence order described in the module docstring."""
    if not body:
        return Decoded("", None, "none", ["empty body"])
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(codec, errors="replace")
            return Decoded(text, codec, "bom")
    problems: list[str] = []
    declared: list[tuple[str, str]] = []
    for source, name in (("header", header_charset(content_type)), ("meta", meta_charset(body))):
        if name is None:
            continue
        codec = canonical_codec(name)
        if codec is None:
            problems.append(f"unknown charset {name!r} declared in {source}")
        else:
            declared.append((source, codec))
    for source, codec in declared:
        text = _strict(body, codec)
        if text is not None:
            return Decoded(text, codec, source, problems)
        problems.append(f"bytes are not valid {codec} as declared in {source}")
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8", problems)
    detected = _detect(body)
    if detected is not None:
        return Decoded(detected[0], detected[1], "detected", problems)
    if declared:
        # A page that is mostly right but has a few broken bytes: keep it, say so.
        codec = declared[0][1]
        text = body.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(3, len(text) // 200):
            problems.append(f"{bad} undecodable byte sequence(s) replaced while decoding as {codec}")
            return Decoded(text, codec, "replaced", problems)
    problems.append(f"undecodable bytes: no declared, UTF-8 or detected encoding fits ({len(body)} bytes)")
    return Decoded("", None, "none", problems)
