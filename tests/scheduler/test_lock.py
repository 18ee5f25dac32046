"""Portal leases on SQLite and PostgreSQL: one holder at a time, expiry, dead holders, races."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

from sqlalchemy import Engine, func, select

from archive.scheduling import SchedulerLease
from archive.types import utcnow
from scheduler.lock import Heartbeat, LeaseManager, make_owner


def test_one_holder_at_a_time(engine: Engine) -> None:
    a, b = LeaseManager(engine, "host-a:1:x"), LeaseManager(engine, "host-b:1:y")
    got = a.acquire("portal:alpha")
    assert got is not None
    assert b.acquire("portal:alpha") is None
    assert a.acquire("portal:alpha") is None  # not re-entrant either: one crawl per lease
    a.release([got])
    assert b.acquire("portal:alpha") is not None


def test_expired_lease_is_taken_over_with_its_run(engine: Engine) -> None:
    now = utcnow()
    dead = LeaseManager(engine, "elsewhere:1:x", ttl=timedelta(minutes=10))
    held = dead.acquire("portal:alpha", now=now)
    dead.attach_run([held], 42)
    other = LeaseManager(engine, "elsewhere:2:y", ttl=timedelta(minutes=10))
    assert other.acquire("portal:alpha", now=now + timedelta(minutes=9)) is None
    taken = other.acquire("portal:alpha", now=now + timedelta(minutes=11))
    assert taken is not None and taken.stale_run_id == 42
    assert dead.renew([held]) == 0  # the old holder finds out it lost the lease


def test_lease_of_a_dead_process_on_this_host_is_free(engine: Engine) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_owner = make_owner().split(":")[0] + f":{int(proc.stdout)}:zz"
    assert LeaseManager(engine, dead_owner).acquire("portal:beta") is not None
    assert LeaseManager(engine).acquire("portal:beta") is not None


def test_heartbeat_keeps_the_lease(engine: Engine) -> None:
    manager = LeaseManager(engine, ttl=timedelta(seconds=0.3))
    held = manager.acquire("portal:gamma")
    with Heartbeat(manager, [held]):
        threading.Event().wait(0.8)
        assert LeaseManager(engine).acquire("portal:gamma") is None
    manager.release([held])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SchedulerLease.__table__)).scalar() == 0


def test_racing_schedulers_get_each_lease_once(engine: Engine) -> None:
    names = [f"portal:p{i}" for i in range(5)]
    wins: list[list[str]] = []
    barrier = threading.Barrier(4)

    def contend() -> None:
        manager = LeaseManager(engine)
        barrier.wait()
        wins.append([got.name for got in manager.acquire_many(names)])

    threads = [threading.Thread(target=contend) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(name for won in wins for name in won) == names
