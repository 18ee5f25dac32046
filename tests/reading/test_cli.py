"""``fazhi figures`` and ``fazhi compliance`` as users run them: on a small archive written through the store,
and on a real crawl of govsim checked against its manifest's ground truth."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from archive.db import get_engine
from archive.reading.analysis import ANALYZER
from fazhi.cli import app
from tests.e2e.helpers import crawl, fazhi
from tests.web.data import JINGAN_URL, PUTUO_URL, populate


@pytest.fixture
def archive_url(db_url, engine) -> str:
    """The web tests' small archive, on each backend (SQLite; PostgreSQL with FAZHI_TEST_POSTGRES)."""
    populate(engine)
    return db_url


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_compliance_covers_every_report_withdrawn_ones_too(archive_url, engine):
    result = CliRunner().invoke(app, ["compliance", "--db", archive_url])
    assert result.exit_code == 0, result.output
    records = {r["url"]: r for r in _jsonl(result.output)}
    assert list(next(iter(records.values())))[:6] == [
        "document",
        "url",
        "portal",
        "year",
        "parts",
        "evidence",
    ]
    jingan = records[JINGAN_URL]
    assert jingan["parts"] == [1, 2, 4] and jingan["label"] == "missing parts 3, 5"
    assert jingan["evidence"] == {"1": "一、主要举措和成效", "2": "二、存在的不足", "4": "三、下一步工作安排"}
    putuo = records[PUTUO_URL]  # taken down, still listed
    assert putuo["status"] == "missing" and putuo["parts"] == [1, 2]
    assert all(r["portal"] != "notice" for r in records.values())
    with engine.connect() as conn:  # the readings are cached, one per report's latest version
        cached = conn.execute(text("SELECT count(*), min(analyzer) FROM reading")).one()
    assert tuple(cached) == (len(records), ANALYZER)
    only_2023 = _jsonl(CliRunner().invoke(app, ["compliance", "--db", archive_url, "--year", "2023"]).output)
    assert only_2023 and {r["year"] for r in only_2023} == {2023}


def test_figures_jsonl_and_csv_with_filters(archive_url):
    result = CliRunner().invoke(app, ["figures", "--db", archive_url, "--portal", "jingan", "--year", "2024"])
    assert result.exit_code == 0, result.output
    records = _jsonl(result.output)
    keys = [
        "document",
        "url",
        "portal",
        "region",
        "year",
        "name",
        "value",
        "unit",
        "sentence",
        "start",
        "end",
    ]
    assert all(list(r)[:11] == keys for r in records)
    got = {(r["name"], r["value"], r["unit"]) for r in records if r["url"] == JINGAN_URL}
    assert got == {
        ("规范性文件审查数", 32, "件"),
        ("行政复议纠错率", 7.5, "%"),  # the latest version says 7.5%
        ("负责人出庭应诉率", 100, "%"),
        ("主动公开政府信息数", 12000, "条"),
        ("政府信息公开申请数", 286, "件"),
    }
    csv_out = CliRunner().invoke(
        app, ["figures", "--db", archive_url, "--region", "上海市静安", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(csv_out.output)))
    assert rows and list(rows[0])[:11] == keys and {r["region"] for r in rows} == {"上海市静安区"}
    assert {r["name"] for r in rows} >= {"行政复议纠错率"}
    assert CliRunner().invoke(app, ["figures", "--db", archive_url, "--format", "xml"]).exit_code == 2


@pytest.mark.slow
def test_govsim_crawl_figures_and_parts_match_the_manifest(govsim, tmp_path):
    """A real crawl of two plain govsim portals, then the commands in a subprocess, against the ground truth."""
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    registry = tmp_path / "govsim.yaml"
    registry.write_text(govsim.registry_yaml(), encoding="utf-8")
    crawl(registry, db_url, portals=["huadu", "conghua"])
    truth = {
        p["url"]: p["truth"]
        for p in govsim.manifest()["pages"]
        if p["portal"] in ("huadu", "conghua") and p["kind"] == "report" and p["truth"]
    }
    assert len(truth) >= 6
    proc = fazhi("figures", "--db", db_url)
    assert proc.returncode == 0, proc.stderr
    got = {(r["url"], r["name"], r["value"], r["sentence"]) for r in _jsonl(proc.stdout) if r["url"] in truth}
    want = {(u, f["name"], f["value"], f["sentence"]) for u, t in truth.items() for f in t["figures"]}
    precision, recall = len(got & want) / len(got), len(got & want) / len(want)
    engine = get_engine(db_url)  # the readings were cached, with the bold runs of the stored HTML
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT d.url, v.text, r.sections FROM reading r JOIN version v ON v.id = r.version_id "
                "JOIN document d ON d.id = v.document_id WHERE d.portal_id = 'huadu'"
            )
        ).all()
    engine.dispose()
    assert rows
    for url, body, sections in rows:
        sections = json.loads(sections) if isinstance(sections, str) else sections
        level1 = [h["marker"] + h["title"] for h in sections["headings"] if h["level"] == 1]
        assert [b["text"] for b in sections["bold"]] == level1, url  # govsim sets 一、… in <strong>
        assert all(body[b["start"] : b["end"]] == b["text"] for b in sections["bold"])
    proc = fazhi("compliance", "--db", db_url, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    parts = {r["url"]: json.loads(r["parts"]) for r in csv.DictReader(io.StringIO(proc.stdout))}
    assert {u: parts[u] for u in truth} == {u: t["parts"] for u, t in truth.items()}
    print(f"\ncrawled govsim: {len(truth)} reports, figures precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.98 and recall >= 0.9
