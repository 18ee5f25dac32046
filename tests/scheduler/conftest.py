"""Fixtures for the scheduler tests: a small registry, settings that run the stand-in crawl, a clean stop flag."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from archive.db import get_engine
from scheduler.config import ScheduleConfig
from scheduler.stop import STOP

FAKE_CRAWL = Path(__file__).with_name("fake_crawl.py")

REGISTRY = """\
portals:
  - id: alpha
    name: 甲区人民政府
    start_urls: ["http://127.0.0.1:9/alpha/"]
  - id: beta
    name: 乙区人民政府
    start_urls: ["http://127.0.0.1:9/beta/"]
  - id: gamma
    name: 丙区人民政府
    start_urls: ["http://127.0.0.1:9/gamma/"]
    cadence: weekly
"""
PORTALS = ["alpha", "beta", "gamma"]


@pytest.fixture(autouse=True)
def _clean_stop() -> Iterator[None]:
    STOP.reset()
    yield
    STOP.reset()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """For behaviour that does not depend on the backend (the ``db_url`` tests cover both)."""
    return f"sqlite:///{tmp_path / 'fazhi.db'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = get_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


@pytest.fixture
def crawl_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the stand-in crawl appends ``<run_id> <portals>`` to on every start."""
    path = tmp_path / "crawls.txt"
    monkeypatch.setenv("FAKE_CRAWL_LOG", str(path))
    monkeypatch.setenv("FAKE_CRAWL_MODE", "ok")
    return path


def crawled(log: Path) -> list[str]:
    """Every portal crawled, once per crawl that included it."""
    if not log.exists():
        return []
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    return [p for parts in lines if parts[0] != "ready" for p in parts[1].split(",")]


def make_config(db_url: str, registry: Path, tmp_path: Path, **overrides) -> ScheduleConfig:
    values = {
        "registry": str(registry),
        "db_url": db_url,
        "jitter": 0,
        "stop_timeout": 5,
        "lease_ttl": 30,
        "log_file": str(tmp_path / "logs" / "fazhi-schedule.log"),
        "crawl_command": (sys.executable, str(FAKE_CRAWL)),
    }
    values.update(overrides)
    return ScheduleConfig(**values)
