"""The HTML pages over a real archive (SQLite and PostgreSQL): status codes, content, escaping, errors."""

from __future__ import annotations

import html
import re

from tests.web.data import ADDED_SENTENCE, IMG, JINGAN_URL, MIRROR_URL, SCRIPT


def text_of(html: str) -> str:
    """The visible text, roughly: tags dropped, so assertions read like what a person sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_shows_totals_and_latest_changes(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    body = text_of(r.text)
    assert "5 reports" in body and "6 documents" in body and "4 portals" in body
    assert "上海市普陀区2024年法治政府建设情况报告" in body  # the latest event (missing) is listed


def test_search_renders_results_with_highlighted_snippets(client, archive_ids):
    r = client.get("/search", params={"q": "纠错率为7.5%"})
    assert r.status_code == 200
    assert f'href="/documents/{archive_ids["jingan2024"]}"' in r.text
    assert "<mark>纠错率为7.5%</mark>" in r.text
    assert "1 result for" in text_of(r.text)


def test_search_short_query_and_filters(client, archive_ids):
    r = client.get("/search", params={"q": "复议", "year": "2024", "level": "county", "status": "live"})
    assert r.status_code == 200
    linked = [int(n) for n in re.findall(r'class="title" href="/documents/(\d+)"', r.text)]
    assert linked == [archive_ids["jingan2024"]]  # putuo is missing, the mirror has no level


def test_search_empty_fields_are_no_filter_and_bad_year_is_explained(client):
    r = client.get("/search", params={"q": "法治", "year": "", "region": "", "level": ""})
    assert r.status_code == 200
    assert "6 results for" in text_of(r.text)
    bad = client.get("/search", params={"q": "法治", "year": "二〇二四"})
    assert bad.status_code == 422  # the form again, with the problem explained
    assert "year must be a whole number" in text_of(bad.text)
    empty = client.get("/search")
    assert empty.status_code == 200 and 'name="q"' in empty.text


def test_report_page_has_metadata_text_group_and_timeline(client, archive_ids):
    doc = archive_ids["jingan2024"]
    r = client.get(f"/documents/{doc}")
    assert r.status_code == 200
    body = text_of(r.text)
    assert "上海市静安区2024年法治政府建设情况报告" in body
    assert "2025-03-20" in body and "on time" in body  # published by the deadline
    assert ADDED_SENTENCE in body and "纠错率为7.5%" in body  # the latest text
    assert JINGAN_URL in body and MIRROR_URL in body  # every URL of the report group
    assert f'href="/documents/{doc}/versions/1"' in r.text
    assert f'href="/documents/{doc}/diff?from=1&amp;to=2"' in r.text
    assert "changed" in body and "+23 −1" in body


def test_version_page_shows_that_versions_text(client, archive_ids):
    doc = archive_ids["jingan2024"]
    r = client.get(f"/documents/{doc}/versions/1")
    assert r.status_code == 200
    body = text_of(r.text)
    assert "纠错率为7.2%" in body and ADDED_SENTENCE not in body
    assert "not the latest (v2)" in body


def test_diff_page_marks_inserted_and_deleted_text(client, archive_ids):
    doc = archive_ids["jingan2024"]
    r = client.get(f"/documents/{doc}/diff", params={"from": 1, "to": 2})
    assert r.status_code == 200
    assert "<del>2</del>" in r.text and "<ins>5</ins>" in r.text
    assert f"<ins>{ADDED_SENTENCE}</ins>" in r.text
    assert "<del></del>" not in r.text
    # reversed order works too: what was added is now removed
    back = client.get(f"/documents/{doc}/diff", params={"from": 2, "to": 1})
    assert f"<del>{ADDED_SENTENCE}</del>" in back.text


def test_group_page_lists_every_url(client, archive_ids):
    doc = client.get(f"/api/documents/{archive_ids['jingan2024']}").json()
    r = client.get(f"/groups/{doc['document']['report_group']}")
    assert r.status_code == 200
    body = text_of(r.text)
    assert JINGAN_URL in body and MIRROR_URL in body and "canonical" in body


def test_change_feed_page_and_filters(client, archive_ids):
    r = client.get("/changes")
    assert r.status_code == 200
    kinds = re.findall(r'<span class="badge (\w+)">', r.text)
    assert kinds[0] == "missing" and "changed" in kinds and "new" in kinds
    only = client.get("/changes", params={"kind": "changed"})
    assert re.findall(r'<span class="badge (\w+)">', only.text) == ["changed"]
    late = client.get("/changes", params={"since": "2025-05-15"})
    assert re.findall(r'<span class="badge (\w+)">', late.text) == ["missing"]
    bad = client.get("/changes", params={"since": "yesterday"})
    assert bad.status_code == 422 and "since must be a date" in text_of(bad.text)


def test_coverage_page_matrix(client):
    r = client.get("/coverage")
    assert r.status_code == 200
    cells = re.findall(r'<td class="cell (\w+)">', r.text)
    # rows shanghai, jingan, putuo (adcode order) × years 2023, 2024
    assert cells == ["missing", "undated", "on_time", "on_time", "missing", "late"]
    assert "15 days late" in text_of(r.text)
    with_mirrors = client.get("/coverage", params={"mirrors": "1", "year": "2024"})
    assert re.findall(r'<td class="cell (\w+)">', with_mirrors.text) == [
        "undated",
        "on_time",
        "late",
        "on_time",
    ]


def test_unknown_ids_get_a_friendly_404(client):
    for path in ("/documents/999999", "/documents/1/versions/99", "/groups/999999", "/no/such/page"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html")
        assert "404 · Not found" in r.text and 'href="/"' in r.text
    assert "There is no document 999999 in the archive." in client.get("/documents/999999").text
    assert client.get("/documents/1/diff", params={"from": 1, "to": 9}).status_code == 404


def test_stored_markup_is_escaped_everywhere(client, archive_ids):
    hostile = archive_ids["hostile"]
    pages = [
        f"/documents/{hostile}",
        f"/groups/{client.get(f'/api/documents/{hostile}').json()['document']['report_group']}",
        "/search?q=window.__pwned",
        "/search?q=上海市",
        "/changes",
        "/",
    ]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script>window.__pwned" not in r.text, path
        assert "<img src=x" not in r.text, path
        assert "<script" not in r.text.lower(), path  # our pages carry no scripts at all
    page = client.get(f"/documents/{hostile}").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in page
    visible = html.unescape(page)  # what the reader sees: the markup as literal text
    assert SCRIPT in visible and IMG in visible


def test_pages_forbid_scripts_by_policy(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp  # default-src 'none' covers scripts
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_search_query_is_escaped(client):
    r = client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_stylesheet_is_served(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "text/css" in r.headers["content-type"]


def test_document_without_a_stored_version(client, engine):
    """A fetch whose text was empty leaves a document with no version: the page says so, the diff is 404."""
    from archive.db import session_scope
    from archive.store import record_page
    from tests.web.data import at, page

    item = page(
        portal_id="putuo",
        url="https://www.shpt.gov.cn/fzzf/empty.html",
        text="",
        title="空白页面",
        year=2024,
        published=None,
        fetched_at=at(2025, 7, 1),
    )
    with session_scope(engine) as s:
        doc = record_page(s, item, now=item.fetched_at).document_id
    r = client.get(f"/documents/{doc}")
    assert r.status_code == 200
    assert "No text stored for this document." in r.text and "空白页面" in r.text
    assert client.get(f"/documents/{doc}/diff").status_code == 404
    assert client.get(f"/api/documents/{doc}").json()["version"] is None


def test_coverage_page_of_every_jurisdiction_of_a_region(client):
    r = client.get("/coverage", params={"region": "上海市", "year": "2024"})
    assert r.status_code == 200
    rows = re.findall(r'<tr class="(\w+)">\s*<td>(\d{6})</td>.*?<td class="cell (\w+)">', r.text, re.S)
    assert len(rows) == 17 and rows[0] == ("province", "310000", "undated")  # 上海市 and its 16 districts
    states = {code: state for _, code, state in rows}
    assert states["310106"] == "on_time" and states["310107"] == "late" and states["310115"] == "no_portal"
    unknown = client.get("/coverage", params={"region": "火星省"})
    assert unknown.status_code == 422 and "is not a province" in unknown.text  # a form value it cannot use
