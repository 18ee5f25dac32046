"""OFD packages (GB/T 33190-2016) written from scratch: ``OFD.xml`` → ``Doc_0/Document.xml`` → one
``Pages/Page_N/Content.xml`` per page, each printed line a ``TextObject`` with a ``TextCode`` whose ``DeltaX``
gives the advance of every glyph, as converters from Word produce. A page number sits at the foot."""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from ._zip import build_zip
from .layout import PAGE_H, PAGE_W, advances, layout

_NS = "http://www.ofdspec.org/2016"


def _ofd_xml(title: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{_NS}" Version="1.0" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>6d2f0c1e8a4b4f3c9d0e1f2a3b4c5d6e</ofd:DocID>"
        f"<ofd:Title>{escape(title)}</ofd:Title><ofd:Creator>govsim</ofd:Creator>"
        "<ofd:CreationDate>2020-01-01</ofd:CreationDate></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    ).encode()


def _document_xml(pages: int, max_id: int) -> bytes:
    page_refs = "".join(
        f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{_NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W:g} {PAGE_H:g}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    ).encode()


_PUBLIC_RES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{_NS}" BaseLoc="Res"><ofd:Fonts>'
    '<ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋_GB2312"/>'
    '<ofd:Font ID="3" FontName="方正小标宋简体" FamilyName="方正小标宋简体"/></ofd:Fonts></ofd:Res>'
).encode()


def _text_object(uid: int, x: float, y: float, size: float, text: str, font: int) -> str:
    steps = [a * size for a in advances(text)]
    width = sum(steps)
    delta = f' DeltaX="{" ".join(f"{d:g}" for d in steps[:-1])}"' if len(text) > 1 else ""
    return (
        f'<ofd:TextObject ID="{uid}" Boundary="{x:.2f} {y:.2f} {width:.2f} {size * 1.2:.2f}" Font="{font}" '
        f'Size="{size:g}"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{size:g}"{delta}>'
        f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
    )


@lru_cache(maxsize=32)
def make_ofd(title: str, lines: tuple[str, ...]) -> bytes:
    placed, pages = layout(title, lines)
    uid = 1000
    bodies: list[list[str]] = [[] for _ in range(pages)]
    for item in placed:
        uid += 1
        font = 3 if item.size > 6 else 2
        bodies[item.page].append(_text_object(uid, item.x, item.y, item.size, item.text, font))
    members = [("OFD.xml", _ofd_xml(title))]
    for i, objects in enumerate(bodies):
        uid += 1
        number = f"- {i + 1} -"
        objects.append(_text_object(uid, PAGE_W / 2 - 7, PAGE_H - 20, 4.9, number, 2))
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{_NS}"><ofd:Content>'
            f"<ofd:Layer ID={quoteattr(str(uid + 1))}>{''.join(objects)}</ofd:Layer></ofd:Content></ofd:Page>"
        )
        uid += 1
        members.append((f"Doc_0/Pages/Page_{i}/Content.xml", content.encode()))
    members.insert(1, ("Doc_0/Document.xml", _document_xml(pages, uid)))
    members.insert(2, ("Doc_0/PublicRes.xml", _PUBLIC_RES))
    return build_zip(members)
