"""Coverage of every jurisdiction of a region (archive/jurisdictions.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from archive.db import session_scope
from archive.discovery import save_columns
from archive.jurisdictions import default_year, region_coverage
from archive.models import Document
from archive.store import upsert_portal


def _report(portal: str, url: str, published: date) -> Document:
    seen = datetime(2025, 4, 20, tzinfo=UTC)
    return Document(
        portal_id=portal,
        url=url,
        kind="report",
        year=2024,
        published=published,
        first_seen=seen,
        last_seen=seen,
    )


def test_every_county_of_guangdong_with_its_state(engine):
    with session_scope(engine) as s:
        upsert_portal(
            s, id="panyu", name="番禺", adcode="440113", level="county", start_urls=["http://p/col/"]
        )
        upsert_portal(
            s, id="huadu", name="花都", adcode="440114", level="county", start_urls=["http://h/col/"]
        )
        upsert_portal(s, id="nansha", name="南沙", adcode="440115", level="county")  # home page only
        upsert_portal(s, id="conghua", name="从化", adcode="440117", level="county")  # column discovered
        upsert_portal(
            s, id="jiangmen", name="江门", adcode="440700", level="city", start_urls=["http://j/col/"]
        )
        s.flush()
        save_columns(
            s,
            portal_id="conghua",
            columns=[{"url": "http://c/col/", "evidence": []}],
            via="tree",
            at=datetime(2025, 4, 1, tzinfo=UTC),
        )
        s.add(_report("panyu", "http://p/2024.html", date(2025, 3, 28)))
        s.add(_report("jiangmen", "http://j/2024.html", date(2025, 4, 15)))
    with session_scope(engine) as s:
        cov = region_coverage(s, "广东省", year=2024, today=date(2025, 6, 1))
    states = {r.adcode: r.state for r in cov.rows}
    assert len([r for r in cov.rows if r.level == "county"]) == 122 and len(cov.rows) == 1 + 21 + 122
    assert states["440113"] == "on_time" and states["440700"] == "late"
    assert states["440114"] == "no_report" and states["440117"] == "no_report"
    assert states["440115"] == "no_column" and states["440118"] == "no_portal"  # 增城: no portal at all
    rollup = cov.rollup()
    assert rollup["440100"] == {"on_time": 1, "no_report": 2, "no_column": 1, "no_portal": 7}
    assert sum(rollup["440000"].values()) == 122
    assert cov.to_dict()["divisions"]["as_of"] == "2025-12-31"


def test_default_year_is_the_last_one_due():
    assert default_year(date(2025, 3, 31)) == 2023 and default_year(date(2025, 4, 1)) == 2024
