"""AutoThrottle that learns from 304 as from 200 (crawler/throttle.py), beside Scrapy's own for contrast."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.settings import EXTENSIONS
from crawler.throttle import RevalidationAutoThrottle

SETTINGS = {"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 0.5, "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0}


def _delay_after(cls, status: int, *, delay: float = 4.0, latency: float = 0.3) -> float:
    """A host's delay after one answer of ``status`` that took ``latency`` s, starting from ``delay``."""
    crawler = get_crawler(Spider, SETTINGS)
    throttle = cls.from_crawler(crawler)
    throttle.mindelay, throttle.maxdelay = 0.5, 30.0
    slot = Slot(concurrency=2, delay=delay, jitter=0)
    throttle._adjust_delay(slot, latency, Response("http://127.0.0.1/", status=status))
    return slot.delay


def test_a_quick_304_lowers_the_delay_as_a_quick_200_does():
    assert _delay_after(RevalidationAutoThrottle, 304) == _delay_after(RevalidationAutoThrottle, 200) == 2.15
    assert _delay_after(AutoThrottle, 304) == 4.0  # Scrapy's: only a 200 may lower it


@pytest.mark.parametrize("status", [404, 500, 302])
def test_other_statuses_keep_scrapys_rule(status):
    assert _delay_after(RevalidationAutoThrottle, status) == _delay_after(AutoThrottle, status) == 4.0
    assert _delay_after(RevalidationAutoThrottle, status, delay=0.5, latency=3.0) == 3.0  # raising: yes


def test_the_crawl_uses_it_instead_of_scrapys():
    assert EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "crawler.throttle.RevalidationAutoThrottle" in EXTENSIONS
