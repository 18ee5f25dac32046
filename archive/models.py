"""The archive's tables (SQLModel).

One ``Document`` per canonical URL; every distinct normalized text it ever had is a ``Version`` (never
overwritten); ``Change`` is the event feed; ``ReportGroup`` ties the copies of one jurisdiction's report for
one year together. ``MinHashBand`` holds the LSH band keys that let report grouping find near-duplicate
candidates with an index lookup instead of a scan. The schema itself is created by the Alembic migrations in
``archive/migrations`` (a test keeps the two in step).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from archive.types import UTCDateTime

# Enumerations are plain strings (portable, migratable); these tuples document the allowed values.
DOCUMENT_KINDS = ("report", "other")
DOCUMENT_STATUSES = ("live", "missing", "gone")
CHANGE_KINDS = ("new", "changed", "missing", "gone", "returned", "moved")
ALERT_EVENTS = ("new", "changed", "missing", "gone", "returned")  # what a subscription can ask for
RUN_OUTCOMES = ("running", "ok", "partial", "failed", "interrupted")

# Deterministic constraint names, so later migrations (and SQLite batch mode) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Portal(SQLModel, table=True):
    """A government (or mirror) website listed in the registry."""

    __tablename__ = "portal"

    id: str = Field(primary_key=True, max_length=64)
    name: str
    region: str | None = Field(default=None, index=True)
    adcode: str | None = Field(default=None, max_length=12)
    level: str | None = Field(default=None, max_length=16)
    official: bool = True
    start_urls: list[str] = Field(default_factory=list, sa_type=JSON)
    render: str = Field(default="auto", max_length=16)


class ReportGroup(SQLModel, table=True):
    """The logical report: one jurisdiction's report for one year, carried by one or more documents."""

    __tablename__ = "report_group"
    __table_args__ = (Index("ix_report_group_year_jurisdiction", "year", "jurisdiction"),)

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction: str | None = None
    year: int | None = None
    canonical_document_id: int | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("document.id", ondelete="SET NULL", use_alter=True),
            nullable=True,
        ),
    )
    title: str | None = None


