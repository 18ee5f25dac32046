"""The archive's tables as SQLAlchemy Core sees them, and the statements both halves of the write path use.

:mod:`archive.store` and :mod:`archive.groups` write with Core on the session's connection (the ORM's unit of
work cost more than the SQL); a document there is a dict of its row. Statements are built once and executed
with parameters: building them per call cost more than running them.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam, insert, select, update

from archive.models import Change, Document, MinHashBand, Portal, Problem, ReportGroup, Version, VersionPage

DOCUMENT = Document.__table__
VERSION = Version.__table__
VERSION_PAGE = VersionPage.__table__
CHANGE = Change.__table__
PORTAL = Portal.__table__
PROBLEM = Problem.__table__
GROUP = ReportGroup.__table__
BAND = MinHashBand.__table__

#: A document row as the write path handles it: column name -> value.
DocumentRow = dict[str, Any]

_UPDATE_DOCUMENT = update(DOCUMENT).where(DOCUMENT.c.id == bindparam("document_id_"))
_VERSION_TEXT = select(VERSION.c.text).where(
    VERSION.c.document_id == bindparam("document_id"), VERSION.c.seq == bindparam("seq")
)

_VERSION_ENTRY = select(VERSION.c.title, VERSION.c.text).where(
    VERSION.c.document_id == bindparam("document_id"), VERSION.c.seq == bindparam("seq")
)


@functools.cache
def insert_into(table: Table) -> Insert:
    """``insert(table)``, built once per table: SQLAlchemy memoizes a statement's cache key on the statement
    object, so building a fresh one for every row cost more than writing the row (bench/README.md)."""
    return insert(table)


def update_document(conn: Connection, document_id: int, **values: Any) -> None:
    """Write some columns of one document."""
    conn.execute(_UPDATE_DOCUMENT, {"document_id_": document_id, **values})


def version_text(conn: Connection, document_id: int, seq: int) -> str | None:
    """The normalized text of one version of a document."""
    return conn.execute(_VERSION_TEXT, {"document_id": document_id, "seq": seq}).scalar()


def version_entry(conn: Connection, document_id: int, seq: int) -> tuple[str | None, str]:
    """The title and normalized text of one version of a document (what the search index holds)."""
    title, body = conn.execute(_VERSION_ENTRY, {"document_id": document_id, "seq": seq}).one()
    return title, body
