"""AutoThrottle that learns from 304 Not Modified as it learns from 200.

Scrapy's AutoThrottle only lets a non-200 answer raise a host's delay, never lower it: error pages and
redirects are small and quick, and trusting their latency would speed a crawl up against a struggling server.
A 304 is neither: it is the server's real answer to a conditional GET, and on a re-crawl nearly every answer
is one. Under Scrapy's rule each host's delay could then only climb: one slow 304 (a 5 s tail latency) set it
to 5 s for the rest of the night, and a night of revalidations waited on delays its hosts no longer needed.

Here a 304 adjusts the delay exactly as a 200 would (the same formula, the same ``DOWNLOAD_DELAY`` floor and
``AUTOTHROTTLE_MAX_DELAY`` ceiling); every other status keeps Scrapy's rule.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class RevalidationAutoThrottle(AutoThrottle):
    """Scrapy's ``AutoThrottle`` with 304 answers counted like 200 (module docs)."""

    def _adjust_delay(self, slot, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
