"""HTML pages: home, search, report, version, diff, report group, change feed, coverage matrix."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.alerts import subscription_feed
from archive.coverage import coverage as coverage_matrix
from archive.models import CHANGE_KINDS, DOCUMENT_STATUSES, Subscription
from archive.queries import CHANGE_RANKS
from archive.reading.figures import VOCABULARY
from archive.records import feed_records
from archive.search import search as search_archive
from fazhi.web import reading, views
from fazhi.web.deps import SessionDep, TemplatesDep
from fazhi.web.params import (
    BadValue,
    DocumentId,
    FromSeq,
    GroupId,
    Seq,
    ToSeq,
    opt_datetime,
    opt_int,
    opt_str,
    opt_year,
)

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

LEVELS = ("province", "city", "county", "township", "department")
MAX_LIMIT = 200


def _render(templates: TemplatesDep, request: Request, name: str, context: dict) -> Response:
    """The page; a form value that could not be used (``context["error"]``) makes it a 422."""
    status = 422 if context.get("error") else 200
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/", name="home")
def home(request: Request, session: SessionDep, templates: TemplatesDep) -> Response:
    return _render(
        templates,
        request,
        "home.html",
        {"stats": views.stats(session), "changes": feed_records(session, limit=10)},
    )


@router.get("/search", name="search")
def search_page(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    q: str = "",
    year: str | None = None,
    region: str | None = None,
    level: str | None = None,
    portal: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    limit: str | None = None,
) -> Response:
    filters = {"region": region, "level": level, "portal": portal, "status": status, "kind": kind}
    filters = {name: opt_str(value) for name, value in filters.items()}
    form = {"year": opt_str(year) or "", **{name: value or "" for name, value in filters.items()}}
    error, hits = None, []
    try:
        n = min(max(opt_int(limit, "limit") or 50, 1), MAX_LIMIT)
        year_n = opt_year(year)
        if q.strip():
            hits = search_archive(session, q, year=year_n, limit=n, **filters)
    except BadValue as exc:
        error = str(exc)
    return _render(
        templates,
        request,
        "search.html",
        {
            "q": q,
            "form": form,
            "hits": hits,
            "error": error,
            "levels": LEVELS,
            "statuses": DOCUMENT_STATUSES,
            "portals": views.portal_names(session),
        },
    )


@router.get("/documents/{document_id}", name="document")
def document_page(
    request: Request, document_id: DocumentId, session: SessionDep, templates: TemplatesDep
) -> Response:
    return _render(templates, request, "document.html", {**views.document_page(session, document_id)})


@router.get("/documents/{document_id}/versions/{seq}", name="version")
def version_page(
    request: Request, document_id: DocumentId, seq: Seq, session: SessionDep, templates: TemplatesDep
) -> Response:
    return _render(templates, request, "document.html", {**views.document_page(session, document_id, seq)})


@router.get("/documents/{document_id}/diff", name="diff")
def diff_page(
    request: Request,
    document_id: DocumentId,
    session: SessionDep,
    templates: TemplatesDep,
    from_: FromSeq = None,
    to: ToSeq = None,
) -> Response:
    return _render(templates, request, "diff.html", {**views.diff_page(session, document_id, from_, to)})


@router.get("/groups/{group_id}", name="group")
def group_page(request: Request, group_id: GroupId, session: SessionDep, templates: TemplatesDep) -> Response:
    return _render(templates, request, "group.html", {"group": views.get_group(session, group_id)})


@router.get("/changes", name="changes")
def changes_page(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    since: str | None = None,
    kind: str | None = None,
    limit: str | None = None,
    rank: str | None = None,
) -> Response:
    error, rows = None, []
    order = opt_str(rank) if opt_str(rank) in CHANGE_RANKS else "time"
    try:
        n = min(max(opt_int(limit, "limit") or 100, 1), 1000)
        kinds = [opt_str(kind)] if opt_str(kind) else []
        rows = feed_records(session, since=opt_datetime(since, "since"), kinds=kinds, limit=n, rank=order)
    except BadValue as exc:
        error = str(exc)
    return _render(
        templates,
        request,
        "changes.html",
        {
            "rows": rows,
            "error": error,
            "kinds": CHANGE_KINDS,
            "form": {"since": opt_str(since) or "", "kind": opt_str(kind) or "", "rank": order},
            "ranks": CHANGE_RANKS,
        },
    )


@router.get("/v/{citation}", name="citation")
def citation_page(citation: str, session: SessionDep) -> Response:
    """A citation id resolves to the version page it names."""
    document_id, seq = views.resolve_citation(session, citation)
    return RedirectResponse(f"/documents/{document_id}/versions/{seq}", status_code=303)


@router.get("/subscriptions/{subscription_id}/atom", name="subscription_atom")
def subscription_atom(subscription_id: int, session: SessionDep) -> Response:
    """The events one alert subscription matches, as an Atom feed."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise views.NotFound(f"There is no subscription {subscription_id}.")
    return Response(subscription_feed(session, subscription), media_type="application/atom+xml")


@router.get("/coverage", name="coverage")
def coverage_page(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    year: Annotated[list[str] | None, Query()] = None,
    mirrors: str | None = None,
    region: str | None = None,
) -> Response:
    error, years = None, []
    try:
        years = [y for y in (opt_year(v) for v in year or []) if y is not None]
    except BadValue as exc:
        error = str(exc)
    if opt_str(region):
        from archive.jurisdictions import UnknownRegion, region_coverage

        try:
            cov = region_coverage(session, opt_str(region), year=(years or [None])[-1])
        except UnknownRegion as exc:
            cov, error = None, str(exc)
        return _render(
            templates, request, "coverage_region.html", {"cov": cov, "error": error, "region": region}
        )
    matrix = coverage_matrix(
        session, years=years or None, include_mirrors=bool(opt_str(mirrors)), compliance=True
    )
    return _render(
        templates,
        request,
        "coverage.html",
        {
            "cov": matrix,
            "totals": matrix.totals(),
            "error": error,
            "mirrors": bool(opt_str(mirrors)),
        },
    )


@router.get("/figures", name="figures")
def figures_page(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    name: str = reading.DEFAULT_FIGURE,
    portal: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """A figure over the years for chosen jurisdictions (server-rendered SVG line chart) and its sources."""
    if name not in VOCABULARY:
        raise views.NotFound(f"There is no figure named {name!r}; see the list on this page.")
    return _render(templates, request, "figures.html", reading.figure_chart(session, name, portal or []))
