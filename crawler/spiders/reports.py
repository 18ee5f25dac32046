"""The ``reports`` spider: walk each portal's columns, follow report candidates, hand pages to the pipelines.

Run it as ``scrapy crawl reports -a registry=seeds/portals.yaml [-a portal=ID,ID]`` or through ``fazhi crawl``.
Each portal is crawled in its own download slot (its origin), within its own page budget, and a portal that
fails only costs its own pages.

Settings: ``FAZHI_REGISTRY``, ``FAZHI_MAX_PAGES_PER_PORTAL``, ``FAZHI_MAX_LIST_PAGES``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.http import FormRequest, Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.items import PageItem, PageMissing
from crawler.registry import PortalConfig, load_registry, select_portals
from crawler.walkers import hanweb, trs
from crawler.walkers.links import (
    Link,
    anchors,
    canonical_url,
    is_attachment_url,
    looks_like_list_url,
    next_page_links,
    title_score,
)

logger = logging.getLogger(__name__)

_SOFT_404 = re.compile(
    r"页面不存在|页面未找到|您访问的页面|404\s*Not\s*Found|该信息已删除|信息不存在", re.IGNORECASE
)
_HOME_PATH = re.compile(r"^/?(index\.s?html?)?$", re.IGNORECASE)


def portal_stat(portal_id: str, name: str) -> str:
    """The namespaced per-portal stats key that the crawl summary reads."""
    return f"portal/{portal_id}/{name}"


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, registry: str | None = None, portal: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.registry_path = registry
        self.portal_ids = [p.strip() for p in (portal or "").split(",") if p.strip()]
        self.portals: dict[str, PortalConfig] = {}
        self.budget: Counter[str] = Counter()

    # -- set-up --------------------------------------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.registry_path = spider.registry_path or settings.get("FAZHI_REGISTRY") or "seeds"
        spider.max_pages = settings.getint("FAZHI_MAX_PAGES_PER_PORTAL", 600)
        spider.max_list_pages = settings.getint("FAZHI_MAX_LIST_PAGES", 40)
        portals = select_portals(load_registry(spider.registry_path), spider.portal_ids)
        spider.portals = {p.id: p for p in portals}
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for portal in self.portals.values():
            self.crawler.stats.set_value(portal_stat(portal.id, "started"), 1)
            for url in portal.start_urls:
                request = self._request(portal, url, self.parse_list, role="list", list_pages=1, priority=0)
                if request is not None:
                    yield request

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
            download_slot=urlsplit(url).netloc.lower(),
            dont_obey_robotstxt=not portal.obey_robots,
            handle_httpstatus_list=[404, 410] if role in ("article", "attachment") else [],
        )
        if formdata is not None:
            return FormRequest(
                url,
                formdata=formdata,
                callback=callback,
                errback=self.on_error,
                meta=meta,
                priority=priority,
                dont_filter=False,
            )
        return Request(
            url, method=method, callback=callback, errback=self.on_error, meta=meta, priority=priority
        )

    def _portal(self, response: Response) -> PortalConfig:
        return self.portals[response.meta["portal_id"]]

    def _count(self, portal_id: str, name: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(portal_stat(portal_id, name), n)

    # -- list pages ----------------------------------------------------------------------------------------
    def parse_list(self, response: Response) -> Iterable[Request]:
        portal = self._portal(response)
        self._count(portal.id, "list_pages")
        if not isinstance(response, TextResponse):
            self.logger.warning(
                "%s: list page %s is not text (%s); skipped",
                portal.id,
                response.url,
                response.headers.get("Content-Type", b"").decode("latin-1"),
            )
            self._count(portal.id, "list_not_text")
            return
        text = response.text
        links = anchors(text, response.url)
        if hanweb.has_datastore(text):
            links += hanweb.records(text, response.url)
            yield from self._dataproxy_requests(portal, response, text)
        yield from self._follow_candidates(portal, links, response)
        yield from self._more_list_pages(portal, response, text, links)

    def _more_list_pages(self, portal: PortalConfig, response: Response, text: str, links: list[Link]):
        list_pages = response.meta.get("list_pages", 1)
        if list_pages >= self.max_list_pages:
            self._count(portal.id, "list_limit_reached")
            return
        for url in trs.page_urls(text, response.url) + next_page_links(links):
            request = self._request(
                portal, url, self.parse_list, role="list", list_pages=list_pages + 1, priority=-list_pages
            )
            if request is not None:
                yield request

    def _dataproxy_requests(self, portal: PortalConfig, response: Response, text: str):
        proxy = hanweb.find_dataproxy(text, response.url)
        if proxy is None:
            return
        total = proxy.total or hanweb.RECORDS_PER_REQUEST * self.max_list_pages
        per = hanweb.RECORDS_PER_REQUEST
        starts = range(1, min(total, per * self.max_list_pages) + 1, per)
        for start in starts:
            request = self._request(
                portal,
                hanweb.chunk_url(proxy, start, per),
                self.parse_dataproxy,
                role="list",
                formdata=proxy.form,
                priority=-1,
            )
            if request is not None:
                yield request

    def parse_dataproxy(self, response: Response) -> Iterable[Request]:
        portal = self._portal(response)
        self._count(portal.id, "list_pages")
        text = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        yield from self._follow_candidates(portal, hanweb.records(text, response.url), response)

    def _follow_candidates(self, portal: PortalConfig, links: list[Link], response: Response):
        seen: set[str] = set()
        for link in links:
            if link.url in seen or link.url == canonical_url(response.url):
                continue
            seen.add(link.url)
            score = title_score(link.title)
            if score == 0:
                continue
            if looks_like_list_url(link.url) and score < 2:
                # A sub-column named for the topic (e.g. "法治政府建设"): walk it as a list.
                request = self._request(
                    portal, link.url, self.parse_list, role="list", list_pages=1, priority=-1
                )
            else:
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

    # -- articles ------------------------------------------------------------------------------------------
    def parse_article(self, response: Response):
        portal = self._portal(response)
        meta = response.meta
        requested = (meta.get("redirect_urls") or [response.url])[0]
        now = datetime.now(UTC)
        if response.status in (404, 410) or self._soft_404(requested, response):
            self._count(portal.id, "missing")
            yield PageMissing(
                portal_id=portal.id,
                url=canonical_url(requested),
                status=response.status,
                fetched_at=now,
                reason="soft 404" if response.status == 200 else f"HTTP {response.status}",
            )
            return
        self._count(portal.id, "articles" if meta["role"] == "article" else "attachments")
        yield PageItem(
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
        )
        if meta["role"] == "article" and isinstance(response, TextResponse):
            yield from self._attachments(portal, response)

    def _attachments(self, portal: PortalConfig, response: TextResponse):
        """Files linked from a report candidate: sometimes the report itself is only the PDF."""
        page_title = (response.xpath("//title/text()").get() or "").strip()
        for link in anchors(response.text, response.url):
            if not is_attachment_url(link.url):
                continue
            title = link.title if title_score(link.title) else page_title
            request = self._request(
                portal,
                link.url,
                self.parse_article,
                role="attachment",
                priority=5,
                list_title=title,
            )
            if request is not None:
                yield request

    @staticmethod
    def _soft_404(requested: str, response: Response) -> bool:
        """A redirect from an article to the home page, or a short "页面不存在" page served as 200."""
        if response.status != 200:
            return False
        if canonical_url(requested) != canonical_url(response.url) and _HOME_PATH.match(
            urlsplit(response.url).path
        ):
            return True
        if isinstance(response, TextResponse) and len(response.body) < 20_000:
            return bool(_SOFT_404.search(response.text)) and "报告" not in (
                response.xpath("//title/text()").get() or ""
            )
        return False

    # -- failures ------------------------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        """Timeouts, resets, 5xx: counted against the portal, never mistaken for a withdrawal."""
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
