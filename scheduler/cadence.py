"""The cadence policy: which portals are due at a given moment. Pure functions over plain datetimes.

Rules (``now`` and every timestamp are timezone-aware; calendar dates are taken in the policy's timezone):

* ``season`` (the default): daily in the publication season (January–April: reports are due before
  1 April, and late ones trickle in through April), weekly otherwise. ``daily`` / ``weekly`` / ``monthly``
  are fixed. A portal's registry ``cadence`` overrides the default.
* A portal is due by cadence when its last attempt was at least ``interval`` calendar days ago (calendar
  days, not 24-hour periods, so a crawl that finished at 02:14 yesterday is due at 02:03 today despite the
  scheduler's jitter). Never attempted = due.
* A portal whose last attempt failed is retried sooner, after ``backoff_base * 2**(failures-1)`` (capped at
  its interval), until ``flag_after`` consecutive failures flag it; a flagged portal goes back to its plain
  cadence until a success clears the flag.
* Interrupted crawls are not attempts: the portal stays due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Cadence = Literal["season", "daily", "weekly", "monthly"]
Reason = Literal["new", "cadence", "retry", "forced"]

INTERVAL_DAYS = {"daily": 1, "weekly": 7, "monthly": 30}
SEASON_MONTHS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Policy:
    """Policy parameters (from :class:`scheduler.config.ScheduleConfig`)."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    season_months: tuple[int, ...] = SEASON_MONTHS
    backoff_base: timedelta = timedelta(hours=1)
    flag_after: int = 4


@dataclass(frozen=True)
class PortalState:
    """What the scheduler remembers about one portal (a row of ``portal_health``)."""

    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    consecutive_failures: int = 0
    flagged: bool = False


@dataclass(frozen=True)
class Due:
    """A portal that should be crawled now, and why."""

    portal_id: str
    reason: Reason
    cadence: str  # the effective cadence: daily / weekly / monthly

    @property
    def isolated(self) -> bool:
        """Retries run in a crawl of their own, so a portal that crashes the crawler cannot take others down."""
        return self.reason == "retry"


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass timezone-aware datetimes")
    return moment.astimezone(tz).date()


def effective_cadence(cadence: str | None, on: date, season_months: Iterable[int] = SEASON_MONTHS) -> str:
    """``daily`` / ``weekly`` / ``monthly`` for a registry cadence (None = ``season``) on a local date."""
    if cadence in (None, "season"):
        return "daily" if on.month in tuple(season_months) else "weekly"
    if cadence not in INTERVAL_DAYS:
        raise ValueError(f"unknown cadence {cadence!r}; expected season, daily, weekly or monthly")
    return cadence


def retry_delay(failures: int, interval_days: int, policy: Policy) -> timedelta:
    """Backoff after ``failures`` consecutive failures: base, 2×base, 4×base, … capped at the interval."""
    if failures < 1:
        return timedelta(0)
    delay = policy.backoff_base * (2 ** min(failures - 1, 30))
    return min(delay, timedelta(days=interval_days))


def due_reason(
    cadence: str | None, state: PortalState | None, now: datetime, policy: Policy, *, retry_only: bool = False
) -> Reason | None:
    """Why the portal is due at ``now`` (None: not due). ``retry_only``: only failed portals past backoff."""
    today = local_date(now, policy.tz)
    effective = effective_cadence(cadence, today, policy.season_months)
    days = INTERVAL_DAYS[effective]
    if state is None or state.last_attempt_at is None:
        return None if retry_only else "new"
    failing = state.consecutive_failures > 0 and state.last_failure_at is not None
    if failing and not state.flagged:
        retry_at = state.last_failure_at + retry_delay(state.consecutive_failures, days, policy)
        if now >= retry_at:
            return "retry"
    if retry_only:
        return None
    if (today - local_date(state.last_attempt_at, policy.tz)).days >= days:
        return "cadence"
    return None


def due_portals(
    portals: Iterable[tuple[str, str | None]],
    states: Mapping[str, PortalState],
    now: datetime,
    policy: Policy,
    *,
    retry_only: bool = False,
    force: bool = False,
) -> list[Due]:
    """The due portals among ``(portal_id, registry cadence)`` pairs, in registry order.

    ``force`` makes every portal due (the first ``fazhi schedule --once`` on an empty job store).
    """
    today = local_date(now, policy.tz)
    due: list[Due] = []
    for portal_id, cadence in portals:
        effective = effective_cadence(cadence, today, policy.season_months)
        reason: Reason | None = "forced" if force else None
        reason = reason or due_reason(cadence, states.get(portal_id), now, policy, retry_only=retry_only)
        if reason:
            due.append(Due(portal_id, reason, effective))
    return due


def next_due(cadence: str | None, state: PortalState | None, now: datetime, policy: Policy) -> datetime:
    """The earliest moment (at or after ``now``) the portal becomes due, for status displays.

    Cadence dues are reported as local midnight of the due date; the nightly job picks them up at its next
    fire time after that.
    """
    if state is None or state.last_attempt_at is None:
        return now
    candidates: list[datetime] = []
    if state.consecutive_failures > 0 and state.last_failure_at is not None and not state.flagged:
        days = INTERVAL_DAYS[effective_cadence(cadence, local_date(now, policy.tz), policy.season_months)]
        candidates.append(state.last_failure_at + retry_delay(state.consecutive_failures, days, policy))
    day = local_date(state.last_attempt_at, policy.tz)
    for _ in range(400):  # the season can change the interval on the way, so walk day by day
        day += timedelta(days=1)
        interval = INTERVAL_DAYS[effective_cadence(cadence, day, policy.season_months)]
        if (day - local_date(state.last_attempt_at, policy.tz)).days >= interval:
            candidates.append(datetime(day.year, day.month, day.day, tzinfo=policy.tz))
            break
    return max(now, min(candidates)) if candidates else now
