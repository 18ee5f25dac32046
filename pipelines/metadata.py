"""Page metadata: title, published date, publisher and the meta-tag dict.

Sources in order of trust: the 《政府网站发展指引》 meta tags (ArticleTitle, PubDate, ContentSource — any
case, any attribute order), the 信息公开 table, the visible 发布时间/来源 line, and finally the document's own
closing signature. The 今天是 widget and the footer year are render-time dates and never used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from lxml import etree

from pipelines import govrules as rules
from pipelines.htmltext import simplified, squash

_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?!\d)")
_FULL_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,3}月.{1,4}日\s*$")
_ORG_END = re.compile(r"(?:政府|办公室|办公厅|局|委员会|委|办事处|厅|院|中心|处|部|街道|镇|乡|公司|小组|会)$")
_SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?：:]")
_XXGK_LABEL_VALUE = re.compile(r"^(" + "|".join(rules.XXGK_LABELS) + r")\s*[:：]?\s*(.*)$")
_TITLE_TEXT = etree.XPath("//title/text()")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
#: Title fallbacks when there is no usable meta or <title>: the first <h1>, else the first ``.title``.
_HEADING_XPATHS = (
    etree.XPath("//h1"),
    etree.XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' title ')]"),
)


def parse_date(text: str | None) -> date | None:
    """First valid ``YYYY-MM-DD``, ``YYYY年MM月DD日`` or ``YYYY/MM/DD`` date in ``text``."""
    for match in _DATE.finditer(text or ""):
        year, month, day = (int(g) for g in match.groups())
        if 1990 <= year <= 2100:
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def read_meta(tree: etree._Element) -> dict[str, str]:
    """All ``<meta>`` name/property/http-equiv → content pairs, keys lower-cased, first non-empty wins."""
    meta: dict[str, str] = {}
    for el in tree.iter("meta", "META"):
        attrs = {k.lower(): v for k, v in el.attrib.items()}
        key = attrs.get("name") or attrs.get("property") or attrs.get("http-equiv")
        if not key:
            continue
        key = key.strip().lower()
        value = (attrs.get("content") or "").strip()
        if value and not meta.get(key):
            meta[key] = value
        else:
            meta.setdefault(key, value)
    return meta


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key]
    return None


def clean_title(raw: str | None, site_name: str | None = None) -> str | None:
    """Strip site-name prefixes/suffixes (``_XX人民政府``, ``XX人民政府网——``) from a page title."""
    if not raw:
        return None
    # Some templates copy the title's markup into ArticleTitle (<div>…</div>): keep its text only.
    title = re.sub(r"\s+", " ", _TAG.sub("", raw)).strip()
    if not title:
        return None
    parts = [p for p in rules.TITLE_SEPARATORS.split(title) if p]
    site = squash(site_name or "")

    def is_site(part: str) -> bool:
        part = squash(part)
        return bool(part) and (part == site or bool(rules.SITE_NAME_PART.search(part)) and len(part) <= 20)

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) == len(rules.TITLE_SEPARATORS.split(title)):
        return title
    # Re-join what is left with the separators it had (titles may contain —— legitimately).
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() or title


def find_title(tree: etree._Element, meta: dict[str, str]) -> str | None:
    """ArticleTitle meta, else og:title / <title>, else the first <h1> or ``.title`` element.

    A ``<title>`` is usually ``article_column_site``: site parts are stripped, then the longest of the
    ``_``/``|`` parts is the article title.
    """
    site = _first(meta, rules.META_SITENAME)
    raw = _first(meta, rules.META_TITLE)
    if not raw:
        titles = _TITLE_TEXT(tree)
        cleaned = clean_title(titles[0], site) if titles else None
        if cleaned:
            parts = [p.strip() for p in re.split(r"_+|\||｜", cleaned) if p.strip()]
            return max(parts, key=len) if parts else cleaned
    if not raw:
        for xpath in _HEADING_XPATHS:
            found = xpath(tree)
            if found:
                raw = found[0].text_content()
                break
    return clean_title(raw, site)


def read_xxgk(lines: list[str]) -> dict[str, str]:
    """Label → value pairs of a 信息公开 metadata table given as text lines (``label：value`` or split)."""
    out: dict[str, str] = {}
    pending: str | None = None
    for line in lines:
        match = _XXGK_LABEL_VALUE.match(line)
        if match:
            label, value = match.group(1), match.group(2).strip()
            if value:
                out.setdefault(label, value)
                pending = None
            else:
                pending = label
        elif pending:
            out.setdefault(pending, line.strip())
            pending = None
    return out


def _label_lines(lines: list[str]) -> list[str]:
    """The lines a labelled value may come from: short ones, in simplified characters, never 今天是."""
    short = (simplified(line) for line in lines if len(line) <= rules.HEADER_LINE_MAX)
    return [line for line in short if not line.startswith("今天是")]


@lru_cache(maxsize=64)
def _label_pattern(label: str) -> re.Pattern[str]:
    """``label：value``, the value stopping at the next label, a wide gap or a bracket."""
    stop = rf"(?=\s{{2,}}|\s*(?:{rules.HEADER_LABELS})\s*[:：]|\s*[|｜【\[]|$)"
    return re.compile(rf"(?:^|[\s|｜】\]]){label}\s*[:：]\s*([^\s|｜【\[][^|｜【\[]*?){stop}")


def _value_after(label_lines: list[str], label: str) -> str | None:
    """The first non-empty value after ``label`` in lines from :func:`_label_lines`."""
    pattern = _label_pattern(label)
    for line in label_lines:
        if label not in line:  # cheap test first: most lines carry no label at all
            continue
        match = pattern.search(line)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


def labelled_value(lines: list[str], labels: tuple[str, ...]) -> str | None:
    """Value after ``label：`` on a visible line (first label that occurs), stopping at the next label.
    Labels are plain words (they are also used as regex fragments)."""
    label_lines = _label_lines(lines)
    for label in labels:
        value = _value_after(label_lines, label)
        if value:
            return value
    return None


def visible_date(lines: list[str], labels: tuple[str, ...] = rules.DATE_LABELS) -> date | None:
    """Published date from a 发布时间/发布日期 line (or a date-first header line), never 今天是."""
    label_lines = _label_lines(lines)
    for label in labels:
        found = parse_date(_value_after(label_lines, label))
        if found:
            return found
    if labels != rules.DATE_LABELS:
        return None
    for line in lines:
        if len(line) <= rules.HEADER_LINE_MAX and rules.HEADER_LINE_DATE_FIRST.match(simplified(line)):
            return parse_date(line)
    return None


def signature(lines: list[str]) -> str | None:
    """The issuing body named in the closing signature: the line before the final date line."""
    tail = lines[-6:]
    for i in range(len(tail) - 1, 0, -1):
        if _FULL_DATE_LINE.match(tail[i]):
            candidate = tail[i - 1].strip()
            if (
                2 <= len(candidate) <= 40
                and not _SENTENCE_PUNCT.search(candidate)
                and _ORG_END.search(candidate.split()[-1])
            ):
                return candidate
            return None
    return None


def find_published(
    meta: dict[str, str],
    xxgk: dict[str, str],
    page_lines: Callable[[], list[str]],
    labelled: bool = True,
) -> date | None:
    """The date the page shows as its publication (信息公开 发布日期, then a visible 发布时间/发布日期
    line), else the PubDate meta, else any visible date line, else the 成文日期.

    What the public sees wins over the meta tag: templates refill PubDate with the build time when a page is
    re-published, so when the two disagree the visible date is the publication. A 生成日期 (build date) is
    never taken. ``page_lines`` gives the page's visible lines (costly: called only when needed);
    ``labelled`` says whether the page's text holds a publication-date label at all (a cheap test).
    """
    return (
        parse_date(xxgk.get("发布日期"))
        or (visible_date(page_lines(), rules.PUBLICATION_DATE_LABELS) if labelled else None)
        or parse_date(_first(meta, rules.META_PUBDATE))
        or visible_date(page_lines())
        or parse_date(xxgk.get("成文日期"))
    )


def stated_publisher(
    meta: dict[str, str], xxgk: dict[str, str], page_lines: Callable[[], list[str]]
) -> str | None:
    """ContentSource meta, else the 来源 line, else the 信息公开 发布机构 (None when that is missing or a
    date: then the closing :func:`signature` is the publisher). ``page_lines`` as for :func:`find_published`."""
    value = _first(meta, rules.META_SOURCE) or labelled_value(page_lines(), rules.SOURCE_LABELS)
    if not value:
        value = next((xxgk[k] for k in rules.XXGK_PUBLISHER_LABELS if xxgk.get(k)), None)
    if value and parse_date(value) is None:
        return value
    return None
