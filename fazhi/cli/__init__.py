"""``fazhi`` command line. Each module registers its commands on :data:`fazhi.cli.app.app`.

:func:`main` is the console script. It turns what a person can act on into one line and an exit code
(crawler/exitcodes.py): a set-up error (registry, database) exits 2 and Ctrl-C exits 130, at any moment,
start-up included, without a traceback.
"""

from __future__ import annotations

import sys

EXIT_SETUP = 2
EXIT_INTERRUPTED = 130

try:  # the imports take a second or two: a Ctrl-C meanwhile is an interruption, not a traceback
    from archive.db import DatabaseSetupError
    from crawler.registry import RegistryError
    from fazhi.cli import crawl as _crawl  # noqa: F401  (registers commands)
    from fazhi.cli import query as _query  # noqa: F401
    from fazhi.cli import schedule as _schedule  # noqa: F401
    from fazhi.cli import serve as _serve  # noqa: F401
    from fazhi.cli.app import app, err_console
except KeyboardInterrupt:
    sys.exit(EXIT_INTERRUPTED)


def main() -> None:
    try:
        app()  # exits through SystemExit with the command's code
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except (DatabaseSetupError, RegistryError) as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(EXIT_SETUP)
