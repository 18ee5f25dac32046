"""The Typer application object and options shared by every ``fazhi`` command."""

from __future__ import annotations

import os
import re
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

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


#: Terminal escape sequences (CSI ``ESC [ … m``, OSC ``ESC ] … BEL``, two-character ``ESC x``) and the
#: C0/C1 control characters other than tab and newline: crawled titles must not drive the terminal.
_TERMINAL_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def terminal_safe(value: object) -> str:
    """``value`` as text that cannot drive a terminal: escape sequences and control characters removed."""
    return _TERMINAL_CONTROLS.sub("", "" if value is None else str(value))


def plain(value: object, style: str = "") -> Text:
    """Crawled or user text (titles, URLs, portal names, error messages) for a Rich table cell or print:
    never read as markup (a title holding ``[/]`` or ``[bold red]``), never a terminal escape."""
    return Text(terminal_safe(value), style=style)


def markup_safe(value: object) -> str:
    """The same text for an f-string that also holds our own markup (``f"[red]error:[/] {…}"``)."""
    return escape(terminal_safe(value))


console = make_console()
err_console = make_console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: $FAZHI_DB, else sqlite:///fazhi.db).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
