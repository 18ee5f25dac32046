"""Cookie domains are checked against tldextract's bundled Public Suffix List, never a downloaded one."""

from __future__ import annotations

import subprocess
import sys

import requests
import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.cookies import CookiesMiddleware


def test_the_project_uses_the_bundled_list_and_never_the_network(monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("the Public Suffix List was requested from the internet")

    monkeypatch.setattr(requests.Session, "request", no_network)
    assert project_settings.DOWNLOADER_MIDDLEWARES["crawler.cookies.CookiesMiddleware"] == 700
    assert (
        project_settings.DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"]
        is None
    )
    assert isinstance(CookiesMiddleware.from_crawler(get_crawler()), scrapy_cookies.CookiesMiddleware)
    assert scrapy_cookies._split_domain.suffix_list_urls == ()  # whatever the state of tldextract's cache
    # gov.cn is a public suffix: a cookie for it must be refused; a portal's own domain is not one
    assert scrapy_cookies._is_public_domain("gov.cn")
    assert not scrapy_cookies._is_public_domain("www.jingan.gov.cn")


def test_importing_the_module_changes_nothing() -> None:
    code = (
        "import scrapy.downloadermiddlewares.cookies as c; before = c._split_domain; "
        "import crawler.cookies; assert c._split_domain is before, 'import patched Scrapy'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
