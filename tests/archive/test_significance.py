"""Change significance: what an edit changed in a reader's terms, and cosmetic edits told apart."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from archive.db import session_scope
from archive.models import Change
from archive.significance import significance
from archive.store import record_page
from tests.factories import REPORT_2024, day, page

URL = "https://www.jingan.gov.cn/fzzfjs/2024.html"


def test_a_changed_number_is_named_with_its_old_and_new_value():
    new = REPORT_2024.replace("纠错率为7.2%", "纠错率为7.5%")
    sig = significance(REPORT_2024, new)
    assert [(n["old"], n["new"]) for n in sig["numbers"]] == [("7.2%", "7.5%")]
    assert "纠错率为7.5%" in sig["numbers"][0]["sentence"]
    assert not sig["cosmetic"] and sig["score"] > 0
    assert (sig["sentences_edited"], sig["sentences_added"], sig["sentences_removed"]) == (1, 0, 0)
    assert "7.2% → 7.5%" in sig["summary"]


def test_punctuation_and_spacing_only_is_cosmetic():
    new = REPORT_2024.replace("，", ",").replace("。", ". ").replace("；", ";")
    sig = significance(REPORT_2024, new)
    assert sig["cosmetic"] and sig["score"] == 0.0
    assert sig["numbers"] == [] and sig["sentences_added"] == sig["sentences_removed"] == 0
    assert sig["summary"].startswith("cosmetic")
    assert sig["share_changed"] > 0  # the characters did change


def test_sentences_and_sections_added_and_removed():
    new = REPORT_2024.replace("部分执法人员法治意识仍需加强；", "").replace(
        "三、下一步工作安排\n", "三、下一步工作安排\n全面落实行政执法责任制。\n四、其他事项\n无。\n"
    )
    sig = significance(REPORT_2024, new)
    assert sig["sections_added"] == ["四、其他事项"] and sig["sections_removed"] == []
    assert sig["sentences_removed"] == 1 and sig["removed"] == ["部分执法人员法治意识仍需加强；"]
    assert sig["sentences_added"] == 3
    assert "全面落实行政执法责任制。" in sig["added"]
    assert 0 < sig["share_changed"] < 0.2


def test_an_added_sentence_with_a_figure_outranks_a_cosmetic_edit():
    cosmetic = significance(REPORT_2024, REPORT_2024.replace("，", ","))
    edit = significance(REPORT_2024, REPORT_2024 + "\n全年培训执法人员640人次。")
    assert edit["score"] > cosmetic["score"] == 0.0


def test_the_store_keeps_significance_with_the_changed_event(engine):
    with session_scope(engine) as s:
        record_page(s, page(url=URL, fetched_at=day(1)))
    with session_scope(engine) as s:
        record_page(s, page(url=URL, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(2)))
    with session_scope(engine) as s:
        record_page(
            s, page(url=URL, text=REPORT_2024.replace("7.2%", "7.5%").replace("，", ","), fetched_at=day(3))
        )
    with Session(engine) as s:
        rows = s.scalars(select(Change).where(Change.kind == "changed").order_by(Change.id)).all()
    assert [(n["old"], n["new"]) for n in rows[0].significance["numbers"]] == [("7.2%", "7.5%")]
    assert rows[0].score > 0 and "7.2% → 7.5%" in rows[0].summary
    assert rows[1].significance["cosmetic"] and rows[1].score == 0.0
    assert "cosmetic" in rows[1].summary
