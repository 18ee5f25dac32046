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

_RUN = re.compile(r"[^\W_]+")


def runs(text: str) -> list[str]:
    """The case-folded runs of letters and digits in ``text``."""
    return _RUN.findall(text.lower())


def segment(text: str | None) -> str:
    """The index form of ``text``: space-separated bigrams of each run, then the run's last character."""
    out: list[str] = []
    for run in runs(text or ""):
        out.extend([run[i : i + 2] for i in range(len(run) - 1)])
        out.append(run[-1])
    return " ".join(out)


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
