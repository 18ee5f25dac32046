"""Report groups: exact and near-duplicate copies join one group; the official copy is canonical."""

from __future__ import annotations

import importlib

from alembic import command
from sqlalchemy import insert, select
from sqlmodel import Session

from archive.db import _alembic_config, get_engine, session_scope
from archive.fingerprint import text_band_keys
from archive.groups import BUCKET_CAP, NEAR_DUP_SIMILARITY, _buckets, band_matches, length_band, refresh_group
from archive.models import Document, MinHashBand, ReportGroup
from archive.store import record_page, upsert_portal
from archive.tables import GROUP
from tests.factories import REPORT_2024, REPORT_OTHER_COUNTY, T0, day, page

# What a traditional-character mirror copy looks like after normalization (OpenCC t2s + NFKC): the same
# report, with a few residues a converter leaves behind and the mirror's own source line appended.
MIRROR_TEXT = (
    REPORT_2024.replace("审核", "審核", 1).replace("裁量", "裁量").replace("1.2万", "1.2萬")
    + "\n（来源：静安区司法局）"
)


def put(engine, item):
    with session_scope(engine) as s:
        return record_page(s, item).document_id


def group_of(engine, doc_id):
    with Session(engine) as s:
        return s.get(Document, doc_id).report_group_id


def canonical(engine, group_id):
    with Session(engine) as s:
        return s.get(ReportGroup, group_id).canonical_document_id


def test_same_report_on_two_portals_and_a_mirror_is_one_group_with_official_canonical(engine):
    mirror = put(
        engine,
        page(
            url="https://mirror.example.cn/a/1.html",
            portal_id="mirror",
            official=False,
            text=MIRROR_TEXT,
            publisher=None,
            fetched_at=day(0),
        ),
    )
    city = put(
        engine, page(url="https://www.shanghai.gov.cn/x/1.html", portal_id="shanghai", fetched_at=day(2))
    )
    county = put(
        engine, page(url="https://www.jingan.gov.cn/fzzfjs/1.html", portal_id="jingan", fetched_at=day(1))
    )
    group = group_of(engine, mirror)
    assert group is not None
    assert group_of(engine, city) == group_of(engine, county) == group
    # official beats the earlier mirror; among officials the earliest first_seen wins
    assert canonical(engine, group) == county
    with Session(engine) as s:
        g = s.get(ReportGroup, group)
        assert (g.year, g.jurisdiction, g.title) == (
            2024,
            "上海市静安区人民政府",
            "上海市静安区2024年法治政府建设情况报告",
        )
        assert len(s.scalars(select(ReportGroup)).all()) == 1


def test_different_years_never_merge(engine):
    a = put(engine, page(url="https://www.jingan.gov.cn/a.html", year=2024))
    b = put(engine, page(url="https://www.jingan.gov.cn/b.html", year=2023))  # identical text, other year
    assert group_of(engine, a) != group_of(engine, b)


def test_different_jurisdictions_stay_apart(engine):
    a = put(engine, page(url="https://www.jingan.gov.cn/a.html"))
    b = put(
        engine,
        page(
            url="https://www.mouxian.gov.cn/b.html",
            portal_id="mouxian",
            text=REPORT_OTHER_COUNTY,
            publisher="某某县人民政府",
        ),
    )
    assert group_of(engine, a) != group_of(engine, b)


def test_near_duplicate_with_conflicting_publisher_is_not_merged(engine):
    a = put(engine, page(url="https://www.jingan.gov.cn/a.html"))
    b = put(
        engine,
        page(
            url="https://www.other.gov.cn/b.html",
            portal_id="other",
            text=REPORT_2024.replace("静安区", "黄浦区"),
            publisher="上海市黄浦区人民政府",
        ),
    )
    assert group_of(engine, a) != group_of(engine, b)


def test_edit_keeps_group_and_leaving_report_kind_leaves_group(engine):
    url = "https://www.jingan.gov.cn/a.html"
    a = put(engine, page(url=url))
    b = put(
        engine,
        page(url="https://mirror.example.cn/a.html", portal_id="mirror", official=False, publisher=None),
    )
    group = group_of(engine, a)
    put(engine, page(url=url, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(1)))
    assert group_of(engine, a) == group_of(engine, b) == group
    put(engine, page(url=url, kind="other", text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(2)))
    assert group_of(engine, a) is None
    assert canonical(engine, group) == b  # the mirror is all that is left


def test_length_band_matches_the_threshold():
    lo, hi = length_band(1000)
    assert NEAR_DUP_SIMILARITY == 0.90
    assert (lo, hi) == (818, 1223)


def test_a_copy_is_found_past_buckets_crowded_by_a_template(engine):
    """Buckets shared by more reports than BUCKET_CAP are skipped: the copy is found through the others,
    and the crowd's documents are never read as candidates."""
    original = put(engine, page(url="https://www.jingan.gov.cn/fzzfjs/1.html"))
    keys = text_band_keys(REPORT_2024)
    crowded = sorted(set(keys))[:20]  # 20 of the report's 32 buckets are also a template's
    crowd = [
        put(engine, page(text=f"第{n}号无关文件。" * 40, portal_id="shanghai", year=2023))
        for n in range(BUCKET_CAP + 10)
    ]
    with session_scope(engine) as s:
        conn = s.connection()
        for doc in crowd:
            conn.execute(MinHashBand.__table__.delete().where(MinHashBand.document_id == doc))
            conn.execute(
                MinHashBand.__table__.insert(),
                [{"document_id": doc, "band": i, "key": key} for i, key in enumerate(crowded)],
            )
    mirror = put(engine, page(url="https://mirror.example.cn/a/1.html", portal_id="mirror", text=MIRROR_TEXT))
    assert group_of(engine, mirror) == group_of(engine, original)
    with Session(engine) as s:
        matches = band_matches(s.connection(), keys=keys, document_id=mirror)
    assert [doc for doc, _ in matches] == [original]


