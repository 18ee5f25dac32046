"""Commands that crawl: ``fazhi crawl`` (the registry's portals) and ``fazhi demo`` (govsim, end to end)."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from archive.db import DatabaseSetupError, check_writable, display_url, get_engine, resolve_db_url
from crawler.exitcodes import EXIT_SETUP
from crawler.registry import DEFAULT_REGISTRY, RegistryError, load_registry, select_portals
from crawler.render.summary import browser_cell
from crawler.runner import SUMMARY_COLUMNS, CrawlResult, check_overrides, run_crawl
from crawler.settings import LOOPBACK_SETTINGS
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console, error_line, plain, styled

RegistryOption = Annotated[
    str, typer.Option("--registry", help="Registry file or folder of *.yaml files.", show_default=True)
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", "-s", help="Override a Scrapy/fazhi setting, NAME=VALUE (repeatable).", show_default=False
    ),
]
FullOption = Annotated[
    bool,
    typer.Option("--full", help="Walk every list page again (a full sweep), not only up to known items."),
]
RecheckOption = Annotated[
    bool,
    typer.Option(
        "--recheck",
        help="Revalidate every known document now (conditional GETs), not only those due after "
        "FAZHI_REVALIDATE_AFTER hours.",
    ),
]
PortalOption = Annotated[
    list[str] | None,
    typer.Option("--portal", help="Crawl only this portal id (repeatable).", show_default=False),
]


class _Progress:
    """A one-line live status: pages fetched and items stored, overall and for the busiest portals."""

    def __init__(self) -> None:
        self.responses: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        self.ocr = ""
        self.live = Live(self.render(), console=err_console, refresh_per_second=4, transient=True)

    def render(self) -> Text:
        busiest = ", ".join(f"{pid} {n}" for pid, n in self.responses.most_common(3))
        return styled(
            ("crawling", "bold"),
            f" {sum(self.responses.values())} pages fetched, {sum(self.items.values())} documents processed  ",
            (busiest, "dim"),
            f"  {self.ocr}" if self.ocr else "",
        )

    def __call__(self, kind: str, portal_id: str) -> None:
        if kind == "ocr":
            self.ocr = portal_id  # the OCR status line
        else:
            (self.responses if kind == "response" else self.items)[portal_id] += 1
        self.live.update(self.render())


def summary_table(result: CrawlResult) -> Table:
    """Per-portal counters; columns that are zero for every portal are left out to fit the terminal."""
    always = {"list_pages", "articles", "reports", "errors"}
    columns = [
        (name, title)
        for name, title in SUMMARY_COLUMNS
        if name in always or any(result.per_portal.get(pid, {}).get(name) for pid in result.portals)
    ]
    totals = result.totals()
    table = Table(
        title=f"crawl summary ({result.finish_reason}): {totals['sent']} requests sent, "
        f"{totals['seconds']:.0f} s"
    )
    table.add_column("portal", no_wrap=True)
    for _, title in columns:
        table.add_column(title, justify="right")
    table.add_column("outcome", no_wrap=True)
    styles = {
        "ok": "green",
        "partial": "yellow",
        "failed": "red",
        "empty": "yellow",
        "no_column_found": "red",
    }
    for portal_id in result.portals:
        counts = result.per_portal.get(portal_id, {})
        outcome = result.portal_outcome(portal_id)
        table.add_row(
            plain(portal_id),
            *[browser_cell(counts) if name == "browser" else str(counts.get(name, 0)) for name, _ in columns],
            f"[{styles[outcome]}]{outcome}[/]",
        )
    return table


def _summary_json(result: CrawlResult) -> str:
    return json.dumps(
        {
            "finish_reason": result.finish_reason,
            "totals": result.totals(),
            "portals": result.portal_counters(),
            "alerts": {name: result.stats.get(f"alerts/{name}", 0) for name in ("sent", "events", "failed")},
        },
        ensure_ascii=False,
        indent=2,
    )


def _crawl(
    *, registry: str, portal_ids: list[str] | None, db: str | None, as_json: bool, overrides=None
) -> CrawlResult:
    try:
        portals = select_portals(load_registry(registry), portal_ids)
    except RegistryError as exc:
        err_console.print(error_line(exc))
        raise typer.Exit(EXIT_SETUP) from None
    if not portals:
        err_console.print(error_line(f"{registry}: the registry lists no portals"))
        raise typer.Exit(EXIT_SETUP)
    try:
        db_url = resolve_db_url(db)
        check_overrides(overrides)
        engine = get_engine(db_url)  # a broken archive is a set-up error, before any request is sent
        try:
            check_writable(engine, db_url)
        finally:
            engine.dispose()
    except (ValueError, DatabaseSetupError) as exc:
        err_console.print(error_line(exc), soft_wrap=True)
        raise typer.Exit(EXIT_SETUP) from None
    if as_json:
        result = run_crawl(registry=registry, portals=portals, db_url=db_url, overrides=overrides)
        console.print_json(_summary_json(result))
        return result
    err_console.print(plain(f"crawling {len(portals)} portal(s) from {registry} into {display_url(db_url)}"))
    progress = _Progress()
    with progress.live:
        result = run_crawl(
            registry=registry, portals=portals, db_url=db_url, overrides=overrides, on_event=progress
        )
    console.print(summary_table(result))
    _print_alerts(result)
    logged = result.totals()["errors_logged"]
    if logged:
        err_console.print(
            f"[yellow]{logged} error(s) were logged during the crawl; rerun with -s LOG_LEVEL=INFO for details[/]"
        )
    return result


def _print_alerts(result: CrawlResult) -> None:
    """One line on the digests sent at the end of the crawl (nothing when no subscription had news)."""
    stats = result.stats
    if stats.get("alerts/error"):
        err_console.print(styled(("alerts not sent:", "red"), " ", str(stats["alerts/error"])))
    sent, failed = stats.get("alerts/sent", 0), stats.get("alerts/failed", 0)
    if sent:
        err_console.print(f"alerts: {sent} digest(s) sent, {stats.get('alerts/events', 0)} event(s)")
    if failed:
        err_console.print(
            f"[red]alerts: {failed} digest(s) failed[/]; they are retried with the next crawl (fazhi runs)"
        )


def parse_overrides(pairs: list[str] | None) -> dict[str, str]:
    """``NAME=VALUE`` pairs as given to ``--set``; a malformed pair is a usage error."""
    overrides = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            err_console.print(error_line(f"--set expects NAME=VALUE, got {pair!r}"))
            raise typer.Exit(2)
        overrides[name.strip()] = value
    return overrides


@app.command()
def crawl(
    registry: RegistryOption = str(DEFAULT_REGISTRY),
    portal: PortalOption = None,
    db: DbOption = None,
    full: FullOption = False,
    recheck: RecheckOption = False,
    settings: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Crawl the registry's portals now and store what changed. Portal failures are reported, not fatal.

    Exit codes: 0 every portal crawled and stored, 1 partial, 2 set-up or usage error, 3 failed (nothing
    crawled and stored), 130 interrupted.
    """
    overrides = {
        "LOG_LEVEL": "WARNING",
        "FAZHI_FULL_SWEEP": full,
        "FAZHI_RECHECK": recheck,
        **parse_overrides(settings),
    }
    result = _crawl(registry=registry, portal_ids=portal, db=db, as_json=as_json, overrides=overrides)
    raise typer.Exit(result.exit_code())


