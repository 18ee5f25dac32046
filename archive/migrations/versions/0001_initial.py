"""Initial schema: portals, documents, versions, changes, report groups, crawl runs, search index.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

SQLITE_FTS = [
    # External-content FTS5 over every version (title + normalized text); trigram = substring search.
    """CREATE VIRTUAL TABLE version_fts USING fts5(
        title, text, content='version', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER version_fts_ai AFTER INSERT ON version BEGIN
        INSERT INTO version_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER version_fts_ad AFTER DELETE ON version BEGIN
        INSERT INTO version_fts(version_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER version_fts_au AFTER UPDATE OF title, text ON version BEGIN
        INSERT INTO version_fts(version_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO version_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
]

PG_TRGM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_version_text_trgm ON version USING gin (text gin_trgm_ops)",
    "CREATE INDEX ix_version_title_trgm ON version USING gin (title gin_trgm_ops)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "portal",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=True),
        sa.Column("adcode", sa.String(12), nullable=True),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("start_urls", sa.JSON(), nullable=False),
        sa.Column("render", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_portal"),
    )
    op.create_index("ix_portal_region", "portal", ["region"])

    canonical_fk = (
        # SQLite cannot ALTER TABLE ADD CONSTRAINT but accepts forward references at CREATE time.
        [
            sa.ForeignKeyConstraint(
                ["canonical_document_id"],
                ["document.id"],
                ondelete="SET NULL",
                name="fk_report_group_canonical_document_id_document",
            )
        ]
        if dialect == "sqlite"
        else []
    )
    op.create_table(
        "report_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("canonical_document_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_report_group"),
        *canonical_fk,
    )
    op.create_index("ix_report_group_year_jurisdiction", "report_group", ["year", "jurisdiction"])

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("publisher", sa.String(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.Column("report_group_id", sa.Integer(), nullable=True),
        sa.Column("missing_count", sa.Integer(), nullable=False),
        sa.Column("moved_to", sa.String(), nullable=True),
        sa.Column("moved_from", sa.String(), nullable=True),
        sa.Column("versions", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=True),
        sa.Column("text_len", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_document"),
        sa.ForeignKeyConstraint(["portal_id"], ["portal.id"], name="fk_document_portal_id_portal"),
        sa.ForeignKeyConstraint(
            ["report_group_id"], ["report_group.id"], name="fk_document_report_group_id_report_group"
        ),
        sa.UniqueConstraint("url", name="uq_document_url"),
    )
    op.create_index("ix_document_kind_year", "document", ["kind", "year"])
    op.create_index("ix_document_text_hash_year_kind", "document", ["text_hash", "year", "kind"])
    op.create_index("ix_document_portal_status", "document", ["portal_id", "status"])
    op.create_index("ix_document_report_group_id", "document", ["report_group_id"])
    if dialect != "sqlite":
        op.create_foreign_key(
            "fk_report_group_canonical_document_id_document",
            "report_group",
            "document",
            ["canonical_document_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_extracted", sa.Text(), nullable=True),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("raw_codec", sa.String(16), nullable=False),
        sa.Column("raw_size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(), nullable=True),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("chars_added", sa.Integer(), nullable=True),
        sa.Column("chars_removed", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_version"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name="fk_version_document_id_document"),
        sa.UniqueConstraint("document_id", "seq", name="uq_version_document_seq"),
    )

    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=True),
        sa.Column("to_version", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name="fk_change_document_id_document"),
    )
    op.create_index("ix_change_at", "change", ["at"])
    op.create_index("ix_change_document_at", "change", ["document_id", "at"])

    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("portals", sa.JSON(), nullable=False),
        sa.Column("counters", sa.JSON(), nullable=False),
        sa.Column("registry_path", sa.String(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_run"),
    )
    op.create_index("ix_crawl_run_started_at", "crawl_run", ["started_at"])

    op.create_table(
        "minhash_band",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "band", name="pk_minhash_band"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], ondelete="CASCADE", name="fk_minhash_band_document_id_document"
        ),
    )
    op.create_index("ix_minhash_band_key", "minhash_band", ["key"])

    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("portal_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_problem"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name="fk_problem_document_id_document"),
    )
    op.create_index("ix_problem_document_id", "problem", ["document_id"])

    for statement in SQLITE_FTS if dialect == "sqlite" else PG_TRGM:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("version_fts_ai", "version_fts_ad", "version_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS version_fts")
    else:
        op.drop_constraint(
            "fk_report_group_canonical_document_id_document", "report_group", type_="foreignkey"
        )
    for table in (
        "problem",
        "minhash_band",
        "crawl_run",
        "change",
        "version",
        "document",
        "report_group",
        "portal",
    ):
        op.drop_table(table)
