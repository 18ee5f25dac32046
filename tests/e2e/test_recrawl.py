"""Cheap re-crawls and crash safety."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document, Version
from tests.e2e.helpers import (
    LOOPBACK,
    changes_after,
    crawl,
    last_change_id,
    latest_texts,
    start_fazhi,
    write_registry,
)

pytestmark = pytest.mark.slow


def test_recrawl_of_unchanged_web_is_cheap_and_extracts_nothing(govsim, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = write_registry(govsim, tmp_path)
    portals = govsim.plain_portal_ids()
    cache = ("-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}")
    first = crawl(registry, db_url, *cache, portals=portals)
    second = crawl(registry, db_url, *cache, portals=portals)
    assert first["totals"]["sent"] >= 40
    assert second["totals"]["sent"] <= 0.10 * first["totals"]["sent"], (first["totals"], second["totals"])
    assert all(p.get("extracted", 0) == 0 for p in second["portals"].values()), second["portals"]
    assert all(p["outcome"] == "ok" for p in second["portals"].values())


def _versions(db_url: str) -> int:
    engine = get_engine(db_url)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(Version)).one()
    except Exception:  # the schema may not exist yet
        return 0
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_crawl_killed_midway_then_rerun_loses_and_duplicates_nothing(govsim, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = write_registry(govsim, tmp_path)
    portals = govsim.plain_portal_ids()
    govsim.slow_seconds = 0.3
    for portal in portals:
        govsim.set_fault(portal, "slow")
    args = ["crawl", "--registry", str(registry), "--db", db_url, "--json", *LOOPBACK]
    for portal in portals:
        args += ["--portal", portal]
    proc = start_fazhi(*args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _versions(db_url) < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, "the crawl should still be running when we kill it"
        helpers = _children(proc.pid)
        assert helpers, "the crawl writes through a worker process"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in helpers if _alive(pid)], "the store worker must not outlive its crawl"
    finally:
        if proc.poll() is None:
            proc.kill()
    killed_at = _versions(db_url)
    assert killed_at >= 5

    for portal in portals:
        govsim.set_fault(portal, None)
    crawl(registry, db_url, "-s", "FAZHI_REVALIDATE_AFTER=0", "--full", portals=portals)

    stored = latest_texts(db_url)
    expected = {
        p["url"] for p in govsim.manifest()["pages"] if p["portal"] in portals and p["kind"] == "report"
    }
    assert expected <= set(stored), sorted(expected - set(stored))
    engine = get_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Version.document_id, Version.text_hash)).all()
        docs = session.exec(select(Document)).all()
    engine.dispose()
    assert len(rows) == len(set(rows)), "no document holds the same text twice"
    assert all(d.versions == 1 for d in docs), "nothing changed, so one version each"
    with get_engine(db_url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_due_documents_are_revalidated_with_conditional_requests(govsim, tmp_path):
    """A same-day re-crawl that revalidates everything: 304s where the server sends validators; where it
    sends none (the legacy portal, whose 浏览次数 counter changes on every request) pages are fetched and
    re-extracted, but no version and no change event results."""
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = write_registry(govsim, tmp_path)
    portals = govsim.plain_portal_ids()
    validators = {p["id"]: p["family"] != "legacy" for p in govsim.portals}
    crawl(registry, db_url, portals=portals)
    mark = last_change_id(db_url)
    second = crawl(registry, db_url, "-s", "FAZHI_REVALIDATE_AFTER=0", portals=portals)
    for portal_id in portals:
        counts = second["portals"][portal_id]
        assert counts["revalidated"] > 0, counts
        assert counts.get("new_versions", 0) == 0, counts
        if validators[portal_id]:
            assert counts.get("not_modified") == counts["revalidated"], (portal_id, counts)
            assert counts.get("extracted", 0) == 0, (portal_id, counts)
        else:
            assert counts.get("unchanged", 0) > 0 and not counts.get("not_modified"), (portal_id, counts)
    assert changes_after(db_url, mark) == []
