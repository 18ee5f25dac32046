"""Per-portal crawl health: reads ``portal_health`` into cadence states and updates it after each run.

A run's outcome decides what each of its portals gets: ``failed`` (the crawl crashed, timed out or
recorded a failure) counts as a failure for every portal in it; ``ok`` and ``partial`` count per portal from the run's
counters (a portal whose own outcome is ``failed`` failed; anything else succeeded); ``interrupted`` counts
as nothing, so the portal stays due.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from archive.models import CrawlRun
from archive.scheduling import PortalHealth
from scheduler.cadence import PortalState

log = logging.getLogger("fazhi.scheduler.health")


def load_states(session: Session, portal_ids: Iterable[str] | None = None) -> dict[str, PortalState]:
    """Cadence states by portal id (all portals, or only ``portal_ids``)."""
    query = select(PortalHealth)
    if portal_ids is not None:
        query = query.where(PortalHealth.portal_id.in_(list(portal_ids)))
    return {
        row.portal_id: PortalState(
            last_attempt_at=row.last_attempt_at,
            last_success_at=row.last_success_at,
            last_failure_at=row.last_failure_at,
            consecutive_failures=row.consecutive_failures,
            flagged=row.flagged,
        )
        for row in session.exec(query)
    }


def portal_outcomes(run: CrawlRun) -> dict[str, str]:
    """``success`` / ``failure`` / ``none`` (interrupted or still running) for each portal of a run."""
    outcomes: dict[str, str] = {}
    for portal_id in run.portals:
        if run.outcome == "failed":
            outcomes[portal_id] = "failure"
        elif run.outcome in ("ok", "partial"):
            own = (run.counters or {}).get(portal_id, {}).get("outcome")
            outcomes[portal_id] = "failure" if own == "failed" else "success"
        else:
            outcomes[portal_id] = "none"
    return outcomes


def record_run(session: Session, run: CrawlRun, *, now: datetime, flag_after: int) -> list[str]:
    """Update ``portal_health`` from a finished run; returns the portals flagged by this run."""
    newly_flagged: list[str] = []
    for portal_id, result in portal_outcomes(run).items():
        if result == "none":
            continue
        row = session.get(PortalHealth, portal_id) or PortalHealth(portal_id=portal_id)
        row.last_attempt_at = now
        row.last_run_id = run.id
        row.last_outcome = run.outcome if result == "failure" else "ok"
        if result == "success":
            if row.flagged:
                log.info("portal %s recovered after %d failures", portal_id, row.consecutive_failures)
            row.last_success_at = now
            row.consecutive_failures = 0
            row.flagged = False
        else:
            row.last_failure_at = now
            row.consecutive_failures += 1
            if row.consecutive_failures >= flag_after and not row.flagged:
                row.flagged = True
                newly_flagged.append(portal_id)
                log.warning(
                    "portal %s FLAGGED: %d consecutive failed crawls (last run %s); it will only be "
                    "retried at its normal cadence until a crawl succeeds",
                    portal_id,
                    row.consecutive_failures,
                    run.id,
                )
        session.add(row)
    session.flush()
    return newly_flagged
