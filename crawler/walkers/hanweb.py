"""Hanweb (大汉 JCMS) lists: records embedded as XML in the column page, the rest from ``dataproxy.jsp``.

The column page ships its first records inside ``<script type="text/xml"><datastore>…<recordset><record>
<![CDATA[<li><a …>]]></record>…`` (an HTML parser ignores script content, so we read the CDATA ourselves);
later records come from ``POST …/dataproxy.jsp?startrecord=&endrecord=&perpage=`` with a form naming the
column (DOMAIN.md §1.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from crawler.walkers.links import Link, anchors

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_PROXY_PATH = re.compile(r"""['"]([^'"\s]*?dataproxy\.jsp)[^'"]*['"]""")
_PARAM = re.compile(
    r"""\b(webid|columnid|unitid|webname|path|appid|perpage|sourceContentType|permissiontype)\b['"]?\s*[:=]\s*['"]?([^'"&,;\s})<]*)""",
    re.IGNORECASE,
)
RECORDS_PER_REQUEST = 60  # Hanweb front-ends fetch three pages of 20 at a time; servers accept more


@dataclass(frozen=True)
class DataProxy:
    """Where and how to ask a Hanweb column for more records."""

    url: str
    form: dict[str, str]
    total: int | None


def has_datastore(page_text: str) -> bool:
    return "<datastore" in page_text or "dataproxy.jsp" in page_text


def records(xml_text: str, base_url: str) -> list[Link]:
    """Links inside the ``<record>`` CDATA blocks of a column page or a dataproxy response."""
    found: list[Link] = []
    for block in _RECORD.findall(xml_text):
        found.extend(anchors(block, base_url))
    return found


def total_records(xml_text: str) -> int | None:
    match = _TOTAL.search(xml_text)
    return int(match.group(1)) if match else None


def find_dataproxy(page_text: str, page_url: str) -> DataProxy | None:
    """The dataproxy endpoint and column parameters named anywhere in a column page."""
    path = _PROXY_PATH.search(page_text)
    if not path:
        return None
    params = {}
    for key, value in _PARAM.findall(page_text):
        params.setdefault(key.lower(), value)
    if "columnid" not in params:
        return None
    form = {
        "col": "1",
        "appid": params.get("appid") or "1",
        "webid": params.get("webid", ""),
        "path": params.get("path") or "/",
        "columnid": params["columnid"],
        "sourceContentType": params.get("sourcecontenttype") or "1",
        "unitid": params.get("unitid", ""),
        "webname": params.get("webname", ""),
        "permissiontype": params.get("permissiontype") or "0",
    }
    return DataProxy(url=urljoin(page_url, path.group(1)), form=form, total=total_records(page_text))


def chunk_url(proxy: DataProxy, start: int, per_request: int = RECORDS_PER_REQUEST, perpage: int = 20) -> str:
    """The dataproxy URL for records ``start … start+per_request-1`` (1-based, inclusive)."""
    query = urlencode({"startrecord": start, "endrecord": start + per_request - 1, "perpage": perpage})
    return f"{proxy.url}?{query}"


@dataclass(frozen=True)
class Cursor:
    """The next chunk of a column's records to ask ``dataproxy.jsp`` for."""

    proxy: DataProxy
    start: int  # first record wanted, 1-based

    @property
    def url(self) -> str:
        return chunk_url(self.proxy, self.start)

    @property
    def form(self) -> dict[str, str]:
        return self.proxy.form


def read_column(page_text: str, page_url: str) -> tuple[list[Link], Cursor | None]:
    """The records embedded in a column page, and where the ones after them come from (if the page names
    a dataproxy). Pages of other families give ``([], None)``."""
    proxy = find_dataproxy(page_text, page_url) if has_datastore(page_text) else None
    if proxy is None and "<datastore" not in page_text:
        return [], None
    embedded = records(page_text, page_url)
    return embedded, (_cursor(proxy, 1 + len(embedded)) if proxy is not None else None)


def _cursor(proxy: DataProxy, start: int) -> Cursor | None:
    return None if proxy.total is not None and start > proxy.total else Cursor(proxy, start)


def next_chunk(cursor: Cursor, answer_text: str) -> Cursor | None:
    """The chunk after the one ``answer_text`` answered, or None past the column's last record."""
    total = total_records(answer_text) or cursor.proxy.total
    return _cursor(DataProxy(cursor.proxy.url, cursor.proxy.form, total), cursor.start + RECORDS_PER_REQUEST)
