"""APScheduler with its real SQLAlchemyJobStore in the archive database: restarts, catch-up, --once."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from sqlalchemy import Engine, select

from archive.db import create_db_engine, session_scope
from archive.models import CrawlRun
from scheduler import jobs, service
from scheduler.jobs import run_due
from scheduler.service import (
    NIGHTLY_JOB_ID,
    RETRY_JOB_ID,
    StoreWriter,
    build_scheduler,
    install_jobs,
    run_once,
    run_service,
)
from scheduler.service import stored_next_run_time as _stored
from scheduler.stop import StopSignal
from tests.scheduler.conftest import PORTALS, crawled, make_config


def stored(url: str, job_id: str = NIGHTLY_JOB_ID):
    engine = create_db_engine(url)
    try:
        return _stored(engine, job_id)
    finally:
        engine.dispose()


def cron_at(moment: datetime, tz) -> str:
    local = moment.astimezone(tz)
    return f"{local.minute} {local.hour} * * *"


def first_start(config, next_run_time: datetime) -> None:
    """A scheduler that set the schedule up, then died before ``next_run_time`` came."""
    scheduler = build_scheduler(config, StoreWriter)
    install_jobs(scheduler, config)
    scheduler.start()
    scheduler.modify_job(NIGHTLY_JOB_ID, next_run_time=next_run_time)
    scheduler.shutdown(wait=False)


def restart(config, wait: float = 3.0) -> tuple[list[str], list[datetime]]:
    """A new scheduler on the same store; returns its events for the nightly job and the run times it ran."""
    events: list[str] = []
    ran: list[datetime] = []
    scheduler = build_scheduler(config)
    install_jobs(scheduler, config)

    def listen(event) -> None:
        if event.job_id == NIGHTLY_JOB_ID:
            events.append("missed" if event.code == EVENT_JOB_MISSED else "executed")
            ran.append(event.scheduled_run_time)

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    scheduler.start()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not events:
        time.sleep(0.05)
    time.sleep(0.5)  # would a second (uncoalesced) run follow?
    scheduler.shutdown(wait=True)
    return events, ran


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Counts nightly passes instead of crawling (the job is looked up by reference, so this replaces it)."""
    calls: list[dict] = []
    monkeypatch.setattr(jobs, "run_due", lambda config, **kw: calls.append(kw))
    return calls


def test_after_missed_nights_a_restart_runs_exactly_one_catch_up(
    db_url: str, tmp_path: Path, registry: Path, passes: list
) -> None:
    now = datetime.now(UTC)
    config = make_config(
        db_url,
        registry,
        tmp_path,
        cron=cron_at(now - timedelta(hours=1), make_config(db_url, registry, tmp_path).tzinfo),
        misfire_grace_time=6 * 3600,
    )
    three_nights_ago = now - timedelta(days=3, hours=1)
    first_start(config, three_nights_ago)
    events, ran = restart(config)
    assert events == ["executed"] and len(passes) == 1  # 3 missed nights + tonight's slot: one run
    assert timedelta(minutes=59) < now - ran[0] < timedelta(minutes=62)  # the latest missed slot
    assert stored(db_url) > datetime.now(UTC) + timedelta(hours=22)  # tomorrow's slot, not another catch-up
    # a further restart has nothing to catch up
    assert restart(config, wait=1.0)[0] == [] and len(passes) == 1


def test_missed_run_beyond_the_grace_time_is_skipped(
    db_url: str, tmp_path: Path, registry: Path, passes: list
) -> None:
    now = datetime.now(UTC)
    tz = make_config(db_url, registry, tmp_path).tzinfo
    config = make_config(
        db_url, registry, tmp_path, cron=cron_at(now - timedelta(hours=2), tz), misfire_grace_time=3600
    )
    first_start(config, now - timedelta(days=1, hours=2))
    events, _ = restart(config)
    assert events == ["missed"] and passes == []
    assert stored(db_url) > datetime.now(UTC)


def test_restart_with_nothing_missed_keeps_the_schedule(
    sqlite_url: str, tmp_path: Path, registry: Path
) -> None:
    config = make_config(sqlite_url, registry, tmp_path)
    first_start(config, datetime.now(UTC) + timedelta(hours=5))
    scheduler = build_scheduler(config, StoreWriter)
    install_jobs(scheduler, replace(config, cron="30 3 * * *"))  # a changed setting takes effect
    scheduler.start()
    job = scheduler.get_job(NIGHTLY_JOB_ID)
    assert (job.next_run_time.hour, job.next_run_time.minute) == (3, 30)
    assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == config.misfire_grace_time
    assert {j.id for j in scheduler.get_jobs()} == {NIGHTLY_JOB_ID, RETRY_JOB_ID}
    scheduler.shutdown(wait=False)