class Document(SQLModel, table=True):
    """One canonical URL and what we currently know about it (the latest version's metadata)."""

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_kind_year", "kind", "year"),
        # text_hash first: the exact-duplicate lookup (text_hash, year, kind) must not fall back to kind/year
        Index("ix_document_text_hash_year_kind", "text_hash", "year", "kind"),
        Index("ix_document_portal_status", "portal_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    portal_id: str = Field(foreign_key="portal.id", max_length=64)
    url: str = Field(unique=True)
    title: str | None = None
    kind: str = Field(default="other", max_length=16)
    year: int | None = None
    publisher: str | None = None
    published: date | None = None
    status: str = Field(default="live", max_length=16)
    first_seen: datetime = Field(sa_type=UTCDateTime)
    last_seen: datetime = Field(sa_type=UTCDateTime)
    etag: str | None = None
    last_modified: str | None = None
    # a rendered page: its data requests' [url, etag, last-modified], revalidated with the page's own validators
    render_data: list[list[str | None]] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    report_group_id: int | None = Field(default=None, foreign_key="report_group.id", index=True)
    missing_count: int = 0
    moved_to: str | None = None
    moved_from: str | None = None
    # denormalized from the latest version so lookups need no join: its seq, text hash and length
    versions: int = 0
    text_hash: str | None = Field(default=None, max_length=64)
    text_len: int = 0


class Version(SQLModel, table=True):
    """One distinct normalized text of a document, as fetched. Rows are only ever inserted."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_version_document_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id")
    seq: int
    fetched_at: datetime = Field(sa_type=UTCDateTime)
    title: str | None = None
    text: str = Field(sa_type=Text)
    text_extracted: str | None = Field(default=None, sa_type=Text)
    text_hash: str = Field(max_length=64)
    raw: bytes | None = Field(default=None, sa_type=LargeBinary)
    raw_codec: str = Field(default="zlib", max_length=16)
    raw_size: int = 0
    content_type: str | None = None
    encoding: str | None = Field(default=None, max_length=32)
    similarity: float | None = None
    chars_added: int | None = None
    chars_removed: int | None = None
    # a short content hash of (URL, normalized text): the id people cite; archive.citation
    citation: str | None = Field(default=None, max_length=32, index=True)
    # crawl: fetched from the portal; reextract: the same raw bytes extracted again (never a change event)
    origin: str = Field(default="crawl", max_length=16)
    status: int | None = None  # the HTTP status and headers of the fetch (for WARC export)
    headers: dict[str, str] | None = Field(default=None, sa_type=JSON)
    # how the text was read (html extractor, pdf, docx, doc, wps, ofd, ocr:<engine>) and OCR's mean score
    text_method: str | None = Field(default=None, max_length=32)
    text_confidence: float | None = None
    page_urls: str | None = Field(default=None, sa_type=Text)  # JSON list: an article split over pages


class VersionPage(SQLModel, table=True):
    """The raw bytes of a later page of an article split over pages (TRS ``t…_1.shtml``), one row per page:
    the version's own ``raw`` is page 1, these are pages 2, 3, … of its ``page_urls``, so the archive keeps
    every byte that the stitched text was read from (``archive.store.version_pages``)."""

    __tablename__ = "version_page"

    version_id: int = Field(
        sa_column=Column(ForeignKey("version.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    page: int = Field(primary_key=True)  # the page's number: 2 for ``page_urls[1]``
    url: str
    raw: bytes = Field(sa_type=LargeBinary)
    raw_codec: str = Field(default="zlib", max_length=16)
    raw_size: int = 0


class Change(SQLModel, table=True):
    """An event in the change feed; ``from_version``/``to_version`` are version sequence numbers."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_document_at", "document_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id")
    kind: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    from_version: int | None = None
    to_version: int | None = None
    summary: str = ""
    # for ``changed``: what changed in a reader's terms (archive.significance) and its rank, 0 = cosmetic
    significance: dict | None = Field(default=None, sa_type=JSON)
    score: float | None = None


class CrawlRun(SQLModel, table=True):
    """One crawl: when, which portals, how it ended, and per-portal counters."""

    __tablename__ = "crawl_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_type=UTCDateTime, index=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str = Field(default="running", max_length=16)
    portals: list[str] = Field(default_factory=list, sa_type=JSON)
    counters: dict[str, dict[str, int]] = Field(default_factory=dict, sa_type=JSON)
    registry_path: str | None = None
    pid: int | None = None  # the process that owns the run (the crawl, or the scheduler that started it)
    host: str | None = Field(default=None, max_length=255)  # where that process runs
    alerts: dict | None = Field(default=None, sa_type=JSON)  # digests sent and failed at the end of the run


