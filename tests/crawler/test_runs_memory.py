"""Issue 12, defects 6 and 11: what a crawl remembers of earlier runs that went wrong.

A run that may have fetched pages without storing them (store errors, a failed or interrupted run) must make
the next crawl of its portals walk every list page again; a run whose process is gone is ``interrupted``,
not ``running`` for ever.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from sqlmodel import Session

from archive import runs
from archive.models import CrawlRun
from archive.store import record_not_modified, record_page
from archive.types import utcnow
from crawler.incremental import load_memory
from tests.factories import REPORT_OTHER_COUNTY, not_modified, page


def _run(engine, outcome: str, days_ago: float, counters: dict, portals=("p",)) -> None:
    with Session(engine) as session:
        session.add(
            CrawlRun(
                started_at=utcnow() - timedelta(days=days_ago),
                finished_at=utcnow() - timedelta(days=days_ago),
                outcome=outcome,
                portals=list(portals),
                counters=counters,
            )
        )
        session.commit()


def test_store_errors_since_the_last_full_sweep_force_a_full_sweep(engine):
    week = timedelta(days=7)
    _run(engine, "ok", 3, {"p": {"full_sweep": 1, "new_versions": 9}, "q": {"full_sweep": 1}}, ("p", "q"))
    assert not load_memory(engine, ["p", "q"]).needs_full_sweep("p", utcnow(), week)
    # a later run of p lost writes (the disk was full); an old fazhi recorded even that run "ok"
    _run(engine, "ok", 2, {"p": {"store_errors": 3, "new_versions": 2}})
    _run(
        engine, "ok", 1, {"p": {"unchanged": 4}}
    )  # and a clean run since then stopped at the first list page
    memory = load_memory(engine, ["p", "q"])
    assert memory.needs_full_sweep("p", utcnow(), week) and memory.retry == {"p"}
    assert not memory.needs_full_sweep("q", utcnow(), week)  # q was not in those runs
    # once a clean full sweep has stored everything, p is back to its normal cadence
    _run(engine, "partial", 0.5, {"p": {"full_sweep": 1, "new_versions": 3}})
    assert not load_memory(engine, ["p"]).needs_full_sweep("p", utcnow(), week)


def test_a_portal_that_ended_partial_or_failed_gets_a_full_sweep_next(engine):
    _run(engine, "ok", 3, {"p": {"full_sweep": 1}, "q": {"full_sweep": 1}, "r": {"full_sweep": 1}}, "pqr")
    # a run in which p lost a page (a fetch error, a stage raising) and q's host was down; r was fine
    _run(
        engine,
        "partial",
        1,
        {"p": {"outcome": "partial", "errors": 1}, "q": {"outcome": "failed"}, "r": {"outcome": "ok"}},
        "pqr",
    )
    assert load_memory(engine, ["p", "q", "r"]).retry == {"p", "q"}


def test_failed_or_interrupted_runs_are_never_a_full_sweep(engine):
    week = timedelta(days=7)
    _run(engine, "ok", 3, {"p": {"full_sweep": 1}})
    _run(engine, "failed", 1, {"p": {"full_sweep": 1}})
    memory = load_memory(engine, ["p"])
    assert memory.needs_full_sweep("p", utcnow(), week)
    # the clean sweep before the failed run, not the failed run
    assert memory.last_full_sweep["p"] < utcnow() - timedelta(days=2)
    _run(engine, "interrupted", 0.5, {})
    assert load_memory(engine, ["p"]).needs_full_sweep("p", utcnow(), week)


def test_runs_whose_process_is_gone_become_interrupted(engine):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Session(engine) as session:
        gone = runs.start_run(session, portals=["p"], pid=dead.pid)
        alive = runs.start_run(session, portals=["p"])  # this process
        elsewhere = runs.start_run(session, portals=["p"], pid=dead.pid)
        elsewhere.host = "another-machine"
        session.commit()
        assert runs.close_abandoned(session) == [gone.id]
        session.commit()
        outcomes = {
            r.id: r.outcome for r in (session.get(CrawlRun, i) for i in (gone.id, alive.id, elsewhere.id))
        }
    assert outcomes == {gone.id: "interrupted", alive.id: "running", elsewhere.id: "running"}


def test_a_run_that_could_not_record_its_end_forces_a_full_sweep(engine):
    """A crawl on a full disk may not even close its run: its dead ``running`` row counts as unclean."""
    _run(engine, "ok", 3, {"p": {"full_sweep": 1}})
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Session(engine) as session:
        runs.start_run(session, portals=["p"], pid=dead.pid)
        runs.start_run(session, portals=["q"])  # this crawl, still under way: not a reason
        session.commit()
    memory = load_memory(engine, ["p", "q"])
    assert memory.retry == {"p"}


def test_pages_stored_since_the_first_lost_run_are_read_again_for_their_links(engine):
    """A lost run may have stored a page and lost the file it links: the page is known and a 304 follows no
    link, so the retry sweep fetches again, in full, every page whose text was stored since the first loss
    (not pages only revalidated since, nor files, which link nothing)."""
    now = utcnow()
    before, lost, lost_again = now - timedelta(days=3), now - timedelta(days=2), now - timedelta(days=1)
    url = "https://www.example.gov.cn/fzzfjs/{}".format
    with Session(engine) as session:
        record_page(session, page(url=url("old.html"), portal_id="p", fetched_at=before), now=before)
        session.commit()
    _run(engine, "ok", 3.1, {"p": {"full_sweep": 1}})
    _run(engine, "interrupted", 2.1, {})  # the earliest loss since that sweep counts
    with Session(engine) as session:
        record_page(
            session, page(url=url("new.html"), portal_id="p", fetched_at=lost, text=REPORT_OTHER_COUNTY)
        )
        record_page(session, page(url=url("new.pdf"), portal_id="p", fetched_at=lost, text="附件" * 50))
        record_not_modified(session, not_modified(url("old.html"), portal_id="p", fetched_at=lost_again))
        # another portal, stored at the same time, whose first loss came a day later: its own loss counts
        record_page(
            session, page(url=url("q.html"), portal_id="q", fetched_at=lost, text=REPORT_OTHER_COUNTY)
        )
        session.commit()
    lost_page = {"outcome": "partial", "errors": 1}
    _run(engine, "partial", 1.1, {"p": lost_page, "q": lost_page}, ("p", "q"))
    memory = load_memory(engine, ["p", "q"])
    assert memory.retry == {"p", "q"}
    assert [d.url for d in memory.lost_links("p")] == [url("new.html")]
    assert memory.lost_links("q") == []
    _run(engine, "ok", 0.5, {"p": {"full_sweep": 1}})  # a clean full sweep: nothing left to read again
    assert load_memory(engine, ["p"]).lost_links("p") == []
