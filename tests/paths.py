"""Where the shared fixtures (real pages, real report texts) live; tests skip when they are absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FAZHI_SHARED", REPO.parent / "shared"))
REALPAGES = SHARED / "realpages"
CORPUS = SHARED / "corpus"


def realpage(prefix: str) -> Path:
    """The real page whose file name starts with ``prefix`` (e.g. "11_"), or skip the test."""
    matches = sorted(REALPAGES.glob(f"{prefix}*")) if REALPAGES.is_dir() else []
    if not matches:
        pytest.skip(f"shared/realpages/{prefix}* not available")
    return matches[0]
