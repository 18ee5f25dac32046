"""What an edit changed, in a reader's terms: numbers, sentences, sections, share of text; or only cosmetics.

Computed once, when the store records a ``changed`` event, from the sentence-aligned diff it already made
(:func:`archive.diff.diff_texts`: sentences first, characters only inside changed blocks). Inside a changed
block, old and new sentences are paired by similarity: a pair is an edited sentence (whose numbers are
compared), an unpaired new sentence was added, an unpaired old one removed. A pair that differs only in
punctuation or spacing is cosmetic, and so is a whole edit made only of such differences.

The result is a plain JSON-able dict stored with the change (``change.significance``) plus a ``score`` the
change feed and alerts rank by: 0 for cosmetic edits, growing with changed numbers, sections, sentences and
the share of text changed, capped at 1.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from rapidfuzz import fuzz

from archive.diff import TextDiff, diff_texts, split_sentences

# a number as a reader quotes it: 7.2%, 1,234, 3.5万, 12个 are kept with their unit or percent sign
_NUMBER = re.compile(r"\d+(?:[.,，]\d+)*(?:\s*(?:%|％|‰|万元|亿元|万|亿))?")
# section headings of Chinese official documents: 一、… （一）… 第一章/第一部分 …
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章节部分])"
)
PAIR_SIMILARITY = 60.0  # rapidfuzz ratio at or above which an old and a new sentence are one edited sentence
SAMPLES = 3  # sentences quoted per kind (added, removed), each cut to SAMPLE_CHARS
SAMPLE_CHARS = 80

Significance = dict[str, Any]


def _bare(text: str) -> str:
    """The text without punctuation, symbols and whitespace: what a cosmetic edit leaves untouched."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC" and not ch.isspace())


def _numbers(sentence: str) -> list[str]:
    return [m.group().replace(" ", "") for m in _NUMBER.finditer(sentence)]


def _headings(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if _HEADING.match(line):
            head = re.split(r"[。：:；]", line.strip(), maxsplit=1)[0]
            out.append(head[:40])
    return out


def _cut(sentence: str) -> str:
    sentence = sentence.strip()
    return sentence if len(sentence) <= SAMPLE_CHARS else sentence[: SAMPLE_CHARS - 1] + "…"


def _pair(old: list[str], new: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair the sentences of one replaced block by similarity, in order: (pairs, added, removed)."""
    pairs: list[tuple[str, str]] = []
    added: list[str] = []
    removed: list[str] = []
    j = 0
    for sentence in old:
        scores = [fuzz.ratio(sentence, candidate) for candidate in new[j:]]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is None or scores[best] < PAIR_SIMILARITY:
            removed.append(sentence)
            continue
        added += new[j : j + best]
        pairs.append((sentence, new[j + best]))
        j += best + 1
    added += new[j:]
    return pairs, added, removed


def _number_changes(old: str, new: str) -> list[dict[str, str]]:
    """Numbers that differ between two versions of one sentence: replaced, added or removed."""
    a, b = _numbers(old), _numbers(new)
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            out.append(
                {
                    "old": olds[k] if k < len(olds) else None,
                    "new": news[k] if k < len(news) else None,
                    "sentence": _cut(new),
                }
            )
    return out


def significance(old: str, new: str, diff: TextDiff | None = None) -> Significance:
    """What changed from ``old`` to ``new`` (two normalized texts of one document); see the module doc."""
    diff = diff or diff_texts(old, new)
    share = 0.0 if not (old or new) else round(1.0 - diff.similarity, 6)
    numbers: list[dict[str, str]] = []
    added: list[str] = []
    removed: list[str] = []
    edited = 0
    for block in diff.blocks:
        if block.op == "equal":
            continue
        pairs, block_added, block_removed = _pair(split_sentences(block.old), split_sentences(block.new))
        added += [s for s in block_added if _bare(s)]
        removed += [s for s in block_removed if _bare(s)]
        for a, b in pairs:
            if _bare(a) == _bare(b):
                continue  # punctuation or spacing only
            edited += 1
            numbers += _number_changes(a, b)
    old_heads, new_heads = _headings(old), _headings(new)
    sections_added = [h for h in new_heads if h not in old_heads]
    sections_removed = [h for h in old_heads if h not in new_heads]
    cosmetic = _bare(old) == _bare(new)
    if cosmetic:  # moved sentence ends (。→.) re-split sentences: none was really added, removed or edited
        added, removed, edited, numbers = [], [], 0, []
    result: Significance = {
        "cosmetic": cosmetic,
        "share_changed": share,
        "numbers": numbers,
        "sentences_added": len(added),
        "sentences_removed": len(removed),
        "sentences_edited": edited,
        "added": [_cut(s) for s in added[:SAMPLES]],
        "removed": [_cut(s) for s in removed[:SAMPLES]],
        "sections_added": sections_added,
        "sections_removed": sections_removed,
    }
    result["score"] = score(result)
    result["summary"] = describe(result)
    return result


def score(sig: Significance) -> float:
    """A rank for the change feed and alerts: 0 for cosmetic edits, up to 1 for sweeping ones."""
    if sig.get("cosmetic"):
        return 0.0
    value = (
        sig.get("share_changed", 0.0)
        + 0.15 * len(sig.get("numbers", []))
        + 0.2 * (len(sig.get("sections_added", [])) + len(sig.get("sections_removed", [])))
        + 0.05 * (sig.get("sentences_added", 0) + sig.get("sentences_removed", 0))
        + 0.02 * sig.get("sentences_edited", 0)
    )
    return round(min(1.0, max(value, 0.001)), 4)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(sig: Significance) -> str:
    """One line a reader understands: ``7.2% → 7.5%; 1 sentence added; 0.4% of the text changed``."""
    if sig.get("cosmetic"):
        return "cosmetic: punctuation or spacing only"
    parts = []
    numbers = sig.get("numbers", [])
    if numbers:
        shown = [f"{n['old'] or '∅'} → {n['new'] or '∅'}" for n in numbers[:3]]
        more = f" (+{len(numbers) - 3} more)" if len(numbers) > 3 else ""
        parts.append("numbers " + ", ".join(shown) + more)
    for key, verb in (("sections_added", "added"), ("sections_removed", "removed")):
        if sig.get(key):
            parts.append(f"{_plural(len(sig[key]), 'section')} {verb}: " + "、".join(sig[key][:3]))
    for key, verb in (
        ("sentences_added", "added"),
        ("sentences_removed", "removed"),
        ("sentences_edited", "edited"),
    ):
        if sig.get(key):
            parts.append(f"{_plural(sig[key], 'sentence')} {verb}")
    parts.append(f"{sig.get('share_changed', 0.0):.1%} of the text changed")
    return "; ".join(parts)
