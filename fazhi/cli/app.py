"""The Typer application object and options shared by every ``fazhi`` command."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
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


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line mixing our words and crawled or user text, e.g. ``styled(("error:", "red"), " ", message)``:
    every part is text, never markup (a message ending in a backslash, or holding ``[/]``, prints as is),
    and made terminal-safe; ``(text, style)`` pairs carry a style."""
    return Text.assemble(
        *((terminal_safe(p), "") if isinstance(p, str) else (terminal_safe(p[0]), p[1]) for p in parts)
    )


def error_line(message: object) -> Text:
    """``error: <message>`` with the label in red."""
    return styled(("error:", "red"), " ", str(message))


console = make_console()
err_console = make_console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: $FAZHI_DB, else sqlite:///fazhi.db).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@contextlib.contextmanager
def whole_file(path: Path) -> Iterator[Path]:
    """Where to write ``path``'s new content: a hidden file beside it that becomes ``path`` (an atomic rename)
    only once the block ends without an error. A full disk or Ctrl-C in the middle of an export then leaves no
    truncated file that looks finished, and keeps a previous file of that name. A path that is not a
    regular file (``-o /dev/stdout``, a pipe) is written directly."""
    if path.exists() and not path.is_file():
        yield path
        return
    part = path.with_name(f".part-{path.name}")  # the name ends as the target's: same extension
    try:
        yield part
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
