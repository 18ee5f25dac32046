"""The baseline for bench.crawl: a bare Scrapy spider that fetches a list of URLs and does nothing else."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: str, out: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.url_file, self.out = Path(urls), Path(out)

    async def start(self):
        for url in self.url_file.read_text(encoding="utf-8").split():
            yield scrapy.Request(url, callback=self.parse, meta={"download_slot": url.split("/")[2]})

    def parse(self, response):
        return None

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        elapsed = (datetime.now(UTC) - stats["start_time"]).total_seconds()
        self.out.write_text(
            json.dumps({**stats, "elapsed_time_seconds": elapsed}, default=str), encoding="utf-8"
        )
