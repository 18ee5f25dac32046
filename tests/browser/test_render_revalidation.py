"""Script-built documents are revalidated with plain conditional GETs, not rendered again.

Real crawls of govsim's JS-only portal with Debian's Chromium: the first crawl renders every article and keeps
its data request (``/api/article/<id>.json``) with its ETag; a recheck the same day confirms every article with
the page's 304 and the data request's 304, without the browser; after one article's data is edited the recheck
renders that one again and stores its new version, and confirms the rest without the browser; when the data
stops carrying validators, every article is rendered again once and keeps the digest of its data's bytes, by
which the next recheck confirms them without the browser and still sees the next edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govsim import GovSim
from tests.e2e.helpers import crawl, latest_texts

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_a_script_built_report_is_revalidated_without_the_browser_and_an_edit_is_still_seen(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    with GovSim(day=1) as sim:
        portal = next(p for p in sim.specs if p.js)
        edited = next(a for a in portal.articles if a.kind == "report" and a.edit_day is None)
        registry = tmp_path / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")

        first = crawl(registry, db_url, portals=[portal.id])["portals"][portal.id]
        assert first["outcome"] == "ok", first
        documents = {url: doc for url, (doc, _) in latest_texts(db_url).items() if doc.portal_id == portal.id}
        rendered = {url: doc for url, doc in documents.items() if doc.render_data is not None}
        assert rendered, documents
        for url, doc in rendered.items():
            assert doc.etag, url
            assert [entry[0] for entry in doc.render_data if "/api/article/" in entry[0]], doc.render_data
            assert all(entry[1] for entry in doc.render_data), doc.render_data

        same_day = crawl(registry, db_url, "--recheck", portals=[portal.id])["portals"][portal.id]
        assert same_day.get("render_data/unchanged") == len(rendered), same_day
        assert not same_day.get("render_data/changed"), same_day
        assert not same_day.get("browser/js_article"), same_day

        edited_url = _edit_and_recheck(sim, portal, edited, registry, db_url, rendered)
        doc, _version = latest_texts(db_url)[edited_url]
        assert doc.versions == 2 and doc.render_data is not None

        portal.api_validators = False  # the data now comes from a backend that sends no validators
        degraded = crawl(registry, db_url, "--recheck", portals=[portal.id])["portals"][portal.id]
        assert degraded.get("render_data/changed") == len(rendered), degraded
        after = latest_texts(db_url)
        assert all(
            after[url][0].versions == documents[url].versions + (url == edited_url) for url in rendered
        )
        for url in rendered:  # kept by the digest of the data's bytes instead
            data = [entry for entry in after[url][0].render_data if "/api/article/" in entry[0]]
            assert data and all(entry[1] is None and entry[3].startswith("sha256:") for entry in data), data

        by_digest = crawl(registry, db_url, "--recheck", portals=[portal.id])["portals"][portal.id]
        assert by_digest.get("render_data/unchanged") == len(rendered), by_digest
        assert not by_digest.get("render_data/changed") and not by_digest.get("browser/js_article"), by_digest

        second = next(
            a
            for a in portal.articles
            if a.kind == "report" and a.edit_day is None and a.title != edited.title
        )
        _edit_and_recheck(sim, portal, second, registry, db_url, rendered)


def _edit_and_recheck(sim: GovSim, portal, article, registry, db_url: str, rendered: dict) -> str:
    """Edit ``article`` during the day (its shell page stays the same) and recheck the portal: only that
    document is rendered again, and its new text is stored. Returns its URL."""
    article.edit_day = 1
    url = next(url for url, page in _truth(sim, portal.id).items() if page["title"] == article.title)
    assert url in rendered
    counts = crawl(registry, db_url, "--recheck", portals=[portal.id])["portals"][portal.id]
    assert counts.get("render_data/changed") == 1, counts
    assert counts.get("render_data/unchanged") == len(rendered) - 1, counts
    assert counts.get("browser/js_article") == 1, counts
    assert latest_texts(db_url)[url][1].text == _truth(sim, portal.id)[url]["text"]
    return url


def _truth(sim: GovSim, portal_id: str) -> dict[str, dict]:
    return {p["url"]: p for p in sim.manifest()["pages"] if p["portal"] == portal_id}
