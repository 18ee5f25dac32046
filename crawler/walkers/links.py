"""Links on list pages: anchors with their titles and the dates printed beside them, and title scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

DATE_RE = re.compile(r"(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

# A title that names the annual report outright, or one that merely shares its vocabulary.
_REPORT_TITLE = re.compile(
    r"(法治政府建设|法治建设|依法行政).{0,30}(报告|总结)|(报告|总结).{0,12}(法治政府建设|依法行政)"
)
_TOPIC_WORDS = re.compile(r"法治政府|依法行政|法治建设|法治")
_ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|wps|ofd|xlsx?)(?:$|\?)", re.IGNORECASE)
_ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art/\d{4}/\d{1,2}/\d{1,2}/|content_\d+|/\d{6}/[0-9a-f]{16,}\.s?html?$|/article/|detail",
    re.IGNORECASE,
)
_LIST_URL = re.compile(r"/col/col\d+/(index\.html?)?$|/index(_\d+)?\.s?html?$|/$|list", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """An anchor found on a list page."""

    url: str
    title: str
    date: str | None = None


def title_score(title: str) -> int:
    """How likely a link with this title leads to a 法治政府建设 report: 2 names it, 1 shares words, 0 no."""
    title = re.sub(r"\s+", "", title or "")
    if _REPORT_TITLE.search(title):
        return 2
    if _TOPIC_WORDS.search(title):
        return 1
    return 0


_ATTACHMENT_HREF = re.compile(r"""\.(?:pdf|docx?|wps|ofd|xlsx?)(?:["'?#\s>]|$)""", re.IGNORECASE)


def mentions_attachment(markup: str) -> bool:
    """A cheap test before parsing a page for attachment links: does any file name appear at all?"""
    return bool(_ATTACHMENT_HREF.search(markup))


def is_attachment_url(url: str) -> bool:
    return bool(_ATTACHMENT_EXT.search(urlsplit(url).path))


def looks_like_list_url(url: str) -> bool:
    """Column/list pages (``index_2.html``, ``/col/col123/``) as opposed to articles."""
    path = urlsplit(url).path
    return not _ARTICLE_URL.search(path) and bool(_LIST_URL.search(path))


def canonical_url(url: str) -> str:
    """Drop the fragment; keep the query (some CMSs address articles by it)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _nearby_date(anchor) -> str | None:
    """A date printed in the anchor's row (li/tr/dd/p) — lists often show the publication date."""
    node = anchor
    for _ in range(3):
        node = node.getparent()
        if node is None:
            return None
        if node.tag in ("li", "tr", "dd", "p", "div", "dl"):
            match = DATE_RE.search(node.text_content())
            if match:
                year, month, day = match.groups()
                return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
            if node.tag in ("li", "tr"):
                return None
    return None


def anchors(markup: str, base_url: str, *, dates: bool = True) -> list[Link]:
    """Every http(s) anchor in an HTML fragment or page, resolved against ``base_url``.

    ``dates=False`` skips looking for a date beside each link (only list rows print one).
    """
    if not markup or not markup.strip():
        return []
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    found: list[Link] = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = canonical_url(urljoin(base_url, href))
        if not url.startswith(("http://", "https://")):
            continue
        title = _clean(anchor.get("title") or "") or _clean(anchor.text_content())
        found.append(Link(url=url, title=title, date=_nearby_date(anchor) if dates else None))
    return found
