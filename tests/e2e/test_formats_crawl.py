"""Reports in every file format, crawled end to end from govsim's ``formats`` portal (GovSim(formats=True)).

Stand-alone files linked from the list (DOCX, DOC, WPS, OFD, text PDF, a stamped scan), HTML reports with
attachments, and an attachment-only page (详见附件): every report file is stored with its text, the method
that read it (OCR marked as such, with its confidence), classified as a report, and grouped with its HTML copy.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document
from govsim.quality import char_f1
from tests.e2e.helpers import crawl, latest_texts

pytestmark = pytest.mark.slow

FLOOR = {"docx": 0.99, "doc": 0.99, "wps": 0.99, "ofd": 0.99, "pdf": 0.99, "scan": 0.95}
METHOD = {"docx": "docx", "doc": "doc", "wps": "wps", "ofd": "ofd", "pdf": "pdf", "scan": "ocr:rapidocr"}


@pytest.fixture(scope="module")
def formats_archive(tmp_path_factory):
    from govsim import GovSim

    tmp = tmp_path_factory.mktemp("formats")
    db_url = f"sqlite:///{tmp / 'archive.db'}"
    with GovSim(formats=True) as sim:
        registry = tmp / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        # First a crawl whose OCR budget is spent at once: the scan is stored without text, left for later.
        first = crawl(registry, db_url, "-s", "FAZHI_OCR_BUDGET=0", portals=["formats"])
        before = latest_texts(db_url)
        summary = crawl(registry, db_url, portals=["formats"])
        manifest = sim.manifest()
    pages = [p for p in manifest["pages"] if p["portal"] == "formats" and p["status"] == 200]
    FIRST_CRAWL.update(summary=first, stored=before)
    return summary, pages, manifest, latest_texts(db_url), db_url


FIRST_CRAWL: dict = {}


def test_every_format_stored_with_its_text_and_method(formats_archive):
    summary, pages, _, stored, _ = formats_archive
    assert summary["portals"]["formats"]["outcome"] == "ok"
    files = [p for p in pages if p.get("format") not in (None, "html")]
    assert {p["format"] for p in files} == set(FLOOR)
    for page in files:
        doc, version = stored.get(page["url"], (None, None))
        assert version is not None, f"{page['format']} {page['url']} not stored"
        f1 = char_f1(version.text, page["text"])
        assert f1 >= FLOOR[page["format"]], (page["format"], f1)
        assert version.text_method == METHOD[page["format"]], (page["format"], version.text_method)
        if page["format"] == "scan":
            assert version.text_confidence is not None and 0.9 <= version.text_confidence <= 1.0
        else:
            assert version.text_confidence is None
        assert doc.kind == "report", (page["format"], page["url"])
        assert doc.year == page["year"], (page["format"], doc.year, page["year"])


def test_attachments_join_their_html_copy_group(formats_archive):
    _, pages, manifest, stored, db_url = formats_archive
    engine = get_engine(db_url)
    with Session(engine) as session:
        group_of = {d.url: d.report_group_id for d in session.exec(select(Document))}
    engine.dispose()
    checked = 0
    for group, urls in manifest["groups"].items():
        urls = [u for u in urls if u in group_of]
        if group.startswith("formats-") and len(urls) > 1:
            assert len({group_of[u] for u in urls}) == 1, (group, {u: group_of[u] for u in urls})
            assert group_of[urls[0]] is not None
            checked += 1
    assert checked == 3  # two HTML reports with attachments, one attachment-only page


def test_attachment_only_page_is_a_report_and_its_file_carries_the_text(formats_archive):
    _, pages, _, stored, _ = formats_archive
    page = next(p for p in pages if p.get("attachment_only"))
    attachment = next(
        p for p in pages if p["kind"] == "attachment" and p["report_group"] == page["report_group"]
    )
    doc, _ = stored[page["url"]]
    att_doc, att_version = stored[attachment["url"]]
    assert doc.kind == "report" and doc.year == page["year"]
    assert att_doc.kind == "report" and att_doc.year == page["year"]
    assert char_f1(att_version.text, attachment["text"]) >= 0.99


def test_paginated_article_is_one_document_with_pages_in_order(formats_archive):
    import json

    _, pages, _, stored, _ = formats_archive
    page = next(p for p in pages if p.get("page_urls"))
    doc, version = stored[page["url"]]
    assert char_f1(version.text, page["text"]) >= 0.99
    assert json.loads(version.page_urls) == page["page_urls"]
    assert version.text_method.endswith(f"+{len(page['page_urls']) - 1} pages")
    for later in page["page_urls"][1:]:
        assert later not in stored  # the later pages are part of the document, not documents of their own
    assert doc.kind == "report" and doc.year == page["year"]


def test_scan_over_the_ocr_budget_is_read_by_the_next_crawl(formats_archive):
    """OCR is bounded per crawl (FAZHI_OCR_BUDGET); a scan left over is stored without text or validators,
    so the next crawl fetches and reads it (the same holds for a crawl killed while OCR was running)."""
    _, pages, _, stored, _ = formats_archive
    scan = next(p for p in pages if p.get("format") == "scan")
    doc, version = FIRST_CRAWL["stored"][scan["url"]]
    assert version is None and doc.versions == 0 and doc.etag is None
    assert "OCR pages" not in str(FIRST_CRAWL["summary"]) and not FIRST_CRAWL["summary"]["portals"][
        "formats"
    ].get("ocr_pages")
    doc, version = stored[scan["url"]]
    assert version is not None and version.text_method == "ocr:rapidocr"


def test_crawl_progress_shows_ocr():
    from fazhi.cli.crawl import _Progress

    progress = _Progress()
    progress("ocr", "OCR 1/2 scans, 3/7 pages")
    assert "OCR 1/2 scans, 3/7 pages" in progress.render()
