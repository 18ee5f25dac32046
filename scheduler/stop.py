"""Graceful stop: SIGTERM / SIGINT set a flag the crawl runner watches; a second signal forces.

The flag is process-wide on purpose: APScheduler jobs are looked up by name from the persistent store and
take only picklable arguments, so the running job finds the stop request here rather than in its arguments.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

log = logging.getLogger("fazhi.scheduler")


class StopSignal:
    """``requested``: finish or stop the current crawl cleanly, start nothing new. ``forced``: kill now."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.forced = threading.Event()
        self.signum: int | None = None

    def request(self, signum: int | None = None) -> None:
        if self.requested.is_set():
            self.forced.set()
        self.signum = self.signum or signum
        self.requested.set()

    def reset(self) -> None:
        self.requested.clear()
        self.forced.clear()
        self.signum = None

    def __bool__(self) -> bool:
        return self.requested.is_set()


STOP = StopSignal()


def install_handlers(stop: StopSignal = STOP, on_stop: Callable[[], None] | None = None) -> None:
    """Route SIGTERM and SIGINT to ``stop`` (main thread only); ``on_stop`` runs on the first one."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        first = not stop.requested.is_set()
        stop.request(signum)
        name = signal.Signals(signum).name
        if first:
            log.warning("%s received: stopping after the current crawl stops cleanly (again to force)", name)
            if on_stop is not None:
                on_stop()
        else:
            log.warning("%s received again: killing the current crawl", name)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
