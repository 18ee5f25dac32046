"""The nightly service command: ``fazhi schedule [--once]`` (``fazhi runs`` lives in query.py)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.table import Table

from archive.db import display_url
from crawler.exitcodes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL
from crawler.registry import DEFAULT_REGISTRY, RegistryError, load_registry
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console, error_line, plain, styled
from fazhi.cli.crawl import RegistryOption, SetOption, parse_overrides
from scheduler.config import ConfigError, ScheduleConfig, load_config
from scheduler.jobs import DueReport
from scheduler.logs import setup_logging
from scheduler.stop import STOP, install_handlers

QueueOption = Annotated[
    str | None,
    typer.Option(
        "--queue",
        help="Broker URL (redis://host:6379/0): `schedule` enqueues crawls for `fazhi worker`s instead of "
        "crawling itself. (default: $FAZHI_QUEUE)",
        show_default=False,
    ),
]

_OUTCOME_STYLE = {
    "ok": "green",
    "partial": "yellow",
    "failed": "red",
    "interrupted": "yellow",
    "running": "cyan",
}


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
    for batch in report.enqueued:
        console.print(plain(f"enqueued for a worker: {', '.join(batch)}"))
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
    queue: QueueOption = None,
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
        queue=queue,
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
                f"scheduling {config.registry} into {display_url(config.db_url)}: '{config.cron}' {config.timezone}; "
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
    raise typer.Exit(once_exit_code(report.stopped, [c.outcome for c in report.crawls]))


def once_exit_code(stopped: bool, outcomes: list[str]) -> int:
    """``--once`` exits like a crawl (README: Exit codes): 0 when every crawl it ran was ok (or none was due),
    3 when all failed, 1 in between, 130 when it was stopped."""
    if stopped:
        return EXIT_INTERRUPTED
    if all(o == "ok" for o in outcomes):
        return EXIT_OK
    if all(o == "failed" for o in outcomes):
        return EXIT_FAILED
    return EXIT_PARTIAL


@app.command()
def worker(
    queue: QueueOption = None,
    db: DbOption = None,
    registry: Annotated[
        str | None,
        typer.Option(help="Registry path on this machine (default: the path the scheduler sent)."),
    ] = None,
    log_file: Annotated[
        str | None,
        typer.Option(
            help="Rotating log file ('' for none). (default: fazhi-schedule.log)", show_default=False
        ),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Worker name (default: fazhi@HOST).")] = None,
) -> None:
    """Take portal crawls from the queue that `fazhi schedule --queue` fills, one batch at a time.

    Each batch is crawled under the portals' leases, with the settings the scheduler sent, into the
    scheduler's archive unless --db or $FAZHI_DB names this machine's way to it (PostgreSQL when workers run
    on several machines). Ctrl-C / SIGTERM: finish the
    current batch, then stop; a worker killed outright loses nothing, its batch goes to another worker.
    """
    from scheduler.queue import run_worker

    config = load_config(db=db, log_file=log_file, queue=queue)
    if not config.queue:
        err_console.print("[red]error:[/] no queue: give --queue redis://HOST:6379/0 or set FAZHI_QUEUE")
        raise typer.Exit(2)
    # how to run a crawl and where to log are this machine's business, not the scheduler's
    overrides: dict[str, object] = {"crawl_command": list(config.crawl_command), "log_file": config.log_file}
    if db or os.environ.get("FAZHI_DB"):
        overrides["db_url"] = config.db_url
    if registry:
        overrides["registry"] = registry
    setup_logging(config.log_file or None, console=err_console)
    run_worker(config, overrides=overrides, name=name)
