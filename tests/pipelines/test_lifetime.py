"""An OCR worker does not outlive its crawl, even when the crawl is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.paths import REPO

# A stand-in crawl: starts the OCR pool's worker process (its real initializer), prints the worker's pid,
# then waits to be killed.
PARENT = """
import sys, time
from concurrent.futures import ProcessPoolExecutor
from pipelines.ocrpool import _init_worker
pool = ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(1,))
print(pool.submit(__import__("os").getpid).result(), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_ocr_workers_die_with_a_killed_crawl():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the OCR worker outlived its killed crawl"
    finally:
        parent.kill()
