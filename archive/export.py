"""Export: one record per document (reports only unless ``all``), as JSONL or CSV, streamed.

The JSONL keys are part of the public contract (ARCHITECTURE.md); keep them stable.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from sqlalchemy import select
from sqlmodel import Session

from archive.markdown import iter_markdown
from archive.models import Document, Version
from archive.records import EXPORT_KEYS, export_record

BATCH = 500


def iter_records(session: Session, *, all: bool = False) -> Iterator[dict]:  # noqa: A002 - mirrors --all
    """Export records in id order, fetched in keyset-paginated batches so memory stays flat."""
    last_id = 0
    while True:
        stmt = (
            select(Document, Version.text)
            .outerjoin(Version, (Version.document_id == Document.id) & (Version.seq == Document.versions))
            .where(Document.id > last_id)
            .order_by(Document.id)
            .limit(BATCH)
        )
        if not all:
            stmt = stmt.where(Document.kind == "report")
        rows = session.execute(stmt).all()
        if not rows:
            return
        for document, text in rows:
            yield export_record(document, text)
        last_id = rows[-1][0].id
        session.expunge_all()  # batches are read once; do not let the identity map grow


def jsonl_chunks(records: Iterable[dict]) -> Iterator[str]:
    """One JSON object per line (UTF-8, not ASCII-escaped)."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def csv_chunks(records: Iterable[dict]) -> Iterator[str]:
    """A header row of the export keys, then one row per record (None as an empty cell)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_KEYS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


FORMATS: dict[str, Callable[[Iterable[dict]], Iterator[str]]] = {
    "jsonl": jsonl_chunks,
    "csv": csv_chunks,
    "markdown": iter_markdown,
}


def export(session: Session, out: TextIO, *, format: str = "jsonl", all: bool = False) -> int:  # noqa: A002
    """Write the export in ``jsonl``, ``csv`` or ``markdown``; returns the number of records."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; use {', '.join(FORMATS)}")
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for record in iter_records(session, all=all):
            count += 1
            yield record

    for chunk in FORMATS[format](counted()):
        out.write(chunk)
    return count
