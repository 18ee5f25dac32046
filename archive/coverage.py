"""Coverage: which portal published its annual report for which year, when, and whether on time.

《法治政府建设与责任落实督察工作规定》(2019) has each government publish its report for year *Y* before
1 April of *Y+1*. The matrix has one row per **official** portal (each stands for
the government that runs it; mirrors owe no report and only show up as "also on") and one column per year.

The rule, per (portal, year) cell, as of ``today``:

* **on_time** — the portal carries a report for *Y* published on or before *Y+1*-03-31 (the deadline).
* **late** — it carries one, but the earliest publication date is after the deadline.
* **undated** — it carries one without a publication date and we first saw it after the deadline, so we
  cannot tell. A report without a date that we saw *by* the deadline counts as on time: it existed then.
* **missing** — no report for *Y*, and either another portal in the archive has one for *Y* (reports for
  *Y* are evidently out) or the deadline of *Y* has passed.
* **not_due** — no report, nobody has one yet, and the deadline is still ahead.

The date of a cell is the earliest ``published`` among the portal's report documents for the year, else
the earliest ``first_seen`` (flagged ``date_source="first_seen"``). Reports that were later taken down
still count as published; their status is shown in the cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from archive.models import Document, Portal
from archive.reading.records import compliance_labels, report_readings

STATES = ("on_time", "late", "undated", "missing", "not_due")


def deadline(year: int) -> date:
    """The last day a report covering ``year`` may appear and still be on time."""
    return date(year + 1, 3, 31)


@dataclass
class CoverageDoc:
    """One report document in a cell; ``compliance`` (when asked for) is "complete" or "missing part N[, M]"
    (督察工作规定 Art. 25)."""

    id: int
    url: str
    title: str | None
    published: date | None
    first_seen: date
    status: str
    report_group: int | None
    compliance: str | None = None


@dataclass
class CoverageCell:  # CoverageDoc, CoverageCell and CoverageRow are also the JSON API's schemas
    """One portal's reports for one year: ``state`` on_time, late, undated, missing or not_due, judged on
    ``date`` (from ``date_source``: published, else first_seen)."""

    state: str
    date: dt.date | None = None  # dt.date: in the class body, ``date`` is this field
    date_source: str | None = None  # "published" | "first_seen"
    days_late: int | None = None
    documents: list[CoverageDoc] = field(default_factory=list)
    also_on: list[str] = field(default_factory=list)  # other portals carrying the same report group(s)


@dataclass
class CoverageRow:
    portal: str
    name: str
    region: str | None
    level: str | None
    adcode: str | None
    cells: dict[int, CoverageCell]


@dataclass
class Coverage:
    years: list[int]
    rows: list[CoverageRow]
    today: date

    def totals(self) -> dict[int, dict[str, int]]:
        """Per year, how many portals are in each state."""
        out = {y: dict.fromkeys(STATES, 0) for y in self.years}
        for row in self.rows:
            for y, cell in row.cells.items():
                out[y][cell.state] += 1
        return out

    def to_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "years": self.years,
            "deadlines": {str(y): deadline(y).isoformat() for y in self.years},
            "totals": {str(y): t for y, t in self.totals().items()},
            "rows": [
                {
                    "portal": r.portal,
                    "name": r.name,
                    "region": r.region,
                    "level": r.level,
                    "adcode": r.adcode,
                    "cells": {str(y): _cell_dict(c) for y, c in r.cells.items()},
                }
                for r in self.rows
            ],
        }


def _cell_dict(cell: CoverageCell) -> dict:
    data = asdict(cell)
    data["date"] = cell.date.isoformat() if cell.date else None
    for doc in data["documents"]:
        doc["published"] = doc["published"].isoformat() if doc["published"] else None
        doc["first_seen"] = doc["first_seen"].isoformat()
    return data


def classify_cell(docs: list[CoverageDoc], *, year: int, others_have_year: bool, today: date) -> CoverageCell:
    """Apply the rule in the module docstring to one portal's report documents for one year."""
    if not docs:
        due = others_have_year or today > deadline(year)
        return CoverageCell(state="missing" if due else "not_due")
    dated = [d.published for d in docs if d.published is not None]
    if dated:
        when, source = min(dated), "published"
    else:
        when, source = min(d.first_seen for d in docs), "first_seen"
    limit = deadline(year)
    if when <= limit:
        state = "on_time"
    elif source == "first_seen":
        state = "undated"
    else:
        state = "late"
    days_late = (when - limit).days if state == "late" else None
    return CoverageCell(state=state, date=when, date_source=source, days_late=days_late, documents=docs)


