"""Where each portal stands: effective cadence, last attempt and success, failures, flag, next due time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from archive.db import get_engine, session_scope
from archive.types import utcnow
from crawler.registry import load_registry
from scheduler.cadence import PortalState, effective_cadence, local_date, next_due
from scheduler.config import ScheduleConfig
from scheduler.health import load_states
from scheduler.jobs import policy_for


@dataclass(frozen=True)
class PortalStatus:
    portal: str
    cadence: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    consecutive_failures: int
    flagged: bool
    next_due: datetime

    def to_json(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}


def portal_status(config: ScheduleConfig, now: datetime | None = None) -> list[PortalStatus]:
    """One entry per registry portal, in registry order."""
    now = now or utcnow()
    policy = policy_for(config)
    portals = load_registry(config.registry)
    engine = get_engine(config.db_url)
    try:
        with session_scope(engine) as session:
            states = load_states(session)
    finally:
        engine.dispose()
    today = local_date(now, policy.tz)
    out = []
    for portal in portals:
        state = states.get(portal.id) or PortalState()
        out.append(
            PortalStatus(
                portal=portal.id,
                cadence=effective_cadence(portal.cadence, today, policy.season_months),
                last_attempt_at=state.last_attempt_at,
                last_success_at=state.last_success_at,
                consecutive_failures=state.consecutive_failures,
                flagged=state.flagged,
                next_due=next_due(portal.cadence, states.get(portal.id), now, policy),
            )
        )
    return out
