"""The ``reports`` spider: walk each portal's columns, follow report candidates, hand pages to the pipelines.

Run it as ``scrapy crawl reports -a registry=seeds/portals.yaml [-a portal=ID,ID]`` or through ``fazhi crawl``.
Each portal is crawled in its own download slot (its origin), within its own page budget, and a portal that
fails only costs its own pages.

Re-crawls are incremental (crawler/incremental.py): known documents get conditional GETs when due, and list
paging stops at the first page holding only known items unless the portal is due a full sweep.

Every cap is counted per portal and shown in the crawl summary (``list_limit_reached``,
``column_limit_reached``, ``budget_exhausted``): nothing is left out without a word. So is an item a
pipeline stage raised on (``item_errors``): the portal ends ``partial``.

Settings: ``FAZHI_REGISTRY``, ``FAZHI_DB``, ``FAZHI_MAX_PAGES_PER_PORTAL``, ``FAZHI_MAX_LIST_PAGES``,
``FAZHI_MAX_COLUMN_DEPTH``,
``FAZHI_REVALIDATE_AFTER`` (hours), ``FAZHI_FULL_SWEEP_DAYS``, ``FAZHI_FULL_SWEEP`` (force one now),
``FAZHI_RECHECK`` (revalidate every known document now, not only those due).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.discovery.spider import DiscoveryMixin
from crawler.incremental import CrawlMemory, conditional_headers, load_memory
from crawler.registry import PortalConfig, load_registry, select_portals
from crawler.render.escalate import BASELINE_KEY, DATA_CHECKS_KEY, script_built_article, script_built_list
from crawler.scope import OffScope
from crawler.spiders.datachecks import DataChecksMixin, render_data
from crawler.walkers import read_list, trs
from crawler.walkers.links import (
    Link,
    anchors,
    canonical_url,
    is_attachment_url,
    looks_like_list_url,
    mentions_attachment,
    title_score,
)
from pipelines.database import crawl_engine
from pipelines.extract import extract_page
from pipelines.items import PageItem, PageMissing, PageNotModified
from pipelines.stats import portal_stat

logger = logging.getLogger(__name__)

_HOME_PATH = re.compile(r"^/?(index\.s?html?)?$", re.IGNORECASE)


class ReportsSpider(DiscoveryMixin, DataChecksMixin, scrapy.Spider):
    name = "reports"
    crawl_found = True  # a portal without a column URL is discovered first (crawler/discovery/)

    def __init__(self, registry: str | None = None, portal: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.registry_path = registry
        self.portal_ids = [p.strip() for p in (portal or "").split(",") if p.strip()]
        self.portals: dict[str, PortalConfig] = {}
        self.budget: Counter[str] = Counter()
        self.memory = CrawlMemory()
        self.full_sweep: set[str] = set()
        self.recheck = False
        self.revalidating: Counter[str] = Counter()  # per portal: revalidation chains under way
        self.lists_started: set[str] = set()

    # -- set-up --------------------------------------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.registry_path = spider.registry_path or settings.get("FAZHI_REGISTRY")
        spider.max_pages = settings.getint("FAZHI_MAX_PAGES_PER_PORTAL")
        spider.max_list_pages = settings.getint("FAZHI_MAX_LIST_PAGES")
        spider.max_column_depth = settings.getint("FAZHI_MAX_COLUMN_DEPTH")
        spider.revalidate_after = timedelta(hours=settings.getfloat("FAZHI_REVALIDATE_AFTER"))
        spider.full_sweep_every = timedelta(days=settings.getfloat("FAZHI_FULL_SWEEP_DAYS"))
        spider.force_full_sweep = settings.getbool("FAZHI_FULL_SWEEP")
        spider.recheck = settings.getbool("FAZHI_RECHECK")
        portals = select_portals(load_registry(spider.registry_path), spider.portal_ids)
        spider.portals = {p.id: p for p in portals}
        spider.setup_discovery(settings)
        crawler.signals.connect(spider.on_item_error, signal=signals.item_error)
        return spider

    def on_item_error(self, item, response, spider, failure: Failure) -> None:
        """A pipeline stage raised on an item (Scrapy logged it and dropped the item): the page is lost for
        this crawl, so its portal is not ``ok`` (``item_errors``, counted in ``errors`` too: partial)."""
        portal_id = getattr(item, "portal_id", None) or (response.meta.get("portal_id") if response else None)
        if portal_id:
            self._count(portal_id, "item_errors")
            self._count(portal_id, "errors")

    async def start(self) -> AsyncIterator[Request]:
        """Phase 1: revalidate known documents that are due (all of them with ``FAZHI_RECHECK``). A portal's
        lists follow once its own revalidations are done (:meth:`revalidation_step`), or at the latest when
        the crawl goes idle (:meth:`on_idle`).

        Revalidating first lets a moved document be recognized through its redirect before the list offers
        its new URL as if it were a new document. The wait is per portal: one slow or unreachable host must
        not hold every other portal's lists back.
        """
        now = datetime.now(UTC)
        self.memory = load_memory(crawl_engine(self.crawler), self.portals)
        self.load_stored_columns([p.id for p in self.portals.values() if not p.start_urls])
        self.crawler.signals.connect(self.on_idle, signal=signals.spider_idle)
        for portal in self.portals.values():
            if self.force_full_sweep or self.memory.needs_full_sweep(portal.id, now, self.full_sweep_every):
                self.full_sweep.add(portal.id)
                self.crawler.stats.set_value(portal_stat(portal.id, "full_sweep"), 1)
                if portal.id in self.memory.retry:
                    self.crawler.stats.set_value(portal_stat(portal.id, "retry_sweep"), 1)
                    logger.info(
                        "%s: an earlier crawl may have lost pages; walking every list page", portal.id
                    )
            known = (
                self.memory.every(portal.id)
                if self.recheck
                else self.memory.due(portal.id, now, self.revalidate_after)
            )
            # pages whose linked files a lost run may have dropped: fetched in full, so their links are read
            lost_links = self.memory.lost_links(portal.id)
            relink = {doc.url for doc in lost_links}
            if relink:
                self.crawler.stats.set_value(portal_stat(portal.id, "relinked"), len(relink))
                known = lost_links + [d for d in known if d.url not in relink]
            for doc in known:
                checks = {} if doc.render_data is None else {DATA_CHECKS_KEY: list(doc.render_data)}
                validators = {} if doc.url in relink else conditional_headers(doc.etag, doc.last_modified)
                request = self._request(
                    portal,
                    doc.url,
                    self.parse_article,
                    role="article",
                    priority=30,
                    headers=validators,
                    known=True,
                    revalidation=True,
                    **checks,
                )
                if request is not None:
                    request.errback = self.on_revalidation_error
                    self._count(portal.id, "revalidated")
                    self.revalidating[portal.id] += 1
                    yield request
        for portal_id in list(self.portals):  # nothing to wait for: their lists now
            if not self.revalidating[portal_id]:
                for request in self._portal_lists(portal_id):
                    yield request

    def revalidation_step(self, meta: dict, outputs: Iterable) -> Iterator:
        """A revalidation callback's outputs, passed on; a request that continues the revalidation (a data
        check, a render) keeps the portal's phase 1 open, and the end of its last one starts its lists."""
        if not meta.get("revalidation"):
            yield from outputs
            return
        portal_id = meta["portal_id"]
        for output in outputs:
            if isinstance(output, Request) and output.meta.get("revalidation"):
                self.revalidating[portal_id] += 1
            yield output
        self.revalidating[portal_id] -= 1
        if self.revalidating[portal_id] <= 0:
            yield from self._portal_lists(portal_id)

    def on_revalidation_error(self, failure: Failure) -> Iterator:
        self.on_error(failure)
        yield from self.revalidation_step(failure.request.meta, ())

    def _portal_lists(self, portal_id: str) -> list[Request]:
        """Phase 2 of one portal: its start (column) pages, or their discovery; once per crawl."""
        if portal_id in self.lists_started:
            return []
        self.lists_started.add(portal_id)
        portal = self.portals[portal_id]
        if not portal.start_urls:  # no known column: discover it (or check the stored one) first
            return self.discovery_start(portal)
        requests = []
        for url in portal.start_urls:
            # not filtered: a redirect in phase 1 (a soft 404 to the home page) may have fetched it already
            request = self._request(
                portal, url, self.parse_list, role="list", list_pages=1, priority=0, dont_filter=True
            )
            if request is not None:
                requests.append(request)
        return requests

    def on_idle(self, spider) -> None:
        """When the crawl drains with portals whose lists have not started (a revalidation chain that ended
        without a callback, as a request the duplicate filter dropped), start them instead of closing."""
        if spider is not self or len(self.lists_started) == len(self.portals):
            return
        for portal_id in list(self.portals):
            for request in self._portal_lists(portal_id):
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    # -- request building ----------------------------------------------------------------------------------
    def _request(
        self,
        portal: PortalConfig,
        url: str,
        callback,
        *,
        role: str,
        priority: int = 0,
        method: str = "GET",
        formdata: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        dont_filter: bool = False,
        **meta,
    ) -> Request | None:
        """A request within the portal's domains and page budget, or None (counted) when out of bounds."""
        if not portal.allows(url):
            self.crawler.stats.inc_value("crawl/offsite_ignored")
            return None
        limit = portal.max_pages or self.max_pages
        if self.budget[portal.id] >= limit:
            self.crawler.stats.inc_value(portal_stat(portal.id, "budget_exhausted"))
            return None
        self.budget[portal.id] += 1
        meta.update(
            portal_id=portal.id,
            role=role,
            render_policy=portal.render or "auto",
            portal_domains=tuple(
                portal.allowed_domains
            ),  # the scope, for the browser (crawler/render/page.py)
            download_slot=urlsplit(url).netloc.lower(),
            dont_obey_robotstxt=not portal.obey_robots,
            handle_httpstatus_list=[304, 404, 410] if role in ("article", "attachment", "data") else [],
        )
        if formdata is not None:
            return FormRequest(
                url,
                formdata=formdata,
                callback=callback,
                errback=self.on_error,
                meta=meta,
                priority=priority,
                dont_filter=dont_filter,
            )
        return Request(
            url,
            method=method,
            headers=headers,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            priority=priority,
            dont_filter=dont_filter,
        )

    def _portal(self, response: Response) -> PortalConfig:
        return self.portals[response.meta["portal_id"]]

    # -- list pages ----------------------------------------------------------------------------------------
    def parse_list(self, response: Response) -> Iterable[Request]:
        """A list page or a list API's answer: follow its candidates, then the list pages after it."""
        portal = self._portal(response)
        self._count(portal.id, "list_pages")
        cursor = response.meta.get("list_cursor")
        if isinstance(response, TextResponse):
            text = response.text
        elif cursor is not None:  # list APIs answer XML that Scrapy may not recognise as text
            text = response.body.decode("utf-8", "replace")
        else:
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            self.logger.warning(
                "%s: list page %s is not text (%s); skipped", portal.id, response.url, content_type
            )
            self._count(portal.id, "list_not_text")
            return
        page = read_list(text, response.url, cursor)
        if cursor is None:
            self.check_site_code(
                portal, text
            )  # confirm, fill or flag the adcode (crawler/discovery/sitecode.py)
            rendered = script_built_list(response, page.links)
            if rendered is not None:  # the list is built in JavaScript: read it from the browser instead
                checks = self.list_checks(portal, rendered.url, response)
                if checks is None:
                    yield rendered
                else:  # or confirm that it shows what it showed last time (crawler/spiders/datachecks.py)
                    yield from self.check_render_data(
                        portal, rendered.url, checks, rendered.meta[BASELINE_KEY]
                    )
                return
            remembered = self.remember_list(portal, response)
            if remembered is not None:
                yield remembered
        fresh = yield from self._follow_candidates(portal, page.links, response)
        if cursor is not None and not page.links:  # the API has no more records
            return
        if not self._keep_paging(portal, response, fresh, more=bool(page.next_pages)):
            return
        list_pages = response.meta.get("list_pages", 1)
        for following in page.next_pages:
            request = self._request(
                portal,
                following.url,
                self.parse_list,
                role="list",
                formdata=following.formdata,
                priority=-list_pages,
                list_cursor=following.cursor,
                list_pages=list_pages + 1,
                column_depth=response.meta.get("column_depth", 0),
            )
            if request is not None:
                yield request

    def _keep_paging(self, portal: PortalConfig, response: Response, fresh: int, *, more: bool) -> bool:
        """Walk on unless the page limit is reached or, outside a full sweep, the page held nothing new.

        Reaching the limit with pages left (``more``) is counted (``list_limit_reached``, in the summary).
        """
        if response.meta.get("list_pages", 1) >= self.max_list_pages:
            if more:
                self._count(portal.id, "list_limit_reached")
                self.logger.warning(
                    "%s: stopped paging %s after %d list pages (FAZHI_MAX_LIST_PAGES)",
                    portal.id,
                    response.url,
                    self.max_list_pages,
                )
            return False
        if fresh == 0 and portal.id not in self.full_sweep and self.memory.documents.get(portal.id):
            self._count(portal.id, "list_stopped_known")
            return False
        return True

    def _follow_candidates(self, portal: PortalConfig, links: list[Link], response: Response):
        """Request report candidates and topic sub-columns; return how many candidates were new."""
        seen: set[str] = set()
        fresh = 0
        for link in links:
            if link.url in seen or link.url == canonical_url(response.url):
                continue
            seen.add(link.url)
            score = title_score(link.title)
            if score == 0:
                continue
            if looks_like_list_url(link.url) and score < 2:
                # A sub-column named for the topic (e.g. "法治政府建设"): walk it as a list.
                depth = response.meta.get("column_depth", 0) + 1
                if depth > self.max_column_depth:
                    self._count(portal.id, "column_limit_reached")
                    continue
                request = self._request(
                    portal,
                    link.url,
                    self.parse_list,
                    role="list",
                    list_pages=1,
                    priority=-1,
                    column_depth=depth,
                )
            elif self.memory.knows(portal.id, link.url):
                self._count(portal.id, "known_skipped")  # revalidated separately, when due
                continue
            else:
                fresh += 1
                role = "attachment" if is_attachment_url(link.url) else "article"
                self._count(portal.id, "candidates")
                request = self._request(
                    portal,
                    link.url,
                    self.parse_article,
                    role=role,
                    priority=10 * score,
                    list_title=link.title,
                    list_date=link.date,
                )
            if request is not None:
                yield request
        return fresh  # noqa: B901 - a sub-generator read with ``yield from``, never a callback

    # -- articles ------------------------------------------------------------------------------------------
    def parse_article(self, response: Response):
        return self.revalidation_step(response.meta, self._parse_article(response))

    def _parse_article(self, response: Response):
        portal = self._portal(response)
        meta = response.meta
        requested = (meta.get("redirect_urls") or [response.url])[0]
        now = datetime.now(UTC)
        if response.status == 304:
            if DATA_CHECKS_KEY in meta:  # a rendered document: its data requests decide
                yield from self.check_render_data(portal, canonical_url(response.url), meta[DATA_CHECKS_KEY])
                return
            yield PageNotModified(portal_id=portal.id, url=canonical_url(response.url), fetched_at=now)
            return
        soft_404 = self._soft_404(requested, response)
        if response.status in (404, 410) or soft_404:
            if soft_404:
                self._count(portal.id, "soft_404")
                self.logger.info("%s: %s is a soft 404 (%s)", portal.id, requested, soft_404)
            yield PageMissing(
                portal_id=portal.id,
                url=canonical_url(requested),
                status=response.status,
                fetched_at=now,
                reason=soft_404 or f"HTTP {response.status}",
            )
            return
        rendered = script_built_article(response) if meta["role"] == "article" else None
        if rendered is not None:  # the text is built in JavaScript: read it from the browser instead
            yield rendered
            return
        if meta.get("known") and canonical_url(response.url) != canonical_url(requested):
            self.memory.remember_move(portal.id, canonical_url(requested), canonical_url(response.url))
        self._count(portal.id, "articles" if meta["role"] == "article" else "attachments")
        item = PageItem(
            portal_id=portal.id,
            url=canonical_url(response.url),
            requested_url=canonical_url(requested),
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=now,
            official=portal.official,
            list_title=meta.get("list_title"),
            list_date=meta.get("list_date"),
            rendered="playwright" in response.flags or bool(meta.get("playwright")),
            render_data=render_data(response),
            parent_url=meta.get("parent_url"),
        )
        pages = []
        if meta["role"] == "article" and isinstance(response, TextResponse):
            pages = trs.article_page_urls(response.text, response.url)
            yield from self._attachments(portal, response)
        if len(pages) > 1:  # the article goes on over more pages: the item waits for all of them
            yield from self._next_article_page(portal, item, pages[1:])
        else:
            yield item

    def _next_article_page(self, portal: PortalConfig, item: PageItem, remaining: list[str]):
        """Fetch the next page of a paginated article; the item is yielded once the last page is in."""
        request = self._request(
            portal,
            remaining[0],
            self.parse_article_page,
            role="article_page",
            priority=30,
            dont_filter=True,
            stitch_item=item,
            stitch_remaining=remaining[1:],
        )
        if request is None:  # out of budget: store what was fetched, saying so
            item.problems.append(f"article pages from {remaining[0]} not fetched (page budget)")
            yield item
            return
        request.errback = self.on_article_page_error
        yield request

    def parse_article_page(self, response: Response):
        """One more page of a paginated article, appended in order (its URL kept with its bytes)."""
        item: PageItem = response.meta["stitch_item"]
        self._count(item.portal_id, "article_pages")
        if response.status != 200 or not isinstance(response, TextResponse):
            item.problems.append(f"article page {response.url} answered {response.status}")
            yield item
            return
        item.pages.append((canonical_url(response.url), response.body))
        remaining = response.meta["stitch_remaining"]
        if remaining:
            yield from self._next_article_page(self.portals[item.portal_id], item, remaining)
        else:
            yield item

    def on_article_page_error(self, failure: Failure):
        """A page of a paginated article failed: keep the pages that came, with a problem note."""
        self.on_error(failure)
        item: PageItem = failure.request.meta["stitch_item"]
        item.problems.append(f"article page {failure.request.url} failed: {failure.getErrorMessage()[:120]}")
        yield item

    def _attachments(self, portal: PortalConfig, response: TextResponse):
        """Files linked from a report candidate: sometimes the report itself is only the PDF.

        An attachment carries its page's title and publication date: a PDF has neither that can be trusted.
        A known file is left to its own revalidation, as on a list: a page fetched again (edited, or read
        again for the files a lost run dropped) must not fetch and OCR every file it links once more.
        """
        if not mentions_attachment(response.text):
            return
        files = [
            link for link in anchors(response.text, response.url, dates=False) if is_attachment_url(link.url)
        ]
        if not files:
            return
        page = extract_page(response.body, response.url, _headers(response))
        published = page.published.isoformat() if page.published else None
        for link in files:
            if self.memory.knows(portal.id, link.url):
                self._count(portal.id, "known_skipped")  # revalidated separately, when due (no second OCR)
                continue
            request = self._request(
                portal,
                link.url,
                self.parse_article,
                role="attachment",
                priority=5,
                list_title=page.title or link.title,
                list_date=published,
                parent_url=canonical_url(response.url),
            )
            if request is not None:
                yield request

    @staticmethod
    def _soft_404(requested: str, response: Response) -> str | None:
        """A redirect from an article to the home page. (A "页面不存在" notice served with 200 is recognised
        by the extract pipeline, which has its title and main text: pipelines/soft404.py.)"""
        if response.status != 200:
            return None
        if canonical_url(requested) != canonical_url(response.url) and _HOME_PATH.match(
            urlsplit(response.url).path
        ):
            return "soft 404: redirected to the home page"
        return None

    # -- failures ------------------------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        """Timeouts, resets, 5xx: counted against the portal, never mistaken for a withdrawal."""
        if failure.check(OffScope):  # counted and logged by the scope filter
            return
        request = failure.request
        portal_id = request.meta.get("portal_id", "?")
        self._count(portal_id, "errors")
        self.logger.warning("%s: %s failed: %s", portal_id, request.url, failure.getErrorMessage()[:200])


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[0].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }
