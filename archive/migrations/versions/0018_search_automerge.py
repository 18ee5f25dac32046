"""Search index: FTS5 ``automerge`` 16 instead of 4, so a report stored alone is rewritten fewer times as
its segment is merged upwards (:data:`archive.search_index.AUTOMERGE`, issue 15). A setting kept in the
table's config: nothing is rebuilt. PostgreSQL has no such index: nothing to do there.

Revision ID: 0018_search_automerge
Revises: 0017_render_data
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from archive import search_index

revision = "0018_search_automerge"
down_revision = "0017_render_data"
branch_labels = None
depends_on = None

FTS5_DEFAULT = 4
FTS5_CRISISMERGE = 16  # FTS5's own default, unchanged by this revision


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.set_merge_policy(op.get_bind(), 16, FTS5_CRISISMERGE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.set_merge_policy(op.get_bind(), FTS5_DEFAULT, FTS5_CRISISMERGE)
