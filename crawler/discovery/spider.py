"""Discovery inside a Scrapy crawl: the requests of each portal's :class:`~crawler.discovery.walk.Discovery`,
the stored columns that make a re-run cheap, and the archive records.

Mixed into the ``reports`` spider (a portal with no column URL and no stored column is discovered first, then
crawled from what was found) and the ``discover`` spider (``fazhi discover``: discovery only).

A stored column is reused while it answers: one request (the column itself; in a crawl that request *is* the
first list page). A 404, or a redirect to the home page, marks it moved and the portal is discovered again;
so is a column found more than a month ago (archive/discovery.py).

Settings: ``FAZHI_DISCOVERY_BUDGET`` (requests per portal, default 40), ``FAZHI_DB``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scrapy.http import FormRequest, Request, Response, TextResponse
from twisted.python.failure import Failure

from archive import discovery as store
from archive import divisions
from archive.db import session_scope
from crawler.discovery.scope import discovery_scope
from crawler.discovery.sitecode import find_site_code, judge
from crawler.discovery.walk import DEFAULT_BUDGET, Discovery, Fetch
from crawler.registry import PortalConfig
from crawler.render.escalate import script_built_list
from crawler.walkers.links import Link, canonical_url
from pipelines.database import crawl_engine
from pipelines.stats import portal_stat

logger = logging.getLogger(__name__)

_HOME = ("", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html")


class DiscoveryMixin:
    """Discovery for a spider with ``portals`` and ``crawler`` (module docs)."""

    discovery_budget: int = DEFAULT_BUDGET
    crawl_found: bool = False  # True in the reports spider: crawl a column as soon as it is found

    def setup_discovery(self, settings) -> None:
        self.discovery_budget = settings.getint("FAZHI_DISCOVERY_BUDGET", DEFAULT_BUDGET)
        self.discoveries: dict[str, Discovery] = {}
        self.discovery_results: dict[str, dict] = {}
        self.stored_columns: dict[str, list] = {}

    def _discovery_engine(self):
        """The crawl's one engine (pipelines/database.py)."""
        return crawl_engine(self.crawler)

    def _count(self, portal_id: str, name: str, n: int = 1) -> None:
        """Add ``n`` to a per-portal counter (the reports spider counts through this too)."""
        self.crawler.stats.inc_value(portal_stat(portal_id, name), n)

    # -- starting ----------------------------------------------------------------------------------------
    def load_stored_columns(self, portal_ids) -> None:
        with session_scope(self._discovery_engine()) as session:
            columns = store.live_columns(session, portal_ids)
            self.stored_columns = {
                pid: [
                    {"url": c.url, "found_at": c.found_at, "evidence": c.evidence, "via": c.via} for c in cols
                ]
                for pid, cols in columns.items()
            }

    def discovery_start(self, portal: PortalConfig) -> list[Request]:
        """Verify the portal's stored columns, or discover them from its home page."""
        now = datetime.now(UTC)
        stored = [c for c in self.stored_columns.get(portal.id, []) if not store.is_stale(c["found_at"], now)]
        if stored:
            requests = []
            for column in stored:
                request = self._column_check(portal, column)
                if request is not None:
                    requests.append(request)
            return requests
        return self._begin(portal)

    def _begin(self, portal: PortalConfig) -> list[Request]:
        if not portal.home_url:
            self._finish_without(portal, "failed", "no home_url in the registry")
            return []
        disc = Discovery(portal.id, portal.home_url, discovery_scope(portal), budget=self.discovery_budget)
        self.discoveries[portal.id] = disc
        return self._next(portal, disc)

    def _column_check(self, portal: PortalConfig, column: dict) -> Request | None:
        self._count(portal.id, "discovery_requests")
        return Request(
            column["url"],
            callback=self.parse_stored_column,
            errback=self.stored_column_error,
            dont_filter=True,
            meta=self._meta(portal, column["url"], stored_column=column, list_pages=1),
        )

    def _meta(self, portal: PortalConfig, url: str, **extra) -> dict:
        return {
            "portal_id": portal.id,
            "discovery": True,  # crawler/scope.py: may reach other hosts of the same government
            "role": "list",  # a page: the render middleware may pass challenges and render it
            "render_policy": portal.render or "auto",
            "download_slot": urlsplit(url).netloc.lower(),
            "dont_obey_robotstxt": not portal.obey_robots,
            "handle_httpstatus_list": [403, 404, 410],
            # discovery has its own depth limit and budget; its column is a crawl's start (depth 0)
            "depth_reset": True,
            **extra,
        }

    # -- the walk ----------------------------------------------------------------------------------------
    def _next(self, portal: PortalConfig, disc: Discovery) -> list[Request]:
        while True:
            fetch = disc.next_fetch()
            if fetch is None:
                if disc.done:
                    return list(self._finish(portal, disc, None))
                return []
            if not disc.in_scope(fetch.url):
                disc.undo(fetch)
                continue
            self._count(portal.id, "discovery_requests")
            meta = self._meta(portal, fetch.url, discovery_fetch=fetch)
            if fetch.formdata is not None:
                return [
                    FormRequest(
                        fetch.url,
                        formdata=fetch.formdata,
                        callback=self.parse_discovery,
                        errback=self.discovery_error,
                        meta=meta,
                        dont_filter=True,
                    )
                ]
            return [
                Request(
                    fetch.url,
                    callback=self.parse_discovery,
                    errback=self.discovery_error,
                    meta=meta,
                    dont_filter=True,
                )
            ]

    def parse_discovery(self, response: Response):
        portal = self.portals[response.meta["portal_id"]]
        disc = self.discoveries[portal.id]
        fetch: Fetch = response.meta["discovery_fetch"]
        body = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        found_before = len(disc.found)
        if len(fetch.path) == 1 and response.status < 400:
            self.check_site_code(portal, body)  # the home page's footer
        disc.on_response(fetch, response.status, response.url, body)
        if (
            len(disc.found) == found_before
            and disc.needs_render(fetch, response.url, body)
            and response.status < 400
        ):
            links = [Link(link.url, link.anchor) for link in _links(body, response.url)]
            again = script_built_list(response, links)
            if again is not None and disc.requests < disc.budget:
                disc.requests += 1
                disc._pending += 1
                disc.tried[-1]["note"] += "; rendering it (list built in script?)"
                self._count(portal.id, "discovery_requests")
                yield again
                return
        if disc.done:
            yield from self._finish(portal, disc, response if disc.found else None)
            return
        yield from self._next(portal, disc)

    def discovery_error(self, failure: Failure):
        request = failure.request
        portal = self.portals[request.meta["portal_id"]]
        disc = self.discoveries[portal.id]
        disc.on_error(request.meta["discovery_fetch"], failure.getErrorMessage())
        self._count(portal.id, "discovery_errors")
        if disc.done:
            yield from self._finish(portal, disc, None)
            return
        yield from self._next(portal, disc)

    def _finish(self, portal: PortalConfig, disc: Discovery, response: Response | None):
        now = datetime.now(UTC)
        columns = [
            {"url": f.url, "evidence": f.evidence, "reports": f.reports, "via": f.via} for f in disc.found
        ]
        with session_scope(self._discovery_engine()) as session:
            for f in disc.found:
                store.save_columns(
                    session,
                    portal_id=portal.id,
                    columns=[{"url": f.url, "evidence": f.evidence}],
                    via=f.via,
                    at=now,
                )
            store.record_attempt(
                session,
                portal_id=portal.id,
                at=now,
                outcome=disc.outcome,
                requests=disc.requests,
                tried=disc.tried,
            )
        self.discovery_results[portal.id] = {
            **self.discovery_results.get(portal.id, {}),
            "outcome": disc.outcome,
            "requests": disc.requests,
            "columns": columns,
            "tried": disc.tried,
        }
        if disc.found:
            self._count(portal.id, "columns_found", len(disc.found))
        else:
            self._count(portal.id, "no_column_found")
            logger.warning(
                "%s: no report column found from %s (%d requests)", portal.id, portal.home_url, disc.requests
            )
        if disc.found and self.crawl_found and response is not None:
            updated = self._use_columns(portal, [f.url for f in disc.found])
            if canonical_url(response.url) == disc.found[0].url:
                yield from self.parse_list(response)  # the column page just fetched is the first list page
            else:  # found on a later page of the list: start from its first page
                request = self._request(
                    updated, disc.found[0].url, self.parse_list, role="list", list_pages=1
                )
                if request is not None:
                    yield request

    def _finish_without(self, portal: PortalConfig, outcome: str, note: str) -> None:
        self.discovery_results[portal.id] = {
            "outcome": outcome,
            "requests": 0,
            "columns": [],
            "tried": [{"note": note}],
        }
        self._count(portal.id, "no_column_found")

    def _use_columns(self, portal: PortalConfig, urls: list[str]) -> PortalConfig:
        """Crawl ``portal`` from these columns: they become its start URLs and their hosts its scope."""
        domains = list(portal.allowed_domains)
        for url in urls:
            if not portal.allows(url):
                domains.append(urlsplit(url).netloc.lower())
        updated = portal.model_copy(update={"start_urls": urls, "allowed_domains": domains})
        self.portals[portal.id] = updated
        return updated

    # -- the 网站标识码 ------------------------------------------------------------------------------------
    def check_site_code(self, portal: PortalConfig, markup: str) -> None:
        """Once per portal and crawl: confirm, fill or flag its adcode from the page's 网站标识码."""
        checked = self.__dict__.setdefault("_site_codes_checked", set())
        if portal.id in checked or not markup:
            return
        code = find_site_code(markup)
        if code is None:
            return
        checked.add(portal.id)
        state, division = judge(portal.adcode, code)
        self._count(portal.id, f"site_code_{state}")
        result = self.discovery_results.setdefault(
            portal.id, {"outcome": "pending", "requests": 0, "columns": [], "tried": []}
        )
        result["site_code"] = {
            "code": code,
            "adcode_check": state,
            "adcode": division.adcode if division else None,
        }
        if state == "disagrees":
            logger.warning(
                "%s: the 网站标识码 %s names %s (%s), the registry says adcode %s",
                portal.id,
                code,
                division.adcode,
                division.name,
                portal.adcode,
            )
        elif state == "filled":
            region = "".join(dict.fromkeys(d.name for d in divisions.lineage(division.adcode)))
            with session_scope(self._discovery_engine()) as session:
                store.fill_adcode(session, portal_id=portal.id, adcode=division.adcode, region=region)

    # -- stored columns ----------------------------------------------------------------------------------
    def parse_stored_column(self, response: Response):
        portal = self.portals[response.meta["portal_id"]]
        column = response.meta["stored_column"]
        now = datetime.now(UTC)
        if response.status >= 400 and response.status not in (404, 410):  # refused: says nothing of a move
            self._count(portal.id, "errors")
            logger.warning("%s: stored column %s answered HTTP %s", portal.id, column["url"], response.status)
            return
        moved = response.status in (404, 410) or _redirected_home(response)
        with session_scope(self._discovery_engine()) as session:
            if moved:
                store.mark_moved(session, portal_id=portal.id, url=column["url"], at=now)
            else:
                store.mark_checked(session, portal_id=portal.id, url=column["url"], at=now)
        if moved:
            why = f"HTTP {response.status}" if response.status >= 400 else f"redirected to {response.url}"
            logger.warning(
                "%s: stored column %s moved (%s); discovering again", portal.id, column["url"], why
            )
            self._count(portal.id, "column_moved")
            if portal.id not in self.discoveries:
                yield from self._begin(portal)
            return
        result = self.discovery_results.setdefault(
            portal.id, {"outcome": "reused", "requests": 0, "columns": [], "tried": []}
        )
        result["requests"] += 1
        result["columns"].append({"url": column["url"], "evidence": column["evidence"], "via": column["via"]})
        self._count(portal.id, "columns_reused")
        if self.crawl_found:
            self._use_columns(portal, [column["url"]])
            yield from self.parse_list(response)

    def stored_column_error(self, failure: Failure):
        """Timeouts and 5xx say nothing about the column: keep it, count the error."""
        portal_id = failure.request.meta["portal_id"]
        self._count(portal_id, "errors")
        self.discovery_results.setdefault(
            portal_id, {"outcome": "failed", "requests": 1, "columns": [], "tried": []}
        )["tried"].append({"url": failure.request.url, "note": failure.getErrorMessage()[:200]})
        return []


def _links(body: str, url: str):
    from crawler.discovery.score import page_links

    return page_links(body, url)


def _redirected_home(response: Response) -> bool:
    """A column that now sends its visitors to the home page has moved (a soft 404)."""
    first = (response.meta.get("redirect_urls") or [response.url])[0]
    return canonical_url(first) != canonical_url(response.url) and urlsplit(response.url).path in _HOME
