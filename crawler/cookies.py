"""Scrapy's CookiesMiddleware, checking cookie domains against the Public Suffix List bundled with tldextract.

Scrapy rejects cookies set for a public suffix (``gov.cn``) through a module-level ``tldextract.TLDExtract``,
which downloads the list from publicsuffix.org the first time a cookie arrives, and on a machine without
internet access logs a page of tracebacks before falling back to its bundled copy. An archive crawler should
not call a third party in the middle of a crawl, and tests must never leave 127.0.0.1, so this module makes
Scrapy use the bundled copy from the start (tldextract's documented ``suffix_list_urls=()``). The list
changes slowly; a tldextract upgrade brings a newer copy.
"""

from __future__ import annotations

import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from tldextract import TLDExtract

_BUNDLED = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


def use_bundled_suffix_list() -> None:
    """Point Scrapy's cookie-domain check at tldextract's bundled suffix list (idempotent)."""
    scrapy_cookies._split_domain = _BUNDLED


class CookiesMiddleware(scrapy_cookies.CookiesMiddleware):
    """Scrapy's own, unchanged, except that building it switches Scrapy to the bundled suffix list."""

    @classmethod
    def from_crawler(cls, crawler):
        use_bundled_suffix_list()
        return super().from_crawler(crawler)
