"""Revalidating a script-built document without the browser.

A rendered document's text comes from the data requests its scripts made (fetch/XHR). The store keeps them
with the page's own validators (``Document.render_data``): each with its ETag or Last-Modified, or, when a
dynamic backend answered without either, with a digest of its bytes. A later crawl then sends plain GETs: the
page first (conditional), then each data request in turn (conditional, or in full and compared with the
digest). All unchanged (304, 200 with the same ETag, or the same bytes): the document is unchanged, as for
any 304. Anything else (a new ETag, an error, a
redirect, a robots.txt refusal): the document is rendered again, so an edit is never hidden. Two or three
plain requests replace a render, which costs the browser a page, the shell, its scripts and the data again.

A script-built list (page 1 of a column) is checked the same way: its last rendering's data requests are
kept (``rendered_list``); when the plain shell answers with the validators it had then, the data requests
are checked, and all unchanged means the list shows what it showed, whose reports are known: nothing to
follow, as for a plain list page that holds only known items. A full sweep renders it regardless.

Stats (per portal): ``render_data/unchanged`` documents confirmed without rendering, ``render_data/changed``
documents rendered again because a check did not confirm them; ``render_data/list_unchanged`` and
``render_data/list_changed`` the same for lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.incremental import conditional_headers
from crawler.registry import PortalConfig
from crawler.render.escalate import BASELINE_KEY, REASON_KEY
from crawler.render.hosts import JS_ARTICLE, JS_LIST
from crawler.render.page import RenderJob, body_digest
from pipelines.items import ListRendered, PageNotModified

DataCheck = tuple[str | None, ...]  # url, etag, last-modified[, "sha256:…" digest of an answer without them]


def response_validators(response: Response) -> tuple[str | None, str | None]:
    """An answer's ETag and Last-Modified (None where it sent none)."""
    headers = response.headers
    etag = headers.get("ETag", b"").decode("latin-1") or None
    return etag, headers.get("Last-Modified", b"").decode("latin-1") or None


def render_data(response: Response) -> list[list[str | None]] | None:
    """The validators of a rendered page's data requests, when they vouch for its text (RenderJob)."""
    job = response.meta.get("render_job")
    return job.data_validators() if isinstance(job, RenderJob) and response.meta.get("playwright") else None


class DataChecksMixin:
    """For :class:`crawler.spiders.reports.ReportsSpider`: the chain of plain checks after a page's 304, or
    after a script-built list's shell answered as before."""

    def check_render_data(
        self,
        portal: PortalConfig,
        document_url: str,
        checks: list[DataCheck],
        list_baseline: dict[str, int] | None = None,
    ) -> Iterator:
        """The next data request to revalidate, or the document's 304 when none is left. ``list_baseline``
        (what the plain shell showed) makes ``document_url`` a list page instead of a document."""
        is_list = list_baseline is not None
        if not checks:
            self._count(portal.id, "render_data/list_unchanged" if is_list else "render_data/unchanged")
            if not is_list:
                yield PageNotModified(portal_id=portal.id, url=document_url, fetched_at=datetime.now(UTC))
            return
        (url, etag, modified, *digest), rest = checks[0], checks[1:]
        request = self._request(
            portal,
            url,
            self.parse_data_check,
            role="data",
            priority=0 if is_list else 30,
            headers=conditional_headers(etag, modified),
            dont_filter=True,  # one data URL can serve several documents
            data_document=document_url,
            data_etag=etag,
            data_digest=digest[0] if digest else None,
            data_rest=rest,
            data_list_baseline=list_baseline,
            revalidation=not is_list,
        )
        if request is None:  # out of the portal's scope or budget now: only the browser can tell
            yield from self._render_again(portal, document_url, list_baseline)
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
                (etag is not None and response_validators(response)[0] == etag)
                or (digest is not None and body_digest(response.body) == digest)
            )
        )
        document, baseline = meta["data_document"], meta.get("data_list_baseline")
        if same and not meta.get("redirect_urls"):
            yield from self.check_render_data(portal, document, meta["data_rest"], baseline)
        else:
            yield from self._render_again(portal, document, baseline)

    def on_data_check_error(self, failure: Failure) -> Iterator:
        meta = failure.request.meta
        self.on_error(failure)
        portal = self.portals[meta["portal_id"]]
        rendered = self._render_again(portal, meta["data_document"], meta.get("data_list_baseline"))
        return self.revalidation_step(meta, rendered)

    def _render_again(
        self, portal: PortalConfig, document_url: str, list_baseline: dict[str, int] | None = None
    ) -> Iterator[Request]:
        if list_baseline is not None:
            self._count(portal.id, "render_data/list_changed")
            request = self._request(
                portal,
                document_url,
                self.parse_list,
                role="list",
                list_pages=1,
                dont_filter=True,
                **{REASON_KEY: JS_LIST, BASELINE_KEY: list_baseline},
            )
        else:
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
        if request is not None:
            yield request

    def list_checks(self, portal: PortalConfig, url: str, shell: Response) -> list[DataCheck] | None:
        """The data checks that may stand in for rendering the list at ``url`` (page 1 of a column): its last
        rendering's, when the plain ``shell`` answered with the validators it had then, outside a full sweep,
        for a portal whose reports are known. None: render it."""
        if portal.id in self.full_sweep or not self.memory.documents.get(portal.id):
            return None
        known = self.memory.lists.get(portal.id, {}).get(url)
        if known is None or not (known.etag or known.last_modified):
            return None
        etag, modified = response_validators(shell)
        if (known.etag and known.etag != etag) or (known.last_modified and known.last_modified != modified):
            return None
        return [tuple(entry) for entry in known.render_data]

    def remember_list(self, portal: PortalConfig, response: Response) -> ListRendered | None:
        """What a script-built list's rendering showed, for the next crawl's :meth:`list_checks`."""
        if response.meta.get(REASON_KEY) != JS_LIST or response.meta.get("list_pages", 1) != 1:
            return None
        etag, modified = response_validators(response)
        return ListRendered(
            portal_id=portal.id,
            url=(response.meta.get("redirect_urls") or [response.request.url])[0],
            etag=etag,
            last_modified=modified,
            render_data=render_data(response),
            fetched_at=datetime.now(UTC),
        )
