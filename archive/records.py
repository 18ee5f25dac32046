"""Records: the plain dicts that every reader of the archive gets — CLI ``--json``, the JSON API, the web
pages and the exports. One builder per kind of record, so the same object always reads the same way.

The export record's keys are the public contract (ARCHITECTURE.md); the other records extend it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from archive.groups import members_canonical_first
from archive.models import Change, CrawlRun, Document, Portal, ReportGroup, Version
from archive.queries import change_feed, changes_of, problems_of, versions_of

EXPORT_KEYS = (
    "id",
    "url",
    "portal",
    "kind",
    "title",
    "year",
    "published",
    "publisher",
    "text",
    "report_group",
    "status",
    "versions",
    "first_seen",
    "last_seen",
)


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 text of a date or time, None stays None."""
    return value.isoformat() if value is not None else None


def as_utc(value: datetime) -> datetime:
    """An aware datetime in UTC (naive ones are UTC). Raises ValueError for one that UTC cannot hold."""
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:  # 9999-12-31T23:59-14:00 is beyond what UTC can hold
        raise ValueError(f"{value.isoformat()} is out of range") from None


def parse_iso(text: str) -> datetime:
    """An ISO date or date-time from a user (``--since``, ``?since=``); naive values are UTC.
    Raises ValueError."""
    return as_utc(datetime.fromisoformat(text))


def export_record(document: Document, text: str | None) -> dict:
    """The export record of a document (the contract's keys, in order) with its latest text."""
    return {
        "id": document.id,
        "url": document.url,
        "portal": document.portal_id,
        "kind": document.kind,
        "title": document.title,
        "year": document.year,
        "published": iso(document.published),
        "publisher": document.publisher,
        "text": text,
        "report_group": document.report_group_id,
        "status": document.status,
        "versions": document.versions,
        "first_seen": iso(document.first_seen),
        "last_seen": iso(document.last_seen),
    }


def document_record(session: Session, document: Document) -> dict:
    """A document's metadata: the export keys but ``text``, plus its portal's details and its moves."""
    portal = session.get(Portal, document.portal_id)
    record = export_record(document, None)
    del record["text"]
    return {
        **record,
        "portal_name": portal.name if portal else None,
        "region": portal.region if portal else None,
        "level": portal.level if portal else None,
        "official": portal.official if portal else None,
        "moved_from": document.moved_from,
        "moved_to": document.moved_to,
    }


def version_record(version: Version, *, with_text: bool = False) -> dict:
    """One stored version: when, how big, how similar to the one before (its text only on request)."""
    data = {
        "document": version.document_id,
        "seq": version.seq,
        "fetched_at": iso(version.fetched_at),
        "title": version.title,
        "chars": len(version.text),
        "text_hash": version.text_hash,
        "similarity": version.similarity,
        "chars_added": version.chars_added,
        "chars_removed": version.chars_removed,
        "raw_size": version.raw_size,
        "content_type": version.content_type,
        "citation": version.citation,  # resolves at /v/{citation} (archive/citation.py)
        "origin": version.origin,  # crawl, or reextract: the same capture extracted again
    }
    if with_text:
        data["text"] = version.text
    return data


def change_record(change: Change) -> dict:
    """One change event of a document."""
    return {
        "at": iso(change.at),
        "kind": change.kind,
        "from_version": change.from_version,
        "to_version": change.to_version,
        "summary": change.summary,
        "score": change.score,  # significance rank of an edit, 0 = cosmetic (archive/significance.py)
        "significance": change.significance,
    }


def feed_records(session: Session, **filters: Any) -> list[dict]:
    """The change feed (:func:`~archive.queries.change_feed`'s filters): each event with its document's identity."""
    return [
        {
            **change_record(change),
            "document": document.id,
            "url": document.url,
            "portal": document.portal_id,
            "title": document.title,
            "year": document.year,
            "versions": document.versions,
        }
        for change, document in change_feed(session, **filters)
    ]


def history_record(session: Session, document: Document) -> dict:
    """Every stored version (without texts), every change event and every problem of a document."""
    return {
        "id": document.id,
        "url": document.url,
        "versions": [version_record(v) for v in versions_of(session, document.id)],
        "changes": [change_record(c) for c in changes_of(session, document.id)],
        # fetches that made no version: empty text, a suspected outage held (archive/store.py)
        "problems": [{"at": iso(p.at), "message": p.message} for p in problems_of(session, document.id)],
    }


def group_record(session: Session, group_id: int | None) -> dict | None:
    """A report group and every document (URL) that carries it, canonical first."""
    if group_id is None:
        return None
    group = session.get(ReportGroup, group_id)
    if group is None:
        return None
    rows = session.execute(members_canonical_first(group_id)).all()
    members = [
        {
            "id": d.id,
            "url": d.url,
            "portal": d.portal_id,
            "portal_name": p.name,
            "official": p.official,
            "status": d.status,
            "published": iso(d.published),
            "first_seen": iso(d.first_seen),
            "versions": d.versions,
            "canonical": d.id == group.canonical_document_id,
        }
        for d, p in rows
    ]
    return {
        "id": group.id,
        "title": group.title,
        "jurisdiction": group.jurisdiction,
        "year": group.year,
        "canonical_document": group.canonical_document_id,
        "documents": members,
    }


def run_record(run: CrawlRun) -> dict:
    """One crawl run with its outcome and per-portal counters."""
    return {
        "id": run.id,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "outcome": run.outcome,
        "portals": run.portals,
        "counters": run.counters,
        "registry": run.registry_path,
        "pid": run.pid,
        "host": run.host,
        "alerts": run.alerts,  # digests sent and failed at the end of the run (archive/alerts.py)
    }