class MinHashBand(SQLModel, table=True):
    """LSH band keys of a report's latest text: documents sharing a key are near-duplicate candidates."""

    __tablename__ = "minhash_band"
    # the bucket lookup reads document ids by key from the index alone, never from the table (migration 0023)
    __table_args__ = (Index("ix_minhash_band_key", "key", "document_id"),)

    document_id: int = Field(
        sa_column=Column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    band: int = Field(primary_key=True)
    key: int = Field(sa_type=BigInteger)


class Reading(SQLModel, table=True):
    """What :mod:`archive.reading` found in one version: section structure, required parts, key figures.

    A cache filled on first use (``fazhi figures``/``compliance``, the web UI), not by the crawl: the store
    stays as fast as before, and a better analyzer (a higher ``analyzer``) simply recomputes stale rows.
    """

    __tablename__ = "reading"

    version_id: int = Field(
        sa_column=Column(ForeignKey("version.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    analyzer: int
    parts: list[int] = Field(default_factory=list, sa_type=JSON)
    evidence: dict[str, dict] = Field(default_factory=dict, sa_type=JSON)
    sections: dict[str, list] = Field(default_factory=dict, sa_type=JSON)
    figures: list[dict] = Field(default_factory=list, sa_type=JSON)


class Problem(SQLModel, table=True):
    """A fetch the archive could not turn into a version (e.g. a report with empty text), kept for audit."""

    __tablename__ = "problem"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    portal_id: str = Field(max_length=64)
    url: str
    at: datetime = Field(sa_type=UTCDateTime)
    message: str = Field(sa_type=Text)


class DiscoveredColumn(SQLModel, table=True):
    """A report column found from a portal's home page, with the path of links that led there.

    ``evidence`` is that path: ``[{"url", "anchor", "title"}, …]`` from the home page (or the site search) to
    the column. ``status`` becomes ``moved`` when the column stops answering (404, or a redirect to the home
    page); the portal is then discovered again.
    """

    __tablename__ = "discovered_column"
    __table_args__ = (UniqueConstraint("portal_id", "url", name="uq_discovered_column_portal_url"),)

    id: int | None = Field(default=None, primary_key=True)
    portal_id: str = Field(max_length=64, index=True)
    url: str
    via: str = Field(max_length=16)  # "tree" (links from the home page) | "search" (the site search)
    evidence: list[dict] = Field(default_factory=list, sa_type=JSON)
    found_at: datetime = Field(sa_type=UTCDateTime)
    checked_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="live", max_length=16)  # live | moved


class RenderedList(SQLModel, table=True):
    """A script-built list page as last rendered: the shell's validators and the data requests (fetch/XHR)
    that filled it, so a later crawl can confirm the list unchanged with plain GETs instead of the browser
    (crawler/spiders/datachecks.py). ``render_data`` is None when the rendering did not vouch for its data."""

    __tablename__ = "rendered_list"

    portal_id: str = Field(max_length=64, primary_key=True)
    url: str = Field(primary_key=True)
    etag: str | None = None
    last_modified: str | None = None
    render_data: list[list[str | None]] | None = Field(default=None, sa_type=JSON)
    rendered_at: datetime = Field(sa_type=UTCDateTime)


class DiscoveryAttempt(SQLModel, table=True):
    """One discovery of one portal: how it ended, what it cost and what it tried (kept for audit)."""

    __tablename__ = "discovery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    portal_id: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    outcome: str = Field(max_length=24)  # found | reused | no_column_found | failed
    requests: int = 0
    tried: list[dict] = Field(default_factory=list, sa_type=JSON)


class Subscription(SQLModel, table=True):
    """Who wants to hear of which events: an Apprise URL and filters (all optional, all must match)."""

    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_type=Text)  # an Apprise URL: mailto://, json://, dingtalk://, …
    portal_id: str | None = Field(default=None, max_length=64)
    region: str | None = None  # a region-name prefix (广东省江门市) or, all digits, an adcode prefix (4407)
    kind: str | None = Field(default=None, max_length=16)  # report | other
    events: list[str] = Field(default_factory=list, sa_type=JSON)  # empty: every ALERT_EVENTS kind
    created_at: datetime = Field(sa_type=UTCDateTime)
    since_change: int = 0  # events up to this change id happened before the subscription: never sent
    handled_through: int = 0  # every event up to this change id was delivered (or not wanted): not read again
    source: str | None = None  # the config file it came from, if any


class Delivery(SQLModel, table=True):
    """One change event's delivery to one subscription: sent once, or failed and retried next crawl."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "change_id", name="uq_delivery_subscription_change"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(
        sa_column=Column(ForeignKey("subscription.id", ondelete="CASCADE"), nullable=False)
    )
    change_id: int = Field(sa_column=Column(ForeignKey("change.id", ondelete="CASCADE"), nullable=False))
    status: str = Field(max_length=16)  # sent | failed
    attempts: int = 0
    at: datetime = Field(sa_type=UTCDateTime)
    run_id: int | None = None
    error: str | None = Field(default=None, sa_type=Text)
