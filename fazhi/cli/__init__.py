"""``fazhi`` command line. Each module registers its commands on :data:`fazhi.cli.app.app`."""

from __future__ import annotations

from fazhi.cli import alerts as _alerts  # noqa: F401  (registers commands)
from fazhi.cli import crawl as _crawl  # noqa: F401
from fazhi.cli import query as _query  # noqa: F401
from fazhi.cli import reading as _reading  # noqa: F401
from fazhi.cli import reextract as _reextract  # noqa: F401
from fazhi.cli import schedule as _schedule  # noqa: F401
from fazhi.cli import serve as _serve  # noqa: F401
from fazhi.cli.app import app


def main() -> None:
    app()
