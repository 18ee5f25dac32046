"""Read-side queries shared by the crawler (conditional requests), the CLI and the web UI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from archive.models import Change, CrawlRun, Document, Problem, Version

#: The largest id or version number: they are INTEGER columns, and PostgreSQL's is 4 bytes (SQLite's 8).
ID_MAX = 2**31 - 1
#: The years a report may cover, for filters: a typo's year 99999 is an error, not an empty answer.
YEAR_MIN, YEAR_MAX = 1900, 2100


def find_document(session: Session, ref: str | int) -> Document | None:
    """A document by id (digits), by current URL, or by a URL it was moved away from."""
    ref = str(ref).strip()
    if ref.isdigit() and ref.isascii():
        return session.get(Document, int(ref)) if int(ref) <= ID_MAX else None
    document = session.scalars(select(Document).where(Document.url == ref)).first()
    if document is None:
        document = session.scalars(
            select(Document).where(Document.moved_from == ref).order_by(Document.id)
        ).first()
    return document


def versions_of(session: Session, document_id: int) -> Sequence[Version]:
    """All versions of a document, oldest first (raw bytes deferred by the caller's needs)."""
    return session.scalars(
        select(Version).where(Version.document_id == document_id).order_by(Version.seq)
    ).all()


def version_of(session: Session, document_id: int, seq: int) -> Version | None:
    return session.scalars(
        select(Version).where(Version.document_id == document_id, Version.seq == seq)
    ).first()


def changes_of(session: Session, document_id: int) -> Sequence[Change]:
    return session.scalars(
        select(Change).where(Change.document_id == document_id).order_by(Change.at, Change.id)
    ).all()


CHANGE_RANKS = ("time", "significance")


def problems_of(session: Session, document_id: int) -> Sequence[Problem]:
    """Fetches of a document that made no version (empty text, a held suspected outage), oldest first."""
    return session.scalars(
        select(Problem).where(Problem.document_id == document_id).order_by(Problem.at, Problem.id)
    ).all()


def change_feed(
    session: Session,
    *,
    since: datetime | None = None,
    kinds: Sequence[str] = (),
    limit: int | None = None,
    rank: str = "time",
) -> Sequence[tuple[Change, Document]]:
    """Change events with their documents: newest first, or (``rank="significance"``) the edits that
    changed most first (``change.score``; events without a score follow), then newest first."""
    if rank not in CHANGE_RANKS:
        raise ValueError(f"unknown rank {rank!r}; expected one of {', '.join(CHANGE_RANKS)}")
    stmt = select(Change, Document).join(Document, Document.id == Change.document_id)
    if since is not None:
        stmt = stmt.where(Change.at >= since)
    if kinds:
        stmt = stmt.where(Change.kind.in_(list(kinds)))
    if rank == "significance":
        stmt = stmt.order_by(Change.score.is_(None), Change.score.desc())
    stmt = stmt.order_by(Change.at.desc(), Change.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return [(change, document) for change, document in session.execute(stmt)]


def recent_runs(session: Session, *, limit: int = 20) -> Sequence[CrawlRun]:
    return session.scalars(
        select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    ).all()


def latest_captures(session: Session, portal_ids: Sequence[str] = ()) -> list[tuple[int, int]]:
    """(document id, seq) of each document's latest fetched version that kept raw bytes (re-extractions
    keep none), in document order; callers load one capture at a time."""
    stmt = (
        select(Version.document_id, func.max(Version.seq))
        .join(Document, Document.id == Version.document_id)
        .where(Version.origin == "crawl", Version.raw.is_not(None))
        .group_by(Version.document_id)
        .order_by(Version.document_id)
    )
    if portal_ids:
        stmt = stmt.where(Document.portal_id.in_(list(portal_ids)))
    return [(document_id, seq) for document_id, seq in session.execute(stmt)]
