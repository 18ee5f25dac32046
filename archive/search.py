"""Full-text search over the latest version of every document, Chinese-aware, same answers on both backends.

SQLite: the bigram FTS5 index of :mod:`archive.search_index` answers terms of every length exactly (one
character by prefix, two by one token, more by a phrase of bigrams); terms the index answers only
approximately (punctuation, several runs of letters and digits) are verified with ``LIKE``, and a term with no
letter or digit at all falls back to the scan. PostgreSQL: ``LIKE`` (``ILIKE`` for terms with case)
over a walk of documents in rank order that stops early for common terms, and GIN indexes for rare ones
(pg_trgm; for terms of one or two characters, which trigrams cannot find, the characters of each version).
Multi-term queries AND their (whitespace-separated) terms.

Ranking happens in two steps so a common term costs no more than a rare one: the database returns the
:data:`RANK_POOL` best matches by (reports first, newest year, id) — on SQLite a walk of the index in key
order, on PostgreSQL an index walk of documents, both stopping early — and those are ordered reports first, then
by number of occurrences of the terms (title + text), then year (newest first), then id. Both steps are
deterministic, so both backends give the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import partial

from sqlalchemy import ColumnElement, Text, cast, func, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlmodel import Session

from archive.models import Document, Portal, Version
from archive.search_index import TABLE as INDEX_TABLE
from archive.search_index import document_id, key_range
from archive.segment import runs, term_query, window_queries

SNIPPET_CHARS = 80
RANK_POOL = 200
#: PostgreSQL: documents checked before deciding whether a term is common enough to walk on (0.15 ms each).
FIRST_WALK = 50


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


def _term_filters(
    terms: list[str], dialect: str, body=Version.text, title=Version.title
) -> list[ColumnElement[bool]]:
    """WHERE clauses that keep the versions containing every term (title or text).

    PostgreSQL folds case with ``ILIKE`` only for terms that have case: it lowers the whole text first, which
    cost 0.23 ms a 10,000-character version against 0.05 for ``LIKE`` (bench/README.md), and a Chinese term
    matches the same texts either way."""
    filters = []
    for t in terms:
        ilike = dialect != "sqlite" and not _uncased(t)
        filters.append(or_(_contains(body, t, ilike=ilike), _contains(title, t, ilike=ilike)))
    return filters


def _rank_order(dialect: str) -> tuple:
    """Rank order that an index walk can follow and stop early: "report" sorts after "other", so kind DESC
    puts reports first; SQLite's (kind, year) index entries end with the rowid (id), PostgreSQL has
    ``ix_document_search_rank``. SQLite's DESC already puts NULL years last; PostgreSQL is told to, so both
    give the same order."""
    year_order = Document.year.desc() if dialect == "sqlite" else Document.year.desc().nulls_last()
    return Document.kind.desc(), year_order, Document.id.desc()


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


def _index_walk(session: Session, match: str, batch: int, *, year, kind) -> Iterator[list[int]]:
    """SQLite: the ids of the documents the index matches, in rank order, ``batch`` at a time (the index's
    rowid is the rank key, so this is a walk of its key order)."""
    for lo, hi in _ranges(kind, year):
        with closing(session.execute(_WALK, {"q": match, "lo": lo, "hi": hi})) as cursor:
            while keys := cursor.fetchmany(batch):
                yield [document_id(k) for (k,) in keys]


def _rank_walk(session: Session, batch: int, filters: list) -> Iterator[list[int]]:
    """PostgreSQL: the ids of the documents that ``filters`` (on the document's own columns) keep, in rank
    order, ``batch`` at a time after a first :data:`FIRST_WALK`, from a server-side cursor over
    ``ix_document_search_rank``: a common term stops after a batch or two."""
    stmt = select(Document.id).where(*filters).order_by(*_rank_order("postgresql"))
    with closing(session.execute(stmt, execution_options={"stream_results": True})) as rows:
        size = min(batch, FIRST_WALK)
        while part := rows.fetchmany(size):
            yield [doc_id for (doc_id,) in part]
            size = batch


def _walked_pool(
    session: Session,
    base,
    walk: Iterator[list[int]],
    verify: list[str],
    dialect: str,
    n: int,
    *,
    worth_walking: Callable[[int, int], bool] | None = None,
) -> list | None:
    """The first ``n`` documents of ``walk`` (batches of ids in rank order) that ``base`` (filters) keeps and
    that contain the ``verify`` terms: each batch is checked in one query, and the walk stops as soon as ``n``
    are found. ``worth_walking(walked, found)``, asked after the first batch, may stop it there (None)."""
    pool: list = []
    with closing(walk):
        for batch, ids in enumerate(walk):
            found = {row.id: row for row in session.execute(_verified(base, ids, verify, dialect))}
            pool.extend(found[i] for i in ids if i in found)
            if len(pool) >= n:
                break
            if batch == 0 and worth_walking is not None and not worth_walking(len(ids), len(pool)):
                return None
    return pool[:n]


def _verified(base, ids: list[int], verify: list[str], dialect: str):
    """The rows of ``base`` for the documents ``ids`` that contain every ``verify`` term.

    On PostgreSQL the batch's versions are read first (a materialized CTE): left to itself, the planner
    scanned every version with ``LIKE`` and joined the batch to the ones that matched, because it takes a
    ``LIKE`` over a 10,000-character text for as cheap as any other filter (0.6 s a batch at 5,000 reports)."""
    batch = base.where(Document.id.in_(ids))
    if not verify:
        return batch
    if dialect != "postgresql":
        return batch.where(*_term_filters(verify, dialect))
    rows = batch.cte("batch").prefix_with("MATERIALIZED")
    return select(rows).where(*_term_filters(verify, dialect, rows.c.text, rows.c.version_title))


def _trigram_indexed(terms: list[str]) -> bool:
    """Whether pg_trgm's index can narrow the search: some term has a run of three letters or digits."""
    return any(len(run) >= 3 for term in terms for run in runs(term))


def _character_filters(terms: list[str]) -> list[ColumnElement[bool]]:
    """PostgreSQL: text or title holds every character of each term, those with case left out (``ILIKE``
    would need them folded): the GIN indexes of migration 0025 find the versions that may match."""
    filters = []
    for t in terms:
        if uncased := list(dict.fromkeys(c for c in t if _uncased(c))):
            wanted = cast(array(uncased), ARRAY(Text))
            filters.append(
                or_(_characters(Version.text).contains(wanted), _characters(Version.title).contains(wanted))
            )
    return filters


def _characters(column) -> ColumnElement:
    """``string_to_array(column, NULL)``, written as the index expression so the planner matches it."""
    return func.string_to_array(column, literal_column("NULL"), type_=ARRAY(Text))


def _scanned_pool(session: Session, base, terms: list[str], n: int, dialect: str, document_filters: list):
    """The first ``n`` documents in rank order that contain every term, without the FTS5 index (PostgreSQL,
    or a term with no letter or digit on SQLite).

    PostgreSQL walks documents in rank order, which stops early for a common term. Its first batch tells how
    common the term is: when walking on would check more versions than the term's expected matches, and an
    index can find the matches, those are found and ranked instead: pg_trgm for a run of three letters or
    digits, else the character indexes (the versions holding every character of a Chinese term).
    Left to itself, the planner sorted every version holding a common term and scanned every version for a
    rare one, because it takes a ``LIKE`` over a 10,000-character text for as cheap as any other filter
    (bench/README.md). A rare term of one or two letters with case is still a walk of the whole archive."""
    filtered = base.where(*_term_filters(terms, dialect))
    ranked = filtered.order_by(*_rank_order(dialect)).limit(n)
    if dialect != "postgresql":
        return session.execute(ranked).all()
    trigrams = _trigram_indexed(terms)
    narrowing = [] if trigrams else _character_filters(terms)
    walk = _rank_walk(session, n, document_filters)
    judge = partial(_walk_pays, session, n) if trigrams or narrowing else None
    pool = _walked_pool(session, base, walk, terms, dialect, n, worth_walking=judge)
    if pool is not None:
        return pool
    with _through_search_indexes(session):
        return session.execute(ranked.where(*narrowing)).all()


def _walk_pays(session: Session, n: int, walked: int, found: int) -> bool:
    """Whether walking on until ``n`` matches (at the first batch's rate) checks fewer versions than the
    term's expected matches in the archive, which the trigram route checks."""
    if not found:
        return False
    rate = found / walked
    return (n - found) / rate <= rate * _documents(session)


_DOCUMENTS_ESTIMATE = text("SELECT reltuples FROM pg_class WHERE oid = 'document'::regclass")


def _documents(session: Session) -> float:
    """PostgreSQL's estimate of the number of documents (counted when the table was never analyzed)."""
    estimate = session.execute(_DOCUMENTS_ESTIMATE).scalar_one()
    return estimate if estimate >= 0 else session.execute(select(func.count(Document.id))).scalar_one()


@contextmanager
def _through_search_indexes(session: Session) -> Iterator[None]:
    """PostgreSQL: find the versions through the GIN indexes (pg_trgm, characters) in this block, not by
    reading every version.

    The planner counts a ``LIKE`` over a 10,000-character text as cheap as any filter, so on a few thousand
    reports it preferred reading every version to the index (0.5 s against a few ms, bench/README.md), and
    with sequential scans off it read them through the version table's b-tree instead (270 ms against 2.6
    at 3,000 reports): both are turned off, which leaves the bitmap scans that GIN indexes give. Set for the
    transaction (``set_config(…, true)``) and put back after the block."""
    before = {name: session.execute(_SETTING, {"name": name}).scalar_one() for name in _FULL_READS}
    for name in _FULL_READS:
        session.execute(_SET, {"name": name, "value": "off"})
    yield  # no finally: after an error the transaction is rolled back, and the settings with it
    for name, value in before.items():
        session.execute(_SET, {"name": name, "value": value})


_FULL_READS = ("enable_seqscan", "enable_indexscan")
_SETTING = text("SELECT current_setting(:name)")
_SET = text("SELECT set_config(:name, :value, true)")


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
    document_filters = [
        condition
        for value, condition in (
            (year is not None, Document.year == year),
            (portal, Document.portal_id == portal),
            (status, Document.status == status),
            (kind, Document.kind == kind),
        )
        if value
    ]
    stmt = stmt.where(*document_filters)
    if region:
        stmt = stmt.where(Portal.region.like(f"{_escape_like(region)}%", escape="\\"))
    if level:
        stmt = stmt.where(Portal.level == level)
    n = max(RANK_POOL, limit)
    match, verify = _index_match(terms) if dialect == "sqlite" else (None, terms)
    if match is not None and _surely_absent(session, terms):
        return []
    if match is not None:
        rows = _walked_pool(
            session, stmt, _index_walk(session, match, n, year=year, kind=kind), verify, dialect, n
        )
    else:
        rows = _scanned_pool(session, stmt, terms, n, dialect, document_filters)
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
