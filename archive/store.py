"""Writing what a crawl learns into the archive: documents, versions, change events, report groups.

Every function here works inside the caller's transaction and never commits: the caller commits once per
item, so a failure mid-item leaves nothing half-stored. Versions are only ever inserted, never updated:
a new one is created only when the *normalized* text changes (page-chrome changes do not count).

The write path runs once per fetched page, so it speaks SQLAlchemy Core on the session's connection
(:mod:`archive.tables`): a document is a plain dict of its row, and only the columns that changed are
written back. The ORM's unit of work cost about three times the SQL itself here (bench/README.md).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import zstandard
from sqlalchemy import Connection, bindparam, event, select, update
from sqlmodel import Session

from archive.captures import FetchedPage, ListRendered, PageMissing, PageNotModified
from archive.citation import citation_id
from archive.diff import TextDiff, diff_texts
from archive.fingerprint import text_hash
from archive.groups import assign_group, leave_group
from archive.models import RenderedList
from archive.search_index import rank_key
from archive.search_index import replace as reindex
from archive.significance import significance
from archive.tables import (
    CHANGE,
    DOCUMENT,
    PORTAL,
    PROBLEM,
    VERSION,
    VERSION_PAGE,
    DocumentRow,
    insert_into,
    update_document,
    version_entry,
)
from archive.types import utcnow

#: Codec of pages stored from now on. zstd level 3: on the 12 real pages in ../shared/realpages (70 KB average)
#: 0.23 ms a page for 22.9 % of the raw size, against zlib level 3's 0.78 ms for 24.8 % (bench/README.md,
#: bench.search). Versions stored before keep ``zlib``; :func:`decompress_raw` reads both.
RAW_CODEC = "zstd"
RAW_LEVEL = 3
GONE_AFTER = 2
#: A known report's new text less similar than this to the latest version is held (a suspected outage).
OUTAGE_SIMILARITY = 0.2
#: ... and so is one shorter than this share of the latest version's length.
OUTAGE_LENGTH_RATIO = 0.3
#: Titles are stored cut to this many characters (with "…"): a real one is under 100, and a hostile page's
#: 2,000,000-character <title> must not be copied into every listing, search hit and export.
TITLE_MAX_CHARS = 300
#: The start of the problem message of a held text.
HELD_PREFIX = "suspected outage, held"

_DOCUMENT_BY_URL = select(DOCUMENT).where(DOCUMENT.c.url == bindparam("url"))
_PORTAL_EXISTS = select(PORTAL.c.id).where(PORTAL.c.id == bindparam("id"))


@dataclass
class RecordResult:
    """What storing one item did, for stats and logs."""

    document_id: int | None
    outcome: str  # new_version | unchanged | held | problem | missing | not_modified | unknown
    changes: list[str] = field(default_factory=list)  # change kinds recorded, in order
    version: int | None = None  # seq of the version created, if any


def compress_raw(body: bytes) -> bytes:
    """``body`` in :data:`RAW_CODEC` (the frame records its size, which :func:`decompress_raw` relies on)."""
    return zstandard.compress(body, RAW_LEVEL)


class UnreadableRaw(ValueError):
    """A stored page's bytes cannot be read back: a damaged row, or a codec this version does not know."""


def decompress_raw(data: bytes, codec: str = RAW_CODEC) -> bytes:
    """The page bytes of a stored ``raw`` in the codec it was stored with (:class:`UnreadableRaw` if they
    cannot be read, so callers going through many captures can name the bad one and go on)."""
    try:
        if codec == "zstd":
            return zstandard.decompress(data)
        if codec == "zlib":
            return zlib.decompress(data)
    except (zstandard.ZstdError, zlib.error) as exc:
        raise UnreadableRaw(f"stored page bytes are damaged ({codec}: {exc})") from exc
    raise UnreadableRaw(f"unknown raw codec {codec!r}")


def _document_row(conn: Connection, url: str) -> DocumentRow | None:
    """The document whose current URL is ``url``, as a dict of its row."""
    row = conn.execute(_DOCUMENT_BY_URL, {"url": url}).mappings().first()
    return dict(row) if row is not None else None


