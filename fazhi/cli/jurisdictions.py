"""``fazhi coverage --region R``: every jurisdiction of a region, rolled up province → prefecture → county."""

from __future__ import annotations

from datetime import date

from rich.table import Table
from rich.text import Text

from archive.divisions import DATA_AS_OF
from archive.jurisdictions import STATES, UnknownRegion, region_coverage
from fazhi.cli.app import console
from fazhi.cli.query import emit_json, fail, open_session

STYLES = {
    "no_portal": "dim",
    "no_column": "magenta",
    "no_report": "red",
    "late": "yellow",
    "undated": "yellow",
    "on_time": "green",
}


def _counts(counts: dict[str, int]) -> Text:
    text = Text()
    for state in STATES:
        if counts.get(state):
            text.append(f"{state.replace('_', ' ')} {counts[state]}  ", style=STYLES[state])
    return text


def print_region(region: str, *, year: int | None, today: date | None, db: str | None, as_json: bool) -> None:
    with open_session(db) as session:
        try:
            cov = region_coverage(session, region, year=year, today=today)
        except UnknownRegion as exc:
            fail(str(exc))
    if as_json:
        emit_json(cov.to_dict())
        return
    rollup = cov.rollup()
    table = Table(
        title=f"{cov.region.name}: {cov.year} reports (due {cov.year + 1}-03-31) as of {cov.today.isoformat()} "
        f"— divisions as of {DATA_AS_OF}",
        show_lines=False,
    )
    for column in ("adcode", "jurisdiction", "level", "state", "portals", "counties under it"):
        table.add_column(column)
    for row in cov.rows:
        indent = {"province": "", "prefecture": "  ", "county": "    "}[row.level]
        state = Text(row.state.replace("_", " "), style=STYLES[row.state])
        if row.detail:
            state.append(f" ({row.detail.replace('_', ' ')})", style="dim")
        if row.days_late:
            state.append(f" +{row.days_late}d", style="dim")
        below = _counts(rollup.get(row.adcode, {})) if row.level != "county" else Text("")
        name = Text(indent + row.name, style="bold" if row.level != "county" else "")
        table.add_row(row.adcode, name, row.level, state, ", ".join(row.portals), below)
    console.print(table)
    for level, counts in cov.totals().items():
        console.print(Text(f"{level}: ", style="bold") + _counts(counts))
