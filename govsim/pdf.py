"""A dependency-free PDF writer for report attachments, with text that extractors can read back.

The font is the standard Adobe-GB1 CID font ``STSong-Light`` (not embedded) addressed with the predefined
``UniGB-UCS2-H`` CMap, so each character is written as its UCS-2 code; a ``ToUnicode`` CMap maps the codes back
to Unicode, which is what pypdf / pdfminer use to extract the text.
"""

from __future__ import annotations

from functools import lru_cache

_CHARS_PER_LINE = 38
_LINES_PER_PAGE = 48


def _wrap(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        while len(line) > _CHARS_PER_LINE:
            out.append(line[:_CHARS_PER_LINE])
            line = line[_CHARS_PER_LINE:]
        out.append(line)
    return out


def _hex(text: str) -> str:
    return "".join(f"{ord(c):04X}" if ord(c) < 0x10000 else "3013" for c in text)


def _to_unicode_cmap() -> bytes:
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    blocks = []
    for i in range(0, len(ranges), 100):
        chunk = ranges[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()


@lru_cache(maxsize=64)
def make_pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """A4 pages of the paragraphs wrapped at a fixed width; the title goes in the document info (like the
    manifest text, the page text is the body only). Deterministic bytes."""
    rows = [("body", ln) for ln in _wrap(list(lines))]
    pages = [rows[i : i + _LINES_PER_PAGE] for i in range(0, len(rows), _LINES_PER_PAGE)]
    objects: list[bytes] = []  # object n is objects[n-1]

    def add(data: bytes) -> int:
        objects.append(data)
        return len(objects)

    catalog = add(b"")  # filled in at the end
    info = add(b"<< /Title <FEFF%s> /Producer (govsim) >>" % _hex(title).encode())
    pages_obj = add(b"")
    cmap = _to_unicode_cmap()
    tounicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> "
        b"/DW 1000 >>"
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (descendant, tounicode)
    )
    kids = []
    for rows_on_page in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "56 790 Td"]
        for kind, text in rows_on_page:
            size = 16 if kind == "title" else 12
            ops.append(f"/F1 {size} Tf <{_hex(text)}> Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode()
        contents = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_obj, font, contents)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, data in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + data + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
