"""Local alert receivers for tests: an HTTP endpoint for Apprise's ``json://`` and an SMTP server (aiosmtpd).

Both listen on 127.0.0.1 only and keep what they received in memory.
"""

from __future__ import annotations

import email
import json
import socket
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class WebhookReceiver:
    """Collects JSON POSTs per path; paths in ``failing`` answer HTTP 500 (and collect nothing)."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict]] = {}
        self.attempts: dict[str, int] = {}
        self.failing: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.attempts[self.path] = receiver.attempts.get(self.path, 0) + 1
                if self.path in receiver.failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.received.setdefault(self.path, []).append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The Apprise URL that posts JSON to ``path`` here."""
        return f"json://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's naming
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class SmtpReceiver:
    """A plain (non-TLS) SMTP server on 127.0.0.1 that keeps every message."""

    def __init__(self) -> None:
        with socket.socket() as probe:  # aiosmtpd needs a concrete port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.mailbox = _Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Message]:
        return self.mailbox.messages

    def url(self, to: str = "alerts@example.org") -> str:
        """Apprise's URL for plain SMTP to this server (``mode=insecure``: no STARTTLS)."""
        return f"mailto://127.0.0.1:{self.port}?mode=insecure&from=fazhi@example.org&to={to}"

    @staticmethod
    def text(message: Message) -> str:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        return ""

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
