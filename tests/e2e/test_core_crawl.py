"""The crawl → archive core, end to end: a real Scrapy crawl of govsim over loopback into a real database.

Checked against govsim's manifest: report recall 100%, precision ≥ 98%, text F1 ≥ 0.99 with no page chrome,
exact titles/years/dates, and the mirror's traditional+pinyin copy normalizing to the official text.
JS-only and gated portals need the browser and are covered in tests/browser.
"""

from __future__ import annotations

import pytest

from govsim.quality import char_f1
from tests.e2e.helpers import crawl, latest_texts

pytestmark = pytest.mark.slow

CHROME = [
    "纠错",
    "浏览次数",
    "打印",
    "扫一扫",
    "当前位置",
    "您所在的位置",
    "网站标识码",
    "ICP备",
    "公网安备",
    "关闭窗口",
    "字体",
]
PLAIN_FAMILIES = {"trs", "hanweb", "static", "legacy", "mirror"}


def _is_report(page: dict) -> bool:
    """Report pages, and attachments that carry a report (they belong to its report group)."""
    return page["kind"] == "report" or (page["kind"] == "attachment" and bool(page.get("report_group")))


@pytest.fixture
def day1_archive(govsim, db_url, tmp_path):
    """govsim day 1 (plain-HTTP portals) crawled into a fresh archive."""
    registry = tmp_path / "govsim.yaml"
    registry.write_text(govsim.registry_yaml(), encoding="utf-8")
    plain = [p["id"] for p in govsim.portals if p["family"] in PLAIN_FAMILIES and not p.get("gate")]
    summary = crawl(registry, db_url, portals=plain)
    manifest = govsim.manifest()
    pages = [p for p in manifest["pages"] if p["portal"] in plain and p["status"] == 200]
    unofficial = {p["id"] for p in govsim.portals if not p["official"]}
    return summary, pages, latest_texts(db_url), plain, unofficial


def test_every_report_found_with_exact_metadata_and_clean_text(day1_archive):
    summary, pages, stored, plain, _ = day1_archive
    for portal_id in plain:
        assert summary["portals"][portal_id]["outcome"] == "ok", summary["portals"][portal_id]
    reports = [p for p in pages if _is_report(p)]
    assert len(reports) >= 8
    assert any(p["kind"] == "attachment" for p in reports), "govsim offers a report as a PDF attachment"
    problems = []
    for page in reports:
        doc, version = stored.get(page["url"], (None, None))
        if doc is None:
            problems.append(f"not archived: {page['url']} {page['title']}")
            continue
        if doc.kind != "report":
            problems.append(f"not classified as report: {page['url']} {page['title']}")
            continue
        f1 = char_f1(version.text, page["text"])
        if f1 < 0.99:
            problems.append(f"F1 {f1:.4f} for {page['url']}")
        leaked = [c for c in CHROME if c in version.text and c not in page["text"]]
        if leaked:
            problems.append(f"chrome {leaked} in {page['url']}")
        if doc.title != page["title"]:
            problems.append(f"title {doc.title!r} != {page['title']!r}")
        if doc.year != page["year"]:
            problems.append(f"year {doc.year} != {page['year']} for {page['title']}")
        published = doc.published.isoformat() if doc.published else None
        if published != page["published"]:
            problems.append(f"published {published} != {page['published']} for {page['title']}")
    assert not problems, "\n".join(problems)


def test_precision_of_report_classification(day1_archive):
    _, pages, stored, _, _ = day1_archive
    truth = {p["url"]: _is_report(p) for p in pages}
    predicted = [url for url, (doc, _) in stored.items() if doc.kind == "report"]
    false_positives = [url for url in predicted if not truth.get(url)]
    assert predicted
    assert 1 - len(false_positives) / len(predicted) >= 0.98, false_positives


def test_mirror_copy_normalizes_to_the_official_text(day1_archive):
    _, pages, stored, _, unofficial = day1_archive
    by_group: dict[str, list[dict]] = {}
    for page in pages:
        if page["kind"] == "report" and page.get("report_group"):
            by_group.setdefault(page["report_group"], []).append(page)
    pairs = 0
    for group in by_group.values():
        mirrors = [p for p in group if p["portal"] in unofficial]
        officials = [p for p in group if p not in mirrors and p["url"] in stored]
        for mirror in mirrors:
            if mirror["url"] not in stored or not officials:
                continue
            mirror_text = stored[mirror["url"]][1].text
            assert "(xí)" not in mirror_text and "習" not in mirror_text
            assert char_f1(mirror_text, stored[officials[0]["url"]][1].text) >= 0.995
            pairs += 1
    assert pairs >= 1, "govsim should publish a mirror copy of an official report"
