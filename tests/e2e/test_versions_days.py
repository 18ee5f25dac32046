"""Versions and change events across govsim days 1 → 2 → 3, crawled into one archive.

govsim's manifest says what changed each day; chrome (今天是 dates, counters) changes everywhere every day and
must never produce a version or an event.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document, Version
from tests.e2e.helpers import (
    changes_after,
    crawl,
    last_change_id,
    latest_texts,
    write_registry,
)

pytestmark = pytest.mark.slow

REVALIDATE_ALL = ("-s", "FAZHI_REVALIDATE_AFTER=0")


def _expected(manifest: dict, portals: list[str], kind: str) -> set[str]:
    return {c["url"] for c in manifest["changes"] if c["change"] == kind and c["portal"] in portals}


def test_days_one_two_three(govsim, db_url, tmp_path):
    registry = write_registry(govsim, tmp_path)
    portals = govsim.plain_portal_ids()

    # day 1: everything is new, once
    crawl(registry, db_url, *REVALIDATE_ALL, portals=portals)
    day1 = changes_after(db_url)
    assert {kind for kind, _, _ in day1} == {"new"}
    assert len(day1) == len({url for _, url, _ in day1})
    mark = last_change_id(db_url)

    # day 2: one report edited, one new report; chrome changed on every page
    govsim.set_day(2)
    manifest = govsim.manifest()
    crawl(registry, db_url, *REVALIDATE_ALL, portals=portals)
    day2 = changes_after(db_url, mark)
    assert sorted((k, u) for k, u, _ in day2) == sorted(
        [("changed", u) for u in _expected(manifest, portals, "edited")]
        + [("new", u) for u in _expected(manifest, portals, "new")]
    )
    assert len(day2) == 2
    mark = last_change_id(db_url)

    # day 3: one report removed (404), one moved (301), one list page reordered
    govsim.set_day(3)
    manifest = govsim.manifest()
    removed = _expected(manifest, portals, "removed")
    moved = {
        c["url"]: c["location"]
        for c in manifest["changes"]
        if c["change"] == "moved" and c["portal"] in portals
    }
    before = latest_texts(db_url)
    crawl(registry, db_url, *REVALIDATE_ALL, portals=portals)
    day3 = changes_after(db_url, mark)
    assert sorted(k for k, _, _ in day3) == ["missing", "moved"]
    stored = latest_texts(db_url)
    for old_url, new_url in moved.items():
        doc, version = stored[new_url]
        assert doc.id == before[old_url][0].id, "a move keeps the document's identity"
        assert doc.versions == 1 and version.seq == 1, "a move with unchanged text is not a new version"
        assert old_url not in stored
    for url in removed:
        assert stored[url][0].status == "missing"
    mark = last_change_id(db_url)

    # day 3 again: still 404 → gone; nothing else happens
    crawl(registry, db_url, *REVALIDATE_ALL, portals=portals)
    assert [(k, u) for k, u, _ in changes_after(db_url, mark)] == [("gone", u) for u in removed]

    # versions: exactly one per document, two for the edited report
    engine = get_engine(db_url)
    with Session(engine) as session:
        counts = Counter(session.exec(select(Version.document_id)).all())
        edited = session.exec(select(Document).where(Document.url.in_(_edited_urls(govsim, portals)))).all()
    engine.dispose()
    assert [counts[d.id] for d in edited] == [2]
    assert sorted(set(counts.values())) == [1, 2] and list(counts.values()).count(2) == 1


def _edited_urls(sim, portals: list[str]) -> set[str]:
    sim.set_day(2)
    try:
        return _expected(sim.manifest(), portals, "edited")
    finally:
        sim.set_day(3)


def test_report_groups_match_the_manifest(govsim, db_url, tmp_path):
    registry = write_registry(govsim, tmp_path)
    portals = govsim.plain_portal_ids()
    crawl(registry, db_url, portals=portals)
    stored = latest_texts(db_url)
    manifest_groups: dict[str, set[str]] = {}
    for page in govsim.manifest()["pages"]:
        if page.get("report_group") and page["portal"] in portals and page["url"] in stored:
            manifest_groups.setdefault(page["report_group"], set()).add(page["url"])
    archive_groups: dict[int, set[str]] = {}
    for url, (doc, _) in stored.items():
        if doc.report_group_id is not None:
            archive_groups.setdefault(doc.report_group_id, set()).add(url)
    assert sorted(map(sorted, manifest_groups.values())) == sorted(map(sorted, archive_groups.values()))
    assert any(len(urls) >= 3 for urls in manifest_groups.values()), (
        "a report copied across portals and a mirror"
    )
