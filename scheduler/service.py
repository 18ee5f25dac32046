"""The APScheduler 3.x service: two persistent jobs in the archive database, run until SIGTERM / SIGINT.

* ``fazhi-nightly`` — cron (default 02:00 Asia/Shanghai, with jitter): crawls what the cadence policy says
  is due. ``coalesce=True`` + ``misfire_grace_time``: nights missed while the machine was down become one
  catch-up run when the service is back within the grace time, none when it is back later.
* ``fazhi-retries`` — every ``retry_interval``: failed portals whose backoff has passed.

Both have explicit ids, ``replace_existing=True`` (so changed settings take effect on restart) and
``max_instances=1``, and run on a one-thread executor, so one scheduler runs one crawl at a time.

``replace_existing`` alone would lose a missed run: APScheduler recomputes the next fire time from *now*
and overwrites the stored one. :func:`install_jobs` therefore keeps a stored next run time that is already
in the past, which is exactly the pending catch-up.

The scheduler is a BackgroundScheduler driven from the main thread, which waits for the stop signal: the
signal handler then only sets a flag, and shutdown happens outside signal context.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, select

from archive.db import create_db_engine, get_engine
from archive.scheduling import JOBS_TABLE, apscheduler_jobs
from archive.types import utcnow
from scheduler import jobs
from scheduler.config import ScheduleConfig
from scheduler.jobs import DueReport, run_due
from scheduler.stop import STOP, StopSignal, install_handlers

log = logging.getLogger("fazhi.scheduler")

NIGHTLY_JOB_ID = "fazhi-nightly"
RETRY_JOB_ID = "fazhi-retries"
_ABSENT = object()


class ServiceScheduler(BackgroundScheduler):
    """A BackgroundScheduler whose loop does nothing once stopped.

    APScheduler 3.x's loop runs one more round after ``shutdown()`` wakes it; with a job due at that instant
    it would fail to submit it yet still advance the job's stored next run time, losing that night.
    """

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


class StoreWriter(BaseScheduler):
    """A scheduler that only writes jobs to the store (``start()`` then ``shutdown()``) and never runs one."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


def stored_next_run_time(engine: Engine, job_id: str) -> datetime | None | object:
    """The next run time a job has in the store (``_ABSENT`` when there is no such job).

    Read from the column rather than through the job store, which needs a started scheduler.
    """
    with engine.connect() as conn:
        row = conn.execute(
            select(apscheduler_jobs.c.next_run_time).where(apscheduler_jobs.c.id == job_id)
        ).first()
    if row is None:
        return _ABSENT
    return None if row[0] is None else datetime.fromtimestamp(row[0], UTC)


def has_jobs(engine: Engine) -> bool:
    """Whether the job store holds the nightly job (i.e. the schedule has been set up before)."""
    return stored_next_run_time(engine, NIGHTLY_JOB_ID) is not _ABSENT


def build_scheduler(
    config: ScheduleConfig, scheduler_cls: type[BaseScheduler] = ServiceScheduler
) -> BaseScheduler:
    """A scheduler whose job store is ``apscheduler_jobs`` in the archive database (schema upgraded)."""
    get_engine(config.db_url).dispose()  # brings the schema, including apscheduler_jobs, to head
    store = SQLAlchemyJobStore(engine=create_db_engine(config.db_url), tablename=JOBS_TABLE)
    return scheduler_cls(
        jobstores={"default": store},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_time},
        timezone=config.tzinfo,
    )


def install_jobs(
    scheduler: BaseScheduler, config: ScheduleConfig, *, catch_up: bool = True, now: datetime | None = None
) -> None:
    """Add (or replace) the two jobs with the current settings, keeping a pending missed run if ``catch_up``."""
    now = now or datetime.now(UTC)
    engine = create_db_engine(config.db_url)
    try:
        stored = stored_next_run_time(engine, NIGHTLY_JOB_ID)
    finally:
        engine.dispose()
    settings = config.to_dict()
    nightly_kwargs = {}
    if catch_up and isinstance(stored, datetime) and stored <= now:
        nightly_kwargs["next_run_time"] = stored
        log.info(
            "a nightly run was missed (due %s): it will be caught up now if within the grace time", stored
        )
    scheduler.add_job(
        jobs.nightly,
        trigger=config.trigger(),
        kwargs={"config": settings},
        id=NIGHTLY_JOB_ID,
        name="nightly crawl of due portals",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=config.misfire_grace_time,
        **nightly_kwargs,
    )
    scheduler.add_job(
        jobs.retries,
        trigger=IntervalTrigger(seconds=config.retry_interval, timezone=config.tzinfo),
        kwargs={"config": settings},
        id=RETRY_JOB_ID,
        name="retry failed portals after backoff",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=config.retry_interval,
    )


def run_service(config: ScheduleConfig, *, stop: StopSignal = STOP, handle_signals: bool = True) -> None:
    """Run the schedule until a stop is requested; then let the current crawl stop cleanly and return."""
    scheduler = build_scheduler(config)
    install_jobs(scheduler, config)
    if handle_signals:
        install_handlers(stop)
    scheduler.start()
    for job in scheduler.get_jobs():
        log.info("job %s: next run %s", job.id, job.next_run_time)
    try:
        while not stop.requested.wait(1.0):
            pass
    finally:
        scheduler.shutdown(wait=False)
        if not jobs.ACTIVE.wait_idle(config.stop_timeout + 30):
            log.error("the current crawl pass did not end in time")
        log.info("scheduler stopped")


def run_once(config: ScheduleConfig, *, stop: StopSignal = STOP, now: datetime | None = None) -> DueReport:
    """Crawl what is due now and record the schedule; on an empty job store every portal is due.

    The pass counts from before the job store is read: another ``--once`` that crawls a portal after that
    moment (and fills the store only when it ends) leaves it not due here, instead of crawled twice.
    """
    started_at = now or utcnow()
    engine = get_engine(config.db_url)
    try:
        first = not has_jobs(engine)
    finally:
        engine.dispose()
    if first:
        log.info("empty job store: treating every portal as due")
    report = run_due(config, force=first, stop=stop, now=now, started_at=started_at)
    if report.error is None:
        scheduler = build_scheduler(config, StoreWriter)
        install_jobs(scheduler, config, catch_up=False)
        scheduler.start()  # writes the jobs to the store; a StoreWriter runs nothing
        scheduler.shutdown(wait=False)
    return report
