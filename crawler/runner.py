"""Running the ``reports`` spider in this process, for ``fazhi crawl`` and ``fazhi demo``.

Twisted's reactor cannot restart, so :func:`run_crawl` may be called once per process; the scheduler runs
every crawl in a fresh subprocess for that reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.exitcodes import RUN_EXIT_CODES
from crawler.registry import PortalConfig
from crawler.settings import LOOPBACK_SETTINGS
from crawler.spiders.reports import ReportsSpider
from pipelines.ocrpool import ocr_progress
from pipelines.stats import split_portal_stat

_INTERRUPTED = {"shutdown", "cancelled"}
# store outcomes: the page reached the archive (a write that failed counts in ``store_errors``)
_STORED = ("new_versions", "unchanged", "not_modified", "missing", "store_problems")

# Per-portal counters shown in the crawl summary, in column order: (stats name, column title).
SUMMARY_COLUMNS: list[tuple[str, str]] = [
    ("discovery_requests", "discovery"),
    ("list_pages", "lists"),
    ("articles", "articles"),
    ("attachments", "files"),
    ("revalidated", "rechecked"),
    ("extracted", "extracted"),
    ("reports", "reports"),
    ("new_versions", "new"),
    ("unchanged", "unchanged"),
    ("not_modified", "304"),
    ("missing", "missing"),
    ("soft_404", "soft 404"),
    ("held", "held"),
    ("list_limit_reached", "list cap"),
    ("column_limit_reached", "column cap"),
    ("budget_exhausted", "budget cap"),
    ("browser", "browser"),
    ("ocr_pages", "OCR pages"),
    ("store_errors", "unstored"),
    ("offsite_blocked", "off-scope"),
    ("errors", "errors"),
]


@dataclass
class CrawlResult:
    """What a crawl did: Scrapy's stats, regrouped per portal, and how it finished."""

    stats: dict[str, Any]
    finish_reason: str
    portals: list[str]
    per_portal: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, stats: dict[str, Any], portals: Iterable[str]) -> CrawlResult:
        per_portal: dict[str, dict[str, int]] = defaultdict(dict)
        for key, value in stats.items():
            split = split_portal_stat(key)
            if split is not None and isinstance(value, int):
                portal_id, name = split
                per_portal[portal_id][name] = value
        return cls(
            stats=stats,
            finish_reason=str(stats.get("finish_reason", "unknown")),
            portals=list(portals),
            per_portal=dict(per_portal),
        )

    def totals(self) -> dict[str, float]:
        """Crawl-wide figures: requests, responses, items, seconds."""
        keys = {
            "requests": "downloader/request_count",
            "responses": "downloader/response_count",
            "items": "item_scraped_count",
            "seconds": "elapsed_time_seconds",
        }
        totals = {name: self.stats.get(key, 0) for name, key in keys.items()}
        # requests that went out on the network (robots.txt answered from the cache did not)
        totals["sent"] = totals["requests"] - self.stats.get("httpcache/hit", 0)
        totals["errors_logged"] = self.stats.get("log_count/ERROR", 0)
        return totals

    def portal_counters(self) -> dict[str, dict]:
        """Per portal: its outcome and counters (what the run record and ``--json`` report)."""
        return {
            pid: {"outcome": self.portal_outcome(pid), **self.per_portal.get(pid, {})} for pid in self.portals
        }

    def portal_outcome(self, portal_id: str) -> str:
        """ok / failed (nothing fetched, only errors; or nothing fetched could be stored) / partial (some
        errors, some pages not stored) / empty (no request was made) / no_column_found (discovery from the
        home page found no report column)."""
        counts = self.per_portal.get(portal_id, {})
        if counts.get("no_column_found"):
            return "no_column_found"
        fetched = counts.get("list_pages", 0) + counts.get("articles", 0)
        if counts.get("store_errors") and not any(counts.get(name) for name in _STORED):
            return "failed"
        if counts.get("errors") and not fetched:
            return "failed"
        if counts.get("errors"):
            return "partial"
        return "ok" if fetched else "empty"

    def run_outcome(self, reason: str | None = None) -> str:
        """The run's outcome: ok (every portal ok), partial (some portals crawled and stored, not all),
        failed (none), or interrupted (Ctrl-C / SIGTERM)."""
        reason = reason or self.finish_reason
        if reason in _INTERRUPTED:
            return "interrupted"
        if reason != "finished":
            return "failed"
        outcomes = [self.portal_outcome(pid) for pid in self.portals]
        if outcomes and all(o == "ok" for o in outcomes):
            return "ok"
        if any(o in ("ok", "partial") for o in outcomes):
            return "partial"
        return "failed"

    def exit_code(self) -> int:
        """:data:`EXIT_OK`, :data:`EXIT_PARTIAL`, :data:`EXIT_FAILED` or :data:`EXIT_INTERRUPTED`."""
        return RUN_EXIT_CODES[self.run_outcome()]


