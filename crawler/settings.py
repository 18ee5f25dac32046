"""Scrapy settings for the ``reports`` crawl.

Defaults are polite for real government portals: robots.txt obeyed, AutoThrottle on, two requests at a time
per portal. ``fazhi demo`` and the tests crawl govsim on loopback with :data:`LOOPBACK_SETTINGS` on top.
Every ``FAZHI_*`` setting is documented in the README.
"""

from __future__ import annotations

import os
from pathlib import Path

from archive.store import GONE_AFTER
from crawler.registry import DEFAULT_REGISTRY

BOT_NAME = "fazhi"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # ``scrapy crawl`` with fazhi's exit codes (crawler/exitcodes.py)

# -- identity and politeness ------------------------------------------------------------------------------
FAZHI_CONTACT_URL = "https://github.com/fazhi-archive/fazhi"
USER_AGENT = f"Mozilla/5.0 (compatible; fazhi/0.1; +{FAZHI_CONTACT_URL})"
ROBOTSTXT_OBEY = True
# Requests in flight over all portals. Per-host politeness (below) keeps each portal at two at a time; the
# global cap only has to keep a latency-bound night busy. A request holds its place while it waits out its
# host's delay and answer (about a second), and a request for the browser holds it while it waits for a free
# browser page: with 300 script-only portals of 3,000, 256 let the browser's queue fill the cap while plain
# portals waited. More than needed costs memory: every answer in flight when the store falls behind is held
# until stored (at 1,024, 560 responses and their items waited in a 1,000-portal night 1); at 512 the
# 3,000-portal night 1's crawl process peaked at 349 MB PSS against 412 (bench/README.md).
CONCURRENT_REQUESTS = 512
# Take the next request from a host with no download in flight, hosts in turn, not from the one that queued
# most, so one big portal's backlog never starves the others: Scrapy's DownloaderAwarePriorityQueue, with a
# choice of host that does not look at all 3,000 hosts for every request (crawler/frontier.py).
SCHEDULER_PRIORITY_QUEUE = "crawler.frontier.HostRoundRobinQueue"
# Scrapy starts this many asyncio workers for every callback's output; a page yields a few items or requests,
# and the default of 100 made task bookkeeping a large share of a crawl's CPU.
CONCURRENT_ITEMS = 8
# Scrapy re-reads and parses the source of every generator callback on every response to warn about
# ``return value`` in generators; ruff's B901 checks that once, at lint time (pyproject.toml).
WARN_ON_GENERATOR_RETURN_VALUE = False
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # the spider gives every portal origin its own download slot
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# connection failures in a row before a host counts as down for the crawl (0: never; crawler/hostdown.py)
FAZHI_HOST_DOWN_AFTER = 2
COOKIES_ENABLED = True
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}

# robots.txt is kept for a day between crawls (crawler/robotscache.py); nothing else is cached
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "crawler.robotscache.RobotsTxtOnlyPolicy"
HTTPCACHE_EXPIRATION_SECS = 24 * 3600
HTTPCACHE_DIR = str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fazhi" / "httpcache")

# -- guards against hostile or broken pages ---------------------------------------------------------------
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # a report page is < 1 MB; 20 MB also fits PDF attachments
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# No Scrapy DEPTH_LIMIT: it dropped deep list pages' articles without a word. The spider's own caps below
# are counted per portal and shown in the crawl summary.
DEPTH_LIMIT = 0
FAZHI_MAX_PAGES_PER_PORTAL = 600  # requests per portal per crawl (the registry's max_pages overrides)
FAZHI_RECHECK = False  # True (``fazhi crawl --recheck``): revalidate every known document now, due or not
FAZHI_MAX_LIST_PAGES = 40  # list pages walked per start URL: stops calendar-style pagination traps
FAZHI_DISCOVERY_BUDGET = 40  # requests per portal to find its report column from the home page
FAZHI_MAX_COLUMN_DEPTH = 3  # topic sub-columns followed from a column, nested at most this deep
FAZHI_EXTRACT_MAX_BYTES = 20_000_000  # bodies larger than this are not parsed (a problem row says so)

# -- re-crawls (crawler/incremental.py) ---------------------------------------------------------------------
FAZHI_REVALIDATE_AFTER = 20.0  # hours before a known report is revalidated (non-reports 7x less often)
FAZHI_FULL_SWEEP_DAYS = 7.0  # days between full sweeps of a portal's list pages
FAZHI_FULL_SWEEP = False  # True (``fazhi crawl --full``): walk every list page now

