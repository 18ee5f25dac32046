"""PostgreSQL search: an index of the characters in each version, for terms of one or two characters.

pg_trgm finds nothing shorter than three characters, so a rare or absent term of one or two characters was a
walk of the whole archive (10–16 s at 100,000 realistic reports, bench/README.md). A GIN index over
``string_to_array(column, NULL)`` (the column's characters; GIN keeps each distinct one once) gives the
versions holding every character of such a term, which :mod:`archive.search` then checks with ``LIKE``.
SQLite: nothing to do (its FTS5 index answers terms of every length).

Revision ID: 0025_postgres_search_characters
Revises: 0024_postgres_search_walk
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from archive.migrations.objects import CHARACTER_INDEXES

revision = "0025_postgres_search_characters"
down_revision = "0024_postgres_search_walk"
branch_labels = None
depends_on = None

#: New entries wait in a GIN index's pending list until it holds this much, and every search reads the whole
#: list: at PostgreSQL's default of 4 MB, an absent character took 180–240 ms instead of 9 ms on 3,000
#: freshly stored reports (bench/README.md).
PENDING_LIST_KB = 256


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column in CHARACTER_INDEXES.items():
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON version USING gin (string_to_array({column}, NULL))"
            f" WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in CHARACTER_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
