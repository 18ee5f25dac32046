"""Read models for what the UI shows of a report's content: the compliance badge, structure, key figures, and
the figure-over-the-years chart. The web UI only reads: readings missing from the cache are computed, not
stored (``fazhi figures``/``compliance`` fill the cache)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from archive.models import Document, Portal
from archive.reading.cache import readings
from archive.reading.figures import VOCABULARY
from archive.reading.parts import PART_NAMES, compliance_label
from archive.reading.records import report_readings
from fazhi.web.chart import line_chart

DEFAULT_FIGURE = "行政复议案件数"
MAX_SERIES = 8


def document_reading(document: Document, version_id: int | None, session: Session) -> dict | None:
    """Structure (any document), and for reports the required parts with evidence and the key figures."""
    if version_id is None:
        return None
    reading = readings(session, [version_id], {version_id: document.year}, store=False)[version_id]
    parts = set(reading["parts"])
    return {
        "report": document.kind == "report",
        "label": compliance_label(parts),
        "complete": len(parts) == len(PART_NAMES),
        "missing": [p for p in PART_NAMES if p not in parts],
        "parts": [
            {"part": p, "name": name, "found": p in parts, "evidence": reading["evidence"].get(str(p))}
            for p, name in PART_NAMES.items()
        ],
        "headings": reading["sections"]["headings"],
        "bold": reading["sections"]["bold"],
        "figures": reading["figures"],
    }


def official_portals(session: Session) -> list[dict]:
    """Official portals that have at least one report: the jurisdictions a chart can compare."""
    rows = session.execute(
        select(Portal.id, Portal.name, Portal.region)
        .where(
            Portal.official.is_(True),
            Portal.id.in_(select(Document.portal_id).where(Document.kind == "report")),
        )
        .order_by(Portal.adcode, Portal.id)
    )
    return [{"id": pid, "name": name, "region": region} for pid, name, region in rows]


def figure_chart(session: Session, name: str, portals: list[str]) -> dict:
    """One figure over the years for the chosen official portals (all of them, up to 8, when none is chosen).

    A portal's value for a year is the figure's first mention in its report for that year (the latest version);
    when a portal carries several reports for one year, the first in id order.
    """
    choices = official_portals(session)
    chosen = [p for p in portals if p] or [p["id"] for p in choices][:MAX_SERIES]
    names = {p["id"]: p["name"] for p in choices}
    series: dict[str, dict[int, float]] = {}
    rows: list[dict] = []
    for pid in chosen[:MAX_SERIES]:
        points: dict[int, float] = {}
        for r in report_readings(session, portal=pid, official=True, store=False):
            year = r.document.year
            if year is None or year in points:
                continue
            figure = next((f for f in r.reading["figures"] if f["name"] == name), None)
            if figure is None:
                continue
            points[year] = figure["value"]
            rows.append(
                {
                    "portal": pid,
                    "portal_name": names.get(pid, pid),
                    "year": year,
                    "value": figure["value"],
                    "unit": figure["unit"],
                    "sentence": figure["sentence"],
                    "document": r.document.id,
                }
            )
        if points:
            series[names.get(pid, pid)] = points
    unit = VOCABULARY[name][0]
    return {
        "name": name,
        "unit": unit,
        "names": list(VOCABULARY),
        "portals": choices,
        "chosen": chosen,
        "rows": sorted(rows, key=lambda r: (r["portal"], r["year"])),
        "svg": line_chart(series, unit, name),
    }
