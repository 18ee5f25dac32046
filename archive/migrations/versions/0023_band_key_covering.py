"""LSH band keys: the key index also holds the document id, so the bucket lookup of every new report reads
the index alone. Before, each of the up to 32 × 65 entries it reads cost a lookup of the table row: 1.0–1.3
ms of CPU a report at 100,000 reports, against 0.5–0.6 with the index covering the query (issue 15,
bench/README.md). Rebuilt in seconds (4.7 s for 3.2 million keys on SQLite).

Revision ID: 0023_band_key_covering
Revises: 0022_band_keys_one_permutation
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0023_band_key_covering"
down_revision = "0022_band_keys_one_permutation"
branch_labels = None
depends_on = None

INDEX = "ix_minhash_band_key"


def upgrade() -> None:
    op.drop_index(INDEX, table_name="minhash_band")
    op.create_index(INDEX, "minhash_band", ["key", "document_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="minhash_band")
    op.create_index(INDEX, "minhash_band", ["key"])
