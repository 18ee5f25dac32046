"""The last pipeline: write each item into the archive.

Inline, each item is one transaction. From the worker process, the items that wait while the worker writes,
or arrive within :data:`GATHER_SECONDS`, are sent together and written in one transaction (group commit):
a crawl's items cost less each (the search index takes a transaction's reports as one segment), a quiet
crawl's go one by one as before. A batch that fails is rolled back whole and written again item by item,
so a bad item still fails alone.

Settings
--------
``FAZHI_DB``
    Archive URL (None: ``$FAZHI_DB``, else ``sqlite:///fazhi.db``), resolved by :func:`archive.db.resolve_db_url`.
``FAZHI_GONE_AFTER``
    Consecutive missing crawls after which a document is ``gone`` (default 2).
``FAZHI_STORE_PROCESS``
    Write from a worker process (:mod:`pipelines.worker`; default True under a crawler), so writing runs
    on another core instead of holding up the reactor; a single worker keeps the writes in arrival order
    and SQLite to a single writer.

Stats: ``store/new_version``, ``store/unchanged``, ``store/held`` (a suspected outage, archive/store.py), ``store/moved``, ``store/missing``, ``store/gone``,
``store/returned``, ``store/not_modified``, ``store/problem``, ``store/unknown_url``, ``store/error``; per portal
``portal/<id>/new_versions``, ``unchanged``, ``held``, ``not_modified``, ``missing``, ``gone``, ``moved``, ``returned``,
``store_problems``, ``store_errors`` (store errors also count in ``portal/<id>/errors``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError, OperationalError

from archive import search_index, store
from archive.db import create_db_engine, display_url, get_engine, resolve_db_url, session_scope
from pipelines.database import crawl_engine
from pipelines.items import ListRendered, PageItem, PageMissing, PageNotModified
from pipelines.stats import portal_stat
from pipelines.worker import WorkerProcess

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy import Engine

logger = logging.getLogger(__name__)
RACE_RETRIES = 2

#: The most items the worker writes in one transaction. Night 1 of bench.national keeps hundreds waiting. In
#: transactions of 32, a realistic report cost 8.5 ms of CPU at 100,000 archived, against 10.7 ms on average
#: one per transaction (bench.dedup, bench/README.md). Night 1's pipeline workers used 299 s of CPU, against
#: 359 s before.
BATCH = 32
#: Batches under way at once: one being written, one waiting in the pipe, so the worker never waits for the
#: reactor between two, and what arrives meanwhile gathers into the next.
SENDERS = 2
#: How long a sender lets items gather before it sends fewer than :data:`BATCH`. Without it, a crawl whose
#: store keeps up sent most items in batches of 1–4 (a third of bench.crawl's items), at 6–10 ms of CPU each
#: against about 4.4 ms in full batches; waiting 50 ms cut the store worker's CPU for bench.crawl's 1,045
#: items from 5.93 to 5.01 s and from 6.08 to 5.50 s (two alternated pairs, bench/README.md). An item's
#: write is at most this much later; a backlog of a full batch is sent at once.
GATHER_SECONDS = 0.05

#: what storing one item gave: its result, or None and the error
Outcome = tuple[store.RecordResult | None, str | None]

# store outcome / change kind -> (global stat, per-portal stat)
_OUTCOME_STATS = {
    "new_version": ("store/new_version", "new_versions"),
    "unchanged": ("store/unchanged", "unchanged"),
    "not_modified": ("store/not_modified", "not_modified"),
    "missing": ("store/missing", "missing"),
    "problem": ("store/problem", "store_problems"),
    "held": ("store/held", "held"),
    "unknown": ("store/unknown_url", None),
}
_CHANGE_STATS = {
    "moved": ("store/moved", "moved"),
    "gone": ("store/gone", "gone"),
    "returned": ("store/returned", "returned"),
}


class StorePipeline:
    """Records PageItem / PageMissing / PageNotModified / ListRendered with :mod:`archive.store`.

    A failing item is rolled back, logged with its URL and counted (``store/error``); the crawl goes on.
    """

    def __init__(
        self,
        db_url: str,
        *,
        gone_after: int = store.GONE_AFTER,
        stats: StatsCollector | None = None,
        in_worker: bool = False,
        crawler: Crawler | None = None,
    ):
        self.db_url = db_url
        self.gone_after = gone_after
        self.stats = stats
        self.in_worker = in_worker
        self.crawler = crawler  # given: the crawl's shared engine (pipelines/database.py) is used
        self.engine: Engine | None = None
        self.worker: WorkerProcess | None = None
        self.waiting: deque[tuple[Any, asyncio.Future[Outcome]]] = deque()
        self.senders: set[asyncio.Task] = set()  # running _send_waiting (held: a task is not collected)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        return cls(
            resolve_db_url(settings.get("FAZHI_DB")),
            gone_after=settings.getint("FAZHI_GONE_AFTER"),
            stats=crawler.stats,
            in_worker=settings.getbool("FAZHI_STORE_PROCESS"),
            crawler=crawler,
        )

    def open_spider(self, spider: Any = None) -> None:
        self.engine = crawl_engine(self.crawler) if self.crawler else get_engine(self.db_url)
        if self.in_worker and self.worker is None:
            self.worker = WorkerProcess(_worker_start, (self.db_url,))
        # Scrapy 2.13+ calls open_spider() without the spider: the registry's portals are on crawler.spider
        if spider is None and self.crawler is not None:
            spider = self.crawler.spider
        portals = getattr(spider, "portals", None) or {}
        if isinstance(portals, dict):
            portals = portals.values()
        entries = [
            store.portal_entry(
                p.id,
                name=p.name,
                region=getattr(p, "region", None),
                adcode=getattr(p, "adcode", None),
                level=getattr(p, "level", None),
                official=getattr(p, "official", True),
                start_urls=getattr(p, "start_urls", ()),
                render=getattr(p, "render", "auto"),
            )
            for p in portals
        ]
        try:
            with self.engine.begin() as conn:
                store.sync_portals(conn, entries)
        except Exception:
            logger.exception("could not sync the registry's portals into %s", display_url(self.db_url))

    def close_spider(self, spider: Any = None) -> None:
        # Scrapy closes the pipelines once every item is done, so an item still waiting here is our bug: it
        # counts as a store error, and the crawl is not ok.
        while self.waiting:
            item, answer = self.waiting.popleft()
            answer.cancel()
            self._count(item, None, "the store closed before the item's turn")
        if self.worker is not None:
            self.worker.close()  # drains queued writes
            self.worker = None
        if self.engine is not None and self.crawler is None:  # the crawl's engine is disposed with the crawl
            self.engine.dispose()
        self.engine = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PageItem | PageMissing | PageNotModified | ListRendered):
            return item
        if self.engine is None or (self.in_worker and self.worker is None):
            self.open_spider(spider)
        if not self.in_worker:
            self._count(item, *write_item(self.engine, item, self.gone_after))
            return item
        return self._write_in_worker(item)

    async def _write_in_worker(self, item: Any) -> Any:
        answer: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.waiting.append((item, answer))
        if len(self.senders) < SENDERS:
            self.senders.add(asyncio.ensure_future(self._send_waiting()))
        self._count(item, *await answer)
        return item

    async def _send_waiting(self) -> None:
        """Send what waits, up to :data:`BATCH` items a call (after :data:`GATHER_SECONDS` for fewer), until
        nothing does.

        A sender leaves ``senders`` in the same step that finds nothing waiting (a done callback would run
        later, and an item arriving in between would find every sender counted and none left to send it).
        """
        try:
            while self.waiting:
                if len(self.waiting) < BATCH:
                    await asyncio.sleep(GATHER_SECONDS)
                    if not self.waiting:  # the other sender took them meanwhile
                        break
                batch = [self.waiting.popleft() for _ in range(min(BATCH, len(self.waiting)))]
                try:
                    outcomes = await self._write_batch([item for item, _ in batch])
                except BaseException:  # cancelled with the crawl: its items must not wait for ever
                    for _, answer in batch:
                        answer.cancel()
                    raise
                for (_, answer), outcome in zip(batch, outcomes, strict=True):
                    if not answer.done():
                        answer.set_result(outcome)
        finally:
            self.senders.discard(asyncio.current_task())

    async def _write_batch(self, items: list[Any]) -> list[Outcome]:
        try:
            return await self.worker.run(_worker_write_items, items, self.gone_after)
        except Exception as exc:  # the worker died on the batch, or it could not be sent (pickled)
            if len(items) == 1:
                return [(None, f"{type(exc).__name__}: {exc}")]
        logger.info("store: a batch of %d items could not be written; sending each alone", len(items))
        return [(await self._write_batch([item]))[0] for item in items]

    def _count(self, item: Any, result: store.RecordResult | None, error: str | None) -> None:
        if result is None:
            logger.error("store failed for %s (rolled back): %s", item.url, error)
            self._inc("store/error", item.portal_id, "store_errors")
            self._inc(None, item.portal_id, "errors")
            return
        stat, portal_stat = _OUTCOME_STATS.get(result.outcome, (None, None))
        self._inc(stat, item.portal_id, portal_stat)
        for kind in result.changes:
            if kind in _CHANGE_STATS:
                key, portal_key = _CHANGE_STATS[kind]
                self._inc(key, item.portal_id, portal_key)

    def _inc(self, key: str | None, portal_id: str, portal_key: str | None) -> None:
        if self.stats is None:
            return
        if key:
            self.stats.inc_value(key)
        if portal_key:
            self.stats.inc_value(portal_stat(portal_id, portal_key))


def record(session, item: Any, *, gone_after: int) -> store.RecordResult:
    """Dispatch one item to the archive's store function for its type."""
    if isinstance(item, PageItem):
        return store.record_page(session, item)
    if isinstance(item, PageMissing):
        return store.record_missing(session, item, gone_after=gone_after)
    if isinstance(item, ListRendered):
        return store.record_list_render(session, item)
    return store.record_not_modified(session, item)


