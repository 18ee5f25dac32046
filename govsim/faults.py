"""Faults, switchable per portal with ``GovSim.set_fault(portal_id, name)``; ``/robots.txt`` is never faulted.

* ``slow`` — every response waits ``GovSim.slow_seconds`` (default 3 s) before the status line.
* ``down`` — the host is unreachable: every request, ``/robots.txt`` included, gets no answer for
  ``GovSim.down_seconds`` (default 45 s, longer than a crawler's usual timeout), then the connection is reset.
* ``http500`` — every request answers 500 with a small error page.
* ``reset`` — the connection is reset (TCP RST, SO_LINGER 0) after the request is read; no response bytes.
* ``truncate`` — full headers announcing the real Content-Length, then only half the body, then close.
* ``redirect_loop`` — every path 302s to ``/loop/a``; ``/loop/a`` → ``/loop/b`` → ``/loop/a`` …
* ``calendar_trap`` — list pages gain a 按日期浏览 link to ``/calendar/list.html?date=YYYY-MM-DD``; every such
  page links 下一页/后一天 to the next day, forever (an endless pagination trap).
* ``huge`` — every page is a valid HTML document of ``GovSim.huge_bytes`` (50 MiB), streamed.
* ``gzip_bomb`` — ``Content-Encoding: gzip``, ~2 MB on the wire, 2 GiB of spaces decompressed; streamed from one
  precomputed deflate block, never held in memory.
* ``wrong_content_type`` — HTML is labelled ``application/octet-stream``; PDFs are labelled ``text/html``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from functools import lru_cache

from .site import Request, Response

FAULTS = (
    "slow",
    "down",
    "http500",
    "reset",
    "truncate",
    "redirect_loop",
    "calendar_trap",
    "huge",
    "gzip_bomb",
    "wrong_content_type",
)

BOMB_CHUNK = 1 << 20  # bytes of plain text per repeated deflate block
BOMB_CHUNKS = 2048  # 2 GiB decompressed


def before(fault: str | None, req: Request, huge_bytes: int, down_seconds: float = 45.0) -> Response | None:
    """Faults that replace the normal response (None: go on and build it). A slow host's wait is added by
    :func:`delay`."""
    if fault == "down":
        return Response(action="reset", delay=down_seconds)
    if not fault or req.path == "/robots.txt":
        return None
    if fault == "http500":
        return Response(
            500, "<html><body><h1>500 Internal Server Error</h1><p>服务器内部错误</p></body></html>".encode()
        )
    if fault == "reset":
        return Response(action="reset")
    if fault == "redirect_loop":
        target = "/loop/b" if req.path == "/loop/a" else "/loop/a"
        return Response(302, b"", headers={"Location": target})
    if fault == "huge":
        stream, length = huge_page(huge_bytes)
        return Response(stream=stream, length=length)
    if fault == "gzip_bomb":
        stream, length = gzip_bomb()
        return Response(stream=stream, length=length, headers={"Content-Encoding": "gzip"})
    return None


def delay(fault: str | None, req: Request, slow_seconds: float) -> float:
    """Extra seconds before the answer: a slow host's wait (robots.txt is never faulted)."""
    return slow_seconds if fault == "slow" and req.path != "/robots.txt" else 0.0


def after(fault: str | None, req: Request, resp: Response) -> Response:
    """Faults that alter a built response."""
    if not fault or req.path == "/robots.txt":
        return resp
    if fault == "truncate" and resp.stream is None and len(resp.body) > 1:
        resp.action = "truncate"
    elif fault == "wrong_content_type":
        if resp.ctype.startswith("text/html"):
            resp.ctype = "application/octet-stream"
        elif resp.ctype.startswith("application/pdf"):
            resp.ctype = "text/html; charset=utf-8"
    return resp


def huge_page(size: int) -> tuple[Iterator[bytes], int]:
    """A well-formed HTML page of about ``size`` bytes, generated chunk by chunk."""
    head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>超大页面</title></head><body>\n'.encode()
    tail = b"\n</body></html>\n"
    chunk = ("<p>" + "法治政府建设填充内容。" * 200 + "</p>\n").encode()
    n = max(1, (size - len(head) - len(tail)) // len(chunk))

    def gen() -> Iterator[bytes]:
        yield head
        for _ in range(n):
            yield chunk
        yield tail

    return gen(), len(head) + n * len(chunk) + len(tail)


@lru_cache(maxsize=1)
def _bomb_block() -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(b" " * BOMB_CHUNK) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(b" " * BOMB_CHUNK) + comp.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "deflate block is not repeatable"
    return block


def gzip_bomb() -> tuple[Iterator[bytes], int]:
    block = _bomb_block()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    final = b"\x03\x00"  # an empty final fixed-Huffman block
    length = len(header) + len(block) * BOMB_CHUNKS + len(final) + 8

    def gen() -> Iterator[bytes]:
        yield header
        crc, plain = 0, b" " * BOMB_CHUNK
        for _ in range(BOMB_CHUNKS):
            yield block
            crc = zlib.crc32(plain, crc)  # only paid by a client that reads this far
        yield final + struct.pack("<II", crc, (BOMB_CHUNK * BOMB_CHUNKS) & 0xFFFFFFFF)

    return gen(), length