def test_two_services_on_one_database_crawl_once(
    db_url: str, engine: Engine, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    """Both restart with the same missed night pending: APScheduler runs it in both; the crawl runs once."""
    monkeypatch.setenv("FAKE_CRAWL_SLEEP", "0.5")
    now = datetime.now(UTC)
    tz = make_config(db_url, registry, tmp_path).tzinfo
    config = make_config(
        db_url, registry, tmp_path, cron=cron_at(now - timedelta(minutes=30), tz), batch_size=1
    )
    first_start(config, now - timedelta(minutes=30))
    schedulers = [build_scheduler(config) for _ in range(2)]
    for scheduler in schedulers:
        install_jobs(scheduler, config)
    for scheduler in schedulers:
        scheduler.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (len(crawled(crawl_log)) >= 3 and jobs.ACTIVE.wait_idle(0)):
        time.sleep(0.1)
    time.sleep(0.5)  # would either start another crawl?
    for scheduler in schedulers:
        scheduler.shutdown(wait=True)
    assert sorted(crawled(crawl_log)) == PORTALS
    with session_scope(engine) as s:
        assert [r.outcome for r in s.exec(select(CrawlRun)).scalars()] == ["ok"] * 3


def test_once_on_an_empty_job_store_crawls_everything_then_only_what_is_due(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path
) -> None:
    config = make_config(sqlite_url, registry, tmp_path)
    assert stored(sqlite_url) is not None and not isinstance(stored(sqlite_url), datetime)  # absent
    first = run_once(config, stop=StopSignal())
    assert [d.reason for d in first.due] == ["forced"] * 3
    assert isinstance(stored(sqlite_url), datetime) and stored(sqlite_url) > datetime.now(UTC)
    assert run_once(config, stop=StopSignal()).due == []  # same day: nothing due
    assert sorted(crawled(crawl_log)) == PORTALS


def test_a_once_that_read_an_empty_job_store_leaves_what_another_once_crawled_since(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    """Two ``--once`` on a new archive: the second reads the job store while the first is crawling, and
    starts its pass after the first has recorded its crawls but not yet its jobs (the race is replayed in
    order here). What the first crawled since the second read the store is not crawled again."""
    config = make_config(sqlite_url, registry, tmp_path)
    other_once = service.has_jobs

    def read_while_the_other_once_crawls(engine: Engine) -> bool:
        empty = not other_once(engine)
        assert run_due(config, force=True, stop=StopSignal()).crawls  # the other --once, start to end
        return not empty

    monkeypatch.setattr(service, "has_jobs", read_while_the_other_once_crawls)
    second = run_once(config, stop=StopSignal())
    assert [d.reason for d in second.due] == ["forced"] * 3
    assert second.crawls == [] and sorted(second.no_longer_due) == PORTALS
    assert sorted(crawled(crawl_log)) == PORTALS  # each portal once


def test_crashing_crawls_do_not_stop_the_service(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    """The missed night runs (and crashes), then the retry job retries each portal alone, all while running."""
    monkeypatch.setenv("FAKE_CRAWL_MODE", "crash")
    now = datetime.now(UTC)
    config = make_config(
        sqlite_url,
        registry,
        tmp_path,
        cron=cron_at(now - timedelta(minutes=5), make_config(sqlite_url, registry, tmp_path).tzinfo),
        retry_interval=1,
        backoff_base=1,
    )
    first_start(config, now - timedelta(minutes=5))
    stop = StopSignal()
    service = threading.Thread(
        target=run_service, args=(config,), kwargs={"stop": stop, "handle_signals": False}
    )
    service.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(crawled(crawl_log)) < 4:
        time.sleep(0.1)
    assert service.is_alive()
    stop.request()
    service.join(30)
    assert not service.is_alive()
    with session_scope(sqlite_engine) as s:
        runs = list(s.exec(select(CrawlRun).order_by(CrawlRun.id)).scalars())
    assert len(runs) >= 2 and {r.outcome for r in runs} == {"failed"}
    assert runs[0].portals == PORTALS and len(runs[1].portals) == 1  # the night's batch, then a lone retry
