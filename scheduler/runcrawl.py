"""Run one crawl in a subprocess and make sure its CrawlRun row ends up telling the truth.

The scheduler creates the run row (``running``) and passes its id to ``scrapy crawl reports`` as
``FAZHI_RUN_ID``; the crawl's RunRecorder closes it with ``ok`` / ``interrupted`` and per-portal counters.
Everything the crawl cannot record itself is recorded here: a crash or non-zero exit (``failed``), a
timeout (``failed``), a stop we asked for that the crawl did not record (``interrupted``).

A stop forwards exactly one SIGTERM (Scrapy then closes the spider with reason ``shutdown``; a second signal
would make it stop uncleanly), waits ``stop_timeout`` seconds, then kills. The child runs in its own
session, so a Ctrl-C in the terminal reaches only the scheduler, which forwards it once.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, update

from archive.db import session_scope
from archive.models import CrawlRun
from archive.runs import this_host
from archive.types import utcnow
from crawler.exitcodes import EXIT_OK, EXIT_SETUP, RUN_EXIT_CODES
from pipelines.lifetime import die_with_parent
from scheduler.config import ScheduleConfig
from scheduler.stop import STOP, StopSignal

log = logging.getLogger("fazhi.scheduler.crawl")


REPO_ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class CrawlOutcome:
    """How one crawl subprocess ended, after reconciling its exit with its run row."""

    run_id: int
    portals: list[str]
    outcome: str  # ok / failed / interrupted
    returncode: int | None
    detail: str = ""
    log_path: Path | None = None


def create_run(engine: Engine, portal_ids: Sequence[str], registry: str) -> int:
    """Open the CrawlRun row (outcome ``running``) the crawl subprocess will close."""
    with session_scope(engine) as session:
        run = CrawlRun(
            started_at=utcnow(),
            outcome="running",
            portals=list(portal_ids),
            counters={},
            registry_path=str(registry),
            pid=os.getpid(),
            host=this_host(),
        )
        session.add(run)
        session.flush()
        return int(run.id)


def close_run(engine: Engine, run_id: int, outcome: str, *, unless: Sequence[str] = ()) -> bool:
    """Set the outcome unless the row already says one of ``unless``; never clobbers the crawl's own record
    of counters. Returns whether the row changed."""
    table = CrawlRun.__table__
    stmt = update(table).where(table.c.id == run_id)
    if unless:
        stmt = stmt.where(table.c.outcome.not_in(list(unless)))
    with engine.begin() as conn:
        return conn.execute(stmt.values(outcome=outcome, finished_at=utcnow())).rowcount == 1


def read_outcome(engine: Engine, run_id: int) -> str | None:
    with session_scope(engine) as session:
        run = session.get(CrawlRun, run_id)
        return run.outcome if run else None


def crawl_command(config: ScheduleConfig, portal_ids: Sequence[str], run_id: int) -> list[str]:
    """``python -m scrapy crawl reports -a registry=… -a portal=a,b -s FAZHI_RUN_ID=…``.

    The archive's URL goes in the child's environment (:func:`crawl_env`), not here: a PostgreSQL password on
    a command line is shown to every user of the machine by ``ps``."""
    cmd = [
        *config.crawl_command,
        "-a",
        f"registry={Path(config.registry).resolve()}",
        "-a",
        f"portal={','.join(portal_ids)}",
        "-s",
        f"FAZHI_RUN_ID={run_id}",
    ]
    for name, value in config.crawl_settings.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def crawl_env(db_url: str) -> dict[str, str]:
    """Our environment with ``FAZHI_DB`` set to the archive, plus what lets ``scrapy crawl`` find the project
    from any working directory."""
    env = {**os.environ, "FAZHI_DB": db_url}
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = f"{REPO_ROOT}{os.pathsep}{path}" if path else str(REPO_ROOT)
    return env


def _wait(proc: subprocess.Popen[bytes], config: ScheduleConfig, stop: StopSignal) -> tuple[int, str]:
    """Wait for the crawl; forward one SIGTERM on a stop or a timeout, kill after ``stop_timeout``."""
    started = time.monotonic()
    term_sent_at: float | None = None
    why = ""
    while True:
        try:
            return proc.wait(timeout=POLL_SECONDS), why
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if term_sent_at is None:
            if stop.requested.is_set():
                why = "stopped"
            elif now - started > config.crawl_timeout:
                why = f"timed out after {config.crawl_timeout}s"
            if why:
                log.warning("crawl pid %d: %s; sending SIGTERM", proc.pid, why)
                proc.send_signal(signal.SIGTERM)  # a no-op if it has just exited
                term_sent_at = now
        elif stop.forced.is_set() or now - term_sent_at > config.stop_timeout:
            log.error("crawl pid %d did not stop within %ss; killing it", proc.pid, config.stop_timeout)
            proc.kill()
            return proc.wait(), why + ", killed"


def run_crawl_subprocess(
    engine: Engine,
    config: ScheduleConfig,
    portal_ids: Sequence[str],
    run_id: int,
    *,
    stop: StopSignal = STOP,
    log_path: Path | None = None,
) -> CrawlOutcome:
    """Run the crawl for ``portal_ids`` as a ``scrapy crawl`` child process under the existing run row
    ``run_id`` and reconcile its outcome (:func:`crawler.runner.run_crawl` crawls in this process instead)."""
    cmd = crawl_command(config, portal_ids, run_id)
    log.info("run %d: crawling %s", run_id, ", ".join(portal_ids))
    log.debug("run %d: %s", run_id, " ".join(cmd))
    out = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        out = log_path.open("ab")
    try:
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out if out else 2,  # never our stdout: ``--once --json`` prints the report there
                stderr=subprocess.STDOUT if out else None,
                env=crawl_env(config.db_url),
                start_new_session=True,
                preexec_fn=die_with_parent,  # one async-signal-safe call, prepared at import
            )
        except OSError as exc:
            close_run(engine, run_id, "failed")
            log.error("run %d: cannot start the crawl (%s): %s", run_id, cmd[0], exc)
            return CrawlOutcome(run_id, list(portal_ids), "failed", None, f"cannot start: {exc}", log_path)
        returncode, why = _wait(proc, config, stop)
    finally:
        if out is not None:
            out.close()
    outcome, detail = _reconcile(engine, run_id, returncode, why)
    level = logging.INFO if outcome == "ok" else logging.WARNING
    log.log(level, "run %d: %s%s (exit %s)", run_id, outcome, f" — {detail}" if detail else "", returncode)
    if outcome == "failed" and log_path is not None:
        _log_tail(log_path, run_id)
    return CrawlOutcome(run_id, list(portal_ids), outcome, returncode, detail, log_path)


def _reconcile(engine: Engine, run_id: int, returncode: int, why: str) -> tuple[str, str]:
    """The final outcome, writing it when the crawl could not (or recorded something untrue)."""
    if why.startswith("stopped"):
        # our stop: interrupted, unless the crawl had in fact finished and recorded "ok" before it came
        close_run(engine, run_id, "interrupted", unless=("interrupted", "ok", "partial"))
        return read_outcome(engine, run_id) or "interrupted", why
    if why:  # timed out
        close_run(engine, run_id, "failed")
        return "failed", why
    recorded = read_outcome(engine, run_id)
    # The crawl's exit code (crawler.runner.EXIT_*) agrees with the outcome it recorded: a partial or failed
    # crawl recorded per-portal outcomes, and a bad portal must not make the good ones of its batch fail.
    if RUN_EXIT_CODES.get(recorded or "") == returncode:
        detail = "" if returncode == EXIT_OK else f"exit code {returncode}"
        return recorded, detail
    if returncode != 0:
        detail = f"exit code {returncode}" if returncode > 0 else f"killed by signal {-returncode}"
        if recorded == "interrupted":  # stopped by someone else (e.g. the init system) and recorded so
            return "interrupted", detail
        if returncode == EXIT_SETUP:
            detail += " (a set-up error: registry, database or settings; see the crawl log)"
        close_run(engine, run_id, "failed")
        return "failed", detail
    if recorded == "running":
        close_run(engine, run_id, "failed", unless=("ok", "partial", "failed", "interrupted"))
        return "failed", "the crawl exited without recording its run"
    return recorded or "failed", ""


def _log_tail(path: Path, run_id: int, lines: int = 15) -> None:
    try:
        tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return
    if tail:
        log.warning("run %d: last lines of %s:\n  %s", run_id, path, "\n  ".join(tail))
