"""Database URL resolution, engines and schema upgrades.

SQLite is the embedded default; it runs in WAL mode with a busy timeout so a crawl (the writer) and
readers (CLI, web UI) can share the file. PostgreSQL goes through psycopg 3. The schema is owned by the
Alembic migrations in ``archive/migrations``; :func:`get_engine` brings any database it meets to ``head``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

logger = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///fazhi.db"
ENV_VAR = "FAZHI_DB"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: WAL pages written before a commit copies them back into the database file (SQLite's default: 1,000, 4 MB).
#: A checkpoint fsyncs the WAL and the database. A batch of 32 realistic reports writes about 4 MB (at 100k
#: reports, mostly random pages of the LSH key index), so the default checkpointed after almost every batch;
#: every 64 MB, a page dirtied by many batches is copied once and the two fsyncs come every 16 batches or so.
#: The WAL file grows to 64 MB between checkpoints (bench/README.md).
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 16_000
# Arbitrary constant: the key of the PostgreSQL advisory lock that serializes concurrent upgrades.
PG_UPGRADE_LOCK = 0x66617A6869  # "fazhi"


class DatabaseSetupError(ValueError):
    """The archive cannot be used as given (bad URL, missing folder, damaged file, newer schema): one
    sentence a person can act on, no traceback."""


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def resolve_db_url(cli_value: str | None = None) -> str:
    """``--db`` if given, else ``$FAZHI_DB``, else ``sqlite:///fazhi.db`` in the working directory."""
    if cli_value:
        return normalize_url(cli_value)
    env = os.environ.get(ENV_VAR)
    if env:
        return normalize_url(env)
    return DEFAULT_DB_URL


def normalize_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to psycopg 3, the driver we ship; refuse what we cannot open."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseSetupError(
            f"{url!r} is not a database URL (expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
        ) from None
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise DatabaseSetupError(
            f"{parsed.get_backend_name()!r} databases are not supported ({display_url(url)}): use SQLite or "
            "PostgreSQL"
        )
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def display_url(url: str) -> str:
    """The URL as it may be shown or logged: a password is replaced by ``***``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
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
    """An engine for ``url`` (resolved like ``--db``) whose schema is at the latest migration.

    Raises :class:`DatabaseSetupError` with one clear sentence when the archive cannot be opened.
    """
    url = resolve_db_url(url)
    _check_sqlite_folder(url)
    try:
        engine = create_db_engine(url)
    except SQLAlchemyError as exc:  # e.g. a driver that is not installed
        raise DatabaseSetupError(explain(url, exc)) from exc
    try:
        upgrade(engine)
    except DatabaseSetupError:
        engine.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise DatabaseSetupError(explain(url, exc)) from exc
    return engine


def check_writable(engine: Engine, url: str | None = None) -> None:
    """Raise :class:`DatabaseSetupError` when the archive cannot be written (a crawl would fetch pages only to
    lose them): a read-only SQLite file or file system, a read-only PostgreSQL session or replica."""
    try:
        with engine.connect() as conn:  # a write that changes nothing, rolled back
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            conn.rollback()
    except DBAPIError as exc:
        raise DatabaseSetupError(explain(url or engine.url.render_as_string(), exc)) from exc


def _check_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if parsed.database.startswith("file:"):
        return
    folder = Path(parsed.database).expanduser().absolute().parent
    if not folder.is_dir():
        raise DatabaseSetupError(
            f"cannot create the archive {parsed.database}: the folder {folder} does not exist"
        )


def explain(url: str, exc: BaseException) -> str:
    """One sentence for a database that would not open or upgrade."""
    message = (
        str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if str(exc).strip()
        else type(exc).__name__
    )
    shown = display_url(url)
    if "file is not a database" in message or "malformed" in message:
        return f"{shown} is not a usable SQLite archive (the file is damaged or is not a database): {message}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not parsed.database.startswith("file:"):
        folder = Path(parsed.database).expanduser().absolute().parent
        with contextlib.suppress(OSError):
            if shutil.disk_usage(folder).free < 64 * 1024:
                return f"cannot open the archive {shown}: the disk holding {folder} is full ({message})"
    if "readonly" in message or "read-only" in message:
        return f"{shown} is read-only: fazhi needs to write to its archive ({message})"
    return f"cannot open the archive {shown}: {message}"


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


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
    current = current_revision(engine)
    if current == head:
        return
    if current is not None and not _known_revision(current):
        raise DatabaseSetupError(
            f"this archive was written by a newer fazhi (schema revision {current!r}, this fazhi knows up to "
            f"{head!r}); upgrade fazhi to use it"
        )
    if current is not None:  # an archive with data: some upgrades rebuild an index over all of it
        logger.warning(
            "upgrading the archive from schema %s to %s; on a large archive this can take minutes",
            current,
            head,
        )
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_UPGRADE_LOCK})
            try:
                if MigrationContext.configure(conn).get_current_revision() != head:
                    _upgrade_with(conn)
                conn.commit()
            finally:  # after a failed migration the transaction is aborted: end it, or unlocking fails too
                conn.rollback()  # and its error replaces the migration's (the lock is the session's, kept)
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
