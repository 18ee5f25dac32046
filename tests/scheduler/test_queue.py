"""Scale-out: ``fazhi schedule --queue`` fills a Celery queue on Redis, ``fazhi worker``s crawl from it
into one PostgreSQL archive. A worker killed with SIGKILL mid-crawl loses nothing and nothing is crawled
twice (real Redis, real PostgreSQL, real crawls of govsim)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select

from archive.models import CrawlRun, Version
from crawler.settings import LOOPBACK_SETTINGS
from tests.e2e.helpers import fazhi, start_fazhi
from tests.fixtures_db import _postgres_url

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("FAZHI_TEST_REDIS")
    if not url:
        pytest.skip("FAZHI_TEST_REDIS not set: queue tests skipped")
    return url


@pytest.fixture
def pg_url():
    yield from _postgres_url()


def _runs(engine) -> list[CrawlRun]:
    with engine.connect() as conn:
        return list(conn.execute(select(CrawlRun)).all())


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _crawl_children(run_id: int) -> list[int]:
    """Processes whose command line carries this run's id (the crawl subprocess)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if f"FAZHI_RUN_ID={run_id} ".encode() in cmdline + b" ":
                found.append(int(entry.name))
    return found


def test_a_killed_worker_loses_nothing_and_no_portal_is_crawled_twice(
    govsim, tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    plain = [p["id"] for p in govsim.portals if not p.get("gate") and not p.get("js")]
    assert len(plain) >= 4
    govsim.slow_seconds = 0.4  # crawls long enough to be killed in the middle
    for portal in plain:
        govsim.set_fault(portal, "slow")
    registry = yaml.safe_load(govsim.registry_yaml())
    registry["portals"] = [p for p in registry["portals"] if p["id"] in plain]
    path = tmp_path / "govsim.yaml"
    path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    env = {
        "FAZHI_QUEUE": redis_url,
        "FAZHI_QUEUE_NAME": f"fazhi-test-{uuid.uuid4().hex[:8]}",
        "FAZHI_QUEUE_VISIBILITY": "6",
        "FAZHI_SCHEDULE_LEASE_TTL": "6",
        "FAZHI_SCHEDULE_BATCH_SIZE": "1",
        "FAZHI_SCHEDULE_JITTER": "0",
    }
    workers = [
        start_fazhi(
            "worker",
            "--db",
            pg_url,
            "--log-file",
            "",
            f"--name=w{i}@test",
            cwd=tmp_path,
            env=env,
            stdout=(tmp_path / f"w{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for i in (1, 2)
    ]
    engine = create_engine(pg_url)
    try:
        sets = [a for name, value in LOOPBACK_SETTINGS.items() for a in ("--set", f"{name}={value}")]
        queued = fazhi(
            "schedule",
            "--once",
            "--registry",
            str(path),
            "--db",
            pg_url,
            "--log-file",
            "",
            *sets,
            cwd=tmp_path,
            env=env,
        )
        assert queued.returncode == 0, queued.stderr[-3000:]
        assert queued.stdout.count("enqueued for a worker") == len(plain)

        victim = workers[0]
        _wait_until(
            lambda: any(r.outcome == "running" and r.pid == victim.pid for r in _runs(engine)),
            120,
            "worker 1 to start a crawl",
        )
        killed_run = next(r.id for r in _runs(engine) if r.outcome == "running" and r.pid == victim.pid)
        time.sleep(1.0)  # well into the crawl
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)

        def every_portal_done() -> bool:
            done = Counter(p for r in _runs(engine) if r.outcome == "ok" for p in r.portals)
            return all(done[p] >= 1 for p in plain)

        _wait_until(every_portal_done, 240, "every portal to be crawled")
        time.sleep(8)  # a redelivered duplicate, if any, would run now
        runs = _runs(engine)
        done = Counter(p for r in runs if r.outcome == "ok" for p in r.portals)
        assert done == Counter(plain), f"each portal crawled exactly once: {done}"
        killed = next(r for r in runs if r.id == killed_run)
        assert killed.outcome == "interrupted"  # closed by the worker that took its lease over
        assert _crawl_children(killed_run) == []  # its crawl died with it
        assert {r.pid for r in runs if r.outcome == "ok"} <= {w.pid for w in workers}
        with engine.connect() as conn:
            duplicated = conn.execute(
                select(Version.document_id, Version.text_hash)
                .group_by(Version.document_id, Version.text_hash)
                .having(func.count() > 1)
            ).all()
        assert duplicated == []
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
        engine.dispose()
