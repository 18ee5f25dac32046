"""The Playwright driver (Node) killed mid-crawl: the crawl starts a new one and loses nothing, or, past
``FAZHI_DRIVER_RESTARTS``, ends with its browser portals not ok. Real ``fazhi crawl`` processes on govsim's
script-only portals, a real Chromium and a real SIGKILL of the driver.

Before, the crawl waited forever: nothing answered the renders in flight, and scrapy-playwright's page slots,
given back only when a page reports being closed, were never released.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.national import process_kind
from bench.render import descendants
from govsim import GovSim
from tests.browser.test_killed_crawl import CHROMIUM, _browser_groups, _wait
from tests.e2e.helpers import LOOPBACK, latest_texts, start_fazhi, write_registry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _processes(root: int, kind: str) -> list[int]:
    """The processes under ``root`` of one kind, as bench.national tells them apart (``playwright driver``,
    ``renderers``, …)."""
    return [pid for pid in descendants(root) if process_kind(pid, root) == kind]


def _crawl_killing_the_driver(
    sim: GovSim, tmp_path: Path, *settings: str, when: str = "launch"
) -> tuple[subprocess.CompletedProcess, str]:
    """Crawl the script-only portals and kill the driver as soon as Chromium's main process is up (``launch``:
    the driver is still starting it) or once pages render (``rendering``: renders are in flight)."""
    portals = [arg for spec in sim.specs if spec.js for arg in ("--portal", spec.id)]
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    args = ["crawl", "--registry", str(write_registry(sim, tmp_path)), "--db", db_url, "--json", *portals]
    crawl = start_fazhi(
        *args,
        *LOOPBACK,
        *settings,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert _wait(lambda: _browser_groups(crawl.pid), 60), "the crawl never started its browser"
        if when == "rendering":
            assert _wait(lambda: _processes(crawl.pid, "renderers"), 60), "the browser never opened a page"
            time.sleep(1)
        drivers = _processes(crawl.pid, "playwright driver")
        assert len(drivers) == 1, f"not one Playwright driver under the crawl: {drivers}"
        os.kill(drivers[0], signal.SIGKILL)
        out, err = crawl.communicate(timeout=240)  # before the fix: no end at all
    finally:
        if crawl.poll() is None:
            os.killpg(crawl.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(crawl.args, crawl.returncode, out, err), db_url


@pytest.mark.parametrize("when", ["launch", "rendering"])
def test_a_killed_driver_is_replaced_and_every_report_is_stored(tmp_path, when):
    with GovSim(day=1, portals=60) as sim:
        crawl, db_url = _crawl_killing_the_driver(sim, tmp_path, when=when)
        scripted = {spec.id for spec in sim.specs if spec.js}
        reports = {
            page["url"]
            for page in sim.manifest()["pages"]
            if page["kind"] == "report" and page["status"] == 200 and page["portal"] in scripted
        }
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "the Playwright driver stopped (restart 1 of 3)" in crawl.stderr
    portals = json.loads(crawl.stdout)["portals"]
    assert portals and all(counters["outcome"] == "ok" for counters in portals.values()), portals
    # the renders the dead driver failed were sent once more
    assert sum(counters.get("browser/retried", 0) for counters in portals.values()) >= 1, portals
    assert reports and reports <= set(latest_texts(db_url)), sorted(reports - set(latest_texts(db_url)))


def test_past_the_restart_limit_the_browser_portals_end_not_ok(tmp_path):
    with GovSim(day=1, portals=60) as sim:
        crawl, _ = _crawl_killing_the_driver(sim, tmp_path, "-s", "FAZHI_DRIVER_RESTARTS=0")
    assert crawl.returncode in (1, 3), crawl.stderr[-3000:]
    assert "the Playwright driver stopped 1 times in this crawl (FAZHI_DRIVER_RESTARTS=0)" in crawl.stderr
    portals = json.loads(crawl.stdout)["portals"]
    assert any(counters["outcome"] in ("partial", "failed") for counters in portals.values()), portals
