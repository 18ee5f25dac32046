"""Sentences with their offsets: what figures and part evidence point back to."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) for every sentence: a run up to and including 。！？, never across lines."""
    for m in _SENTENCE.finditer(text):
        s = m.group()
        lead = len(s) - len(s.lstrip())
        s = s.strip()
        if s:
            yield m.start() + lead, m.start() + lead + len(s), s
