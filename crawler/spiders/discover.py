"""The ``discover`` spider: find each portal's report column(s) from its home page, store them, crawl nothing.

Run it as ``fazhi discover [--portal ID …] [--json]`` or ``scrapy crawl discover -a registry=PATH``.
A portal with a stored, recent column only has that column checked (one request); see
crawler/discovery/spider.py.

Settings: ``FAZHI_REGISTRY``, ``FAZHI_DB``, ``FAZHI_DISCOVERY_BUDGET``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import scrapy
from scrapy.http import Request

from crawler.discovery.spider import DiscoveryMixin
from crawler.registry import PortalConfig, load_registry, select_portals


class DiscoverSpider(DiscoveryMixin, scrapy.Spider):
    name = "discover"
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {"crawler.extensions.RunRecorder": None}}

    def __init__(self, registry: str | None = None, portal: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.registry_path = registry
        self.portal_ids = [p.strip() for p in (portal or "").split(",") if p.strip()]
        self.portals: dict[str, PortalConfig] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.registry_path = spider.registry_path or settings.get("FAZHI_REGISTRY") or "seeds"
        spider.portals = {
            p.id: p for p in select_portals(load_registry(spider.registry_path), spider.portal_ids)
        }
        spider.setup_discovery(settings)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        self.load_stored_columns(self.portals)
        for portal in list(self.portals.values()):
            for request in self.discovery_start(portal):
                yield request
