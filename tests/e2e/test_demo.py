"""The README's main job: ``fazhi demo`` crawls all of govsim, then ``fazhi export`` prints the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim import GovSim
from tests.e2e.helpers import fazhi

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_demo_then_export(tmp_path):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("the demo crawls govsim's JS-only and gated portals: needs /usr/bin/chromium")
    db_url = f"sqlite:///{tmp_path / 'demo.db'}"
    demo = fazhi("demo", "--db", db_url, "--json", timeout=600)
    assert demo.returncode == 0, demo.stderr[-3000:]
    summary = json.loads(demo.stdout)
    assert {pid: p["outcome"] for pid, p in summary["portals"].items()} == {
        p["id"]: "ok" for p in GovSim().portals
    }
    export = fazhi("export", "--db", db_url)
    assert export.returncode == 0
    records = [json.loads(line) for line in export.stdout.splitlines()]
    with GovSim() as sim:
        expected = {p["title"] for p in sim.manifest()["pages"] if p["kind"] == "report"}
    assert {r["title"] for r in records} >= expected
    assert all(r["kind"] == "report" and r["text"] for r in records)
