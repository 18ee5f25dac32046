"""Anti-bot gates modelled on 瑞数 (HTTP 412, ``$_ts``) and 加速乐 (HTTP 521, ``__jsl_clearance_s``).

Both hand out a cookie only a JavaScript engine can compute: the value is arithmetic over numbers that are in
the challenge script, and the server recomputes it (stateless, keyed by a per-sim secret) to verify. A wrong or
missing cookie gets the challenge again. ``/robots.txt`` and ``/favicon.ico`` are not gated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import random
import time

from .site import Request, Response

RS_S = "FSSBBIl1UgzbN7N80S"  # set by the server (like 瑞数's …80S)
RS_T = "FSSBBIl1UgzbN7N80T"  # computed by the challenge script (like 瑞数's …80T)
JSL_ID = "__jsluid_s"
JSL_CLEAR = "__jsl_clearance_s"
UNGATED = {"/robots.txt", "/favicon.ico"}

_DIGIT_FORMS = {
    "0": ["~~false", "(2-2)", "(3^3)"],
    "1": ["-~0", "(+true)", "(1|0)"],
    "2": ["(1<<1)", "1+1", "(2)*[1]"],
    "3": ["(1|2)", "2+1", "(2^1)"],
    "4": ["(2<<1)", "(2)*[2]", "-~(3)"],
    "5": ["2+3", "(1<<2)+1"],
    "6": ["(3<<1)", "1+5"],
    "7": ["1+6", "(3<<1)+1"],
    "8": ["(1<<3)", "(2)*[4]", "1+7"],
    "9": ["(3)*[3]", "(1<<3)+1", "1+8"],
}


def rs_cookie_value(nsd: int, cd: str) -> str:
    """What the 412 script computes (kept here so the server can verify it)."""
    h = 0
    for ch in cd:
        h = (h * 31 + ord(ch) + nsd) % 1000000007
    return format(h, "x")


class Gates:
    def __init__(self, secret: bytes | None = None):
        self.secret = secret or os.urandom(16)
        self.rng = random.Random()

    def _mac(self, *parts: str) -> bytes:
        return hmac.new(self.secret, "|".join(parts).encode(), hashlib.sha256).digest()

    # --- 瑞数-like 412 ---
    def _rs_params(self, token: str) -> tuple[int, str]:
        mac = self._mac("rs", token)
        nsd = 10000 + int.from_bytes(mac[:4], "big") % 90000
        cd = (
            base64.b64encode(self._mac("cd", token) * 3)
            .decode()
            .rstrip("=")
            .replace("+", "q")
            .replace("/", "l")
        )
        return nsd, cd

    def _rs_token_ok(self, token: str) -> bool:
        nonce, _, sig = token.partition("_")
        return bool(nonce) and hmac.compare_digest(sig, self._mac("tok", nonce).hex()[:16])

    def rs_pass(self, req: Request) -> bool:
        jar = req.cookies
        token, value = jar.get(RS_S, ""), jar.get(RS_T, "")
        return (
            bool(token and value)
            and self._rs_token_ok(token)
            and value == rs_cookie_value(*self._rs_params(token))
        )

    def rs_challenge(self) -> Response:
        nonce = os.urandom(12).hex()
        token = f"{nonce}_{self._mac('tok', nonce).hex()[:16]}"
        nsd, cd = self._rs_params(token)
        meta_id = base64.b32encode(self._mac("mid", token)[:8]).decode().rstrip("=")
        body = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<meta id="{meta_id}" content="{cd[:40]}" r="m">'
            "<!--[if lt IE 9]><script r='m'>document.createElement(\"section\")</script><![endif]-->"
            f"<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd={nsd};"
            f'$_ts.cd="{cd}";if($_ts.lcd)$_ts.lcd();'
            "function _$cT(){var a=$_ts.nsd,b=$_ts.cd,h=0;for(var i=0;i<b.length;i++){"
            "h=(h*31+b.charCodeAt(i)+a)%1000000007;}"
            f'document.cookie="{RS_T}="+h.toString(16)+"; path=/";location.reload();}}</script>\n'
            "</head>\n<body>\n</body>\n</html>\n<script type=\"text/javascript\" r='m'>_$cT();</script>"
        )
        return Response(
            412,
            body.encode(),
            headers={
                "Set-Cookie": f"{RS_S}={token}; Path=/; HttpOnly",
                "Cache-Control": "no-cache, no-store",
            },
        )

    # --- 加速乐-like 521 ---
    def _jsl_sig(self, jsluid: str, ts: str) -> str:
        return (
            base64.b64encode(self._mac("jsl", jsluid, ts)).decode()[:27].replace("+", "K").replace("/", "z")
        )

    def jsl_pass(self, req: Request) -> bool:
        jar = req.cookies
        jsluid, clearance = jar.get(JSL_ID, ""), jar.get(JSL_CLEAR, "")
        parts = clearance.split("|")
        if not jsluid or len(parts) != 3 or parts[1] != "-1" or not parts[2].endswith("%3D"):
            return False
        return hmac.compare_digest(parts[2][:-3], self._jsl_sig(jsluid, parts[0]))

    def _obfuscate(self, text: str) -> str:
        pieces = []
        for ch in text:
            if ch.isdigit():
                pieces.append(f"({self.rng.choice(_DIGIT_FORMS[ch])}+'')")
            else:
                pieces.append(f"('{ch}')")
        return "+".join(pieces)

    def jsl_challenge(self, req: Request) -> Response:
        jsluid = req.cookies.get(JSL_ID, "")
        headers = {"Cache-Control": "no-cache, no-store"}
        if not (len(jsluid) == 32 and all(c in "0123456789abcdef" for c in jsluid)):
            jsluid = os.urandom(16).hex()
            headers["Set-Cookie"] = f"{JSL_ID}={jsluid}; max-age=31536000; path=/; HttpOnly"
        ts = f"{int(time.time())}.{self.rng.randint(100, 999)}"
        value = f"{JSL_CLEAR}={ts}|-1|{self._jsl_sig(jsluid, ts)}%3D; Max-age=3600; Path=/"
        script = f"document.cookie={self._obfuscate(value)};location.href=location.pathname+location.search"
        return Response(521, f"<script>{script}</script>".encode(), headers=headers)

    def check(self, gate: str | None, req: Request) -> Response | None:
        """None when the request may pass, else the challenge response."""
        if not gate or req.path in UNGATED:
            return None
        if gate == "412":
            return None if self.rs_pass(req) else self.rs_challenge()
        if gate == "521":
            return None if self.jsl_pass(req) else self.jsl_challenge(req)
        return None
