"""The change feed as an Atom document (RFC 4287), for feed readers: ``fazhi changes --atom FILE``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:fazhi:changes"

_KIND_TITLES = {
    "new": "新发布",
    "changed": "内容修改",
    "missing": "无法访问",
    "gone": "已撤下",
    "returned": "重新上线",
    "moved": "地址变更",
}


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    rows: Iterable[dict], *, title: str = "fazhi: 法治政府建设报告 changes", feed_id: str = FEED_ID
) -> bytes:
    """An Atom feed of change rows (dicts with at, kind, document, url, portal, title, summary)."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    rows = list(rows)
    _sub(feed, "title", title)
    _sub(feed, "id", feed_id)
    updated = max((r["at"] for r in rows if r.get("at")), default=None)
    _sub(feed, "updated", updated or datetime.now(UTC).isoformat())
    _sub(_sub(feed, "author"), "name", "fazhi")
    for row in rows:
        entry = _sub(feed, "entry")
        label = _KIND_TITLES.get(row["kind"], row["kind"])
        _sub(entry, "title", f"[{label}] {row.get('title') or row['url']}")
        _sub(entry, "id", f"{FEED_ID}:{row['document']}:{row['kind']}:{row['at']}")
        _sub(entry, "updated", row["at"])
        _sub(entry, "link", href=row["url"])
        _sub(entry, "category", term=row["kind"])
        _sub(entry, "summary", f"{row['portal']}: {row.get('summary') or ''}".strip())
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
