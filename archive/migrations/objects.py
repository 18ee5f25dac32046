"""Search-index objects that live outside SQLModel.metadata (FTS5 tables, pg_trgm indexes).

Alembic autogenerate and the schema drift test must ignore them rather than propose dropping them.
"""

from __future__ import annotations

FTS_TABLES = ("version_fts", "search_index")
TRGM_INDEXES = ("ix_version_text_trgm", "ix_version_title_trgm")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: skip the FTS5 virtual table, its shadow tables and the trigram indexes."""
    if type_ == "table" and name and name.startswith(FTS_TABLES):
        return False
    return not (type_ == "index" and name in TRGM_INDEXES)
