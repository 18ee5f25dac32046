"""Extract the main text and metadata of a fetched page (HTML or PDF attachment).

HTML: decode (``encoding``), parse with lxml, read metadata (``metadata``), take the body from the first
rule-pack container (``govrules.BODY_SELECTORS``) and fall back to trafilatura for unknown templates, then
strip chrome lines (``chrome``). Container text is read block by block so paragraphs stay one per line,
which trafilatura does not guarantee for table layouts. PDF: PDFium (pypdfium2), visual lines re-joined into paragraphs.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import re
from collections.abc import Callable
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
from pipelines.formats import DocText, is_document, read_document, sniff
from pipelines.formats.base import join_plain_lines
from pipelines.htmltext import block_lines, clean_html_controls, squash, tidy_lines
from pipelines.items import PageItem, PageMissing
from pipelines.soft404 import notice_reason
from pipelines.stats import Counting, portal_stat
from pipelines.worker import WorkerProcess

# Scrapy, Twisted and the OCR pool are imported where the pipeline uses them: the extraction worker imports
# this module for its functions, and they would add about 25 MB to its memory.
if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from pipelines.ocrpool import OcrPool

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
    confidence: float | None = None  # OCR's mean score; None for text layers and HTML
    needs_ocr: bool = False  # a scan left for the OCR queue
    pages: int = 0  # pages of a report file (what OCR's budget counts)


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


def _holds_body_sentence(el: etree._Element) -> bool:
    """A paragraph's worth of text with a full stop: a short body beside the table, not table metadata."""
    return any(len(t) > rules.XXGK_BODY_SENTENCE and "。" in t for t in el.itertext())


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
        if (
            el.tag not in ("html", "body", "head")
            and el.getparent() is not None
            and _is_xxgk_table(text)
            and not _holds_body_sentence(el)
        ):
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
    tree = _parse(clean_html_controls(decoded.text))
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
    labelled = any(label in decoded.text for label in rules.PUBLICATION_DATE_LABELS)
    result.published = md.find_published(result.meta, xxgk, page_lines, labelled)
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


def stitch_pages(first: Extraction, pages: list[tuple[str, bytes]], headers: dict[str, str]) -> Extraction:
    """One document from an article split over pages: the first page's metadata, every page's body text
    in page order. Each following page repeats the title and chrome, which its own extraction strips."""
    texts = [first.text]
    for url, body in pages:
        page = extract_page(body, url, headers)
        texts.append(page.text)
        first.problems.extend(f"page {url}: {problem}" for problem in page.problems)
        first.attachments.extend(a for a in page.attachments if a not in first.attachments)
    first.text = "\n".join(text for text in texts if text)
    first.method += f"+{len(pages)} pages"
    return first


def read_page(
    body: bytes, url: str, headers: dict[str, str], pages: list[tuple[str, bytes]]
) -> tuple[Extraction, Extraction | None]:
    """:func:`extract_page`, and with following ``pages`` the stitched article too (else None).

    What the extraction worker runs for an HTML page: one call per item, so items leave the worker in the
    order they came, while the first page alone still decides on the reactor whether it is a soft 404.
    """
    first = extract_page(body, url, headers)
    if not pages:
        return first, None
    copy = dataclasses.replace(first, problems=list(first.problems), attachments=list(first.attachments))
    return first, stitch_pages(copy, pages, headers)


def _worker_start() -> None:
    """The extraction worker's initializer: naming it makes the child import this module at once, while
    the crawl's first requests are under way."""


# -- report files (PDF, Word, WPS, OFD, scans) --------------------------------------------------------------

