"""The cadence policy, on a controllable clock: plain datetimes in, due portals out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.cadence import (
    Policy,
    PortalState,
    due_portals,
    due_reason,
    effective_cadence,
    next_due,
    retry_delay,
)

SH = ZoneInfo("Asia/Shanghai")
POLICY = Policy(tz=SH, backoff_base=timedelta(hours=1), flag_after=4)


def at(y: int, m: int, d: int, h: int = 2, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 1), "daily"),
        (date(2025, 3, 31), "daily"),  # the eve of the 1 April deadline
        (date(2025, 4, 1), "daily"),
        (date(2025, 4, 30), "daily"),  # late reports still trickle in through April
        (date(2025, 5, 1), "weekly"),
        (date(2025, 12, 31), "weekly"),
    ],
)
def test_season_is_daily_january_to_april_weekly_otherwise(day: date, expected: str) -> None:
    assert effective_cadence(None, day) == expected
    assert effective_cadence("season", day) == expected


def test_registry_cadence_overrides_the_season() -> None:
    for cadence in ("daily", "weekly", "monthly"):
        assert effective_cadence(cadence, date(2025, 2, 1)) == cadence
        assert effective_cadence(cadence, date(2025, 8, 1)) == cadence
    with pytest.raises(ValueError, match="unknown cadence"):
        effective_cadence("hourly", date(2025, 2, 1))


def test_season_boundary_is_taken_in_the_policy_timezone() -> None:
    """2025-04-30 17:00 UTC is already 1 May in Shanghai: the season is over there."""
    state = PortalState(last_attempt_at=datetime(2025, 4, 29, 18, 0, tzinfo=UTC))  # 30 Apr 02:00 Shanghai
    assert (
        due_reason(None, state, datetime(2025, 4, 30, 15, 59, tzinfo=UTC), POLICY) is None
    )  # 23:59 same day
    # 1 May 01:00 local: a new calendar day, but the cadence is now weekly
    assert due_reason(None, state, datetime(2025, 4, 30, 17, 0, tzinfo=UTC), POLICY) is None
    assert due_reason("daily", state, datetime(2025, 4, 30, 17, 0, tzinfo=UTC), POLICY) == "cadence"


def simulate_year(cadence: str | None, year: int = 2025) -> list[date]:
    """Run the nightly job at 02:00 + a varying jitter every night of a year; every crawl succeeds."""
    state: PortalState | None = None
    crawled: list[date] = []
    day = date(year, 1, 1)
    while day.year == year:
        now = at(day.year, day.month, day.day, 2, (day.toordinal() * 7) % 15)  # 02:00 … 02:14
        if due_portals([("p", cadence)], {"p": state} if state else {}, now, POLICY):
            crawled.append(day)
            finished = now + timedelta(minutes=3)
            state = PortalState(last_attempt_at=finished, last_success_at=finished)
        day += timedelta(days=1)
    return crawled


def test_season_policy_picks_every_day_in_season_then_every_week() -> None:
    crawled = simulate_year(None)
    in_season = [d for d in crawled if d.month <= 4]
    assert in_season == [date(2025, 1, 1) + timedelta(days=i) for i in range(120)]  # every day, 1 Jan–30 Apr
    after = [d for d in crawled if d.month > 4]
    assert after[0] == date(2025, 5, 7)  # a week after the last season crawl on 30 April
    assert all((b - a).days == 7 for a, b in zip(after, after[1:], strict=False))
    assert len(after) == 35  # 7 May … 31 Dec


@pytest.mark.parametrize(
    ("cadence", "gap", "count"), [("daily", 1, 365), ("weekly", 7, 53), ("monthly", 30, 13)]
)
def test_fixed_cadences(cadence: str, gap: int, count: int) -> None:
    crawled = simulate_year(cadence)
    assert len(crawled) == count
    assert {(b - a).days for a, b in zip(crawled, crawled[1:], strict=False)} == {gap}


def test_jitter_does_not_skip_a_day() -> None:
    """Crawled at 02:14 yesterday, checked at 02:01 today: under 24 hours, but a new day, so due."""
    state = PortalState(last_attempt_at=at(2025, 2, 1, 2, 14), last_success_at=at(2025, 2, 1, 2, 14))
    assert due_reason(None, state, at(2025, 2, 2, 2, 1), POLICY) == "cadence"
    assert due_reason(None, state, at(2025, 2, 1, 23, 59), POLICY) is None


def test_never_crawled_portals_are_new_and_force_makes_all_due() -> None:
    done = PortalState(last_attempt_at=at(2025, 2, 1), last_success_at=at(2025, 2, 1))
    pairs = [("a", None), ("b", "weekly")]
    due = due_portals(pairs, {"a": done}, at(2025, 2, 1, 9), POLICY)
    assert [(d.portal_id, d.reason, d.cadence) for d in due] == [("b", "new", "weekly")]
    forced = due_portals(pairs, {"a": done}, at(2025, 2, 1, 9), POLICY, force=True)
    assert [(d.portal_id, d.reason) for d in forced] == [("a", "forced"), ("b", "forced")]


def test_failed_portal_is_retried_sooner_with_doubling_backoff() -> None:
    failed_at = at(2025, 6, 2, 2, 30)
    for failures, delay in [(1, timedelta(hours=1)), (2, timedelta(hours=2)), (3, timedelta(hours=4))]:
        state = PortalState(
            last_attempt_at=failed_at, last_failure_at=failed_at, consecutive_failures=failures
        )
        just_before = failed_at + delay - timedelta(seconds=1)
        assert due_reason("weekly", state, just_before, POLICY, retry_only=True) is None
        assert due_reason("weekly", state, failed_at + delay, POLICY, retry_only=True) == "retry"
        (due,) = due_portals([("p", "weekly")], {"p": state}, failed_at + delay, POLICY, retry_only=True)
        assert due.isolated  # a retry gets a crawl of its own


def test_backoff_is_capped_at_the_cadence_interval() -> None:
    assert retry_delay(10, 1, POLICY) == timedelta(days=1)
    assert retry_delay(3, 7, POLICY) == timedelta(hours=4)
    assert retry_delay(0, 7, POLICY) == timedelta(0)


def test_flagged_portal_gets_no_early_retries_only_its_cadence() -> None:
    failed_at = at(2025, 6, 2, 9)
    state = PortalState(
        last_attempt_at=failed_at, last_failure_at=failed_at, consecutive_failures=5, flagged=True
    )
    assert due_reason("weekly", state, failed_at + timedelta(days=2), POLICY, retry_only=True) is None
    assert due_reason("weekly", state, failed_at + timedelta(days=2), POLICY) is None
    assert due_reason("weekly", state, at(2025, 6, 9), POLICY) == "cadence"


def test_retry_job_ignores_portals_that_are_merely_due_by_cadence() -> None:
    state = PortalState(last_attempt_at=at(2025, 2, 1), last_success_at=at(2025, 2, 1))
    assert due_reason(None, state, at(2025, 2, 5), POLICY, retry_only=True) is None
    assert due_reason(None, None, at(2025, 2, 5), POLICY, retry_only=True) is None


def test_next_due_for_status_displays() -> None:
    now = at(2025, 6, 2, 3)
    state = PortalState(last_attempt_at=at(2025, 6, 2, 2), last_success_at=at(2025, 6, 2, 2))
    assert next_due("weekly", state, now, POLICY) == datetime(2025, 6, 9, tzinfo=SH)
    assert next_due(None, None, now, POLICY) == now
    # season: 30 April crawl → next is 7 May (weekly from 1 May)
    april = PortalState(last_attempt_at=at(2025, 4, 30), last_success_at=at(2025, 4, 30))
    assert next_due(None, april, at(2025, 4, 30, 9), POLICY) == datetime(2025, 5, 7, tzinfo=SH)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        due_portals([("p", None)], {}, datetime(2025, 1, 1), POLICY)
