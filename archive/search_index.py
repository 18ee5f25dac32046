"""The SQLite search index: one FTS5 row per document (its latest version), keyed in rank order.

``search_index`` is a contentless FTS5 table over :func:`archive.segment.segment` bigrams of title and text
(``detail=full`` for phrase queries) and, for one-character queries, the distinct characters of both
(:func:`archive.segment.characters`). The ``ascii`` tokenizer only splits at the spaces segmentation put
there (``unicode61`` would look up every code point again). Its rowid is
:func:`rank_key` — reports first, then newer years, then higher document ids — so ``ORDER BY rowid DESC``
walks matches in the order search ranks them and stops after the pool it needs, however common the term.

Only each document's latest version is indexed (search never looks at older ones), and the store keeps it
in step in the version's transaction: :func:`replace` drops the previous row (a contentless table needs the
exact tokens it was given, recomputed from the previous text) and inserts the new one. Measured against
trigram, bigram ``detail=none`` + verification, Tantivy and PostgreSQL variants in ``bench/search_backends.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter

from sqlalchemy import Connection, text

from archive.segment import CHARS_COLUMN, index_forms

logger = logging.getLogger(__name__)

TABLE = "search_index"
ID_BITS = 40
ID_MASK = (1 << ID_BITS) - 1
CREATE = f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, {CHARS_COLUMN}, content='', detail=full, tokenize='ascii')"

#: FTS5 merges this many segments of one level into one (its default is 4). The store adds one report per
#: transaction, so every report is written as a small segment and then rewritten at each level it climbs:
#: 16 means fewer levels and fewer rewrites, for more segments per query to visit. On 2,000 realistic
#: reports added one by one (3 runs each, bench/README.md): insert + commit 10.8 → 8.1 ms per report on
#: average; rare-phrase queries p50 1.0 → 0.9–1.6 ms, common and short ones within the noise. Kept in the
#: table's config, set by migration 0018.
AUTOMERGE = 16
#: FTS5 merges a whole level at once when it holds this many segments (its default is 16). Above
#: :data:`AUTOMERGE`, so the merges are made a share after every write instead: at 16, the write that gave a
#: level its 16th segment merged the level whole (the slowest transaction of 32 reports 1.4 s at 16,000
#: reports, 19–23 s at 65,000–98,000 with the gigabytes it rewrote passing through the WAL; one report alone
#: 1.7 s at 4,000), and the file kept the free pages those merges left. Store runs from an empty archive
#: (bench/README.md, twelfth session): 16,384 reports 32 to a transaction 6.14 → 5.90 ms a report on
#: average, the slowest transaction 43.7 → 9.2 ms a report; 4,096 one to a transaction 8.68 → 8.11 ms, the
#: slowest 1,707 → 48 ms. Set by migration 0021.
CRISISMERGE = 64

#: (rank key, title, text) of an indexed version
Entry = tuple[int, str | None, str]

_COLUMNS = f"title, body, {CHARS_COLUMN}"
_INSERT = text(f"INSERT INTO {TABLE}(rowid, {_COLUMNS}) VALUES (:key, :title, :body, :chars)")
_DELETE = text(
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMNS}) VALUES ('delete', :key, :title, :body, :chars)"
)


def rank_key(kind: str | None, year: int | None, document_id: int) -> int:
    """Search order as one integer: reports above other pages, then year (none lowest), then id."""
    year = min(max(year or 0, 0), 0xFFF)
    return ((int(kind == "report") << 12 | year) << ID_BITS) | document_id


def key_range(kind: str, year: int | None) -> tuple[int, int]:
    """The keys of one (kind, year) block, or of every year of ``kind`` when ``year`` is None."""
    high = int(kind == "report") << 12
    if year is None:
        return high << ID_BITS, ((high | 0xFFF) << ID_BITS) | ID_MASK
    return (high | year) << ID_BITS, ((high | year) << ID_BITS) | ID_MASK


def document_id(key: int) -> int:
    return key & ID_MASK


def row(entry: Entry) -> dict:
    """The index row of a version: its key and segmented title and text (pure: bulk loads may compute
    rows in other processes and pass them to :func:`add_rows`)."""
    key, title, body = entry
    title_tokens, body_tokens, chars = index_forms(title, body)
    return {"key": key, "title": title_tokens, "body": body_tokens, CHARS_COLUMN: chars}


def add(conn: Connection, entries: Iterable[Entry]) -> None:
    """Index versions (bulk loads pass many)."""
    add_rows(conn, [row(e) for e in entries])


def add_rows(conn: Connection, rows: list[dict]) -> None:
    """Insert index rows in ascending key order (see :func:`deferred`: FTS5 writes out what it holds before
    a key lower than the last)."""
    if rows:
        conn.execute(_INSERT, sorted(rows, key=itemgetter("key")))


def replace(conn: Connection, old: Entry | None, new: Entry | None) -> None:
    """Swap a document's row: ``old`` exactly as it was indexed, ``new`` as it is now (either may be None).

    Inside :func:`deferred` the swap waits for the end of its block.
    """
    if conn.dialect.name != "sqlite" or old == new:
        return
    held = conn.info.get(_HELD)
    if held is not None:
        held.append((old, new))
        return
    if old is not None:
        conn.execute(_DELETE, row(old))
    if new is not None:
        conn.execute(_INSERT, row(new))


_HELD = "fazhi.search_index.held"  # conn.info key: the swaps a deferred() block holds


@contextmanager
def deferred(conn: Connection) -> Iterator[None]:
    """Hold the index swaps made in this block and make them when it ends without an error, in key order.

    For a transaction of many reports (the store worker's batches). FTS5 keeps the terms of the rows a
    transaction inserts in memory and writes them out as a new segment whenever a later statement opens a
    statement savepoint, and whenever a row's key is lower than the one before it. Keys are rank keys (year
    above document id), so reports in arrival order went down in key about every other row: a transaction of
    32 wrote about 16 segments, all merged again later. Held to the end, a document's swaps are reduced to
    one (its row before the block out, its row after it in), and the rows go out and then in by ascending
    key: a segment or two. 256 realistic reports in transactions of 32, index alone: 2.1–2.5 → 1.4–1.6 ms per report
    (bench/README.md).
    """
    held: list[tuple[Entry | None, Entry | None]] = []
    conn.info[_HELD] = held
    try:
        yield
    finally:
        del conn.info[_HELD]
    before: dict[int, Entry | None] = {}
    after: dict[int, Entry | None] = {}
    for old, new in held:
        doc = document_id((old or new)[0])
        before.setdefault(doc, old)  # the row the index held when the block began
        after[doc] = new
    gone = sorted((e for doc, e in before.items() if e is not None and e != after[doc]), key=itemgetter(0))
    for entry in gone:
        conn.execute(_DELETE, row(entry))
    add_rows(conn, [row(e) for doc, e in after.items() if e is not None and e != before[doc]])


LATEST = text(
    "SELECT d.id, d.kind, d.year, v.title, v.text FROM document d "
    "JOIN version v ON v.document_id = d.id AND v.seq = d.versions WHERE d.id > :after ORDER BY d.id LIMIT :n"
)


def rebuild(conn: Connection, *, batch: int = 1_000) -> int:
    """Fill the index afresh from every document's latest version (the migrations); returns the rows.

    Reports its progress every 10,000 documents, at warning level so an upgrade run from the command line shows
    it without any logging set up: a national archive takes minutes (about 5 ms a report)."""
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')"))
    documents = conn.execute(text("SELECT count(*) FROM document")).scalar() or 0
    after, total = 0, 0
    while rows := conn.execute(LATEST, {"after": after, "n": batch}).all():
        add(conn, [(rank_key(kind, year, doc_id), title, body) for doc_id, kind, year, title, body in rows])
        after, total = rows[-1][0], total + len(rows)
        if total % 10_000 < batch:
            logger.warning("rebuilding the search index: %d of %d documents", total, documents)
    optimize(conn)
    return total


def set_merge_policy(conn: Connection, automerge: int = AUTOMERGE, crisismerge: int = CRISISMERGE) -> None:
    """Store FTS5's ``automerge`` and ``crisismerge`` settings in the index (they persist with the table)."""
    for name, segments in (("automerge", automerge), ("crisismerge", crisismerge)):
        conn.execute(text(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('{name}', :n)"), {"n": segments})


def optimize(conn: Connection) -> None:
    """Merge the index's segments into one (after a bulk load: fewer b-trees for every query to visit)."""
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))
