""":func:`archive.segment.segment` (numpy over code points) against the plain loop it replaced."""

from __future__ import annotations

import random
import string

from archive.segment import characters, runs, segment, window_queries
from tests.factories import REPORT_2024, REPORT_OTHER_COUNTY


def _reference(text: str | None) -> str:
    """Each run's bigrams, then its last character, space-separated: the definition."""
    out: list[str] = []
    for run in runs(text or ""):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
    return " ".join(out)


def test_segment_examples():
    assert segment("法治政府") == "法治 治政 政府 府"
    assert segment("纠错率7.5%，Abc_d") == "纠错 错率 率7 7 5 ab bc c d"
    assert segment(None) == segment("") == segment("，。 _") == ""
    assert segment("县") == "县"


def _fuzzed_texts() -> list[str]:
    rng = random.Random(0)
    # CJK, full-width and ASCII letters, digits, punctuation, underscores, a lone surrogate, NUL, İ (lowers
    # to two characters), ß, and beyond the Basic Multilingual Plane an ideograph (a run character) and an emoji
    alphabet = (
        "法治政府县 ，。_7.5%ＡＢab\u0130\u00df\ud800\x00\n\t·萬\U00020000\U0001f600" + string.printable
    )
    texts = [REPORT_2024, REPORT_OTHER_COUNTY, REPORT_2024 + "\n" + REPORT_OTHER_COUNTY]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    return texts


def test_segment_equals_the_bigram_loop():
    for text in _fuzzed_texts():
        assert segment(text) == _reference(text), text


def test_a_run_character_is_an_alphanumeric_one():
    """segment decides run characters with str.isalnum(); runs() with the regular expression [^\\W_]."""
    import re

    word = re.compile(r"[^\W_]")
    assert all(
        (word.match(chr(c)) is not None) == chr(c).isalnum()
        for c in range(0x110000)
        if not 0xD800 <= c < 0xE000
    )


def test_characters_are_the_distinct_characters_of_the_runs():
    assert characters("法治政府，法治", "Abc") == "a b c 府 政 治 法"
    assert characters(None, "") == characters("，。 _") == ""
    texts = _fuzzed_texts()
    for title, body in zip(texts, reversed(texts), strict=True):
        assert characters(title, body) == " ".join(sorted(set("".join(runs(title) + runs(body))))), (
            title,
            body,
        )


def test_window_queries_are_the_four_character_windows_of_long_runs():
    assert window_queries("普法宣传教育") == ['"普法 法宣 宣传"', '"法宣 宣传 传教"', '"宣传 传教 教育"']
    assert window_queries("依法行政") == window_queries("法") == window_queries("7.5%") == []
    assert window_queries("纠错率7.5%ABCDE") == ['"ab bc cd"', '"bc cd de"']
