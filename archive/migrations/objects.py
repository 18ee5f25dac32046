"""Search-index objects that live outside SQLModel.metadata (FTS5 tables, PostgreSQL's pg_trgm, rank and
character indexes).

Alembic autogenerate and the schema drift test must ignore them rather than propose dropping them.
"""

from __future__ import annotations

FTS_TABLES = ("version_fts", "search_index")
TRGM_INDEXES = ("ix_version_text_trgm", "ix_version_title_trgm")
#: PostgreSQL: documents in search's rank order, for the walk that stops after a common term's first matches.
RANK_INDEX = "ix_document_search_rank"
#: PostgreSQL: the characters of each version's text and title (GIN over ``string_to_array(column, NULL)``),
#: for terms of one or two characters, which pg_trgm cannot find.
CHARACTER_INDEXES = {"ix_version_text_chars": "text", "ix_version_title_chars": "title"}
_POSTGRES_SEARCH_INDEXES = {*TRGM_INDEXES, RANK_INDEX, *CHARACTER_INDEXES}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: skip the FTS5 virtual table, its shadow tables and PostgreSQL's search indexes."""
    if type_ == "table" and name and name.startswith(FTS_TABLES):
        return False
    return not (type_ == "index" and name in _POSTGRES_SEARCH_INDEXES)
