"""``fazhi registry import``/``export``: a CSV round-trips; bad lines are named and nothing is half-imported."""

from __future__ import annotations

from typer.testing import CliRunner

from archive import divisions
from crawler.registry import load_registry
from fazhi.cli import app

GOOD = """adcode,name,home_url,level,id
440113,广州市番禺区人民政府,https://www.panyu.gov.cn/,county,gov-440113
440700,江门市人民政府,https://www.jiangmen.gov.cn/,city,jiangmen
440700,江门市司法局,http://www.jiangmen.gov.cn/bmpd/jmssfj/,department,jmsfj
110101,北京市东城区人民政府,http://www.bjdch.gov.cn/,county,gov-110101
"""


def test_import_export_round_trip_and_merge(tmp_path):
    runner = CliRunner()
    csv_file, registry = tmp_path / "dir.csv", tmp_path / "reg.yaml"
    csv_file.write_text(GOOD.replace(",county,gov-440113", ""), encoding="utf-8")  # level and id defaulted
    result = runner.invoke(app, ["registry", "import", str(csv_file), "--registry", str(registry)])
    assert result.exit_code == 0, result.output
    portals = {p.id: p for p in load_registry(registry)}
    assert portals["gov-440113"].region == "广东省广州市番禺区" and portals["gov-440113"].level == "county"
    assert portals["gov-110101"].region == "北京市东城区" and portals["jmsfj"].level == "department"
    assert all(p.home_url and not p.start_urls for p in portals.values())

    exported = runner.invoke(app, ["registry", "export", "--registry", str(registry)])
    assert exported.exit_code == 0 and exported.stdout == GOOD

    # a column found later (start_urls) survives a re-import of the same directory
    text = registry.read_text(encoding="utf-8").replace(
        "home_url: https://www.jiangmen.gov.cn/",
        "home_url: https://www.jiangmen.gov.cn/\n  start_urls: ['https://www.jiangmen.gov.cn/zwgk/fzzfjs/']",
    )
    registry.write_text(text, encoding="utf-8")
    csv_file.write_text(exported.stdout, encoding="utf-8")
    again = runner.invoke(app, ["registry", "import", str(csv_file), "--registry", str(registry)])
    assert "0 portal(s) added, 4 updated" in again.output
    assert {p.id: p for p in load_registry(registry)}["jiangmen"].start_urls == [
        "https://www.jiangmen.gov.cn/zwgk/fzzfjs/"
    ]


def test_bad_lines_are_named_and_nothing_is_imported(tmp_path):
    csv_file, registry = tmp_path / "bad.csv", tmp_path / "reg.yaml"
    csv_file.write_text(
        "adcode,name,home_url\n"
        "4401,某区,https://a.gov.cn/\n"  # line 2: not 6 digits
        "999999,某区,https://a.gov.cn/\n"  # line 3: no such division
        "440113,番禺,ftp://panyu.gov.cn/\n"  # line 4: scheme
        "440114,花都,https://www.huadu.gov.cn/\n"
        "440114,花都区政府,https://www.huadu.gov.cn/\n"  # line 6: duplicate id
        "440115,南沙,https://www.nansha.gov.cn/,village\n",  # line 7: level
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["registry", "import", str(csv_file), "--registry", str(registry)])
    assert result.exit_code == 1
    for line in (2, 3, 4, 6, 7):
        assert f"bad.csv:{line}:" in result.output
    assert "bad.csv:5:" not in result.output
    assert not registry.exists()


def test_divisions_cover_every_county_of_a_province():
    gd = divisions.find("广东省")
    assert gd.adcode == "440000" and divisions.find("广东") == gd
    counties = [
        d for d in divisions.divisions().values() if d.level == "county" and d.adcode.startswith("44")
    ]
    assert len(counties) == 122  # 65 districts, 20 county-level cities, 34 counties, 3 autonomous counties
    assert [d.name for d in divisions.lineage("440113")] == ["广东省", "广州市", "番禺区"]
    assert divisions.get("429004").parent == "420000"  # 仙桃: a county-level city under the province
