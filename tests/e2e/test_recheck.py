"""``fazhi crawl --recheck``: an edit made right after a crawl is found at once, not only when it is due."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Change
from tests.e2e.helpers import changes_after, crawl, last_change_id, write_registry

pytestmark = pytest.mark.slow


def test_recheck_finds_an_edit_that_a_plain_crawl_does_not(govsim, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = write_registry(govsim, tmp_path)
    crawl(registry, db_url, portals=["jiangmen"])
    mark = last_change_id(db_url)

    govsim.set_day(2)
    day2 = [c for c in govsim.manifest()["changes"] if c["portal"] == "jiangmen"]
    edited = {c["url"] for c in day2}
    assert len(edited) == 1, edited
    before, after = day2[0]["detail"].split(" → ")
    figure = re.compile(r"\d+\.\d+%")
    old_new = next(
        (a, b) for a, b in zip(figure.findall(before), figure.findall(after), strict=False) if a != b
    )

    plain = crawl(registry, db_url, portals=["jiangmen"])
    assert plain["portals"]["jiangmen"].get("revalidated", 0) == 0
    assert changes_after(db_url, mark) == [], "nothing was due, so the edit stays unseen"

    rechecked = crawl(registry, db_url, "--recheck", portals=["jiangmen"])
    counts = rechecked["portals"]["jiangmen"]
    assert counts["revalidated"] >= 5, counts
    assert [(kind, url) for kind, url, _ in changes_after(db_url, mark)] == [("changed", edited.pop())]

    # the edit's significance names the changed figure, as a reader would quote it
    engine = get_engine(db_url)
    with Session(engine) as session:
        change = session.exec(select(Change).where(Change.id > mark)).one()
    engine.dispose()
    assert old_new in [(n["old"], n["new"]) for n in change.significance["numbers"]]
    assert f"{old_new[0]} → {old_new[1]}" in change.summary and change.score > 0
    assert change.significance["sentences_added"] == 1 and not change.significance["cosmetic"]
