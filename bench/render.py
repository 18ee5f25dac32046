"""Rendered pages/s against plain pages/s, and the browser's memory through a long rendering crawl.

Run: ``python -m bench.render [--pages 500] [--portals N]``. govsim serves the pages on 127.0.0.1. Two crawls
run in the same invocation, each in its own subprocess (Twisted's reactor cannot restart): ``--pages`` HTML
pages of govsim's JS-only portals through the browser (the real stack: our download handler, render
middleware, abort rule and content wait; the portals' policy set to ``always``), then the same number of
pages of the plain portals over plain HTTP. The JS portals' pages are repeated to reach ``--pages``. The
parent samples the RSS of the browser process tree (the Playwright driver and every Chromium process under
the crawl process) every 0.5 s and prints the peak and the trend after warm-up (the first quarter of the
crawl): the slope of a least-squares line through the second half, as MB per 100 pages and as a share of the
mean. Results are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KINDS = ("report", "other", "list")
SAMPLE_EVERY = 0.5


# -- the worker: one crawl of a URL list, in this process ----------------------------------------------------
def run_worker(mode: str, urls_file: Path, out_file: Path) -> None:
    """Fetch every URL once (render or plain) with the project's settings; write timing and counts."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.render.heuristics import visible_text_length
    from crawler.settings import LOOPBACK_SETTINGS

    jobs = json.loads(urls_file.read_text(encoding="utf-8"))
    policy = "always" if mode == "render" else "never"
    # what the scope filter reads of a portal (every govsim URL is in scope here); the policy goes in meta
    stand_in = type("Portal", (), {"render": policy, "allows": lambda self, url: True})
    portals = {pid: stand_in() for pid in {j["portal"] for j in jobs}}
    result = {"mode": mode, "pages": 0, "ok": 0, "with_text": 0, "rendered": 0, "first": None, "last": None}

    class BenchSpider(scrapy.Spider):
        name = "bench_render"

        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.portals = portals

        async def start(self):
            for job in jobs:
                meta = {
                    "portal_id": job["portal"],
                    "role": "article" if job["kind"] != "list" else "list",
                    "render_policy": policy,
                }
                yield scrapy.Request(job["url"], meta=meta, dont_filter=True, callback=self.parse)

        def parse(self, response):
            now = time.monotonic()
            result["first"] = result["first"] or now
            result["last"] = now
            result["pages"] += 1
            result["ok"] += response.status == 200
            result["rendered"] += "playwright" in response.flags
            if hasattr(response, "text") and visible_text_length(response.text) > 200:
                result["with_text"] += 1

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides = {
        **LOOPBACK_SETTINGS,
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {},
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "RETRY_TIMES": 0,
        "DEPTH_LIMIT": 0,
    }
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    started = {}
    crawler.signals.connect(lambda: started.setdefault("t", time.monotonic()), signal=signals.engine_started)
    process.crawl(crawler)
    process.start()
    result["started"] = started.get("t")
    result["stats"] = {
        k: v for k, v in crawler.stats.get_stats().items() if k.startswith(("playwright/", "portal/"))
    }
    out_file.write_text(json.dumps(result, default=str), encoding="utf-8")


