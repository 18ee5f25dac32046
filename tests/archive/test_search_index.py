"""The bigram search index: exact answers for terms of any length, kept in step with the latest version.

The first test checks :mod:`archive.segment`'s queries against plain substring search on the real FTS5
table; the others go through the store and :func:`archive.search.search` on both backends, and through the
migration that builds the index from versions stored before it existed.
"""

from __future__ import annotations

import logging
import random
import sqlite3
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlmodel import Session

from archive import search_index
from archive.db import _alembic_config, create_db_engine, session_scope, upgrade
from archive.models import Document
from archive.search import search
from archive.segment import characters, segment, term_query, window_queries
from archive.store import record_page
from tests.factories import REPORT_2024, REPORT_OTHER_COUNTY, page

TEXTS = [
    REPORT_2024,
    REPORT_OTHER_COUNTY,
    "纠错率为7.5%，出庭应诉率100%。县长ABC出席；乡镇",
    "法\n治 政府 abc-7 县。萬",
    "7.52%，县县，Abc",
]


def _ascii_lower(s: str) -> str:
    return s.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


def test_index_queries_equal_substring_search_for_every_length():
    conn = sqlite3.connect(":memory:")
    conn.execute(search_index.CREATE)
    conn.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, body TEXT)")
    for i, body in enumerate(TEXTS, 1):
        conn.execute(
            "INSERT INTO search_index(rowid, title, body, chars) VALUES (?, '', ?, ?)",
            (i, segment(body), characters(body)),
        )
        conn.execute("INSERT INTO doc VALUES (?, ?)", (i, body))
    rng = random.Random(0)
    terms = {
        "萬",
        "县",
        "乡镇",
        "7.5%",
        "abc",
        "ABC",
        "法治",
        "政府建设",
        "%",
        "不存在",
        "7.52",
        "乡镇法治政府",
        "县长abc出席",
    }
    for _ in range(300):
        body = rng.choice(TEXTS)
        at = rng.randrange(len(body))
        terms.add(body[at : at + rng.randint(1, 7)].strip())
    for term in sorted(t for t in terms if t and not any(c.isspace() for c in t)):
        expected = {i for i, body in enumerate(TEXTS, 1) if _ascii_lower(term) in _ascii_lower(body)}
        expr, verify = term_query(term)
        if expr is None:  # nothing indexable (punctuation only): search scans instead
            assert verify
            continue
        found = {
            r[0] for r in conn.execute("SELECT rowid FROM search_index WHERE search_index MATCH ?", (expr,))
        }
        assert expected <= found, term  # the index never misses
        for window in window_queries(term):  # a window in no document: the term is in none either
            if not conn.execute(
                "SELECT 1 FROM search_index WHERE search_index MATCH ?", (window,)
            ).fetchone():
                assert not expected, term
        if verify:
            pattern = "%" + term.replace("%", "\\%").replace("_", "\\_") + "%"
            rows = conn.execute("SELECT id FROM doc WHERE body LIKE ? ESCAPE '\\'", (pattern,))
            found &= {r[0] for r in rows}
        assert found == expected, term


def ids(engine, query, **filters):
    with Session(engine) as s:
        return [h.id for h in search(s, query, **filters)]


def test_store_keeps_the_index_on_the_latest_version(engine):
    url = "https://www.example.gov.cn/fzzfjs/index-test.html"
    with session_scope(engine) as s:
        doc = record_page(s, page(url=url, year=2023, text=REPORT_2024 + "\n独有词甲")).document_id
    assert ids(engine, "独有词甲") == [doc]
    with session_scope(engine) as s:  # same text, new year: the row moves with its rank key
        record_page(s, page(url=url, year=2024, text=REPORT_2024 + "\n独有词甲"))
    assert ids(engine, "独有词甲", year=2024) == [doc]
    assert ids(engine, "独有词甲", year=2023) == []
    with session_scope(engine) as s:  # a new text replaces the old one in the index
        record_page(s, page(url=url, year=2024, text=REPORT_2024 + "\n独有词乙"))
    assert ids(engine, "独有词甲") == []
    assert ids(engine, "独有词乙") == [doc]
    with session_scope(engine) as s:  # classified "other" now, text unchanged: still found, after reports
        record_page(s, page(url=url, year=2024, kind="other", text=REPORT_2024 + "\n独有词乙"))
    assert ids(engine, "独有词乙", kind="other") == [doc]
    assert ids(engine, "独有词乙", kind="report") == []
    with session_scope(engine) as s:  # an empty fetch stores no version and says nothing of kind or year
        record_page(s, page(url=url, year=2022, kind="report", text=""))
    assert ids(engine, "独有词乙", year=2024, kind="other") == [doc]
    assert ids(engine, "独有词乙", year=2022) == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM search_index")).scalar()
            assert rows == 1


