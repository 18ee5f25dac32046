"""Full-text search over the latest version of every document, Chinese-aware, same answers on both backends.

SQLite: an FTS5 ``trigram`` index (``version_fts``) answers terms of ≥ 3 characters; trigram cannot match
anything shorter (and a short LIKE on the FTS table silently returns nothing), so 1–2-character terms
are a LIKE on the content table. PostgreSQL: ``ILIKE`` backed by pg_trgm GIN indexes. Multi-term queries
AND their (whitespace-separated) terms. Results are ordered reports first, then by number of occurrences
of the terms (title + text), then year (newest first), then document id — computed by the same SQL
expressions on both backends, so the order is identical.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Integer, case, cast, func, literal_column, or_, select, table, text
from sqlmodel import Session

from archive.models import Document, Portal, Version

SNIPPET_CHARS = 80
MIN_FTS_CHARS = 3


@dataclass
class Hit:
    """One matching document; ``highlights`` are (start, end) character spans of the terms in ``snippet``."""

    id: int
    url: str
    title: str | None
    portal: str
    kind: str
    year: int | None
    status: str
    published: date | None
    report_group: int | None
    matches: int
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["highlights"] = [list(span) for span in self.highlights]
        return data


def parse_terms(query: str) -> list[str]:
    """Whitespace-separated terms, duplicates removed, order kept."""
    seen: dict[str, None] = {}
    for term in query.split():
        seen.setdefault(term, None)
    return list(seen)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, term: str, *, ilike: bool) -> ColumnElement[bool]:
    pattern = f"%{_escape_like(term)}%"
    return column.ilike(pattern, escape="\\") if ilike else column.like(pattern, escape="\\")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _occurrences(column, term: str) -> ColumnElement[int]:
    """How many times ``term`` occurs in ``column`` (case-sensitive on both backends)."""
    body = func.coalesce(column, "")
    return cast((func.length(body) - func.length(func.replace(body, term, ""))) / len(term), Integer)


def _term_filters(terms: list[str], dialect: str) -> list[ColumnElement[bool]]:
    if dialect != "sqlite":
        return [
            or_(_contains(Version.text, t, ilike=True), _contains(Version.title, t, ilike=True))
            for t in terms
        ]
    filters: list[ColumnElement[bool]] = []
    long_terms = [t for t in terms if len(t) >= MIN_FTS_CHARS]
    if long_terms:
        fts = table("version_fts")
        match = " AND ".join(_fts_phrase(t) for t in long_terms)
        matching = (
            select(literal_column("rowid"))
            .select_from(fts)
            .where(text("version_fts MATCH :fts_query").bindparams(fts_query=match))
        )
        filters.append(Version.id.in_(matching))
    for t in terms:
        if len(t) < MIN_FTS_CHARS:
            filters.append(
                or_(_contains(Version.text, t, ilike=False), _contains(Version.title, t, ilike=False))
            )
    return filters


def _snippet(body: str, terms: list[str], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    folded = body.casefold()
    positions = [p for p in (folded.find(t.casefold()) for t in terms) if p >= 0]
    first = min(positions) if positions else 0
    start = max(0, first - width // 3)
    end = min(len(body), start + width)
    piece = body[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    snippet = prefix + piece + suffix
    spans: list[tuple[int, int]] = []
    low = snippet.casefold()
    for t in terms:
        needle = t.casefold()
        at = low.find(needle)
        while at >= 0:
            spans.append((at, at + len(needle)))
            at = low.find(needle, at + len(needle))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return snippet, merged


def search(
    session: Session,
    query: str,
    *,
    year: int | None = None,
    region: str | None = None,
    level: str | None = None,
    portal: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Documents whose latest version contains every term of ``query`` (title or text), best first.

    ``region`` matches the portal's region by prefix (``上海市`` finds ``上海市静安区``).
    """
    terms = parse_terms(query)
    if not terms:
        return []
    dialect = session.get_bind().dialect.name
    matches = sum(
        (_occurrences(Version.text, t) + _occurrences(Version.title, t) for t in terms[1:]),
        _occurrences(Version.text, terms[0]) + _occurrences(Version.title, terms[0]),
    )
    matches = matches.label("matches")
    stmt = (
        select(Document, Version.text, matches)
        .join(Version, (Version.document_id == Document.id) & (Version.seq == Document.versions))
        .join(Portal, Portal.id == Document.portal_id)
        .where(*_term_filters(terms, dialect))
    )
    if year is not None:
        stmt = stmt.where(Document.year == year)
    if region:
        stmt = stmt.where(Portal.region.like(f"{_escape_like(region)}%", escape="\\"))
    if level:
        stmt = stmt.where(Portal.level == level)
    if portal:
        stmt = stmt.where(Document.portal_id == portal)
    if status:
        stmt = stmt.where(Document.status == status)
    if kind:
        stmt = stmt.where(Document.kind == kind)
    stmt = stmt.order_by(
        case((Document.kind == "report", 0), else_=1),
        matches.desc(),
        Document.year.desc().nulls_last(),
        Document.id,
    ).limit(limit)
    hits = []
    for document, body, count in session.execute(stmt):
        snippet, spans = _snippet(body or "", terms)
        hits.append(
            Hit(
                id=document.id,
                url=document.url,
                title=document.title,
                portal=document.portal_id,
                kind=document.kind,
                year=document.year,
                status=document.status,
                published=document.published,
                report_group=document.report_group_id,
                matches=int(count or 0),
                snippet=snippet,
                highlights=spans,
            )
        )
    return hits
