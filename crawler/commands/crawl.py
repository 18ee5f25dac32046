"""``scrapy crawl reports``, exiting with fazhi's codes (:mod:`crawler.exitcodes`) instead of always 0.

The scheduler runs every crawl through this command and reads its exit code; Scrapy's own ``crawl`` exits
0 whatever happened to the portals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.exitcodes import EXIT_SETUP
from crawler.runner import CrawlResult

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl reports")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawler.spider is None:
            self.exitcode = EXIT_SETUP
            return
        portals = list(getattr(crawler.spider, "portals", {}))
        self.exitcode = CrawlResult.from_stats(crawler.stats.get_stats(), portals).exit_code()
