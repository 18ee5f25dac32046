"""``fazhi`` command line. Each module registers its commands on :data:`archive.cli.app.app`."""

from __future__ import annotations

from archive.cli import crawl as _crawl  # noqa: F401  (registers commands)
from archive.cli import query as _query  # noqa: F401
from archive.cli import schedule as _schedule  # noqa: F401
from archive.cli import serve as _serve  # noqa: F401
from archive.cli.app import app


def main() -> None:
    app()
