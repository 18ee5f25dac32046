"""The 网站标识码 on a portal's pages: ten characters whose first six are the jurisdiction's adcode
(《政府网站发展指引》; footers print it, and the ``SiteIDCode`` meta tag carries it).

Read while crawling, it confirms the registry's adcode, fills one the registry lacks, or flags a
disagreement (a wrong adcode in the registry, or a portal that is not the government it claims to be).
"""

from __future__ import annotations

import re

from archive import divisions

_FOOTER = re.compile(r"网站标识码\s*[:：]?\s*(?:<[^>]*>\s*)*([0-9A-Za-z]{10})(?![0-9A-Za-z])")
_META = re.compile(
    r"""<meta[^>]*?(?:name=["']?SiteIDCode["']?[^>]*?content=["']?([0-9A-Za-z]{10})|"""
    r"""content=["']?([0-9A-Za-z]{10})["']?[^>]*?name=["']?SiteIDCode)""",
    re.IGNORECASE,
)


def find_site_code(markup: str) -> str | None:
    """The page's 网站标识码 (meta tag first, then the footer), or None."""
    match = _META.search(markup[:20_000])
    if match:
        return match.group(1) or match.group(2)
    match = _FOOTER.search(markup[-20_000:]) or _FOOTER.search(markup)
    return match.group(1) if match else None


def judge(registry_adcode: str | None, site_code: str) -> tuple[str, divisions.Division | None]:
    """``confirmed`` | ``filled`` (the registry has no adcode; the code names a division) | ``disagrees`` |
    ``unknown`` (the code's first six characters are no division), with the division the code names."""
    division = divisions.get(site_code[:6]) if site_code[:6].isdigit() else None
    if division is None:
        return "unknown", None
    if registry_adcode is None:
        return "filled", division
    return ("confirmed" if registry_adcode == division.adcode else "disagrees"), division
