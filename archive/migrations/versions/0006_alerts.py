"""Alerts and citable versions: subscriptions and deliveries, change significance, citation ids,
re-extracted versions, the fetch's status and headers, and each run's alert outcome.

Revision ID: 0006_alerts
Revises: 0002_scheduler
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_alerts"
down_revision = "0002_scheduler"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _backfill_citations() -> None:
    """Give every stored version its citation id (URL + normalized text, as archive.citation computes it)."""
    from archive.citation import citation_id

    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT v.id, d.url, v.text FROM version v JOIN document d ON d.id = v.document_id")
    ).all()
    stmt = sa.text("UPDATE version SET citation = :citation WHERE id = :id")
    for version_id, url, text in rows:
        bind.execute(stmt, {"citation": citation_id(url, text), "id": version_id})


def upgrade() -> None:
    with op.batch_alter_table("version") as batch:
        batch.add_column(sa.Column("citation", sa.String(32), nullable=True))
        batch.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="crawl"))
        batch.add_column(sa.Column("status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    op.create_index("ix_version_citation", "version", ["citation"])
    with op.batch_alter_table("change") as batch:
        batch.add_column(sa.Column("significance", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("alerts", sa.JSON(), nullable=True))
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("portal_id", sa.String(64), nullable=True),
        sa.Column("region", sa.String(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("since_change", sa.Integer(), nullable=False),
        sa.Column("handled_through", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subscription"),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name="fk_delivery_subscription_id_subscription",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["change_id"], ["change.id"], name="fk_delivery_change_id_change", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_delivery"),
        sa.UniqueConstraint("subscription_id", "change_id", name="uq_delivery_subscription_change"),
    )
    _backfill_citations()


def downgrade() -> None:
    op.drop_table("delivery")
    op.drop_table("subscription")
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("alerts")
    with op.batch_alter_table("change") as batch:
        batch.drop_column("score")
        batch.drop_column("significance")
    op.drop_index("ix_version_citation", table_name="version")
    with op.batch_alter_table("version") as batch:
        for column in ("headers", "status", "origin", "citation"):
            batch.drop_column(column)
