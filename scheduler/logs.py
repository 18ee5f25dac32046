"""Logging for the service: a size-rotated file (kept for years of unattended nights) plus the console."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from rich.console import Console
from rich.logging import RichHandler

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 5
LOGGERS = ("fazhi", "apscheduler")


def setup_logging(
    log_file: str | None, *, level: int = logging.INFO, console: Console | None = None
) -> Path | None:
    """Attach the file handler and, given a ``console``, a console handler to the ``fazhi`` and
    ``apscheduler`` loggers (idempotent)."""
    handlers: list[logging.Handler] = []
    path = None
    if log_file:
        path = Path(log_file).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(FORMAT))
        handlers.append(file_handler)
    if console is not None:
        handlers.append(RichHandler(console=console, show_path=False, rich_tracebacks=False))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, "_fazhi_schedule", False)]:
            logger.removeHandler(old)
            old.close()
        for handler in handlers:
            handler._fazhi_schedule = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    return path
