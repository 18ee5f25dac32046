"""``fazhi schedule`` as users run it: a real process, real signals, the stand-in crawl."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from fazhi.cli import app
from fazhi.cli.schedule import once_exit_code
from scheduler.service import NIGHTLY_JOB_ID, StoreWriter, build_scheduler, install_jobs
from tests.e2e.helpers import start_fazhi
from tests.scheduler.conftest import FAKE_CRAWL, PORTALS, crawled, make_config


def fazhi(args: list[str], tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    """``fazhi …`` (as ``python -m fazhi``) in ``tmp_path``, with the stand-in crawl."""
    stand_in = {
        "FAZHI_CRAWL_COMMAND": f"{sys.executable} {FAKE_CRAWL}",
        "FAZHI_SCHEDULE_JITTER": "0",
        "FAZHI_SCHEDULE_STOP_TIMEOUT": "10",
        **env,
    }
    return start_fazhi(
        *args, cwd=tmp_path, env=stand_in, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for(path: Path, text: str, proc: subprocess.Popen, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"fazhi exited early ({proc.returncode}): {proc.stderr.read()}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"{text!r} never appeared in {path}")


def check_interrupted(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT outcome, finished_at IS NOT NULL FROM crawl_run").fetchall() == [
            ("interrupted", 1)
        ]
        assert conn.execute("SELECT COUNT(*) FROM scheduler_lease").fetchone() == (0,)  # leases released
        assert conn.execute("SELECT COUNT(*) FROM portal_health").fetchone() == (
            0,
        )  # not counted as a failure
        assert conn.execute("SELECT COUNT(*) % 20 FROM fake_write").fetchone() == (
            0,
        )  # whole transactions only
    finally:
        conn.close()


def test_sigterm_during_once_leaves_the_archive_consistent(
    tmp_path: Path, registry: Path, crawl_log: Path
) -> None:
    db = tmp_path / "fazhi.db"
    proc = fazhi(
        ["schedule", "--once", "--registry", str(registry), "--db", f"sqlite:///{db}"],
        tmp_path,
        FAKE_CRAWL_MODE="slow",
    )
    wait_for(crawl_log, "ready", proc)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err  # stopped (README: Exit codes)
    assert "interrupted" in out
    check_interrupted(db)
    assert crawled(crawl_log) == PORTALS  # one crawl was started, no further batch after the stop
    log = (tmp_path / "fazhi-schedule.log").read_text(encoding="utf-8")
    assert "SIGTERM received" in log and "interrupted" in log


def test_sigterm_stops_the_service_cleanly(tmp_path: Path, registry: Path, crawl_log: Path) -> None:
    """The service catches up a missed night on start; SIGTERM mid-crawl ends both cleanly."""
    db = tmp_path / "fazhi.db"
    config = make_config(f"sqlite:///{db}", registry, tmp_path)
    writer = build_scheduler(config, StoreWriter)
    install_jobs(writer, config)
    writer.start()
    writer.modify_job(NIGHTLY_JOB_ID, next_run_time=datetime.now(UTC) - timedelta(minutes=10))
    writer.shutdown()

    proc = fazhi(
        ["schedule", "--registry", str(registry), "--db", f"sqlite:///{db}"], tmp_path, FAKE_CRAWL_MODE="slow"
    )
    wait_for(crawl_log, "ready", proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=40)
    assert proc.returncode == 0, err
    check_interrupted(db)


def test_once_exit_codes_follow_its_crawls() -> None:
    assert once_exit_code(False, []) == 0 and once_exit_code(False, ["ok", "ok"]) == 0
    assert once_exit_code(False, ["ok", "partial"]) == 1 and once_exit_code(False, ["ok", "failed"]) == 1
    assert once_exit_code(False, ["failed", "failed"]) == 3 and once_exit_code(True, ["ok"]) == 130


def test_two_once_processes_crawl_each_portal_once(tmp_path: Path, registry: Path, crawl_log: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fazhi.db'}"
    args = ["schedule", "--once", "--json", "--registry", str(registry), "--db", db, "--log-file", ""]
    procs = [fazhi(args, tmp_path, FAKE_CRAWL_SLEEP="0.5") for _ in range(2)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert sorted(crawled(crawl_log)) == PORTALS
    assert sorted(p for r in reports for c in r["crawls"] for p in c["portals"]) == PORTALS
    assert all(c["outcome"] == "ok" for r in reports for c in r["crawls"])


def test_bad_settings_are_clear_errors(tmp_path: Path, registry: Path) -> None:
    runner = CliRunner()
    bad_cron = runner.invoke(app, ["schedule", "--once", "--registry", str(registry), "--cron", "0 2 * *"])
    assert bad_cron.exit_code == 2 and "bad cron expression" in bad_cron.output
    no_registry = runner.invoke(app, ["schedule", "--once", "--registry", str(tmp_path / "nope.yaml")])
    assert no_registry.exit_code == 2 and "no such registry file" in no_registry.output
