"""The scheduler's tables: portal leases, per-portal crawl health, and APScheduler's job store.

They live in the archive database (created by the Alembic migration ``0002_scheduler``) so that every
scheduler sharing a database shares the schedule, the locks and the failure history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, Index, LargeBinary, Table, Unicode
from sqlmodel import Field, SQLModel

from archive.types import UTCDateTime

JOBS_TABLE = "apscheduler_jobs"


class SchedulerLease(SQLModel, table=True):
    """A time-limited claim on one portal: while it is held, no other scheduler crawls that portal.

    ``token`` changes with every acquisition, so taking over an expired lease is a compare-and-swap on it.
    ``run_id`` is the crawl the holder is running, so whoever takes over a dead holder's lease can close it.
    """

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=128)
    owner: str = Field(max_length=200)
    token: str = Field(max_length=32)
    acquired_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    run_id: int | None = None


class PortalHealth(SQLModel, table=True):
    """The scheduler's memory of one portal: last attempt, last success, consecutive failures, flag."""

    __tablename__ = "portal_health"

    portal_id: str = Field(primary_key=True, max_length=64)
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consecutive_failures: int = 0
    flagged: bool = False
    last_run_id: int | None = None
    last_outcome: str | None = Field(default=None, max_length=16)


# APScheduler's SQLAlchemyJobStore table, declared here (same columns as apscheduler 3.x) so the migrations
# create it and schema comparisons know it; the job store's own ``create(checkfirst=True)`` then does nothing.
apscheduler_jobs = Table(
    JOBS_TABLE,
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25)),
    Column("job_state", LargeBinary, nullable=False),
    Index("ix_apscheduler_jobs_next_run_time", "next_run_time"),
)
