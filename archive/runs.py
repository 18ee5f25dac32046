"""Crawl runs: one row per crawl, opened at start and closed with its outcome and counters."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlmodel import Session, select

from archive.models import RUN_OUTCOMES, CrawlRun
from archive.types import utcnow


def start_run(
    session: Session,
    *,
    portals: Iterable[str] = (),
    registry_path: str | None = None,
    pid: int | None = None,
    now: datetime | None = None,
) -> CrawlRun:
    """Open a run (outcome ``running``); the caller commits so other processes can see it."""
    run = CrawlRun(
        started_at=now or utcnow(),
        outcome="running",
        portals=list(portals),
        counters={},
        registry_path=registry_path,
        pid=os.getpid() if pid is None else pid,
        host=this_host(),
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    *,
    outcome: str,
    counters: Mapping[str, Mapping[str, int]] | None = None,
    now: datetime | None = None,
) -> CrawlRun:
    """Close a run with ``ok`` / ``failed`` / ``interrupted`` and its per-portal counters."""
    if outcome not in RUN_OUTCOMES:
        raise ValueError(f"unknown run outcome {outcome!r}; expected one of {', '.join(RUN_OUTCOMES)}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run with id {run_id}")
    run.outcome = outcome
    run.finished_at = now or utcnow()
    if counters is not None:
        run.counters = {portal: dict(values) for portal, values in counters.items()}
    session.add(run)
    session.flush()
    return run


def this_host() -> str:
    return socket.gethostname()[:255]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def abandoned(run: CrawlRun) -> bool:
    """A ``running`` run whose owning process on this host is gone."""
    return (
        run.outcome == "running" and run.host == this_host() and run.pid is not None and not _alive(run.pid)
    )


def close_abandoned(session: Session, *, now: datetime | None = None) -> list[int]:
    """Runs still ``running`` whose process on this host is gone (killed with -9, crashed, or unable to
    record its end) become ``interrupted``; returns their ids. Runs of other hosts are left to those hosts."""
    closed = []
    for run in session.exec(
        select(CrawlRun).where(CrawlRun.outcome == "running", CrawlRun.host == this_host())
    ):
        if abandoned(run):
            run.outcome = "interrupted"
            run.finished_at = now or utcnow()
            session.add(run)
            closed.append(run.id)
    session.flush()
    return closed
