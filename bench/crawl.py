"""Pages per second of the full pipeline against a bare Scrapy spider fetching the same govsim pages.

Run: ``python -m bench.crawl [--portals N]``. Both crawls run in this process's run, one after the other,
against the same govsim, whose page cache is warmed first so neither pays for page generation; the ratio is
full / bare (target ≥ 0.5×). Spider time only (Scrapy's ``elapsed_time_seconds``), so interpreter start-up
is left out of both.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.crawling import LOOPBACK, REPO, fazhi_crawl
from govsim import GovSim


def warm_up(urls: list[str]) -> None:
    """Fetch every page once, so govsim's per-day render cache is warm for both crawls alike."""

    def fetch(url: str) -> None:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=10).read()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, urls))


def bare_crawl(urls: list[str], tmp: Path) -> dict:
    url_file, out = tmp / "urls.txt", tmp / "bare.json"
    url_file.write_text("\n".join(urls), encoding="utf-8")
    args = [
        sys.executable,
        "-m",
        "scrapy",
        "runspider",
        str(REPO / "bench" / "bare_spider.py"),
        "-a",
        f"urls={url_file}",
        "-a",
        f"out={out}",
        "-s",
        "LOG_LEVEL=WARNING",
        "-s",
        "ROBOTSTXT_OBEY=False",
        "-s",
        "TELNETCONSOLE_ENABLED=False",
        *LOOPBACK,
    ]
    subprocess.run(args, cwd=tmp, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--portals", type=int, default=120, help="govsim portals to generate (default 120)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each crawl, interleaved (median)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], type=lambda v: f"--set={v}", help="fazhi crawl setting"
    )
    args = parser.parse_args()
    full_rates, bare_rates = [], []
    with GovSim(portals=args.portals) as sim, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        registry = tmp / "registry.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        portals = sim.plain_portal_ids()
        manifest = sim.manifest()
        warm_up([p["url"] for p in manifest["pages"] if p["portal"] in portals])
        pages = [
            p["url"]
            for p in manifest["pages"]
            if p["portal"] in portals and p["status"] == 200 and p["kind"] != "list"
        ]
        for run in range(args.repeat):
            db_url = f"sqlite:///{tmp / f'bench{run}.db'}"
            full = fazhi_crawl(registry, db_url, portals, "-s", f"HTTPCACHE_DIR={tmp / 'c'}", *args.set)
            bare = bare_crawl(pages, tmp)
            full_rates.append(full["totals"]["responses"] / full["totals"]["seconds"])
            bare_rates.append(bare["downloader/response_count"] / bare["elapsed_time_seconds"])
            print(
                f"run {run + 1}: full {full['totals']['responses']} pages {full_rates[-1]:6.1f}/s, "
                f"bare {bare['downloader/response_count']} pages {bare_rates[-1]:6.1f}/s"
            )
    full_rate, bare_rate = statistics.median(full_rates), statistics.median(bare_rates)
    print(f"portals: {len(portals)} plain (of {args.portals} generated), {args.repeat} runs of each")
    print(f"full pipeline : median {full_rate:6.1f} pages/s")
    print(f"bare Scrapy   : median {bare_rate:6.1f} pages/s")
    print(f"ratio full / bare: {full_rate / bare_rate:.2f}× (target ≥ 0.5×)")
    summary = {
        "portals": len(portals),
        "runs": args.repeat,
        "full_pages_per_s": [round(r, 1) for r in full_rates],
        "bare_pages_per_s": [round(r, 1) for r in bare_rates],
        "full_median": round(full_rate, 1),
        "bare_median": round(bare_rate, 1),
        "ratio": round(full_rate / bare_rate, 3),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
