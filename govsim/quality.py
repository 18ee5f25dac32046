"""Scoring extracted text against govsim's ground truth.

Character-level F1 over the longest common subsequence, whitespace ignored: a precision drop means chrome
leaked into the text, a recall drop means body text was lost.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Indel

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub("", text or "")


def char_prf(predicted: str, expected: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``predicted`` against ``expected``, by LCS of non-space characters."""
    p, e = _squash(predicted), _squash(expected)
    if not p and not e:
        return 1.0, 1.0, 1.0
    if not p or not e:
        return 0.0, 0.0, 0.0
    lcs = (len(p) + len(e) - Indel.distance(p, e)) / 2
    precision, recall = lcs / len(p), lcs / len(e)
    f1 = 0.0 if lcs == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def char_f1(predicted: str, expected: str) -> float:
    """Character-level F1 (see :func:`char_prf`)."""
    return char_prf(predicted, expected)[2]
