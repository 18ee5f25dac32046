"""Crawl-run bookkeeping: every crawl, however it was started, leaves a CrawlRun record in the archive.

Settings: ``FAZHI_DB`` (archive URL), ``FAZHI_RECORD_RUNS`` (default True), ``FAZHI_RUN_ID`` (a run row
created beforehand by the caller, e.g. the scheduler, which then owns its failure cases: crashes and kills).
"""

from __future__ import annotations

import os
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive import runs
from archive.db import session_scope
from crawler.runner import CrawlResult
from pipelines.database import crawl_engine

_OUTCOME = {"finished": "ok", "shutdown": "interrupted", "cancelled": "interrupted"}


class RunRecorder:
    """Opens a CrawlRun when the spider opens and closes it with per-portal counters when it closes."""

    def __init__(self, crawler, run_id: int | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run_id = run_id
        self.owns_run = run_id is None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("FAZHI_RECORD_RUNS"):
            raise NotConfigured
        run_id = crawler.settings.getint("FAZHI_RUN_ID") or None
        ext = cls(crawler, run_id)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        if not self.owns_run:
            return
        with session_scope(crawl_engine(self.crawler)) as session:
            run = runs.start_run(
                session,
                portals=list(getattr(spider, "portals", {})),
                registry_path=str(getattr(spider, "registry_path", "")),
                pid=os.getpid(),
            )
            self.run_id = run.id

    def spider_closed(self, spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats: dict[str, Any] = self.stats.get_stats()
        result = CrawlResult.from_stats(stats, list(getattr(spider, "portals", {})))
        counters = result.portal_counters()
        with session_scope(crawl_engine(self.crawler)) as session:
            runs.finish_run(session, self.run_id, outcome=_OUTCOME.get(reason, "failed"), counters=counters)
