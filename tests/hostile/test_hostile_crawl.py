"""Issue 12 end to end: real crawls of govsim's hostile portal (govsim/hostile_pages.py) through ``fazhi``.

One archive is crawled twice (phase 1, then phase 2 with a maintenance page and fresh random tokens); a
third crawl with a small page cap shows that a cap is reported, never silent.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Change, Problem
from archive.store import HELD_PREFIX, TITLE_MAX_CHARS
from govsim.hostile_pages import CONTROL_CHARS, QUOTES, HostileWeb
from tests.e2e.helpers import LOOPBACK, crawl, fazhi, latest_texts

pytestmark = pytest.mark.slow


@pytest.fixture
def hostile(tmp_path):
    with HostileWeb(list_pages=9, per_page=2) as web:
        registry = tmp_path / "hostile.yaml"
        registry.write_text(web.registry_yaml(), encoding="utf-8")
        yield web, registry


def _problems(db_url: str) -> list[tuple[str, str]]:
    engine = get_engine(db_url)
    with Session(engine) as session:
        rows = [(p.url, p.message) for p in session.exec(select(Problem))]
    engine.dispose()
    return rows


def test_hostile_portal_loses_nothing_and_hides_nothing(hostile, tmp_path):
    web, registry = hostile
    db_url = f"sqlite:///{tmp_path / 'h.db'}"
    special = web.special_urls()

    first = crawl(registry, db_url)["portals"]["hostile"]
    stored = latest_texts(db_url)
    # defect 5: every list page is walked (DEPTH_LIMIT = 6 stopped at the 7th), nothing was capped
    assert set(web.deep_urls()) <= set(stored), sorted(set(web.deep_urls()) - set(stored))
    assert first["list_pages"] >= 9 and not first.get("list_limit_reached")
    # defect 2: a report quoting not-found phrases is a report; a real soft 404 leaves a trace
    doc, version = stored[special["quote404"]]
    assert doc.kind == "report" and all(q.split("，")[0] in version.text for q in QUOTES)
    assert special["gone"] not in stored
    assert first["soft_404"] == 1
    assert any(url == special["gone"] and "soft 404" in msg for url, msg in _problems(db_url))
    # defect 3: control characters cost no text (trafilatura path)
    doc, version = stored[special["controls"]]
    assert doc.kind == "report" and len(version.text) > 500
    assert not any(c in version.text for c in CONTROL_CHARS)
    # defect 11: titles are capped
    assert len(stored[special["longtitle"]][0].title) <= TITLE_MAX_CHARS

    # defect 4: a crawled title holding markup prints as text (every command: tests/hostile/test_cli_output.py)
    shown = fazhi("show", str(stored[special["markup"]][0].id), "--db", db_url)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert "[bold red]某某市[/]" in shown.stdout and "\x1b" not in shown.stdout

    # phase 2: the maintenance page is held, the random tokens make no version
    web.phase = 2
    second = crawl(registry, db_url, "-s", "FAZHI_REVALIDATE_AFTER=0")["portals"]["hostile"]
    assert second["held"] == 1
    again = latest_texts(db_url)
    maintenance, _ = again[special["maintenance"]]
    assert (maintenance.kind, maintenance.versions, maintenance.status) == ("report", 1, "live")
    token, _ = again[special["token"]]
    assert token.versions == 1
    engine = get_engine(db_url)
    with Session(engine) as session:
        changed = session.exec(select(Change).where(Change.kind == "changed")).all()
    engine.dispose()
    assert changed == []
    assert any(
        url == special["maintenance"] and msg.startswith(HELD_PREFIX) for url, msg in _problems(db_url)
    )
    history = json.loads(fazhi("history", str(maintenance.id), "--db", db_url, "--json").stdout)
    assert any(p["message"].startswith(HELD_PREFIX) for p in history["problems"])


def test_a_list_page_cap_is_reported(hostile, tmp_path):
    web, registry = hostile
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    args = ("--registry", str(registry), "--db", db_url, *LOOPBACK, "-s", "FAZHI_MAX_LIST_PAGES=3", "--full")
    table = fazhi("crawl", *args)
    assert table.returncode == 0, table.stderr[-2000:]
    assert "list cap" in table.stdout  # the summary table names the cap
    (run,) = json.loads(fazhi("runs", "--db", db_url, "--json").stdout)
    counters = run["counters"]["hostile"]
    assert counters["list_limit_reached"] == 1
