"""Extract the main text and metadata of a fetched page (HTML or PDF attachment).

HTML: decode (``encoding``), parse with lxml, read metadata (``metadata``), take the body from the first
rule-pack container (``govrules.BODY_SELECTORS``) and fall back to trafilatura for unknown templates, then
strip chrome lines (``chrome``). Container text is read block by block so paragraphs stay one per line,
which trafilatura does not guarantee for table layouts. PDF: pypdf, visual lines re-joined into paragraphs.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import use_config

from pipelines import govrules as rules
from pipelines import metadata as md
from pipelines.chrome import strip_chrome_lines
from pipelines.encoding import decode_body
from pipelines.htmltext import block_lines, clean_controls, may_hold_controls, squash, tidy_lines
from pipelines.items import PageItem, PageMissing
from pipelines.soft404 import notice_reason
from pipelines.stats import portal_stat

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SENTENCE = re.compile(r"[。，；,;]")
_LOOKS_HTML = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|table|meta|title)\b", re.I)


def trafilatura_config(min_extracted_size: int = 50):
    """trafilatura settings for short Chinese pages: MIN_EXTRACTED_SIZE counts characters (PERF.md)."""
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(min_extracted_size))
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


_TRAFILATURA_CONFIG = trafilatura_config()


@dataclass
class Extraction:
    """What one page yields. ``method`` says how the body was found (container selector, trafilatura, pdf)."""

    encoding: str | None = None
    title: str | None = None
    text: str = ""
    published: date | None = None
    publisher: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    method: str = "none"


def _parse(text: str) -> etree._Element | None:
    """Parse to one ``<html>`` root. A stray early ``</html>`` (sample 03) makes libxml2 start a second root
    element after the first; its content is moved into the first root's body (the emptied shell stays)."""
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    extra = [el for el in root.itersiblings() if isinstance(el.tag, str)]
    if extra:
        body = root.find("body")
        if body is None:
            body = etree.SubElement(root, "body")
        for sibling in extra:
            for child in list(sibling):
                if child.tag == "body":
                    body.extend(list(child))
                elif child.tag != "head":
                    body.append(child)
    return root


# XPaths compiled once: ``tree.xpath(string)`` would parse the expression again on every page.
_CHROME_ELEMENTS = etree.XPath(rules.CHROME_ELEMENT_XPATH)
_CONTAINER_XPATHS = tuple(etree.XPath(xpath) for xpath in rules.BODY_CONTAINER_XPATHS)
_BASE_HREF = etree.XPath("//base/@href")
#: Every top-level element: normally just ``<html>``, plus the shells a stray ``</html>`` leaves (``_parse``).
_TOP_ELEMENTS = etree.XPath("/*")

#: The 信息公开 table search only enters elements whose text holds one of these labels.
_XXGK_ANCHORS = ("索引号", "发文字号", "成文日期")


def _clean_tree(tree: etree._Element) -> None:
    """Remove scripts/styles/comments and elements that are chrome wherever they sit."""
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *rules.DROP_TAGS, with_tail=False)
    for el in _CHROME_ELEMENTS(tree):
        if el.getparent() is not None:
            el.drop_tree()


def _is_xxgk_table(text: str) -> bool:
    """Text short enough for a metadata table and holding enough of its labels."""
    if len(squash(text)) > rules.XXGK_MAX_CHARS:
        return False
    return sum(1 for label in rules.XXGK_LABELS if label in text) >= rules.XXGK_MIN_LABELS


