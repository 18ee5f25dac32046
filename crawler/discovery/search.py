"""A portal's own site search, for columns no link leads to: find the search form on its pages, ask it for the
report's title words, and read the results.

Forms as the common government templates write them (shared/DOMAIN.md §1): TRS WAS5
(``/was5/web/search?searchword=…``), Hanweb 大汉 JSearch (the ``/jsearchfront/search.do`` page loads its
results by ``POST /jsearchfront/interfaces/cateSearch.do`` with ``websiteid, q, p, pg, pos, tpl``, answering
JSON ``{total, result: [html…]}``) and the gov.cn-style GET form (``searchWord``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from lxml import html as lxml_html

from crawler.discovery.score import PageLink, page_links

QUERIES = ("法治政府建设 报告", "依法行政 报告")
_TEXT_NAMES = ("searchword", "searchWord", "q", "keyword", "keywords", "query", "wd", "kw", "word", "qt")


@dataclass(frozen=True)
class SearchForm:
    """Enough of a search form to submit it: where, how, the text field and the hidden fields."""

    engine: str  # "was5" | "jsearch" | "form"
    action: str
    field: str
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchRequest:
    url: str
    method: str = "GET"
    formdata: dict[str, str] | None = None


def find_form(markup: str, base_url: str) -> SearchForm | None:
    """The page's site-search form, if it has one."""
    if "<form" not in markup.lower():
        return None
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for form in tree.iter("form"):
        action = urljoin(base_url, (form.get("action") or "").strip() or base_url)
        if urlsplit(action).scheme not in ("http", "https"):
            continue
        hidden, text_field = {}, None
        for inp in form.iter("input"):
            name, kind = inp.get("name"), (inp.get("type") or "text").lower()
            if not name:
                continue
            if kind == "hidden":
                hidden[name] = inp.get("value") or ""
            elif kind in ("text", "search") and (text_field is None or name in _TEXT_NAMES):
                text_field = name
        looks_like_search = (
            "search" in action.lower() or "sousuo" in action.lower() or text_field in _TEXT_NAMES
        )
        if text_field is None or not looks_like_search:
            continue
        engine = "jsearch" if "jsearchfront" in action else "was5" if "/was5/" in action else "form"
        return SearchForm(engine, action, text_field, hidden)
    return None


def search_request(form: SearchForm, query: str) -> SearchRequest:
    """The request asking ``form`` for ``query``."""
    if form.engine == "jsearch":
        parts = urlsplit(form.action)
        url = f"{parts.scheme}://{parts.netloc}/jsearchfront/interfaces/cateSearch.do"
        data = {
            "websiteid": form.hidden.get("websiteid", ""),
            "q": query,
            "p": "1",
            "pg": "20",
            "cateid": form.hidden.get("cateid", ""),
            "pos": "title",
            "tpl": form.hidden.get("tpl", "1"),
        }
        return SearchRequest(url, "POST", data)
    params = {**form.hidden, form.field: query}
    sep = "&" if "?" in form.action else "?"
    return SearchRequest(form.action.split("#")[0] + sep + urlencode(params))


def result_links(body: str, base_url: str) -> list[PageLink]:
    """Links of a results page: HTML, or JSearch's JSON whose ``result`` items are HTML snippets."""
    stripped = body.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return []
        snippets = data.get("result") or data.get("results") or []
        return page_links("".join(s for s in snippets if isinstance(s, str)), base_url)
    return page_links(body, base_url)


_CRUMB = re.compile(r"当前位置|您的位置|所在位置|现在的位置")


def breadcrumb_links(markup: str, base_url: str) -> list[PageLink]:
    """The links of an article's breadcrumb (当前位置：首页 > 政务公开 > 法治政府建设 > 正文), in order."""
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    for node in tree.iter("div", "td", "p", "span", "nav"):
        cls = (node.get("class") or "") + " " + (node.get("id") or "")
        own = (node.text or "").strip()
        if not (_CRUMB.search(own) or re.search(r"crumb|position|location|weizhi|dqwz", cls, re.I)):
            continue
        fragment = lxml_html.tostring(node, encoding="unicode")
        links = page_links(fragment, base_url)
        if links:
            return links
    return []
