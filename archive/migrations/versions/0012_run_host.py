"""Crawl runs record the host beside the pid, so a run whose process is gone (kill -9, a crash, a full disk
that kept the crawl from closing its run) can be recognised and recorded as ``interrupted``.

Revision ID: 0012_run_host
Revises: 0006_alerts
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_run_host"
down_revision = "0006_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("host", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("host")
