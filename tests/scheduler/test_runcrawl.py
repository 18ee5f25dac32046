"""The crawl subprocess: its exit and its run row reconciled — crash, silence, timeout, stop, kill."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from archive.db import session_scope
from archive.models import CrawlRun
from scheduler.runcrawl import crawl_command, crawl_env, create_run, run_crawl_subprocess
from scheduler.stop import StopSignal
from tests.scheduler.conftest import crawled, make_config


def _row(engine: Engine, run_id: int) -> CrawlRun:
    with session_scope(engine) as s:
        return s.get(CrawlRun, run_id)


def _wait_for(path: Path, text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


def test_the_archive_password_stays_off_the_crawl_command_line(tmp_path: Path, registry: Path) -> None:
    """``ps`` shows every process's arguments to every user: the URL goes in the child's environment."""
    url = "postgresql+psycopg://fazhi:s3cret@127.0.0.1:5432/fazhi"
    config = make_config(url, registry, tmp_path)
    assert not any("s3cret" in arg for arg in crawl_command(config, ["alpha"], 7))
    assert crawl_env(config.db_url)["FAZHI_DB"] == url


def test_command_is_scrapy_crawl_with_run_id(tmp_path: Path, registry: Path) -> None:
    config = make_config(
        "sqlite:///x.db", registry, tmp_path, crawl_command=("python", "-m", "scrapy", "crawl", "reports")
    )
    cmd = crawl_command(config, ["alpha", "beta"], 7)
    assert cmd[:5] == ["python", "-m", "scrapy", "crawl", "reports"]
    assert cmd[5:] == [
        "-a", f"registry={registry.resolve()}", "-a", "portal=alpha,beta", "-s", "FAZHI_RUN_ID=7",
    ]  # fmt: skip
    assert crawl_env(config.db_url)["FAZHI_DB"] == "sqlite:///x.db"


def test_ok_crawl_keeps_its_own_record(
    engine: Engine, db_url: str, tmp_path: Path, registry: Path, crawl_log: Path
) -> None:
    config = make_config(db_url, registry, tmp_path)
    run_id = create_run(engine, ["alpha"], str(registry))
    outcome = run_crawl_subprocess(engine, config, ["alpha"], run_id, stop=StopSignal())
    assert (outcome.outcome, outcome.returncode) == ("ok", 0)
    row = _row(engine, run_id)
    assert row.outcome == "ok" and row.finished_at is not None
    assert row.counters == {"alpha": {"outcome": "ok", "articles": 1}}
    assert crawled(crawl_log) == ["alpha"]


@pytest.mark.parametrize(("mode", "detail"), [("crash", "exit code 3"), ("norecord", "without recording")])
def test_crash_or_silent_exit_is_failed(
    sqlite_engine: Engine,
    sqlite_url: str,
    tmp_path: Path,
    registry: Path,
    crawl_log: Path,
    monkeypatch,
    mode,
    detail,
) -> None:
    monkeypatch.setenv("FAKE_CRAWL_MODE", mode)
    config = make_config(sqlite_url, registry, tmp_path)
    run_id = create_run(sqlite_engine, ["alpha"], str(registry))
    outcome = run_crawl_subprocess(
        sqlite_engine, config, ["alpha"], run_id, stop=StopSignal(), log_path=tmp_path / "run.log"
    )
    assert outcome.outcome == "failed" and detail in outcome.detail
    row = _row(sqlite_engine, run_id)
    assert row.outcome == "failed" and row.finished_at is not None


def test_missing_crawl_program_is_failed(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path
) -> None:
    config = make_config(sqlite_url, registry, tmp_path, crawl_command=(str(tmp_path / "no-such-program"),))
    run_id = create_run(sqlite_engine, ["alpha"], str(registry))
    assert (
        run_crawl_subprocess(sqlite_engine, config, ["alpha"], run_id, stop=StopSignal()).outcome == "failed"
    )
    assert _row(sqlite_engine, run_id).outcome == "failed"


def test_timeout_is_failed(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, registry: Path, crawl_log: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_CRAWL_MODE", "slow")
    config = make_config(sqlite_url, registry, tmp_path, crawl_timeout=1)
    run_id = create_run(sqlite_engine, ["alpha"], str(registry))
    outcome = run_crawl_subprocess(sqlite_engine, config, ["alpha"], run_id, stop=StopSignal())
    assert outcome.outcome == "failed" and "timed out" in outcome.detail
    assert _row(sqlite_engine, run_id).outcome == "failed"


@pytest.mark.parametrize("mode", ["slow", "stubborn"])
def test_stop_forwards_sigterm_and_records_interrupted(
    sqlite_engine: Engine,
    sqlite_url: str,
    tmp_path: Path,
    registry: Path,
    crawl_log: Path,
    monkeypatch,
    mode: str,
) -> None:
    """``slow`` stops on SIGTERM and records itself; ``stubborn`` ignores it and is killed after stop_timeout."""
    monkeypatch.setenv("FAKE_CRAWL_MODE", mode)
    config = make_config(sqlite_url, registry, tmp_path, stop_timeout=1)
    run_id = create_run(sqlite_engine, ["alpha"], str(registry))
    stop = StopSignal()
    threading.Thread(
        target=lambda: (_wait_for(crawl_log, f"ready {run_id}"), stop.request()), daemon=True
    ).start()
    started = time.monotonic()
    outcome = run_crawl_subprocess(sqlite_engine, config, ["alpha"], run_id, stop=stop)
    assert outcome.outcome == "interrupted"
    assert ("killed" in outcome.detail) == (mode == "stubborn")
    assert time.monotonic() - started < 15
    row = _row(sqlite_engine, run_id)
    assert row.outcome == "interrupted" and row.finished_at is not None
    db = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # every "item" transaction is whole: 20 rows each, nothing half-written
    assert db.execute("SELECT COUNT(*) % 20 FROM fake_write").fetchone() == (0,)
    db.close()
