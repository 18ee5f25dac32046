"""Exit codes of ``fazhi crawl``, ``fazhi demo`` and ``scrapy crawl reports`` (README: "Exit codes").

A scheduler or a cron job can tell from them a complete crawl from a partial one, a failed one, a broken
set-up and a Ctrl-C, without parsing output.
"""

EXIT_OK = 0  # every portal crawled, every page fetched was stored
EXIT_PARTIAL = 1  # some portals (or some pages) failed; the others are in the archive
EXIT_SETUP = 2  # usage or set-up error (registry, database, settings): nothing was crawled
EXIT_FAILED = 3  # the crawl ran but nothing was crawled and stored (every portal failed)
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C / SIGTERM
RUN_EXIT_CODES = {
    "ok": EXIT_OK,
    "partial": EXIT_PARTIAL,
    "failed": EXIT_FAILED,
    "interrupted": EXIT_INTERRUPTED,
}
