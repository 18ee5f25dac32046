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


def fazhi_crawl(registry: Path, db_url: str, portals: list[str], *extra: str) -> dict:
    """``fazhi crawl --json``; returns the summary (``totals`` has requests, sent, responses, seconds)."""
    args = [sys.executable, "-m", "fazhi", "crawl", "--registry", str(registry), "--db", db_url, "--json"]
    args += [*LOOPBACK, *extra]
    for portal in portals:
        args += ["--portal", portal]
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DB"}
    proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)
