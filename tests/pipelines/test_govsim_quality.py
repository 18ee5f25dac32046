"""Quality gate against govsim's ground truth: fetch every non-gated, non-JS article (and attachment) of the
day-1 manifest over 127.0.0.1, run extract → normalize → classify, and compare with the manifest."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

import pytest

govsim = pytest.importorskip("govsim")

from govsim.quality import char_f1  # noqa: E402
from pipelines.classify import Classification, classify  # noqa: E402
from pipelines.extract import Extraction, extract_document, extract_page  # noqa: E402
from pipelines.normalize import normalize_text, normalize_title  # noqa: E402

CHROME = ("纠错", "浏览次数", "打印", "扫一扫", "当前位置", "网站标识码", "ICP备")


@dataclass
class Result:
    entry: dict
    extraction: Extraction
    text: str
    title: str | None
    verdict: Classification


def _fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=20) as response:  # 127.0.0.1 only: URLs come from govsim
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


@pytest.fixture(scope="module")
def results() -> list[Result]:
    out = []
    with govsim.GovSim(day=1) as sim:
        manifest = sim.manifest()
        portals = {p["id"]: p for p in sim.portals}
        for entry in manifest["pages"]:
            portal = portals[entry["portal"]]
            if entry["kind"] == "list" or entry["status"] != 200 or portal["gate"] or portal["js"]:
                continue
            assert entry["url"].startswith("http://127.0.0.1")
            body, headers = _fetch(entry["url"])
            is_pdf = body.startswith(b"%PDF") or "pdf" in headers.get("content-type", "")
            extraction = (
                extract_document(body, "pdf") if is_pdf else extract_page(body, entry["url"], headers)
            )
            normalized = normalize_text(extraction.text)
            title = normalize_title(extraction.title)
            verdict = classify(
                title,
                normalized.text,
                published=extraction.published,
                source=extraction.publisher,
            )
            out.append(Result(entry, extraction, normalized.text, title, verdict))
    assert len(out) >= 40, "govsim served fewer article pages than expected"
    return out


def _articles(results: list[Result]) -> list[Result]:
    return [r for r in results if r.entry["kind"] in ("report", "other")]


def _reports(results: list[Result]) -> list[Result]:
    return [r for r in results if r.entry["kind"] in ("report", "attachment")]


def test_every_report_is_classified_as_report(results: list[Result]) -> None:
    missed = [
        (r.entry["url"], r.title, r.verdict.reason) for r in _reports(results) if not r.verdict.is_report
    ]
    assert not missed


def test_precision_over_all_articles(results: list[Result]) -> None:
    predicted = [r for r in _articles(results) if r.verdict.is_report]
    wrong = [(r.entry["url"], r.title) for r in predicted if r.entry["kind"] != "report"]
    assert predicted and 1 - len(wrong) / len(predicted) >= 0.98, wrong


def test_report_text_matches_the_ground_truth(results: list[Result]) -> None:
    scores = {r.entry["url"]: char_f1(r.text, r.entry["text"]) for r in _reports(results)}
    low = {url: round(f1, 4) for url, f1 in scores.items() if f1 < 0.99}
    assert not low


def test_no_chrome_in_report_text(results: list[Result]) -> None:
    """Chrome phrases never appear beyond the report's own wording: real reports say 综合纠错率 (the
    reconsideration correction rate), so a phrase may occur only as often as in the expected text."""
    leaked = [
        (r.entry["url"], p)
        for r in _reports(results)
        for p in CHROME
        if r.text.count(p) > r.entry["text"].count(p)
    ]
    assert not leaked
    assert any("纠错率" in r.text for r in _reports(results))  # the rule above is really exercised


def test_titles_years_published_exact(results: list[Result]) -> None:
    wrong = []
    for r in _reports(results) + [r for r in _articles(results) if r.entry["kind"] == "other"]:
        e = r.entry
        if r.title != e["title"]:
            wrong.append((e["url"], "title", r.title, e["title"]))
        if e["kind"] != "other" and r.verdict.year != e["year"]:
            wrong.append((e["url"], "year", r.verdict.year, e["year"]))
        published = r.extraction.published.isoformat() if r.extraction.published else None
        # A PDF carries no publication date: the store takes it from the page that links it.
        if e["kind"] != "attachment" and published != e["published"]:
            wrong.append((e["url"], "published", published, e["published"]))
    assert not wrong


def test_report_publishers(results: list[Result]) -> None:
    wrong = [
        (r.entry["url"], r.verdict.publisher, r.entry["publisher"])
        for r in _reports(results)
        if r.verdict.publisher != r.entry["publisher"]
    ]
    assert not wrong


def test_mirror_copy_normalizes_to_the_official_text(results: list[Result]) -> None:
    with govsim.GovSim(day=1) as sim:
        official = {p["id"]: p["official"] for p in sim.portals}
    by_group: dict[str, list[Result]] = {}
    for r in results:
        if r.entry["kind"] == "report" and r.entry["report_group"]:
            by_group.setdefault(r.entry["report_group"], []).append(r)
    pairs = [
        (mirror, other)
        for group in by_group.values()
        for mirror in group
        if not official[mirror.entry["portal"]]
        for other in group
        if official[other.entry["portal"]]
    ]
    if not pairs:
        pytest.skip("no mirror copy of an official report in this manifest")
    for mirror, other in pairs:
        assert mirror.extraction.problems == []
        assert char_f1(mirror.text, other.entry["text"]) >= 0.995, mirror.entry["url"]