def write_item(engine: Engine, item: Any, gone_after: int) -> Outcome:
    """One item, one transaction: (result, None), or (None, the error) after a complete rollback.

    Another crawl storing the same page at the same moment makes our INSERT hit a UNIQUE constraint (or, on
    SQLite, finds our snapshot stale): a harmless race, so the transaction is redone on what the other
    crawl stored, up to :data:`RACE_RETRIES` times, before it counts as a store error.
    """
    for attempt in range(RACE_RETRIES + 1):
        try:
            with session_scope(engine) as session:
                return record(session, item, gone_after=gone_after), None
        except (IntegrityError, OperationalError) as exc:
            race = isinstance(exc, IntegrityError) or "locked" in str(exc.orig)
            if race and attempt < RACE_RETRIES:
                logger.info("store: %s was written concurrently; redoing its transaction", item.url)
                continue
            return None, f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            return None, f"{type(exc).__name__}: {exc}"
    raise AssertionError("unreachable")  # pragma: no cover


def write_items(engine: Engine, items: list[Any], gone_after: int) -> list[Outcome]:
    """Several items in one transaction, with the search index written last; if anything fails, the whole
    transaction is rolled back and each item is written alone by :func:`write_item` (so a bad item, or a
    race with another crawl, is handled exactly as for one item)."""
    if len(items) > 1:
        try:
            with session_scope(engine) as session, search_index.deferred(session.connection()):
                results = [record(session, item, gone_after=gone_after) for item in items]
            return [(result, None) for result in results]
        except Exception as exc:
            logger.info(
                "store: a batch of %d items failed (%s: %s); writing each alone",
                len(items),
                type(exc).__name__,
                exc,
            )
    return [write_item(engine, item, gone_after) for item in items]


_worker_engine: Engine | None = None


def _worker_start(db_url: str) -> None:
    """The worker's engine. No schema check: the crawl's :meth:`StorePipeline.open_spider` upgraded the
    database before starting the worker."""
    global _worker_engine
    _worker_engine = create_db_engine(db_url)


def _worker_write_items(items: list[Any], gone_after: int) -> list[Outcome]:
    return write_items(_worker_engine, items, gone_after)
