"""Re-requesting a page through the browser: the one call the spider makes when a page looks script-built.

The spider knows what it found on a page (no candidates on a list, no text in an article); the render
middleware decides whether a browser may be used (the portal's ``render`` policy) and keeps the host's state.
"""

from __future__ import annotations

from scrapy.http import Request, Response, TextResponse

from crawler.render.heuristics import (
    article_links,
    article_needs_browser,
    list_needs_browser,
    renders_by_script,
    visible_text_length,
)
from crawler.render.hosts import JS_ARTICLE, JS_LIST
from crawler.walkers.links import Link, canonical_url, looks_like_list_url, title_score

REASON_KEY = "render_reason"  # meta: why this request goes through the browser
BASELINE_KEY = "render_baseline"  # meta: visible characters of the plain page, to judge the rendering
# meta: a rendered document's data requests to revalidate plainly after its page's 304 (spiders/datachecks.py)
DATA_CHECKS_KEY = "render_data_checks"


def was_rendered(response: Response) -> bool:
    return "playwright" in response.flags or bool(response.meta.get("playwright"))


# Keys Scrapy sets on a response's meta that must not travel to a new request (MetaCopyDetectionMiddleware).
_INTERNAL_KEYS = frozenset(
    {
        "download_latency",
        "redirect_reasons",
        "redirect_times",
        "redirect_ttl",
        "redirect_urls",
        "retry_times",
        "cache_timestamp",
        "_dont_cache",
        "_auth_proxy",
        "_scheme_proxy",
    }
)


def baseline(response: Response) -> dict[str, int]:
    """What the plain page shows: visible characters and article links, to judge the rendering against."""
    text = response.text if isinstance(response, TextResponse) else ""
    return {"chars": visible_text_length(text), "links": article_links(text, response.url)}


def rerender(response: Response, reason: str) -> Request | None:
    """The request of ``response`` again (its first URL, before redirects: the browser follows them),
    marked to go through the browser; None when it already did or the portal's policy forbids it (the
    middleware stamps ``render_policy`` on every portal request).
    """
    if was_rendered(response) or response.meta.get("render_policy") == "never":
        return None
    request = response.request
    first_url = (request.meta.get("redirect_urls") or [request.url])[0]
    meta = {k: v for k, v in request.meta.items() if k not in _INTERNAL_KEYS}
    meta.update({REASON_KEY: reason, BASELINE_KEY: baseline(response)})
    return request.replace(url=first_url, meta=meta, dont_filter=True)


def script_built_list(response: Response, links: list[Link]) -> Request | None:
    """The browser request for a list page that offered no article candidates (links to itself and to other
    columns do not count: menus and breadcrumbs name the topic too) because its list is built in script.
    """
    if was_rendered(response) or not isinstance(response, TextResponse):
        return None
    here = canonical_url(response.url)
    candidates = sum(
        1
        for link in links
        if link.url != here and not looks_like_list_url(link.url) and title_score(link.title)
    )
    if not list_needs_browser(response.text, response.url, candidates):
        return None
    return rerender(response, JS_LIST)


def script_built_article(response: Response) -> Request | None:
    """The browser request for an article whose text is empty or far too short while the page runs scripts.

    The cheap script check goes first: the extraction (tens of ms) only runs on pages that build content in
    script, i.e. almost never on a static portal.
    """
    if was_rendered(response) or not isinstance(response, TextResponse):
        return None
    if response.meta.get("render_policy") == "never" or not renders_by_script(response.text):
        return None
    from pipelines.extract import extract_page  # pipelines import trafilatura: load only when needed

    headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
    extracted = extract_page(response.body, response.url, headers)
    if not article_needs_browser(response.text, len("".join(extracted.text.split()))):
        return None
    return rerender(response, JS_ARTICLE)
