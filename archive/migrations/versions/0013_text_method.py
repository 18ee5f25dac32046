"""How each version's text was read: ``text_method`` (html extractor, pdf, docx, doc, wps, ofd, ocr:<engine>)
and ``text_confidence`` (OCR's mean score), so OCR text is never taken for a text layer; ``page_urls``
(JSON list) for a text stitched from an article split over pages.

Revision ID: 0013_text_method
Revises: 0012_run_host
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_text_method"
down_revision = "0012_run_host"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("version") as batch:
        batch.add_column(sa.Column("text_method", sa.String(32), nullable=True))
        batch.add_column(sa.Column("text_confidence", sa.Float(), nullable=True))
        batch.add_column(sa.Column("page_urls", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("version") as batch:
        batch.drop_column("page_urls")
        batch.drop_column("text_confidence")
        batch.drop_column("text_method")
