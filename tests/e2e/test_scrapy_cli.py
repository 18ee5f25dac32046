"""The same crawl through Scrapy's own CLI, from the repository root (scrapy.cfg → crawler.settings)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.e2e.helpers import LOOPBACK, latest_texts, write_registry
from tests.paths import REPO

pytestmark = pytest.mark.slow


def test_scrapy_crawl_reports_from_the_repository_root(govsim, tmp_path):
    scrapy = shutil.which("scrapy")
    if scrapy is None:
        pytest.skip("the scrapy console script is not on PATH")
    registry = write_registry(govsim, tmp_path)
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    env = {k: v for k, v in os.environ.items() if k not in ("FAZHI_DB", "SCRAPY_SETTINGS_MODULE")}
    proc = subprocess.run(
        [
            scrapy,
            "crawl",
            "reports",
            "-a",
            f"registry={registry}",
            "-a",
            "portal=huadu,jiangmen",
            "-s",
            f"FAZHI_DB={db_url}",
            "-s",
            "LOG_LEVEL=WARNING",
            *LOOPBACK,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    stored = latest_texts(db_url)
    expected = {
        p["url"]
        for p in govsim.manifest()["pages"]
        if p["portal"] in ("huadu", "jiangmen") and p["kind"] == "report"
    }
    assert expected and expected <= {url for url, (doc, _) in stored.items() if doc.kind == "report"}