DEMO_BASE_PORT = 18700


@contextlib.contextmanager
def _serve_govsim(day: int, portals: int | None):
    """govsim on fixed ports when they are free, so a second demo re-crawls the same URLs (and finds them
    known) instead of archiving every page again under new addresses."""
    from govsim import GovSim

    try:
        sim = GovSim(day=day, portals=portals, base_port=DEMO_BASE_PORT).start()
    except OSError:
        err_console.print(f"[yellow]ports from {DEMO_BASE_PORT} are busy; govsim takes free ports instead[/]")
        sim = GovSim(day=day, portals=portals).start()
    try:
        yield sim
    finally:
        sim.close()


@app.command()
def demo(
    db: DbOption = None,
    day: Annotated[int, typer.Option(help="govsim day to serve (1 = base).")] = 1,
    portals: Annotated[
        int | None, typer.Option(help="Generate this many govsim portals instead of the standard set.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Serve govsim (the simulated government web) on 127.0.0.1 and crawl all of it into the archive."""
    with _serve_govsim(day, portals) as sim, tempfile.TemporaryDirectory() as tmp:
        registry = Path(tmp) / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        if not as_json:
            err_console.print(f"govsim day {day}: serving {len(sim.portals)} portals on 127.0.0.1")
        result = _crawl(
            registry=str(registry),
            portal_ids=None,
            db=db,
            as_json=as_json,
            overrides={**LOOPBACK_SETTINGS, "LOG_LEVEL": "WARNING"},
        )
    if not as_json:
        console.print(
            "next: [bold]fazhi export[/] (reports as JSONL), [bold]fazhi search 法治政府[/], [bold]fazhi show 1[/]"
        )
    raise typer.Exit(result.exit_code())
