"""Report groups: which documents carry the same logical report (one jurisdiction, one year).

A report is matched to an existing group by, in order:

1. the exact SHA-256 of its normalized text, among reports of the same year;
2. a near-duplicate check: candidates are reports of the same year whose MinHash LSH band keys overlap
   (an indexed lookup, see :mod:`archive.fingerprint`) and whose length lies in the band any match must
   lie in; each candidate's latest text is then compared by Indel similarity, sentences first
   (:func:`archive.diff.similarity`: characters only inside the sentences that differ).
   **Threshold: similarity ≥ 0.90** (``NEAR_DUP_SIMILARITY``). Normalized copies of one report (mirrors,
   traditional copies after OpenCC, HTML vs attachment) score ≥ 0.97 in practice, while different
   jurisdictions' reports, even from one template, stay well below 0.9. Candidates whose publishers are
   both known and clearly different are never merged.

The cost per document is bounded by the number of candidates (at most ``MAX_CANDIDATES``) and by the
documents read per LSH bucket (``BUCKET_CAP``), not by the size of the archive: a bucket shared by thousands
of reports (boilerplate common to a template: a national night showed buckets of 6,000) says nothing about
which of them is a copy and is left out, while a real copy shares most of its 32 buckets with its original,
most of them quiet ones. Different years never merge. The canonical document of a group is the official
portal's copy (official beats mirror), the earliest ``first_seen`` among those, then the lowest id.

Like the rest of the write path (:mod:`archive.store`), this speaks SQLAlchemy Core on the session's
connection (:mod:`archive.tables`) and takes the document as a dict of its row.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from sqlalchemy import Connection, TextClause, bindparam, delete, func, insert, select, text, update
from sqlmodel import Session

from archive.diff import similarity
from archive.fingerprint import text_band_keys
from archive.models import Document, Portal
from archive.tables import (
    BAND,
    DOCUMENT,
    GROUP,
    PORTAL,
    DocumentRow,
    insert_into,
    update_document,
    version_text,
)

NEAR_DUP_SIMILARITY = 0.90
MAX_CANDIDATES = 8  # texts verified per document
MAX_BAND_MATCHES = 64  # LSH matches considered before the year/length filter
BUCKET_CAP = 64  # documents read per LSH bucket (band key)

#: How a group's members are ranked for canonical: official portals, then the earliest seen, then lowest id.
CANONICAL_ORDER = (Portal.official.desc(), Document.first_seen, Document.id)


def length_band(length: int, threshold: float = NEAR_DUP_SIMILARITY) -> tuple[int, int]:
    """Lengths another text can have and still reach ``threshold``.

    Indel similarity is 1 - d/(l1+l2) with d ≥ |l1-l2|, so l2 must lie within [l1·t/(2-t), l1·(2-t)/t].
    """
    return int(length * threshold / (2 - threshold)), int(length * (2 - threshold) / threshold) + 1


_PARENT = select(DOCUMENT.c.kind, DOCUMENT.c.year, DOCUMENT.c.report_group_id).where(
    DOCUMENT.c.url == bindparam("url")
)


def _publishers_conflict(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.strip(), b.strip()
    return not (a == b or a in b or b in a)


# ``IS NOT DISTINCT FROM`` makes one statement match a year and an unknown year alike.
_SAME_YEAR = DOCUMENT.c.year.is_not_distinct_from(bindparam("year"))
_DELETE_BANDS = delete(BAND).where(BAND.c.document_id == bindparam("document_id"))
_EXACT = (
    select(DOCUMENT.c.report_group_id)
    .where(
        DOCUMENT.c.text_hash == bindparam("text_hash"),
        _SAME_YEAR,
        DOCUMENT.c.kind == "report",
        DOCUMENT.c.id != bindparam("document_id"),
        DOCUMENT.c.report_group_id.is_not(None),
    )
    .limit(1)  # no ORDER BY: it could lure SQLite into walking the primary key instead of the hash index
)


@lru_cache(maxsize=4)
def _buckets(count: int) -> TextClause:
    """The documents in ``count`` LSH buckets (band keys ``k0``…), in one statement: the first
    :data:`BUCKET_CAP` + 1 of each by document id (one more than the cap tells a crowded bucket), read in the
    key index's own order. Without the ``ORDER BY``, PostgreSQL may read a bucket in its table's order and cut
    a crowded one elsewhere than SQLite does.

    Written as text: SQLAlchemy computes the cache key of a statement built with its constructs on every
    execution, which for this union of 32 subqueries cost twice as much as running it (0.29 → 0.13 ms)."""
    table, key, document_id = BAND.name, BAND.c.key.name, BAND.c.document_id.name
    return text(
        " UNION ALL ".join(
            f'SELECT * FROM (SELECT {i} AS bucket, {document_id} FROM {table} WHERE "{key}" = :k{i} '
            f"AND {document_id} != :document_id ORDER BY {document_id} LIMIT {BUCKET_CAP + 1}) AS bucket{i}"
            for i in range(count)
        )
    )


def band_matches(conn: Connection, *, keys: list[int], document_id: int) -> list[tuple[int, int]]:
    """(document id, buckets shared) of the documents sharing LSH buckets with ``keys``, most shared first,
    at most :data:`MAX_BAND_MATCHES`. Crowded buckets (more than :data:`BUCKET_CAP` documents) are left out
    unless every shared bucket is crowded; then their first documents are all there is to go on."""
    buckets = sorted(set(keys))
    params = {f"k{i}": key for i, key in enumerate(buckets)}
    members: dict[int, list[int]] = {}
    for bucket, doc_id in conn.execute(_buckets(len(buckets)), {**params, "document_id": document_id}):
        members.setdefault(bucket, []).append(doc_id)
    quiet = [docs for docs in members.values() if len(docs) <= BUCKET_CAP]
    shared = Counter(doc_id for docs in (quiet or members.values()) for doc_id in docs[:BUCKET_CAP])
    return sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))[:MAX_BAND_MATCHES]


_NEAR_CANDIDATES = select(
    DOCUMENT.c.id, DOCUMENT.c.report_group_id, DOCUMENT.c.publisher, DOCUMENT.c.versions
).where(
    DOCUMENT.c.id.in_(bindparam("ids", expanding=True)),
    DOCUMENT.c.kind == "report",
    _SAME_YEAR,
    DOCUMENT.c.text_len.between(bindparam("lo"), bindparam("hi")),
    DOCUMENT.c.report_group_id.is_not(None),
)
#: A group's jurisdiction, from its canonical document: the publisher, else the portal's region, else its name.
_JURISDICTION = func.coalesce(
    func.nullif(DOCUMENT.c.publisher, ""), func.nullif(PORTAL.c.region, ""), PORTAL.c.name
)
_CANONICAL = (
    select(DOCUMENT.c.id, DOCUMENT.c.title, DOCUMENT.c.year, _JURISDICTION.label("jurisdiction"))
    .join(PORTAL, PORTAL.c.id == DOCUMENT.c.portal_id)
    .where(DOCUMENT.c.report_group_id == bindparam("group_id"))
    .order_by(*CANONICAL_ORDER)
    .limit(1)
)
_UPDATE_GROUP = update(GROUP).where(GROUP.c.id == bindparam("group_id_"))
#: A new group of one document, described from its row as :func:`refresh_group` describes a group, in one
#: statement instead of an insert, a query and an update.
_NEW_GROUP = (
    insert(GROUP)
    .from_select(
        ["year", "title", "canonical_document_id", "jurisdiction"],
        select(DOCUMENT.c.year, DOCUMENT.c.title, DOCUMENT.c.id, _JURISDICTION)
        .join(PORTAL, PORTAL.c.id == DOCUMENT.c.portal_id)
        .where(DOCUMENT.c.id == bindparam("document_id")),
    )
    .returning(GROUP.c.id)
)
_DELETE_GROUP = delete(GROUP).where(GROUP.c.id == bindparam("group_id"))
_MEMBERS = select(func.count()).where(DOCUMENT.c.report_group_id == bindparam("group_id"))


def replace_bands(conn: Connection, *, document_id: int, keys: list[int], stored: bool = True) -> None:
    """Store the LSH band keys of a document's latest text, replacing the previous ones (``stored`` False:
    there are none, the document was inserted in this transaction)."""
    if stored:
        conn.execute(_DELETE_BANDS, {"document_id": document_id})
    if keys:
        conn.execute(
            insert_into(BAND), [{"document_id": document_id, "band": i, "key": k} for i, k in enumerate(keys)]
        )


def find_exact(conn: Connection, *, document: DocumentRow) -> int | None:
    """The group of another report of the same year with the identical normalized text."""
    params = {"text_hash": document["text_hash"], "year": document["year"], "document_id": document["id"]}
    return conn.execute(_EXACT, params).scalar()


def find_near(conn: Connection, *, document: DocumentRow, text: str, keys: list[int]) -> int | None:
    """The group of the most similar near-duplicate report of the same year, if any reaches the threshold.

    Two index-driven steps, so no planner can start from the (large) set of same-year reports: documents
    sharing LSH band keys (``ix_minhash_band_key``), then those of them in the year and length band.
    """
    if not keys:
        return None
    by_bands = band_matches(conn, keys=keys, document_id=document["id"])
    if not by_bands:
        return None
    rank = {doc_id: n for doc_id, n in by_bands}
    lo, hi = length_band(len(text))
    rows = conn.execute(
        _NEAR_CANDIDATES, {"ids": list(rank), "year": document["year"], "lo": lo, "hi": hi}
    ).all()
    candidates = sorted(rows, key=lambda r: (-rank[r.id], r.id))[:MAX_CANDIDATES]
    best: tuple[float, int] | None = None
    for cand_id, group_id, publisher, seq in candidates:
        if _publishers_conflict(document["publisher"], publisher):
            continue
        other = version_text(conn, cand_id, seq)
        if other is None:
            continue
        score = similarity(text, other, cutoff=NEAR_DUP_SIMILARITY)
        if score and (best is None or score > best[0]):
            best = (score, group_id)
    return best[1] if best else None


def members_canonical_first(group_id: int):
    """The group's documents with their portals, canonical first (ORM rows, for the read side)."""
    return (
        select(Document, Portal)
        .join(Portal, Portal.id == Document.portal_id)
        .where(Document.report_group_id == group_id)
        .order_by(*CANONICAL_ORDER)
    )


