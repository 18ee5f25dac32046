"""The JSON API under ``/api``: the same read models as the pages, described by ``/openapi.json``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import Field
from sqlmodel import Session

from archive.coverage import coverage as coverage_matrix
from archive.export import FORMATS, iter_records
from archive.queries import YEAR_MAX, YEAR_MIN
from archive.records import as_utc, feed_records, history_record
from archive.search import search as search_archive
from fazhi.web import views
from fazhi.web.deps import SessionDep
from fazhi.web.params import DocumentId, FromSeq, GroupId, Seq, ToSeq, Year
from fazhi.web.schemas import (
    CoverageOut,
    DiffOut,
    DocumentDetail,
    FeedItem,
    GroupOut,
    HistoryOut,
    PortalOut,
    SearchResults,
    VersionOut,
)

router = APIRouter(prefix="/api", tags=["archive"])

Level = Literal["province", "city", "county", "township", "department"]
Status = Literal["live", "missing", "gone"]
Kind = Literal["report", "other"]


@router.get("/search", response_model=SearchResults)
def api_search(
    session: SessionDep,
    q: Annotated[str, Query(description="Words to find; several words must all occur.")],
    year: Year | None = None,
    region: Annotated[
        str | None, Query(description="Portal region prefix (上海市 finds 上海市静安区)")
    ] = None,
    level: Level | None = None,
    portal: str | None = None,
    status: Status | None = None,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict:
    """Full-text search over the latest version of every document, best first."""
    hits = search_archive(
        session,
        q,
        year=year,
        region=region,
        level=level,
        portal=portal,
        status=status,
        kind=kind,
        limit=limit,
    )
    return {"query": q, "count": len(hits), "hits": [h.to_dict() for h in hits]}


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def api_document(document_id: DocumentId, session: SessionDep) -> dict:
    """A document: metadata, the latest version's text, every version, its events and its report group."""
    return views.document_page(session, document_id)


@router.get("/documents/{document_id}/versions", response_model=list[VersionOut])
def api_versions(document_id: DocumentId, session: SessionDep) -> list[dict]:
    """Every stored version of a document, oldest first (without text)."""
    return views.document_page(session, document_id)["versions"]


@router.get("/documents/{document_id}/history", response_model=HistoryOut)
def api_history(document_id: DocumentId, session: SessionDep) -> dict:
    """Every stored version (without text) and every change event: the record of ``fazhi history --json``."""
    return history_record(session, views.get_document(session, document_id))


@router.get("/documents/{document_id}/versions/{seq}", response_model=VersionOut)
def api_version(document_id: DocumentId, seq: Seq, session: SessionDep) -> dict:
    """One version of a document, with its normalized text."""
    return views.document_page(session, document_id, seq)["version"]


@router.get("/documents/{document_id}/diff", response_model=DiffOut)
def api_diff(
    document_id: DocumentId,
    session: SessionDep,
    from_: FromSeq = None,
    to: ToSeq = None,
) -> dict:
    """What changed between two versions: aligned sentence blocks with character-level segments."""
    return views.diff_page(session, document_id, from_, to)


@router.get("/groups/{group_id}", response_model=GroupOut)
def api_group(group_id: GroupId, session: SessionDep) -> dict:
    """A report group: every URL (document) that carries the same report."""
    return views.get_group(session, group_id)


@router.get("/changes", response_model=list[FeedItem])
def api_changes(
    session: SessionDep,
    since: Annotated[datetime | None, Query(description="Only events at or after this time")] = None,
    kind: Annotated[
        list[str] | None, Query(description="new, changed, missing, gone, returned, moved")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    rank: Annotated[
        Literal["time", "significance"],
        Query(description="time: newest first; significance: the edits that changed most first"),
    ] = "time",
) -> list[dict]:
    """The change feed, newest first or most significant first."""
    if since is not None:
        try:
            since = as_utc(since)
        except ValueError as exc:  # beyond what UTC can hold
            raise HTTPException(422, str(exc)) from None
    return feed_records(session, since=since, kinds=kind or (), limit=limit, rank=rank)


@router.get("/v/{citation}", response_model=VersionOut)
def api_citation(citation: str, session: SessionDep) -> dict:
    """The version a citation id names, with its text (``document`` and ``seq`` locate it)."""
    document_id, seq = views.resolve_citation(session, citation)
    return views.document_page(session, document_id, seq)["version"]


@router.get("/coverage", response_model=CoverageOut)
def api_coverage(
    session: SessionDep,
    year: Annotated[
        list[Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]] | None,
        Query(description="Years to show (default: all in the archive)"),
    ] = None,
    mirrors: bool = False,
    today: Annotated[date | None, Query(description="Judge deadlines as of this day")] = None,
) -> dict:
    """Portal × year matrix: on time (by 31 March of the next year), late, undated, missing, not due."""
    return coverage_matrix(
        session, years=year, include_mirrors=mirrors, today=today, compliance=True
    ).to_dict()


@router.get("/portals", response_model=list[PortalOut])
def api_portals(session: SessionDep) -> list[dict]:
    """Every portal with its document and report counts."""
    return views.portals(session)


EXPORT_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
}


@router.get("/export", response_class=StreamingResponse, responses={200: {"content": {"text/plain": {}}}})
def api_export(
    request: Request,
    format: Literal["jsonl", "csv", "markdown"] = "jsonl",  # noqa: A002 - the public parameter name
    all: bool = False,  # noqa: A002 - mirrors `fazhi export --all`
) -> StreamingResponse:
    """One record per document (reports only unless ``all``), streamed as JSONL, CSV or Markdown."""
    chunks = _export_chunks(request.app.state.engine, format, all)
    ext = "md" if format == "markdown" else format
    return StreamingResponse(
        chunks,
        media_type=EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="fazhi.{ext}"'},
    )


def _export_chunks(engine, fmt: str, include_all: bool) -> Iterator[str]:
    """Stream an export; the session lives as long as the response body is being sent."""
    with Session(engine) as session:
        yield from FORMATS[fmt](iter_records(session, all=include_all))
