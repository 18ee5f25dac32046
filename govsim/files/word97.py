"""Word 97–2003 binary documents (.doc) and Kingsoft WPS files (.wps), written from scratch.

Both are OLE compound files (MS-CFB, version 3, 512-byte sectors) holding a ``WordDocument`` stream that
starts with a File Information Block (FIB) and a ``1Table`` stream holding the piece table (``Clx``) that
says where the text runs are. The text is stored as UTF-16LE; paragraphs end with ``\\r``. The WPS variant
splits the text into two pieces stored out of order (as an edited document is), and stores the ASCII-only
title piece as 8-bit "compressed" text, so a reader has to follow the piece table rather than read the
stream front to back. Streams are padded to the 4096-byte mini-stream cutoff so no mini stream is needed.
"""

from __future__ import annotations

import struct
from functools import lru_cache

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_FIB_SIZE = 0x384
_CB_RG_FC_LCB = 0x5D


def _pad(data: bytes, minimum: int = 4096) -> bytes:
    size = max(len(data), minimum)
    size = -(-size // _SECTOR) * _SECTOR
    return data + b"\0" * (size - len(data))


def _fib(ccp_text: int, stream_size: int, clx_size: int) -> bytes:
    fib = bytearray(_FIB_SIZE)
    # FibBase: wIdent, nFib (Word 97), unused, lid (zh-CN), pnNext, flags: fWhichTblStm (1Table) | fExtChar
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0804, 0, 0x0200 | 0x1000)
    struct.pack_into("<H", fib, 0x0C, 0x00BF)  # nFibBack
    struct.pack_into("<H", fib, 0x20, 14)  # csw: fibRgW has 14 16-bit values
    struct.pack_into("<H", fib, 0x3E, 22)  # cslw: fibRgLw has 22 32-bit values
    struct.pack_into("<I", fib, 0x40, stream_size)  # cbMac
    struct.pack_into("<I", fib, 0x4C, ccp_text)  # ccpText: characters of the main document
    struct.pack_into("<H", fib, 0x98, _CB_RG_FC_LCB)
    struct.pack_into("<II", fib, 0x1A2, 0, clx_size)  # fcClx, lcbClx (in the table stream)
    return bytes(fib)


def _clx(pieces: list[tuple[int, int, bool]]) -> bytes:
    """A Clx holding only the piece table; ``pieces`` are (character count, stream offset, compressed)."""
    cps, cp = [0], 0
    for count, _, _ in pieces:
        cp += count
        cps.append(cp)
    pcds = b"".join(
        struct.pack("<HIH", 0, (fc * 2) | 0x40000000 if compressed else fc, 0) for _, fc, compressed in pieces
    )
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    return b"\x02" + struct.pack("<I", len(plc)) + plc


def word_streams(text: str, split: bool = False) -> tuple[bytes, bytes]:
    """The ``WordDocument`` and ``1Table`` streams for ``text`` (paragraphs ending in ``\\r``)."""
    start = (_FIB_SIZE + 0xFF) // 0x100 * 0x100
    first_para = text.split("\r", 1)[0] + "\r"
    if split and first_para.isascii() and len(first_para) < len(text):
        head, tail = first_para, text[len(first_para) :]
        tail_bytes = tail.encode("utf-16-le")
        head_at = start + len(tail_bytes)  # the first piece is stored after the second
        body = tail_bytes + head.encode("cp1252")
        pieces = [(len(head), head_at, True), (len(tail), start, False)]
    elif split:
        cut = len(text) // 2
        a, b = text[:cut].encode("utf-16-le"), text[cut:].encode("utf-16-le")
        body = b + a
        pieces = [(cut, start + len(b), False), (len(text) - cut, start, False)]
    else:
        body = text.encode("utf-16-le")
        pieces = [(len(text), start, False)]
    clx = _clx(pieces)
    size = len(_pad(b"\0" * (start + len(body))))
    word = _fib(len(text), size, len(clx)).ljust(start, b"\0") + body
    return _pad(word), _pad(clx)


def _dir_entry(name: str, kind: int, start: int, size: int, left=_NOSTREAM, right=_NOSTREAM, child=_NOSTREAM):
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBBIII", entry, 64, len(encoded), kind, 1, left, right, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """An OLE compound file (MS-CFB v3) with the given streams (each ≥ 4096 bytes) under the root storage.

    Directory tree: the root's child is the last stream; each earlier stream is the left sibling of the
    next (names are given shortest first, which is the red-black tree's order for these names).
    """
    sectors: list[bytes] = []
    fat: list[int] = []
    starts = []
    for _, data in streams:
        n = len(data) // _SECTOR
        starts.append(len(sectors))
        fat.extend(range(len(sectors) + 1, len(sectors) + n))
        fat.append(_END)
        sectors.extend(data[i : i + _SECTOR] for i in range(0, len(data), _SECTOR))
    entries = [_dir_entry("Root Entry", 5, _END, 0, child=len(streams))]
    for i, (name, data) in enumerate(streams):
        entries.append(_dir_entry(name, 2, starts[i], len(data), left=i if i else _NOSTREAM))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, 0, 0))
    dir_start = len(sectors)
    directory = b"".join(entries)
    n_dir = len(directory) // _SECTOR
    fat.extend(range(dir_start + 1, dir_start + n_dir))
    fat.append(_END)
    sectors.extend(directory[i : i + _SECTOR] for i in range(0, len(directory), _SECTOR))
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (_SECTOR // 4):
        n_fat += 1
    fat_start = len(sectors)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREE] * (n_fat * (_SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i : i + _SECTOR] for i in range(0, len(fat_bytes), _SECTOR))
    difat = [fat_start + i for i in range(n_fat)] + [_FREE] * (109 - n_fat)
    header = bytearray(_SECTOR)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, n_fat, dir_start, 0, 4096, _END, 0, _END, 0)
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + b"".join(sectors)


@lru_cache(maxsize=32)
def make_doc(title: str, lines: tuple[str, ...], wps: bool = False) -> bytes:
    """A .doc (or, with ``wps``, a .wps) file: the title paragraph, then one paragraph per line."""
    text = "\r".join((title, *lines)) + "\r"
    word, table = word_streams(text, split=wps)
    return compound_file([("1Table", table), ("WordDocument", word)])