def _xxgk_tables(tree: etree._Element) -> list[etree._Element]:
    """The 信息公开 metadata tables: the outermost small elements holding several of its labels.

    Searched top-down in document order: an element whose text holds no anchor label cannot contain one
    in a descendant either, so its subtree is skipped. This is what an XPath over every element
    (``//*[contains(., '索引号') or …]``) would select, without computing the text of every element.
    """
    found: list[etree._Element] = []
    stack = _TOP_ELEMENTS(tree)[::-1]
    while stack:
        el = stack.pop()
        text = el.text_content()
        if not any(label in text for label in _XXGK_ANCHORS):
            continue
        if el.tag not in ("html", "body", "head") and el.getparent() is not None and _is_xxgk_table(text):
            found.append(el)
            continue
        stack.extend(child for child in reversed(el) if isinstance(child.tag, str))
    return found


def _xxgk_values(tables: list[etree._Element]) -> dict[str, str]:
    """Label → value of the 信息公开 tables; the first table that gives a label wins."""
    xxgk: dict[str, str] = {}
    for table in tables:
        xxgk.update({k: v for k, v in md.read_xxgk(block_lines(table)).items() if k not in xxgk})
    return xxgk


class _Container(NamedTuple):
    element: etree._Element
    selector: str
    size: int  # non-space characters of its text


def _find_container(tree: etree._Element) -> _Container | None:
    """The first rule-pack container with enough text (the largest match of that selector)."""
    names = rules.BODY_SELECTORS + rules.BODY_XPATHS
    for i, (xpath, name) in enumerate(zip(_CONTAINER_XPATHS, names, strict=True)):
        candidates = xpath(tree)
        if not candidates:
            continue
        sizes = [len(squash(el.text_content())) for el in candidates]
        size = max(sizes)
        floor = rules.MIN_CONTAINER_CHARS if i < len(rules.BODY_SELECTORS) else rules.BODY_XPATH_MIN_CHARS
        if size >= floor:
            return _Container(candidates[sizes.index(size)], name, size)
    return None


def _trafilatura_lines(tree: etree._Element, url: str) -> list[str]:
    text = trafilatura.extract(
        tree,
        url=url or None,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        config=_TRAFILATURA_CONFIG,
    )
    lines: list[str] = []
    for line in tidy_lines(text or ""):
        if line.startswith("|") and line.endswith("|"):
            lines.extend(cell.strip() for cell in line.strip("|").split(" | ") if cell.strip())
        else:
            lines.append(line)
    return lines


def _attachment_scope(container: etree._Element, size: int) -> etree._Element:
    """The container (``size`` non-space characters), widened to ancestors that add little text: attachment
    rows often sit just outside the body element (sample 05's ``[附件下载]`` row)."""
    scope = container
    for _ in range(4):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if len(squash(parent.text_content())) > size + rules.ATTACHMENT_SCOPE_SLACK:
            break
        scope = parent
    return scope


