"""Database URL resolution, engines and schema upgrades.

SQLite is the embedded default; it runs in WAL mode with a busy timeout so a crawl (the writer) and
readers (CLI, web UI) can share the file. PostgreSQL goes through psycopg 3. The schema is owned by the
Alembic migrations in ``archive/migrations``; :func:`get_engine` brings any database it meets to ``head``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

DEFAULT_DB_URL = "sqlite:///fazhi.db"
ENV_VAR = "FAZHI_DB"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Arbitrary constant: the key of the PostgreSQL advisory lock that serializes concurrent upgrades.
PG_UPGRADE_LOCK = 0x66617A6869  # "fazhi"


def resolve_db_url(cli_value: str | None = None) -> str:
    """``--db`` if given, else ``$FAZHI_DB``, else ``sqlite:///fazhi.db`` in the working directory."""
    if cli_value:
        return normalize_url(cli_value)
    env = os.environ.get(ENV_VAR)
    if env:
        return normalize_url(env)
    return DEFAULT_DB_URL


def normalize_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _use_wal(cursor) -> None:
    """Put the database file in WAL mode (once: the mode is stored in the file).

    Switching needs the file to itself and does not wait on ``busy_timeout``: a process that opens a fresh
    database while another is migrating it gets "database is locked" at once. So it retries until the
    busy timeout, and a database already in WAL mode is left alone (reading the mode takes no lock).
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def create_db_engine(url: str) -> Engine:
    """An engine configured for the backend, without touching the schema."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict = {
            "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        }
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool  # one shared connection, or each would see its own empty db
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def get_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (resolved like ``--db``) whose schema is at the latest migration."""
    engine = create_db_engine(resolve_db_url(url))
    upgrade(engine)
    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade_with(connection) -> None:
    cfg = _alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def upgrade(engine: Engine) -> None:
    """Run ``alembic upgrade head`` unless the database is already there. Idempotent.

    Two processes may meet a fresh database at once: on PostgreSQL an advisory lock serializes them; on
    SQLite the loser's DDL fails and it waits until the winner has reached ``head``.
    """
    head = head_revision()
    if current_revision(engine) == head:
        return
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_UPGRADE_LOCK})
            try:
                if MigrationContext.configure(conn).get_current_revision() != head:
                    _upgrade_with(conn)
                conn.commit()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_UPGRADE_LOCK})
                conn.commit()
        return
    try:
        with engine.begin() as conn:
            _upgrade_with(conn)
    except DBAPIError:
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if current_revision(engine) == head:
                return
        raise


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
