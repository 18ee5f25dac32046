"""Scale-out: portal crawls as Celery tasks on a Redis broker, taken by ``fazhi worker`` processes.

Why Celery on Redis: a maintained task queue whose Redis transport hands a message that was taken but never
acknowledged to another worker after ``queue_visibility`` seconds. Tasks are acknowledged only when they
end (``acks_late``) and a worker takes one at a time (prefetch 1), so a worker killed mid-crawl loses
nothing: its batch comes back. The unit of work is one of the scheduler's batches of portals, so a portal's
hosts are crawled by one worker at a time and per-host politeness holds (scrapy-redis shares one frontier
across workers, which would split a host's requests between machines).

Exactly-once per night is not the queue's job: the portal leases and the still-due check under the lease
(:func:`scheduler.jobs.crawl_batch`) make a redelivered or duplicated task a no-op for a portal that is being
crawled or was crawled since the batch was enqueued. A worker's crawl subprocess dies with the worker
(``PR_SET_PDEATHSIG`` in :mod:`scheduler.runcrawl`), so a killed worker leaves no crawl running behind it.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from celery import Celery

from archive.db import get_engine
from archive.types import utcnow
from crawler.registry import load_registry
from scheduler.cadence import Due
from scheduler.config import ScheduleConfig
from scheduler.jobs import DueReport, crawl_batch, policy_for
from scheduler.lock import LeaseManager, make_owner
from scheduler.stop import STOP

log = logging.getLogger("fazhi.scheduler.queue")
TASK = "fazhi.crawl_batch"


def celery_app(config: ScheduleConfig, overrides: dict[str, Any] | None = None) -> Celery:
    """The Celery application for ``config.queue`` (the broker URL); no result backend is needed.

    ``overrides`` are this worker's own settings (e.g. its database URL) applied over those each task
    carries from the scheduler."""
    app = Celery("fazhi", broker=config.queue, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=config.queue_name,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # an idle worker looks for batches whose worker died each time it polls (a cheap sorted-set range)
        broker_transport_options={
            "visibility_timeout": config.queue_visibility,
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )

    @app.task(name=TASK)
    def crawl(config: dict[str, Any], due: list[dict[str, Any]], since: str, retry_only: bool) -> dict:
        return run_batch({**config, **(overrides or {})}, due, since, retry_only)

    return app


def enqueue(config: ScheduleConfig, batch: list[Due], *, since: datetime, retry_only: bool) -> None:
    """Hand one batch to the workers."""
    payload = [asdict(d) for d in batch]
    celery_app(config).send_task(TASK, args=[config.to_dict(), payload, since.isoformat(), retry_only])
    log.info("enqueued %s", ", ".join(d.portal_id for d in batch))


def run_batch(config: dict[str, Any], due: list[dict[str, Any]], since: str, retry_only: bool) -> dict:
    """The task: crawl one batch under its leases, exactly as ``fazhi schedule`` would, in this worker."""
    settings = ScheduleConfig.from_dict(config)
    report = DueReport(started_at=datetime.fromisoformat(since))
    engine = get_engine(settings.db_url)
    try:
        portals = {p.id: p for p in load_registry(settings.registry)}
        batch = [Due(**d) for d in due if d["portal_id"] in portals]
        leases = LeaseManager(engine, make_owner(), timedelta(seconds=settings.lease_ttl))
        crawl_batch(
            engine, settings, batch, portals, leases, report, policy_for(settings), utcnow, STOP, retry_only
        )
    finally:
        engine.dispose()
    return report.to_json()


def run_worker(
    config: ScheduleConfig, *, overrides: dict[str, Any] | None = None, name: str | None = None
) -> None:
    """Take batches from the queue until stopped (Ctrl-C / SIGTERM: Celery's warm shutdown)."""
    app = celery_app(config, overrides)
    node = name or f"fazhi@{socket.gethostname()}"
    app.worker_main(
        [
            "worker",
            "--pool=solo",  # one batch at a time; its crawl subprocess uses the cores
            "--loglevel=INFO",
            f"--hostname={node}",
            "--without-gossip",
            "--without-mingle",
            f"--queues={config.queue_name}",
        ]
    )
