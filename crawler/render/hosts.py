"""Per-host escalation state: which hosts need the browser, for what, and the cookies it earned there.

One object for the whole crawl, owned by the render middleware. Hosts are ``host:port`` (govsim serves every
portal on 127.0.0.1 with its own port). Two kinds of escalation, both sticky for the rest of the crawl:

* **gate** (a challenge was seen): the browser passes the challenge and its cookies are handed to Scrapy's
  cookie jar, so later requests to the host go out plainly with them. When a plain request is challenged
  again, that request goes through the browser (which earns fresh cookies). A host whose earned cookies
  keep failing (:data:`MAX_STALE_COOKIES` times) becomes browser-only.
* **js** (pages build their content in script, and rendering was seen to add text): every page request to
  the host goes through the browser from then on, skipping the wasted plain attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALWAYS = "always"
JS_LIST = "js_list"
JS_ARTICLE = "js_article"
JS_REASONS = (JS_LIST, JS_ARTICLE)

MAX_STALE_COOKIES = 3
# Rendering "helped" when the page gained this many visible characters (and at least GAIN_RATIO more).
MIN_GAIN_CHARS = 80
GAIN_RATIO = 1.2


@dataclass
class HostState:
    """What the crawl has learned about one host."""

    gate: str | None = None  # the challenge reason seen on this host
    js: str | None = None  # js_list / js_article once rendering proved useful
    cookies: list[dict] = field(default_factory=list)  # earned by the browser, not yet handed over
    generation: int = 0  # how many times the browser earned cookies here
    handed: int = 0  # the generation last handed to Scrapy's cookie jar
    stale: int = 0  # plain requests challenged although earned cookies had been handed over
    browser_only: bool = False
    unsolved: int = 0  # challenges the browser did not pass either

    @property
    def awaiting_cookies(self) -> bool:
        """Gated, and the browser has not earned (usable) cookies yet: plain requests would be challenged."""
        return self.gate is not None and self.generation == 0


def rendering_helped(reason: str, before: dict[str, int], after: dict[str, int]) -> bool:
    """Whether the rendered page shows what the plain one lacked: article links for a list, text for an
    article (``before``/``after``: ``{"chars": visible characters, "links": article links}``).
    """
    if reason == JS_LIST:
        return after.get("links", 0) > before.get("links", 0)
    gained = after.get("chars", 0)
    had = before.get("chars", 0)
    return gained >= had + MIN_GAIN_CHARS and gained >= had * GAIN_RATIO


class Hosts:
    """The escalation state of every host seen in this crawl, and the routing decision built on it."""

    def __init__(self) -> None:
        self._hosts: dict[str, HostState] = {}

    def __getitem__(self, host: str) -> HostState:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = HostState()
        return state

    def route(self, host: str, policy: str, asked: str | None = None) -> str | None:
        """Why a page request to ``host`` should go through the browser, or None to fetch it plainly.

        ``asked`` is a reason already on the request (an escalation); ``policy`` is the portal's
        ``render`` setting. ``never`` wins over everything.
        """
        if policy == "never":
            return None
        if asked:
            return asked
        if policy == ALWAYS:
            return ALWAYS
        state = self._hosts.get(host)
        if state is None:
            return None
        if state.js:
            return state.js
        if state.gate and (state.browser_only or state.awaiting_cookies):
            return state.gate
        return None

    def challenged(self, host: str, reason: str, carried_cookies: bool) -> None:
        """A plain request to ``host`` met a challenge; ``carried_cookies``: it had the earned ones."""
        state = self[host]
        state.gate = state.gate or reason
        if carried_cookies:
            state.stale += 1
            if state.stale >= MAX_STALE_COOKIES:
                state.browser_only = True

    def earned(self, host: str, cookies: list[dict]) -> None:
        """The browser passed the gate on ``host`` and holds these cookies (Playwright's cookie dicts)."""
        if not cookies:
            return
        state = self[host]
        state.cookies = cookies
        state.generation += 1

    def handover(self, host: str) -> list[dict]:
        """Cookies to put into Scrapy's jar with the next plain request to ``host`` (once per earning)."""
        state = self._hosts.get(host)
        if state is None or state.handed == state.generation or not state.cookies:
            return []
        state.handed = state.generation
        return [{"name": c["name"], "value": c["value"], "path": c.get("path") or "/"} for c in state.cookies]

    def has_cookies(self, host: str) -> bool:
        state = self._hosts.get(host)
        return bool(state and state.handed)

    def mark_js(self, host: str, reason: str) -> bool:
        """Make ``host`` browser-bound for page requests; True when that is news."""
        state = self[host]
        if state.js:
            return False
        state.js = reason
        return True
