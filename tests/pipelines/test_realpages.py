"""Extraction on real gov pages (../shared/realpages) against gold phrases, trafilatura-style.

Each page pins its body phrases (``with``), chrome that must be gone (``without``), and the metadata we can
know from the page. A phrase-level F1 over all pages is the quality gate; its floor is pinned at 1.0.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract import extract_page
from tests.pipelines.conftest import REALPAGES, gold_pages, shared_file

PAGES = gold_pages()


def _extract(page: dict):
    body = shared_file(REALPAGES, page["file"]).read_bytes()
    if page.get("strip_before_head"):
        body = body[body.find(b"<head") :]
    return extract_page(body, page["url"], {"Content-Type": "text/html"})


@pytest.mark.parametrize("page", PAGES, ids=[p["file"][:2] for p in PAGES])
def test_gold_phrases(page: dict) -> None:
    result = _extract(page)
    missing = [p for p in page["with"] if p not in result.text]
    leaked = [p for p in page["without"] if p in result.text]
    assert not missing, f"body phrases lost: {missing}"
    assert not leaked, f"chrome leaked: {leaked}"


@pytest.mark.parametrize("page", PAGES, ids=[p["file"][:2] for p in PAGES])
def test_gold_metadata(page: dict) -> None:
    result = _extract(page)
    assert result.encoding == "utf-8"
    assert result.title == page["title"]
    expected = date.fromisoformat(page["published"]) if page["published"] else None
    assert result.published == expected
    assert result.publisher == page["publisher"]
    if "attachments" in page:
        assert result.attachments == page["attachments"]
    if not page["with"]:
        assert result.text == "" and "no main text found" in result.problems


def test_phrase_f1_gate() -> None:
    """Quality gate over all gold pages: phrase precision (no chrome) and recall (body kept)."""
    kept = total_with = clean = total_without = 0
    for page in PAGES:
        text = _extract(page).text
        kept += sum(p in text for p in page["with"])
        total_with += len(page["with"])
        clean += sum(p not in text for p in page["without"])
        total_without += len(page["without"])
    recall, precision = kept / total_with, clean / total_without
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 1.0, f"phrase F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f}) below the floor"


def test_body_is_one_paragraph_per_line() -> None:
    page = next(p for p in PAGES if p["file"].startswith("02_"))
    lines = _extract(page).text.splitlines()
    assert len(lines) == 9
    assert all(line == line.strip() and line for line in lines)
