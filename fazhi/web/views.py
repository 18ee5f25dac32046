"""Read models for the web UI and the JSON API: plain dicts built from the archive, shared by both.

Keeping the assembly here means an HTML page and its ``/api`` twin can never disagree about what a report,
a diff or a report group contains. Nothing here escapes anything: the templates (autoescape on) do that.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlmodel import Session

from archive.diff import diff_texts
from archive.models import Change, Document, Portal, Version
from archive.queries import changes_of, version_of, versions_of
from archive.records import (
    change_record,
    document_record,
    group_record,
    version_record,
)
from fazhi.web.reading import document_reading


class NotFound(LookupError):
    """Something the URL names does not exist; the app turns it into a friendly 404."""


def safe_href(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) link, else None: stored URLs come from the internet."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def get_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"There is no document {document_id} in the archive.")
    return document


def get_group(session: Session, group_id: int) -> dict:
    group = group_record(session, group_id)
    if group is None:
        raise NotFound(f"There is no report group {group_id} in the archive.")
    return group


def document_page(session: Session, document_id: int, seq: int | None = None) -> dict:
    """Everything the report page shows: metadata, one version's text, group, versions, events."""
    document = get_document(session, document_id)
    versions = versions_of(session, document.id)
    shown = None
    if seq is None:
        shown = versions[-1] if versions else None
    else:
        shown = next((v for v in versions if v.seq == seq), None)
        if shown is None:
            raise NotFound(f"Document {document_id} has no version {seq} (it has {len(versions)}).")
    return {
        "document": document_record(session, document),
        "href": safe_href(document.url),
        "version": version_record(shown, with_text=True) if shown else None,
        "versions": [version_record(v) for v in versions],
        "changes": [change_record(c) for c in changes_of(session, document.id)],
        "group": group_record(session, document.report_group_id),
        "reading": document_reading(document, shown.id if shown else None, session),
    }


def diff_page(session: Session, document_id: int, from_seq: int | None, to_seq: int | None) -> dict:
    """A diff between two versions of a document (defaults: the latest against the one before)."""
    document = get_document(session, document_id)
    if document.versions == 0:
        raise NotFound(f"Document {document_id} has no stored version.")
    to_n = to_seq if to_seq is not None else document.versions
    from_n = from_seq if from_seq is not None else max(to_n - 1, 1)
    old = version_of(session, document.id, from_n)
    new = version_of(session, document.id, to_n)
    for n, v in ((from_n, old), (to_n, new)):
        if v is None:
            raise NotFound(f"Document {document_id} has no version {n} (it has 1–{document.versions}).")
    result = diff_texts(old.text, new.text)
    return {
        "document": document_record(session, document),
        "from": version_record(old),
        "to": version_record(new),
        **result.summary(),
        "changed": result.changed,
        "blocks": [asdict(b) for b in result.blocks],
        "versions": [v.seq for v in versions_of(session, document.id)],
    }


def resolve_citation(session: Session, citation: str) -> tuple[int, int]:
    """(document id, version seq) of a citation id: its first version with that text."""
    found = session.execute(
        select(Version.document_id, Version.seq)
        .where(Version.citation == citation.strip().lower())
        .order_by(Version.id)
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(f"No version in the archive has the citation id {citation!r}.")
    return found[0], found[1]


def portals(session: Session) -> list[dict]:
    """Every portal with its document and report counts."""
    counts = dict(
        session.execute(select(Document.portal_id, func.count()).group_by(Document.portal_id)).all()
    )
    reports = dict(
        session.execute(
            select(Document.portal_id, func.count())
            .where(Document.kind == "report")
            .group_by(Document.portal_id)
        ).all()
    )
    return [
        {
            "id": p.id,
            "name": p.name,
            "region": p.region,
            "adcode": p.adcode,
            "level": p.level,
            "official": p.official,
            "documents": counts.get(p.id, 0),
            "reports": reports.get(p.id, 0),
        }
        for p in session.scalars(select(Portal).order_by(Portal.id))
    ]


def portal_names(session: Session) -> list[dict]:
    """Portal ids and names only (for the search form's suggestions): no counting."""
    return [
        {"id": pid, "name": name}
        for pid, name in session.execute(select(Portal.id, Portal.name).order_by(Portal.id))
    ]


def stats(session: Session) -> dict[str, int]:
    """Archive totals for the home page."""
    return {
        "portals": session.scalar(select(func.count()).select_from(Portal)) or 0,
        "documents": session.scalar(select(func.count()).select_from(Document)) or 0,
        "reports": session.scalar(select(func.count()).where(Document.kind == "report")) or 0,
        "versions": session.scalar(select(func.count()).select_from(Version)) or 0,
        "changes": session.scalar(select(func.count()).select_from(Change)) or 0,
    }
