"""Recognising pages whose list or article is built by scripts, from the plain HTML alone.

Both checks run only on pages that already failed the plain way (a list page with no candidates, an article
with almost no text), so a false alarm costs one browser request, and :mod:`.hosts` only makes a host
browser-bound once rendering really produced more text.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from crawler.walkers.links import looks_like_list_url

# Script that fetches data or builds DOM from it. ``document.write`` alone is not enough: static templates
# use it for share and 纠错 widgets (sample 07).
_RENDER_JS = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|post|getJSON)\s*\(|axios\s*[.(]|\.innerHTML\s*[+]?=|"
    r"insertAdjacentHTML|\.appendChild\s*\(|\.append\s*\(|new\s+Vue\b|createApp\s*\(|ReactDOM|"
    r"\.render\s*\(|JSON\.parse\s*\(",
)
# Widgets that every static gov template carries; their scripts say nothing about the content.
_WIDGET_SRC = re.compile(r"jiucuo|conac|kaipuyun|jquery|share|wza|baidu|cnzz|analytics|visit", re.IGNORECASE)
_EMPTY_MOUNT = re.compile(
    r"<(div|ul|ol|section|main|table|tbody)\b[^>]*\bid\s*=\s*['\"][\w-]*['\"][^>]*>\s*</\1\s*>", re.IGNORECASE
)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\bsrc\s*=\s*['\"]?([^'\" >]+)", re.IGNORECASE)
_ARTICLE_HREF = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art/\d{4}/|content_\d+|/\d{6}/[0-9a-f]{16,}|/article|detail|/[^/]*\d[^/]*\.s?html?$",
    re.IGNORECASE,
)

# Below this many characters an article has lost its body (a report is thousands of characters).
MIN_ARTICLE_CHARS = 120
# A list that shows fewer article links than this has not shown its list.
MIN_LIST_LINKS = 3


def renders_by_script(text: str) -> bool:
    """Whether the page runs scripts that fetch or build content (not just template widgets)."""
    for attrs, body in _SCRIPT.findall(text):
        if 'type="text/xml"' in attrs.replace("'", '"'):
            continue  # Hanweb's embedded datastore: data, read by the walker without a browser
        src = _SRC.search(attrs)
        if src:
            if not _WIDGET_SRC.search(src.group(1)) and _EMPTY_MOUNT.search(text):
                return True  # an app bundle and an empty element for it to fill
            continue
        if "createPageHTML" in body and not _RENDER_JS.search(body.replace("createPageHTML", "")):
            continue
        if _RENDER_JS.search(body):
            return True
    return False


def article_links(text: str, base_url: str) -> int:
    """How many anchors on the page look like links to articles (what a list page is for, as opposed to
    menus and breadcrumbs, which point at columns and index pages).
    """
    if not text.strip():
        return 0
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return 0
    count = 0
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        path = urlsplit(urljoin(base_url, href)).path
        if _ARTICLE_HREF.search(path) and not looks_like_list_url(path):
            count += 1
    return count


def list_needs_browser(text: str, base_url: str, candidates: int) -> bool:
    """A list page that offered no candidates, shows (almost) no article links and builds its list in JS."""
    if candidates:
        return False
    return article_links(text, base_url) < MIN_LIST_LINKS and renders_by_script(text)


def article_needs_browser(text: str, extracted_chars: int) -> bool:
    """An article whose extracted text is empty or far too short while the page runs content scripts."""
    return extracted_chars < MIN_ARTICLE_CHARS and renders_by_script(text)


def visible_text_length(text: str) -> int:
    """Characters of visible text (scripts and styles dropped): compares a page before and after rendering."""
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return 0
    for node in tree.iter("script", "style", "noscript", "template"):
        node.text = None
    return len(re.sub(r"\s+", "", tree.text_content()))
