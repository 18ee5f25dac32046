"""Stored report columns (archive/discovery.py) on SQLite and PostgreSQL: found, refreshed, moved, stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from archive.db import session_scope
from archive.discovery import (
    REDISCOVER_AFTER,
    is_stale,
    live_columns,
    mark_moved,
    record_attempt,
    save_columns,
)
from archive.models import DiscoveryAttempt

T0 = datetime(2026, 1, 5, tzinfo=UTC)
PATH = [{"url": "http://a.gov.cn/", "anchor": "首页", "title": ""}]


def test_columns_are_kept_refreshed_and_moved(engine):
    with session_scope(engine) as s:
        save_columns(
            s, portal_id="a", columns=[{"url": "http://a.gov.cn/fz/", "evidence": PATH}], via="tree", at=T0
        )
        save_columns(
            s, portal_id="b", columns=[{"url": "http://b.gov.cn/fz/", "evidence": []}], via="search", at=T0
        )
        record_attempt(s, portal_id="a", at=T0, outcome="found", requests=5, tried=[{"note": "x"}])
    later = T0 + timedelta(days=3)
    with session_scope(engine) as s:  # found again: one row, refreshed
        save_columns(
            s, portal_id="a", columns=[{"url": "http://a.gov.cn/fz/", "evidence": PATH}], via="tree", at=later
        )
        mark_moved(s, portal_id="b", url="http://b.gov.cn/fz/", at=later)
        record_attempt(s, portal_id="a", at=later, outcome="reused", requests=1, tried=[])
    with session_scope(engine) as s:
        live = live_columns(s, ["a", "b"])
        assert list(live) == ["a"] and len(live["a"]) == 1
        (column,) = live["a"]
        assert column.evidence == PATH and column.found_at == later
        assert not is_stale(column.found_at, later + REDISCOVER_AFTER - timedelta(seconds=1))
        assert is_stale(column.found_at, later + REDISCOVER_AFTER)  # monthly re-discovery
        attempts = s.scalars(select(DiscoveryAttempt).where(DiscoveryAttempt.portal_id == "a"))
        assert [a.outcome for a in attempts] == ["found", "reused"]
