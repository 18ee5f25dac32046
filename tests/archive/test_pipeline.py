"""StorePipeline: one transaction per item, stats, and a failing item that does not stop the crawl."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlmodel import Session

from archive import store
from archive.models import Document, Portal
from pipelines.store import StorePipeline
from tests.factories import REPORT_2024, day, missing, not_modified, page

URL = "https://www.jingan.gov.cn/fzzfjs/2024.html"


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


def test_pipeline_counts_outcomes_and_survives_a_bad_item(engine, db_url, monkeypatch):
    stats = Stats()
    pipeline = StorePipeline(db_url, stats=stats)
    portal = SimpleNamespace(
        id="jingan",
        name="上海市静安区人民政府",
        region="上海市静安区",
        adcode="310106",
        level="county",
        official=True,
        start_urls=["https://www.jingan.gov.cn/"],
        render="auto",
    )
    pipeline.open_spider(SimpleNamespace(portals={"jingan": portal}))
    try:
        items = [
            page(url=URL),
            page(url=URL, body=b"other chrome", fetched_at=day(1)),
            page(url=URL, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(2)),
            not_modified(URL, fetched_at=day(3)),
            missing(URL, fetched_at=day(4)),
            missing(URL, fetched_at=day(5)),
            page(
                url="https://www.jingan.gov.cn/new.html",
                requested_url=URL,
                fetched_at=day(6),
                text=REPORT_2024.replace("7.2%", "7.5%"),
            ),
        ]
        for item in items:
            assert pipeline.process_item(item) is item
        original = store.record_page

        def flaky(session, item, **kw):
            original(session, item, **kw)
            raise ValueError("boom after writing")

        monkeypatch.setattr(store, "record_page", flaky)
        pipeline.process_item(page(url="https://www.jingan.gov.cn/bad.html"))
    finally:
        pipeline.close_spider(None)
    v = stats.values
    assert v["store/new_version"] == 2
    assert v["store/unchanged"] == 2  # chrome-only change, and the move (same text)
    assert (v["store/not_modified"], v["store/missing"], v["store/gone"], v["store/moved"]) == (1, 2, 1, 1)
    assert v["store/returned"] == 1
    assert v["store/error"] == 1 and v["portal/jingan/store_errors"] == 1 and v["portal/jingan/errors"] == 1
    assert v["portal/jingan/new_versions"] == 2
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1  # the bad item was rolled back
        p = s.get(Portal, "jingan")
        assert (p.name, p.region, p.adcode, p.level) == (
            "上海市静安区人民政府",
            "上海市静安区",
            "310106",
            "county",
        )
