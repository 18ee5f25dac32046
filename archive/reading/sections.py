"""Section structure of a report: the numbered headings Chinese official documents use, and bold runs.

Headings are recognised at the start of a line (the normalized text keeps one paragraph per line):

====== ============ ================================
level  marker       example
====== ============ ================================
1      一、          一、2019年法治政府建设主要举措和成效
2      (一)          (一)加强党对法治政府建设的领导。
3      1. / 1、      1.强化统筹谋划。强化各级党组织……
4      (1)           (1)严格落实决策程序
====== ============ ================================

Many reports run a level-3 heading straight into its paragraph ("1.强化党的领导。强化各级……"), so a
heading's *title* ends at the first 。 (or ; or the end of the line), and is at most 60 characters.
Spans are character offsets into the text: ``start``/``end`` of the heading's title line part, and
``section_end`` where the next heading of the same or a higher level begins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

_CN = "一二三四五六七八九十"
_MARKERS = (
    (1, re.compile(rf"[{_CN}]{{1,3}}、")),
    (2, re.compile(rf"[(（][{_CN}]{{1,3}}[)）]")),
    (3, re.compile(r"\d{1,2}(?:[.．](?!\d)|、)")),
    (4, re.compile(r"[(（]\d{1,2}[)）]")),
)
_TITLE_END = re.compile(r"[。;；]")
MAX_TITLE = 60


@dataclass(frozen=True)
class Heading:
    level: int
    marker: str  # "一、", "(一)", "1.", "(1)"
    title: str  # the heading text after the marker, without its closing 。
    start: int  # offset of the marker
    end: int  # offset just after the title
    section_end: int  # where the section this heading opens ends


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def headings(text: str) -> list[Heading]:
    """Every numbered heading of ``text`` in order, with the span of the section it opens."""
    found: list[tuple[int, str, str, int, int]] = []
    for offset, line in _lines(text):
        for level, pattern in _MARKERS:
            m = pattern.match(line)
            if not m:
                continue
            rest = line[m.end() :]
            stop = _TITLE_END.search(rest)
            title = (rest[: stop.start()] if stop else rest)[:MAX_TITLE].strip()
            if title:
                found.append((level, m.group(), title, offset, offset + m.end() + len(title)))
            break
    out = []
    for i, (level, marker, title, start, end) in enumerate(found):
        section_end = next((f[3] for f in found[i + 1 :] if f[0] <= level), len(text))
        out.append(Heading(level, marker, title, start, end, section_end))
    return out


_BOLD_TAGS = {"b", "strong"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)


def bold_runs(html: str) -> list[str]:
    """Texts set in bold in an HTML body (<b>, <strong>, or font-weight:bold/600+), NFKC-normalized."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    runs = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.lower() in _BOLD_TAGS or _BOLD_STYLE.search(el.get("style") or ""):
            if any(a.tag in _BOLD_TAGS for a in el.iterancestors() if isinstance(a.tag, str)):
                continue  # nested inside another bold run
            run = re.sub(r"\s+", "", unicodedata.normalize("NFKC", el.text_content()))
            if run:
                runs.append(run)
    return runs


def bold_spans(text: str, html: str) -> list[tuple[int, int, str]]:
    """Where the bold runs of ``html`` lie in ``text``: (start, end, run), searched in document order."""
    spans, pos = [], 0
    for run in bold_runs(html):
        at = text.find(run, pos)
        if at < 0:
            at = text.find(run)
        if at >= 0:
            spans.append((at, at + len(run), run))
            pos = at + len(run)
    return spans


def structure(text: str, html: str | None = None) -> dict:
    """The stored/shown form: headings and bold spans of one version."""
    return {
        "headings": [asdict(h) for h in headings(text)],
        "bold": [{"start": s, "end": e, "text": t} for s, e, t in (bold_spans(text, html) if html else [])],
    }
