"""``fazhi`` command line. Each module registers its commands on :data:`fazhi.cli.app.app`.

:func:`main` is the console script. It turns what a person can act on into one line and an exit code
(crawler/exitcodes.py): a set-up error (registry, database) exits 2 and Ctrl-C exits 130, at any moment,
start-up included, without a traceback.
"""

from __future__ import annotations

import sys

EXIT_SETUP = 2
EXIT_INTERRUPTED = 130


def _commands():
    from fazhi.cli import crawl as _crawl  # noqa: F401  (registers commands)
    from fazhi.cli import query as _query  # noqa: F401
    from fazhi.cli import schedule as _schedule  # noqa: F401
    from fazhi.cli import serve as _serve  # noqa: F401
    from fazhi.cli.app import app

    return app


def main() -> None:
    try:
        _run()  # exits through SystemExit with the command's code
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


def _run() -> None:
    from archive.db import DatabaseSetupError
    from crawler.registry import RegistryError

    app = _commands()
    try:
        app()
    except (DatabaseSetupError, RegistryError) as exc:
        from fazhi.cli.app import err_console

        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(EXIT_SETUP)


def __getattr__(name: str):
    if name == "app":
        return _commands()
    raise AttributeError(name)
