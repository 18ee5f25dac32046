"""Discovered report columns (with the evidence path from the home page) and discovery attempts.

Revision ID: 0003_discovery
Revises: 0015_reading (those landed first; the chain stays linear)
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_discovery"
down_revision = "0015_reading"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "discovered_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("found_at", TS, nullable=False),
        sa.Column("checked_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_discovered_column"),
        sa.UniqueConstraint("portal_id", "url", name="uq_discovered_column_portal_url"),
    )
    op.create_index("ix_discovered_column_portal_id", "discovered_column", ["portal_id"])
    op.create_table(
        "discovery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("tried", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_discovery_attempt"),
    )
    op.create_index("ix_discovery_attempt_portal_id", "discovery_attempt", ["portal_id"])


def downgrade() -> None:
    op.drop_index("ix_discovery_attempt_portal_id", table_name="discovery_attempt")
    op.drop_table("discovery_attempt")
    op.drop_index("ix_discovered_column_portal_id", table_name="discovered_column")
    op.drop_table("discovered_column")
