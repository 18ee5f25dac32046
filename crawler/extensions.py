"""Crawl-run bookkeeping: every crawl, however it was started, leaves a CrawlRun record in the archive.

Settings: ``FAZHI_DB`` (archive URL), ``FAZHI_RECORD_RUNS`` (default True), ``FAZHI_RUN_ID`` (a run row
created beforehand by the caller, e.g. the scheduler, which then owns its failure cases: crashes and kills),
``FAZHI_ALERTS`` (default True: send the subscriptions' digests when the crawl closes, archive/alerts.py),
``FAZHI_SUBSCRIPTIONS`` (a YAML file of subscriptions synced into the archive before sending).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive import alerts, runs
from archive.db import session_scope
from crawler.runner import CrawlResult
from pipelines.database import crawl_engine

logger = logging.getLogger(__name__)


class RunRecorder:
    """Opens a CrawlRun when the spider opens and closes it with per-portal counters when it closes."""

    def __init__(
        self,
        crawler,
        run_id: int | None = None,
        *,
        send_alerts: bool = True,
        subscriptions_file: str | None = None,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run_id = run_id
        self.owns_run = run_id is None
        self.send_alerts = send_alerts
        self.subscriptions_file = subscriptions_file

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("FAZHI_RECORD_RUNS"):
            raise NotConfigured
        run_id = crawler.settings.getint("FAZHI_RUN_ID") or None
        ext = cls(
            crawler,
            run_id,
            send_alerts=crawler.settings.getbool("FAZHI_ALERTS"),
            subscriptions_file=crawler.settings.get("FAZHI_SUBSCRIPTIONS") or None,
        )
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        with session_scope(crawl_engine(self.crawler)) as session:
            for run_id in runs.close_abandoned(session):
                logger.warning("run %d was left running by a process that is gone: interrupted", run_id)
        if self.send_alerts and self.subscriptions_file:
            self.sync_subscriptions()
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
            runs.finish_run(session, self.run_id, outcome=result.run_outcome(reason), counters=counters)
        if self.send_alerts:
            self.deliver_alerts()

    def sync_subscriptions(self) -> None:
        """Subscriptions from the FAZHI_SUBSCRIPTIONS file, synced before the crawl records any event, so
        a new one receives what this crawl finds."""
        try:
            with session_scope(crawl_engine(self.crawler)) as session:
                alerts.sync_config(session, self.subscriptions_file)
        except alerts.SubscriptionError as exc:
            logger.error("subscriptions not loaded: %s", exc)
            self.stats.set_value("alerts/error", str(exc))

    def deliver_alerts(self) -> None:
        """One digest per subscription with what it has not received yet (failed ones are retried here)."""
        try:
            outcome = alerts.send_digests(crawl_engine(self.crawler), run_id=self.run_id)
        except alerts.SubscriptionError as exc:
            logger.error("alerts not sent: %s", exc)
            self.stats.set_value("alerts/error", str(exc))
            return
        self.stats.set_value("alerts/sent", len(outcome.sent))
        self.stats.set_value("alerts/events", sum(outcome.sent.values()))
        self.stats.set_value("alerts/failed", len(outcome.failed))
        for subscription_id, error in outcome.failed.items():
            logger.error("alert digest for subscription %s failed: %s", subscription_id, error)
