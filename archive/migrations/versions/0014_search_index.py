"""Search index on SQLite: bigram FTS5 over each document's latest version, keyed in rank order.

Replaces the trigram ``version_fts`` (which indexed every version, and whose posting lists for 10,000-character
reports made rare terms slower than a scan: issue 15) with :mod:`archive.search_index`'s ``search_index``,
rebuilt here from the existing versions. PostgreSQL keeps its pg_trgm indexes: nothing to do there.

Revision ID: 0014_search_index
Revises: 0013_text_method
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from archive import search_index

revision = "0014_search_index"
down_revision = "0013_text_method"
branch_labels = None
depends_on = None

TRIGRAM = [
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
    "INSERT INTO version_fts(version_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("version_fts_ai", "version_fts_ad", "version_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS version_fts")
    op.execute(search_index.CREATE)
    search_index.rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TABLE IF EXISTS {search_index.TABLE}")
    for statement in TRIGRAM:
        op.execute(statement)
