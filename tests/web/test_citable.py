"""Citation ids, the change feed ranked by significance, and a subscription's Atom feed, in the web UI/API."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from archive import alerts
from archive.citation import citation_id
from archive.db import session_scope
from tests.web.data import JINGAN_URL, V2_TEXT


def test_a_versions_citation_id_resolves_to_its_page(client, archive_ids):
    doc = archive_ids["jingan2024"]
    version = client.get(f"/api/documents/{doc}/versions/2").json()
    assert version["citation"] == citation_id(JINGAN_URL, V2_TEXT)
    page = client.get(f"/documents/{doc}/versions/2")
    assert version["citation"] in page.text and 'id="citation"' in page.text

    resolved = client.get(f"/v/{version['citation']}", follow_redirects=False)
    assert resolved.status_code == 303 and resolved.headers["location"] == f"/documents/{doc}/versions/2"
    assert "全年新增政府法律顾问12名" in client.get(f"/v/{version['citation']}").text
    api = client.get(f"/api/v/{version['citation']}").json()
    assert (api["document"], api["seq"]) == (doc, 2) and api["text"] == V2_TEXT
    assert client.get("/v/0123456789abcdef").status_code == 404


def test_the_feed_ranks_edits_by_significance(client, archive_ids):
    newest = client.get("/api/changes").json()
    ranked = client.get("/api/changes", params={"rank": "significance"}).json()
    assert sorted(map(str, newest)) == sorted(map(str, ranked))
    assert ranked[0]["kind"] == "changed" and newest[0]["kind"] != "changed"
    edit = ranked[0]
    assert [(n["old"], n["new"]) for n in edit["significance"]["numbers"]] == [("7.2%", "7.5%")]
    assert edit["significance"]["sentences_added"] == 1 and edit["score"] > 0
    page = client.get("/changes", params={"rank": "significance"}).text
    assert "7.2% → 7.5%" in page
    assert client.get("/api/changes", params={"rank": "loudest"}).status_code == 422


def test_subscription_atom_feed(client, engine, archive_ids):
    with session_scope(engine) as s:
        sub = alerts.subscribe(s, "json://127.0.0.1:9/x", region="310107")
        sub.since_change = 0  # as if subscribed before the archive was filled
        sub_id = sub.id
    feed = client.get(f"/subscriptions/{sub_id}/atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(feed.content).findall("a:entry", ns)
    assert [e.find("a:category", ns).get("term") for e in entries] == ["missing", "new"]
    assert client.get("/subscriptions/999/atom").status_code == 404
