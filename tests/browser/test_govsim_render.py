"""The browser where needed, and only there: real crawls of govsim with Debian's Chromium.

One crawl of govsim's standard portals (every family: TRS, Hanweb, static, legacy, mirror, JS-only, and the
412/521 gates) runs in a subprocess through ``fazhi crawl --json``; the archive and the summary are then
checked against govsim's manifest. A second, browser-less crawl checks the missing-browser path.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim import GovSim
from govsim.quality import char_f1
from tests.e2e.helpers import LOOPBACK, crawl, fazhi, latest_texts

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def _browser_portals(sim: GovSim) -> set[str]:
    return {p["id"] for p in sim.portals if p.get("js") or p.get("gate")}


@pytest.fixture(scope="module")
def rendered_crawl(tmp_path_factory):
    """govsim day 1, every portal, crawled once with the browser available."""
    tmp = tmp_path_factory.mktemp("render")
    db_url = f"sqlite:///{tmp / 'archive.db'}"
    with GovSim(day=1) as sim:
        registry = tmp / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        summary = crawl(registry, db_url)
        yield sim, summary, latest_texts(db_url)


@pytest.mark.browser
@needs_chromium
def test_js_only_and_gated_portals_yield_every_report_with_clean_text(rendered_crawl):
    sim, summary, stored = rendered_crawl
    special = _browser_portals(sim)
    assert {p["family"] for p in sim.portals if p["id"] in special} >= {"jsonly"}
    assert {p["gate"] for p in sim.portals if p["id"] in special} >= {"412", "521"}
    reports = [
        p
        for p in sim.manifest()["pages"]
        if p["portal"] in special and p["kind"] == "report" and p["status"] == 200
    ]
    assert {r["portal"] for r in reports} == special
    problems = []
    for page in reports:
        found = stored.get(page["url"])
        if found is None or found[1] is None:
            problems.append(f"{page['portal']}: not found {page['url']}")
            continue
        f1 = char_f1(found[1].text, page["text"])
        if f1 < 0.99:
            problems.append(f"{page['portal']}: F1 {f1:.3f} {page['url']}")
    assert not problems, "\n".join(problems)
    for portal_id in special:
        assert summary["portals"][portal_id]["outcome"] == "ok", summary["portals"][portal_id]


@pytest.mark.browser
@needs_chromium
def test_the_browser_is_used_for_js_and_gated_portals_and_no_other(rendered_crawl):
    sim, summary, _ = rendered_crawl
    special = _browser_portals(sim)
    for portal in sim.portals:
        counts = summary["portals"][portal["id"]]
        if portal["id"] in special:
            assert counts.get("browser", 0) > 0, (portal["id"], counts)
        else:
            assert counts.get("browser", 0) == 0, (portal["id"], counts)
            assert not any(k.startswith("browser/") for k in counts), (portal["id"], counts)
    why = {p["id"]: summary["portals"][p["id"]] for p in sim.portals if p["id"] in special}
    for portal in sim.portals:
        if portal.get("gate") == "412":
            assert why[portal["id"]].get("browser/challenge_412", 0) > 0
        elif portal.get("gate") == "521":
            assert why[portal["id"]].get("browser/challenge_521", 0) > 0
        elif portal.get("js"):
            assert (
                why[portal["id"]].get("browser/js_list", 0) + why[portal["id"]].get("browser/js_article", 0)
                > 0
            )


@pytest.mark.browser
@needs_chromium
def test_gate_cookies_earned_by_the_browser_serve_the_plain_requests(rendered_crawl):
    sim, summary, _ = rendered_crawl
    for portal in sim.portals:
        if not portal.get("gate"):
            continue
        counts = summary["portals"][portal["id"]]
        fetched = counts.get("list_pages", 0) + counts.get("articles", 0)
        # One browser visit passes the gate; the rest of the portal goes plainly with its cookies.
        assert counts["browser"] < fetched / 2, counts
        assert counts.get("browser/unsolved", 0) == 0, counts


@pytest.mark.browser
@needs_chromium
def test_a_portal_script_is_fetched_until_it_proves_static_then_served_from_memory(rendered_crawl):
    """Routing turns the browser's cache off; our script cache (crawler/render/scripts.py) saves each later
    render the round trip for ``/static/app.js``, while the texts stay right (the test above)."""
    sim, _, _ = rendered_crawl
    js_portals = [p for p in sim.specs if p.js]
    assert js_portals
    for portal in js_portals:
        paths = sim.path_counts(portal.id)
        renders = sum(n for path, n in paths.items() if path.startswith("/api/"))  # each render's data
        scripts = paths.get("/static/app.js", 0)
        assert renders >= 6, paths
        # two answers that agree, plus what pages rendering at once fetched before the second one came back
        assert 2 <= scripts <= 1 + 4, paths


def _crawl_a_js_and_a_static_portal(tmp_path: Path, *settings: str) -> tuple[object, str, str]:
    """``fazhi crawl --json`` of one script-only and one static govsim portal with ``-s`` ``settings``: the
    finished process and the two portal ids."""
    with GovSim(day=1) as sim:
        registry = tmp_path / "govsim.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        js = next(p["id"] for p in sim.portals if p.get("js"))
        static = next(p["id"] for p in sim.portals if p["family"] == "static" and not p.get("gate"))
        proc = fazhi(
            "crawl", "--registry", str(registry), "--db", f"sqlite:///{tmp_path / 'archive.db'}", "--json",
            *LOOPBACK, *settings, "--portal", js, "--portal", static,
        )  # fmt: skip
    return proc, js, static


@pytest.mark.browser
@needs_chromium
def test_without_a_browser_the_portal_that_needs_one_fails_clearly_and_the_others_crawl(tmp_path):
    """No Chromium at the configured path (runs everywhere: it needs no browser)."""
    proc, js, static = _crawl_a_js_and_a_static_portal(
        tmp_path, "-s", 'PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": "/nonexistent/chromium"}'
    )
    assert proc.returncode == 1, proc.stderr[-3000:]  # partial: one portal failed, the other is archived
    summary = json.loads(proc.stdout)["portals"]
    assert summary[js]["errors"] >= 1 and summary[js]["browser/unavailable"] >= 1
    assert summary[js].get("browser", 0) == 0
    assert summary[static]["outcome"] == "ok" and summary[static]["reports"] > 0
    assert f"portal {js} needs a browser" in proc.stderr
    assert "apt-get install chromium" in proc.stderr


@pytest.mark.browser
@needs_chromium
def test_a_driver_that_refuses_its_options_fails_the_portals_that_need_it_and_says_why(tmp_path):
    # Node refuses --trace-gc in NODE_OPTIONS, so the Playwright driver stops as it starts
    proc, js, static = _crawl_a_js_and_a_static_portal(tmp_path, "-s", "FAZHI_DRIVER_NODE_OPTIONS=--trace-gc")
    assert proc.returncode == 1, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)["portals"]
    assert summary[js]["outcome"] != "ok" and summary[js]["browser/unavailable"] >= 1
    assert summary[static]["outcome"] == "ok"
    assert "--trace-gc is not allowed in NODE_OPTIONS" in proc.stderr  # Node's own reason, in the log
    assert "the Playwright driver stopped" in proc.stderr
    assert "apt-get install chromium" not in proc.stderr  # Chromium is there: no install hint