def _new_document(item: FetchedPage, now: datetime) -> DocumentRow:
    """A document not stored yet (no ``id``), with every column's default spelled out for a Core insert."""
    return {
        "portal_id": item.portal_id,
        "url": item.url,
        "title": None,
        "kind": "other",
        "year": None,
        "publisher": None,
        "published": None,
        "status": "live",
        "first_seen": now,
        "last_seen": now,
        "etag": None,
        "last_modified": None,
        "render_data": None,
        "report_group_id": None,
        "missing_count": 0,
        "moved_to": None,
        "moved_from": None,
        "versions": 0,
        "text_hash": None,
        "text_len": 0,
    }


def _save_document(conn: Connection, document: DocumentRow, before: DocumentRow | None) -> int:
    """Insert a new document (``before`` is None; sets its ``id``) or write the columns that changed."""
    if before is None:
        document["id"] = conn.execute(insert_into(DOCUMENT), document).inserted_primary_key[0]
        return document["id"]
    changed = {name: value for name, value in document.items() if before.get(name) != value}
    if changed:
        update_document(conn, document["id"], **changed)
    return document["id"]


def portal_entry(
    id: str,  # noqa: A002 - the registry's field name
    *,
    name: str | None = None,
    region: str | None = None,
    adcode: str | int | None = None,
    level: str | None = None,
    official: bool = True,
    start_urls: Iterable[str] = (),
    render: str | None = "auto",
) -> dict:
    """A registry entry as :func:`sync_portals` takes it (``name`` None: keep the stored one)."""
    return {
        "id": id,
        "name": name,
        "region": region,
        "adcode": str(adcode) if adcode is not None else None,
        "level": level,
        "official": official,
        "start_urls": list(start_urls),
        "render": render or "auto",
    }


def upsert_portal(session: Session, *, id: str, **fields) -> None:  # noqa: A002 - the registry's field name
    """Create or update one portal from its registry entry (:func:`portal_entry` fields)."""
    sync_portals(session.connection(), [portal_entry(id, **fields)])


def sync_portals(conn: Connection, entries: Iterable[dict]) -> None:
    """Create or update portals from their registry entries (the registry is the authority; a missing name
    keeps the stored one). One query for the rows there, one insert and one update for all of them: a crawl
    opens by syncing its whole registry (3,000 portals in a national night), once a portal at a time through
    the ORM (1.1–2.6 s for 3,000, and the ORM's mapper set-up in the crawl process)."""
    wanted = {entry["id"]: entry for entry in entries}
    if not wanted:
        return
    stored = {
        row["id"]: dict(row)
        for row in conn.execute(select(PORTAL).where(PORTAL.c.id.in_(list(wanted)))).mappings()
    }
    new, changed = [], []
    for portal_id, entry in wanted.items():
        before = stored.get(portal_id)
        row = {**entry, "name": entry.get("name") or (before or {}).get("name") or portal_id}
        if before is None:
            new.append(row)
        elif any(before[key] != value for key, value in row.items()):
            changed.append({"portal_id": row.pop("id"), **row})  # the other keys name the columns to set
    if new:
        conn.execute(insert_into(PORTAL), new)
    if changed:
        conn.execute(update(PORTAL).where(PORTAL.c.id == bindparam("portal_id")), changed)


_SEEN_PORTALS = "fazhi_seen_portals"  # conn.info key of ensure_portal's memory


def _forget_seen_portals(conn: Connection) -> None:
    conn.info.pop(_SEEN_PORTALS, None)


def ensure_portal(conn: Connection, *, portal_id: str, official: bool = True) -> None:
    """Make sure the portal row exists; a stub when the registry was never synced into this database.

    Portal rows are never deleted, so once seen on a database connection a portal needs no query again on
    it: this runs for every stored item. (The memory lives in the connection's ``info``, so it ends with the
    connection and can never outlive the database it describes.) A row may have been inserted earlier in the
    same transaction (the store worker writes batches), so a rollback forgets everything seen.
    """
    seen = conn.info.setdefault(_SEEN_PORTALS, set())
    if portal_id in seen:
        return
    if conn.execute(_PORTAL_EXISTS, {"id": portal_id}).first() is None:
        # not remembered yet: this transaction may still roll back
        conn.execute(
            insert_into(PORTAL), {"id": portal_id, "name": portal_id, "official": official, "start_urls": []}
        )
    else:
        if not event.contains(conn.engine, "rollback", _forget_seen_portals):
            event.listen(conn.engine, "rollback", _forget_seen_portals)
        seen.add(portal_id)


