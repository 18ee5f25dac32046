"""Defect 1 of issue 12, in the browser: under ``render: always`` a hostile portal's redirects, a script
setting ``location.href`` and a cross-origin iframe never reach the secret server, and nothing off the
portal is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim.hostile_scope import SECRET_TOKEN, HostileScope
from tests.e2e.helpers import LOOPBACK, fazhi, latest_texts

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_browser_navigations_and_iframes_stay_in_scope(tmp_path):
    with HostileScope() as web:
        registry = tmp_path / "hostile.yaml"
        registry.write_text(web.registry_yaml(render="always"), encoding="utf-8")
        db_url = f"sqlite:///{tmp_path / 'a.db'}"
        proc = fazhi("crawl", "--registry", str(registry), "--db", db_url, "--json", *LOOPBACK)
        summary = json.loads(proc.stdout)
        assert web.secret_log == []  # not the iframe, not the script's navigation, not a redirect
        stored = latest_texts(db_url)
        assert all(url.startswith(web.portal_url) for url in stored), sorted(stored)
        assert not any(SECRET_TOKEN in (v.text or "") for _, v in stored.values() if v)
        # the page with the iframe is a real report: archived, without the frame's content
        assert f"{web.portal_url}/iframe.html" in stored and f"{web.portal_url}/known.html" in stored
        assert f"{web.portal_url}/new.html" in stored  # an in-scope redirect is still followed
        counters = summary["portals"]["hostile"]
        assert counters["browser"] > 0 and counters["outcome"] == "partial", counters
