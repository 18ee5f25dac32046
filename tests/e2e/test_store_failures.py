"""Issue 12, defect 6: a store that cannot write is a failed crawl, and what it lost is fetched again.

A real full disk: the archive lives on a tiny tmpfs that a filler file has filled (root only: the test is
skipped elsewhere). A real read-only archive: SQLite opened with ``mode=ro``.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from archive.db import get_engine
from archive.queries import recent_runs
from fazhi.cli import app
from govsim import GovSim
from tests.e2e.helpers import LOOPBACK, fazhi, latest_texts, write_registry
from tests.fulldisk import fill

pytestmark = pytest.mark.slow
PORTAL = "conghua"  # a small plain portal: two list pages, four reports


def _crawl(registry, db_url):
    return fazhi(
        "crawl", "--registry", str(registry), "--db", db_url, "--json", "--portal", PORTAL, *LOOPBACK
    )


def test_disk_full_fails_the_run_and_the_next_crawl_stores_everything(tiny_disk, tmp_path):
    db_url = f"sqlite:///{tiny_disk / 'archive.db'}"
    get_engine(db_url).dispose()  # the archive exists
    filler = fill(tiny_disk, leave=160 * 1024)  # the disk fills up during the crawl
    with GovSim(day=1) as sim:
        registry = write_registry(sim, tmp_path)
        full = _crawl(registry, db_url)
        # partial (a few pages fitted) or failed: never ok, never exit 0
        assert full.returncode in (1, 3), full.stderr[-3000:]
        counters = json.loads(full.stdout)["portals"][PORTAL]
        assert counters["outcome"] in ("partial", "failed") and counters["store_errors"] >= 1, counters
        assert "database or disk is full" in full.stderr
        lost = counters["store_errors"]

        filler.unlink()  # space is freed; an ordinary crawl follows
        again = _crawl(registry, db_url)
        assert again.returncode == 0, again.stderr[-3000:]
        reports = {
            p["url"]
            for p in sim.manifest()["pages"]
            if p["portal"] == PORTAL and p["kind"] == "report" and p["status"] == 200
        }
    stored = latest_texts(db_url)
    assert reports and reports <= set(stored), (lost, sorted(reports - set(stored)))
    engine = get_engine(db_url)
    with Session(engine) as session:
        runs = [r.outcome for r in recent_runs(session)]
    engine.dispose()
    # the disk-full run is not ok (failed or partial, or interrupted if it could not even record its end)
    assert runs[0] == "ok" and runs[1] in ("partial", "failed", "interrupted"), runs


def test_a_read_only_archive_is_a_set_up_error(tmp_path):
    """Refused before the reactor starts (so in-process): no page is fetched only to be lost."""
    db = tmp_path / "archive.db"
    get_engine(f"sqlite:///{db}").dispose()
    registry = tmp_path / "r.yaml"
    registry.write_text(
        "portals:\n  - {id: a, name: A, start_urls: ['http://127.0.0.1:9/']}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        app, ["crawl", "--registry", str(registry), "--db", f"sqlite:///file:{db}?mode=ro&uri=true", "--json"]
    )
    assert result.exit_code == 2, result.output
    assert "is read-only: fazhi needs to write to its archive" in result.stderr
    assert result.stdout == ""  # no crawl summary: nothing was crawled
