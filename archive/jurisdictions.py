"""Coverage of every jurisdiction of a region, from the bundled administrative divisions: not only the
portals in the archive, but every province, prefecture and county-level government, including those fazhi
has no portal for yet.

Each jurisdiction gets one state for the report year (``--year``; default: the latest year whose 31 March
deadline has passed):

* ``no_portal`` — no official portal in the archive carries its adcode;
* ``no_column`` — it has a portal, but no report column is known (no column URL, none discovered);
* ``no_report`` — a column is known but there is no report for the year (``missing``, or ``not_due`` yet);
* ``late`` / ``undated`` / ``on_time`` — as in archive/coverage.py, for the best of its portals' reports.

Roll-up: the region's own row, then per prefecture its row and the counts of its counties by state.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from archive import divisions
from archive.coverage import CoverageDoc, classify_cell, deadline
from archive.models import DiscoveredColumn, Document, Portal

STATES = ("no_portal", "no_column", "no_report", "late", "undated", "on_time")
_BEST = {"on_time": 5, "undated": 4, "late": 3, "no_report": 2, "no_column": 1, "no_portal": 0}


@dataclass
class Jurisdiction:
    adcode: str
    name: str
    level: str  # province | prefecture | county
    parent: str | None
    state: str
    detail: str | None = None  # missing | not_due, for no_report
    portals: list[str] = field(default_factory=list)
    date: date | None = None
    days_late: int | None = None


@dataclass
class RegionCoverage:
    region: divisions.Division
    year: int
    today: date
    rows: list[Jurisdiction]  # the region, then each prefecture followed by its counties

    def totals(self) -> dict[str, dict[str, int]]:
        """Per level, how many jurisdictions are in each state."""
        out: dict[str, dict[str, int]] = {}
        for row in self.rows:
            out.setdefault(row.level, dict.fromkeys(STATES, 0))[row.state] += 1
        return out

    def rollup(self) -> dict[str, dict[str, int]]:
        """Per prefecture (and the region itself), the states of the county-level jurisdictions under it."""
        out: dict[str, Counter] = defaultdict(Counter)
        for row in self.rows:
            if row.level == "county":
                out[row.parent or self.region.adcode][row.state] += 1
                if row.parent != self.region.adcode:
                    out[self.region.adcode][row.state] += 1
        return {code: dict(counts) for code, counts in out.items()}

    def to_dict(self) -> dict:
        return {
            "region": {"adcode": self.region.adcode, "name": self.region.name, "level": self.region.level},
            "year": self.year,
            "deadline": deadline(self.year).isoformat(),
            "today": self.today.isoformat(),
            "divisions": {"source": divisions.SOURCE, "as_of": divisions.DATA_AS_OF},
            "totals": self.totals(),
            "rollup": self.rollup(),
            "jurisdictions": [
                {
                    "adcode": r.adcode,
                    "name": r.name,
                    "level": r.level,
                    "parent": r.parent,
                    "state": r.state,
                    "detail": r.detail,
                    "portals": r.portals,
                    "date": r.date.isoformat() if r.date else None,
                    "days_late": r.days_late,
                }
                for r in self.rows
            ],
        }


def default_year(today: date) -> int:
    """The latest year whose report deadline (31 March of the next year) has passed."""
    return today.year - 1 if today > deadline(today.year - 1) else today.year - 2


class UnknownRegion(ValueError):
    pass


def region_coverage(
    session: Session, region: str, *, year: int | None = None, today: date | None = None
) -> RegionCoverage:
    """Every jurisdiction of ``region`` (a name such as 广东省 or an adcode) and its state for ``year``."""
    today = today or date.today()
    year = year or default_year(today)
    top = divisions.find(region)
    if top is None:
        raise UnknownRegion(
            f"{region!r} is not a province, prefecture or county of the divisions ({divisions.DATA_AS_OF})"
        )
    members = [top]
    for child in divisions.children(top.adcode):
        members.append(child)
        members += divisions.children(child.adcode)
    codes = [d.adcode for d in members]

    portals = session.scalars(select(Portal).where(Portal.adcode.in_(codes), Portal.official.is_(True))).all()
    by_code: dict[str, list[Portal]] = defaultdict(list)
    for p in portals:
        by_code[p.adcode].append(p)
    ids = [p.id for p in portals]
    discovered = (
        set(
            session.scalars(
                select(DiscoveredColumn.portal_id).where(
                    DiscoveredColumn.portal_id.in_(ids), DiscoveredColumn.status == "live"
                )
            )
        )
        if ids
        else set()
    )
    docs: dict[str, list[CoverageDoc]] = defaultdict(list)
    if ids:
        for d in session.scalars(
            select(Document).where(
                Document.portal_id.in_(ids), Document.kind == "report", Document.year == year
            )
        ):
            docs[d.portal_id].append(
                CoverageDoc(
                    d.id, d.url, d.title, d.published, d.first_seen.date(), d.status, d.report_group_id
                )
            )
    anyone = any(docs.values())
    rows = []
    for d in members:
        rows.append(
            _judge(d, by_code.get(d.adcode, []), discovered, docs, year=year, others=anyone, today=today)
        )
    return RegionCoverage(top, year, today, rows)


def _judge(d, portals, discovered, docs, *, year, others, today) -> Jurisdiction:
    row = Jurisdiction(
        d.adcode, d.name, d.level, d.parent, "no_portal", portals=sorted(p.id for p in portals)
    )
    best = row
    for p in portals:
        found = docs.get(p.id, [])
        if found:
            cell = classify_cell(found, year=year, others_have_year=others, today=today)
            state, detail = cell.state, None
            candidate = Jurisdiction(
                d.adcode, d.name, d.level, d.parent, state, detail, row.portals, cell.date, cell.days_late
            )
        elif p.start_urls or p.id in discovered:
            cell = classify_cell([], year=year, others_have_year=others, today=today)
            candidate = Jurisdiction(
                d.adcode, d.name, d.level, d.parent, "no_report", cell.state, row.portals
            )
        else:
            candidate = Jurisdiction(d.adcode, d.name, d.level, d.parent, "no_column", None, row.portals)
        if _BEST[candidate.state] > _BEST[best.state]:
            best = candidate
    return best