def _add_change(
    conn: Connection,
    *,
    document: DocumentRow,
    kind: str,
    at: datetime,
    summary: str = "",
    from_version: int | None = None,
    to_version: int | None = None,
    result: RecordResult | None = None,
    details: dict | None = None,
) -> None:
    conn.execute(
        insert_into(CHANGE),
        {
            "document_id": document["id"],
            "kind": kind,
            "at": at,
            "summary": summary,
            "from_version": from_version,
            "to_version": to_version,
            "significance": details,
            "score": details["score"] if details else None,
        },
    )
    if result is not None:
        result.changes.append(kind)


def _add_problem(
    conn: Connection, document_id: int | None, portal_id: str, url: str, at: datetime, message: str
) -> None:
    conn.execute(
        insert_into(PROBLEM),
        {"document_id": document_id, "portal_id": portal_id, "url": url, "at": at, "message": message},
    )


def _mark_live(conn: Connection, document: DocumentRow, *, now: datetime, result: RecordResult) -> None:
    """The document answered again: a missing or gone one has ``returned``."""
    if document["status"] != "live":
        _add_change(
            conn,
            document=document,
            kind="returned",
            at=now,
            summary=f"was {document['status']}",
            to_version=document["versions"] or None,
            result=result,
        )
    document["status"] = "live"


def _resolve_move(
    conn: Connection, item: FetchedPage, now: datetime, result: RecordResult
) -> DocumentRow | None:
    """The document for ``item.url``, following a 301 from a known URL (identity and history kept)."""
    document = _document_row(conn, item.url)
    if not item.requested_url or item.requested_url == item.url:
        return document
    old = _document_row(conn, item.requested_url)
    if old is None or (document is not None and old["id"] == document["id"]):
        return document
    if document is None:
        moved = {"moved_from": old["url"], "url": item.url, "moved_to": None}
        update_document(conn, old["id"], **moved)
        old.update(moved)
        _add_change(
            conn,
            document=old,
            kind="moved",
            at=now,
            summary=f"{old['moved_from']} -> {item.url}",
            to_version=old["versions"] or None,
            result=result,
        )
        return old
    # Both URLs are archived already: the old document points at the new one and is no longer served.
    update_document(conn, old["id"], moved_to=item.url, status="gone")
    _add_change(
        conn,
        document=old,
        kind="moved",
        at=now,
        summary=f"{old['url']} -> {item.url} (already archived as document {document['id']})",
        result=result,
    )
    return document


def capped_title(title: str | None) -> str | None:
    """``title`` cut to :data:`TITLE_MAX_CHARS` characters."""
    if title is None or len(title) <= TITLE_MAX_CHARS:
        return title
    return title[: TITLE_MAX_CHARS - 1] + "…"


def _apply_metadata(document: DocumentRow, item: FetchedPage, now: datetime) -> None:
    document["title"] = capped_title(item.title or item.list_title) or document["title"]
    document["kind"] = item.kind or "other"
    document["year"] = item.year
    document["publisher"] = item.publisher or document["publisher"]
    document["published"] = item.published or document["published"]
    # A rendered page's validators describe the HTML shell, not the text that scripts filled in: a 304 for
    # the shell alone would hide an edit. They are kept only with the validators of every data request the
    # scripts made (``render_data``), which the next crawl revalidates too; otherwise such documents are
    # revalidated by rendering them again.
    # No validators without text (a scan left for a later crawl's OCR): the next visit fetches it in full.
    render_data = getattr(item, "render_data", None) if item.rendered else None
    keep = (not item.rendered or render_data is not None) and bool((item.text or "").strip())
    document["etag"] = item.headers.get("etag") if keep else None
    document["last_modified"] = item.headers.get("last-modified") if keep else None
    document["render_data"] = render_data if keep else None
    document["last_seen"] = now
    document["missing_count"] = 0


@dataclass
class _Plausibility:
    """A known report's new text judged against its latest version."""

    previous: str
    diff: TextDiff
    held: bool


