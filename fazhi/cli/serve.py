"""Commands that serve the archive: serve (web UI), coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from archive.coverage import CoverageCell, deadline
from archive.coverage import coverage as coverage_matrix
from archive.db import display_url, resolve_db_url
from archive.queries import YEAR_MAX, YEAR_MIN
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console, plain, terminal_safe
from fazhi.cli.query import emit_json, open_session

STATE_STYLES = {
    "on_time": "green",
    "late": "yellow",
    "undated": "cyan",
    "missing": "bold red",
    "not_due": "dim",
}


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to bind (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8765,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Also answer requests for this Host name (repeatable; '*' for any). 127.0.0.1, localhost "
            "and the --host address are always answered; other names get 400 (DNS rebinding).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """The web UI and JSON API: search, reports, diffs, the change feed and coverage."""
    import uvicorn

    from fazhi.web import create_app
    from fazhi.web.app import LOCAL_HOSTS

    url = resolve_db_url(db)
    hosts = list(dict.fromkeys([*LOCAL_HOSTS, f"[{host}]" if ":" in host else host, *(allow_host or [])]))
    web = create_app(url, allowed_hosts=hosts)  # an archive that will not open: one sentence, exit 2 (main)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    err_console.print(
        plain(f"fazhi: serving {display_url(url)} on http://{shown}:{port}/ (Ctrl-C to stop)"),
        highlight=False,
    )
    uvicorn.run(web, host=host, port=port, log_level="info")


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _cell_text(cell: CoverageCell) -> Text:
    style = STATE_STYLES[cell.state]
    label = cell.state.replace("_", " ")
    if cell.state == "late":
        label += f" +{cell.days_late}d"
    text = Text(label, style=style)
    if cell.date:
        text.append(f"\n{cell.date.isoformat()}" + (" (seen)" if cell.date_source == "first_seen" else ""))
    for doc in cell.documents:
        if doc.compliance:
            text.append(
                f"\n#{doc.id} {doc.compliance}", style="green" if doc.compliance == "complete" else "red"
            )
    if cell.also_on:
        text.append(terminal_safe(f"\nalso on {', '.join(cell.also_on)}"), style="dim")
    return text


@app.command()
def coverage(
    year: Annotated[
        list[int] | None,
        typer.Option(
            help="Year the reports cover; repeatable (default: every year).", min=YEAR_MIN, max=YEAR_MAX
        ),
    ] = None,
    mirrors: Annotated[
        bool, typer.Option("--mirrors", help="Add rows for unofficial mirror portals.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge deadlines as of this day (default: today).")
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Every jurisdiction of this province/prefecture (e.g. 广东省), from the bundled divisions, "
            "rolled up province → prefecture → county; one --year (default: the last one due).",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which portal published its report for which year, when, and whether by the 31 March deadline."""
    today = _parse_day(as_of)
    if region is not None:
        from fazhi.cli.jurisdictions import print_region

        print_region(region, year=(year or [None])[-1], today=today, db=db, as_json=as_json)
        return
    with open_session(db) as session:
        matrix = coverage_matrix(
            session, years=year, include_mirrors=mirrors, today=today, compliance=True, store_readings=True
        )
    if as_json:
        emit_json(matrix.to_dict())
        return
    if not matrix.years:
        console.print("no reports in the archive yet")
        return
    table = Table(show_lines=True, title=f"report coverage as of {matrix.today.isoformat()}")
    table.add_column("portal")
    for y in matrix.years:
        table.add_column(f"{y}\ndue {deadline(y).isoformat()}")
    for row in matrix.rows:
        name = plain(row.name)
        name.append(
            terminal_safe(f"\n{row.portal}" + (f" · {row.region}" if row.region else "")), style="dim"
        )
        table.add_row(name, *(_cell_text(row.cells[y]) for y in matrix.years))
    totals = matrix.totals()
    table.add_row(
        Text("totals", style="bold"),
        *(
            Text(", ".join(f"{s.replace('_', ' ')} {n}" for s, n in totals[y].items() if n))
            for y in matrix.years
        ),
    )
    console.print(table)
