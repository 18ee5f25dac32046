"""Search index: the ``ascii`` tokenizer and a column of each document's distinct characters for
one-character queries, instead of ``unicode61`` and a one-character prefix index (issue 15).

Indexing a realistic report cost 5.2 ms of CPU before and 2.5 ms after (transactions of 32, bench/README.md),
and the index is a quarter smaller. The table is rebuilt from each document's latest version, as in
0014: about 6 ms a document. PostgreSQL has no such index: nothing to do there.

Revision ID: 0020_search_chars
Revises: 0019_rendered_list
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from archive import search_index
from archive.segment import segment

revision = "0020_search_chars"
down_revision = "0019_rendered_list"
branch_labels = None
depends_on = None

BEFORE = (
    f"CREATE VIRTUAL TABLE {search_index.TABLE} USING fts5(title, body, content='', detail=full, prefix='1', "
    "tokenize='unicode61 remove_diacritics 0')"
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    op.execute(f"DROP TABLE IF EXISTS {search_index.TABLE}")
    op.execute(search_index.CREATE)
    search_index.set_merge_policy(conn, 16, 16)  # 0018's settings; 0021 changes them
    search_index.rebuild(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    op.execute(f"DROP TABLE IF EXISTS {search_index.TABLE}")
    op.execute(BEFORE)
    search_index.set_merge_policy(conn, 16, 16)  # 0018's settings; 0021 changes them
    insert = text(f"INSERT INTO {search_index.TABLE}(rowid, title, body) VALUES (:key, :title, :body)")
    after = 0
    while rows := conn.execute(search_index.LATEST, {"after": after, "n": 1_000}).all():
        conn.execute(
            insert,
            [
                {
                    "key": search_index.rank_key(kind, year, doc_id),
                    "title": segment(title),
                    "body": segment(body),
                }
                for doc_id, kind, year, title, body in rows
            ],
        )
        after = rows[-1][0]
    search_index.optimize(conn)
