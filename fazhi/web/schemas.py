"""Response models of the JSON API: they make ``/openapi.json`` describe what the API really returns."""

from __future__ import annotations

from pydantic import BaseModel, Field

from archive.coverage import CoverageRow
from archive.diff import DiffBlock
from archive.reading.figures import Figure
from archive.reading.parts import Evidence
from archive.reading.sections import Heading
from archive.search import SearchHit


class SearchResults(BaseModel):
    query: str
    count: int
    hits: list[SearchHit]


class DocumentOut(BaseModel):
    id: int
    url: str
    portal: str
    portal_name: str | None
    region: str | None
    level: str | None
    official: bool | None
    kind: str
    title: str | None
    year: int | None
    published: str | None
    publisher: str | None
    report_group: int | None
    status: str
    versions: int
    first_seen: str | None
    last_seen: str | None
    moved_from: str | None
    moved_to: str | None


class VersionSummaryOut(BaseModel):
    document: int | None = None
    seq: int
    fetched_at: str | None
    title: str | None
    chars: int
    text_hash: str
    similarity: float | None
    chars_added: int | None
    chars_removed: int | None
    raw_size: int
    content_type: str | None
    citation: str | None = Field(default=None, description="Citation id: resolves at /v/{citation}")
    origin: str = Field(
        default="crawl", description="crawl, or reextract (the same raw bytes extracted again)"
    )


class VersionOut(VersionSummaryOut):
    text: str | None = Field(default=None, description="Normalized text (single-version endpoint only)")


class ChangeOut(BaseModel):
    at: str | None
    kind: str
    from_version: int | None
    to_version: int | None
    summary: str
    score: float | None = Field(default=None, description="Significance rank of an edit; 0 = cosmetic")
    significance: dict | None = Field(
        default=None, description="What an edit changed: numbers, sentences, sections, share, cosmetic"
    )


class ProblemOut(BaseModel):
    at: str
    message: str


class HistoryOut(BaseModel):
    id: int
    url: str
    versions: list[VersionSummaryOut]
    changes: list[ChangeOut]
    problems: list[ProblemOut]


class FeedItem(ChangeOut):
    document: int
    url: str
    portal: str
    title: str | None
    year: int | None
    versions: int


class GroupMember(BaseModel):
    id: int
    url: str
    portal: str
    portal_name: str | None
    official: bool
    status: str
    published: str | None
    first_seen: str | None
    versions: int
    canonical: bool


class GroupOut(BaseModel):
    id: int
    title: str | None
    jurisdiction: str | None
    year: int | None
    canonical_document: int | None
    documents: list[GroupMember]


class EvidenceOut(Evidence):
    """Where a required part was found: its heading, or a sentence (``kind``), with offsets in the text."""


class PartOut(BaseModel):
    part: int = Field(description="1–5, as numbered in 督察工作规定 Art. 25")
    name: str
    found: bool
    evidence: EvidenceOut | None


class HeadingOut(Heading):
    """A numbered heading; ``level`` 1: 一、  2: (一)  3: 1.  4: (1)."""


class BoldOut(BaseModel):
    start: int
    end: int
    text: str


class FigureOut(Figure):
    """A key figure: ``name`` from the figure vocabulary (README), ``start``/``end`` the offsets of the number
    in the version's text, ``yoy`` the 同比 change written after it, in ``yoy_unit`` "%" (relative) or "pp"
    (percentage points)."""


class ReadingOut(BaseModel):
    report: bool
    label: str = Field(description='"complete" or "missing part N[, M]"')
    complete: bool
    missing: list[int]
    parts: list[PartOut]
    headings: list[HeadingOut]
    bold: list[BoldOut]
    figures: list[FigureOut]


class DocumentDetail(BaseModel):
    document: DocumentOut
    version: VersionOut | None = Field(description="The latest version, with its text")
    versions: list[VersionOut]
    changes: list[ChangeOut]
    group: GroupOut | None
    reading: ReadingOut | None = Field(
        description="What the shown version contains: headings, required parts with evidence, key figures"
    )


class DiffOut(BaseModel):
    document: DocumentOut
    from_version: VersionOut = Field(alias="from")
    to_version: VersionOut = Field(alias="to")
    chars_added: int
    chars_removed: int
    similarity: float
    changed: bool
    blocks: list[DiffBlock]

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class PortalOut(BaseModel):
    id: str
    name: str
    region: str | None
    adcode: str | None
    level: str | None
    official: bool
    documents: int
    reports: int


class CoverageOut(BaseModel):
    today: str
    years: list[int]
    deadlines: dict[str, str]
    totals: dict[str, dict[str, int]]
    rows: list[CoverageRow]
