"""The Playwright driver starts with FAZHI_DRIVER_NODE_OPTIONS, and the crawl's own environment is left as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crawler.browser import driver_node_options, launch_options
from crawler.runner import crawl_settings
from govsim import GovSim
from tests.e2e.helpers import LOOPBACK, fazhi

SETTINGS = crawl_settings(db_url="sqlite://")
OPTIONS = SETTINGS.get("FAZHI_DRIVER_NODE_OPTIONS")


def _children_environ() -> list[dict[str, str]]:
    """The environment of each child process of this one (the Playwright driver among them)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent != os.getpid():
                continue
            raw = (stat.parent / "environ").read_bytes()
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        found.append(dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item))
    return found


def test_the_options_are_set_while_the_driver_starts_and_the_operators_come_after(monkeypatch) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    with driver_node_options("--max-old-space-size=128"):
        assert os.environ["NODE_OPTIONS"] == "--max-old-space-size=128"
    assert "NODE_OPTIONS" not in os.environ

    monkeypatch.setenv("NODE_OPTIONS", "--max-old-space-size=512")
    with driver_node_options("--max-semi-space-size=2 --max-old-space-size=128"):
        # the operator's own value comes last: Node takes the last of a repeated option
        assert (
            os.environ["NODE_OPTIONS"]
            == "--max-semi-space-size=2 --max-old-space-size=128 --max-old-space-size=512"
        )
    assert os.environ["NODE_OPTIONS"] == "--max-old-space-size=512"

    with driver_node_options(""):
        assert os.environ["NODE_OPTIONS"] == "--max-old-space-size=512"


@pytest.mark.browser
def test_the_real_driver_accepts_the_default_options_and_runs_with_them(monkeypatch) -> None:
    """Node refuses some options in NODE_OPTIONS (``--trace-gc``) and then no browser starts at all."""
    options = launch_options(SETTINGS)
    if not Path(options["executable_path"]).exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    assert "--max-old-space-size=" in OPTIONS
    with driver_node_options(OPTIONS):
        playwright = sync_api.sync_playwright().start()
    try:
        assert "NODE_OPTIONS" not in os.environ
        drivers = [env for env in _children_environ() if env.get("PW_LANG_NAME") == "python"]
        assert [env.get("NODE_OPTIONS") for env in drivers] == [OPTIONS]
        browser = playwright.chromium.launch(**options)
        try:
            page = browser.new_page()
            page.set_content("<p>驱动</p>")
            assert page.inner_text("p") == "驱动"
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.mark.browser
def test_a_driver_that_refuses_its_options_fails_the_portals_that_need_it_and_says_why(tmp_path) -> None:
    if not Path(launch_options(SETTINGS)["executable_path"]).exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium")
    with GovSim(day=1) as sim:
        registry = tmp_path / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        js = next(p["id"] for p in sim.portals if p.get("js"))
        static = next(p["id"] for p in sim.portals if p["family"] == "static" and not p.get("gate"))
        proc = fazhi(
            "crawl", "--registry", str(registry), "--db", f"sqlite:///{tmp_path / 'a.db'}", "--json", *LOOPBACK,
            "-s", "FAZHI_DRIVER_NODE_OPTIONS=--trace-gc",  # Node refuses it in NODE_OPTIONS
            "--portal", js, "--portal", static,
        )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)["portals"]
    assert summary[js]["outcome"] != "ok" and summary[js]["browser/unavailable"] >= 1
    assert summary[static]["outcome"] == "ok"
    assert "--trace-gc is not allowed in NODE_OPTIONS" in proc.stderr  # Node's own reason, in the log
    assert "the Playwright driver stopped" in proc.stderr
    assert "apt-get install chromium" not in proc.stderr  # Chromium is there: no install hint