def _plausibility(
    conn: Connection, document: DocumentRow, item: FetchedPage, text: str, digest: str | None, now: datetime
) -> _Plausibility | None:
    """Hold an implausible replacement of a known report as a suspected outage (a problem row, no version).

    A maintenance page served with 200 (系统维护), an error page or a stub would otherwise become the
    report's latest version, flip its kind and leave exports and coverage. It is implausible when the kind
    flips from report, the similarity falls below :data:`OUTAGE_SIMILARITY`, or the text shrinks below
    :data:`OUTAGE_LENGTH_RATIO` of the old one. The same text at a later crawl confirms it: a real
    replacement is then stored as a version. None when there is nothing to compare.
    """
    if document["kind"] != "report" or not document["versions"] or digest in (None, document["text_hash"]):
        return None
    previous = version_entry(conn, document["id"], document["versions"])[1]
    diff = diff_texts(previous, text)
    doubts = []
    if item.kind != "report":
        doubts.append(f"kind report -> {item.kind or 'other'}")
    if diff.similarity < OUTAGE_SIMILARITY:
        doubts.append(f"similarity {diff.similarity:.3f}")
    if len(text) < OUTAGE_LENGTH_RATIO * len(previous):
        doubts.append(f"{len(previous)} -> {len(text)} chars")
    if not doubts:
        return _Plausibility(previous, diff, held=False)
    mark = f"{HELD_PREFIX} (text {digest[:16]})"
    held_before = conn.execute(
        select(PROBLEM.c.id).where(
            PROBLEM.c.document_id == document["id"], PROBLEM.c.message.startswith(mark, autoescape=True)
        )
    ).first()
    if held_before is not None:  # seen at an earlier crawl: a real replacement, not an outage
        return _Plausibility(previous, diff, held=False)
    _add_problem(conn, document["id"], item.portal_id, item.url, now, f"{mark}: {', '.join(doubts)}")
    return _Plausibility(previous, diff, held=True)


def record_page(session: Session, item: FetchedPage, *, now: datetime | None = None) -> RecordResult:
    """Store one fetched page: document upsert, move, version (only if the text changed), events, group."""
    now = now or item.fetched_at or utcnow()
    conn = session.connection()
    result = RecordResult(document_id=None, outcome="unchanged")
    ensure_portal(conn, portal_id=item.portal_id, official=item.official)
    document = _resolve_move(conn, item, now, result)
    text = item.text or ""
    digest = (item.text_hash or text_hash(text)) if text.strip() else None
    check = _plausibility(conn, document, item, text, digest, now) if document is not None else None
    if check is not None and check.held:
        result.document_id, result.outcome = document["id"], "held"
        return result
    if document is None:
        before, document = None, _new_document(item, now)
    else:
        before = dict(document)
        _mark_live(conn, document, now=now, result=result)
    was_report, old_year = document["kind"] == "report", document["year"]
    # the search index's row of the latest version is keyed by rank (kind, year): it moves with them
    old_key = (
        rank_key(before["kind"], before["year"], before["id"]) if before and before["versions"] else None
    )
    if before is None or digest is not None:
        _apply_metadata(document, item, now)
    else:  # an empty answer: the page is there, but its title and kind say nothing about the document
        document.update(last_seen=now, missing_count=0)

    if digest is None:
        result.document_id = _save_document(conn, document, before)
        notes = "; ".join(item.problems) or "no text extracted"
        _add_problem(
            conn, document["id"], item.portal_id, item.url, now, f"empty text, no version stored: {notes}"
        )
        result.outcome = "problem"
        _rekey(conn, document, old_key)
        return result

    text_changed = digest != document["text_hash"] or document["versions"] == 0
    # the latest version and the diff to it, computed once (the plausibility check may have made the diff)
    previous_title = previous = diff = None
    if text_changed and document["versions"]:
        previous_title, previous = version_entry(conn, document["id"], document["versions"])
        diff = check.diff if check is not None else None
    if text_changed:
        document.update(versions=document["versions"] + 1, text_hash=digest, text_len=len(text))
    result.document_id = _save_document(conn, document, before)
    if text_changed:
        _add_version(
            conn,
            document=document,
            item=item,
            text=text,
            previous=previous,
            diff=diff,
            now=now,
            result=result,
        )
        new_key = rank_key(document["kind"], document["year"], document["id"])
        old = (old_key, previous_title, previous) if old_key is not None and previous is not None else None
        reindex(conn, old, (new_key, item.title or item.list_title, text))
    else:
        _rekey(conn, document, old_key)

    if document["kind"] == "report":
        if (
            text_changed
            or document["report_group_id"] is None
            or not was_report
            or old_year != document["year"]
        ):
            assign_group(
                session,
                document=document,
                text=text,
                parent_url=getattr(item, "parent_url", None),
                new=before is None,
            )
    elif was_report or document["report_group_id"] is not None:
        leave_group(session, document=document)
    return result