def report_years(session: Session) -> list[int]:
    """Every year some report in the archive covers, oldest first."""
    rows = session.scalars(
        select(Document.year).where(Document.kind == "report", Document.year.is_not(None)).distinct()
    )
    return sorted(int(y) for y in rows)


def coverage(
    session: Session,
    *,
    years: Iterable[int] | None = None,
    today: date | None = None,
    include_mirrors: bool = False,
    compliance: bool = False,
    store_readings: bool = False,
) -> Coverage:
    """The portal × year matrix; ``years`` defaults to every year some report in the archive covers.

    ``compliance`` labels every report with the parts it contains (:mod:`archive.reading`); readings missing
    from the cache are computed, and stored when ``store_readings``.
    """
    today = today or date.today()
    wanted = sorted(set(years)) if years else report_years(session)
    portal_stmt = select(Portal).order_by(Portal.adcode.nulls_last(), Portal.region, Portal.id)
    if not include_mirrors:
        portal_stmt = portal_stmt.where(Portal.official.is_(True))
    portals = session.scalars(portal_stmt).all()

    by_cell: dict[tuple[str, int], list[CoverageDoc]] = defaultdict(list)
    groups: set[int] = set()
    if wanted:
        docs = session.execute(
            select(Document).where(Document.kind == "report", Document.year.in_(wanted)).order_by(Document.id)
        ).scalars()
        for d in docs:
            by_cell[(d.portal_id, d.year)].append(
                CoverageDoc(
                    id=d.id,
                    url=d.url,
                    title=d.title,
                    published=d.published,
                    first_seen=d.first_seen.date(),
                    status=d.status,
                    report_group=d.report_group_id,
                )
            )
            if d.report_group_id is not None:
                groups.add(d.report_group_id)
    carriers = _group_portals(session, groups)

    holders: dict[int, set[str]] = defaultdict(set)  # year -> portals with a report for it
    for pid, y in by_cell:
        holders[y].add(pid)
    rows = []
    for p in portals:
        cells = {}
        for y in wanted:
            docs_here = by_cell.get((p.id, y), [])
            others = bool(holders[y] - {p.id})
            cell = classify_cell(docs_here, year=y, others_have_year=others, today=today)
            also = {pid for d in docs_here if d.report_group is not None for pid in carriers[d.report_group]}
            cell.also_on = sorted(also - {p.id})
            cells[y] = cell
        rows.append(CoverageRow(p.id, p.name, p.region, p.level, p.adcode, cells))
    if compliance:
        _label_compliance(session, [d for docs in by_cell.values() for d in docs], store_readings)
    return Coverage(years=wanted, rows=rows, today=today)


def _label_compliance(session: Session, docs: list[CoverageDoc], store: bool) -> None:
    ids = [d.id for d in docs]
    if store:  # full readings, computed once and cached (the CLI)
        labels = {r.document.id: r.label for r in report_readings(session, document_ids=ids, store=True)}
    else:  # parts only, nothing written (the read-only web UI and API)
        labels = compliance_labels(session, ids)
    for d in docs:
        d.compliance = labels.get(d.id)


def _group_portals(session: Session, groups: set[int]) -> dict[int, set[str]]:
    """For each report group, the portals whose documents carry it."""
    out: dict[int, set[str]] = defaultdict(set)
    if not groups:
        return out
    rows = session.execute(
        select(Document.report_group_id, Document.portal_id).where(
            Document.report_group_id.in_(sorted(groups))
        )
    )
    for group_id, portal_id in rows:
        out[group_id].add(portal_id)
    return out
