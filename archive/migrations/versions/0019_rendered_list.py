"""``rendered_list``: a script-built list page's shell validators and data requests at its last rendering, so a
later crawl confirms the list unchanged with plain GETs instead of rendering it again (issue 16).

Revision ID: 0019_rendered_list
Revises: 0018_search_automerge
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_rendered_list"
down_revision = "0018_search_automerge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rendered_list",
        sa.Column("portal_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.Column("render_data", sa.JSON(), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("portal_id", "url", name="pk_rendered_list"),
    )


def downgrade() -> None:
    op.drop_table("rendered_list")
