"""A host that cannot be reached costs one timeout chain per crawl, not one per request.

A portal that is down (no answer, connection refused, no DNS) otherwise holds every one of its requests for
``DOWNLOAD_TIMEOUT`` times ``RETRY_TIMES + 1``: robots.txt first, then the list, then each known document to
revalidate. On a national night a handful of down hosts would set the night's length. After
``FAZHI_HOST_DOWN_AFTER`` connection failures in a row with no answer between them (any HTTP answer, even an
error page, resets the count), the host is taken as down until the crawl ends: the failing request stops
retrying and the host's other requests fail at once, through the spider's errback like any download error,
so the portal's outcome shows it (``portal/<id>/host_down``) and its next crawl walks its lists in full.

The host is the URL's ``host:port``, the same key as the spider's download slots; requests the spider did
not make (robots.txt, fetched by Scrapy's robots middleware) get that slot here, so they too are spread over
hosts instead of queueing in one slot per host name (on one IP with many ports, as govsim serves, every
portal's robots.txt would otherwise wait in one line). Placed after the retry middleware on the way out (so
before it on the way back): it sees every failed attempt.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectError

from pipelines.stats import portal_stat

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# failures that mean no server answered at all (a reset or a cut-off body means one did)
UNREACHABLE = (DownloadTimeoutError, DownloadConnectionRefusedError, CannotResolveHostError, ConnectError)


class HostUnreachable(IgnoreRequest):
    """The request's host did not answer its last connections in this crawl."""


class HostDownMiddleware:
    def __init__(self, crawler: Crawler, after: int):
        self.crawler, self.after = crawler, after
        self.failures: Counter[str] = Counter()
        self.down: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostDownMiddleware:
        return cls(crawler, crawler.settings.getint("FAZHI_HOST_DOWN_AFTER"))

    @staticmethod
    def host(request: Request) -> str:
        return urlparse_cached(request).netloc.lower()

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = self.host(request)
        request.meta.setdefault("download_slot", host)
        if host in self.down:
            self._count(request)
            raise HostUnreachable(f"{host} is down: it did not answer {self.after} connections in a row")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        self.failures.pop(self.host(request), None)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if self.after <= 0 or not isinstance(exception, UNREACHABLE):
            return
        host = self.host(request)
        self.failures[host] += 1
        if self.failures[host] < self.after:
            return  # the retry middleware tries again
        if host not in self.down:
            self.down.add(host)
            logger.warning(
                "%s did not answer %d connections in a row (%s); its other requests in this crawl are dropped",
                host,
                self.failures[host],
                type(exception).__name__,
            )
        self._count(request)
        raise HostUnreachable(f"{host} is down: {exception}")

    def _count(self, request: Request) -> None:
        """Requests of the portal dropped because its host is down (robots.txt requests carry no portal)."""
        portal_id = request.meta.get("portal_id")
        if portal_id:
            self.crawler.stats.inc_value(portal_stat(portal_id, "host_down"))
