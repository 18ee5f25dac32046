"""The national night: every county-level-and-above portal in one nightly crawl, on this machine.

Run: ``python -m bench.national [--portals 3000]``. govsim serves a national mix (``GovSim(national=True)``:
about 10% script-only portals, 2% behind anti-bot gates, 1% down, 3% slow, every answer delayed by a
log-normal latency around 300 ms with a tail to 5 s, reports of corpus length) from this process's threads;
``fazhi crawl`` runs with the production politeness settings (robots.txt, two requests at a time per host,
``DOWNLOAD_DELAY`` and AutoThrottle), not the loopback ones, three nights in a row into one SQLite archive:

1. night 1, day 1: an empty archive, every report is new;
2. night 2, day 1 again: nothing changed;
3. night 3, day 2: about 5% of reports edited or added.

Between nights the archive is aged by one day (every ``last_seen`` and run time moved 24 hours back), so each
crawl decides what is due exactly as it would the next night, without waiting a day.

Per night it prints wall time, requests, pages/s, CPU time of the crawl's process tree (crawl, store worker,
Playwright driver, Chromium) and how the wall time splits between CPU and waiting on hosts, and peak RSS of
that tree, sampled every 2 s (CPU every 0.5 s), with the PSS at the peak split by process kind (the crawl, its
pipeline workers, the Playwright driver, Chromium's browser process, its renderers and its other processes).
Recall: the reports of the ground truth (portals that are down excluded) found in the archive; on night 3 also
the changes of the day (new reports archived, edits stored as a new version). ``--nights 1`` runs night 1
alone (the memory peak and the longest night). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, update
from sqlmodel import Session, select

from archive.models import CrawlRun, Document
from bench.crawling import REPO
from bench.render import descendants, process_pss, process_rss
from govsim import GovSim

# production politeness; only the browser is kept off the internet (it must not reach real hosts from here)
NATIONAL_SETTINGS = ("-s", "FAZHI_BROWSER_LOOPBACK_ONLY=True")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# memory is sampled every 4th tick (2 s): reading smaps_rollup of Chromium's processes costs ~90 ms of CPU per
# sample, which at every tick took 17% of a core from the crawl being measured
MEMORY_EVERY = 4


@dataclass
class Night:
    name: str
    day: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    requests: int = 0
    responses: int = 0
    served: int = 0  # requests govsim answered (robots.txt and the browser's own requests included)
    peak_rss_mb: float = 0.0  # summed RSS of the crawl's process tree: counts shared pages once per process
    peak_pss_mb: float = 0.0  # summed PSS: shared pages split, what the tree really holds
    peak_pss_by_kind: dict[str, float] = field(default_factory=dict)  # MB per process kind at that peak
    exit_code: int = 0
    crawl_cpu_s: float = 0.0  # the crawl process itself (Scrapy's reactor thread and its helpers)
    workers_cpu_s: float = 0.0  # the pipeline worker processes (extraction, the store)
    govsim_cpu_s: float = 0.0  # this process: govsim serving the night (it shares the machine's cores)
    outcomes: dict[str, int] = field(default_factory=dict)
    recall: float = 0.0
    change_recall: float | None = None

    @property
    def pages_per_s(self) -> float:
        return self.responses / self.wall_s if self.wall_s else 0.0


def crawl_night(night: Night, registry: Path, db_url: str, workdir: Path, extra: list[str]) -> dict:
    """One ``fazhi crawl``, timed, with its process tree's CPU time and sampled peak RSS."""
    args = [sys.executable, "-m", "fazhi", "crawl", "--registry", str(registry), "--db", db_url, "--json"]
    args += [*NATIONAL_SETTINGS, "-s", f"HTTPCACHE_DIR={workdir / 'httpcache'}", *extra]
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DB"}
    out_path = workdir / f"{night.name}.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    workers: dict[int, float] = {}
    with out_path.open("w") as out, (workdir / f"{night.name}.log").open("w") as log:
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=log)
        peak_rss = peak_pss = 0
        for tick in itertools.count():
            if proc.poll() is not None:
                break
            if tick % MEMORY_EVERY == 0:
                rss, by_kind = memory_by_kind(proc.pid)
                peak_rss = max(peak_rss, rss)
                if sum(by_kind.values()) > peak_pss:
                    peak_pss = sum(by_kind.values())
                    night.peak_pss_by_kind = {k: round(v / 2**20) for k, v in by_kind.items()}
            night.crawl_cpu_s = max(night.crawl_cpu_s, process_cpu(proc.pid))
            for pid in pipeline_workers(proc.pid):
                workers[pid] = max(workers.get(pid, 0.0), process_cpu(pid))
            time.sleep(0.5)
    night.wall_s = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    night.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    night.govsim_cpu_s = (own_after.ru_utime - own_before.ru_utime) + (
        own_after.ru_stime - own_before.ru_stime
    )
    night.workers_cpu_s = sum(workers.values())
    night.peak_rss_mb, night.peak_pss_mb = peak_rss / 2**20, peak_pss / 2**20
    night.exit_code = proc.returncode
    if proc.returncode not in (0, 1):  # 1: partial, expected with portals down
        tail = (workdir / f"{night.name}.log").read_text(errors="replace")[-3000:]
        raise SystemExit(f"{night.name}: crawl exited {proc.returncode}\n{tail}")
    summary = json.loads(out_path.read_text(encoding="utf-8"))
    night.requests = summary["totals"]["requests"]
    night.responses = summary["totals"]["responses"]
    for counters in summary["portals"].values():
        night.outcomes[counters["outcome"]] = night.outcomes.get(counters["outcome"], 0) + 1
    return summary