# -- the browser, only where needed (crawler/render/, crawler/browser.py) ---------------------------------------
# Every request goes through scrapy-playwright's handler, which sends it plainly unless meta["playwright"] is
# set; the render middleware sets it for challenge gates and script-built pages (per portal ``render:``).
# The handler starts Playwright lazily: a crawl of static portals never starts a browser.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.BrowserDownloadHandler",
    "https": "crawler.browser.BrowserDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's offsite filter, per portal: every redirect hop and response stays in the portal's scope
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.scope.PortalScopeMiddleware": 50,
    # 540: after decompression (590) and redirects (600) on the way back, before cookies (700) on the way out.
    "crawler.render.middleware.RenderMiddleware": 540,
    # after retries (550) on the way out: sees every failed attempt first on the way back (crawler/hostdown.py)
    "crawler.hostdown.HostDownMiddleware": 560,
    # the same middleware, but it never downloads the Public Suffix List mid-crawl (crawler/cookies.py)
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.cookies.CookiesMiddleware": 700,
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",  # Debian's package `chromium`; never `playwright install`
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
}
# One render context, two while it is renewed (crawler/render/pool.py); the cap guards against context leaks.
PLAYWRIGHT_MAX_CONTEXTS = 2
# Pages rendering at once, each with its own renderer process (Chromium's default; two renderers shared by 8
# pages saturated one in a national night). A render mostly waits on the network (shell, script, data), so
# more pages overlap that waiting: the 3,000-portal night 1 took 24 minutes with 8 against over 43 with 4,
# at about 650 MB more memory (bench/README.md, bench.national). 4 on a machine short of memory.
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 8
# Renders a page serves before it is closed (crawler/render/pool.py): kept pages skip a renderer process and a
# Playwright target per render (bench.render, same machine, alternated: 3.3/3.4 → 5.2/6.0 pages/s).
# Renders in one browser context before new pages open in a new one: Playwright keeps every request and
# response of a context until it closes. 15 and 150 rather than 50 and 400: a 1,000-portal night 1 took the
# same time (367 s against 364) at PSS 1,582 MB against 1,770 (one run each, bench/README.md); 60 renders a
# context kept the driver at 208 MB in the 3,000-portal night 1 (234 MB at 400).
FAZHI_RENDER_PAGE_USES = 15
FAZHI_RENDER_CONTEXT_RENDERS = 60
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000  # ms
# The Playwright driver's Node heap: a young generation of 2 MB semi-spaces and an old generation capped at
# 128 MB, against Node's defaults sized for the whole machine. Its live heap stayed under 30 MB in a
# 1,000-portal night; the driver's peak fell from 233 to 128 MB, the night's wall and CPU time unchanged
# (bench/README.md). A driver over the cap dies with "JavaScript heap out of memory" in the crawl log.
FAZHI_DRIVER_NODE_OPTIONS = "--max-semi-space-size=2 --max-old-space-size=128"
# New drivers a crawl starts after one stopped mid-crawl (crawler/browser.py); one more stop and its browser
# portals end partial or failed.
FAZHI_DRIVER_RESTARTS = 3
PLAYWRIGHT_ABORT_REQUEST = "crawler.render.page.should_abort"  # images, fonts, media, CSS, off-site
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = "crawler.render.page.browser_headers"
FAZHI_RENDER_SETTLE_TIMEOUT = 10.0  # s to wait for a page's content to be built
FAZHI_RENDER_QUIET_MS = 100  # the page counts as built after this long without network or text changes
FAZHI_RENDER_GATE_WAIT = 15.0  # s an attachment/list API behind a gate waits for the browser's cookies
FAZHI_BROWSER_LOOPBACK_ONLY = False  # True: the browser can reach 127.0.0.1 only (govsim, tests)

# -- the pipeline chain (docs/internals.md) ---------------------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.classify.ClassifyPipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
    "pipelines.store.StorePipeline": 500,
}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 500,
    # AutoThrottle that lowers a host's delay after a 304 as after a 200 (crawler/throttle.py)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.throttle.RevalidationAutoThrottle": 0,
}
# OCR of scanned reports (pipelines/ocrpool.py): worker processes beside the crawl, a page budget per crawl
FAZHI_OCR = True
FAZHI_OCR_BUDGET = 200  # scanned pages per crawl; scans beyond it are stored without text and read later
FAZHI_OCR_WORKERS = 1
FAZHI_OCR_THREADS = 1  # ONNX Runtime threads in each worker

# -- archive ------------------------------------------------------------------------------------------------
FAZHI_DB = None  # None: $FAZHI_DB, else sqlite:///fazhi.db (archive.db.resolve_db_url)
FAZHI_REGISTRY = str(DEFAULT_REGISTRY)
FAZHI_GONE_AFTER = GONE_AFTER  # consecutive missing crawls before a document is ``gone``
FAZHI_STORE_PROCESS = True  # write to the archive from a worker process (pipelines/worker.py)
FAZHI_EXTRACT_PROCESS = True  # extract pages and report files in a worker process of their own
FAZHI_CLASSIFY_PUBLISHED_YEAR = True  # a report published January–June covers the year before
FAZHI_RECORD_RUNS = True  # record the crawl as a CrawlRun row (crawler/extensions.py)
FAZHI_RUN_ID = 0  # the scheduler's pre-created run row to fill in (0: open a new one)
FAZHI_ALERTS = True  # send the subscriptions' digests when the crawl closes (archive/alerts.py)
FAZHI_SUBSCRIPTIONS = None  # a YAML file of alert subscriptions, synced when the crawl opens

LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"

# Settings for crawling govsim (or any server on this machine): no politeness delays.
LOOPBACK_SETTINGS = {
    "CONCURRENT_REQUESTS": 16,  # no latency to hide: more in flight only adds overhead
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 10,
    "RETRY_TIMES": 1,
    "FAZHI_BROWSER_LOOPBACK_ONLY": True,
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,  # no network wait to overlap: 4 renderers keep 2 cores busy
}
