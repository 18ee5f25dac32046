"""A scheduling pass (run_due) with the stand-in crawl: batching, cadence, retries, leases, two schedulers."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from archive.db import session_scope
from archive.models import CrawlRun
from archive.scheduling import SchedulerLease
from fazhi.cli import app
from scheduler.health import load_states
from scheduler.jobs import run_due
from scheduler.lock import LeaseManager, portal_lease
from scheduler.status import portal_status
from scheduler.stop import StopSignal
from tests.scheduler.conftest import PORTALS, crawled, make_config

SH = ZoneInfo("Asia/Shanghai")


def _runs(engine: Engine) -> list[CrawlRun]:
    with session_scope(engine) as s:
        return list(s.exec(select(CrawlRun).order_by(CrawlRun.id)).scalars())


def test_first_pass_crawls_everything_then_nothing_until_due(
    engine: Engine, db_url: str, tmp_path: Path, registry: Path, crawl_log: Path
) -> None:
    config = make_config(db_url, registry, tmp_path)
    monday = datetime(2025, 6, 2, 2, 5, tzinfo=SH)  # off season: weekly
    first = run_due(config, now=monday, stop=StopSignal())
    assert [(d.portal_id, d.reason) for d in first.due] == [(p, "new") for p in PORTALS]
    assert [c.outcome for c in first.crawls] == ["ok"]  # one crawl for the whole batch
    assert run_due(config, now=monday + timedelta(days=1), stop=StopSignal()).crawls == []
    week_later = run_due(config, now=monday + timedelta(days=7), stop=StopSignal())
    assert [d.portal_id for d in week_later.due] == PORTALS
    assert sorted(crawled(crawl_log)) == sorted(PORTALS * 2)
    with engine.connect() as conn:  # leases are released after every crawl
        assert conn.execute(select(func.count()).select_from(SchedulerLease.__table__)).scalar() == 0


def test_crashing_crawl_is_failed_and_the_pass_goes_on(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_CRAWL_MODE", "crash")
    config = make_config(sqlite_url, registry, tmp_path, batch_size=1)
    report = run_due(config, stop=StopSignal())
    assert [c.outcome for c in report.crawls] == ["failed"] * 3  # each batch ran despite the previous crash
    assert [r.outcome for r in _runs(sqlite_engine)] == ["failed"] * 3
    assert all(r.finished_at is not None for r in _runs(sqlite_engine))
    with session_scope(sqlite_engine) as s:
        assert {p: st.consecutive_failures for p, st in load_states(s).items()} == dict.fromkeys(PORTALS, 1)


def test_failed_portal_is_retried_alone_with_backoff_then_flagged(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_CRAWL_MODE", "fail:beta")
    config = make_config(sqlite_url, registry, tmp_path, backoff_base=3600, flag_after=3)
    t0 = datetime(2025, 3, 10, 2, 0, tzinfo=SH)
    run_due(config, now=t0, stop=StopSignal())
    assert run_due(config, now=t0 + timedelta(minutes=59), retry_only=True, stop=StopSignal()).due == []
    retry = run_due(config, now=t0 + timedelta(hours=1), retry_only=True, stop=StopSignal())
    assert [(c.portals, c.outcome, c.returncode) for c in retry.crawls] == [(["beta"], "failed", 3)]  # alone
    third = run_due(config, now=t0 + timedelta(hours=3), retry_only=True, stop=StopSignal())
    assert third.flagged == ["beta"]
    # flagged: no more early retries; the next night it is crawled with the others again
    assert run_due(config, now=t0 + timedelta(hours=20), retry_only=True, stop=StopSignal()).due == []
    next_night = run_due(config, now=t0 + timedelta(days=1), stop=StopSignal())
    assert sorted(d.portal_id for d in next_night.due) == ["alpha", "beta"]  # gamma is weekly
    monkeypatch.setenv("FAKE_CRAWL_MODE", "ok")
    run_due(config, now=t0 + timedelta(days=2), stop=StopSignal())
    with session_scope(sqlite_engine) as s:
        beta = load_states(s)["beta"]
    assert (beta.flagged, beta.consecutive_failures) == (False, 0)


def test_a_partial_crawl_fails_only_its_bad_portal(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    """Issue 12: the crawl exits 1 (partial) when one portal failed; the others of its batch succeeded."""
    monkeypatch.setenv("FAKE_CRAWL_MODE", "fail:beta")
    t0 = datetime(2025, 3, 10, 2, 0, tzinfo=SH)
    report = run_due(make_config(sqlite_url, registry, tmp_path), now=t0, stop=StopSignal())
    assert [(c.outcome, c.returncode) for c in report.crawls] == [("partial", 1)]
    with session_scope(sqlite_engine) as s:
        states = load_states(s)
    assert states["alpha"].consecutive_failures == 0 and states["alpha"].last_success_at is not None
    assert states["beta"].consecutive_failures == 1 and states["beta"].last_success_at is None


def test_portal_leased_elsewhere_is_skipped(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path
) -> None:
    other = LeaseManager(sqlite_engine, "other-host:1:x")
    held = other.acquire(portal_lease("beta"))
    report = run_due(make_config(sqlite_url, registry, tmp_path), stop=StopSignal())
    assert report.held_elsewhere == ["beta"]
    assert sorted(crawled(crawl_log)) == ["alpha", "gamma"]
    other.release([held])


def test_two_schedulers_at_once_crawl_each_portal_once(
    engine: Engine, db_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    """Both fire at the same moment (forced, as on an empty job store); each portal is crawled once."""
    monkeypatch.setenv("FAKE_CRAWL_SLEEP", "0.5")
    config = make_config(db_url, registry, tmp_path, batch_size=1)
    barrier = threading.Barrier(2)
    reports = []

    def scheduler() -> None:
        barrier.wait()
        reports.append(run_due(config, force=True, stop=StopSignal()))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(crawled(crawl_log)) == PORTALS
    assert sum(len(r.crawls) for r in reports) == 3
    skipped = sorted(p for r in reports for p in r.held_elsewhere + r.no_longer_due)
    assert skipped == PORTALS  # what one crawled, the other saw held or already done
    assert [r.outcome for r in _runs(engine)] == ["ok"] * 3


def test_stop_before_a_batch_starts_nothing(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path
) -> None:
    stop = StopSignal()
    stop.request()
    report = run_due(make_config(sqlite_url, registry, tmp_path), stop=stop)
    assert report.stopped and report.crawls == [] and len(report.due) == 3
    assert _runs(sqlite_engine) == []


def test_status_shows_failures_flags_and_next_due(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_CRAWL_MODE", "fail:beta")
    config = make_config(sqlite_url, registry, tmp_path, flag_after=1)
    t0 = datetime(2025, 6, 2, 2, 0, tzinfo=SH)
    run_due(config, now=t0, stop=StopSignal())
    rows = {r.portal: r for r in portal_status(config, now=t0 + timedelta(hours=1))}
    assert (rows["beta"].consecutive_failures, rows["beta"].flagged) == (1, True)
    assert rows["alpha"].next_due == datetime(2025, 6, 9, tzinfo=SH)  # weekly off season
    result = CliRunner().invoke(
        app,
        ["schedule", "--status", "--json", "--registry", str(registry), "--db", sqlite_url, "--log-file", ""],
    )
    assert result.exit_code == 0, result.output
    assert {r["portal"]: r["flagged"] for r in json.loads(result.stdout)} == {
        "alpha": False,
        "beta": True,
        "gamma": False,
    }