_PARA_END = re.compile(r"[。！？：；!?:;.]$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _document_title(doc: DocText) -> str | None:
    """The file's stated title when it is a real one (Chinese, not "Microsoft Word - 附件1.doc"), else
    its first line when that looks like a heading (short, not a sentence)."""
    stated = (doc.title or "").strip()
    if len(squash(stated)) >= 4 and _CJK.search(stated) and not stated.lower().startswith("microsoft"):
        return stated
    first = doc.lines[0] if doc.lines else ""
    if first and len(first) <= 60 and not _PARA_END.search(first) and (len(doc.lines) > 1 or doc.visual):
        return first
    return None


def extract_document_in_worker(body: bytes, kind: str, ocr: bool) -> Extraction:
    """:func:`extract_document`, then a full collection. A reader's object graph may be cyclic (pypdf's, the
    PDF reader before PDFium, held 60–80 MB for a 146 KB, 12-page PDF), and is then freed only when the
    collector's oldest generation next runs: the extraction worker of a 1,000-portal night kept its PDFs and
    grew from 33 to 133 MB. In the worker a full
    collection costs a few milliseconds; in the crawl process it would stop the reactor far longer."""
    try:
        return extract_document(body, kind, ocr)
    finally:
        gc.collect()


def extract_document(body: bytes, kind: str = "pdf", ocr: bool = True) -> Extraction:
    """Text of a report file of a sniffed ``kind`` (``formats.sniff``); problems noted, never raised.

    ``method`` is the file's reader (``pdf``, ``docx``, ``doc``, ``wps``, ``ofd``, ``ocr:rapidocr``) and
    ``confidence`` the OCR score. With ``ocr=False`` a scan is left for the OCR queue (``needs_ocr``).
    """
    doc = read_document(body, kind, ocr=ocr)
    result = Extraction(encoding=None, method=doc.method or kind, problems=list(doc.problems))
    result.confidence = doc.confidence
    result.needs_ocr, result.pages = doc.needs_ocr, doc.pages
    if doc.needs_ocr:
        result.problems.append(f"{kind.upper()} is a scan: OCR pending")
        return result
    if not doc.lines:
        if not result.problems:
            result.problems.append(f"{kind.upper()} has no text")
        return result
    result.title = _document_title(doc)
    # The title line is removed before joining, or it would be glued to the first paragraph.
    lines = strip_chrome_lines(doc.lines, result.title)
    if doc.visual:
        lines = join_plain_lines(lines)
    result.text = "\n".join(lines)
    if not lines:
        result.problems.append(f"{kind.upper()} has no body text")
        return result
    # No published date: the closing date is the signing date, not publication; the store takes the
    # publication date from the page that links the attachment.
    result.publisher = md.signature(lines)
    return result


# -- Scrapy ------------------------------------------------------------------------------------------------


class ExtractPipeline(Counting):
    """Fill the extract fields of :class:`PageItem` (encoding, title, text_extracted, published, ...).

    The format is sniffed from the bytes (``formats.sniff``): report files (PDF, DOCX, DOC, WPS, OFD,
    images) go to :func:`extract_document`, everything else to :func:`extract_page`. A scan goes on at once
    without text (the store records the document, awaiting OCR) while worker processes
    (:class:`~pipelines.ocrpool.OcrPool`) read it; its OCR'd copy then runs through the rest of the chain, and
    the crawl stays open until it has (``spider_idle``). ``PageMissing``/``PageNotModified`` pass through.

    The extraction itself (:func:`read_page`, :func:`extract_document`) runs in a worker process of its own
    (:mod:`pipelines.worker`), in arrival order, so its cost goes to another core instead of holding up the
    reactor; what depends on the crawl (stats, the soft-404 decision, OCR admission, filling the item) stays
    here. A worker that dies on a page (a crashing parser) fails that item alone: it is logged, counted
    (``extract/error``, the portal's ``extract_errors`` and ``errors``) and stored without text as a problem.

    Settings
    --------
    FAZHI_EXTRACT_PROCESS : bool, default True under a crawler
        Extract in a worker process; False extracts in the crawl process.
    FAZHI_EXTRACT_MAX_BYTES : int, default 20_000_000
        Bodies larger than this are not parsed (a problem note is recorded instead).
    FAZHI_OCR : bool, default True
        Read scans with OCR at all.
    FAZHI_OCR_BUDGET : int, default 200
        Scanned pages OCR'd per crawl; scans beyond it are left for a later crawl.
    FAZHI_OCR_WORKERS : int, default 1
        OCR worker processes; ``FAZHI_OCR_THREADS`` (default 1) ONNX Runtime threads in each.

    Stats: ``extract/pages``, ``extract/<format>``, ``extract/empty``, ``extract/problems``,
    ``extract/method/<method>``, ``extract/error``, ``portal/<id>/extract_empty``, ``portal/<id>/extract_errors``,
    and the ``ocr/…`` counters of the pool.
    """

    #: What the worker runs for an HTML page (a module-level function: it is pickled by name).
    page_reader: Callable[..., tuple[Extraction, Extraction | None]] = staticmethod(read_page)

    def __init__(
        self,
        stats: StatsCollector | None = None,
        max_bytes: int = 20_000_000,
        ocr: OcrPool | None = None,
        inline_ocr: bool = False,
        in_worker: bool = False,
    ) -> None:
        self.stats = stats
        self.max_bytes = max_bytes
        self.ocr = ocr
        self.inline_ocr = inline_ocr  # OCR scans in this process, in process_item (``fazhi reextract``)
        self.in_worker = in_worker
        self.worker: WorkerProcess | None = None
        self.crawler: Crawler | None = None
        self.closing = False
        self.reinjected = 0  # OCR'd copies between extract and store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        from scrapy import signals

        from pipelines.ocrpool import OcrPool

        settings = crawler.settings
        ocr = None
        if settings.getbool("FAZHI_OCR"):
            ocr = OcrPool(
                budget=settings.getint("FAZHI_OCR_BUDGET"),
                workers=settings.getint("FAZHI_OCR_WORKERS"),
                threads=settings.getint("FAZHI_OCR_THREADS"),
                stats=crawler.stats,
                signals=crawler.signals,
            )
        in_worker = settings.getbool("FAZHI_EXTRACT_PROCESS")
        pipeline = cls(crawler.stats, settings.getint("FAZHI_EXTRACT_MAX_BYTES"), ocr, in_worker=in_worker)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline._keep_open, signal=signals.spider_idle)
        return pipeline

    def open_spider(self, spider=None) -> None:
        if self.in_worker and self.worker is None:
            self.worker = WorkerProcess(_worker_start)

    def close_spider(self, spider=None) -> None:
        self.closing = True
        if self.ocr is not None:
            self.ocr.close()
        if self.worker is not None:
            self.worker.close()  # every item has been answered: Scrapy closes pipelines once none is left
            self.worker = None

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem) or item.ocr_read:  # an OCR'd copy was extracted already
            return item
        self._inc("extract/pages")
        self._inc(portal_stat(item.portal_id, "extracted"))
        if len(item.body) > self.max_bytes:
            return self._fill(
                item, Extraction(problems=[f"body of {len(item.body)} bytes exceeds {self.max_bytes}"])
            )
        kind = sniff(item.body, item.headers.get("content-type"), item.url)
        if is_document(kind):
            self._inc(f"extract/{kind}")
        if self.in_worker:
            if self.worker is None:
                self.open_spider()
            return self._extract_in_worker(item, kind)
        if is_document(kind):
            return self._document(item, kind, extract_document(item.body, kind, self.inline_ocr))
        first = extract_page(item.body, item.url, item.headers)
        missing = self._soft_404(item, first)
        if missing is not None:
            return missing
        return self._page(item, stitch_pages(first, item.pages, item.headers) if item.pages else first)

    async def _extract_in_worker(self, item: PageItem, kind: str) -> PageItem | PageMissing:
        """:meth:`process_item` with the extraction in the worker; the item fails alone if it dies there."""
        document = is_document(kind)
        try:
            if document:
                result = await self.worker.run(extract_document_in_worker, item.body, kind, self.inline_ocr)
            else:
                first, result = await self.worker.run(
                    self.page_reader, item.body, item.url, item.headers, item.pages
                )
        except Exception as exc:  # the worker died on this item, or an extractor raised
            return self._failed(item, exc)
        if document:
            return self._document(item, kind, result)
        missing = self._soft_404(item, first)
        if missing is not None:
            return missing
        return self._page(item, result or first)

    def _soft_404(self, item: PageItem, first: Extraction) -> PageMissing | None:
        """A "页面不存在" notice served with 200 (judged on the first page): missing, not a document."""
        reason = notice_reason(first.title, first.text) if item.status == 200 else None
        if reason is None:
            return None
        self._inc(portal_stat(item.portal_id, "soft_404"))
        logger.info("%s is a soft 404 (%s)", item.requested_url or item.url, reason)
        return PageMissing(
            portal_id=item.portal_id,
            url=item.requested_url or item.url,
            status=200,
            fetched_at=item.fetched_at,
            reason=reason,
        )

    def _page(self, item: PageItem, result: Extraction) -> PageItem:
        if item.pages:
            item.page_urls = [item.url] + [url for url, _ in item.pages]
        return self._fill(item, result)

    def _failed(self, item: PageItem, exc: Exception) -> PageItem:
        """An extraction that failed: logged and counted; the store records the page as a problem."""
        logger.error("extraction failed for %s: %s: %s", item.url, type(exc).__name__, exc)
        self._inc("extract/error")
        self._inc(portal_stat(item.portal_id, "extract_errors"))
        self._inc(portal_stat(item.portal_id, "errors"))
        return self._fill(item, Extraction(problems=[f"extraction failed: {type(exc).__name__}: {exc}"]))

    def _document(self, item: PageItem, kind: str, result: Extraction) -> PageItem:
        """A report file's extraction; a scan is admitted to the OCR pool and goes on without text."""
        if not result.needs_ocr:
            return self._fill(item, result)
        pages = max(1, result.pages)
        if self.ocr is None or not self.ocr.admit(pages):
            why = "OCR is off (FAZHI_OCR)" if self.ocr is None else "the crawl's OCR budget is spent"
            result.problems = [
                f"scanned {kind.upper()} of {pages} pages not read: {why}; a later crawl reads it"
            ]
            return self._fill(item, result)
        self._inc(portal_stat(item.portal_id, "ocr_pages"), pages)
        # The item goes on now, without text: the store records the document (no version, no validators), so
        # a crawl killed before the OCR is done leaves it due for the next one. The OCR'd copy follows
        # through the rest of the chain when its worker is done.
        later = dataclasses.replace(item, problems=list(item.problems))
        self.ocr.run(item.body, kind, pages).addCallback(self._ocr_done, later)
        result.problems = [f"scanned {kind.upper()} of {pages} pages queued for OCR"]
        return self._fill(item, result)

    def _ocr_done(self, result: Extraction, item: PageItem) -> None:
        """Send the OCR'd copy of a scan through normalize → … → store (unless the crawl is closing)."""
        from scrapy.utils.defer import deferred_from_coro

        if self.closing or self.crawler is None or self.crawler.engine is None:
            logger.info("crawl closing: OCR text of %s left for the next crawl", item.url)
            return
        self._fill(item, result)
        item.ocr_read = True
        self.reinjected += 1
        done = deferred_from_coro(self.crawler.engine.scraper.itemproc.process_item_async(item))

        def settled(outcome):
            self.reinjected -= 1
            return outcome

        done.addBoth(settled).addErrback(
            lambda failure: logger.error("storing the OCR text of %s failed: %s", item.url, failure.value)
        )

    def _keep_open(self, spider=None) -> None:
        """spider_idle: the crawl waits for scans still being OCR'd and for their copies being stored."""
        from scrapy.exceptions import DontCloseSpider

        if self.ocr is not None and (self.ocr.busy or self.reinjected):
            raise DontCloseSpider

    def _fill(self, item: PageItem, result: Extraction) -> PageItem:
        item.encoding = result.encoding
        item.title = result.title
        item.text_extracted = result.text
        item.text_method = result.method if result.text else None
        item.text_confidence = result.confidence
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
