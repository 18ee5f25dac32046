"""``version_page``: the raw bytes of every later page of an article split over pages (the version's ``raw``
holds page 1 only), so nothing fetched is lost and a stitched text can be read again from the archive.

Revision ID: 0016_version_pages
Revises: 0003_discovery
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_version_pages"
down_revision = "0003_discovery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "version_page",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_codec", sa.String(16), nullable=False),
        sa.Column("raw_size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["version.id"], name="fk_version_page_version_id_version", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("version_id", "page", name="pk_version_page"),
    )


def downgrade() -> None:
    op.drop_table("version_page")
