"""Where discovery may go: the portal's own hosts and the other hosts of the same government.

信息公开 platforms often live on another host of the same government (``xxgk.``/``zwgk.`` subdomains, or a
province-wide platform). Discovery follows a link from the portal's own pages to a host when

* the registry's ``discovery_domains`` lists it (a domain admits its subdomains; ``host:port`` admits that
  origin exactly) — the list *replaces* the default, so it can widen (add ``gd.gov.cn``) or narrow
  (``[www.jingan.gov.cn]``: that host only);
* by default: the host shares the registrable domain (public suffix + one label, from tldextract's bundled
  list: ``xxgk.jingan.gov.cn`` and ``www.jingan.gov.cn`` are both ``jingan.gov.cn``) of the home page or of a
  start URL or allowed domain. An IP address is its own registrable domain (any port: govsim's hosts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from crawler.registry import PortalConfig


@lru_cache(maxsize=1)
def _extract():
    from tldextract import TLDExtract

    return TLDExtract(suffix_list_urls=(), include_psl_private_domains=False)


def registrable(host: str) -> str:
    """``xxgk.jingan.gov.cn`` → ``jingan.gov.cn``; an IP or a bare name stays as it is."""
    return _extract()(host).top_domain_under_public_suffix or host


def _matches(domain: str, host: str, netloc: str) -> bool:
    domain = domain.lower()
    if ":" in domain:
        return netloc == domain
    return host == domain or host.endswith("." + domain)


def default_domains(portal: PortalConfig) -> list[str]:
    hosts = [urlsplit(u).hostname or "" for u in [portal.home_url or "", *portal.start_urls] if u]
    hosts += [d.split(":")[0] for d in portal.allowed_domains]
    return sorted({registrable(h.lower()) for h in hosts if h})


def discovery_scope(portal: PortalConfig) -> Callable[[str], bool]:
    """A predicate: may discovery fetch this URL for ``portal``?"""
    domains: Iterable[str] = (
        portal.discovery_domains if portal.discovery_domains is not None else default_domains(portal)
    )
    domains = list(domains)

    def allowed(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        host, netloc = parts.hostname.lower(), parts.netloc.lower()
        return portal.allows(url) or any(_matches(d, host, netloc) for d in domains)

    return allowed
