"""Search index: FTS5 ``crisismerge`` 64 instead of its default 16 (equal to ``automerge``), so segment merges
are made a share after every write instead of a whole level in one (a transaction of 19–23 s at 65,000
reports; :data:`archive.search_index.CRISISMERGE`, issue 15). A setting kept in the table's config: nothing
is rebuilt. PostgreSQL has no such index: nothing to do there.

Revision ID: 0021_search_crisismerge
Revises: 0020_search_chars
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from archive import search_index

revision = "0021_search_crisismerge"
down_revision = "0020_search_chars"
branch_labels = None
depends_on = None

FTS5_CRISISMERGE = 16


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.set_merge_policy(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.set_merge_policy(op.get_bind(), search_index.AUTOMERGE, FTS5_CRISISMERGE)
