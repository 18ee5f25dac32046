"""Store semantics on real SQLite and PostgreSQL: versions, change events, moves, missing/gone, rollback."""

from __future__ import annotations

import io
import zlib

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from warcio.archiveiterator import ArchiveIterator

from archive import store
from archive.db import session_scope
from archive.models import Change, Document, MinHashBand, Portal, Problem, Version
from archive.queries import find_document
from archive.store import decompress_raw, record_missing, record_not_modified, record_page
from archive.warc import write_warc
from tests.factories import REPORT_2024, day, missing, not_modified, page

URL = "https://www.jingan.gov.cn/fzzfjs/2024.html"


def put(engine, item, **kw):
    with session_scope(engine) as s:
        if isinstance(item, type(page())):
            return record_page(s, item, **kw)
        if type(item).__name__ == "PageMissing":
            return record_missing(s, item, **kw)
        return record_not_modified(s, item, **kw)


def changes(engine, document_id):
    with Session(engine) as s:
        rows = s.scalars(select(Change).where(Change.document_id == document_id).order_by(Change.id)).all()
        return [(c.kind, c.from_version, c.to_version, c.summary) for c in rows]


def count(engine, model):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_first_fetch_creates_version_one_and_new_event(engine):
    item = page(
        url=URL, headers={"content-type": "text/html", "etag": '"abc"', "last-modified": "Mon, 03 Mar 2025"}
    )
    result = put(engine, item)
    assert (result.outcome, result.changes, result.version) == ("new_version", ["new"], 1)
    with Session(engine) as s:
        doc = s.get(Document, result.document_id)
        assert (doc.url, doc.status, doc.kind, doc.year, doc.versions) == (URL, "live", "report", 2024, 1)
        assert (doc.etag, doc.last_modified) == ('"abc"', "Mon, 03 Mar 2025")
        v = s.scalars(select(Version).where(Version.document_id == doc.id)).one()
        assert v.text == REPORT_2024 and v.seq == 1
        assert decompress_raw(v.raw, v.raw_codec) == item.body  # raw bytes kept, compressed
        assert v.raw_size == len(item.body)
    assert changes(engine, result.document_id) == [("new", None, 1, f"{len(REPORT_2024)} chars")]


