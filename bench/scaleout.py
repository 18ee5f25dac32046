"""Scale-out: throughput of a browser-heavy night with 1 worker on one core against 2 workers on two cores.

Run: ``python -m bench.scaleout [--browser-portals 16] [--batch-size 1] [--cores 0,1]``; about five
minutes. Needs Redis (``--redis``, default ``$FAZHI_BENCH_REDIS`` or ``redis://127.0.0.1:6379/13``, a db of
its own) and PostgreSQL (``--postgres``, default ``$FAZHI_TEST_POSTGRES`` or the local server, trust auth).

The set: govsim generates portals by family weight; only those a plain HTTP client cannot crawl are kept
(JS-only portals and the 412/521-gated ones; :meth:`GovSim.plain_portal_ids` is the complement), so every
page goes through Chromium and the night is CPU-bound. Both runs take the same batches through the real
path: :func:`scheduler.service.run_once` (what ``fazhi schedule --once --queue`` runs, called here so the
clock starts at the enqueue and not at an interpreter's start-up) enqueues them on Redis (Celery), ``fazhi
worker`` processes take them, each batch a crawl subprocess, into a PostgreSQL database created for the run
(``bench_scale_a``, ``bench_scale_b``). Run A: one worker pinned to the first core; run B: two workers, one
per core. A worker is pinned with ``sched_setaffinity`` before it execs, so its crawl subprocesses, the
Playwright driver and Chromium inherit the core. One portal per batch by default: the queue then holds as
many batches as portals and both workers stay busy to the end (the last batch is the only stretch where one
worker idles); a batch's fixed cost (a crawl process, a browser launch) is paid alike in both runs.

Throughput is portals and pages per second of wall time from the enqueue to the end of the last batch (its
run row's ``finished_at``); the ratio is B / A (target ≥ 1.7×). Archive contents must match: the sets of
(document URL, version text hash) of A and B are compared. CPU time is what the workers and everything they
started used (reaped children's rusage, taken after the workers exit), govsim's own CPU in the same window
(from ``/proc``), and what the whole machine spent (``/proc/stat``; other jobs included).

Where govsim runs: in its own process (its threads do not share the bench's GIL), pinned to no core, in
both runs. Two cores leave no third one for it. Pinned to a worker's core it would slow that worker in B and
A's only worker in A; pinned to the other core it would sit alone there in A and crowd B's second worker.
Unpinned, in A it runs on the idle core for free and in B it takes a share from the workers: a bias against
B, kept negligible by giving govsim nothing to compute. Pages carry no latency, and its page cache is
warmed before run A (every manifest page of the JS-only portals; gated pages need a browser's cookie, so
they are rendered once in run A and cached for B); a cached page costs it well under a millisecond against
hundreds of milliseconds of Chromium work. Its CPU is printed per run to show that. Redis and PostgreSQL
are unpinned system services, with the same bias and the same small cost. Results are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import redis
import yaml
from sqlalchemy import create_engine, func, make_url, select, text

from archive.db import get_engine, normalize_url
from archive.models import CrawlRun, Document, Version
from bench.crawl import warm_up
from bench.crawling import REPO
from crawler.settings import LOOPBACK_SETTINGS
from govsim import GovSim
from scheduler.config import ScheduleConfig, load_config
from scheduler.service import run_once

DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class RunResult:
    label: str
    cores: list[int]
    batches: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # workers and all they started (reaped children)
    govsim_cpu: float = 0.0
    machine_busy: float = 0.0  # CPU seconds the whole machine was busy in the window (all processes)
    cores_busy: float = 0.0  # the same on the workers' cores only: what the workers left to others shows
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)  # load average at the end of the run
    pages: int = 0
    portals: int = 0
    outcomes: Counter = field(default_factory=Counter)
    per_worker: dict[str, Counter] = field(default_factory=dict)
    archive: set[tuple[str, str]] = field(default_factory=set)
    documents: int = 0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall if self.wall else 0.0

    @property
    def pages_per_cpu_s(self) -> float:
        """Pages per CPU second the workers got: on a shared machine, what the run would do per core."""
        return self.pages / self.cpu if self.cpu else 0.0

    @property
    def portals_per_min(self) -> float:
        return 60 * self.portals / self.wall if self.wall else 0.0


# -- the browser-heavy set --------------------------------------------------------------------------------------
def browser_portal_ids(portals: int) -> list[str]:
    """Portals of ``GovSim(portals=portals)`` that need the browser: JS-only and gated (412/521). Those
    without a report column (govsim gives a few, for ``bench.discover``) end ``no_column_found``: left out."""
    sim = GovSim(portals=portals)  # specs only, no sockets
    plain = set(sim.plain_portal_ids())
    return [p["id"] for p in sim.portals if p["id"] not in plain and p["columns"]]


def generated_size(wanted: int) -> int:
    """The smallest generated set (a multiple of 20 portals) holding ``wanted`` browser portals."""
    size = 20
    while len(browser_portal_ids(size)) < wanted:
        size += 20
    return size


def start_govsim(portals: int, tmp: Path) -> tuple[subprocess.Popen, Path, dict]:
    """``python -m govsim serve`` in its own process; returns it, its registry and manifest once serving."""
    registry, manifest, err = tmp / "govsim.yaml", tmp / "manifest.json", tmp / "govsim.err"
    with err.open("wb") as out:  # a file, not a pipe nobody reads once it has started
        proc = subprocess.Popen(
            [sys.executable, "-m", "govsim", "serve", "--portals", str(portals)]
            + ["--registry", str(registry), "--manifest", str(manifest)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    # its last start-up line comes after both files are written
    while "govsim:" not in err.read_text(encoding="utf-8", errors="replace"):
        if proc.poll() is not None:
            raise SystemExit(f"govsim did not start (exit {proc.returncode}):\n{err.read_text()[-2000:]}")
        time.sleep(0.1)
    return proc, registry, json.loads(manifest.read_text(encoding="utf-8"))


# -- measuring --------------------------------------------------------------------------------------------------
def proc_cpu(pid: int) -> float:
    """utime + stime of one live process, seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def busy(cores: list[int] | None = None) -> float:
    """CPU seconds spent busy since boot (``/proc/stat``: all but idle and iowait) by ``cores`` (or all)."""
    names = {"cpu"} if cores is None else {f"cpu{c}" for c in cores}
    total = 0.0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name in names:
            ticks = [int(v) for v in values[:8]]
            total += sum(ticks) - ticks[3] - ticks[4]
    return total / CLK_TCK


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- one run ----------------------------------------------------------------------------------------------------
def fresh_database(server: str, name: str) -> str:
    """Drop and create database ``name`` on the server, bring it to the latest schema; its URL."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    get_engine(url).dispose()  # migrated once here, not by the first crawls racing each other
    return url


def drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _pin(core: int):
    return lambda: os.sched_setaffinity(0, {core})


def start_worker(name: str, core: int, db_url: str, env: dict[str, str], folder: Path) -> subprocess.Popen:
    """``fazhi worker`` pinned to ``core`` (inherited by its crawl subprocess and the browser)."""
    with (folder / f"{name}.out").open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "fazhi", "worker", "--db", db_url, "--name", f"{name}@bench"]
            + ["--log-file", str(folder / f"{name}.log")],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_pin(core),
        )


def wait_ready(workers: dict[str, subprocess.Popen], folder: Path, timeout: float = 120) -> None:
    """Until every worker has said Celery's ``ready.`` (connected to the broker, consuming)."""
    deadline = time.monotonic() + timeout
    for name, proc in workers.items():
        out = folder / f"{name}.out"
        while "ready." not in (said := out.read_text(encoding="utf-8", errors="replace")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker {name} did not start:\n{said[-3000:]}")
            time.sleep(0.2)


def finished_runs(engine) -> list:
    with engine.connect() as conn:
        return list(conn.execute(select(CrawlRun).where(CrawlRun.outcome != "running")).all())


def run(
    label: str, cores: list[int], registry: Path, portal_ids: list[str], args: argparse.Namespace, tmp: Path
) -> RunResult:
    """One night: fresh database, workers pinned to ``cores``, every portal enqueued, until every batch ends."""
    result = RunResult(label, cores)
    folder = tmp / label
    folder.mkdir()
    db_name = f"bench_scale_{label.lower()}"
    db_url = fresh_database(args.postgres, db_name)
    config = load_config(
        registry=str(registry),
        db=db_url,
        queue=args.redis,
        queue_name=f"fazhi-bench-{label.lower()}-{uuid.uuid4().hex[:8]}",
        batch_size=args.batch_size,
        jitter=0,
        crawl_settings={name: str(value) for name, value in LOOPBACK_SETTINGS.items()},
        env={},
    )
    config = ScheduleConfig.from_dict({**config.to_dict(), "log_file": None})
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DB"}
    env.update(FAZHI_QUEUE=config.queue, FAZHI_QUEUE_NAME=config.queue_name)
    workers = {
        f"w{i + 1}": start_worker(f"w{i + 1}", core, db_url, env, folder) for i, core in enumerate(cores)
    }
    engine = create_engine(db_url)
    try:
        wait_ready(workers, folder)
        cpu0, busy0, cores0, sim0 = children_cpu(), busy(), busy(cores), proc_cpu(args.govsim_pid)
        started = time.time()
        report = run_once(config)  # what ``fazhi schedule --once --queue`` does: enqueue the due batches
        if report.error:
            raise SystemExit(f"run {label}: {report.error}")
        result.batches = len(report.enqueued)
        runs = wait_done(engine, result.batches, workers, args.timeout, label)
        result.wall = max(r.finished_at for r in runs).timestamp() - started
        result.govsim_cpu = proc_cpu(args.govsim_pid) - sim0
        result.machine_busy, result.cores_busy = busy() - busy0, busy(cores) - cores0
        result.load = os.getloadavg()
    finally:
        stop_workers(workers)
        forget_queue(config.queue, config.queue_name)
    result.cpu = children_cpu() - cpu0
    collect(result, engine, runs, {proc.pid: name for name, proc in workers.items()})
    missing = set(portal_ids) - {p for r in runs for p in r.portals}
    if missing:
        print(f"run {label}: portals never crawled: {', '.join(sorted(missing))}", file=sys.stderr)
    engine.dispose()
    if not args.keep:
        drop_database(args.postgres, db_name)
    return result


def wait_done(engine, batches: int, workers: dict[str, subprocess.Popen], timeout: float, label: str) -> list:
    """The finished run rows, once there is one per enqueued batch."""
    deadline = time.monotonic() + timeout
    while len(runs := finished_runs(engine)) < batches:
        dead = [name for name, proc in workers.items() if proc.poll() is not None]
        if dead:
            raise SystemExit(f"run {label}: worker(s) {', '.join(dead)} died")
        if time.monotonic() > deadline:
            raise SystemExit(f"run {label}: timed out after {timeout}s")
        time.sleep(0.5)
    return runs


def stop_workers(workers: dict[str, subprocess.Popen]) -> None:
    """SIGTERM (Celery's warm shutdown: an idle worker exits at once) and reap, so their CPU is counted."""
    for proc in workers.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in workers.values():
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def forget_queue(url: str, name: str) -> None:
    """Delete the run's queue and Kombu's bindings for it (the Redis db may be shared with other queues)."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"*{name}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def collect(result: RunResult, engine, runs: list, names: dict[int, str]) -> None:
    """Who crawled what (run rows carry the worker's pid), pages, and the archive's (url, text hash) set."""
    for r in runs:
        worker = result.per_worker.setdefault(names.get(r.pid, f"pid {r.pid}"), Counter())
        worker["batches"] += 1
        worker["portals"] += len(r.portals)
        result.outcomes[r.outcome] += 1
        for counters in (r.counters or {}).values():
            pages = counters.get("list_pages", 0) + counters.get("articles", 0)
            worker["pages"] += pages
            result.pages += pages
    result.portals = len({p for r in runs for p in r.portals})
    with engine.connect() as conn:
        rows = conn.execute(select(Document.url, Version.text_hash).join(Version)).all()
        result.documents = conn.execute(select(func.count()).select_from(Document)).scalar_one()
    result.archive = {(url, digest) for url, digest in rows}


def describe(r: RunResult) -> None:
    cores = ",".join(map(str, r.cores))
    print(
        f"run {r.label}: {len(r.cores)} worker(s) on core(s) {cores}: {r.batches} batches, {r.portals} portals, "
        f"{r.pages} pages in {r.wall:.1f}s wall → {r.pages_per_s:.2f} pages/s, {r.portals_per_min:.1f} portals/min"
    )
    print(
        f"  CPU: workers and their crawls/browsers {r.cpu:.1f}s ({r.cpu / r.wall:.2f} cores, "
        f"{r.pages_per_cpu_s:.2f} pages per CPU second), govsim "
        f"{r.govsim_cpu:.1f}s; busy: the workers' core(s) {r.cores_busy:.1f}s of {r.wall * len(r.cores):.1f}s, "
        f"whole machine {r.machine_busy:.1f}s of {r.wall * os.cpu_count():.1f}s; load average at the end "
        f"{r.load[0]:.2f} {r.load[1]:.2f} {r.load[2]:.2f}"
    )
    print(f"  outcomes: {dict(r.outcomes)}; archive: {r.documents} documents, {len(r.archive)} versions")
    for name, counts in sorted(r.per_worker.items()):
        print(f"  {name}: {counts['batches']} batches, {counts['portals']} portals, {counts['pages']} pages")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--browser-portals", type=int, default=16, help="JS-only and gated portals to crawl (default 16)"
    )
    parser.add_argument("--batch-size", type=int, default=1, help="portals per queued batch (default 1)")
    parser.add_argument(
        "--cores", default="0,1", help="the two cores: A uses the first, B both (default 0,1)"
    )
    parser.add_argument("--redis", default=os.environ.get("FAZHI_BENCH_REDIS", DEFAULT_REDIS))
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FAZHI_TEST_POSTGRES", DEFAULT_POSTGRES),
        help="server URL; databases bench_scale_a and bench_scale_b are created on it",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="give up on a run after this many seconds"
    )
    parser.add_argument("--keep", action="store_true", help="keep the two databases for inspection")
    args = parser.parse_args()
    args.postgres = normalize_url(args.postgres)
    cores = [int(c) for c in args.cores.split(",")]
    if len(cores) != 2 or not set(cores) <= os.sched_getaffinity(0):
        raise SystemExit(f"--cores must name two of this machine's cores {sorted(os.sched_getaffinity(0))}")
    generated = generated_size(args.browser_portals)
    chosen = browser_portal_ids(generated)[: args.browser_portals]
    with tempfile.TemporaryDirectory(prefix="bench-scaleout-") as tmp_name:
        tmp = Path(tmp_name)
        govsim, full_registry, manifest = start_govsim(generated, tmp)
        args.govsim_pid = govsim.pid
        try:
            data = yaml.safe_load(full_registry.read_text(encoding="utf-8"))
            data["portals"] = [p for p in data["portals"] if p["id"] in chosen]
            registry = tmp / "registry.yaml"
            registry.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            gated = {p["id"] for p in GovSim(portals=generated).portals if p["gate"]}
            pages = [p for p in manifest["pages"] if p["portal"] in chosen]
            warm_up([p["url"] for p in pages if p["portal"] not in gated])
            print(
                f"govsim: {len(chosen)} browser portals ({len(gated & set(chosen))} gated, the rest JS-only) "
                f"of {generated} generated, {len(pages)} manifest pages; batches of {args.batch_size}; "
                f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
                flush=True,
            )
            a = run("A", cores[:1], registry, chosen, args, tmp)
            describe(a)
            b = run("B", cores, registry, chosen, args, tmp)
            describe(b)
        finally:
            govsim.send_signal(signal.SIGINT)
            govsim.wait(30)
    ratio = b.pages_per_s / a.pages_per_s if a.pages_per_s else 0.0
    equal = a.archive == b.archive
    print(f"ratio B / A: {ratio:.2f}× pages/s (target ≥ 1.7×); wall {a.wall:.1f}s → {b.wall:.1f}s")
    per_cpu = b.pages_per_cpu_s / a.pages_per_cpu_s if a.pages_per_cpu_s else 0.0
    print(
        f"pages per CPU second B / A: {per_cpu:.2f}× (1.0: no work lost to running two at once; with the "
        "cores to themselves the ratio above is at most twice this)"
    )
    print(
        f"archive contents equal: {str(equal).lower()} ({len(a.archive)} vs {len(b.archive)} (url, text hash); "
        f"{len(a.archive - b.archive)} only in A, {len(b.archive - a.archive)} only in B)"
    )
    summary = {
        "bench": "scaleout",
        "browser_portals": len(chosen),
        "batch_size": args.batch_size,
        "ratio": round(ratio, 3),
    }
    summary["archive_equal"] = equal
    summary["per_cpu_ratio"] = round(per_cpu, 3)
    for r in (a, b):
        summary[r.label] = {
            "workers": len(r.cores),
            "batches": r.batches,
            "pages": r.pages,
            "wall_s": round(r.wall, 2),
            "pages_per_s": round(r.pages_per_s, 3),
            "portals_per_min": round(r.portals_per_min, 2),
            "cpu_s": round(r.cpu, 1),
            "pages_per_cpu_s": round(r.pages_per_cpu_s, 3),
            "govsim_cpu_s": round(r.govsim_cpu, 2),
            "cores_busy_s": round(r.cores_busy, 1),
            "machine_busy_s": round(r.machine_busy, 1),
            "load": [round(v, 2) for v in r.load],
            "outcomes": dict(r.outcomes),
            "per_worker": {name: dict(c) for name, c in sorted(r.per_worker.items())},
        }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
