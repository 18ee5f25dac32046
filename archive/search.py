"""Full-text search over the latest version of every document, Chinese-aware, same answers on both backends.

SQLite: the bigram FTS5 index of :mod:`archive.search_index` answers terms of every length exactly (one
character by prefix, two by one token, more by a phrase of bigrams); terms the index answers only
approximately (punctuation, several runs of letters and digits) are verified with ``LIKE``, and a term with no
letter or digit at all falls back to the scan. PostgreSQL: ``ILIKE`` backed by pg_trgm GIN indexes.
Multi-term queries AND their (whitespace-separated) terms.

Ranking happens in two steps so a common term costs no more than a rare one: the database returns the
:data:`RANK_POOL` best matches by (reports first, newest year, id) — on SQLite a walk of the index in key
order, elsewhere an index walk of documents, both stopping early — and those are ordered reports first, then
by number of occurrences of the terms (title + text), then year (newest first), then id. Both steps are
deterministic, so both backends give the same order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, or_, select, text
from sqlmodel import Session

from archive.models import Document, Portal, Version
from archive.search_index import TABLE as INDEX_TABLE
from archive.search_index import document_id, key_range
from archive.segment import term_query, window_queries

SNIPPET_CHARS = 80
RANK_POOL = 200


@dataclass
class SearchHit:  # also the JSON API's schema (fazhi/web/schemas.py): its docstring is the description
    """One matching document. ``matches`` counts the occurrences of the query terms in title and text;
    ``highlights`` are [start, end) character spans of the terms in ``snippet``."""

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


def _count(body: str | None, terms: list[str]) -> int:
    """How many times the terms occur in ``body`` (case-sensitive, as LIKE is on SQLite)."""
    return sum((body or "").count(t) for t in terms)


def _term_filters(terms: list[str], dialect: str) -> list[ColumnElement[bool]]:
    """WHERE clauses that keep the versions containing every term (title or text)."""
    ilike = dialect != "sqlite"
    return [
        or_(_contains(Version.text, t, ilike=ilike), _contains(Version.title, t, ilike=ilike)) for t in terms
    ]


def _ranked(stmt, dialect: str):
    """Rank order that an index walk can follow and stop early: "report" sorts after "other", so kind DESC
    puts reports first; (kind, year) is indexed and SQLite's index entries end with the rowid (id).
    SQLite's DESC already puts NULL years last; PostgreSQL is told to, so both give the same order."""
    year_order = Document.year.desc() if dialect == "sqlite" else Document.year.desc().nulls_last()
    return stmt.order_by(Document.kind.desc(), year_order, Document.id.desc())


def _index_match(terms: list[str]) -> tuple[str | None, list[str]]:
    """The FTS5 expression for all terms and the terms whose index hits must be verified on the text."""
    exprs, verify = [], []
    for term in terms:
        expr, approximate = term_query(term)
        if expr:
            exprs.append(f"({expr})")
        if approximate:
            verify.append(term)
    return (" AND ".join(exprs) or None), verify


_ANY = text(f"SELECT 1 FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :q LIMIT 1")


def _surely_absent(session: Session, terms: list[str]) -> bool:
    """Whether a four-character window of some term is in no document (then no document has every term).

    Looked up before the walk: the walk has to compare a long phrase's positions in every document holding
    its bigrams before it can say "none", which for an absent phrase of common words is most of the archive.
    """
    return any(
        session.execute(_ANY, {"q": query}).first() is None
        for term in terms
        for query in window_queries(term)
    )


def _ranges(kind: str | None, year: int | None) -> list[tuple[int, int]]:
    """Key ranges to walk, best first: reports before other pages; one year or all."""
    kinds = [k for k in ("report", "other") if kind is None or kind == k]
    return [key_range(k, year) for k in kinds]


def _indexed_pool(session: Session, base, match: str, verify: list[str], n: int, *, year, kind):
    """The first ``n`` documents in rank order that the index matches and ``base`` (filters) keeps.

    The index is walked in key order (rank order) in batches; each batch is checked against the filters
    and the verified terms in one query, and the walk stops as soon as ``n`` documents are found.
    """
    batch = n
    pool: list = []
    for lo, hi in _ranges(kind, year):
        cursor = session.execute(_WALK, {"q": match, "lo": lo, "hi": hi})
        while len(pool) < n:
            keys = [k for (k,) in cursor.fetchmany(batch)]
            if not keys:
                break
            ids = [document_id(k) for k in keys]
            stmt = base.where(Document.id.in_(ids), *_term_filters(verify, "sqlite"))
            found = {row.id: row for row in session.execute(stmt)}
            pool.extend(found[i] for i in ids if i in found)
        cursor.close()
        if len(pool) >= n:
            break
    return pool[:n]


# Core columns, not ORM objects: building 200 Document instances cost more than the query (bench.search)
_HIT_COLUMNS = [
    Document.id,
    Document.url,
    Document.title,
    Document.portal_id,
    Document.kind,
    Document.year,
    Document.status,
    Document.published,
    Document.report_group_id,
]
_WALK = text(
    f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :q AND rowid BETWEEN :lo AND :hi "
    "ORDER BY rowid DESC"
)


def _uncased(term: str) -> bool:
    """No character of ``term`` has case (Chinese, digits): it matches only itself, folded or not."""
    return term.casefold() == term == term.upper()


def _snippet(body: str, terms: list[str], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    # Folding a 30 KB text costs more than finding a term in it; Chinese terms need no folding.
    fold = str if all(_uncased(t) for t in terms) else str.casefold
    folded = fold(body)
    positions = [p for p in (folded.find(fold(t)) for t in terms) if p >= 0]
    first = min(positions) if positions else 0
    start = max(0, first - width // 3)
    end = min(len(body), start + width)
    piece = body[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    snippet = prefix + piece + suffix
    spans: list[tuple[int, int]] = []
    low = fold(snippet)
    for t in terms:
        needle = fold(t)
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
) -> list[SearchHit]:
    """Documents whose latest version contains every term of ``query`` (title or text), best first.

    ``region`` matches the portal's region by prefix (``上海市`` finds ``上海市静安区``).
    """
    terms = parse_terms(query)
    if not terms:
        return []
    dialect = session.get_bind().dialect.name
    stmt = (
        select(*_HIT_COLUMNS, Version.title.label("version_title"), Version.text)
        .join(Version, (Version.document_id == Document.id) & (Version.seq == Document.versions))
        .join(Portal, Portal.id == Document.portal_id)
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
    n = max(RANK_POOL, limit)
    match, verify = _index_match(terms) if dialect == "sqlite" else (None, terms)
    if match is not None and _surely_absent(session, terms):
        return []
    if match is not None:
        rows = _indexed_pool(session, stmt, match, verify, n, year=year, kind=kind)
    else:
        rows = session.execute(_ranked(stmt.where(*_term_filters(terms, dialect)), dialect).limit(n)).all()
    pool = [(row, _count(row.text, terms) + _count(row.version_title, terms)) for row in rows]
    pool.sort(key=lambda p: (p[0].kind != "report", -p[1], -(p[0].year or 0), p[0].year is None, p[0].id))
    hits = []
    for row, count in pool[:limit]:
        snippet, spans = _snippet(row.text or "", terms)
        hits.append(
            SearchHit(
                id=row.id,
                url=row.url,
                title=row.title,
                portal=row.portal_id,
                kind=row.kind,
                year=row.year,
                status=row.status,
                published=row.published,
                report_group=row.report_group_id,
                matches=count,
                snippet=snippet,
                highlights=spans,
            )
        )
    return hits