def _attachments(scope: etree._Element, base_url: str) -> list[str]:
    out: list[str] = []
    for a in scope.iter("a", "A"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        path = urlsplit(href).path.lower()
        if path.endswith(rules.ATTACHMENT_EXTENSIONS) or rules.ATTACHMENT_LINK_TEXT.search(a.text_content()):
            absolute = urljoin(base_url, href)
            if absolute not in out:
                out.append(absolute)
    return out


def _link_texts(tree: etree._Element) -> list[str]:
    """Short anchor texts (menus, breadcrumbs, toolbars), longest first."""
    texts = set()
    for a in tree.iter("a", "A"):
        text = " ".join(a.text_content().split())
        if text and len(text) <= rules.NAV_LINK_MAX:
            texts.add(text)
    return sorted(texts, key=len, reverse=True)


def _nav_links_in(line: str, links: list[str]) -> int:
    """How many link texts make up ``line`` entirely (0 when anything else is left)."""
    if len(line) > rules.CHROME_LINE_MAX:
        return 0
    rest, found = line, 0
    for text in links:
        if text in rest:
            rest = rest.replace(text, " ")
            found += 1
    return found if found and not rules.CHROME_FILLER.sub("", rest) else 0


def _drop_nav_lines(lines: list[str], links: list[str]) -> list[str]:
    """Drop menu lines from trafilatura's output: lines made of several link texts anywhere, and single
    link-text lines before the body starts (a lone link text at the end may be the signature, which often
    repeats the site name)."""
    counts = [_nav_links_in(line, links) for line in lines]
    # The body starts at the first non-link line written in sentences.
    start = next(
        (i for i, line in enumerate(lines) if not counts[i] and _SENTENCE.search(line)),
        len(lines),
    )
    return [line for i, line in enumerate(lines) if not (counts[i] >= 2 or (counts[i] == 1 and i < start))]


def _looks_like_pdf(body: bytes, headers: dict[str, str]) -> bool:
    return body[:1024].lstrip().startswith(b"%PDF") or "pdf" in headers.get("content-type", "").lower()


def extract_page(body: bytes, url: str, headers: dict[str, str]) -> Extraction:
    """Main text and metadata of an HTML page; never raises on bad input, notes problems instead."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    decoded = decode_body(body, headers.get("content-type"))
    result = Extraction(encoding=decoded.encoding, problems=list(decoded.problems))
    if not decoded.text.strip():
        result.problems.append("no text to extract")
        return result
    if not _LOOKS_HTML.search(decoded.text[:4096]):
        result.problems.append(f"not HTML (content-type {headers.get('content-type', 'unknown')!r})")
        return result
    tree = _parse(clean_controls(decoded.text) if may_hold_controls(body) else decoded.text)
    if tree is None:
        result.problems.append("HTML could not be parsed")
        return result
    _clean_tree(tree)
    base = _BASE_HREF(tree)
    base_url = urljoin(url, base[0]) if base else url

    result.meta = md.read_meta(tree)
    result.title = md.find_title(tree, result.meta)
    body_el = tree.find("body")
    tables = _xxgk_tables(tree)
    xxgk = _xxgk_values(tables)
    # The visible lines of the whole page (the 发布时间/来源 line), as they are before the tables go. Block
    # text is costly and most pages with 指引 meta tags never need them, so they are computed on demand.
    page_lines = cache(partial(block_lines, body_el if body_el is not None else tree))
    result.published = md.find_published(result.meta, xxgk, page_lines)
    publisher = md.stated_publisher(result.meta, xxgk, page_lines)
    for table in tables:
        table.drop_tree()

    container = _find_container(tree)
    if container is not None:
        lines = block_lines(container.element)
        result.method = f"container:{container.selector}"
        result.attachments = _attachments(_attachment_scope(container.element, container.size), base_url)
    else:
        # trafilatura rewrites the tree, so collect links first (from the whole page: no body is known).
        result.attachments = _attachments(tree, base_url)
        lines = _drop_nav_lines(_trafilatura_lines(tree, url), _link_texts(tree))
        result.method = "trafilatura"

    lines = strip_chrome_lines(lines, result.title)
    result.text = "\n".join(lines)
    result.publisher = publisher or md.signature(lines)
    if not result.text:
        result.problems.append("no main text found")
    return result


# -- PDF ---------------------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*/\s*\d{1,3})?[-—–\s]*$")
_PARA_END = re.compile(r"[。！？：；!?:;.]$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+[章节条部分])"
)


def join_pdf_lines(lines: list[str]) -> list[str]:
    """Re-join visual PDF lines into paragraphs: a line continues unless the previous one ended a sentence,
    was clearly short of the page width, or the current one starts a heading."""
    lines = [line for line in lines if line]
    if not lines:
        return []
    width = statistics.median(len(line) for line in lines)
    paras: list[str] = [lines[0]]
    for prev, line in zip(lines, lines[1:], strict=False):
        if _PARA_END.search(prev) or _HEADING.match(line) or len(prev) < 0.8 * width:
            paras.append(line)
        else:
            latin = prev[-1:].isascii() and prev[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum()
            paras[-1] += (" " if latin else "") + line
    return paras


def extract_pdf(body: bytes) -> Extraction:
    """Text of a PDF attachment (pypdf), paragraphs re-joined; scanned or broken PDFs give a problem note."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    result = Extraction(encoding=None, method="pdf")
    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        result.problems.append(f"PDF could not be read: {exc}")
        return result
    raw_lines = [
        line for page in pages for line in tidy_lines(clean_controls(page)) if not _PAGE_NUMBER.match(line)
    ]
    if not raw_lines:
        result.problems.append("PDF has no text layer (scanned?)")
        return result
    title = clean_controls((info.title if info is not None else None) or "").strip()
    if len(squash(title)) >= 4 and re.search(r"[\u4e00-\u9fff]", title):
        result.title = title
    elif len(raw_lines[0]) <= 60 and not _PARA_END.search(raw_lines[0]):
        result.title = raw_lines[0]
    # The title line is removed before joining, or it would be glued to the first paragraph.
    lines = join_pdf_lines(strip_chrome_lines(raw_lines, result.title))
    result.text = "\n".join(lines)
    if not lines:
        result.problems.append("PDF has no body text")
        return result
    # No published date: the closing date is the signing date, not publication; the store takes the
    # publication date from the page that links the attachment.
    result.publisher = md.signature(lines)
    return result


# -- Scrapy ------------------------------------------------------------------------------------------------


class ExtractPipeline:
    """Fill the extract fields of :class:`PageItem` (encoding, title, text_extracted, published, ...).

    PDFs (Content-Type or ``%PDF`` magic) go to :func:`extract_pdf`, everything else to :func:`extract_page`.
    ``PageMissing``/``PageNotModified`` pass through untouched.

    Settings
    --------
    FAZHI_EXTRACT_MAX_BYTES : int, default 20_000_000
        Bodies larger than this are not parsed (a problem note is recorded instead).

    Stats: ``extract/pages``, ``extract/pdf``, ``extract/empty``, ``extract/problems``,
    ``extract/method/<method>``, ``portal/<id>/extract_empty``.
    """

    def __init__(self, stats: StatsCollector | None = None, max_bytes: int = 20_000_000) -> None:
        self.stats = stats
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler.stats, crawler.settings.getint("FAZHI_EXTRACT_MAX_BYTES"))

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        self._inc("extract/pages")
        self._inc(portal_stat(item.portal_id, "extracted"))
        if len(item.body) > self.max_bytes:
            result = Extraction(problems=[f"body of {len(item.body)} bytes exceeds {self.max_bytes}"])
        elif _looks_like_pdf(item.body, item.headers):
            self._inc("extract/pdf")
            result = extract_pdf(item.body)
        else:
            result = extract_page(item.body, item.url, item.headers)
            reason = notice_reason(result.title, result.text) if item.status == 200 else None
            if reason is not None:  # a "页面不存在" notice served with 200: missing, not a document
                self._inc(portal_stat(item.portal_id, "soft_404"))
                logger.info("%s is a soft 404 (%s)", item.requested_url or item.url, reason)
                return PageMissing(
                    portal_id=item.portal_id,
                    url=item.requested_url or item.url,
                    status=200,
                    fetched_at=item.fetched_at,
                    reason=reason,
                )
        item.encoding = result.encoding
        item.title = result.title
        item.text_extracted = result.text
        # Lists print dates beside links, and an attachment inherits its page's date (set by the spider).
        item.published = result.published or md.parse_date(item.list_date)
        item.publisher = result.publisher
        item.meta = result.meta
        item.attachments = result.attachments
        item.problems.extend(result.problems)
        self._inc(f"extract/method/{result.method.split(':')[0]}")
        if result.problems:
            self._inc("extract/problems")
        if not result.text:
            self._inc("extract/empty")
            self._inc(portal_stat(item.portal_id, "extract_empty"))
            logger.info("no text extracted from %s: %s", item.url, "; ".join(result.problems))
        return item
