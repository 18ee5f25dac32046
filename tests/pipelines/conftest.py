"""Paths to the shared fixtures (``../shared`` beside the repo); tests skip cleanly when it is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REALPAGES = SHARED / "realpages"
CORPUS = SHARED / "corpus"
GOLD = REPO / "tests" / "data" / "realpages_gold.json"


def shared_file(folder: Path, name: str) -> Path:
    """A file under ../shared, or skip the test with a reason."""
    path = folder / name
    if not path.is_file():
        pytest.skip(f"{path} not available (../shared is not checked out here)")
    return path


def gold_pages() -> list[dict]:
    return json.loads(GOLD.read_text(encoding="utf-8"))["pages"]


class FakeStats:
    """The part of Scrapy's StatsCollector the pipelines use."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key: str, default=None):
        return self.values.get(key, default)
