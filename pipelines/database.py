"""The crawl's one database engine, shared by the spider's memory, the run recorder and the store.

It is opened, and the schema brought to the latest migration, the first time a component of the crawl
asks for it; it lives on the crawler object (not in a process-global cache), and is disposed of when the
crawl's engine stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive.db import get_engine, resolve_db_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine

_ATTRIBUTE = "fazhi_db_engine"


def crawl_engine(crawler: Crawler) -> Engine:
    """The engine of ``crawler``'s archive (setting ``FAZHI_DB``), opened once per crawl.

    Scrapy is imported here, not at the top: the store worker process imports this module with
    :mod:`pipelines.store` and never runs a crawler (Scrapy's import is a third of its start-up, 0.3 s)."""
    from scrapy import signals

    engine = getattr(crawler, _ATTRIBUTE, None)
    if engine is None:
        engine = get_engine(resolve_db_url(crawler.settings.get("FAZHI_DB")))
        setattr(crawler, _ATTRIBUTE, engine)
        crawler.signals.connect(engine.dispose, signal=signals.engine_stopped, weak=False)
    return engine
