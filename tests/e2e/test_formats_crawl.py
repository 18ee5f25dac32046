"""Reports in every file format, crawled end to end from govsim's ``formats`` portal (GovSim(formats=True)).

Stand-alone files linked from the list (DOCX, DOC, WPS, OFD, text PDF, a stamped scan), HTML reports with
attachments, and an attachment-only page (详见附件): every report file is stored with its text, the method
that read it (OCR marked as such, with its confidence), classified as a report, and grouped with its HTML copy.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from contextlib import closing

import pytest
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document
from govsim.quality import char_f1
from tests.e2e.helpers import LOOPBACK, crawl, latest_texts, start_fazhi
from tests.paths import REPO

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
        # First a crawl killed while the scan is being OCR'd; the next crawl must read the scan.
        scan_url = next(p["url"] for p in sim.manifest()["pages"] if p.get("format") == "scan")
        # govsim renders the scan (22 page images) on its first request: 9.4 s at load 9, measured, against
        # the crawl's 10 s DOWNLOAD_TIMEOUT, and the retry renders it again in parallel. Both downloads then
        # time out, the scan is never recorded and no crawl reads it. So the scan is rendered (and cached)
        # before the crawls start: a fetch of the test's own, without the crawl's timeout.
        with urllib.request.urlopen(scan_url, timeout=600) as response:
            assert response.read(5) == b"%PDF-"
        FIRST_CRAWL["pending_when_killed"] = _kill_during_ocr(registry, tmp / "archive.db", db_url, scan_url)
        before = latest_texts(db_url)
        # This crawl OCRs the 22-page scan in one worker: about 100 s idle, over 300 s at load 12 (measured).
        summary = crawl(registry, db_url, portals=["formats"], timeout=1200)
        manifest = sim.manifest()
    pages = [p for p in manifest["pages"] if p["portal"] == "formats" and p["status"] == 200]
    FIRST_CRAWL.update(stored=before)
    return summary, pages, manifest, latest_texts(db_url), db_url


FIRST_CRAWL: dict = {}


#: ``sitecustomize`` of the crawl that is killed: every OCR job is held until the crawl is killed. It runs in
#: every interpreter of the crawl (the OCR pool's forkserver starts a fresh one, whose workers resolve the
#: pickled ``pipelines.ocrpool._ocr_job`` to this stand-in), so however slowly a loaded machine runs the
#: crawl, its scan is still awaiting OCR when the test sees it recorded: no race with the OCR finishing.
_HOLD_OCR = """
import threading

import pipelines.ocrpool as ocrpool


def _ocr_job(body, kind):
    threading.Event().wait()  # held: the test kills the crawl during OCR


_ocr_job.__module__, _ocr_job.__qualname__ = "pipelines.ocrpool", "_ocr_job"
ocrpool._ocr_job = _ocr_job
"""


def _kill_during_ocr(registry, db_path, db_url: str, scan_url: str, timeout: float = 600) -> bool:
    """Crawl with OCR held (:data:`_HOLD_OCR`), and SIGKILL the crawl (its whole process group: store worker,
    OCR workers) once the scan is recorded as a document awaiting OCR. True when it was killed while the
    scan had no version. The crawl cannot finish first: it stays open while a scan is being OCR'd."""
    hold = db_path.parent / "hold_ocr"
    hold.mkdir(exist_ok=True)
    (hold / "sitecustomize.py").write_text(_HOLD_OCR, encoding="utf-8")
    args = ["crawl", "--registry", str(registry), "--db", db_url, "--json", *LOOPBACK, "--portal", "formats"]
    env = {"PYTHONPATH": os.pathsep.join((str(hold), str(REPO)))}
    proc = start_fazhi(
        *args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline, pending = time.monotonic() + timeout, False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            if not db_path.exists():
                continue
            try:
                with closing(sqlite3.connect(db_path, timeout=1)) as conn:
                    row = conn.execute("SELECT versions FROM document WHERE url = ?", (scan_url,)).fetchone()
            except sqlite3.Error:
                continue
            if row is not None and row[0] == 0:
                pending = True
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return pending


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


def test_every_page_of_a_paginated_article_is_kept_raw_and_reproduces_its_text(formats_archive):
    """Nothing fetched is lost: the version's raw is page 1, ``version_page`` holds pages 2, 3, … as fetched,
    and today's extractor over those bytes alone gives the stored text again (``fazhi reextract``)."""
    from archive.store import decompress_raw, version_pages
    from pipelines.reextract import reextract

    _, pages, _, stored, db_url = formats_archive
    page = next(p for p in pages if p.get("page_urls"))
    doc, version = stored[page["url"]]
    engine = get_engine(db_url)
    with engine.connect() as conn:
        kept = version_pages(conn, version.id)
    engine.dispose()
    assert [url for url, _ in kept] == page["page_urls"][1:]
    first = decompress_raw(version.raw, version.raw_codec)
    bodies = [first, *(body for _, body in kept)]
    assert len(set(bodies)) == len(bodies) and all(b"<html" in body.lower() for body in bodies)
    again = reextract(
        portal_id=doc.portal_id,
        url=doc.url,
        body=first,
        headers=dict(version.headers or {}),
        fetched_at=version.fetched_at,
        pages=kept,
    )
    assert again.text == version.text
    assert again.page_urls == page["page_urls"]


def test_scan_cut_off_by_a_killed_crawl_is_read_by_the_next_crawl(formats_archive):
    """The scan is recorded at once as a document awaiting OCR (no version, no validators); the crawl is
    killed during OCR, and the next crawl fetches the scan again and stores its OCR text."""
    _, pages, _, stored, _ = formats_archive
    scan = next(p for p in pages if p.get("format") == "scan")
    assert FIRST_CRAWL["pending_when_killed"], "the scan was never seen awaiting OCR"
    doc, version = FIRST_CRAWL["stored"][scan["url"]]
    assert version is None and doc.versions == 0 and doc.etag is None
    doc, version = stored[scan["url"]]
    assert version is not None and version.text_method == "ocr:rapidocr"


def test_ocr_budget_leaves_scans_for_a_later_crawl():
    """Pages beyond FAZHI_OCR_BUDGET are not read: the item goes on without text, saying why."""
    from datetime import UTC, datetime

    from govsim.files import make_file
    from pipelines.extract import ExtractPipeline
    from pipelines.items import PageItem
    from pipelines.ocrpool import OcrPool

    body, ctype = make_file(
        "scan", "某县2023年法治政府建设年度报告", ("正文第一段。", "某县人民政府", "2024年3月1日")
    )
    pool = OcrPool(budget=0)
    item = PageItem(
        "xx", "http://x/a.pdf", "http://x/a.pdf", 200, {"content-type": ctype}, body, datetime.now(UTC)
    )
    out = ExtractPipeline(ocr=pool).process_item(item)
    assert out is item and item.text_extracted == "" and item.text_method is None
    assert any("OCR budget is spent" in p for p in item.problems)
    assert pool.spent == 0 and not pool.busy


def test_crawl_progress_shows_ocr():
    from fazhi.cli.crawl import _Progress

    progress = _Progress()
    progress("ocr", "OCR 1/2 scans, 3/7 pages")
    assert "OCR 1/2 scans, 3/7 pages" in progress.render()
