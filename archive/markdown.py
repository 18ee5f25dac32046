"""Markdown export: one section per document with a metadata table and the text of its latest version.

Stored text comes from the internet, and many Markdown renderers pass raw HTML through, so every piece of
stored content is escaped: ASCII punctuation that Markdown or HTML could act on gets a backslash (CommonMark
renders ``\\<script>`` as the literal text), line-start markers (``#``, ``>``, ``-``, ``1.``) are
neutralized, and table cells cannot break out of their row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# Characters escaped anywhere: backslash first so escapes are not doubled.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
# Block markers that only matter at the start of a line (after optional spaces).
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")

META_FIELDS = (
    ("id", "id"),
    ("url", "URL"),
    ("portal", "portal"),
    ("kind", "kind"),
    ("year", "year"),
    ("publisher", "publisher"),
    ("published", "published"),
    ("status", "status"),
    ("report_group", "report group"),
    ("versions", "versions"),
    ("first_seen", "first seen"),
    ("last_seen", "last seen"),
)


def escape_inline(text: str) -> str:
    """Backslash-escape the punctuation Markdown (or inline HTML) would interpret."""
    return _INLINE.sub(r"\\\1", text)


def escape_line(line: str) -> str:
    """One line of body text, safe as a Markdown paragraph line."""
    escaped = escape_inline(line)
    match = _LINE_START.match(escaped)
    if match:
        lead, marker = match.groups()
        escaped = lead + marker[:-1] + "\\" + marker[-1] + escaped[match.end() :]
    return escaped


def escape_cell(value: object) -> str:
    """A table cell: inline-escaped, on one line."""
    if value is None or value == "":
        return "—"
    return escape_inline(" ".join(str(value).split()))


def render_record(record: dict) -> str:
    """One document as a Markdown section (title heading, metadata table, text)."""
    title = escape_inline(" ".join((record.get("title") or record.get("url") or "(untitled)").split()))
    out = [f"## {title}", "", "| field | value |", "| --- | --- |"]
    out.extend(f"| {label} | {escape_cell(record.get(key))} |" for key, label in META_FIELDS)
    out.append("")
    text = record.get("text")
    if text:
        # one paragraph per stored line (the normalized text has one paragraph per line)
        for line in text.splitlines():
            if line.strip():
                out.extend([escape_line(line.strip()), ""])
    else:
        out.extend(["*(no stored text)*", ""])
    return "\n".join(out) + "\n"


def iter_markdown(records: Iterable[dict], *, heading: str | None = "fazhi export") -> Iterator[str]:
    """The document as chunks: an optional top heading, then one section per record."""
    if heading:
        yield f"# {escape_inline(heading)}\n\n"
    for record in records:
        yield render_record(record)
        yield "\n"
