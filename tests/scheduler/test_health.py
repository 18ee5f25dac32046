"""Per-portal health after each run: failures counted, flagged after repeats, cleared by a success."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from archive.db import session_scope
from archive.models import CrawlRun
from archive.scheduling import PortalHealth
from scheduler.health import load_states, record_run

T0 = datetime(2025, 6, 2, 18, 0, tzinfo=UTC)


def _flagged(session) -> list[PortalHealth]:
    return list(
        session.scalars(select(PortalHealth).where(PortalHealth.flagged).order_by(PortalHealth.portal_id))
    )


def _run(session, outcome: str, portals: list[str], counters: dict | None = None) -> CrawlRun:
    run = CrawlRun(started_at=T0, outcome=outcome, portals=portals, counters=counters or {})
    session.add(run)
    session.flush()
    return run


def test_outcomes_per_portal(engine: Engine) -> None:
    with session_scope(engine) as s:
        ok = _run(s, "ok", ["a", "b"], {"a": {"outcome": "ok"}, "b": {"outcome": "failed"}})
        record_run(s, ok, now=T0, flag_after=3)
        crashed = _run(s, "failed", ["c"])
        record_run(s, crashed, now=T0, flag_after=3)
        cut = _run(s, "interrupted", ["d"])
        record_run(s, cut, now=T0, flag_after=3)
    with session_scope(engine) as s:
        states = load_states(s)
    assert states["a"].last_success_at == T0 and states["a"].consecutive_failures == 0
    assert states["b"].consecutive_failures == 1 and states["b"].last_failure_at == T0
    assert states["c"].consecutive_failures == 1  # a crashed crawl fails every portal in it
    assert "d" not in states  # an interrupted crawl is no attempt: the portal stays due


def test_flagged_after_repeated_failures_and_cleared_by_success(engine: Engine) -> None:
    flagged_now: list[list[str]] = []
    for i in range(4):
        with session_scope(engine) as s:
            flagged_now.append(
                record_run(s, _run(s, "failed", ["x"]), now=T0 + timedelta(hours=i), flag_after=3)
            )
    assert flagged_now == [[], [], ["x"], []]  # flagged once, on the third failure
    with session_scope(engine) as s:
        assert [h.portal_id for h in _flagged(s)] == ["x"]
        assert load_states(s)["x"].consecutive_failures == 4
        record_run(
            s, _run(s, "ok", ["x"], {"x": {"outcome": "partial"}}), now=T0 + timedelta(days=1), flag_after=3
        )
    with session_scope(engine) as s:
        state = load_states(s)["x"]
        assert (state.flagged, state.consecutive_failures) == (False, 0)
        assert _flagged(s) == []
