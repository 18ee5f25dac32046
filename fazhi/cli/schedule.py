"""The nightly service command: ``fazhi schedule [--once]`` (``fazhi runs`` lives in query.py)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from crawler.registry import DEFAULT_REGISTRY, RegistryError, load_registry
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console, error_line, plain, styled
from fazhi.cli.crawl import RegistryOption, SetOption, parse_overrides
from scheduler.config import ConfigError, ScheduleConfig, load_config
from scheduler.jobs import DueReport
from scheduler.logs import setup_logging
from scheduler.stop import STOP, install_handlers

_OUTCOME_STYLE = {"ok": "green", "failed": "red", "interrupted": "yellow", "running": "cyan"}


def _config(**values) -> ScheduleConfig:
    try:
        config = load_config(**values)
        load_registry(config.registry)
    except (ConfigError, RegistryError) as exc:
        err_console.print(error_line(exc))
        raise typer.Exit(2) from None
    return config


def _print_report(report: DueReport) -> None:
    if not report.due:
        console.print("nothing due")
    table = Table(title="crawls run", show_lines=False)
    for column in ("run", "portals", "outcome", "detail"):
        table.add_column(column)
    for crawl in report.crawls:
        style = _OUTCOME_STYLE.get(crawl.outcome, "white")
        table.add_row(
            str(crawl.run_id),
            plain(", ".join(crawl.portals)),
            plain(crawl.outcome, style),
            plain(crawl.detail),
        )
    if report.crawls:
        console.print(table)
    if report.held_elsewhere:
        console.print(plain(f"being crawled by another scheduler: {', '.join(report.held_elsewhere)}"))
    if report.no_longer_due:
        console.print(plain(f"already crawled by another scheduler: {', '.join(report.no_longer_due)}"))
    if report.flagged:
        console.print(styled(("flagged after repeated failures:", "red"), " ", ", ".join(report.flagged)))
    if report.stopped:
        console.print("[yellow]stopped by a signal: interrupted portals stay due for the next run[/]")


def _print_status(config: ScheduleConfig, as_json: bool) -> None:
    from scheduler.status import portal_status

    rows = portal_status(config)
    if as_json:
        console.print_json(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return
    table = Table(title=plain(f"portals in {config.registry}"))
    for column in ("portal", "cadence", "last attempt", "last success", "failures", "next due"):
        table.add_column(column)
    tz = config.tzinfo

    def when(moment) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "never"

    for row in rows:
        failures = (
            f"[red]{row.consecutive_failures} FLAGGED[/]"
            if row.flagged
            else str(row.consecutive_failures or "")
        )
        table.add_row(
            plain(row.portal),
            plain(row.cadence),
            when(row.last_attempt_at),
            when(row.last_success_at),
            failures,
            when(row.next_due),
        )
    console.print(table)


@app.command()
def schedule(
    once: Annotated[
        bool, typer.Option("--once", help="Crawl what is due now and exit (for cron / a systemd timer).")
    ] = False,
    registry: RegistryOption = str(DEFAULT_REGISTRY),
    db: DbOption = None,
    cron: Annotated[
        str | None,
        typer.Option(
            help="Nightly crawl time as a crontab expression, e.g. '0 2 * * *'. (default: 0 2 * * *)",
            show_default=False,
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            help="Timezone of --cron and of the season. (default: Asia/Shanghai)", show_default=False
        ),
    ] = None,
    jitter: Annotated[
        int | None,
        typer.Option(
            help="Random delay added to each nightly run, seconds. (default: 900)", show_default=False
        ),
    ] = None,
    misfire_grace: Annotated[
        int | None,
        typer.Option(
            help="A missed night is caught up if the service is back within this many seconds. (default: 43200)",
            show_default=False,
        ),
    ] = None,
    log_file: Annotated[
        str | None,
        typer.Option(
            help="Rotating log file ('' for none); crawl logs go to crawls/ beside it. (default: fazhi-schedule.log)",
            show_default=False,
        ),
    ] = None,
    settings: SetOption = None,
    status: Annotated[
        bool,
        typer.Option("--status", help="Show each portal's cadence, failures, flag and next due time; exit."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run the nightly crawl service (APScheduler), or with --once crawl what is due now and exit.

    Daily January–April (the publication season), weekly otherwise, per-portal overrides in the registry;
    failed portals are retried with backoff and flagged after repeated failures. SIGTERM/SIGINT stop cleanly.
    """
    from scheduler.service import run_once, run_service

    config = _config(
        registry=registry,
        db=db,
        cron=cron,
        timezone=timezone,
        jitter=jitter,
        misfire_grace_time=misfire_grace,
        log_file=log_file,
        crawl_settings=parse_overrides(settings) or None,
    )
    if log_file == "":
        config = ScheduleConfig.from_dict({**config.to_dict(), "log_file": None})
    if status:
        _print_status(config, as_json)
        return
    setup_logging(config.log_file, console=None if as_json else err_console)
    install_handlers(STOP)
    if not once:
        err_console.print(
            plain(
                f"scheduling {config.registry} into {config.db_url}: '{config.cron}' {config.timezone}; "
                "Ctrl-C or SIGTERM to stop"
            )
        )
        run_service(config, handle_signals=False)
        return
    report = run_once(config)
    if report.error:
        err_console.print(error_line(report.error))
        raise typer.Exit(2)
    if as_json:
        console.print_json(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report)
