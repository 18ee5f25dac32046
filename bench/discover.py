"""Finding report columns from home pages alone, scored against govsim's ground truth.

Run: ``python -m bench.discover [--portals 300]``. govsim generates the portals (columns 1–4 clicks deep, on a
信息公开 platform host, reachable only through the site search, or absent; decoy columns everywhere) and its
manifest records each portal's true column(s) and decoys. Three runs against the same govsim:

1. ``fazhi discover`` with a registry of home URLs only (fresh archive): the share of report columns found
   (target ≥ 98%), decoys taken (target 0), and requests per portal as govsim counted them — robots.txt and
   any browser requests included (target median ≤ 15, max ≤ 40);
2. ``fazhi crawl`` with the column URLs (the baseline) and
3. ``fazhi crawl`` with home URLs only (discovering as it goes), each into a fresh archive: report recall of
   both against the manifest, and their ratio (target 1.0).

Ends with one JSON line of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document
from bench.crawling import LOOPBACK, REPO
from govsim import GovSim


def crawl(registry: Path, db_url: str, *extra: str) -> dict:
    """``fazhi crawl --json``; exit 1 (partial) is expected: portals without a column end ``no_column_found``."""
    args = [sys.executable, "-m", "fazhi", "crawl", "--registry", str(registry), "--db", db_url, "--json"]
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DB"}
    proc = subprocess.run(
        [*args, *LOOPBACK, *extra], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def discover(registry: Path, db_url: str) -> dict:
    args = [sys.executable, "-m", "fazhi", "discover", "--registry", str(registry), "--db", db_url, "--json"]
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DB"}
    proc = subprocess.run([*args, *LOOPBACK], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):  # 1: some portal has no column (as some govsim portals truly have none)
        raise SystemExit(f"discover failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)["portals"]


def score(manifest: dict, results: dict, counts: dict[str, int]) -> dict:
    """Columns found, decoys and wrong columns taken, portals without a column told apart, requests."""
    with_column = found = decoys = wrong = none_ok = none_total = 0
    misses = []
    for p in manifest["portals"]:
        got = {c["url"] for c in results.get(p["id"], {}).get("columns", [])}
        truth, decoy = set(p["columns"]), set(p["decoys"])
        decoys += len(got & decoy)
        wrong += len(got - truth)
        if truth:
            with_column += 1
            if got & truth:
                found += 1
            else:
                misses.append(f"{p['id']} ({p['route']})")
        else:
            none_total += 1
            none_ok += results.get(p["id"], {}).get("outcome") == "no_column_found"
    per_portal = [counts.get(p["id"], 0) for p in manifest["portals"]]
    return {
        "portals": len(manifest["portals"]),
        "with_column": with_column,
        "found": found,
        "found_share": found / with_column if with_column else 1.0,
        "decoys_taken": decoys,
        "wrong_columns": wrong,
        "no_column_portals": none_total,
        "no_column_found_outcomes": none_ok,
        "median_requests": statistics.median(per_portal),
        "max_requests": max(per_portal),
        "misses": misses,
    }


def report_urls(db_url: str) -> set[str]:
    engine = get_engine(db_url)
    with Session(engine) as session:
        urls = set(session.exec(select(Document.url).where(Document.kind == "report")))
    engine.dispose()
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--portals", type=int, default=300, help="govsim portals to generate (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with GovSim(portals=args.portals, seed=args.seed) as sim, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        homes, columns = tmp / "homes.yaml", tmp / "columns.yaml"
        homes.write_text(sim.registry_yaml(home_only=True), encoding="utf-8")
        columns.write_text(sim.registry_yaml(), encoding="utf-8")
        manifest = sim.manifest()
        cache = ("-s", f"HTTPCACHE_DIR={tmp / 'cache'}")

        sim.reset_request_counts()
        started = time.monotonic()
        results = discover(homes, f"sqlite:///{tmp / 'discover.db'}")
        seconds = time.monotonic() - started
        figures = score(manifest, results, sim.request_counts())
        routes: dict[str, int] = {}
        for p in manifest["portals"]:
            routes[p["route"]] = routes.get(p["route"], 0) + 1

        sim.reset_request_counts()
        crawl(columns, f"sqlite:///{tmp / 'columns.db'}", *cache)
        base_requests = sum(sim.request_counts().values())
        sim.reset_request_counts()
        home = crawl(homes, f"sqlite:///{tmp / 'homes.db'}", *cache)
        home_requests = sum(sim.request_counts().values())
        truth = {e["url"] for e in manifest["pages"] if e["kind"] == "report" and e["status"] == 200}
        got_base = report_urls(f"sqlite:///{tmp / 'columns.db'}") & truth
        got_home = report_urls(f"sqlite:///{tmp / 'homes.db'}") & truth
    recall_base = len(got_base) / len(truth)
    recall_home = len(got_home) / len(truth)
    outcomes: dict[str, int] = {}
    for counters in home["portals"].values():
        outcomes[counters["outcome"]] = outcomes.get(counters["outcome"], 0) + 1

    f = figures
    print(
        f"govsim: {f['portals']} portals (seed {args.seed}); routes: {json.dumps(routes, ensure_ascii=False)}"
    )
    print(f"discover (home URLs only): {seconds:.0f} s")
    print(f"  report columns found : {f['found']}/{f['with_column']} = {f['found_share']:.1%} (target ≥ 98%)")
    print(
        f"  decoys taken         : {f['decoys_taken']} (target 0); other wrong columns: {f['wrong_columns']}"
    )
    print(
        f"  no column at all     : {f['no_column_found_outcomes']}/{f['no_column_portals']} told no_column_found"
    )
    print(
        f"  requests per portal  : median {f['median_requests']}, max {f['max_requests']} "
        "(govsim's count: robots.txt and browser included; target ≤ 15 / ≤ 40)"
    )
    if f["misses"]:
        print(f"  missed: {', '.join(f['misses'][:20])}")
    print(
        f"crawl with column URLs : {len(got_base)}/{len(truth)} reports = {recall_base:.1%} recall, "
        f"{base_requests} requests"
    )
    print(
        f"crawl with home URLs   : {len(got_home)}/{len(truth)} reports = {recall_home:.1%} recall, "
        f"{home_requests} requests; outcomes {json.dumps(outcomes)}"
    )
    print(f"recall ratio home / columns: {recall_home / recall_base:.3f} (target 1.0)")
    summary = {
        "bench": "discover",
        **{k: v for k, v in f.items() if k != "misses"},
        "discover_seconds": round(seconds, 1),
        "recall_columns": round(recall_base, 4),
        "recall_homes": round(recall_home, 4),
        "recall_ratio": round(recall_home / recall_base, 4),
        "crawl_requests_columns": base_requests,
        "crawl_requests_homes": home_requests,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