def process_kind(pid: int, root: int) -> str:
    """What a process of the crawl's tree is, from its command line (for the memory split)."""
    if pid == root:
        return "crawl"
    try:
        # Chromium rewrites its command line as one string, arguments joined by spaces
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return "gone"
    if not argv:
        return "gone"
    if b"pipelines.worker" in argv:
        return "pipeline workers"
    program = Path(os.fsdecode(argv[0])).name
    if program == "node":
        return "playwright driver"
    chromium_type = next((a for a in argv if a.startswith(b"--type=")), None)
    if chromium_type == b"--type=renderer":
        return "renderers"
    if chromium_type is None and program in ("chromium", "chrome"):
        return "chromium browser"
    return "chromium helpers" if "chrom" in program else "other"  # GPU, network, zygotes, crashpad


def memory_by_kind(root: int) -> tuple[int, dict[str, int]]:
    """(summed RSS of the tree, PSS per process kind): which part of the tree holds the memory."""
    pids = [root, *descendants(root)]
    by_kind: dict[str, int] = {}
    for pid in pids:
        kind = process_kind(pid, root)
        by_kind[kind] = by_kind.get(kind, 0) + process_pss(pid)
    return sum(map(process_rss, pids)), by_kind


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process so far, its children not included; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def pipeline_workers(crawl_pid: int) -> list[int]:
    """The crawl's pipeline worker processes (``python -m pipelines.worker``)."""
    try:
        children = Path(f"/proc/{crawl_pid}/task/{crawl_pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for pid in map(int, children):
        with contextlib.suppress(OSError):
            if b"pipelines.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
    return found


def age_archive(db_url: str, hours: float = 24.0) -> None:
    """Move every time the crawl's schedule reads one night back, as if the next crawl ran a day later."""
    engine = create_engine(db_url)
    shift = timedelta(hours=hours)
    with Session(engine) as session:
        docs = session.exec(select(Document.id, Document.last_seen)).all()
        if docs:  # bulk UPDATE by primary key: one executemany
            session.execute(update(Document), [{"id": i, "last_seen": seen - shift} for i, seen in docs])
        runs = session.exec(select(CrawlRun.id, CrawlRun.started_at, CrawlRun.finished_at)).all()
        if runs:
            session.execute(
                update(CrawlRun),
                [
                    {"id": i, "started_at": started - shift, "finished_at": finished and finished - shift}
                    for i, started, finished in runs
                ],
            )
        session.commit()
    engine.dispose()


def archived(db_url: str) -> dict[str, int]:
    """Report URLs in the archive and their number of versions."""
    engine = create_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Document.url, Document.versions).where(Document.kind == "report")).all()
    engine.dispose()
    return dict(rows)


def report_truth(manifest: dict, down: set[str]) -> set[str]:
    return {
        e["url"]
        for e in manifest["pages"]
        if e["kind"] == "report" and e["status"] == 200 and e["portal"] not in down
    }


