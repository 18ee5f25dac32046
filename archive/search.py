"""Full-text search over the latest version of every document, Chinese-aware, same answers on both backends.

SQLite: an FTS5 ``trigram`` index (``version_fts``) answers terms of ≥ 3 characters; trigram cannot match
anything shorter (and a short LIKE on the FTS table silently returns nothing), so 1–2-character terms
are a LIKE on the content table. PostgreSQL: ``ILIKE`` backed by pg_trgm GIN indexes. Multi-term queries
AND their (whitespace-separated) terms.

Ranking happens in two steps so a common term costs no more than a rare one: the database returns the
:data:`RANK_POOL` best matches by (reports first, newest year, id) — an index walk that stops early — and
those are ordered reports first, then by number of occurrences of the terms (title + text), then year
(newest first), then id. Both steps are deterministic, so both backends give the same order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, or_, select, text
from sqlmodel import Session

from archive.models import Document, Portal, Version

SNIPPET_CHARS = 80
MIN_FTS_CHARS = 3
RANK_POOL = 200


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


def _count(body: str | None, terms: list[str]) -> int:
    """How many times the terms occur in ``body`` (case-sensitive, as LIKE is on SQLite)."""
    return sum((body or "").count(t) for t in terms)


def _term_filters(session: Session, terms: list[str], dialect: str) -> list[ColumnElement[bool]]:
    """WHERE clauses that keep the versions containing every term.

    On SQLite a rare ≥3-character term is looked up in the trigram index (a few rowids); a common one is
    cheaper as a LIKE checked while walking documents in rank order, which stops after :data:`RANK_POOL`
    matches — the FTS route would first have to list every one of its many hits.
    """
    if dialect != "sqlite":
        return [
            or_(_contains(Version.text, t, ilike=True), _contains(Version.title, t, ilike=True))
            for t in terms
        ]
    filters: list[ColumnElement[bool]] = []
    long_terms = [t for t in terms if len(t) >= MIN_FTS_CHARS]
    if long_terms:
        match = " AND ".join(_fts_phrase(t) for t in long_terms)
        rowids = (
            session.execute(
                text("SELECT rowid FROM version_fts WHERE version_fts MATCH :q LIMIT :n"),
                {"q": match, "n": RANK_POOL + 1},
            )
            .scalars()
            .all()
        )
        if len(rowids) <= RANK_POOL:
            filters.append(Version.id.in_(rowids))
            long_terms = []
    for t in terms:
        if len(t) < MIN_FTS_CHARS or t in long_terms:
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
    stmt = (
        select(Document, Version.title, Version.text)
        .join(Version, (Version.document_id == Document.id) & (Version.seq == Document.versions))
        .join(Portal, Portal.id == Document.portal_id)
        .where(*_term_filters(session, terms, dialect))
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
    # Rank order that an index walk can follow and stop early: "report" sorts after "other", so kind DESC
    # puts reports first; (kind, year) is indexed and SQLite's index entries end with the rowid (id).
    # SQLite's DESC already puts NULL years last; PostgreSQL is told to, so both give the same order.
    year_order = Document.year.desc() if dialect == "sqlite" else Document.year.desc().nulls_last()
    stmt = stmt.order_by(Document.kind.desc(), year_order, Document.id.desc()).limit(max(RANK_POOL, limit))
    pool = [
        (document, body, _count(body, terms) + _count(title, terms))
        for document, title, body in session.execute(stmt)
    ]
    pool.sort(
        key=lambda row: (
            row[0].kind != "report",
            -row[2],
            -(row[0].year or 0),
            row[0].year is None,
            row[0].id,
        )
    )
    hits = []
    for document, body, count in pool[:limit]:
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
