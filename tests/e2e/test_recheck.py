"""``fazhi crawl --recheck``: an edit made right after a crawl is found at once, not only when it is due."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import changes_after, crawl, last_change_id, write_registry

pytestmark = pytest.mark.slow


def test_recheck_finds_an_edit_that_a_plain_crawl_does_not(govsim, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = write_registry(govsim, tmp_path)
    crawl(registry, db_url, portals=["jiangmen"])
    mark = last_change_id(db_url)

    govsim.set_day(2)
    edited = {c["url"] for c in govsim.manifest()["changes"] if c["portal"] == "jiangmen"}
    assert len(edited) == 1, edited

    plain = crawl(registry, db_url, portals=["jiangmen"])
    assert plain["portals"]["jiangmen"].get("revalidated", 0) == 0
    assert changes_after(db_url, mark) == [], "nothing was due, so the edit stays unseen"

    rechecked = crawl(registry, db_url, "--recheck", portals=["jiangmen"])
    counts = rechecked["portals"]["jiangmen"]
    assert counts["revalidated"] >= 5, counts
    assert [(kind, url) for kind, url, _ in changes_after(db_url, mark)] == [("changed", edited.pop())]
