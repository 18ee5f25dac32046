"""The socket layer: one listening socket per portal (its own origin), one acceptor thread for all of them,
one daemon thread per connection speaking HTTP/1.1 through ``BaseHTTPRequestHandler``.

Raw socket access is kept so faults can reset connections (SO_LINGER 0) or send fewer bytes than announced.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
import traceback
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .site import Request, Response

if TYPE_CHECKING:
    from collections.abc import Callable

LISTEN_BACKLOG = 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are closed after this

    # ``server`` is a _PortalEndpoint (set by BaseRequestHandler.__init__)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if 0 < length <= 1 << 20 else b""
        parts = urlsplit(self.path)
        req = Request(
            self.command,
            parts.path or "/",
            parts.query,
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        try:
            resp = self.server.respond(req)
        except Exception:  # a simulator bug must show up as a 500, not as a dropped connection
            traceback.print_exc()
            resp = Response(500, b"govsim internal error", "text/plain; charset=utf-8")
        self._write(resp)

    def _write(self, resp: Response) -> None:
        if resp.action == "reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(resp.status)
        body = resp.body
        length = resp.length if resp.stream is not None else len(body)
        if resp.status != 304:
            self.send_header("Content-Type", resp.ctype)
            self.send_header("Content-Length", str(length))
        if resp.etag:
            self.send_header("ETag", resp.etag)
        if resp.last_modified:
            lm = datetime(
                resp.last_modified.year, resp.last_modified.month, resp.last_modified.day, tzinfo=UTC
            )
            self.send_header("Last-Modified", format_datetime(lm, usegmt=True))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if resp.action == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD" or resp.status == 304:
            return
        if resp.stream is not None:
            for chunk in resp.stream:
                self.wfile.write(chunk)
        elif resp.action == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
        else:
            self.wfile.write(body)


class _PortalEndpoint:
    """What the handler sees as ``server``: the portal's responder."""

    def __init__(self, respond: Callable[[Request], Response]):
        self.respond = respond


class Server:
    """Listens for every portal and serves connections until :meth:`close`."""

    def __init__(self) -> None:
        self._sel = selectors.DefaultSelector()
        self._socks: list[socket.socket] = []
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def listen(self, respond: Callable[[Request], Response], port: int = 0, host: str = "127.0.0.1") -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
        self._socks.append(sock)
        self._sel.register(sock, selectors.EVENT_READ, _PortalEndpoint(respond))
        return sock.getsockname()[1]

    def start(self) -> None:
        self._thread = threading.Thread(target=self._accept_loop, name="govsim-accept", daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._sel.select(timeout=0.05):
                try:
                    conn, addr = key.fileobj.accept()
                except (BlockingIOError, OSError):
                    continue
                conn.setblocking(True)
                threading.Thread(target=self._serve_conn, args=(conn, addr, key.data), daemon=True).start()

    def _serve_conn(self, conn: socket.socket, addr, endpoint: _PortalEndpoint) -> None:
        with self._lock:
            self._conns.add(conn)
        try:
            _Handler(conn, addr, endpoint)
        except (ConnectionError, TimeoutError, OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
        for sock in self._socks:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(sock)
            sock.close()
        self._sel.close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
