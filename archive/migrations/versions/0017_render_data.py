"""``document.render_data``: a rendered document's data requests (fetch/XHR) with their validators, so a
later crawl revalidates a script-built page with plain conditional GETs instead of rendering it again.

Revision ID: 0017_render_data
Revises: 0016_version_pages
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_render_data"
down_revision = "0016_version_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("render_data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("render_data")