def _rekey(conn: Connection, document: DocumentRow, old_key: int | None) -> None:
    """Move the latest version's index row when the document's kind or year changed without a new text."""
    new_key = rank_key(document["kind"], document["year"], document["id"])
    if old_key is None or old_key == new_key or conn.dialect.name != "sqlite":
        return
    title, body = version_entry(conn, document["id"], document["versions"])
    reindex(conn, (old_key, title, body), (new_key, title, body))


def _add_version(
    conn: Connection,
    *,
    document: DocumentRow,
    item: FetchedPage,
    text: str,
    previous: str | None,
    diff: TextDiff | None,
    now: datetime,
    result: RecordResult,
) -> None:
    """Insert version ``document["versions"]`` (already counted on the document) and its change event."""
    seq = document["versions"]
    version = {
        "document_id": document["id"],
        "seq": seq,
        "fetched_at": item.fetched_at or now,
        "title": capped_title(item.title or item.list_title),
        "text": text,
        "text_extracted": item.text_extracted,
        "text_hash": document["text_hash"],
        "raw": compress_raw(item.body) if item.body is not None else None,
        "raw_codec": RAW_CODEC,
        "raw_size": len(item.body or b""),
        "content_type": item.headers.get("content-type"),
        "encoding": item.encoding,
        "similarity": None,
        "chars_added": None,
        "chars_removed": None,
        "citation": citation_id(document["url"], text),
        "origin": "crawl",
        "status": item.status,
        "headers": dict(item.headers) if item.headers else None,
        "text_method": getattr(item, "text_method", None),
        "text_confidence": getattr(item, "text_confidence", None),
        "page_urls": json.dumps(item.page_urls) if getattr(item, "page_urls", None) else None,
    }
    details = None
    if diff is None:
        summary, kind = f"{len(text)} chars", "new"
    else:
        version.update(
            similarity=round(diff.similarity, 6),
            chars_added=diff.chars_added,
            chars_removed=diff.chars_removed,
        )
        details = significance(previous, text, diff)
        summary = (
            f"+{diff.chars_added} -{diff.chars_removed} chars, similarity {diff.similarity:.4f}; "
            f"{details['summary']}"
        )
        kind = "changed"
    version_id = conn.execute(insert_into(VERSION), version).inserted_primary_key[0]
    _add_pages(conn, version_id, getattr(item, "pages", None) or [])
    _add_change(
        conn,
        document=document,
        kind=kind,
        at=now,
        summary=summary,
        from_version=seq - 1 if diff is not None else None,
        to_version=seq,
        result=result,
        details=details,
    )
    result.outcome = "new_version"
    result.version = seq


def _add_pages(conn: Connection, version_id: int, pages: list[tuple[str, bytes]]) -> None:
    """Keep the raw bytes of an article's later pages (pages 2, 3, …), one row each: ``raw`` is page 1."""
    if pages:
        rows = [
            {
                "version_id": version_id,
                "page": number,
                "url": url,
                "raw": compress_raw(body),
                "raw_codec": RAW_CODEC,
                "raw_size": len(body),
            }
            for number, (url, body) in enumerate(pages, start=2)
        ]
        conn.execute(insert_into(VERSION_PAGE), rows)


def version_pages(conn: Connection, version_id: int) -> list[tuple[str, bytes]]:
    """The later pages of a version's article as fetched, ``(URL, raw bytes)`` in page order (empty for a
    single page, and for a stitched version stored before migration 0016 kept them)."""
    rows = conn.execute(
        select(VERSION_PAGE.c.url, VERSION_PAGE.c.raw, VERSION_PAGE.c.raw_codec)
        .where(VERSION_PAGE.c.version_id == version_id)
        .order_by(VERSION_PAGE.c.page)
    )
    return [(url, decompress_raw(raw, codec)) for url, raw, codec in rows]