# -- memory sampling (/proc: psutil is not a dependency) --------------------------------------------------------
def descendants(root: int) -> list[int]:
    """Every process under ``root`` (children, their children, …), from the parent ids in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    found, stack = [], list(tree.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(tree.get(pid, []))
    return found


def _kib_field(path: str, field: str) -> int:
    """Bytes of a ``Field:  N kB`` line of a /proc file (0 when the process is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def process_rss(pid: int) -> int:
    return _kib_field(f"/proc/{pid}/status", "VmRSS:")


def process_pss(pid: int) -> int:
    """Proportional set size: shared pages (Chromium's, above all) split among the processes sharing them."""
    return _kib_field(f"/proc/{pid}/smaps_rollup", "Pss:")


def browser_rss(root: int) -> tuple[int, int]:
    """(RSS of every process under ``root`` — the browser tree —, RSS of ``root`` itself)."""
    return sum(map(process_rss, descendants(root))), process_rss(root)


@dataclass
class Run:
    result: dict
    samples: list[tuple[float, int, int]]  # (seconds since start, browser tree RSS, crawl process RSS)
    wall: float

    @property
    def rate(self) -> float:
        r = self.result
        span = (r["last"] or 0) - (r["started"] or r["first"] or 0)
        return r["pages"] / span if span > 0 else 0.0


def crawl(mode: str, jobs: list[dict], workdir: Path) -> Run:
    urls, out = workdir / f"{mode}.json", workdir / f"{mode}.out.json"
    urls.write_text(json.dumps(jobs), encoding="utf-8")
    cmd = [sys.executable, "-m", "bench.render", "--worker", mode, str(urls), str(out)]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[1])
    samples = []
    while proc.poll() is None:
        tree, own = browser_rss(proc.pid)
        samples.append((time.monotonic() - start, tree, own))
        time.sleep(SAMPLE_EVERY)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} crawl failed with exit code {proc.returncode}")
    return Run(json.loads(out.read_text(encoding="utf-8")), samples, time.monotonic() - start)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def memory_report(run: Run) -> list[str]:
    """Peak browser RSS, and the trend over the second half of the crawl (after warm-up)."""
    busy = [s for s in run.samples if s[1] > 0]
    if not busy:
        return ["browser memory: no browser process seen"]
    peak = max(s[1] for s in busy)
    t0, t1 = busy[0][0], busy[-1][0]
    half = [(t, rss / 2**20) for t, rss, _ in busy if t >= t0 + (t1 - t0) / 2]
    warm = [rss / 2**20 for t, rss, _ in busy if t >= t0 + (t1 - t0) / 4]
    per_second = slope(half)  # MB/s
    pages_per_second = run.rate or 1.0
    per_100_pages = per_second / pages_per_second * 100
    mean = sum(v for _, v in half) / len(half)
    growth_share = per_second * (half[-1][0] - half[0][0]) / mean if mean else 0.0
    verdict = "no upward trend" if growth_share < 0.05 else "GROWING"
    return [
        f"browser peak RSS: {peak / 2**20:.0f} MB (process tree: Playwright driver + Chromium; "
        f"crawl process peak {max(s[2] for s in busy) / 2**20:.0f} MB), {len(busy)} samples every {SAMPLE_EVERY}s",
        f"after warm-up: min {min(warm):.0f} MB, max {max(warm):.0f} MB; second-half slope "
        f"{per_100_pages:+.1f} MB per 100 pages ({growth_share:+.1%} of the mean over the half) → {verdict}",
    ]


def pick_jobs(sim, pages: int) -> tuple[list[dict], list[dict]]:
    """``pages`` HTML pages of the JS-only portals (repeated as needed) and as many of the plain portals."""
    manifest = sim.manifest()
    js_ids = {p["id"] for p in sim.portals if p.get("js") and not p.get("gate")}
    plain_ids = {p["id"] for p in sim.portals if not p.get("js") and not p.get("gate")}
    live = [p for p in manifest["pages"] if p.get("status") == 200 and p.get("kind") in PAGE_KINDS]
    js = [{"url": p["url"], "portal": p["portal"], "kind": p["kind"]} for p in live if p["portal"] in js_ids]
    plain = [
        {"url": p["url"], "portal": p["portal"], "kind": p["kind"]} for p in live if p["portal"] in plain_ids
    ]
    if not js or not plain:
        raise SystemExit("govsim has no JS-only or no plain portal pages")

    def cycle(items: list[dict]) -> list[dict]:
        return [items[i % len(items)] for i in range(pages)]

    return cycle(js), cycle(plain)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="pages per crawl (default 500)")
    parser.add_argument("--portals", type=int, default=None, help="govsim generated portal count")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "URLS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return

    from govsim import GovSim

    with GovSim(day=1, portals=args.portals) as sim, tempfile.TemporaryDirectory() as tmp:
        js_jobs, plain_jobs = pick_jobs(sim, args.pages)
        distinct = len({j["url"] for j in js_jobs})
        print(
            f"govsim: {len(sim.portals)} portals; {args.pages} pages per crawl ({distinct} distinct JS pages)"
        )
        rendered = crawl("render", js_jobs, Path(tmp))
        plain = crawl("plain", plain_jobs, Path(tmp))
    r, p = rendered.result, plain.result
    print(
        f"rendered: {r['pages']} pages ({r['rendered']} through the browser, {r['with_text']} with text) "
        f"in {rendered.wall:.1f}s wall → {rendered.rate:.1f} pages/s"
    )
    print(
        f"plain:    {p['pages']} pages ({p['with_text']} with text) in {plain.wall:.1f}s wall → {plain.rate:.1f} pages/s"
    )
    if rendered.rate:
        print(
            f"ratio plain / rendered: {plain.rate / rendered.rate:.1f}× (a rendered page costs that many plain ones)"
        )
    for line in memory_report(rendered):
        print(line)
    aborted = r["stats"].get("playwright/request_count/aborted", 0)
    print(
        f"browser: {r['stats'].get('playwright/page_count', 0)} pages opened, "
        f"{r['stats'].get('playwright/page_count/closed', 0)} closed, "
        f"max {r['stats'].get('playwright/page_count/max_concurrent', 0)} open at once, {aborted} sub-requests aborted"
    )


if __name__ == "__main__":
    main()
