"""Plain-HTTP helpers for the govsim tests: fetch on loopback, solve the gates (test-side only), page text."""

from __future__ import annotations

import html
import http.client
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(
    url: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    data: bytes | None = None,
    timeout: float = 5.0,
) -> Fetched:
    """One request, no redirect following, no decompression."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1", url  # tests never leave loopback
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        hdrs = dict(headers or {})
        if data is not None:
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        body = resp.read()
        return Fetched(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


def _set_cookie(resp: Fetched) -> tuple[str, str]:
    first = resp.headers["set-cookie"].split(";", 1)[0]
    name, _, value = first.partition("=")
    return name, value


def solve_412(base_url: str) -> str:
    """Do what the 瑞数-like script does: h = (h*31 + charCode + nsd) % 1000000007 over $_ts.cd, in hex."""
    resp = fetch(base_url + "/")
    assert resp.status == 412
    s_name, s_value = _set_cookie(resp)
    text = resp.body.decode()
    nsd = int(re.search(r"\$_ts\.nsd=(\d+)", text).group(1))
    cd = re.search(r'\$_ts\.cd="([^"]+)"', text).group(1)
    t_name = re.search(r'document\.cookie="([^=]+)="', text).group(1)
    h = 0
    for ch in cd:
        h = (h * 31 + ord(ch) + nsd) % 1000000007
    return f"{s_name}={s_value}; {t_name}={h:x}"


def _js_pieces(expr: str) -> list[str]:
    """Split ``(a)+(b)+…`` at top level into the parenthesized pieces."""
    pieces, depth, start = [], 0, None
    for i, ch in enumerate(expr):
        if ch == "(":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                pieces.append(expr[start:i])
    return pieces


def solve_521(base_url: str) -> str:
    """Evaluate the 加速乐-like obfuscated cookie expression (quoted chars and tiny arithmetic)."""
    resp = fetch(base_url + "/")
    assert resp.status == 521
    jsluid = _set_cookie(resp)
    script = re.search(r"document\.cookie=(.*?);location\.href", resp.body.decode()).group(1)
    out = []
    for piece in _js_pieces(script):
        if piece.startswith("'"):
            out.append(piece[1:-1])
        else:
            assert piece.endswith("+''"), piece
            py = (
                piece[:-3]
                .replace("true", "True")
                .replace("false", "False")
                .replace("[", "(")
                .replace("]", ")")
            )
            out.append(str(eval(py, {"__builtins__": {}})))  # noqa: S307 - digits-only arithmetic from our own sim
    clearance = "".join(out).split(";", 1)[0]
    return f"{jsluid[0]}={jsluid[1]}; {clearance}"


def gate_cookies(sim) -> dict[str, str]:
    """Cookie headers that pass each gated portal."""
    out = {}
    for p in sim.portals:
        if p["gate"] == "412":
            out[p["id"]] = solve_412(p["base_url"])
        elif p["gate"] == "521":
            out[p["id"]] = solve_521(p["base_url"])
    return out


_TAG = re.compile(r"<[^>]+>")
_PINYIN = re.compile(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")


def visible_text(body: bytes, encoding: str = "utf-8") -> str:
    """Whole-page text, NFKC: enough to check that every manifest line is on the page."""
    text = html.unescape(_TAG.sub("\n", body.decode(encoding)))
    return unicodedata.normalize("NFKC", text)


def sentences(text: str) -> list[str]:
    """Distinctive pieces of a manifest text (to prove they are absent from a shell or challenge)."""
    return [s for s in re.split(r"[。;:\n]", text) if len(s) >= 16]


def strip_pinyin(text: str) -> str:
    return _PINYIN.sub("", text)
