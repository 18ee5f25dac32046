"""Search index: FTS5 ``hashsize`` 8 MiB instead of its default 1 MiB, so a store transaction of 32 reports is
written as one segment instead of about four, each with its merging (:data:`archive.search_index.HASHSIZE`,
issue 15). A setting kept in the table's config: nothing is rebuilt. PostgreSQL has no such index.

Revision ID: 0023_search_hashsize
Revises: 0022_band_keys_one_permutation
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from archive import search_index

revision = "0023_search_hashsize"
down_revision = "0022_band_keys_one_permutation"
branch_labels = None
depends_on = None

FTS5_HASHSIZE = 1024 * 1024


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.set_hashsize(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.set_hashsize(op.get_bind(), FTS5_HASHSIZE)
