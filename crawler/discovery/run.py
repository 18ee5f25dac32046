"""Running the ``discover`` spider in this process (``fazhi discover``); like crawls, once per process."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.registry import PortalConfig
from crawler.runner import crawl_settings


def run_discovery(
    *, registry: str, portals: list[PortalConfig], db_url: str, overrides: dict[str, Any] | None = None
) -> tuple[dict[str, dict], dict[str, Any]]:
    """Discover ``portals``' columns; returns each portal's result (outcome, requests, columns with their
    evidence, what was tried) and Scrapy's stats."""
    from crawler.spiders.discover import DiscoverSpider

    process = CrawlerProcess(crawl_settings(db_url=db_url, overrides=overrides))
    crawler = process.create_crawler(DiscoverSpider)
    process.crawl(crawler, registry=registry, portal=",".join(p.id for p in portals))
    process.start()
    spider = crawler.spider
    results = dict(getattr(spider, "discovery_results", {}))
    for p in portals:  # a portal the crawl never finished (interrupted) still gets a line
        results.setdefault(
            p.id, {"outcome": "failed", "requests": 0, "columns": [], "tried": [{"note": "not finished"}]}
        )
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return results, stats
