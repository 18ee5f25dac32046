"""A script-built list is confirmed unchanged with plain GETs, not rendered again; a newly published page still shows.

Real crawls of govsim's JS-only portal with Debian's Chromium. The first crawl renders the column's list and
keeps its shell's validators and its data request (``/api/list?…``, a dynamic answer without validators) with
the digest of its bytes. The next crawl the same day fetches the shell plainly (same ETag), fetches the list's
data and finds the same bytes, and so knows the list shows what it showed: no browser. When a page is
published during the day, the list's data changes: the list is rendered again and the new page archived. A full sweep renders it regardless.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from archive.models import RenderedList
from govsim import GovSim
from tests.e2e.helpers import crawl, latest_texts

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _rendered_lists(db_url: str) -> list[RenderedList]:
    engine = create_engine(db_url)
    with Session(engine) as session:
        rows = list(session.exec(select(RenderedList)))
    engine.dispose()
    return rows


def test_a_script_built_list_is_confirmed_without_the_browser_and_a_new_page_still_shows(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    with GovSim(day=1) as sim:
        portal = next(p for p in sim.specs if p.js)
        # the newest page, so that it heads the list once published (no request has been answered yet)
        late = max(portal.articles, key=lambda a: (a.published, a.aid))
        assert late.appear_day == 1
        late.appear_day = 2
        registry = tmp_path / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")

        first = crawl(registry, db_url, portals=[portal.id])["portals"][portal.id]
        assert first["outcome"] == "ok" and first.get("browser/js_list"), first
        lists = _rendered_lists(db_url)
        assert len(lists) == 1 and lists[0].etag, lists
        assert any(
            "/api/list" in entry[0] and entry[3].startswith("sha256:") for entry in lists[0].render_data
        ), lists[0]

        again = crawl(registry, db_url, portals=[portal.id])["portals"][portal.id]
        assert again["outcome"] == "ok", again
        assert again.get("render_data/list_unchanged") == 1, again
        assert not again.get("browser/js_list") and not again.get("render_data/list_changed"), again

        late.appear_day = 1  # published during the day: the list's data changes, its shell does not
        sim.set_day(1)
        late_url = sim.url(portal.id, sim.view(portal).url_of[late.aid])
        assert late_url not in latest_texts(db_url)
        published = crawl(registry, db_url, portals=[portal.id])["portals"][portal.id]
        assert published.get("render_data/list_changed") == 1, published
        assert published.get("browser/js_list"), published
        assert late_url in latest_texts(db_url)

        swept = crawl(registry, db_url, "--full", portals=[portal.id])["portals"][portal.id]
        assert swept.get("browser/js_list") and not swept.get("render_data/list_unchanged"), swept