def test_a_batch_that_changes_a_document_twice_and_comes_in_falling_key_order_leaves_the_right_index(
    engine, caplog
):
    """The store worker's batches hold their index swaps to the end (search_index.deferred), reduce each
    document's to one and make them in key order. Whatever the order, each document is found by exactly the
    words of its latest text under its latest year, and the index holds what a rebuild from the texts holds."""
    from pipelines.store import write_items

    def url(n: int) -> str:
        return f"https://www.example.gov.cn/fzzfjs/batch-{n}.html"

    with session_scope(engine) as s:  # already indexed before the batch: 0 (2024) and 1 (2023)
        record_page(s, page(url=url(0), year=2024, text=REPORT_2024 + "\n批前词零"))
        record_page(s, page(url=url(1), year=2023, text=REPORT_OTHER_COUNTY + "\n批前词一"))
    batch = [page(url=url(n), year=2024 - n, text=REPORT_2024 + f"\n新词{n}号") for n in range(2, 7)]
    batch += [
        page(url=url(0), year=2024, text=REPORT_2024 + "\n改后词零甲"),  # changed twice in the batch
        page(url=url(0), year=2019, text=REPORT_2024 + "\n改后词零乙"),  # ... the second time with a year
        page(url=url(1), year=2024, text=REPORT_OTHER_COUNTY + "\n批前词一"),  # same text, new year: rekeyed
        page(url=url(4), year=2017, text=REPORT_2024 + "\n新词4号"),  # new in the batch, then rekeyed
    ]
    with caplog.at_level(logging.INFO, logger="pipelines.store"):
        assert all(error is None for _, error in write_items(engine, batch, gone_after=2))
    assert "writing each alone" not in caplog.text  # one transaction, not the item-by-item fallback
    with Session(engine) as s:
        doc = {n: s.scalar(select(Document.id).where(Document.url == url(n))) for n in range(7)}
    assert ids(engine, "批前词零") == [] and ids(engine, "改后词零甲") == []
    assert ids(engine, "改后词零乙", year=2019) == [doc[0]]
    assert ids(engine, "批前词一", year=2024) == [doc[1]] and ids(engine, "批前词一", year=2023) == []
    assert ids(engine, "新词4号", year=2017) == [doc[4]] and ids(engine, "新词4号", year=2020) == []
    for n in (2, 3, 5, 6):
        assert ids(engine, f"新词{n}号", year=2024 - n) == [doc[n]]
    if engine.dialect.name == "sqlite":
        # every term in the documents it is in, as a rebuild from the texts has it
        with engine.begin() as conn:
            conn.execute(text("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, search_index, 'row')"))
            terms = text("SELECT term, doc, cnt FROM temp.terms ORDER BY term")
            kept = conn.execute(terms).all()
            search_index.rebuild(conn)
            assert conn.execute(terms).all() == kept


