"""Child processes that cannot outlive the process that started them, even when it is killed with SIGKILL."""

from __future__ import annotations

import ctypes
import signal

_PR_SET_PDEATHSIG = 1
try:  # looked up at import, not in a child between fork and exec
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None


def die_with_parent() -> None:
    """In a child: be killed when the parent dies, so no crawl or OCR worker runs on unsupervised (Linux
    ``PR_SET_PDEATHSIG``; elsewhere a no-op)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