def test_pages_stored_with_zlib_before_zstd_are_still_read(engine):
    """Archives written before pages were stored as zstd keep ``zlib`` rows: exports and re-extraction read
    each row in the codec it names, and a name nobody wrote is an error, not garbage."""
    item = page(url=URL)
    document_id = put(engine, item).document_id
    with Session(engine) as s:
        v = s.scalars(select(Version).where(Version.document_id == document_id)).one()
        assert v.raw_codec == "zstd" and decompress_raw(v.raw, "zstd") == item.body
        v.raw, v.raw_codec = zlib.compress(item.body, 6), "zlib"  # as the store wrote it until 2026-12
        s.add(v)
        s.commit()
        stream = io.BytesIO()
        write_warc(s, stream)
    stream.seek(0)
    bodies = [r.content_stream().read() for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert bodies == [item.body]
    with pytest.raises(ValueError, match="unknown raw codec 'lz4'"):
        decompress_raw(b"", "lz4")


def test_a_registry_sync_adds_new_portals_updates_changed_ones_and_keeps_a_stored_name(engine):
    """The registry is the authority: one sync of many entries inserts the new portals, rewrites changed
    fields, and leaves a stored name alone when the registry gives none."""
    with session_scope(engine) as s:
        store.upsert_portal(s, id="a", name="甲县人民政府", region="某省甲县", level="county")
        store.upsert_portal(s, id="b", name="乙市人民政府", start_urls=["https://b.gov.cn/"])
    entries = [
        store.portal_entry("a", name=None, region="某省甲区", adcode=110101, level="county"),
        store.portal_entry("b", name="乙市人民政府", start_urls=["https://b.gov.cn/"]),
        store.portal_entry("c", name="丙网", official=False, render="always"),
    ]
    with engine.begin() as conn:
        store.sync_portals(conn, entries)
    with Session(engine) as s:
        portals = {p.id: p for p in s.scalars(select(Portal))}
    assert (portals["a"].name, portals["a"].region, portals["a"].adcode) == (
        "甲县人民政府",
        "某省甲区",
        "110101",
    )
    assert (portals["b"].name, portals["b"].start_urls, portals["b"].render) == (
        "乙市人民政府",
        ["https://b.gov.cn/"],
        "auto",
    )
    assert (portals["c"].name, portals["c"].official, portals["c"].render) == ("丙网", False, "always")


def test_rendered_pages_keep_no_validators(engine):
    """The browser's validators describe a script shell whose text may change under the same ETag."""
    item = page(url=URL, headers={"etag": '"shell"', "last-modified": "Mon, 03 Mar 2025"})
    item.rendered = True
    result = put(engine, item)
    with Session(engine) as s:
        doc = s.get(Document, result.document_id)
        assert (doc.etag, doc.last_modified) == (None, None)


def test_chrome_only_change_creates_no_version_and_no_event(engine):
    first = put(engine, page(url=URL))
    again = put(engine, page(url=URL, body=b"<html>new chrome, same text</html>", fetched_at=day(1)))
    assert (again.outcome, again.changes, again.document_id) == ("unchanged", [], first.document_id)
    assert count(engine, Version) == 1
    assert [c[0] for c in changes(engine, first.document_id)] == ["new"]
    with Session(engine) as s:
        assert s.get(Document, first.document_id).last_seen == day(1)


def test_one_character_edit_creates_version_two_with_summary(engine):
    first = put(engine, page(url=URL))
    edited = put(engine, page(url=URL, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(3)))
    assert (edited.outcome, edited.changes, edited.version) == ("new_version", ["changed"], 2)
    with Session(engine) as s:
        v1, v2 = s.scalars(
            select(Version).where(Version.document_id == first.document_id).order_by(Version.seq)
        )
        assert "7.2%" in v1.text and "7.5%" in v2.text  # version 1 never overwritten
        assert (v2.chars_added, v2.chars_removed) == (1, 1)
        assert 0.99 < v2.similarity < 1
    kind, frm, to, summary = changes(engine, first.document_id)[-1]
    assert (kind, frm, to) == ("changed", 1, 2)
    assert summary.startswith("+1 -1 chars, similarity 0.99")


def test_missing_then_gone_then_returned(engine):
    doc_id = put(engine, page(url=URL)).document_id
    first = put(engine, missing(URL, fetched_at=day(1)))
    assert (first.outcome, first.changes) == ("missing", ["missing"])
    second = put(engine, missing(URL, status=410, fetched_at=day(2)))
    assert second.changes == ["gone"]
    with Session(engine) as s:
        doc = s.get(Document, doc_id)
        assert (doc.status, doc.missing_count) == ("gone", 2)
    back = put(engine, page(url=URL, fetched_at=day(3)))
    assert (back.outcome, back.changes) == ("unchanged", ["returned"])  # same text: no new version
    with Session(engine) as s:
        doc = s.get(Document, doc_id)
        assert (doc.status, doc.missing_count, doc.versions) == ("live", 0, 1)
    assert [c[0] for c in changes(engine, doc_id)] == ["new", "missing", "gone", "returned"]


def test_gone_after_setting_and_unknown_urls(engine):
    doc_id = put(engine, page(url=URL)).document_id
    assert put(engine, missing(URL), gone_after=1).changes == ["gone"]
    assert put(engine, missing("https://nowhere.gov.cn/x.html")).outcome == "unknown"
    assert put(engine, not_modified("https://nowhere.gov.cn/x.html")).outcome == "unknown"
    assert [c[0] for c in changes(engine, doc_id)] == ["new", "gone"]


def test_not_modified_touches_last_seen_and_resets_missing_count(engine):
    doc_id = put(engine, page(url=URL)).document_id
    put(engine, missing(URL, fetched_at=day(1)))
    result = put(engine, not_modified(URL, fetched_at=day(2)))
    assert (result.outcome, result.changes) == ("not_modified", ["returned"])
    with Session(engine) as s:
        doc = s.get(Document, doc_id)
        assert (doc.status, doc.missing_count, doc.last_seen, doc.versions) == ("live", 0, day(2), 1)
    assert put(engine, not_modified(URL, fetched_at=day(3))).changes == []


def test_301_move_keeps_identity_and_history(engine):
    old_url, new_url = URL, "https://www.jingan.gov.cn/zwgk/fzzfjs/2024.html"
    doc_id = put(engine, page(url=old_url)).document_id
    put(engine, page(url=old_url, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(1)))
    moved = put(
        engine,
        page(url=new_url, requested_url=old_url, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(2)),
    )
    assert (moved.document_id, moved.changes, moved.outcome) == (doc_id, ["moved"], "unchanged")
    with Session(engine) as s:
        doc = s.get(Document, doc_id)
        assert (doc.url, doc.moved_from, doc.versions) == (new_url, old_url, 2)
        assert find_document(s, old_url).id == doc_id  # the old URL still finds it
        assert find_document(s, new_url).id == doc_id
        assert s.scalar(select(func.count()).select_from(Document)) == 1
    assert [c[0] for c in changes(engine, doc_id)] == ["new", "changed", "moved"]
    assert changes(engine, doc_id)[-1][3] == f"{old_url} -> {new_url}"


def test_move_onto_an_already_archived_url_marks_the_old_document(engine):
    new_url = "https://www.jingan.gov.cn/zwgk/2024.html"
    old_id = put(engine, page(url=URL)).document_id
    new_id = put(engine, page(url=new_url)).document_id
    result = put(engine, page(url=new_url, requested_url=URL, fetched_at=day(1)))
    assert result.document_id == new_id
    with Session(engine) as s:
        old = s.get(Document, old_id)
        assert (old.moved_to, old.status) == (new_url, "gone")
    assert changes(engine, old_id)[-1][0] == "moved"


def test_empty_report_text_records_a_problem_not_a_version(engine):
    result = put(engine, page(url=URL, text="", problems=["extract: empty main text"]))
    assert (result.outcome, result.version) == ("problem", None)
    assert count(engine, Version) == 0
    with Session(engine) as s:
        problem = s.scalars(select(Problem)).one()
        assert problem.document_id == result.document_id
        assert "extract: empty main text" in problem.message
    # a good fetch afterwards gets version 1; a later empty fetch never replaces it
    assert put(engine, page(url=URL, fetched_at=day(1))).version == 1
    assert put(engine, page(url=URL, text="  \n", fetched_at=day(2))).outcome == "problem"
    with Session(engine) as s:
        assert s.get(Document, result.document_id).versions == 1


def test_failure_mid_item_rolls_back_everything(engine, monkeypatch):
    put(
        engine,
        page(url="https://www.jingan.gov.cn/other.html", text="另一份文件。" * 20, kind="other", year=None),
    )
    before = {m: count(engine, m) for m in (Document, Version, Change, MinHashBand)}

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "assign_group", boom)  # fails after document, version and change were written
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        record_page(s, page(url=URL))
    assert {m: count(engine, m) for m in before} == before
    with Session(engine) as s:
        assert find_document(s, URL) is None
