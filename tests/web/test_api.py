"""The JSON API and its OpenAPI document, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

from tests.web.data import ADDED_SENTENCE, HOSTILE_TEXT, JINGAN_URL, MIRROR_URL, V1_TEXT, V2_TEXT


def test_openapi_document_lists_every_api_route(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert spec["info"]["title"] == "fazhi"
    assert set(spec["paths"]) == {
        "/api/search",
        "/api/documents/{document_id}",
        "/api/documents/{document_id}/history",
        "/api/documents/{document_id}/versions",
        "/api/documents/{document_id}/versions/{seq}",
        "/api/documents/{document_id}/diff",
        "/api/groups/{group_id}",
        "/api/changes",
        "/api/coverage",
        "/api/portals",
        "/api/export",
        "/api/v/{citation}",
    }
    hit = spec["components"]["schemas"]["SearchHit"]["properties"]
    assert {"snippet", "highlights", "matches"} <= set(hit)


def test_search(client, archive_ids):
    r = client.get("/api/search", params={"q": "纠错率为7.2%"})
    assert r.status_code == 200
    data = r.json()
    assert data["query"] == "纠错率为7.2%" and data["count"] == 1
    (hit,) = data["hits"]
    assert hit["id"] == archive_ids["mirror2024"]  # the Jingan copy now says 7.5%
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "纠错率为7.2%"
    filtered = client.get("/api/search", params={"q": "法治", "region": "上海市普陀区", "status": "missing"})
    assert [h["id"] for h in filtered.json()["hits"]] == [archive_ids["putuo2024"]]


def test_search_validates_parameters(client):
    assert client.get("/api/search").status_code == 422  # q is required
    bad = client.get("/api/search", params={"q": "法治", "level": "galaxy"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/json"


def test_document_detail(client, archive_ids):
    r = client.get(f"/api/documents/{archive_ids['jingan2024']}")
    assert r.status_code == 200
    data = r.json()
    assert data["document"]["url"] == JINGAN_URL
    assert data["document"]["published"] == "2025-03-20" and data["document"]["versions"] == 2
    assert data["version"]["seq"] == 2 and data["version"]["text"] == V2_TEXT
    assert [v["seq"] for v in data["versions"]] == [1, 2]
    assert all(v["text"] is None for v in data["versions"])  # the list carries no texts
    assert [c["kind"] for c in data["changes"]] == ["new", "changed"]
    assert {m["url"] for m in data["group"]["documents"]} == {JINGAN_URL, MIRROR_URL}


def test_versions_and_one_version(client, archive_ids):
    doc = archive_ids["jingan2024"]
    versions = client.get(f"/api/documents/{doc}/versions").json()
    assert [(v["seq"], v["chars"]) for v in versions] == [(1, len(V1_TEXT)), (2, len(V2_TEXT))]
    v1 = client.get(f"/api/documents/{doc}/versions/1").json()
    assert v1["text"] == V1_TEXT


def test_diff(client, archive_ids):
    r = client.get(f"/api/documents/{archive_ids['jingan2024']}/diff", params={"from": 1, "to": 2})
    assert r.status_code == 200
    data = r.json()
    assert data["from"]["seq"] == 1 and data["to"]["seq"] == 2
    assert data["chars_added"] == len(ADDED_SENTENCE) + 1 and data["chars_removed"] == 1
    inserted = [s["text"] for b in data["blocks"] for s in b["segments"] if s["op"] == "insert"]
    deleted = [s["text"] for b in data["blocks"] for s in b["segments"] if s["op"] == "delete" and s["text"]]
    assert inserted == ["5", ADDED_SENTENCE] and deleted == ["2"]
    default = client.get(f"/api/documents/{archive_ids['jingan2024']}/diff").json()
    assert (default["from"]["seq"], default["to"]["seq"]) == (1, 2)


def test_group(client, archive_ids):
    group_id = client.get(f"/api/documents/{archive_ids['jingan2024']}").json()["document"]["report_group"]
    data = client.get(f"/api/groups/{group_id}").json()
    assert data["year"] == 2024
    assert [(m["url"], m["canonical"], m["official"]) for m in data["documents"]] == [
        (JINGAN_URL, True, True),
        (MIRROR_URL, False, False),
    ]


def test_changes(client, archive_ids):
    feed = client.get("/api/changes").json()
    assert feed[0]["kind"] == "missing" and feed[0]["document"] == archive_ids["putuo2024"]
    changed = client.get("/api/changes", params={"kind": "changed"}).json()
    assert [(c["document"], c["from_version"], c["to_version"]) for c in changed] == [
        (archive_ids["jingan2024"], 1, 2)
    ]
    since = client.get("/api/changes", params={"since": "2025-04-01T00:00:00"}).json()
    assert [c["kind"] for c in since] == ["missing", "new", "new", "changed"]  # 06-01, 05-01, 04-16, 04-02
    assert client.get("/api/changes", params={"limit": 0}).status_code == 422


def test_coverage(client):
    data = client.get("/api/coverage", params={"today": "2025-06-01"}).json()
    assert data["years"] == [2023, 2024]
    assert data["deadlines"] == {"2023": "2024-03-31", "2024": "2025-03-31"}
    states = {r["portal"]: {y: c["state"] for y, c in r["cells"].items()} for r in data["rows"]}
    assert states == {
        "shanghai": {"2023": "missing", "2024": "undated"},
        "jingan": {"2023": "on_time", "2024": "on_time"},
        "putuo": {"2023": "missing", "2024": "late"},
    }
    jingan = next(r for r in data["rows"] if r["portal"] == "jingan")
    assert jingan["cells"]["2024"]["also_on"] == ["mirror"]
    assert data["totals"]["2024"] == {"on_time": 1, "late": 1, "undated": 1, "missing": 0, "not_due": 0}


def test_portals(client):
    data = {p["id"]: p for p in client.get("/api/portals").json()}
    assert set(data) == {"jingan", "putuo", "shanghai", "mirror"}
    assert (data["jingan"]["documents"], data["jingan"]["reports"]) == (2, 2)
    assert (data["shanghai"]["documents"], data["shanghai"]["reports"]) == (2, 1)


def test_unknown_ids_are_json_404s(client):
    for path in (
        "/api/documents/999999",
        "/api/documents/999999/versions",
        "/api/documents/1/versions/42",
        "/api/documents/999999/diff",
        "/api/groups/999999",
        "/api/nothing",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/json"
        assert r.json()["detail"]


def test_api_returns_stored_markup_as_data(client, archive_ids):
    r = client.get(f"/api/documents/{archive_ids['hostile']}")
    assert r.headers["content-type"] == "application/json"
    assert r.json()["version"]["text"] == HOSTILE_TEXT  # JSON is data, not markup: kept verbatim


def test_exports(client, archive_ids):
    jsonl = client.get("/api/export", params={"format": "jsonl"})
    assert jsonl.status_code == 200 and jsonl.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [r["id"] for r in records] == sorted(archive_ids[n] for n in archive_ids if n != "notice")
    assert records[0]["text"] == V2_TEXT

    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/export", params={"format": "csv", "all": True}).text))
    )
    assert len(rows) == 6 and rows[0]["url"] == JINGAN_URL

    md = client.get("/api/export", params={"format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.count("\n## ") == 5 and ADDED_SENTENCE in md.text
    assert "<script>" not in md.text and "\\<script\\>" in md.text
    assert client.get("/api/export", params={"format": "xml"}).status_code == 422