def test_the_bucket_lookup_reads_the_key_index_alone(tmp_path):
    """Every new report looks up 32 buckets of up to 65 documents: from the table, that is a row lookup per
    entry (twice the CPU at 100,000 reports, migration 0023); SQLite's key index must answer it alone."""
    engine = get_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN "
            + _buckets(2).text.replace(":k0", "1").replace(":k1", "2").replace(":document_id", "3")
        ).all()
    engine.dispose()
    searches = [row[-1] for row in plan if "minhash_band" in row[-1]]
    assert len(searches) == 2 and all("COVERING INDEX ix_minhash_band_key" in s for s in searches), plan
    assert not any("TEMP B-TREE" in row[-1] for row in plan), plan  # the index gives the id order


def test_a_crowded_bucket_is_cut_at_the_same_documents_on_every_backend(engine):
    """A bucket of more than BUCKET_CAP documents is read to its first BUCKET_CAP + 1 by id, whatever order
    the table holds its rows in (here the reverse: PostgreSQL's sequential scan would read them so)."""
    docs = [
        put(engine, page(url=f"https://www.x.gov.cn/{n}.html", portal_id="x", text=f"第{n}号文件。" * 40))
        for n in range(BUCKET_CAP + 6)
    ]
    with engine.begin() as conn:
        conn.execute(MinHashBand.__table__.delete())
        conn.execute(
            MinHashBand.__table__.insert(), [{"document_id": d, "band": 0, "key": 7} for d in reversed(docs)]
        )
        read = [row.document_id for row in conn.execute(_buckets(1), {"k0": 7, "document_id": -1})]
    assert read == docs[: BUCKET_CAP + 1]


def test_a_new_group_is_described_as_refresh_group_describes_it(engine):
    """A report alone in a new group gets its fields in the insert: the publisher, else the portal's region,
    else its name, exactly what refresh_group computes from the members."""
    with session_scope(engine) as s:
        upsert_portal(s, id="county", name="某县人民政府", region="某省某县")
        upsert_portal(s, id="city", name="某市人民政府", region="")
    docs = [
        put(engine, page(portal_id="county", publisher=None, text=REPORT_2024)),
        put(engine, page(portal_id="city", publisher="", text=REPORT_OTHER_COUNTY)),
        put(engine, page(portal_id="jingan", text=TEXT_0021)),
    ]
    fields = (GROUP.c.id, GROUP.c.canonical_document_id, GROUP.c.year, GROUP.c.title, GROUP.c.jurisdiction)
    with engine.begin() as conn:
        described = conn.execute(select(*fields).order_by(GROUP.c.id)).all()
        for group in described:
            refresh_group(conn, group_id=group.id)
        assert conn.execute(select(*fields).order_by(GROUP.c.id)).all() == described
    assert [(g.canonical_document_id, g.jurisdiction) for g in described] == [
        (docs[0], "某省某县"),
        (docs[1], "某市人民政府"),
        (docs[2], "上海市静安区人民政府"),
    ]


# The first three band keys of TEXT_0021 as the archive computed them before migration 0022 (datasketch's
# affine32 MinHash), recorded from that code: the downgrade must give back exactly these.
TEXT_0021 = "2019年，我区坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政。" * 10
KEYS_0021 = [5446741605350320874, 2683478580026404025, 3439129312085294771]


def test_the_one_permutation_migration_recomputes_every_stored_key_both_ways(engine):
    """0022 replaces every stored band key with the one-permutation MinHash's; its downgrade restores the
    keys of the scheme before, and copies still find each other after both."""
    before = importlib.import_module("archive.migrations.versions.0022_band_keys_one_permutation")
    assert before.affine32_band_keys(TEXT_0021)[:3] == KEYS_0021
    docs = {
        put(engine, page(url="https://www.jingan.gov.cn/fzzfjs/1.html", portal_id="jingan")): REPORT_2024,
        put(
            engine, page(url="https://mirror.example.cn/a/1.html", portal_id="m", text=MIRROR_TEXT)
        ): MIRROR_TEXT,
        put(engine, page(url="https://www.x.gov.cn/2.html", portal_id="x", text=TEXT_0021)): TEXT_0021,
    }
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0021_search_crisismerge")
        assert stored_keys(conn) == {doc: before.affine32_band_keys(body) for doc, body in docs.items()}
        # keys of a document whose latest version is missing cannot be recomputed (or verified): they go
        textless = {"id": 999, "portal_id": "x", "url": "https://www.x.gov.cn/lost.html", "kind": "report"}
        times = {"first_seen": T0, "last_seen": T0, "status": "live", "versions": 1, "missing_count": 0}
        conn.execute(insert(Document), {**textless, **times, "text_len": 0})
        conn.execute(insert(MinHashBand), [{"document_id": 999, "band": b, "key": b} for b in range(32)])
        command.upgrade(cfg, "head")
        assert stored_keys(conn) == {doc: text_band_keys(body) for doc, body in docs.items()}
    copy = put(engine, page(url="https://www.shanghai.gov.cn/x/1.html", portal_id="shanghai"))
    assert group_of(engine, copy) == group_of(engine, list(docs)[1]) == group_of(engine, list(docs)[0])


def stored_keys(conn) -> dict[int, list[int]]:
    rows = conn.execute(select(MinHashBand).order_by(MinHashBand.document_id, MinHashBand.band)).all()
    keys: dict[int, list[int]] = {}
    for row in rows:
        keys.setdefault(row.document_id, []).append(row.key)
    return keys
