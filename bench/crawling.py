"""Shared by the crawl benchmarks: serve govsim and run ``fazhi crawl`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.runner import loopback_args

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = loopback_args()
EXPECTED_OUTCOMES = ("ok", "no_column_found")


def fazhi_crawl(registry: Path, db_url: str, portals: list[str], *extra: str) -> dict:
    """``fazhi crawl --json``; returns the summary (``totals`` has requests, sent, responses, seconds)."""
    args = [sys.executable, "-m", "fazhi", "crawl", "--registry", str(registry), "--db", db_url, "--json"]
    args += [*LOOPBACK, *extra]
    for portal in portals:
        args += ["--portal", portal]
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DB"}
    proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"crawl failed:\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout)
    # exit 1 (partial) is expected only from govsim's portals that publish no report column
    odd = {
        pid: p["outcome"] for pid, p in summary["portals"].items() if p["outcome"] not in EXPECTED_OUTCOMES
    }
    if odd:
        raise SystemExit(f"crawl not ok: {odd}\n{proc.stderr[-3000:]}")
    return summary
