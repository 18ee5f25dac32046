"""Recognising anti-bot challenge responses from their status, headers and bytes (DOMAIN.md §2).

A challenge is never content: 瑞数 answers HTTP 412 with ``$_ts`` script and an empty body, 加速乐 answers
HTTP 521 with a one-line script that writes ``__jsl_clearance_s`` into ``document.cookie`` and reloads. Some
gates answer 200 with the same kind of tiny page. Only a browser (or a reimplementation of the vendor's VM,
which breaks whenever the vendor changes it) can pass them.
"""

from __future__ import annotations

import re

CHALLENGE_412 = "challenge_412"
CHALLENGE_521 = "challenge_521"
CHALLENGE_SCRIPT = "challenge_script"

# A challenge page is a few KB of script; real pages are larger and carry visible text.
TINY_BODY = 16 * 1024

_RUISHU = re.compile(rb"\$_ts\s*=|\$_ts\.(?:nsd|cd)\b|<meta[^>]+\br=['\"]?m['\"]?", re.IGNORECASE)
_JSL = re.compile(rb"__jsl_clearance|__jsluid|\('_'\)\s*\+\s*\('_'\)\s*\+\s*\('j'\)", re.IGNORECASE)
_COOKIE_SCRIPT = re.compile(rb"document\.cookie\s*=", re.IGNORECASE)
_RELOAD = re.compile(rb"location(?:\.href)?\s*=|location\.(?:reload|replace)\s*\(", re.IGNORECASE)
_SCRIPT_BLOCK = re.compile(
    rb"<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(rb"<[^>]+>")
_SPACE = re.compile(rb"\s+")


def visible_bytes(body: bytes) -> bytes:
    """The page's text outside scripts, styles and tags (roughly what a reader would see)."""
    return _SPACE.sub(b"", _TAG.sub(b"", _SCRIPT_BLOCK.sub(b"", body)))


def _scripted_cookie_page(body: bytes) -> bool:
    """A tiny page whose only job is to set a cookie from script (and reload): nothing to read in it."""
    if len(body) > TINY_BODY or not _COOKIE_SCRIPT.search(body):
        return False
    return len(visible_bytes(body)) < 200


def detect_challenge(status: int, body: bytes, headers: dict[str, str] | None = None) -> str | None:
    """The kind of challenge this response is (``challenge_412`` / ``_521`` / ``_script``), or None.

    ``headers`` (lower-cased names) are accepted for callers that have them; a gate's ``Set-Cookie`` alone
    proves nothing (ordinary pages set session cookies), so the body decides.
    """
    head = body[: TINY_BODY * 4]
    # The status alone is not enough: 521 is also Cloudflare's "web server is down" page, which a browser
    # cannot fix, and escalating on it would send the whole host to the browser for nothing.
    if status == 412 and (_RUISHU.search(head) or _scripted_cookie_page(body)):
        return CHALLENGE_412
    if status == 521 and (_JSL.search(head) or _scripted_cookie_page(body)):
        return CHALLENGE_521
    if status == 200 and len(body) <= TINY_BODY:
        if _RUISHU.search(head) and len(visible_bytes(body)) < 200:
            return CHALLENGE_412
        if _JSL.search(head) and _scripted_cookie_page(body):
            return CHALLENGE_521
        if _scripted_cookie_page(body) and _RELOAD.search(body):
            return CHALLENGE_SCRIPT
    return None
