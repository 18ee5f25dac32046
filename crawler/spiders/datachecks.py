"""Revalidating a script-built document without the browser.

A rendered document's text comes from the data requests its scripts made (fetch/XHR). The store keeps them
with the page's own validators (``Document.render_data``): each with its ETag or Last-Modified, or, when a
dynamic backend answered without either, with a digest of its bytes. A later crawl then sends plain GETs: the
page first (conditional), then each data request in turn (conditional, or in full and compared with the
digest). All unchanged (304, 200 with the same ETag, or the same bytes): the document is unchanged, as for
any 304. Anything else (a new ETag, an error, a
redirect, a robots.txt refusal): the document is rendered again, so an edit is never hidden. Two or three
plain requests replace a render, which costs the browser a page, the shell, its scripts and the data again.

Stats (per portal): ``render_data/unchanged`` documents confirmed without rendering, ``render_data/changed``
documents rendered again because a check did not confirm them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.incremental import conditional_headers
from crawler.registry import PortalConfig
from crawler.render.escalate import REASON_KEY
from crawler.render.hosts import JS_ARTICLE
from crawler.render.page import body_digest
from pipelines.items import PageNotModified

DataCheck = tuple[str | None, ...]  # url, etag, last-modified[, "sha256:…" digest of an answer without them]


class DataChecksMixin:
    """For :class:`crawler.spiders.reports.ReportsSpider`: the chain of plain checks after a page's 304."""

    def check_render_data(self, portal: PortalConfig, document_url: str, checks: list[DataCheck]) -> Iterator:
        """The next data request to revalidate, or the document's 304 when none is left."""
        if not checks:
            self._count(portal.id, "render_data/unchanged")
            yield PageNotModified(portal_id=portal.id, url=document_url, fetched_at=datetime.now(UTC))
            return
        (url, etag, modified, *digest), rest = checks[0], checks[1:]
        request = self._request(
            portal,
            url,
            self.parse_data_check,
            role="data",
            priority=30,
            headers=conditional_headers(etag, modified),
            dont_filter=True,  # one data URL can serve several documents
            data_document=document_url,
            data_etag=etag,
            data_digest=digest[0] if digest else None,
            data_rest=rest,
            revalidation=True,
        )
        if request is None:  # out of the portal's scope or budget now: only the browser can tell
            yield from self._render_again(portal, document_url)
            return
        request.errback = self.on_data_check_error
        yield request

    def parse_data_check(self, response: Response) -> Iterator:
        return self.revalidation_step(response.meta, self._data_checked(response))

    def _data_checked(self, response: Response) -> Iterator:
        portal = self._portal(response)
        meta = response.meta
        etag, digest = meta["data_etag"], meta.get("data_digest")
        same = response.status == 304 or (
            response.status == 200
            and (
                (etag is not None and response.headers.get("ETag", b"").decode() == etag)
                or (digest is not None and body_digest(response.body) == digest)
            )
        )
        if same and not meta.get("redirect_urls"):
            yield from self.check_render_data(portal, meta["data_document"], meta["data_rest"])
        else:
            yield from self._render_again(portal, meta["data_document"])

    def on_data_check_error(self, failure: Failure) -> Iterator:
        meta = failure.request.meta
        self.on_error(failure)
        rendered = self._render_again(self.portals[meta["portal_id"]], meta["data_document"])
        return self.revalidation_step(meta, rendered)

    def _render_again(self, portal: PortalConfig, document_url: str) -> Iterator[Request]:
        self._count(portal.id, "render_data/changed")
        request = self._request(
            portal,
            document_url,
            self.parse_article,
            role="article",
            priority=30,
            dont_filter=True,
            known=True,
            revalidation=True,
            **{REASON_KEY: JS_ARTICLE},
        )
        if request is not None:
            request.errback = self.on_revalidation_error
            yield request
