"""Every request and response of a portal stays in that portal's scope (issue 12, defect 1).

The spider checks scope when it builds a request, but redirects (301/302/303/307/308, meta refresh) are built
by Scrapy's redirect middlewares, and a hostile portal can point them at another host or at a service on this
machine. :class:`PortalScopeMiddleware` is Scrapy's own offsite filter with the spider-wide
``allowed_domains`` replaced by each request's portal (``meta["portal_id"]``). It replaces
``scrapy.downloadermiddlewares.offsite.OffsiteMiddleware`` at the same place (50, before robots.txt, so not
even the off-scope host's robots.txt is asked), and like it rejects requests when they are *scheduled*, before
a DNS lookup or a connection. Unlike it, ``dont_filter`` does not exempt a request: a redirect keeps its
original's ``dont_filter``. Responses are checked as well: a browser that navigated away answers from
another URL.

Stats: ``portal/<id>/offsite_blocked`` (also counted in ``portal/<id>/errors``: the page was not fetched).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

from pipelines.stats import portal_stat

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class OffScope(IgnoreRequest):
    """A request or response outside its portal's scope: never fetched, never stored."""


class PortalScopeMiddleware(OffsiteMiddleware):
    """Scrapy's offsite filter, per portal (module docs)."""

    def _portal(self, request: Request):
        portal_id = request.meta.get("portal_id")
        spider = self.crawler.spider
        return getattr(spider, "portals", {}).get(portal_id) if portal_id else None

    def _block(self, request: Request, url: str, what: str) -> None:
        portal_id = request.meta["portal_id"]
        for name in ("offsite_blocked", "errors"):
            self.stats.inc_value(portal_stat(portal_id, name))
        self.stats.inc_value("offsite/filtered")
        origin = (request.meta.get("redirect_urls") or [request.url])[0]
        logger.warning("%s: blocked %s off the portal's scope: %s (from %s)", portal_id, what, url, origin)
        raise OffScope(f"portal {portal_id}: {url} is outside the portal's scope")

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Requests without a portal (robots.txt for an in-scope host) are Scrapy's business."""
        portal = self._portal(request)
        if portal is None:
            return super().process_request(request)
        if not portal.allows(request.url):
            what = "a redirect" if request.meta.get("redirect_urls") else "a request"
            self._block(request, request.url, what)
        return None

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        portal = self._portal(request)
        if portal is not None and not portal.allows(response.url):
            self._block(request, response.url, "a response")
        return response

    def should_follow(self, request: Request, spider: Spider) -> bool:
        portal = self._portal(request)
        if portal is not None:
            return portal.allows(request.url)
        return super().should_follow(request, spider)
