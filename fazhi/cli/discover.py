"""``fazhi discover``: find each portal's report column(s) from its home page and show the evidence."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from archive.db import resolve_db_url
from crawler.discovery.run import run_discovery
from crawler.registry import RegistryError, load_registry, select_portals
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console
from fazhi.cli.crawl import PortalOption, RegistryOption, SetOption, parse_overrides


def evidence_line(evidence: list[dict]) -> str:
    """首页 › 政务公开 › 法治政府建设: the anchors followed from the home page."""
    return " › ".join(step.get("anchor") or step.get("title") or step.get("url", "") for step in evidence)


@app.command()
def discover(
    registry: RegistryOption = "seeds",
    portal: PortalOption = None,
    db: DbOption = None,
    settings: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find each portal's report column(s) from its home page; stored columns are only re-checked.

    Exit code 0 when every portal has a column, 1 when some have none (outcome no_column_found), 2 on a bad
    registry.
    """
    try:
        portals = select_portals(load_registry(registry), portal)
    except RegistryError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if not portals:
        err_console.print(f"[red]error:[/] {registry}: the registry lists no portals")
        raise typer.Exit(2)
    overrides = {"LOG_LEVEL": "WARNING", **parse_overrides(settings)}
    if not as_json:
        err_console.print(f"discovering report columns of {len(portals)} portal(s) from {registry}")
    results, _ = run_discovery(
        registry=registry, portals=portals, db_url=resolve_db_url(db), overrides=overrides
    )
    if as_json:
        print(json.dumps({"portals": results}, ensure_ascii=False, indent=2, default=str))
    else:
        console.print(results_table(results))
    if any(not r["columns"] for r in results.values()):
        raise typer.Exit(1)


def results_table(results: dict[str, dict]) -> Table:
    table = Table(title="report columns")
    table.add_column("portal", no_wrap=True)
    table.add_column("outcome")
    table.add_column("requests", justify="right")
    table.add_column("column")
    table.add_column("evidence (from the home page)")
    styles = {"found": "green", "reused": "green", "no_column_found": "red", "failed": "red"}
    for pid, r in results.items():
        outcome = f"[{styles.get(r['outcome'], 'yellow')}]{r['outcome']}[/]"
        if not r["columns"]:
            tried = "; ".join(t.get("note", "") for t in r["tried"][-3:])
            table.add_row(pid, outcome, str(r["requests"]), "—", f"tried {len(r['tried'])}: {tried}")
        for col in r["columns"]:
            table.add_row(pid, outcome, str(r["requests"]), col["url"], evidence_line(col["evidence"]))
    return table
