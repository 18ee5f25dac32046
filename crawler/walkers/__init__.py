"""List walkers: one module per CMS family, all read through :func:`read_list`.

A walker never fetches anything itself; it reads a list page (or a list API's answer) and says which links it
offers and which list pages come next, so it can be tested on saved pages. Families (DOMAIN.md §1):
:mod:`~crawler.walkers.hanweb` (records embedded as XML, more from ``dataproxy.jsp``),
:mod:`~crawler.walkers.trs` (``index_N.html`` pages announced by a pager script) and
:mod:`~crawler.walkers.plain` (下一页 links). Lists built by JavaScript are read by the same walkers once
the browser has built them (:func:`crawler.render.escalate.script_built_list`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.walkers import hanweb, plain, trs
from crawler.walkers.links import Link, anchors


@dataclass(frozen=True)
class NextPage:
    """A list page to walk next: a GET, or a POST when ``formdata`` is given. ``cursor`` is the family's
    own state, handed back to :func:`read_list` with that page's answer."""

    url: str
    formdata: dict[str, str] | None = None
    cursor: hanweb.Cursor | None = None


@dataclass
class ListPage:
    """What one list page offers: candidate links, and the list pages that follow it."""

    links: list[Link]
    next_pages: list[NextPage] = field(default_factory=list)


def read_list(text: str, url: str, cursor: hanweb.Cursor | None = None) -> ListPage:
    """Links and following pages of a column page, or of a list API answer when ``cursor`` is given."""
    if cursor is not None:
        records = hanweb.records(text, url)
        following = hanweb.next_chunk(cursor, text) if records else None
        return ListPage(records, [NextPage(following.url, following.form, following)] if following else [])
    links = anchors(text, url)
    embedded, chunk = hanweb.read_column(text, url)
    page = ListPage(links + embedded)
    if chunk is not None:
        page.next_pages.append(NextPage(chunk.url, chunk.form, chunk))
    following = trs.next_page(text, url) or plain.next_page(links)
    if following:
        page.next_pages.append(NextPage(following))
    return page
