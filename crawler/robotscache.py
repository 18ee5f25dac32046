"""Keep robots.txt between crawls, through Scrapy's own HTTP cache.

A nightly re-crawl of an unchanged portal should cost a request or two, and robots.txt rarely changes; so
robots.txt (and only robots.txt) is cached for ``HTTPCACHE_EXPIRATION_SECS`` (a day by default).

Settings: ``HTTPCACHE_ENABLED``, ``HTTPCACHE_DIR``, ``HTTPCACHE_EXPIRATION_SECS`` (Scrapy's own).
"""

from __future__ import annotations

from scrapy.extensions.httpcache import DummyPolicy
from scrapy.utils.httpobj import urlparse_cached


class RobotsTxtOnlyPolicy(DummyPolicy):
    """Cache robots.txt answers (200 and 404 alike: both decide what may be fetched), nothing else."""

    def should_cache_request(self, request) -> bool:
        return urlparse_cached(request).path == "/robots.txt"

    def should_cache_response(self, response, request) -> bool:
        return response.status in (200, 404)
