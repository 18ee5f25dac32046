"""A crawl killed with SIGKILL does not leave Chromium running. Real ``fazhi crawl`` processes on govsim's
script-only portal.

Playwright's driver starts Chromium in a process group of its own, so a kill of the crawl's group does not
reach it; what ends it is the DevTools pipe (``--remote-debugging-pipe``) closing with the driver. This pins
that behaviour down: a Chromium left running would hold hundreds of megabytes on a worker after every kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.render import descendants
from govsim import GovSim
from tests.e2e.helpers import LOOPBACK, start_fazhi

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _browser_groups(root: int) -> set[int]:
    """Process groups of the Chromium main processes (no ``--type=``) under ``root``."""
    groups = set()
    for pid in descendants(root):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if argv[0].endswith(b"/chromium") and not any(a.startswith(b"--type=") for a in argv):
                groups.add(os.getpgid(pid))
        except (OSError, IndexError):
            continue
    return groups


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _start_crawl(sim: GovSim, tmp_path: Path) -> subprocess.Popen:
    portal = next(p for p in sim.specs if p.js)
    registry = tmp_path / "govsim.yaml"
    registry.write_text(sim.registry_yaml(), encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    args = ["crawl", "--registry", str(registry), "--db", db_url, "--portal", portal.id, *LOOPBACK]
    # its own process group, as the scheduler and the workers start crawls
    return start_fazhi(*args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def test_killing_a_crawl_with_sigkill_takes_its_browser_with_it(tmp_path):
    """The crawl's whole process group, Playwright's driver included, as ``kill -9 -- -PGID`` or a service
    manager's final SIGKILL does. That kill does not reach Chromium (a group of its own); it must end anyway."""
    with GovSim(day=1) as sim:
        crawl = _start_crawl(sim, tmp_path)
        try:
            groups: set[int] = set()
            assert _wait(lambda: groups.update(_browser_groups(crawl.pid)) or groups, 60), (
                "the crawl never started its browser"
            )
            assert crawl.pid not in groups, "Chromium runs in a group of its own"
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait(10)
            assert _wait(lambda: not any(_group_alive(g) for g in groups), 10), "Chromium outlived the crawl"
        finally:
            if crawl.poll() is None:
                crawl.kill()
            for group in groups:
                if _group_alive(group):
                    os.killpg(group, signal.SIGKILL)
