"""Report groups: which documents carry the same logical report (one jurisdiction, one year).

A report is matched to an existing group by, in order:

1. the exact SHA-256 of its normalized text, among reports of the same year;
2. a near-duplicate check: candidates are reports of the same year whose MinHash LSH band keys overlap
   (an indexed lookup, see :mod:`archive.fingerprint`) and whose length lies in the band any match must
   lie in; each candidate's latest text is then compared with ``rapidfuzz`` Indel similarity.
   **Threshold: similarity ≥ 0.90** (``NEAR_DUP_SIMILARITY``). Normalized copies of one report (mirrors,
   traditional copies after OpenCC, HTML vs attachment) score ≥ 0.97 in practice, while different
   jurisdictions' reports, even from one template, stay well below 0.9. Candidates whose publishers are
   both known and clearly different are never merged.

The cost per document is bounded by the number of candidates (at most ``MAX_CANDIDATES``), not by the
size of the archive. Different years never merge. The canonical document of a group is the official
portal's copy (official beats mirror), the earliest ``first_seen`` among those, then the lowest id.
"""

from __future__ import annotations

from rapidfuzz.distance import Indel
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from archive.fingerprint import text_band_keys
from archive.models import Document, MinHashBand, Portal, ReportGroup, Version

NEAR_DUP_SIMILARITY = 0.90
MAX_CANDIDATES = 8  # texts verified per document
MAX_BAND_MATCHES = 64  # LSH matches considered before the year/length filter


def length_band(length: int, threshold: float = NEAR_DUP_SIMILARITY) -> tuple[int, int]:
    """Lengths another text can have and still reach ``threshold``.

    Indel similarity is 1 - d/(l1+l2) with d ≥ |l1-l2|, so l2 must lie within [l1·t/(2-t), l1·(2-t)/t].
    """
    return int(length * threshold / (2 - threshold)), int(length * (2 - threshold) / threshold) + 1


def _year_clause(year: int | None):
    return Document.year.is_(None) if year is None else Document.year == year


def _publishers_conflict(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.strip(), b.strip()
    return not (a == b or a in b or b in a)


def replace_bands(session: Session, *, document_id: int, keys: list[int]) -> None:
    """Store the LSH band keys of a document's latest text (replacing the previous ones)."""
    session.execute(delete(MinHashBand).where(MinHashBand.document_id == document_id))
    if keys:
        session.execute(
            insert(MinHashBand),
            [{"document_id": document_id, "band": i, "key": k} for i, k in enumerate(keys)],
        )


def find_exact(session: Session, *, document: Document) -> int | None:
    """The group of another report of the same year with the identical normalized text."""
    return session.scalars(
        select(Document.report_group_id)
        .where(
            _year_clause(document.year),
            Document.text_hash == document.text_hash,
            Document.kind == "report",
            Document.id != document.id,
            Document.report_group_id.is_not(None),
        )
        .limit(1)  # no ORDER BY: it could lure SQLite into walking the primary key instead of the hash index
    ).first()


def find_near(session: Session, *, document: Document, text: str, keys: list[int]) -> int | None:
    """The group of the most similar near-duplicate report of the same year, if any reaches the threshold.

    Two index-driven steps, so no planner can start from the (large) set of same-year reports: documents
    sharing LSH band keys (``ix_minhash_band_key``), then those of them in the year and length band.
    """
    if not keys:
        return None
    shared = func.count().label("shared")
    by_bands = session.execute(
        select(MinHashBand.document_id, shared)
        .where(MinHashBand.key.in_(keys), MinHashBand.document_id != document.id)
        .group_by(MinHashBand.document_id)
        .order_by(shared.desc(), MinHashBand.document_id)
        .limit(MAX_BAND_MATCHES)
    ).all()
    if not by_bands:
        return None
    rank = {doc_id: n for doc_id, n in by_bands}
    lo, hi = length_band(len(text))
    rows = session.execute(
        select(Document.id, Document.report_group_id, Document.publisher, Document.versions).where(
            Document.id.in_(list(rank)),
            Document.kind == "report",
            _year_clause(document.year),
            Document.text_len.between(lo, hi),
            Document.report_group_id.is_not(None),
        )
    ).all()
    candidates = sorted(rows, key=lambda r: (-rank[r.id], r.id))[:MAX_CANDIDATES]
    best: tuple[float, int] | None = None
    for cand_id, group_id, publisher, seq in candidates:
        if _publishers_conflict(document.publisher, publisher):
            continue
        other = session.scalars(
            select(Version.text).where(Version.document_id == cand_id, Version.seq == seq)
        ).first()
        if other is None:
            continue
        score = Indel.normalized_similarity(text, other, score_cutoff=NEAR_DUP_SIMILARITY)
        if score and (best is None or score > best[0]):
            best = (score, group_id)
    return best[1] if best else None


def members_canonical_first(group_id: int):
    """The group's documents with their portals, canonical first: official portals, then the earliest seen."""
    return (
        select(Document, Portal)
        .join(Portal, Portal.id == Document.portal_id)
        .where(Document.report_group_id == group_id)
        .order_by(Portal.official.desc(), Document.first_seen, Document.id)
    )


def refresh_group(session: Session, *, group_id: int) -> ReportGroup | None:
    """Re-pick the canonical document and the group's title/jurisdiction; delete the group if empty."""
    group = session.get(ReportGroup, group_id)
    if group is None:
        return None
    row = session.execute(members_canonical_first(group_id).limit(1)).first()
    if row is None:
        session.delete(group)
        return None
    canonical, portal = row
    group.canonical_document_id = canonical.id
    group.title = canonical.title
    group.year = canonical.year
    group.jurisdiction = canonical.publisher or portal.region or portal.name
    return group


def _members(session: Session, group_id: int) -> int:
    return session.scalar(select(func.count()).where(Document.report_group_id == group_id)) or 0


def assign_group(session: Session, *, document: Document, text: str) -> int:
    """Put a report's document into the right group (creating one if needed); returns the group id.

    Call after the document's ``year``, ``text_hash`` and ``text_len`` describe its latest version.
    """
    keys = text_band_keys(text)
    replace_bands(session, document_id=document.id, keys=keys)
    target = find_exact(session, document=document) or find_near(
        session, document=document, text=text, keys=keys
    )
    previous = document.report_group_id
    if target is None:
        if previous is not None and _members(session, previous) == 1:
            target = previous  # still alone in its own group: keep the group's identity
        else:
            group = ReportGroup(year=document.year, title=document.title)
            session.add(group)
            session.flush()
            target = group.id
    document.report_group_id = target
    session.flush()
    refresh_group(session, group_id=target)
    if previous is not None and previous != target:
        refresh_group(session, group_id=previous)
    return target


def leave_group(session: Session, *, document: Document) -> None:
    """A document no longer classified as a report leaves its group and the LSH index."""
    session.execute(delete(MinHashBand).where(MinHashBand.document_id == document.id))
    previous = document.report_group_id
    if previous is None:
        return
    document.report_group_id = None
    session.flush()
    refresh_group(session, group_id=previous)