def record_missing(
    session: Session, item: PageMissing, *, gone_after: int = GONE_AFTER, now: datetime | None = None
) -> RecordResult:
    """A known URL answered 404/410/soft-404: ``missing``, then ``gone`` after ``gone_after`` crawls in a row."""
    now = now or item.fetched_at or utcnow()
    conn = session.connection()
    document = _document_row(conn, item.url)
    if document is None:
        if item.reason:  # a new URL judged a soft 404: not stored, but not without a trace either
            _add_problem(conn, None, item.portal_id, item.url, now, f"not stored: {item.reason}")
        return RecordResult(document_id=None, outcome="unknown")
    before = dict(document)
    result = RecordResult(document_id=document["id"], outcome="missing")
    document["missing_count"] += 1
    reason = f"HTTP {item.status}" + (f": {item.reason}" if item.reason else "")
    gone_after = max(gone_after, 1)
    if document["status"] == "live" and document["missing_count"] < gone_after:
        document["status"] = "missing"
        _add_change(conn, document=document, kind="missing", at=now, summary=reason, result=result)
    elif document["status"] != "gone" and document["missing_count"] >= gone_after:
        document["status"] = "gone"
        summary = f"{reason}; missing {document['missing_count']} crawls in a row"
        _add_change(conn, document=document, kind="gone", at=now, summary=summary, result=result)
    _save_document(conn, document, before)
    return result


def record_not_modified(
    session: Session, item: PageNotModified, *, now: datetime | None = None
) -> RecordResult:
    """A known URL answered 304 (or was skipped as unchanged): it is alive; touch ``last_seen``."""
    now = now or item.fetched_at or utcnow()
    conn = session.connection()
    document = _document_row(conn, item.url)
    if document is None:
        return RecordResult(document_id=None, outcome="unknown")
    before = dict(document)
    result = RecordResult(document_id=document["id"], outcome="not_modified")
    _mark_live(conn, document, now=now, result=result)
    document["last_seen"] = now
    document["missing_count"] = 0
    _save_document(conn, document, before)
    return result


def record_list_render(session: Session, item: ListRendered) -> RecordResult:
    """Keep what a script-built list's rendering showed (replacing the previous rendering's)."""
    session.merge(
        RenderedList(
            portal_id=item.portal_id,
            url=item.url,
            etag=item.etag,
            last_modified=item.last_modified,
            render_data=item.render_data,
            rendered_at=item.fetched_at,
        )
    )
    return RecordResult(document_id=None, outcome="list_rendered")


def record_reextraction(
    session: Session,
    *,
    document_id: int,
    text: str,
    text_extracted: str | None,
    title: str | None,
    source_seq: int,
    text_method: str | None = None,
    text_confidence: float | None = None,
) -> int | None:
    """Store a re-extracted text of the document's latest capture; the seq of the new version, or None
    when the text did not change.

    The new version is flagged ``origin="reextract"``: it is the same capture read by a newer extractor,
    not a government edit, so no change event is recorded (and no alert can follow). It becomes the
    document's current text, so the next crawl compares new fetches with it and finds no edit either.
    """
    conn = session.connection()
    document = dict(conn.execute(select(DOCUMENT).where(DOCUMENT.c.id == document_id)).mappings().one())
    digest = text_hash(text)
    if digest == document["text_hash"] or not text.strip():
        return None
    source = conn.execute(
        select(VERSION.c.fetched_at, VERSION.c.content_type, VERSION.c.encoding, VERSION.c.status).where(
            VERSION.c.document_id == document_id, VERSION.c.seq == source_seq
        )
    ).one()
    previous_title, previous = version_entry(conn, document_id, document["versions"])
    diff = diff_texts(previous, text)
    seq = document["versions"] + 1
    key = rank_key(document["kind"], document["year"], document_id)  # the search index follows it too
    reindex(conn, (key, previous_title, previous), (key, title or document["title"], text))
    conn.execute(
        insert_into(VERSION),
        {
            "document_id": document_id,
            "seq": seq,
            "fetched_at": source.fetched_at,
            "title": title or document["title"],
            "text": text,
            "text_extracted": text_extracted,
            "text_hash": digest,
            "raw": None,  # the bytes are those of version ``source_seq``
            "raw_codec": RAW_CODEC,
            "raw_size": 0,
            "content_type": source.content_type,
            "encoding": source.encoding,
            "similarity": round(diff.similarity, 6),
            "chars_added": diff.chars_added,
            "chars_removed": diff.chars_removed,
            "citation": citation_id(document["url"], text),
            "origin": "reextract",
            "status": source.status,
            "headers": None,
            "text_method": text_method,
            "text_confidence": text_confidence,
        },
    )
    update_document(conn, document_id, versions=seq, text_hash=digest, text_len=len(text))
    if document["kind"] == "report":  # the fingerprints follow the current text, as after a crawl
        document.update(versions=seq, text_hash=digest, text_len=len(text))
        assign_group(session, document=document, text=text)
    return seq
