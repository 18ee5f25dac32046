"""The ``reading`` cache: section structure, required parts and key figures of a version.

Revision ID: 0015_reading
Revises: 0014_search_index
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_reading"
down_revision = "0014_search_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("analyzer", sa.Integer(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["version.id"], name="fk_reading_version_id_version", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("version_id", name="pk_reading"),
    )


def downgrade() -> None:
    op.drop_table("reading")
