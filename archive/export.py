"""Export: one record per document (reports only unless ``all``), as JSONL or CSV, streamed.

The JSONL keys are part of the public contract (ARCHITECTURE.md); keep them stable.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select
from sqlmodel import Session

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


def write_jsonl(session: Session, out: TextIO, *, all: bool = False) -> int:  # noqa: A002
    """Write one JSON object per line (UTF-8, not ASCII-escaped); returns the number of records."""
    count = 0
    for record in iter_records(session, all=all):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(session: Session, out: TextIO, *, all: bool = False) -> int:  # noqa: A002
    """Write a CSV with a header row of the export keys; returns the number of records."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_KEYS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in iter_records(session, all=all):
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
        count += 1
    return count


def export(session: Session, out: TextIO, *, format: str = "jsonl", all: bool = False) -> int:  # noqa: A002
    """Export in ``jsonl``, ``csv`` or ``markdown``."""
    if format == "jsonl":
        return write_jsonl(session, out, all=all)
    if format == "markdown":
        from archive.markdown import write_markdown  # markdown builds on this module's records

        return write_markdown(session, out, all=all)
    if format == "csv":
        return write_csv(session, out, all=all)
    raise ValueError(f"unknown export format {format!r}; use jsonl, csv or markdown")