def test_migration_builds_the_index_from_existing_versions(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        before = ScriptDirectory.from_config(cfg).get_revision("0014_search_index").down_revision
        command.upgrade(cfg, before)
        conn.execute(
            text(
                "INSERT INTO portal (id, name, official, start_urls, render) VALUES ('p', 'p', 1, '[]', 'auto')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO document (id, portal_id, url, kind, year, status, first_seen, last_seen, missing_count,"
                " versions, text_len) VALUES (7, 'p', 'https://x.gov.cn/1', 'report', 2024, 'live',"
                " '2025-01-01', '2025-01-01', 0, 2, 10)"
            )
        )
        for seq, body in ((1, "旧版本独有的话"), (2, "新版本的法治督察")):
            conn.execute(
                text(
                    "INSERT INTO version (document_id, seq, fetched_at, title, text, text_hash, raw_codec, raw_size)"
                    " VALUES (7, :seq, '2025-01-01', '标题', :body, 'h', 'zlib', 0)"
                ),
                {"seq": seq, "body": body},
            )
    upgrade(engine)
    assert ids(engine, "法治督察") == [7]
    assert ids(engine, "督") == [7]
    assert ids(engine, "旧版本") == []
    engine.dispose()


def _report_length_archive(
    engine, rng: random.Random, count: int = 24
) -> dict[int, tuple[str, int | None, str]]:
    """Store ``count`` reports of 8–12k characters; returns document id → (text, year, kind)."""
    sentences = [s + "。" for s in (REPORT_2024 + REPORT_OTHER_COUNTY).replace("\n", "。").split("。") if s]
    docs = {}
    with session_scope(engine) as s:
        for k in range(count):
            lines, size = [], 0
            while size < rng.randint(8_000, 12_000):
                line = "".join(rng.sample(sentences, 4)) + f"办理{rng.randint(100, 999)}件。"
                lines.append(line)
                size += len(line) + 1
            body, year = "\n".join(lines), rng.choice([2022, 2023, 2024, None])
            kind = "report" if k % 4 else "other"
            item = page(url=f"https://x.gov.cn/r{k}.html", text=body, year=year, kind=kind, title=f"报告{k}")
            docs[record_page(s, item).document_id] = (body, year, kind)
    return docs


def _ranked_by_matches(docs: dict, hits: list[int], term: str) -> list[int]:
    """Search's final order of ``hits``: reports first, then occurrences of ``term``, newest year, lowest id."""
    return sorted(
        hits, key=lambda d: (docs[d][2] != "report", -docs[d][0].count(term), -(docs[d][1] or 0), d)
    )


def test_report_length_texts_give_the_oracle_answer_on_each_backend(engine):
    """Reports of 8–12k characters: every backend returns what a plain substring scan and the ranking
    rule give (so the backends agree with each other at realistic lengths)."""
    rng = random.Random(7)
    docs = _report_length_archive(engine, rng)
    probes = [
        "法",
        "县",
        "复议",
        "乡镇",
        "法治督察",
        "7.2%",
        "出庭应诉率100%",
        "办理" + str(rng.randint(100, 999)) + "件",
        "普法宣传教育",  # an absent phrase: its window 法宣传教 is in no document
        "行政复议工作",
    ]
    body = next(iter(docs.values()))[0]
    probes += [body[at : at + rng.randint(5, 12)].strip() for at in rng.sample(range(len(body) - 12), 6)]
    probes = [p for p in probes if p and not any(c.isspace() for c in p)]
    for term in probes:
        hits = _ranked_by_matches(docs, [d for d, (body, _, _) in docs.items() if term in body], term)
        assert ids(engine, term) == hits[:20], term


def test_a_pool_smaller_than_the_matches_is_the_first_in_rank_order_whichever_way_it_is_found(
    engine, monkeypatch
):
    """With a pool of 3, PostgreSQL's walk in rank order (batches of 3) answers common terms and hands rare
    ones to an index (pg_trgm, or the characters for one or two); every answer is the oracle's: the first 3
    matches by (reports first, newest year, id), then ranked by occurrences."""
    from archive import search as search_module

    docs = _report_length_archive(engine, random.Random(11), count=16)
    monkeypatch.setattr(search_module, "RANK_POOL", 3)
    index_route = []
    real_route = search_module._through_search_indexes
    monkeypatch.setattr(  # records the loop's current term when search takes an index's route
        search_module, "_through_search_indexes", lambda s: index_route.append(term) or real_route(s)
    )

    def rank(d):
        body, year, kind = docs[d]
        return (kind != "report", year is None, -(year or 0), -d)

    rare_pair = "鸿雁"  # two characters in one document only: found through the character indexes
    with session_scope(engine) as s:
        odd = REPORT_2024 + rare_pair
        item = page(url="https://x.gov.cn/odd.html", text=odd, year=2023, kind="report", title="报告odd")
        docs[record_page(s, item).document_id] = (odd, 2023, "report")
    body = next(iter(docs.values()))[0]
    rare = next(
        body[at : at + 7]
        for at in range(0, len(body) - 7, 97)
        if not any(c.isspace() for c in body[at : at + 7])
        and sum(body[at : at + 7] in b for b, _, _ in docs.values()) == 1
    )
    terms = ["法治", "县", "行政复议", "依法行政工作", rare, "普法宣传教育", "7.2%", rare_pair, "萬", "彩虹"]
    for term in terms:
        pool = _ranked_by_matches(
            docs, sorted((d for d, (b, _, _) in docs.items() if term in b), key=rank)[:3], term
        )
        with Session(engine) as s:
            assert [h.id for h in search(s, term, limit=3)] == pool, term
    if engine.dialect.name == "postgresql":  # the walk answered the common terms by itself
        assert {rare, "普法宣传教育", rare_pair, "萬", "彩虹"} <= set(index_route)
        assert not {"法治", "县", "行政复议"} & set(index_route)
    else:
        assert not index_route


def test_a_reextracted_text_replaces_the_indexed_one(engine):
    from archive.store import record_reextraction

    with session_scope(engine) as s:
        doc = record_page(s, page(text=REPORT_2024 + "\n旧抽取的尾巴")).document_id
    with session_scope(engine) as s:
        record_reextraction(
            s,
            document_id=doc,
            text=REPORT_2024 + "\n新抽取的段落",
            text_extracted=None,
            title=None,
            source_seq=1,
        )
    assert ids(engine, "旧抽取") == []
    assert ids(engine, "新抽取") == [doc]


def test_the_characters_column_migration_rebuilds_the_index_both_ways(tmp_path):
    """0020 replaces the prefix index with the characters column; its downgrade brings the old table back."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        doc = record_page(
            s, page(url="https://www.example.gov.cn/a.html", text=REPORT_2024 + "\n萬字督察")
        ).document_id
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0019_rendered_list")
        old = conn.execute(text("SELECT rowid FROM search_index WHERE search_index MATCH '\"萬\"*'")).all()
        assert [search_index.document_id(k) for (k,) in old] == [doc]
        command.upgrade(cfg, "head")
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(search_index)"))]
        assert columns == ["title", "body", "chars"]
    assert ids(engine, "萬") == [doc]
    assert ids(engine, "督察") == [doc]
    assert ids(engine, "萬字督察") == [doc]
    assert ids(engine, "禺") == []
    engine.dispose()


def test_the_crisismerge_migration_sets_it_and_its_downgrade_restores_the_default(tmp_path):
    """0021 raises crisismerge above automerge (incremental merges); downgraded, FTS5's 16 is back."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    policy = text("SELECT k, v FROM search_index_config WHERE k IN ('automerge', 'crisismerge') ORDER BY k")
    with engine.begin() as conn:
        assert conn.execute(policy).all() == [("automerge", 16), ("crisismerge", 64)]
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020_search_chars")
        assert conn.execute(policy).all() == [("automerge", 16), ("crisismerge", 16)]
        command.upgrade(cfg, "head")
        assert conn.execute(policy).all() == [("automerge", 16), ("crisismerge", 64)]
    engine.dispose()


def test_postgres_finds_rare_terms_through_the_gin_indexes_on_a_small_archive(engine, monkeypatch):
    """On a few documents the planner would read every version (through the version table's b-tree when
    sequential scans are off) rather than use pg_trgm or the character indexes: the index routes' statement
    must be planned as bitmap scans of those indexes."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner question; SQLite answers from its FTS5 index")
    from sqlalchemy import event

    from archive import search as search_module

    _report_length_archive(engine, random.Random(3), count=6)
    routed: list[tuple[str, dict]] = []
    inside = []
    real_route = search_module._through_search_indexes

    @contextmanager
    def watched(session):
        with real_route(session):
            inside.append(True)
            yield
            inside.clear()

    def grab(conn, cursor, statement, parameters, context, executemany):
        if inside and statement.lstrip().startswith("SELECT document.id"):
            routed.append((statement, parameters))

    monkeypatch.setattr(search_module, "_through_search_indexes", watched)
    event.listen(engine, "before_cursor_execute", grab)
    try:
        for term, index in (("兴和市宁新县", "ix_version_text_trgm"), ("萬", "ix_version_text_chars")):
            routed.clear()
            assert ids(engine, term) == []
            assert len(routed) == 1, term
            with engine.begin() as conn:
                for name in search_module._FULL_READS:
                    conn.execute(text("SELECT set_config(:n, 'off', true)"), {"n": name})
                plan = "\n".join(
                    row[0] for row in conn.exec_driver_sql("EXPLAIN " + routed[0][0], routed[0][1])
                )
            assert f"Bitmap Index Scan on {index}" in plan, plan
    finally:
        event.remove(engine, "before_cursor_execute", grab)
