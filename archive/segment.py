"""Character-bigram segmentation of Chinese text for the search index, and the queries that match it.

Chinese has no spaces, so the index stores overlapping character bigrams: every run of letters and digits
(case-folded) becomes its bigrams plus its last character alone — ``法治政府`` → ``法治 治政 政府 府``.
Every character of the text then starts exactly one token, which gives exact answers for every query
length of two or more: two characters are one token, a longer run a phrase of consecutive bigrams (a phrase
cannot span two runs, because each run ends with its one-character token). One character is looked up in a
column of its own, :func:`characters`: the distinct characters of the runs, which costs a tenth of the prefix
index it replaced (bench/README.md). Punctuation and spaces separate runs; a term that contains some
(``7.5%``) is looked up by its runs and the candidates are verified on the text. Bigram posting lists stay
short for rare words, where trigram lists of a 10,000-character report hold every digit-and-character
combination (bench/README.md).
"""

from __future__ import annotations

import functools
import re

import numpy as np

_RUN = re.compile(r"[^\W_]+")
_NOT_RUN = re.compile(r"[\W_]")
_SPACE = np.uint32(ord(" "))
_NONE = np.uint32(0xFFFFFFFF)  # not a code point: "this character has no second one in its run"
_BMP = 0x10000


def runs(text: str) -> list[str]:
    """The case-folded runs of letters and digits in ``text``."""
    return _RUN.findall(text.lower())


def _code_points(text: str | None) -> np.ndarray:
    return np.frombuffer((text or "").lower().encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sort: numpy's hash-based ``np.unique`` costs more here)."""
    ordered = np.sort(codes)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


@functools.cache
def _bmp_run_characters() -> np.ndarray:
    """Whether each code point of the Basic Multilingual Plane is a run character, as a table (built once,
    about 10 ms): looking up a report's thousand distinct characters costs 0.01 ms, asking each 0.15 ms."""
    # isalnum() is exactly [^\W_] (checked over every code point in tests/archive/test_segment.py)
    return np.fromiter((chr(c).isalnum() for c in range(_BMP)), dtype=bool, count=_BMP)


def _in_runs(distinct: np.ndarray) -> np.ndarray:
    """Which of the sorted distinct code points ``distinct`` are run characters (letters and digits)."""
    bmp = int(np.searchsorted(distinct, _BMP))
    word = np.empty(len(distinct), dtype=bool)
    word[:bmp] = _bmp_run_characters()[distinct[:bmp]]
    word[bmp:] = [chr(c).isalnum() for c in distinct[bmp:].tolist()]
    return word


def _analysed(text: str | None) -> tuple[str, np.ndarray]:
    """:func:`segment` of ``text`` and the distinct code points of its runs.

    Built on code points with numpy (each run character, the next one if it is in the run, a space), not a
    Python loop per bigram: a 10,000-character report has 10,000 tokens, and that loop cost ≈ 2–5 ms of
    every store (bench/README.md). Only the run characters' rows are built (selecting rows of a table of every
    character took a third of the 0.9 ms). Which characters belong to runs is decided once per distinct character
    (a report has about a thousand) and looked up by code point, not by a regular expression over the text.
    """
    codes = _code_points(text)
    distinct = _distinct(codes)
    word = _in_runs(distinct)
    if not word.any():
        return "", distinct[word]
    low = int(distinct[0])
    table = np.zeros(int(distinct[-1]) - low + 1, dtype=bool)  # run character or not, by code point
    table[distinct - low] = word
    in_run = table[codes - low]
    at = np.flatnonzero(in_run)  # where the run characters are
    successor = np.append(codes[1:], _NONE)[at]
    continues = np.append(in_run[1:], False)[at]  # the run goes on after this character
    tokens = np.full((len(at), 3), _SPACE, dtype="<u4")  # per run character: itself, its successor, a space
    tokens[:, 0] = codes[at]
    tokens[:, 1] = np.where(continues, successor, _NONE)
    flat = tokens.ravel()
    return flat[flat != _NONE][:-1].tobytes().decode("utf-32-le"), distinct[word]


def _tokens(codes: np.ndarray) -> str:
    return " ".join(codes.tobytes().decode("utf-32-le"))


def segment(text: str | None) -> str:
    """The index form of ``text``: space-separated bigrams of each run, then the run's last character.

    Equal to joining the bigrams of :func:`runs` (tests/archive/test_segment.py)."""
    return _analysed(text)[0]


def characters(*texts: str | None) -> str:
    """The index form of the characters ``texts`` hold in their runs: each distinct one once, in code point
    order (a contentless index deletes a row by its exact tokens, so the order must not vary)."""
    return _tokens(_distinct(np.concatenate([_analysed(text)[1] for text in texts] or [_code_points("")])))


def index_forms(title: str | None, body: str | None) -> tuple[str, str, str]:
    """:func:`segment` of title and body and their :func:`characters`, each text analysed once."""
    title_tokens, title_chars = _analysed(title)
    body_tokens, body_chars = _analysed(body)
    return title_tokens, body_tokens, _tokens(_distinct(np.concatenate([title_chars, body_chars])))


#: The index column that :func:`characters` fills.
CHARS_COLUMN = "chars"


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
        parts = [run for run in parts if len(run) > 1]  # verification checks the rest; "5" would match most
    exprs = []
    for run in parts:
        if len(run) == 1:
            exprs.append(f'{CHARS_COLUMN} : "{run}"')
        else:
            exprs.append(_phrase(run))
    return " AND ".join(exprs), not exact


def _phrase(run: str) -> str:
    return '"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"'


#: Characters in a :func:`window_queries` window: four, the length of most Chinese words and set phrases.
WINDOW = 4


def window_queries(term: str) -> list[str]:
    """MATCH expressions for the four-character windows of the term's longer runs (five characters or more).

    A term whose window is in no document is in none either. Such a window costs far less to look for than
    the whole phrase: ``普法宣传教育`` is in no report of bench.search, yet each of its bigrams and
    ``普法宣传``, ``宣传教育`` are in most, so the phrase's positions are compared in nearly every document
    (85 ms at 100,000 reports), while ``法宣传教`` is absent and found so in 36 ms; a present window answers
    at its first match (0.1–1 ms)."""
    return [
        _phrase(run[i : i + WINDOW])
        for run in runs(term)
        if len(run) > WINDOW
        for i in range(len(run) - WINDOW + 1)
    ]