def loopback_args() -> list[str]:
    """:data:`~crawler.settings.LOOPBACK_SETTINGS` as ``-s NAME=VALUE`` arguments for a crawl command."""
    return [arg for name, value in LOOPBACK_SETTINGS.items() for arg in ("-s", f"{name}={value}")]


def crawl_settings(*, db_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings (crawler.settings), the archive URL, then caller overrides."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("FAZHI_DB", db_url, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


# setting type -> (the Settings getter that must accept the value, what to ask for)
_KINDS = {
    bool: ("getbool", "true or false"),
    int: ("getfloat", "a number"),  # some int defaults (DOWNLOAD_TIMEOUT) are read as floats
    float: ("getfloat", "a number"),
    dict: ("getdict", "a JSON object"),
}


def check_overrides(overrides: dict[str, Any] | None) -> None:
    """Refuse ``-s NAME=VALUE`` values that the setting's type cannot take, before the reactor starts (where
    Scrapy would fail with a traceback in a Deferred and carry on with nothing crawled)."""
    defaults = crawl_settings(db_url="sqlite://")
    for name, value in (overrides or {}).items():
        default = defaults.get(name)
        if not isinstance(value, str) or default is None or isinstance(default, str):
            continue
        given = Settings({name: value})
        kind = _KINDS.get(type(default))
        if kind is None:
            continue
        try:
            getattr(given, kind[0])(name)
        except (TypeError, ValueError):
            raise ValueError(f"-s {name}={value}: expected {kind[1]} (the default is {default!r})") from None


class _CrawlerProcess(CrawlerProcess):
    """Scrapy's process, with a Ctrl-C that comes while the spider is still opening (its pipelines and the
    run record being set up) kept until the engine starts.

    Scrapy's graceful stop only stops an engine that is already running; one still opening was left alone
    and the reactor stopped under it, so the crawl ended with no finish reason: reported as failed (exit 3),
    its run left ``running``. Here such a crawler is stopped as its engine starts (the engine closes the
    spider with reason ``shutdown``, as for any Ctrl-C), and the reactor stops when the crawl has ended."""

    def _graceful_stop_reactor(self):
        opening = [c for c in self.crawlers if c.crawling and c._engine is not None and not c.engine.running]
        if not opening:
            return super()._graceful_stop_reactor()
        for crawler in opening:
            crawler.signals.connect(_stopper(crawler), signal=signals.engine_started, weak=False)
        return None


def _stopper(crawler) -> Callable[[], Any]:
    async def stop() -> None:
        await crawler.engine.stop_async()

    return stop


def run_crawl(
    *,
    registry: str,
    portals: list[PortalConfig],
    db_url: str,
    overrides: dict[str, Any] | None = None,
    on_event: Callable[[str, str], None] | None = None,
) -> CrawlResult:
    """Crawl ``portals`` (already validated) from ``registry`` into ``db_url``; blocks until done.

    ``on_event(kind, portal_id)`` is called on every response ("response") and stored item ("item"), for
    progress displays; ``on_event("ocr", status)`` whenever scans are queued for OCR or read.
    """
    settings = crawl_settings(db_url=db_url, overrides=overrides)
    process = _CrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    if on_event is not None:

        def _response(response, request, spider):
            on_event("response", request.meta.get("portal_id", "?"))

        def _item(item, response, spider):
            on_event("item", getattr(item, "portal_id", "?"))

        def _ocr(queued, done, pages_total, pages, **_):
            on_event("ocr", f"OCR {done}/{queued} scans, {pages}/{pages_total} pages")

        crawler.signals.connect(_ocr, signal=ocr_progress, weak=False)
        crawler.signals.connect(_response, signal=signals.response_received, weak=False)
        crawler.signals.connect(_item, signal=signals.item_scraped, weak=False)
    process.crawl(crawler, registry=registry, portal=",".join(p.id for p in portals))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult.from_stats(stats, [p.id for p in portals])
