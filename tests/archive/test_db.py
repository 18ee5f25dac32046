"""Database plumbing: URL resolution, SQLite settings, Alembic upgrades (fresh, idempotent, concurrent)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import archive.models  # noqa: F401
import archive.scheduling  # noqa: F401  (migration 0002 creates the scheduler's tables in the same database)
from archive import search_index
from archive.db import create_db_engine, current_revision, get_engine, head_revision, resolve_db_url
from archive.migrations.objects import CHARACTER_INDEXES, RANK_INDEX, include_object

ROOT = Path(__file__).resolve().parents[2]


def test_resolve_db_url_precedence(monkeypatch):
    monkeypatch.delenv("FAZHI_DB", raising=False)
    assert resolve_db_url(None) == "sqlite:///fazhi.db"
    monkeypatch.setenv("FAZHI_DB", "sqlite:////tmp/env.db")
    assert resolve_db_url(None) == "sqlite:////tmp/env.db"
    assert resolve_db_url("sqlite:////tmp/cli.db") == "sqlite:////tmp/cli.db"
    assert resolve_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_default_database_is_created_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("FAZHI_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    engine = get_engine()
    try:
        assert (tmp_path / "fazhi.db").exists()
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_schema_is_at_head_and_upgrade_is_idempotent(engine, db_url):
    assert current_revision(engine) == head_revision()
    again = get_engine(db_url)  # a second meeting changes nothing and does not fail
    assert current_revision(again) == head_revision()
    again.dispose()


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object, "compare_type": True})
        assert compare_metadata(ctx, SQLModel.metadata) == []


def test_search_index_exists(engine):
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'search_index'")).scalar()
            assert "tokenize='ascii'" in sql and "detail=full" in sql and "prefix" not in sql
            config = dict(conn.execute(text("SELECT k, v FROM search_index_config")).all())
            assert (config["automerge"], config["crisismerge"]) == (16, 64)
            assert search_index.CRISISMERGE > search_index.AUTOMERGE  # else levels are merged whole
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 16_000  # 64 MB, not 4
        else:
            names = set(
                conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'version'")).scalars()
            )
            assert {"ix_version_text_trgm", "ix_version_title_trgm", *CHARACTER_INDEXES} <= names
            characters = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_version_text_chars'")
            )
            assert "gin (string_to_array(text, NULL" in characters.scalar_one()
            options = conn.execute(
                text("SELECT reloptions FROM pg_class WHERE relname = 'ix_version_text_chars'")
            )
            # every search reads the pending list whole: kept short
            assert options.scalar_one() == ["gin_pending_list_limit=256"]
            rank = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": RANK_INDEX}
            )
            assert "(kind DESC, year DESC NULLS LAST, id DESC)" in rank.scalar_one()
            compression = conn.execute(
                text(
                    "SELECT attname, attcompression FROM pg_attribute "
                    "WHERE attrelid = 'version'::regclass AND attname IN ('text', 'title')"
                )
            )
            assert dict(compression.all()) == {"text": "l", "title": "l"}  # LZ4 (this server has it)


def test_two_processes_meeting_a_fresh_database_at_once(db_url):
    code = "import sys; from archive.db import get_engine; get_engine(sys.argv[1]).dispose()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db_url], cwd=ROOT, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    engine = create_db_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_a_failed_postgres_upgrade_says_why_and_releases_its_lock(db_url, monkeypatch):
    """A migration that fails (a role that does not own the tables, a full disk) must be reported with its
    own error, not with the "transaction is aborted" of the lock release after it; and the next try proceeds."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the upgrade lock is PostgreSQL's")
    from archive import db

    def failing(connection):
        connection.execute(text("SELECT 1 / 0"))

    monkeypatch.setattr(db, "_upgrade_with", failing)
    with pytest.raises(db.DatabaseSetupError, match="division by zero"):
        get_engine(db_url)
    monkeypatch.undo()
    engine = get_engine(db_url)  # would wait forever for a lock left held
    assert current_revision(engine) == head_revision()
    engine.dispose()
