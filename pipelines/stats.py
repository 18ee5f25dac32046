"""Per-portal stats keys: one spelling, written by every stage and read back by the crawl summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

PREFIX = "portal/"


def portal_stat(portal_id: str, name: str) -> str:
    """The namespaced per-portal stats key (``portal/<id>/<name>``)."""
    return f"{PREFIX}{portal_id}/{name}"


def split_portal_stat(key: str) -> tuple[str, str] | None:
    """``(portal_id, name)`` of a per-portal stats key, or None for any other key."""
    if not key.startswith(PREFIX):
        return None
    portal_id, _, name = key[len(PREFIX) :].partition("/")
    return (portal_id, name) if name else None


class Counting:
    """A stage that counts into the crawl's stats; one built without a crawler (tests, ``fazhi reextract``)
    has none and counts nothing."""

    stats: StatsCollector | None = None

    def _inc(self, key: str, n: float = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, n)


class StatsPipeline(Counting):
    """An item pipeline whose only setting is the crawl's stats collector."""

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)
