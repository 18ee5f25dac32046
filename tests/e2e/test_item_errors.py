"""A pipeline stage that raises on one page: the page is lost for this crawl, and the crawl says so (the
portal ``partial``, exit 1) instead of ending ``ok``; the next crawl stores it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from crawler.settings import ITEM_PIPELINES
from tests.e2e.helpers import crawl, latest_texts, run_crawl, write_registry

pytestmark = pytest.mark.slow


def _raising_pipelines() -> dict[str, int | None]:
    """The crawl's pipelines with normalize replaced by tests/e2e/raising_stage.py's."""
    stage = "pipelines.normalize.NormalizePipeline"
    return {
        **ITEM_PIPELINES,
        stage: None,
        "tests.e2e.raising_stage.RaisingNormalizePipeline": ITEM_PIPELINES[stage],
    }


def test_a_stage_raising_on_one_page_leaves_the_portal_partial_and_the_next_crawl_stores_it(govsim, tmp_path):
    registry = write_registry(govsim, tmp_path)
    portal = govsim.plain_portal_ids()[0]
    pages = [p for p in govsim.manifest()["pages"] if p["portal"] == portal and p["status"] == 200]
    reports = [p["url"] for p in pages if p["kind"] == "report" and p.get("format") == "html"]
    broken = reports[0]
    pipelines = _raising_pipelines()
    db_url = f"sqlite:///{tmp_path / 'raise.db'}"
    proc = run_crawl(
        registry,
        db_url,
        "-s",
        f"ITEM_PIPELINES={json.dumps(pipelines)}",
        portals=[portal],
        env={"FAZHI_TEST_RAISE_PATH": urlsplit(broken).path},
    )
    assert proc.returncode == 1, proc.stderr[-3000:]
    counters = json.loads(proc.stdout)["portals"][portal]
    assert counters["outcome"] == "partial" and counters["item_errors"] == 1, counters
    assert "a stage broke on this page" in proc.stderr
    stored = latest_texts(db_url)
    assert broken not in stored or stored[broken][1] is None
    assert all(stored.get(url) and stored[url][1] for url in reports[1:])

    again = crawl(registry, db_url, portals=[portal])["portals"][portal]
    assert again["outcome"] == "ok", again
    assert again.get("retry_sweep") == 1, again  # the lost page may sit on any list page: walk them all
    assert latest_texts(db_url)[broken][1] is not None, "stored by the next crawl"


def test_an_attachment_lost_under_a_stored_page_is_fetched_by_the_next_crawl(tmp_path):
    """The page was stored, its attachment was not (a stage raised on it, as a killed crawl or a failed
    download would lose it): the page is known and not due, so only the retry sweep can bring the file."""
    from govsim import GovSim

    with GovSim(formats=True) as sim:
        registry = write_registry(sim, tmp_path)
        pages = [p for p in sim.manifest()["pages"] if p["portal"] == "formats"]
        attachment = next(p["url"] for p in pages if p["kind"] == "attachment")
        db_url = f"sqlite:///{tmp_path / 'attachment.db'}"
        no_ocr = ("-s", "FAZHI_OCR_BUDGET=0")  # the scan stays unread: this test is about the attachment
        proc = run_crawl(
            registry,
            db_url,
            *no_ocr,
            "-s",
            f"ITEM_PIPELINES={json.dumps(_raising_pipelines())}",
            portals=["formats"],
            env={"FAZHI_TEST_RAISE_PATH": urlsplit(attachment).path},
        )
        assert proc.returncode == 1, proc.stderr[-3000:]
        assert json.loads(proc.stdout)["portals"]["formats"]["item_errors"] == 1
        assert attachment not in latest_texts(db_url)

        again = crawl(registry, db_url, *no_ocr, portals=["formats"])["portals"]["formats"]
    assert again.get("retry_sweep") == 1 and again.get("relinked", 0) >= 1, again
    doc, version = latest_texts(db_url)[attachment]
    assert version is not None and doc.kind == "report", (doc, version)
