"""Portal leases in the archive database, so two schedulers on one database never crawl a portal twice.

A lease is a row per portal (``scheduler_lease``) with an owner, a random token and an expiry. Acquiring is
an INSERT that fails on the primary key when someone holds the row, then a compare-and-swap UPDATE on the
old token when the holder's lease has expired or the holder is a dead process on this host. Each step is
its own short transaction, so this behaves the same on SQLite and PostgreSQL. Holders renew their leases
while the crawl runs (:class:`Heartbeat`) and delete them when done.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from archive.scheduling import SchedulerLease
from archive.types import utcnow

log = logging.getLogger("fazhi.scheduler.lock")
T = SchedulerLease.__table__


def make_owner() -> str:
    """``host:pid:random``: unique per scheduler instance, and says which host and process hold a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_is_dead(owner: str) -> bool:
    """True when ``owner`` is a process on this host that no longer exists (e.g. a killed scheduler)."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def portal_lease(portal_id: str) -> str:
    return f"portal:{portal_id}"


@dataclass(frozen=True)
class Acquired:
    """A lease now held; ``stale_run_id`` is the crawl run of the dead holder we took it from, if any."""

    name: str
    token: str
    stale_run_id: int | None = None


class LeaseManager:
    """Acquire, renew and release leases for one owner."""

    def __init__(self, engine: Engine, owner: str | None = None, ttl: timedelta = timedelta(minutes=10)):
        self.engine = engine
        self.owner = owner or make_owner()
        self.ttl = ttl

    def acquire(self, name: str, *, now: datetime | None = None) -> Acquired | None:
        """Take the lease ``name`` if it is free, expired, or held by a dead process; else None."""
        now = now or utcnow()
        for _ in range(2):  # a second round only when the holder released between our INSERT and SELECT
            token = uuid.uuid4().hex
            values = {"owner": self.owner, "token": token, "acquired_at": now, "expires_at": now + self.ttl}
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(T).values(name=name, run_id=None, **values))
                return Acquired(name, token)
            except IntegrityError:
                pass
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(T.c.owner, T.c.token, T.c.expires_at, T.c.run_id).where(T.c.name == name)
                ).first()
            if row is None:
                continue
            if row.expires_at > now and not _owner_is_dead(row.owner):
                return None
            with self.engine.begin() as conn:
                swapped = conn.execute(
                    update(T).where(T.c.name == name, T.c.token == row.token).values(run_id=None, **values)
                ).rowcount
            if swapped != 1:
                return None  # another scheduler took it over first
            log.warning("took over lease %s from %s (expired or dead)", name, row.owner)
            return Acquired(name, token, stale_run_id=row.run_id)
        return None

    def acquire_many(self, names: Iterable[str], *, now: datetime | None = None) -> list[Acquired]:
        """Every lease among ``names`` we could take (the others are held by someone else)."""
        return [got for name in names if (got := self.acquire(name, now=now)) is not None]

    def attach_run(self, leases: Iterable[Acquired], run_id: int) -> None:
        """Record the crawl run the leases protect (so a successor can close it if we die)."""
        tokens = [lease.token for lease in leases]
        if tokens:
            with self.engine.begin() as conn:
                conn.execute(update(T).where(T.c.token.in_(tokens)).values(run_id=run_id))

    def renew(self, leases: Iterable[Acquired], *, now: datetime | None = None) -> int:
        """Push the expiry of our leases forward; returns how many we still hold."""
        tokens = [lease.token for lease in leases]
        if not tokens:
            return 0
        now = now or utcnow()
        with self.engine.begin() as conn:
            return conn.execute(
                update(T)
                .where(T.c.token.in_(tokens), T.c.owner == self.owner)
                .values(expires_at=now + self.ttl)
            ).rowcount

    def release(self, leases: Iterable[Acquired]) -> None:
        tokens = [lease.token for lease in leases]
        if tokens:
            with self.engine.begin() as conn:
                conn.execute(delete(T).where(T.c.token.in_(tokens), T.c.owner == self.owner))


class Heartbeat:
    """Renews a set of leases every ``ttl / 3`` in a background thread while a crawl runs."""

    def __init__(self, manager: LeaseManager, leases: list[Acquired]) -> None:
        self.manager = manager
        self.leases = leases
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def _run(self) -> None:
        interval = max(self.manager.ttl.total_seconds() / 3, 0.05)
        while not self._stop.wait(interval):
            try:
                held = self.manager.renew(self.leases)
            except Exception:  # a database hiccup must not kill the crawl; the next beat retries
                log.exception("could not renew leases")
                continue
            if held < len(self.leases):
                log.error("lost %d of %d portal leases (expired?)", len(self.leases) - held, len(self.leases))

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
