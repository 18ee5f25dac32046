"""Defect 1 of issue 12: nothing outside a portal's scope is fetched, stored or exported, whatever a hostile
portal does (HTTP redirects of every kind, meta refresh, a redirect to an unknown host, a known report that
later redirects off-scope). The browser's side (JS navigation, iframes) is in tests/browser/test_scope.py."""

from __future__ import annotations

import json

import pytest

from govsim.hostile_scope import SECRET_TOKEN, UNKNOWN_HOST, HostileScope
from tests.e2e.helpers import fazhi, latest_texts, run_crawl

pytestmark = pytest.mark.slow


@pytest.fixture
def hostile():
    with HostileScope() as web:
        yield web


def _crawl(registry, db_url: str, *extra: str):
    proc = run_crawl(registry, db_url, "-s", "LOG_LEVEL=INFO", *extra)
    assert proc.stdout.strip(), proc.stderr[-3000:]
    return proc, json.loads(proc.stdout)


def test_nothing_off_scope_is_fetched_stored_or_exported(hostile, tmp_path):
    registry = tmp_path / "hostile.yaml"
    registry.write_text(hostile.registry_yaml(render="never"), encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    proc, summary = _crawl(registry, db_url)

    assert hostile.secret_log == []  # the secret server was never contacted, not even for robots.txt
    assert proc.returncode == 1  # partial: the portal's own reports are in, its escapes are errors
    assert "DNS lookup" not in proc.stderr  # the unknown host was never looked up
    stored = latest_texts(db_url)
    assert all(url.startswith(hostile.portal_url) for url in stored), sorted(stored)
    assert not any(SECRET_TOKEN in (v.text or "") for _, v in stored.values() if v)
    # the portal's own pages are not blocked: the good report and the in-scope 301 are archived
    known, moved_to = f"{hostile.portal_url}/known.html", f"{hostile.portal_url}/new.html"
    assert known in stored and moved_to in stored
    counters = summary["portals"]["hostile"]
    # 301, 302, 303, 307, 308, meta refresh, unknown host: each blocked hop is counted and makes the portal partial
    assert counters["offsite_blocked"] == 7, counters
    assert counters["outcome"] == "partial"
    assert f"blocked a redirect off the portal's scope: http://{UNKNOWN_HOST}/report.html" in proc.stderr
    export = fazhi("export", "--all", "--db", db_url)
    assert (
        export.returncode == 0
        and SECRET_TOKEN not in export.stdout
        and hostile.secret_url not in export.stdout
    )

    # a known report that later answers 301 to the secret server is not "moved" there
    doc, version = stored[known]
    hostile.turn()
    proc, summary = _crawl(registry, db_url, "-s", "FAZHI_REVALIDATE_AFTER=0")
    assert hostile.secret_log == []
    after = latest_texts(db_url)
    assert known in after, "the known report was re-addressed to the secret server"
    doc2, version2 = after[known]
    assert (doc2.id, doc2.title, doc2.status) == (doc.id, doc.title, doc.status)
    assert version2.id == version.id and SECRET_TOKEN not in version2.text
    assert not any(url.startswith(hostile.secret_url) for url in after)
    counters = summary["portals"]["hostile"]
    assert counters.get("moved", 0) == 0
    assert counters["offsite_blocked"] >= 1 and counters["outcome"] != "ok"
    assert f"(from {known})" in proc.stderr  # the log names the page that tried to leave
