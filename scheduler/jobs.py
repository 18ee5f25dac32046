"""What a scheduled job does: pick the due portals, lease them, crawl them in subprocesses, record health.

:func:`nightly` and :func:`retries` are the callables stored in the persistent job store (by reference, with
the settings as a plain dict). :func:`run_due` does the work and is what ``fazhi schedule --once`` calls.

Two schedulers may run the same job at the same moment (APScheduler 3.x does not coordinate schedulers that
share a job store). What keeps them from crawling a portal twice is here: a portal is crawled only under its
lease, and whether it is still due is decided again *after* the lease is taken, from the health row the
other scheduler updates before releasing its lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from archive.db import get_engine, session_scope
from archive.models import CrawlRun
from archive.types import utcnow
from crawler.registry import PortalConfig, RegistryError, load_registry
from scheduler.cadence import Due, Policy, PortalState, due_portals, due_reason
from scheduler.config import ScheduleConfig
from scheduler.health import load_states, record_run
from scheduler.lock import Acquired, Heartbeat, LeaseManager, portal_lease
from scheduler.runcrawl import CrawlOutcome, close_run, create_run, run_crawl_subprocess
from scheduler.stop import STOP, StopSignal

log = logging.getLogger("fazhi.scheduler")
KEEP_CRAWL_LOGS = 200


@dataclass
class DueReport:
    """What one pass did: the due portals, the crawls run, the portals left to another scheduler."""

    started_at: datetime
    due: list[Due] = field(default_factory=list)
    crawls: list[CrawlOutcome] = field(default_factory=list)
    held_elsewhere: list[str] = field(default_factory=list)  # leased by another scheduler
    no_longer_due: list[str] = field(default_factory=list)  # crawled by another scheduler meanwhile
    flagged: list[str] = field(default_factory=list)
    enqueued: list[list[str]] = field(default_factory=list)  # batches handed to workers (``queue`` set)
    stopped: bool = False
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "due": [{"portal": d.portal_id, "reason": d.reason, "cadence": d.cadence} for d in self.due],
            "crawls": [
                {
                    "run_id": c.run_id,
                    "portals": c.portals,
                    "outcome": c.outcome,
                    "exit_code": c.returncode,
                    "detail": c.detail,
                }
                for c in self.crawls
            ],
            "held_elsewhere": self.held_elsewhere,
            "no_longer_due": self.no_longer_due,
            "flagged": self.flagged,
            "enqueued": self.enqueued,
            "stopped": self.stopped,
            "error": self.error,
        }


def policy_for(config: ScheduleConfig) -> Policy:
    return Policy(
        tz=config.tzinfo,
        season_months=tuple(config.season_months),
        backoff_base=timedelta(seconds=config.backoff_base),
        flag_after=config.flag_after,
    )


def batches(due: list[Due], size: int) -> list[list[Due]]:
    """Regular portals in crawls of up to ``size``; retried portals one per crawl, after them."""
    regular = [d for d in due if not d.isolated]
    groups = [regular[i : i + size] for i in range(0, len(regular), size)]
    return groups + [[d] for d in due if d.isolated]


def _still_due(
    item: Due,
    state: PortalState | None,
    cadence: str | None,
    now: datetime,
    policy: Policy,
    *,
    since: datetime,
    retry_only: bool,
) -> bool:
    """Re-check under the lease: nobody attempted it since this pass began, and it is still due."""
    if state is not None and state.last_attempt_at is not None and state.last_attempt_at >= since:
        return False
    if item.reason == "forced":
        return True
    return due_reason(cadence, state, now, policy, retry_only=retry_only) is not None


def _crawl_log_path(config: ScheduleConfig, run_id: int) -> Path | None:
    if not config.log_file:
        return None
    folder = Path(config.log_file).resolve().parent / "crawls"
    old = sorted(folder.glob("run-*.log"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    for path in old[: max(len(old) - KEEP_CRAWL_LOGS, 0)]:
        path.unlink(missing_ok=True)
    return folder / f"run-{run_id}.log"


def _close_stale(engine: Engine, leases: list[Acquired]) -> None:
    """Runs whose scheduler died holding the lease we just took over: they did not finish."""
    for lease in leases:
        if lease.stale_run_id is not None and close_run(
            engine, lease.stale_run_id, "interrupted", unless=("ok", "partial", "failed", "interrupted")
        ):
            log.warning(
                "run %d: its scheduler or worker vanished; recorded as interrupted", lease.stale_run_id
            )


def run_due(
    config: ScheduleConfig,
    *,
    now: datetime | None = None,
    retry_only: bool = False,
    force: bool = False,
    stop: StopSignal = STOP,
    owner: str | None = None,
    started_at: datetime | None = None,
) -> DueReport:
    """Crawl what is due now, one subprocess per batch, never a portal another scheduler holds.

    ``now`` fixes the clock for the policy and the health records (tests); by default the real time.
    ``started_at``: when the caller began reading what decides this pass (``force``), if before this call: a
    crawl another scheduler records after that moment makes a portal no longer due here.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    report = DueReport(started_at=started_at or clock())
    try:
        portals: dict[str, PortalConfig] = {p.id: p for p in load_registry(config.registry)}
    except RegistryError as exc:
        report.error = str(exc)
        log.error("cannot read the registry: %s", exc)
        return report
    engine = get_engine(config.db_url)
    try:
        policy = policy_for(config)
        with session_scope(engine) as session:
            states = load_states(session)
        pairs = [(p.id, p.cadence) for p in portals.values()]
        report.due = due_portals(pairs, states, report.started_at, policy, retry_only=retry_only, force=force)
        if not report.due:
            log.info("nothing due (%d portals)", len(portals))
            return report
        names = ", ".join(f"{d.portal_id} ({d.reason})" for d in report.due)
        log.info("%d of %d portals due: %s", len(report.due), len(portals), names)
        leases = LeaseManager(engine, owner, timedelta(seconds=config.lease_ttl))
        for batch in batches(report.due, config.batch_size):
            if stop.requested.is_set():
                break
            if config.queue:  # scale-out: a worker takes the batch (scheduler/queue.py)
                from scheduler.queue import enqueue

                enqueue(config, batch, since=report.started_at, retry_only=retry_only)
                report.enqueued.append([d.portal_id for d in batch])
                continue
            crawl_batch(engine, config, batch, portals, leases, report, policy, clock, stop, retry_only)
        report.stopped = stop.requested.is_set()
        return report
    finally:
        engine.dispose()


