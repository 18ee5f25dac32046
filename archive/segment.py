"""Character-bigram segmentation of Chinese text for the search index, and the queries that match it.

Chinese has no spaces, so the index stores overlapping character bigrams: every run of letters and digits
(case-folded) becomes its bigrams plus its last character alone — ``法治政府`` → ``法治 治政 政府 府``.
Every character of the text then starts exactly one token, which gives exact answers for every query
length: one character is a prefix query (``"县"*``), two characters one token, and a longer run a phrase of
consecutive bigrams (a phrase cannot span two runs, because each run ends with its one-character token).
Punctuation and spaces separate runs; a term that contains some (``7.5%``) is looked up by its runs and the
candidates are verified on the text. Bigram posting lists stay short for rare words, where trigram lists of
a 10,000-character report hold every digit-and-character combination (bench/README.md).
"""

from __future__ import annotations

import re

import numpy as np

_RUN = re.compile(r"[^\W_]+")
_NOT_RUN = re.compile(r"[\W_]")
_SPACE = np.uint32(ord(" "))
_NONE = np.uint32(0xFFFFFFFF)  # not a code point: "this character has no second one in its run"


def runs(text: str) -> list[str]:
    """The case-folded runs of letters and digits in ``text``."""
    return _RUN.findall(text.lower())


def segment(text: str | None) -> str:
    """The index form of ``text``: space-separated bigrams of each run, then the run's last character.

    Built on code points with numpy (each run character, the next one if it is in the run, a space), not a
    Python loop per bigram: a 10,000-character report has 10,000 tokens, and that loop cost ≈ 2–5 ms of
    every store (bench/README.md). Equal to joining the bigrams of :func:`runs` (tests/archive/test_segment.py).
    """
    masked = _NOT_RUN.sub(" ", (text or "").lower())  # same length: runs apart, every separator a space
    codes = np.frombuffer(masked.encode("utf-32-le"), dtype="<u4")
    in_run = codes != _SPACE
    if not in_run.any():
        return ""
    tokens = np.full((len(codes), 3), _SPACE, dtype="<u4")  # per character: itself, its successor, a space
    tokens[:, 0] = codes
    tokens[:-1, 1] = np.where(in_run[1:], codes[1:], _NONE)
    tokens[-1, 1] = _NONE
    flat = tokens[in_run].ravel()
    return flat[flat != _NONE][:-1].tobytes().decode("utf-32-le")


def term_query(term: str) -> tuple[str | None, bool]:
    """The FTS5 MATCH expression for one search term, and whether its hits must be verified on the text.

    ``None`` when the term has no letter or digit (nothing indexed can find it: scan instead). Terms the
    index answers only approximately — several runs, punctuation, or case the database compares
    differently (SQLite's LIKE folds ASCII only) — are verified.
    """
    parts = runs(term)
    if not parts:
        return None, True
    exact = (
        len(parts) == 1
        and parts[0] == term.lower()
        and all(c.isascii() or c.lower() == c.upper() for c in term)
    )
    if not exact and any(len(run) > 1 for run in parts):
        parts = [run for run in parts if len(run) > 1]  # verification checks the rest; "5"* would match all
    exprs = []
    for run in parts:
        if len(run) == 1:
            exprs.append(f'"{run}"*')
        else:
            exprs.append('"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"')
    return " AND ".join(exprs), not exact
