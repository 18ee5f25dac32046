"""OFD (GB/T 33190, China's fixed-layout format): a zip of XML read with zipfile and lxml.

``OFD.xml`` names each document's ``Document.xml`` (``DocBody/DocRoot``) and its title (``DocInfo/Title``);
``Document.xml`` lists the pages (``Pages/Page@BaseLoc``); each page's ``Content.xml`` holds ``TextObject``
elements placed by ``Boundary`` with ``TextCode`` runs at ``X``/``Y`` offsets. Runs are put back into
printed lines by their baseline and into paragraphs by indentation (:func:`join_visual_lines`). The
``easyofd`` package does the same and renders pages too, at the cost of a PDF and imaging stack.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import defaultdict

from lxml import etree

from pipelines.formats.base import DocText, FormatError, VisualLine, join_visual_lines
from pipelines.htmltext import strip_control_bytes

_NS = {"ofd": "http://www.ofdspec.org/2016"}
_MAX_XML = 50_000_000  # bytes of one member: a zip bomb is refused, not inflated


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    name = name.lstrip("/")
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise FormatError(f"OFD member {name} missing") from exc
    if info.file_size > _MAX_XML:
        raise FormatError(f"OFD member {name} is {info.file_size} bytes")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(strip_control_bytes(archive.read(info)), parser)


def _width(delta_x: str | None, count: int, size: float) -> float:
    """Advance of a run of ``count`` characters: the ``DeltaX`` list (with ``g N D`` repeats) plus one
    character for the last glyph; ``size`` per character when there is no list."""
    if not delta_x:
        return count * size
    tokens, total, i = delta_x.split(), 0.0, 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            total += int(float(tokens[i + 1])) * float(tokens[i + 2])
            i += 3
        else:
            total += float(tokens[i])
            i += 1
    return total + size


def _page_lines(page: etree._Element) -> list[VisualLine]:
    rows: dict[float, list[tuple[float, float, float, str]]] = defaultdict(list)
    for obj in page.iter("{*}TextObject"):
        box = [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:2]]
        size = float(obj.get("Size") or 3.5)
        for code in obj.iter("{*}TextCode"):
            text = code.text or ""
            if not text.strip():
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            key = round(y / (size * 0.5))  # one printed line: baselines within half a character
            rows[key].append((x, x + _width(code.get("DeltaX"), len(text), size), size, text))
    lines = []
    for key in sorted(rows):
        runs = sorted(rows[key])
        lines.append(
            VisualLine(
                x0=runs[0][0],
                x1=max(r[1] for r in runs),
                size=max(r[2] for r in runs),
                text="".join(r[3] for r in runs),
            )
        )
    return lines


def read_ofd(body: bytes, *, ocr: bool = True) -> DocText:
    """Paragraphs of every page of every document in an OFD package; the title from ``DocInfo``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise FormatError(f"OFD is not a zip: {exc}") from exc
    with archive:
        root = _xml(archive, "OFD.xml")
        title, visual, pages = None, [], 0
        for doc_body in root.iterfind("ofd:DocBody", _NS):
            title = (
                title or (doc_body.findtext("ofd:DocInfo/ofd:Title", namespaces=_NS) or "").strip() or None
            )
            doc_root = (doc_body.findtext("ofd:DocRoot", namespaces=_NS) or "").strip()
            if not doc_root:
                continue
            document = _xml(archive, doc_root)
            base = posixpath.dirname(doc_root.lstrip("/"))
            for page in document.iterfind("ofd:Pages/ofd:Page", _NS):
                loc = page.get("BaseLoc") or ""
                path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc)
                visual.extend(_page_lines(_xml(archive, posixpath.normpath(path))))
                pages += 1
    if not pages:
        raise FormatError("OFD has no pages")
    return DocText(lines=join_visual_lines(visual), title=title, method="ofd", pages=pages)