def crawl_batch(
    engine: Engine,
    config: ScheduleConfig,
    batch: list[Due],
    portals: dict[str, PortalConfig],
    leases: LeaseManager,
    report: DueReport,
    policy: Policy,
    clock: Callable[[], datetime],
    stop: StopSignal,
    retry_only: bool,
) -> None:
    """Crawl ``batch`` under its leases: portals held elsewhere, or crawled by someone since
    ``report.started_at``, are left alone; health is recorded when the crawl ends."""
    got = leases.acquire_many([portal_lease(d.portal_id) for d in batch])
    _close_stale(engine, got)
    held = {lease.name for lease in got}
    report.held_elsewhere += [d.portal_id for d in batch if portal_lease(d.portal_id) not in held]
    with session_scope(engine) as session:
        fresh = load_states(session, [d.portal_id for d in batch])
    keep: list[Due] = []
    for item in batch:
        if portal_lease(item.portal_id) not in held:
            continue
        cadence = portals[item.portal_id].cadence
        if _still_due(
            item,
            fresh.get(item.portal_id),
            cadence,
            clock(),
            policy,
            since=report.started_at,
            retry_only=retry_only,
        ):
            keep.append(item)
        else:
            report.no_longer_due.append(item.portal_id)
    kept = [lease for lease in got if lease.name in {portal_lease(d.portal_id) for d in keep}]
    leases.release([lease for lease in got if lease not in kept])
    if not keep:
        return
    ids = [d.portal_id for d in keep]
    try:
        run_id = create_run(engine, ids, config.registry)
        leases.attach_run(kept, run_id)
        with Heartbeat(leases, kept):
            outcome = run_crawl_subprocess(
                engine, config, ids, run_id, stop=stop, log_path=_crawl_log_path(config, run_id)
            )
        report.crawls.append(outcome)
        with session_scope(engine) as session:
            run = session.get(CrawlRun, run_id)
            report.flagged += record_run(session, run, now=clock(), flag_after=config.flag_after)
    finally:
        leases.release(kept)


class _Active:
    """Counts passes in progress, so a stopping service can wait for the current crawl to end."""

    def __init__(self) -> None:
        self._count = 0
        self._cond = threading.Condition()

    def __enter__(self) -> None:
        with self._cond:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._count -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._count == 0, timeout)


ACTIVE = _Active()


def _job(config: dict[str, Any], *, retry_only: bool) -> None:
    if STOP.requested.is_set():
        return
    with ACTIVE:
        try:
            run_due(ScheduleConfig.from_dict(config), retry_only=retry_only)
        except Exception:  # the service outlives any one pass; the traceback goes to the log
            log.exception("scheduled crawl pass failed; the service goes on")


def nightly(config: dict[str, Any]) -> None:
    """The nightly job: every portal due by cadence, plus failed portals whose backoff has passed."""
    _job(config, retry_only=False)


def retries(config: dict[str, Any]) -> None:
    """The frequent job: only failed (unflagged) portals whose backoff has passed."""
    _job(config, retry_only=True)
