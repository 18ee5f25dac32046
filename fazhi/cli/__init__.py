"""``fazhi`` command line. Each module registers its commands on :data:`fazhi.cli.app.app`.

:func:`main` is the console script. It turns what a person can act on into one line and an exit code
(crawler/exitcodes.py): a set-up error (registry, database) exits 2 and Ctrl-C exits 130, at any moment,
start-up included, without a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading

EXIT_SETUP = 2
EXIT_INTERRUPTED = 130
_OUTPUT_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so Python's own flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _interrupted_while_importing(signum, frame) -> None:
    """Ctrl-C while the commands' libraries load: nothing is open yet, so leave at once. (A KeyboardInterrupt
    raised inside some library's import can be swallowed by its ``except BaseException``.)"""
    os._exit(EXIT_INTERRUPTED)


_main_thread = threading.current_thread() is threading.main_thread()
_previous = signal.signal(signal.SIGINT, _interrupted_while_importing) if _main_thread else None
try:
    from archive.db import DatabaseSetupError
    from crawler.registry import RegistryError
    from fazhi.cli import alerts as _alerts  # noqa: F401  (registers commands)
    from fazhi.cli import crawl as _crawl  # noqa: F401
    from fazhi.cli import discover as _discover  # noqa: F401
    from fazhi.cli import query as _query  # noqa: F401
    from fazhi.cli import reading as _reading  # noqa: F401
    from fazhi.cli import reextract as _reextract  # noqa: F401
    from fazhi.cli import registry as _registry  # noqa: F401
    from fazhi.cli import schedule as _schedule  # noqa: F401
    from fazhi.cli import serve as _serve  # noqa: F401
    from fazhi.cli.app import app, err_console
finally:
    if _main_thread:
        signal.signal(signal.SIGINT, _previous)


def main() -> None:
    try:
        app()  # exits through SystemExit with the command's code
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader went away (``fazhi export | head``): nobody is left to tell
        _drop_stdout()
        sys.exit(1)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRORS:
            raise
        # files a command opens say so themselves; what reaches here is standard output (a full disk)
        _drop_stdout()
        err_console.print(f"error: cannot write the output: {exc.strerror}", markup=False, highlight=False)
        sys.exit(1)
    except (DatabaseSetupError, RegistryError) as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_SETUP)