def refresh_group(conn: Connection, *, group_id: int) -> None:
    """Re-pick the canonical document and the group's title/jurisdiction; delete the group if empty."""
    canonical = conn.execute(_CANONICAL, {"group_id": group_id}).first()
    if canonical is None:
        conn.execute(_DELETE_GROUP, {"group_id": group_id})
        return
    conn.execute(
        _UPDATE_GROUP,
        {
            "group_id_": group_id,
            "canonical_document_id": canonical.id,
            "title": canonical.title,
            "year": canonical.year,
            "jurisdiction": canonical.jurisdiction,
        },
    )


def _members(conn: Connection, group_id: int) -> int:
    return conn.execute(_MEMBERS, {"group_id": group_id}).scalar() or 0


def _set_group(conn: Connection, document: DocumentRow, group_id: int | None) -> None:
    update_document(conn, document["id"], report_group_id=group_id)
    document["report_group_id"] = group_id


def parent_group(conn: Connection, *, parent_url: str | None, year: int | None) -> int | None:
    """The group of the report page that linked an attachment (same year, or a year unknown on one side)."""
    if not parent_url:
        return None
    row = conn.execute(_PARENT, {"url": parent_url}).first()
    if row is None or row.kind != "report" or row.report_group_id is None:
        return None
    if year is not None and row.year is not None and row.year != year:
        return None
    return row.report_group_id


