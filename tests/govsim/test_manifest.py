"""The simulator against its own manifest: every URL answers as stated, every text is on its page."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import yaml

from govsim import GovSim

from .helpers import fetch, gate_cookies, visible_text

FAMILIES = {"trs", "hanweb", "jsonly", "static", "legacy", "mirror"}


def _check_day(sim: GovSim, cookies: dict[str, str]) -> None:
    m = sim.manifest()

    def probe(e: dict) -> tuple[dict, int, str | None]:
        hdrs = {"Cookie": cookies[e["portal"]]} if e["portal"] in cookies else {}
        r = fetch(e["url"], hdrs)
        return e, r.status, r.headers.get("location")

    with ThreadPoolExecutor(max_workers=16) as pool:
        for e, status, location in pool.map(probe, m["pages"]):
            assert status == e["status"], (e["url"], status, e["status"])
            if e["status"] == 301:
                assert location == e["location"]


def test_every_listed_url_resolves_on_days_1_to_3(govsim):
    cookies = gate_cookies(govsim)
    for day in (1, 2, 3):
        govsim.set_day(day)
        _check_day(govsim, cookies)


def test_manifest_shape_and_standard_portals(govsim):
    m = govsim.manifest()
    json.dumps(m, ensure_ascii=False)  # JSON-able
    assert (m["day"], m["seed"], m["date"]) == (1, 0, "2025-04-10")
    assert govsim.manifest(day=2)["date"] == "2025-04-11"
    fams = {p["family"] for p in m["portals"]}
    assert fams == FAMILIES
    assert {p["gate"] for p in m["portals"]} == {None, "412", "521"}
    assert any(not p["official"] for p in m["portals"])
    for p in m["portals"]:
        assert re.fullmatch(r"[a-z0-9-]+", p["id"])
        assert p["render"] == "auto" and p["start_urls"][0].startswith(p["base_url"])
    kinds = {e["kind"] for e in m["pages"]}
    assert kinds == {"report", "other", "list", "attachment"}
    for e in m["pages"]:
        if e["kind"] == "report" and e["status"] == 200:
            assert e["year"] and e["publisher"] and e["report_group"] and e["text"]
            assert e["text"].splitlines()[0].startswith(f"{e['year']}年")
        if e["kind"] == "other":
            assert e["report_group"] is None and e["text"]
    # a report published on two official portals and a mirror
    group = m["groups"]["jiangmen-2019"]
    assert len({u.split("/")[2] for u in group}) == 3
    titles = [e["title"] for e in m["pages"] if e["kind"] == "report"]
    assert "关于法治政府建设工作情况的报告" in titles  # no year in the title
    assert any("依法行政工作情况报告" in t for t in titles)
    others = " ".join(e["title"] for e in m["pages"] if e["kind"] == "other")
    for word in (
        "工作要点",
        "实施方案",
        "通知",
        "通报",
        "推进会",
        "政府信息公开工作年度报告",
        "图解",
        "解读",
    ):
        assert word in others


def test_registry_yaml_matches_portals(govsim):
    reg = yaml.safe_load(govsim.registry_yaml())
    rows = {r["id"]: r for r in reg["portals"]}
    for p in govsim.portals:
        row = rows[p["id"]]
        assert row["name"] == p["name"] and row["start_urls"] == p["start_urls"]
        assert row["official"] == p["official"] and row["render"] == "auto"


def test_report_text_is_on_the_page(govsim):
    """Every line of every HTML article's manifest text is on its page (plain portals)."""
    m = govsim.manifest()
    portals = {p["id"]: p for p in m["portals"]}
    checked = 0
    for e in m["pages"]:
        p = portals[e["portal"]]
        if (
            e["status"] != 200
            or e["kind"] not in ("report", "other")
            or p["gate"]
            or p["js"]
            or not p["official"]
        ):
            continue
        page = visible_text(fetch(e["url"]).body, p["encoding"])
        for line in e["text"].splitlines():
            assert line in page, (e["url"], line)
        assert e["title"] in page
        checked += 1
    assert checked > 30


def test_robots_and_404(govsim):
    for p in govsim.portals:
        r = fetch(p["base_url"] + "/robots.txt")
        assert r.status == 200 and b"User-agent" in r.body
    r = fetch(govsim.url("huadu", "/no/such/page.html"))
    assert r.status == 404 and "页面不存在" in r.body.decode()


def test_scale_set_is_deterministic_and_serves(govsim_factory):
    sim = govsim_factory(portals=40, seed=7)
    m = sim.manifest()
    assert len(m["portals"]) == 40
    assert {p["family"] for p in m["portals"]} == FAMILIES
    assert len(m["pages"]) > 400
    again = GovSim(portals=40, seed=7)  # not started: specs only
    assert [p.id for p in again.specs] == [p["id"] for p in m["portals"]]
    plain = [
        e
        for e in m["pages"]
        if e["kind"] == "report" and not next(p for p in m["portals"] if p["id"] == e["portal"])["gate"]
    ]
    for e in plain[::25]:
        assert fetch(e["url"]).status == e["status"]
