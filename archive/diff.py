"""Diffs between two normalized texts: sentences first, characters only inside changed sentences.

Character-level diffs of whole reports are slow (difflib: 2.5 s on 30k chars) and noisy; aligning sentences
first costs under a millisecond and leaves small blocks for ``rapidfuzz.distance.Indel.opcodes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz.distance import Indel
from rich.table import Table
from rich.text import Text

# a sentence ends at 。！？； (plus a directly following newline) or at a newline
_SENTENCE = re.compile(r"[^。！？；\n]*(?:[。！？；]+\n?|\n)|[^。！？；\n]+$")


def split_sentences(text: str) -> list[str]:
    """Split after 。！？； and newlines, keeping the delimiter (and a following newline) with the sentence."""
    return _SENTENCE.findall(text)


@dataclass(frozen=True)
class Segment:  # Segment and DiffBlock are also the JSON API's schemas (fazhi/web/schemas.py)
    """A run of characters: ``op`` is ``equal``, ``delete`` (old only) or ``insert`` (new only)."""

    op: str
    text: str


@dataclass
class DiffBlock:
    """An aligned stretch of sentences (``op``: equal, replace, delete or insert); changed blocks carry a
    character-level segment list."""

    op: str
    old: str
    new: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class TextDiff:
    blocks: list[DiffBlock]
    chars_added: int
    chars_removed: int
    similarity: float  # 1 - (added + removed) / (len(old) + len(new)); 1.0 for two empty texts

    def summary(self) -> dict[str, float | int]:
        return {
            "chars_added": self.chars_added,
            "chars_removed": self.chars_removed,
            "similarity": round(self.similarity, 6),
        }

    @property
    def changed(self) -> bool:
        return any(b.op != "equal" for b in self.blocks)


def _char_segments(old: str, new: str) -> list[Segment]:
    """Character opcodes, with each run of changes shown as one deletion followed by one insertion."""
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            segments.append(Segment("delete", "".join(deleted)))
        if inserted:
            segments.append(Segment("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op in Indel.opcodes(old, new):
        if op.tag == "equal":
            flush()
            segments.append(Segment("equal", old[op.src_start : op.src_end]))
            continue
        deleted.append(old[op.src_start : op.src_end])
        inserted.append(new[op.dest_start : op.dest_end])
    flush()
    return segments


def diff_texts(old: str, new: str) -> TextDiff:
    """Align sentences with difflib, then diff characters inside each replaced block."""
    a, b = split_sentences(old), split_sentences(new)
    blocks: list[DiffBlock] = []
    added = removed = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            blocks.append(DiffBlock("equal", old_part, new_part, [Segment("equal", old_part)]))
            continue
        segments = _char_segments(old_part, new_part)
        removed += sum(len(s.text) for s in segments if s.op == "delete")
        added += sum(len(s.text) for s in segments if s.op == "insert")
        blocks.append(DiffBlock(tag, old_part, new_part, segments))
    total = len(old) + len(new)
    similarity = 1.0 if total == 0 else 1.0 - (added + removed) / total
    return TextDiff(blocks=blocks, chars_added=added, chars_removed=removed, similarity=similarity)


#: :func:`shared_characters` counts code points modulo this many buckets. An exact count (distinct characters
#: by sorting) cost 0.40 ms a pair of realistic reports; a bincount over buckets costs 0.05 ms, and puts
#: random pairs' bound at most 0.006 higher (20 pairs of bench.realistic; 1,024 buckets: 0.024).
CHARACTER_BUCKETS = 4096


def _bucket_counts(text: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return np.bincount(codes & (CHARACTER_BUCKETS - 1), minlength=CHARACTER_BUCKETS)


def shared_characters(old: str, new: str) -> int:
    """At least as many characters as the two texts have in common, counted with multiplicity, order ignored
    (characters whose code points share a bucket count as one: the min of sums is ≥ the sum of mins).

    A longest common subsequence can use no more, so ``2 · shared / (len(old) + len(new))`` bounds the Indel
    similarity from above. Two different reports written from one template share most of their characters
    but not enough for a near-duplicate: random pairs of bench.realistic's reports gave 0.72–0.86 against
    the 0.90 threshold, at an eighth of the cost of aligning their sentences."""
    if not old or not new:
        return 0
    return int(np.minimum(_bucket_counts(old), _bucket_counts(new)).sum())


def similarity(old: str, new: str, cutoff: float = 0.0) -> float:
    """Indel similarity of two texts computed sentences first; 0.0 when it is below ``cutoff``.

    Equal sentences cost nothing; characters are compared only inside the changed stretches, and not at
    all when even identical changed stretches could not reach ``cutoff``. For near-duplicates of 10,000
    characters that is a fraction of a millisecond against ~10 ms for ``Indel`` over the whole texts
    (PERF.md). Aligning by sentences can only overestimate the distance, so the result is ≤ the
    whole-text Indel similarity: a pair reported above ``cutoff`` is above it. With a ``cutoff``, pairs whose
    characters alone cannot reach it (:func:`shared_characters`) are not aligned at all.
    """
    total = len(old) + len(new)
    if total == 0:
        return 1.0
    if cutoff > 0 and shared_characters(old, new) / total * 2 < cutoff:
        return 0.0
    a, b = split_sentences(old), split_sentences(new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changed = [("".join(a[i1:i2]), "".join(b[j1:j2])) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    # best case: the shorter side of each changed stretch is common to both
    best = sum(abs(len(x) - len(y)) for x, y in changed)
    if 1.0 - best / total < cutoff:
        return 0.0
    distance = sum(Indel.distance(x, y) for x, y in changed)
    score = 1.0 - distance / total
    return score if score >= cutoff else 0.0


def _inline(segments: list[Segment], *, keep: str) -> str:
    """One side of a changed block with wdiff-style markers: ``[-removed-]`` and ``{+added+}``."""
    out = []
    for s in segments:
        if s.op == "equal":
            out.append(s.text)
        elif s.op == "delete" and keep in ("old", "both"):
            out.append(f"[-{s.text}-]")
        elif s.op == "insert" and keep in ("new", "both"):
            out.append(f"{{+{s.text}+}}")
    return "".join(out)


def unified(diff: TextDiff, *, from_label: str = "old", to_label: str = "new", context: int = 1) -> str:
    """A unified-style text diff over sentences, with inline character markers on changed lines.

    Lines start with ``-`` (old sentence), ``+`` (new sentence), ``~`` (the merged sentence with
    ``[-…-]``/``{+…+}`` markers) or a space (unchanged context; ``…`` stands for skipped sentences).
    """
    lines = [f"--- {from_label}", f"+++ {to_label}"]
    if not diff.changed:
        return "\n".join(lines) + "\n"
    last = len(diff.blocks) - 1
    for i, block in enumerate(diff.blocks):
        if block.op == "equal":
            sentences = split_sentences(block.old)
            keep_head = context if i > 0 else 0  # context after the previous change
            keep_tail = context if i < last else 0  # context before the next change
            if len(sentences) <= keep_head + keep_tail:
                shown = sentences
            else:
                shown = sentences[:keep_head] + ["…"] + (sentences[-keep_tail:] if keep_tail else [])
            lines.extend(" " + _oneline(s) for s in shown)
            continue
        lines.extend("-" + _oneline(s) for s in split_sentences(block.old))
        lines.extend("+" + _oneline(s) for s in split_sentences(block.new))
        if block.op == "replace":
            lines.append("~" + _oneline(_inline(block.segments, keep="both")))
    return "\n".join(lines) + "\n"


def _oneline(s: str) -> str:
    return s.rstrip("\n").replace("\n", "⏎")


def side_by_side(diff: TextDiff, *, from_label: str = "old", to_label: str = "new") -> Table:
    """A Rich table: changed blocks old | new, removed characters red, added characters green."""
    table = Table(show_lines=True, expand=True)
    table.add_column(from_label, ratio=1)
    table.add_column(to_label, ratio=1)
    for block in diff.blocks:
        if block.op == "equal":
            continue
        left, right = Text(), Text()
        for s in block.segments:
            if s.op == "equal":
                left.append(s.text)
                right.append(s.text)
            elif s.op == "delete":
                left.append(s.text, style="bold red strike")
            else:
                right.append(s.text, style="bold green")
        left.rstrip()
        right.rstrip()
        table.add_row(left, right)
    return table
