"""Rendering with Playwright only where a page needs it.

Plain HTTP first; a host is escalated to the browser (Debian's Chromium through scrapy-playwright) when a
challenge gate answers (瑞数 412, 加速乐 521, a tiny cookie-setting script page), when a list page builds its
list in JavaScript, or when an article's text only appears after scripts run. Modules, one concern each:

* :mod:`.challenge` — recognise anti-bot challenge responses (plain bytes, no browser);
* :mod:`.heuristics` — recognise pages whose content is built by scripts;
* :mod:`.hosts` — per-host escalation state and the routing decision (plain or browser, and why);
* :mod:`.page` — what runs in the browser: request blocking, the content wait, cookie collection;
* :mod:`.middleware` — the downloader middleware that ties them together;
* :mod:`.escalate` — the helper the spider calls to re-request a page through the browser.
"""
