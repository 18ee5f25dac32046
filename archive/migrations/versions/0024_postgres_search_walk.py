"""PostgreSQL search: an index in rank order for the walk, and LZ4 for the texts that searches read.

A common term used to cost a recheck of every version that holds it (pg_trgm's estimates led the planner to
a bitmap scan of all matches, then a sort): 0.9–1.3 s at 5,000 realistic reports. :mod:`archive.search` now
walks documents in rank order (``kind DESC, year DESC NULLS LAST, id DESC``, this index) and stops after the
pool it needs. Versions read by searches are decompressed first: LZ4 decompresses them in about half the
time pglz takes (bench/README.md). It applies to texts written from now on; older ones stay pglz until
rewritten. Servers built without LZ4 keep pglz. SQLite: nothing to do (its FTS5 index walks in rank order).

Revision ID: 0024_postgres_search_walk
Revises: 0023_band_key_covering
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from archive.migrations.objects import RANK_INDEX

revision = "0024_postgres_search_walk"
down_revision = "0023_band_key_covering"
branch_labels = None
depends_on = None

COLUMNS = ("text", "title")


def _has_lz4() -> bool:
    values = (
        op.get_bind()
        .execute(text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"))
        .scalar()
    )
    return "lz4" in (values or [])


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {RANK_INDEX} ON document (kind DESC, year DESC NULLS LAST, id DESC)"
    )
    if _has_lz4():
        for column in COLUMNS:
            op.execute(f"ALTER TABLE version ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {RANK_INDEX}")
    if not _has_lz4():
        return
    for column in COLUMNS:
        op.execute(f"ALTER TABLE version ALTER COLUMN {column} SET COMPRESSION default")
