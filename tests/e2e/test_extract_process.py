"""Extraction in its worker process (FAZHI_EXTRACT_PROCESS): the same archive as extracting in the crawl
process, and a page that kills the worker fails alone, visibly, while the crawl goes on."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from crawler.settings import ITEM_PIPELINES
from tests.e2e.helpers import crawl, latest_texts, run_crawl, write_registry

pytestmark = pytest.mark.slow


def _archive(db_url: str) -> dict[str, tuple | None]:
    """Per stored URL, what extraction decided: title, texts, method, encoding, pages; None without a version."""
    out = {}
    for url, (doc, version) in latest_texts(db_url).items():
        out[url] = version and (
            version.title,
            version.text,
            version.text_extracted,
            version.text_method,
            version.encoding,
            doc.published,
            doc.publisher,
        )
    return out


def test_extracting_in_the_worker_stores_what_extracting_inline_stores(govsim, tmp_path):
    registry = write_registry(govsim, tmp_path)
    plain = govsim.plain_portal_ids()
    runs = {}
    for on in (True, False):
        db_url = f"sqlite:///{tmp_path / f'process-{on}.db'}"
        summary = crawl(registry, db_url, "-s", f"FAZHI_EXTRACT_PROCESS={on}", portals=plain)
        runs[on] = summary, _archive(db_url)
    (worker_summary, in_worker), (inline_summary, inline) = runs[True], runs[False]
    assert in_worker == inline
    stored = [row for row in inline.values() if row is not None]
    assert len(stored) >= 20 and any(row[3] == "pdf" for row in stored), "HTML pages and PDF attachments"
    assert worker_summary["portals"] == inline_summary["portals"]


def test_a_page_that_kills_the_extraction_worker_fails_alone_and_the_crawl_goes_on(govsim, tmp_path):
    registry = write_registry(govsim, tmp_path)
    portal = govsim.plain_portal_ids()[0]
    pages = [p for p in govsim.manifest()["pages"] if p["portal"] == portal and p["status"] == 200]
    reports = [p["url"] for p in pages if p["kind"] == "report" and p.get("format") == "html"]
    assert len(reports) >= 2
    crashing = reports[0]
    pipelines = {
        **ITEM_PIPELINES,
        "pipelines.extract.ExtractPipeline": None,
        "tests.e2e.crashing_extract.CrashingExtractPipeline": ITEM_PIPELINES[
            "pipelines.extract.ExtractPipeline"
        ],
    }
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    proc = run_crawl(
        registry,
        db_url,
        "-s",
        f"ITEM_PIPELINES={json.dumps(pipelines)}",
        "-s",
        "FAZHI_EXTRACT_PROCESS=True",
        portals=[portal],
        env={"FAZHI_TEST_CRASH_PATH": urlsplit(crashing).path},
    )
    assert proc.returncode == 1, proc.stderr[-3000:]  # partial: one page could not be read
    counters = json.loads(proc.stdout)["portals"][portal]
    assert counters["outcome"] == "partial" and counters["extract_errors"] == 1 and counters["errors"] == 1
    assert f"extraction failed for {crashing}: WorkerDied" in proc.stderr
    stored = _archive(db_url)
    assert stored[crashing] is None, "the crashed page is recorded without a version, due again next crawl"
    others = [url for url in reports[1:]]
    assert all(stored.get(url) and stored[url][1] for url in others), "every other report has its text"
