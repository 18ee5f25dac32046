"""Normalize extracted text so copies of one report compare equal: NFKC, simplified characters, no
inserted pinyin, tidy whitespace (the text conventions in docs/internals.md).

Third-party mirrors republish reports in traditional characters with pinyin after some characters
(``習(xí)``, toneless ``辦(ban)``; DOMAIN.md §3). Traditional→simplified runs only when the text *is*
traditional, judged by the share of Han characters OpenCC t2s would change, so clean simplified text is
never touched. Pinyin is recognised as one valid syllable, lower-case, directly after a Han character;
``(一)``, ``(试行)``, ``(2015—2020年)`` and ``(GDP)`` are not syllables and stay.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.htmltext import HAN_RANGES, SPACES, T2S, traditional_chars
from pipelines.items import PageItem
from pipelines.stats import StatsPipeline, portal_stat

#: A text is traditional when at least this share of its Han characters changes under t2s.
TRADITIONAL_SHARE = 0.05

_HAN = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in HAN_RANGES)
_HAN_CHAR = re.compile(f"[{_HAN}]")
# The bracket first, the Han character before it checked after: a pattern that starts with a lookbehind is
# tried at every character of the text (3× slower on an 11,000-character report).
_PINYIN_CANDIDATE = re.compile(rf"[(（](?<=[{_HAN}][(（])([a-z\u00e0-\u01dc\u0300-\u036f]{{1,8}})[)）]")
_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|iao|ian|uai|uan|van|ang|eng|ing|ong|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve"
    r"|er|a|o|e|i|u|v)$"
)


@dataclass
class Normalized:
    """Normalized text and what was done to get it."""

    text: str
    was_traditional: bool = False
    pinyin_removed: int = 0


def is_pinyin_syllable(token: str) -> bool:
    """One lower-case pinyin syllable, with or without tone marks (ü written ü, u or v)."""
    base = "".join(c for c in unicodedata.normalize("NFD", token) if not unicodedata.combining(c))
    return base.isascii() and base.islower() and bool(_SYLLABLE.match(base))


def remove_pinyin(text: str) -> tuple[str, int]:
    """Drop ``(syllable)`` inserted after Han characters; returns the text and how many were removed."""
    removed = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal removed
        if is_pinyin_syllable(match.group(1)):
            removed += 1
            return ""
        return match.group(0)

    return _PINYIN_CANDIDATE.sub(repl, text), removed


def to_simplified(text: str) -> tuple[str, bool]:
    """Convert with OpenCC t2s only when the text is traditional; returns the text and whether it was."""
    changed = len(traditional_chars().findall(text))
    if not changed:
        return text, False
    if changed / len(_HAN_CHAR.findall(text)) >= TRADITIONAL_SHARE:
        return T2S.convert(text), True
    return text, False


#: Fullwidth ASCII and the ideographic space, with their NFKC forms. Chinese text is full of them (，：；（）),
#: and CPython's NFKC takes its slow path on every line holding one (≈0.13 µs a character).
_FULLWIDTH = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}
_FULLWIDTH_CHAR = re.compile("[\uff01-\uff5e\u3000]")


def nfkc(text: str) -> str:
    """NFKC, five times faster on Chinese text than ``unicodedata.normalize`` and equal to it.

    The fullwidth forms are replaced by their NFKC forms first (``str.replace``: NFKC starts with exactly that
    compatibility decomposition, so the result is unchanged); what the quick check still flags is normalized
    line by line (a newline never composes, and CPython's composition slows down on long runs).
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    for char in set(_FULLWIDTH_CHAR.findall(text)):
        text = text.replace(char, _FULLWIDTH[char])
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join(
        line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
        for line in text.split("\n")
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with surrogate pairs joined and lone surrogates replaced by U+FFFD.

    A browser's strings (rendered pages) and some PDF text layers may carry UTF-16 surrogates, which no
    UTF-8 encoder accepts: the hash, the database and every export would fail on such a text.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def tidy_whitespace(text: str) -> str:
    """One paragraph per line: lines stripped, runs of spaces collapsed, empty lines dropped."""
    lines = (SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def normalize_title(title: str | None) -> str | None:
    """A title under the text conventions (NFKC, pinyin removed, simplified when traditional), one line."""
    if not title:
        return title
    text, _ = remove_pinyin(nfkc(valid_unicode(title)))
    text, _ = to_simplified(text)
    return SPACES.sub(" ", " ".join(text.split())).strip() or title


def normalize_text(text: str | None) -> Normalized:
    """Valid Unicode → NFKC → remove inserted pinyin → t2s when traditional → whitespace."""
    text = nfkc(valid_unicode(text or ""))
    text, removed = remove_pinyin(text)
    text, traditional = to_simplified(text)
    return Normalized(tidy_whitespace(text), traditional, removed)


class NormalizePipeline(StatsPipeline):
    """Fill ``text``, ``was_traditional`` and ``pinyin_removed`` from ``text_extracted``; repair ``title``
    (:func:`normalize_title`), so a mirror's 習(xí)-titled copy gets the official title.

    Settings
    --------
    (none) — the conventions are shared with govsim's manifest and must not vary per crawl.

    Stats: ``normalize/pages``, ``normalize/traditional``, ``normalize/pinyin_removed`` (pages),
    ``normalize/pinyin_syllables`` (count), ``portal/<id>/traditional``.
    """

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        result = normalize_text(item.text_extracted)
        item.text = result.text
        item.title = normalize_title(item.title)
        item.list_title = item.list_title and valid_unicode(item.list_title)
        item.was_traditional = result.was_traditional
        item.pinyin_removed = result.pinyin_removed
        self._inc("normalize/pages")
        if result.was_traditional:
            self._inc("normalize/traditional")
            self._inc(portal_stat(item.portal_id, "traditional"))
        if result.pinyin_removed:
            self._inc("normalize/pinyin_removed")
            self._inc("normalize/pinyin_syllables", result.pinyin_removed)
        return item
