"""The Playwright driver starts with FAZHI_DRIVER_NODE_OPTIONS, and the crawl's own environment is left as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.browser import driver_node_options, launch_options
from crawler.runner import crawl_settings

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
