"""The report page's compliance badge, parts and key figures; the figure chart; the Chinese-first UI."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from archive.reading.records import compliance_labels, report_readings
from fazhi.cli import app
from fazhi.web.i18n import ZH, _accept_language

TEMPLATES = Path(__file__).resolve().parents[2] / "fazhi" / "web" / "templates"


def test_every_template_string_has_a_chinese_entry():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""_\(\s*["']([^"']+)["']\s*\)""", path.read_text(encoding="utf-8")))
    assert len(used) > 60
    assert sorted(used - set(ZH)) == []


def test_chinese_by_default_english_by_param_cookie_or_header(zh_client):
    home = zh_client.get("/")
    assert (
        '<html lang="zh-CN">' in home.text and "最新变更" in home.text and "Latest changes" not in home.text
    )
    en = zh_client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in en.text and "Latest changes" in en.text
    assert "lang=en" in en.headers["set-cookie"]
    assert "Latest changes" in zh_client.get("/").text  # the cookie keeps English
    zh_client.cookies.clear()
    assert "Latest changes" in zh_client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert "最新变更" in zh_client.get("/", headers={"Accept-Language": "fr, zh-CN;q=0.8, en;q=0.5"}).text
    assert "最新变更" in zh_client.get("/", headers={"Accept-Language": "de"}).text
    assert "Accept-Language" in home.headers["vary"]
    found = zh_client.get("/search", params={"q": "复议", "lang": "zh-CN"})
    assert re.search(r"“复议”共 \d+ 条结果", found.text) and "<h1>搜索</h1>" in found.text
    assert "404 · 未找到" in zh_client.get("/documents/999999").text


def test_accept_language_q_values():
    assert _accept_language("en;q=0.4, zh-TW;q=0.9") == "zh-CN"
    assert _accept_language("en-GB, zh;q=0.5") == "en"
    assert _accept_language("ja") is None


def test_report_page_badge_parts_figures_outline(zh_client, archive_ids):
    r = zh_client.get(f"/documents/{archive_ids['jingan2024']}")
    badge = re.search(r'<a class="badge compliance (\w+)" id="compliance-badge"[^>]*>(.*?)</a>', r.text, re.S)
    assert badge.group(1) == "incomplete" and badge.group(2) == "缺少 第3部分, 第5部分"
    parts = re.findall(r'<li class="(found|absent)"><b>([^<]+)</b>', r.text)
    assert [p[0] for p in parts] == ["found", "found", "absent", "found", "absent"]
    assert "<q>一、主要举措和成效</q>" in r.text and "<q>三、下一步工作安排</q>" in r.text
    figures = re.findall(r'<td class="num">([^<]+)</td>', r.text)
    assert "7.5%" in figures and "32件" in figures and "12000条" in figures
    outline = re.findall(r'<li class="level(\d)"><span class="marker">([^<]+)</span>', r.text)
    assert outline[:2] == [("1", "一、"), ("2", "（一）")]
    en = zh_client.get(f"/documents/{archive_ids['jingan2024']}", params={"lang": "en"})
    assert re.search(r'id="compliance-badge"[^>]*>missing part 3, part 5</a>', en.text)


def test_figure_chart_svg(zh_client, archive_ids):
    r = zh_client.get("/figures", params={"name": "行政复议纠错率", "portal": ["jingan", "putuo"]})
    assert r.status_code == 200
    svg = re.search(r'<svg [^>]*class="chart".*?</svg>', r.text, re.S).group()
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert titles == ["上海市静安区人民政府 2023: 6.9%", "上海市静安区人民政府 2024: 7.5%"]
    assert 'class="series"' in svg and "<script" not in r.text
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td class=\"num\">([^<]+)</td>", r.text)
    assert rows == [("上海市静安区人民政府", "2023", "6.9%"), ("上海市静安区人民政府", "2024", "7.5%")]
    none = zh_client.get("/figures", params={"name": "行政诉讼败诉率", "portal": "putuo"})
    assert "所选地区没有该指标的数据" in none.text
    assert zh_client.get("/figures", params={"name": "no such figure"}).status_code == 404


def test_coverage_cells_carry_compliance(client):
    r = client.get("/coverage", params={"year": "2024"})
    assert re.findall(r'<span class="badge compliance (\w+)"[^>]*>([^<]+)</span>', r.text) == [
        ("incomplete", "missing parts 1, 2, 3, 4, 5"),
        ("incomplete", "missing parts 3, 5"),
        ("incomplete", "missing parts 3, 4, 5"),
    ]


def test_coverage_json_and_api_carry_compliance(client, db_url):
    api = client.get("/api/coverage", params={"year": 2024}).json()
    labels = {r["portal"]: [d["compliance"] for d in r["cells"]["2024"]["documents"]] for r in api["rows"]}
    assert labels == {
        "shanghai": ["missing parts 1, 2, 3, 4, 5"],
        "jingan": ["missing parts 3, 5"],
        "putuo": ["missing parts 3, 4, 5"],
    }
    cli = CliRunner().invoke(app, ["coverage", "--db", db_url, "--json", "--year", "2024"])
    assert cli.exit_code == 0, cli.output
    rows = json.loads(cli.output)["rows"]
    assert {r["portal"]: [d["compliance"] for d in r["cells"]["2024"]["documents"]] for r in rows} == labels


def test_api_document_carries_its_reading(client, archive_ids):
    reading = client.get(f"/api/documents/{archive_ids['jingan2024']}").json()["reading"]
    assert reading["label"] == "missing parts 3, 5" and reading["missing"] == [3, 5]
    assert [p["found"] for p in reading["parts"]] == [True, True, False, True, False]
    assert reading["parts"][1]["evidence"] == {
        "part": 2,
        "kind": "heading",
        "text": "二、存在的不足",
        "start": reading["parts"][1]["evidence"]["start"],
        "end": reading["parts"][1]["evidence"]["end"],
    }
    rate = next(f for f in reading["figures"] if f["name"] == "行政复议纠错率")
    assert rate["value"] == 7.5 and rate["unit"] == "%" and "纠错率为7.5%" in rate["sentence"]
    assert [h["marker"] for h in reading["headings"]][:2] == ["一、", "（一）"]
    assert "ReadingOut" in client.get("/openapi.json").json()["components"]["schemas"]


def test_cheap_compliance_labels_agree_with_cached_readings(engine, archive_ids):
    with Session(engine) as session:
        ids = [r.document.id for r in report_readings(session, store=False)]
        cold = compliance_labels(session, ids)  # nothing cached: parts computed from the text
        full = {r.document.id: r.label for r in report_readings(session, store=True)}
        warm = compliance_labels(session, ids)  # read from the cache
    assert cold == full == warm
    assert cold[archive_ids["jingan2024"]] == "missing parts 3, 5"
