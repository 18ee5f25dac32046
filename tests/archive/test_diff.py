"""Diffs: sentence alignment first, characters inside changed sentences, summaries and renderings."""

from __future__ import annotations

from rich.console import Console

from archive.diff import diff_texts, side_by_side, split_sentences, unified
from tests.factories import REPORT_2024


def test_split_keeps_delimiters_and_newlines():
    assert split_sentences("一、总体。二、问题！三？\n四；五") == [
        "一、总体。",
        "二、问题！",
        "三？\n",
        "四；",
        "五",
    ]
    assert "".join(split_sentences(REPORT_2024)) == REPORT_2024


def test_one_character_edit_is_one_char_added_one_removed():
    new = REPORT_2024.replace("7.2%", "7.5%")
    summary = diff_texts(REPORT_2024, new).summary()
    assert summary["chars_added"] == 1
    assert summary["chars_removed"] == 1
    assert 0.99 < summary["similarity"] < 1.0


def test_identical_texts_have_no_changed_block():
    d = diff_texts(REPORT_2024, REPORT_2024)
    assert not d.changed
    assert d.summary() == {"chars_added": 0, "chars_removed": 0, "similarity": 1.0}
    assert unified(d).splitlines() == ["--- old", "+++ new"]


def test_unified_shows_sentences_and_inline_markers():
    new = REPORT_2024.replace("7.2%", "7.5%") + "\n新增：全年无重大行政诉讼败诉案件。"
    out = unified(diff_texts(REPORT_2024, new), from_label="v1", to_label="v2")
    lines = out.splitlines()
    assert lines[:2] == ["--- v1", "+++ v2"]
    assert "-（二）严格规范公正文明执法。" not in lines  # unchanged sentences are context, not removals
    assert "-行政复议纠错率为7.2%，行政机关负责人出庭应诉率100%。" in lines
    assert "+行政复议纠错率为7.5%，行政机关负责人出庭应诉率100%。" in lines
    assert "~行政复议纠错率为7.[-2-]{+5+}%，行政机关负责人出庭应诉率100%。" in lines
    assert "+新增：全年无重大行政诉讼败诉案件。" in lines


def test_insert_and_delete_only_blocks():
    d = diff_texts("甲。乙。", "甲。乙。丙。")
    assert (d.chars_added, d.chars_removed) == (2, 0)
    d = diff_texts("甲。乙。丙。", "甲。丙。")
    assert (d.chars_added, d.chars_removed) == (0, 2)
    assert diff_texts("", "").similarity == 1.0


def test_side_by_side_table_has_old_and_new_columns():
    table = side_by_side(
        diff_texts(REPORT_2024, REPORT_2024.replace("7.2%", "7.5%")), from_label="v1", to_label="v2"
    )
    console = Console(record=True, width=160)
    console.print(table)
    rendered = console.export_text()
    assert "v1" in rendered and "v2" in rendered
    assert "7.2%" in rendered and "7.5%" in rendered
    assert table.row_count == 1


def test_shared_characters_bound_similarity_and_change_no_decision():
    """The character-count bound rejects only pairs that could not reach the cutoff: every score is the one
    computed without it, on near-duplicates, edited copies and unrelated reports alike."""
    import random
    from collections import Counter

    from rapidfuzz.distance import Indel

    from archive.diff import CHARACTER_BUCKETS, shared_characters, similarity

    rng = random.Random(5)
    sentences = [s for s in split_sentences(REPORT_2024) if s.strip()]
    texts = ["".join(rng.sample(sentences, k=len(sentences) // 2)) for _ in range(12)]
    texts += [t.replace("法治", "法制", rng.randint(1, 5)) for t in texts[:6]]  # edited copies
    texts += ["", "萬", REPORT_2024]
    for old in texts:
        for new in texts:
            total = len(old) + len(new)
            bound = 1.0 if total == 0 else 2 * shared_characters(old, new) / total
            assert bound + 1e-12 >= Indel.normalized_similarity(old, new)
            unbounded = similarity(old, new)
            for cutoff in (0.5, 0.9, 0.99):
                assert similarity(old, new, cutoff) == (unbounded if unbounded >= cutoff else 0.0)
    assert shared_characters("法治法", "法法治治") == 3
    # characters counted in one bucket: the count can only come out higher than the exact one, never lower
    assert shared_characters("法", chr(ord("法") + CHARACTER_BUCKETS)) == 1
    for old in texts:
        for new in texts:
            exact = sum((Counter(old) & Counter(new)).values())
            assert exact <= shared_characters(old, new) <= exact + len(min(old, new, key=len)) // 50 + 1
