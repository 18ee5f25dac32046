"""The Scrapy pipeline classes: item fields filled in order, pass-through items, namespaced stats."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scrapy.utils.test import get_crawler

from archive.fingerprint import text_hash
from pipelines.classify import ClassifyPipeline
from pipelines.dedup import DedupPipeline
from pipelines.extract import ExtractPipeline
from pipelines.items import PageItem, PageMissing, PageNotModified
from pipelines.normalize import NormalizePipeline
from tests.factories import fetched
from tests.pipelines.conftest import FakeStats
from tests.pipelines.test_pdf import make_pdf

REPORT_HTML = """<html><head><meta name="ArticleTitle" content="XX區2021年法治政府建設情況報告">
<meta name="PubDate" content="2022-03-28 10:00"><meta name="ContentSource" content="XX区司法局"></head>
<body><div class="crumb">当前位置：首页 > 政务公开 > 法治政府建设</div>
<div class="TRS_Editor"><p>2021年，我區堅持以習(xí)近平法治思想為指導，深入推進依法行政。</p>
<p>一、主要舉措</p><p>（一）加強黨對法治政府建設的領導。</p><p>XX區人民政府</p><p>2022年3月20日</p></div>
<div class="foot">打印本页 关闭窗口</div></body></html>"""


def _item(body: bytes, headers: dict[str, str] | None = None, **fields) -> PageItem:
    return fetched(body, headers, fetched_at=datetime(2022, 4, 2, tzinfo=UTC), **fields)


def _chain(stats: FakeStats):
    return [
        ExtractPipeline(stats),
        NormalizePipeline(stats),
        ClassifyPipeline(stats),
        DedupPipeline(stats),
    ]


def _run(item, stats: FakeStats):
    for pipeline in _chain(stats):
        item = pipeline.process_item(item, None)
    return item


def test_report_page_through_the_chain() -> None:
    stats = FakeStats()
    item = _run(_item(REPORT_HTML.encode("utf-8")), stats)
    assert item.encoding == "utf-8"
    assert item.published == date(2022, 3, 28)
    assert item.was_traditional and item.pinyin_removed == 1
    assert item.text.splitlines() == [
        "2021年,我区坚持以习近平法治思想为指导,深入推进依法行政。",
        "一、主要举措",
        "(一)加强党对法治政府建设的领导。",
        "XX区人民政府",
        "2022年3月20日",
    ]
    assert item.kind == "report" and item.year == 2021
    assert item.publisher == "XX区人民政府"
    assert item.meta["contentsource"] == "XX区司法局"
    assert item.text_hash == text_hash(item.text)
    assert stats.values["classify/report"] == 1 and stats.values["portal/xx/reports"] == 1
    assert stats.values["normalize/traditional"] == 1 and stats.values["normalize/pinyin_removed"] == 1
    assert stats.values["extract/method/container"] == 1


def test_pdf_dispatch_by_magic_and_content_type() -> None:
    stats = FakeStats()
    pdf = make_pdf(["Report", "Body text."])
    item = _run(_item(pdf, {"content-type": "application/octet-stream"}), stats)
    assert item.text == "Body text." and stats.values["extract/pdf"] == 1
    item = _run(_item(b"  " + pdf, {"content-type": "application/pdf"}), stats)
    assert stats.values["extract/pdf"] == 2 and item.kind == "other"


def test_empty_and_non_html_bodies_get_problems_not_exceptions() -> None:
    stats = FakeStats()
    empty = _run(_item(b""), stats)
    assert empty.text == "" and empty.kind == "other" and empty.text_hash is None
    assert "empty body" in empty.problems
    image = _run(_item(b"GIF89a\x01\x00\x01\x00", {"content-type": "image/gif"}), stats)
    assert image.text == "" and any(p.startswith("image") for p in image.problems)
    assert stats.values["extract/empty"] == 2 and stats.values["portal/xx/extract_empty"] == 2
    assert stats.values["dedup/empty"] == 2


def test_missing_and_not_modified_pass_through() -> None:
    now = datetime(2022, 4, 2, tzinfo=UTC)
    for item in (PageMissing("xx", "http://x/", 404, now), PageNotModified("xx", "http://x/", now)):
        stats = FakeStats()
        assert _run(item, stats) is item
        assert stats.values == {}


def test_from_crawler_reads_settings() -> None:
    crawler = get_crawler(
        settings_dict={
            "FAZHI_EXTRACT_MAX_BYTES": 10,
            "FAZHI_CLASSIFY_PUBLISHED_YEAR": False,
        }
    )
    extract = ExtractPipeline.from_crawler(crawler)
    classify = ClassifyPipeline.from_crawler(crawler)
    assert extract.max_bytes == 10 and extract.stats is crawler.stats
    assert classify.use_published_year is False
    assert NormalizePipeline.from_crawler(crawler).stats is crawler.stats
    assert DedupPipeline.from_crawler(crawler).stats is crawler.stats
    item = extract.process_item(_item(REPORT_HTML.encode()), None)
    assert item.text_extracted == "" and "exceeds 10" in item.problems[0]
