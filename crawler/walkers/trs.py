"""TRS WCM lists: pages ``index.html, index_1.html, …`` announced only by an inline pager script.

The pager variants (DOMAIN.md §1.1): ``createPageHTML(count, current, "index", "html")``, the 6-argument form
``createPageHTML('page_div', count, current, 'list', 'shtml', records)``, and hand-written pagers with
``var countPage = 56``. Page 0 is ``name.ext``, page *i* is ``name_i.ext``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler.walkers.links import canonical_url

_FOUR_ARG = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]\s*\)"
)
_SIX_ARG = re.compile(
    r"createPageHTML\(\s*['\"][^'\"]*['\"]\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_COUNT_VAR = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_MAX_PAGES = 500


_ARTICLE_PAGES_MAX = 50


def article_page_urls(page_text: str, page_url: str) -> list[str]:
    """Every page of a TRS article split over pages, first page first, when ``page_url`` is that first page.

    TRS article pages call the same pager as lists with the article's own file name:
    ``createPageHTML(3, 0, "t20190918_693227", "shtml")`` → ``t20190918_693227.shtml``,
    ``t20190918_693227_1.shtml``, ``…_2.shtml``. Empty for a single page, a list pager, or a later page.
    """
    match = _FOUR_ARG.search(page_text) or _SIX_ARG.search(page_text)
    if not match or int(match.group(1)) <= 1 or int(match.group(2)) != 0:
        return []
    name, ext = match.group(3), match.group(4)
    leaf = urlsplit(page_url).path.rsplit("/", 1)[-1]
    if leaf != f"{name}.{ext}":
        return []
    count = min(int(match.group(1)), _ARTICLE_PAGES_MAX)
    return [urljoin(page_url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}") for i in range(count)]


def page_urls(page_text: str, page_url: str) -> list[str]:
    """URLs of the other pages of this TRS list, from its pager script; empty when there is none."""
    count = name = ext = None
    match = _FOUR_ARG.search(page_text) or _SIX_ARG.search(page_text)
    if match:
        count, name, ext = int(match.group(1)), match.group(3), match.group(4)
    else:
        var = _COUNT_VAR.search(page_text)
        if var:
            count = int(var.group(1))
            leaf = urlsplit(page_url).path.rsplit("/", 1)[-1] or "index.html"
            stem, _, ext = leaf.partition(".")
            name, ext = re.sub(r"_\d+$", "", stem), ext or "html"
    if not count or count <= 1 or not name:
        return []
    count = min(count, _MAX_PAGES)
    return [urljoin(page_url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}") for i in range(count)]


def next_page(page_text: str, page_url: str) -> str | None:
    """The page after ``page_url`` in its pager, if there is one (page 0 may be addressed as ``index.html``)."""
    pages = page_urls(page_text, page_url)
    current = canonical_url(page_url)
    for i, url in enumerate(pages):
        if canonical_url(url) == current:
            return canonical_url(pages[i + 1]) if i + 1 < len(pages) else None
    return canonical_url(pages[1]) if len(pages) > 1 else None
