"""The records ``fazhi figures`` and ``fazhi compliance`` print, and the web UI's chart and badge read.

Every archived report counts, withdrawn (missing/gone) ones too; each is read from its latest version.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlmodel import Session

from archive.models import Document, Portal, Version
from archive.reading.analysis import ANALYZER
from archive.reading.cache import READING, readings
from archive.reading.parts import compliance_label, required_parts

COMPLIANCE_KEYS = ("document", "url", "portal", "year", "parts", "evidence")
FIGURE_KEYS = (
    "document",
    "url",
    "portal",
    "region",
    "year",
    "name",
    "value",
    "unit",
    "sentence",
    "start",
    "end",
)
_BATCH = 500


@dataclass
class ReportReading:
    document: Document
    portal: Portal
    version_id: int
    reading: dict

    @property
    def label(self) -> str:
        return compliance_label(self.reading["parts"])


def report_readings(
    session: Session,
    *,
    year: int | None = None,
    region: str | None = None,
    portal: str | None = None,
    official: bool | None = None,
    document_ids: list[int] | None = None,
    store: bool = True,
) -> Iterator[ReportReading]:
    """Reports (latest version each) with their readings, by portal, year and id; computed readings are cached."""
    stmt = (
        select(Document, Portal, Version.id)
        .join(Portal, Portal.id == Document.portal_id)
        .join(Version, and_(Version.document_id == Document.id, Version.seq == Document.versions))
        .where(Document.kind == "report")
    )
    if year is not None:
        stmt = stmt.where(Document.year == year)
    if region:
        stmt = stmt.where(Portal.region.startswith(region, autoescape=True))
    if portal:
        stmt = stmt.where(Document.portal_id == portal)
    if official is not None:
        stmt = stmt.where(Portal.official == official)
    if document_ids is not None:
        stmt = stmt.where(Document.id.in_(document_ids))
    rows = session.execute(stmt.order_by(Portal.id, Document.year, Document.id)).all()
    for i in range(0, len(rows), _BATCH):
        batch = rows[i : i + _BATCH]
        found = readings(session, [v for _, _, v in batch], {v: d.year for d, _, v in batch}, store=store)
        for document, p, version_id in batch:
            yield ReportReading(document, p, version_id, found[version_id])


def compliance_labels(session: Session, document_ids: list[int]) -> dict[int, str]:
    """Document id → compliance label of its latest version, cheaply: only ``parts`` is read from the cache,
    and for versions not cached only the parts are computed (about 0.5 ms each), nothing is written.
    What the coverage matrix needs for thousands of reports per page."""
    out: dict[int, str] = {}
    for i in range(0, len(document_ids), _BATCH):
        chunk = document_ids[i : i + _BATCH]
        latest = session.execute(
            select(Document.id, Document.year, Version.id)
            .join(Version, and_(Version.document_id == Document.id, Version.seq == Document.versions))
            .where(Document.id.in_(chunk))
        ).all()
        version_ids = [v for _, _, v in latest]
        cached = dict(
            session.execute(
                select(READING.c.version_id, READING.c.parts).where(
                    READING.c.version_id.in_(version_ids), READING.c.analyzer == ANALYZER
                )
            ).all()
        )
        todo = [v for v in version_ids if v not in cached]
        if todo:
            years = {v: year for _, year, v in latest}
            for vid, text in session.execute(select(Version.id, Version.text).where(Version.id.in_(todo))):
                cached[vid] = sorted(required_parts(text, years.get(vid)))
        for doc_id, _, vid in latest:
            out[doc_id] = compliance_label(cached[vid])
    return out


def compliance_record(r: ReportReading) -> dict:
    return {
        "document": r.document.id,
        "url": r.document.url,
        "portal": r.portal.id,
        "year": r.document.year,
        "parts": r.reading["parts"],
        "evidence": {k: v["text"] for k, v in sorted(r.reading["evidence"].items())},
        "label": r.label,
        "status": r.document.status,
    }


def figure_records(r: ReportReading) -> Iterator[dict]:
    for f in r.reading["figures"]:
        yield {
            "document": r.document.id,
            "url": r.document.url,
            "portal": r.portal.id,
            "region": r.portal.region,
            "year": r.document.year,
            "name": f["name"],
            "value": f["value"],
            "unit": f["unit"],
            "sentence": f["sentence"],
            "start": f["start"],
            "end": f["end"],
            "yoy": f.get("yoy"),
            "yoy_unit": f.get("yoy_unit"),
        }