def assign_group(
    session: Session, *, document: DocumentRow, text: str, parent_url: str | None = None, new: bool = False
) -> int:
    """Put a report's document into the right group (creating one if needed); returns the group id.

    Text decides first (exact, then near-duplicate); an attachment that matches no text joins the group of
    the report page that linked it (``parent_url``): an attachment-only page says only 详见附件, and the
    file it links is that report.

    Call after the document's row (``year``, ``text_hash``, ``text_len`` of its latest version) is written;
    ``new``: it was inserted in this transaction (no band keys or group to replace).
    """
    conn = session.connection()
    keys = text_band_keys(text)
    replace_bands(conn, document_id=document["id"], keys=keys, stored=not new)
    target = (
        find_exact(conn, document=document)
        or find_near(conn, document=document, text=text, keys=keys)
        or parent_group(conn, parent_url=parent_url, year=document["year"])
    )
    previous = document["report_group_id"]
    if target is None and previous is not None and _members(conn, previous) == 1:
        target = previous  # still alone in its own group: keep the group's identity
    created = target is None
    if created:
        target = _new_group(conn, document)  # its fields set as refresh_group would set them
    if target != previous:
        _set_group(conn, document, target)
    if not created:
        refresh_group(conn, group_id=target)
    if previous is not None and previous != target:
        refresh_group(conn, group_id=previous)
    return target


def _new_group(conn: Connection, document: DocumentRow) -> int:
    """A group of its own for ``document`` (its row written already), canonical and described."""
    return conn.execute(_NEW_GROUP, {"document_id": document["id"]}).scalar_one()


def leave_group(session: Session, *, document: DocumentRow) -> None:
    """A document no longer classified as a report leaves its group and the LSH index."""
    conn = session.connection()
    conn.execute(_DELETE_BANDS, {"document_id": document["id"]})
    previous = document["report_group_id"]
    if previous is None:
        return
    _set_group(conn, document, None)
    refresh_group(conn, group_id=previous)