def change_recall(manifest: dict, truth: set[str], reports: dict[str, int]) -> float:
    """Share of the day's new and edited reports (of ``truth``: reachable portals) archived as such."""
    changes = [c for c in manifest["changes"] if c["change"] in ("new", "edited") and c["url"] in truth]
    if not changes:
        return 1.0
    seen = sum(1 for c in changes if c["url"] in reports and (c["change"] == "new" or reports[c["url"]] >= 2))
    return seen / len(changes)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--portals", type=int, default=3000, help="govsim portals (default 3000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--nights", type=int, choices=(1, 2, 3), default=3, help="run the first N nights (default all 3)"
    )
    parser.add_argument("--keep", type=Path, help="keep the archive, logs and summaries in this folder")
    parser.add_argument(
        "-s", "--set", action="append", default=[], type=lambda v: f"--set={v}", help="fazhi crawl setting"
    )
    args = parser.parse_args()
    tmp_ctx = tempfile.TemporaryDirectory() if args.keep is None else None
    workdir = Path(tmp_ctx.name) if tmp_ctx else args.keep
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{workdir / 'national.db'}"
    nights = [Night("night1", 1), Night("night2", 1), Night("night3", 2)][: args.nights]
    with GovSim(portals=args.portals, seed=args.seed, national=True) as sim:
        registry = workdir / "registry.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        down = {pid for pid, fault in sim.faults().items() if fault == "down"}
        families: dict[str, int] = {}
        for p in sim.portals:
            key = p["family"] + (f"+{p['gate']}" if p["gate"] else "")
            families[key] = families.get(key, 0) + 1
        print(
            f"govsim: {len(sim.specs)} portals {json.dumps(families)}; faults {len(down)} down, "
            f"{sum(1 for f in sim.faults().values() if f == 'slow')} slow",
            flush=True,
        )
        for i, night in enumerate(nights):
            if i:
                age_archive(db_url)
            sim.set_day(night.day)
            manifest = sim.manifest()
            sim.reset_request_counts()
            crawl_night(night, registry, db_url, workdir, args.set)
            night.served = sum(sim.request_counts().values())
            reports = archived(db_url)
            truth = report_truth(manifest, down)
            night.recall = len(truth & reports.keys()) / len(truth)
            if night.day > 1:
                night.change_recall = change_recall(manifest, truth, reports)
            print(report_line(night), flush=True)
    figures = {
        "portals": len(sim.specs),
        "down": len(down),
        **{f"{n.name}_s": round(n.wall_s, 1) for n in nights},
        "requests": nights[0].requests,
        "requests_by_night": [n.requests for n in nights],
        "pages_per_s": [round(n.pages_per_s, 1) for n in nights],
        "cpu_s": [round(n.cpu_s, 1) for n in nights],
        "crawl_process_cpu_s": [round(n.crawl_cpu_s, 1) for n in nights],
        "workers_cpu_s": [round(n.workers_cpu_s, 1) for n in nights],
        "govsim_cpu_s": [round(n.govsim_cpu_s, 1) for n in nights],
        "peak_rss_mb": round(max(n.peak_rss_mb for n in nights), 1),
        "peak_pss_mb": round(max(n.peak_pss_mb for n in nights), 1),
        "peak_pss_by_kind_mb": [n.peak_pss_by_kind for n in nights],
        "recall": round(nights[0].recall, 4),
        "recall_by_night": [round(n.recall, 4) for n in nights],
        "change_recall": nights[-1].change_recall,
        "outcomes": [n.outcomes for n in nights],
    }
    if tmp_ctx:
        tmp_ctx.cleanup()
    print(json.dumps(figures, ensure_ascii=False))


def report_line(n: Night) -> str:
    cores = os.cpu_count() or 1
    busy = n.cpu_s / (n.wall_s * cores) if n.wall_s else 0.0
    line = (
        f"{n.name} (day {n.day}): {n.wall_s:7.1f} s wall, {n.requests} requests ({n.served} answered by govsim), "
        f"{n.pages_per_s:.1f} pages/s, CPU {n.cpu_s:.1f} s = {busy:.0%} of {cores} cores "
        f"(the rest of the wall time waits on hosts; crawl process {n.crawl_cpu_s:.0f} s, pipeline workers "
        f"{n.workers_cpu_s:.0f} s, browser {max(0.0, n.cpu_s - n.crawl_cpu_s - n.workers_cpu_s):.0f} s; govsim "
        f"{n.govsim_cpu_s:.0f} s besides), peak RSS {n.peak_rss_mb:.0f} MB "
        f"(PSS {n.peak_pss_mb:.0f} MB: {json.dumps(n.peak_pss_by_kind)}), "
        f"recall {n.recall:.2%}, outcomes {json.dumps(n.outcomes)}, exit {n.exit_code}"
    )
    if n.change_recall is not None:
        line += f", changes found {n.change_recall:.2%}"
    return line


if __name__ == "__main__":
    main()
