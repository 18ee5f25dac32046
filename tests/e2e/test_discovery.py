"""Discovery end to end: from home URLs alone to report columns (scored against govsim's manifest), a cheap
re-run, a moved column, and a crawl that discovers by itself and archives every report."""

from __future__ import annotations

import json
import statistics

import pytest
import yaml
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import DiscoveredColumn, DiscoveryAttempt, Document, Portal
from tests.e2e.helpers import LOOPBACK, crawl, fazhi


@pytest.fixture
def homes(govsim_factory, tmp_path):
    """govsim (30 portals: every route), its plain portals and a registry of their home URLs only."""
    sim = govsim_factory(portals=30, seed=0)
    registry = tmp_path / "homes.yaml"
    registry.write_text(sim.registry_yaml(home_only=True), encoding="utf-8")
    plain = sim.plain_portal_ids()
    return sim, registry, plain


def _discover(registry, db_url, portals, tmp_path) -> dict:
    args = ["discover", "--registry", str(registry), "--db", db_url, "--json", *LOOPBACK]
    args += ["-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}"]
    for pid in portals:
        args += ["--portal", pid]
    proc = fazhi(*args)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return json.loads(proc.stdout)["portals"]


def test_discover_finds_every_column_reuses_it_and_follows_a_move(homes, tmp_path):
    sim, registry, plain = homes
    manifest = {p["id"]: p for p in sim.manifest()["portals"]}
    assert {manifest[p]["route"] for p in plain} >= {
        "banner",
        "hub",
        "fdzdgk",
        "topic",
        "platform",
        "search",
        "none",
    }
    db_url = f"sqlite:///{tmp_path / 'a.db'}"

    sim.reset_request_counts()
    results = _discover(registry, db_url, plain, tmp_path)
    counts = sim.request_counts()
    for pid in plain:
        truth, got = set(manifest[pid]["columns"]), {c["url"] for c in results[pid]["columns"]}
        assert got == truth, (pid, manifest[pid]["route"], results[pid]["tried"])
        assert not got & set(manifest[pid]["decoys"])
        if not truth:
            assert results[pid]["outcome"] == "no_column_found" and results[pid]["tried"]
            continue
        (column,) = results[pid]["columns"]
        evidence = column["evidence"]
        assert evidence[0]["url"] == manifest[pid]["home_url"] and evidence[-1]["url"] == column["url"]
        if manifest[pid]["depth"]:  # the tree walk took exactly the links govsim laid out
            assert len(evidence) - 1 == manifest[pid]["depth"], evidence
        else:
            assert any(step["anchor"].startswith("站内搜索") for step in evidence)
    per_portal = [counts[pid] for pid in plain]
    assert statistics.median(per_portal) <= 15 and max(per_portal) <= 40, counts

    # A re-run checks the stored columns: at most two requests per portal (robots.txt is cached) — except
    # for one whose column moved (its old address now answers 404): that portal is discovered again.
    moved = next(pid for pid in plain if manifest[pid]["route"] == "fdzdgk")
    engine = get_engine(db_url)
    with Session(engine) as session:
        row = session.exec(select(DiscoveredColumn).where(DiscoveredColumn.portal_id == moved)).one()
        row.url = manifest[moved]["base_url"] + "/old/fzzfjs/index.html"
        session.add(row)
        session.commit()
    sim.reset_request_counts()
    again = _discover(registry, db_url, plain, tmp_path)
    counts = sim.request_counts()
    for pid in plain:
        if manifest[pid]["columns"] and pid != moved:
            assert again[pid]["outcome"] == "reused" and counts[pid] <= 2, (pid, counts[pid])
            assert again[pid]["columns"][0]["evidence"] == results[pid]["columns"][0]["evidence"]
    assert again[moved]["outcome"] == "found"
    assert [c["url"] for c in again[moved]["columns"]] == manifest[moved]["columns"]
    with Session(engine) as session:
        rows = session.exec(select(DiscoveredColumn).where(DiscoveredColumn.portal_id == moved)).all()
        assert sorted(r.status for r in rows) == ["live", "moved"]
        attempts = session.exec(select(DiscoveryAttempt).where(DiscoveryAttempt.portal_id == moved)).all()
        assert [a.outcome for a in attempts] == ["found", "found"]
    engine.dispose()


def test_crawl_from_home_urls_archives_every_report(homes, tmp_path):
    sim, registry, plain = homes
    manifest = sim.manifest()
    routes = {p["id"]: p["route"] for p in manifest["portals"]}
    # one portal of each route, and two standard ones (their adcodes are real divisions)
    unknown, wrong = "conghua", "huadu"
    plain = list(dict.fromkeys([*{routes[pid]: pid for pid in plain}.values(), unknown, wrong]))
    # the 网站标识码 on the pages fills an adcode the registry lacks and flags a wrong one
    entries = yaml.safe_load(registry.read_text(encoding="utf-8"))
    by_id = {e["id"]: e for e in entries["portals"]}
    del by_id[unknown]["adcode"], by_id[unknown]["region"]
    by_id[wrong]["adcode"] = "110101"
    registry.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'b.db'}"
    summary = crawl(registry, db_url, "-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}", portals=plain)
    for pid in plain:
        expected = "no_column_found" if routes[pid] == "none" else "ok"
        assert summary["portals"][pid]["outcome"] == expected, (pid, summary["portals"][pid])
    assert summary["portals"][wrong].get("site_code_disagrees") == 1
    assert summary["portals"][unknown].get("site_code_filled") == 1
    truth = {
        e["url"]
        for e in manifest["pages"]
        if e["kind"] == "report" and e["status"] == 200 and e["portal"] in plain
    }
    engine = get_engine(db_url)
    with Session(engine) as session:
        stored = set(session.exec(select(Document.url).where(Document.kind == "report")))
        # the registry's fields reach the archive (coverage needs them); an adcode filled from the site code
        portals = {pid: session.get(Portal, pid) for pid in plain}
    engine.dispose()
    assert truth and truth <= stored, sorted(truth - stored)[:5]
    specs = {p["id"]: p for p in manifest["portals"]}
    for pid in plain:
        expected = "110101" if pid == wrong else specs[pid]["adcode"]
        assert (portals[pid].name, portals[pid].adcode) == (specs[pid]["name"], expected), pid
    assert portals[unknown].region
