"""Group commit: the store worker writes the items that waited for it in one transaction.

A batch must leave the archive exactly as one transaction per item would (documents, versions, changes,
report groups, the search index), and a bad item must still fail alone.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import event, select, text
from sqlmodel import Session

from archive import store
from archive.db import get_engine
from archive.models import Change, Document, Version
from archive.search import search
from pipelines.store import BATCH, GATHER_SECONDS, StorePipeline, write_item, write_items
from tests.factories import REPORT_2024, REPORT_OTHER_COUNTY, day, missing, not_modified, page
from tests.pipelines.conftest import FakeStats

URL = "https://www.jingan.gov.cn/fzzfjs/2024.html"
TERMS = ["行政复议", "7.5%", "县", "复议", "独有词", "再上新台阶", "某某县人民政府"]


def night() -> list:
    """Items of one crawl, in arrival order: new reports, a mirror copy, the same page edited twice, a
    known page unchanged and one missing, a page that is not a report."""
    edited = REPORT_2024.replace("7.2%", "7.5%")
    return [
        page(url=URL),
        page(url="https://www.county.gov.cn/fzzfjs/2024.html", portal_id="county", text=REPORT_OTHER_COUNTY),
        page(
            url="https://mirror.example.cn/copy.html", official=False, text=REPORT_2024 + "\n（来源：静安区）"
        ),
        page(url=URL, text=edited, fetched_at=day(1)),
        page(url=URL, text=edited + "\n独有词", fetched_at=day(1)),
        not_modified("https://www.county.gov.cn/fzzfjs/2024.html", fetched_at=day(1)),
        missing("https://www.jingan.gov.cn/fzzfjs/gone.html", fetched_at=day(1)),
        page(url="https://www.jingan.gov.cn/news/1.html", kind="other", year=None, text="县里开会。独有词"),
    ]


def archive_contents(engine) -> dict:
    """What a reader sees, independent of ids: documents, versions, changes, groups as sets of URLs, hits."""
    with Session(engine) as s:
        docs = {d.id: d for d in s.exec(select(Document)).scalars()}
        groups: dict[int | None, set[str]] = {}
        for d in docs.values():
            groups.setdefault(d.report_group_id, set()).add(d.url)
        return {
            "documents": sorted(
                (d.url, d.status, d.kind, d.year, d.versions, d.text_hash) for d in docs.values()
            ),
            "versions": sorted(
                (docs[v.document_id].url, v.seq, v.text_hash) for v in s.exec(select(Version)).scalars()
            ),
            "changes": sorted(
                Counter((docs[c.document_id].url, c.kind) for c in s.exec(select(Change)).scalars()).items()
            ),
            "groups": sorted(sorted(urls) for key, urls in groups.items() if key is not None),
            "hits": {term: [hit.url for hit in search(s, term)] for term in TERMS},
        }


def test_a_batch_leaves_the_archive_as_one_transaction_per_item_does(engine, tmp_path):
    reference = get_engine(f"sqlite:///{tmp_path / 'one_by_one.db'}")
    try:
        outcomes = [write_item(reference, item, 2) for item in night()]
        commits = []
        count_commit = commits.append  # one object, so that it can be removed
        event.listen(engine, "commit", count_commit)
        batched = write_items(engine, night(), 2)
        event.remove(engine, "commit", count_commit)
        assert len(commits) == 1  # one transaction, not the item-by-item fallback
        assert [e for _, e in batched] == [None] * len(batched)
        assert [r.outcome for r, _ in batched] == [r.outcome for r, _ in outcomes]
        assert [r.changes for r, _ in batched] == [r.changes for r, _ in outcomes]
        expected = archive_contents(reference)
        assert expected["hits"]["独有词"] and expected["hits"]["7.5%"]  # something to compare
        assert archive_contents(engine) == expected
        if engine.dialect.name == "sqlite":  # one index row per document, the latest version's
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM search_index")).scalar() == 4
    finally:
        reference.dispose()


def test_a_bad_item_fails_alone_and_the_rest_of_its_batch_is_stored(engine, monkeypatch):
    original = store.record_page

    def fails_on_bad(session, item, **kw):
        result = original(session, item, **kw)  # after its writes, index rows included (held)
        if item.url.endswith("/bad.html"):
            raise ValueError("boom after writing")
        return result

    monkeypatch.setattr(store, "record_page", fails_on_bad)
    items = [
        page(text=REPORT_2024 + "\n好的一"),
        page(url="https://x.gov.cn/bad.html", text="坏的"),
        page(text="好的二"),
    ]
    outcomes = write_items(engine, items, 2)
    assert [r.outcome if r else e.split(":")[0] for r, e in outcomes] == [
        "new_version",
        "ValueError",
        "new_version",
    ]
    with Session(engine) as s:
        assert sorted(s.exec(select(Document.url)).scalars()) == sorted([items[0].url, items[2].url])
        assert [h.url for h in search(s, "好的")] != [] and [h.url for h in search(s, "坏的")] == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM search_index")).scalar() == 2


def crawl_through_worker(db_url: str, items: list, every: float = 0) -> tuple[dict[str, int], list[int]]:
    """Hand ``items`` to a worker-process StorePipeline all at once, as a busy crawl does (or the first, then
    the others one every ``every`` seconds); returns its stats and the size of every batch it sent."""
    stats = FakeStats()
    pipeline = StorePipeline(db_url, stats=stats, in_worker=True)
    sizes: list[int] = []
    send = pipeline._write_batch

    async def recorded(batch):
        sizes.append(len(batch))
        return await send(batch)

    pipeline._write_batch = recorded

    async def arrive(n: int, item):
        await asyncio.sleep(n * every)
        return await pipeline.process_item(item)

    async def run() -> None:
        pipeline.open_spider(None)
        if every:  # the worker started and idle, as in a crawl under way, before the rest trickle in
            assert await pipeline.process_item(items[0]) == items[0]
            rest = items[1:]
        else:
            rest = items
        assert await asyncio.gather(*(arrive(n, item) for n, item in enumerate(rest))) == rest

    try:
        asyncio.run(run())
    finally:
        pipeline.close_spider(None)
    return Counter(stats.values), sizes


def test_items_that_wait_for_the_worker_are_written_together(engine, db_url):
    items = [page(text=f"{REPORT_2024}\n第{n}号独有句。") for n in range(80)]
    stats, sizes = crawl_through_worker(db_url, items)
    assert stats["store/new_version"] == 80 and stats["store/error"] == 0
    assert sum(sizes) == 80 and max(sizes) > 1 and max(sizes) <= BATCH  # batched, none sent twice
    with Session(engine) as s:
        assert len(s.exec(select(Document.id)).all()) == 80
        assert [h.url for h in search(s, "第79号独有句")] == [items[79].url]


def test_items_arriving_one_by_one_gather_into_batches(engine, db_url):
    """A crawl whose store keeps up hands items over one at a time, a few milliseconds apart: they are still
    written a few to a transaction (pipelines.store.GATHER_SECONDS), not one each, and none is lost."""
    items = [page(text=f"{REPORT_2024}\n第{n}号逐条句。") for n in range(13)]
    stats, sizes = crawl_through_worker(db_url, items, every=GATHER_SECONDS / 2)
    assert stats["store/new_version"] == 13 and stats["store/error"] == 0
    assert sizes[0] == 1 and sum(sizes[1:]) == 12 and max(sizes[1:]) > 1  # without gathering: twelve 1s


def test_an_item_that_cannot_be_sent_fails_alone_and_its_batch_is_sent_item_by_item(engine, db_url):
    items = [page(text=f"{REPORT_2024}\n第{n}号。") for n in range(10)]
    items[5].headers = {"content-type": "text/html", "x-bad": lambda: None}  # cannot be pickled
    stats, sizes = crawl_through_worker(db_url, items)
    assert stats["store/new_version"] == 9 and stats["store/error"] == 1
    with Session(engine) as s:
        assert items[5].url not in set(s.exec(select(Document.url)).scalars())
