"""The socket layer: one listening socket per portal (its own origin), all served by one asyncio event loop
in one background thread, speaking HTTP/1.1 with keep-alive.

An event loop and not a thread per connection: the national night keeps thousands of connections open, and
a thread each (with ``http.server``'s header parsing) cost govsim as much CPU as the whole crawl it served,
on the same two cores, with over a thousand threads fighting for the GIL. A response's ``delay`` (answer
latency, a slow or unreachable host) is awaited, so waiting costs nothing.

Raw socket access is kept so faults can reset connections (SO_LINGER 0) or send fewer bytes than announced.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from .site import Request, Response

LISTEN_BACKLOG = 1024
IDLE_TIMEOUT = 30.0  # idle keep-alive connections are closed after this
MAX_HEAD = 64 * 1024  # request line and headers
MAX_BODY = 1 << 20  # larger request bodies are not read (nothing in govsim takes one)
SERVER_NAME = "nginx"

Responder = Callable[[Request], Response]


class BadRequest(ValueError):
    pass


def parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    """Method, target, HTTP version and lower-cased headers of a request head (ending in a blank line)."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequest(lines[0][:100])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise BadRequest(line[:100])
        headers[name.strip().lower()] = value.strip()
    return parts[0], parts[1], parts[2], headers


def wants_close(version: str, headers: dict[str, str]) -> bool:
    connection = headers.get("connection", "").lower()
    if version == "HTTP/1.0":
        return connection != "keep-alive"
    return connection == "close"


def response_head(resp: Response, close: bool) -> bytes:
    reason = BaseHTTPRequestHandler.responses.get(resp.status, ("",))[0]
    lines = [
        f"HTTP/1.1 {resp.status} {reason}",
        f"Server: {SERVER_NAME}",
        f"Date: {format_datetime(datetime.now(UTC), usegmt=True)}",
    ]
    if resp.status != 304:
        length = resp.length if resp.stream is not None else len(resp.body)
        lines += [f"Content-Type: {resp.ctype}", f"Content-Length: {length}"]
    if resp.etag:
        lines.append(f"ETag: {resp.etag}")
    if resp.last_modified:
        lm = datetime(resp.last_modified.year, resp.last_modified.month, resp.last_modified.day, tzinfo=UTC)
        lines.append(f"Last-Modified: {format_datetime(lm, usegmt=True)}")
    lines += [f"{k}: {v}" for k, v in resp.headers.items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Server:
    """Listens for every portal and serves connections until :meth:`close`."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._listening: list[tuple[socket.socket, Responder]] = []
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task] = set()
        self._thread: threading.Thread | None = None

    def listen(self, respond: Responder, port: int = 0, host: str = "127.0.0.1") -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
        if self._thread is None:
            self._listening.append((sock, respond))
        else:
            asyncio.run_coroutine_threadsafe(self._serve_socket(sock, respond), self._loop).result()
        return sock.getsockname()[1]

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            for sock, respond in self._listening:
                self._loop.run_until_complete(self._serve_socket(sock, respond))
            self._loop.call_soon(ready.set)
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="govsim-loop", daemon=True)
        self._thread.start()
        ready.wait()

    async def _serve_socket(self, sock: socket.socket, respond: Responder) -> None:
        async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            self._tasks.add(task)
            try:
                await self._serve_conn(respond, reader, writer)
            except (ConnectionError, TimeoutError, OSError):
                pass
            finally:
                self._tasks.discard(task)
                writer.close()

        server = await asyncio.start_server(connected, sock=sock, backlog=LISTEN_BACKLOG, limit=MAX_HEAD)
        self._servers.append(server)

    async def _serve_conn(
        self, respond: Responder, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_TIMEOUT)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                return
            try:
                method, target, version, headers = parse_head(head)
            except BadRequest:
                writer.write(response_head(Response(400, b""), close=True))
                await writer.drain()
                return
            length = int(headers.get("content-length") or 0)
            body = await reader.readexactly(length) if 0 < length <= MAX_BODY else b""
            parts = urlsplit(target)
            req = Request(method, parts.path or "/", parts.query, headers, body)
            try:
                resp = respond(req)
            except Exception:  # a simulator bug must show up as a 500, not as a dropped connection
                traceback.print_exc()
                resp = Response(500, b"govsim internal error", "text/plain; charset=utf-8")
            if resp.delay > 0:
                await asyncio.sleep(resp.delay)
            close = wants_close(version, headers) or resp.action == "truncate"
            if not await self._write(writer, method, resp, close) or close:
                return

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, method: str, resp: Response, close: bool) -> bool:
        """Send ``resp``; False when the connection is done (reset, truncated)."""
        if resp.action == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        writer.write(response_head(resp, close))
        if method == "HEAD" or resp.status == 304:
            await writer.drain()
            return True
        if resp.stream is not None:
            for chunk in resp.stream:
                writer.write(chunk)
                await writer.drain()
        elif resp.action == "truncate":
            writer.write(resp.body[: len(resp.body) // 2])
            await writer.drain()
            return False
        else:
            writer.write(resp.body)
            await writer.drain()
        return True

    def close(self) -> None:
        if self._thread is None:
            for sock, _ in self._listening:
                sock.close()
            self._loop.close()
            return
        with contextlib.suppress(TimeoutError, RuntimeError):
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()
        self._thread = None

    async def _shutdown(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1)
