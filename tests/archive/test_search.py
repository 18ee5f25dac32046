"""Search on both backends: FTS5 trigram / pg_trgm for ≥3 characters, LIKE for 1–2, filters, one order.

Every expectation is a literal list of document ids: the same assertions run on SQLite and PostgreSQL, so
passing on both means both backends return the same documents in the same order.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from archive.search import search
from tests.factories import populate


@pytest.fixture
def archive_ids(engine):
    return populate(engine)


def ids(engine, query, **filters):
    with Session(engine) as s:
        return [h.id for h in search(s, query, **filters)]


def test_three_or_more_characters(engine, archive_ids):
    a = archive_ids
    # reports first, then more occurrences, then newer years; the notice (kind other) comes last
    assert ids(engine, "法治政府") == [
        a["jingan2024"],
        a["mirror2024"],
        a["jingan2023"],
        a["mouxian2024"],
        a["notice"],
    ]
    assert ids(engine, "纠错率为7.5%") == [a["jingan2024"]]  # only the latest version is searched
    assert ids(engine, "纠错率为7.2%") == [a["mirror2024"]]


def test_one_and_two_character_queries_fall_back_to_like(engine, archive_ids):
    a = archive_ids
    # one occurrence each: ties go to the newer year, then the lower id
    assert ids(engine, "复议") == [
        a["jingan2024"],
        a["mouxian2024"],
        a["mirror2024"],
        a["jingan2023"],
        a["notice"],
    ]
    assert ids(engine, "县") == [a["mouxian2024"]]
    assert ids(engine, "乡镇") == [a["mouxian2024"]]
    assert ids(engine, "萬") == []


def test_multi_term_queries_and_their_terms(engine, archive_ids):
    a = archive_ids
    assert ids(engine, "复议 乡镇") == [a["mouxian2024"]]
    assert ids(engine, "法治督察 7.5%") == [a["jingan2024"]]
    assert ids(engine, "法治督察 不存在的词") == []


def test_filters(engine, archive_ids):
    a = archive_ids
    assert ids(engine, "法治", year=2023) == [a["jingan2023"]]
    assert ids(engine, "法治政府", region="上海市") == [a["jingan2024"], a["jingan2023"], a["notice"]]
    assert ids(engine, "法治政府", level="county") == [a["jingan2024"], a["jingan2023"], a["mouxian2024"]]
    assert ids(engine, "法治政府", portal="mirror") == [a["mirror2024"]]
    assert ids(engine, "法治政府", status="missing") == [a["mouxian2024"]]
    assert ids(engine, "法治政府", limit=2) == [a["jingan2024"], a["mirror2024"]]


def test_hits_carry_highlighted_snippets(engine, archive_ids):
    with Session(engine) as s:
        hit = search(s, "出庭应诉")[0]
        assert hit.id == archive_ids["jingan2024"]
        assert hit.title == "上海市静安区2024年法治政府建设情况报告"
        assert [hit.snippet[s0:e0] for s0, e0 in hit.highlights] == ["出庭应诉"]
        assert hit.to_dict()["published"] == "2025-03-20"
        assert search(s, "   ") == []


def test_title_matches_count(engine, archive_ids):
    # 示范创建 only occurs in the notice's title and text
    assert ids(engine, "示范创建") == [archive_ids["notice"]]
