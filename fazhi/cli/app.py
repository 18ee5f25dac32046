"""The Typer application object and options shared by every ``fazhi`` command."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="fazhi",
    help="An archive of Chinese local governments' 法治政府建设 annual reports.",
    no_args_is_help=True,
    add_completion=False,
)

LOG_WIDTH = 160


def make_console(**kwargs) -> Console:
    """A Rich console. Output that is not a terminal (a log file, cron, CI) gets :data:`LOG_WIDTH` columns
    instead of Rich's 80, which squeezed the crawl summary's columns to three letters; ``COLUMNS`` wins."""
    made = Console(**kwargs)
    if not made.is_terminal and "COLUMNS" not in os.environ:
        made.width = LOG_WIDTH
    return made


console = make_console()
err_console = make_console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: $FAZHI_DB, else sqlite:///fazhi.db).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
