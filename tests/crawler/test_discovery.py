"""Discovery's pure parts: link scoring, decoys, site-search forms, the walk on a canned site, scope."""

from __future__ import annotations

import json

import pytest

from crawler.discovery.scope import discovery_scope, registrable
from crawler.discovery.score import is_column, is_decoy, is_report_title, link_score, page_links
from crawler.discovery.search import find_form, result_links, search_request
from crawler.discovery.sitecode import find_site_code, judge
from crawler.discovery.walk import Discovery
from crawler.registry import PortalConfig


@pytest.mark.parametrize(
    "anchor",
    [
        "普法依法治理",
        "法治宣传",
        "工作动态 法治政府建设工作动态",
        "政府信息公开年报",
        "政策解读",
        "规范性文件",
    ],
)
def test_decoys_are_never_followed(anchor):
    assert is_decoy(anchor) and link_score(anchor, "http://a.gov.cn/x/index.html") == 0


def test_navigation_toward_the_column_scores_by_strength():
    column = link_score("法治政府建设年度报告", "http://a.gov.cn/zwgk/fzzfjs/index.html")
    hub = link_score("法定主动公开内容", "http://a.gov.cn/zwgk/fdzdgknr/index.html")
    portal = link_score("政务公开", "http://a.gov.cn/zwgk/index.html")
    assert column > hub > portal > 0
    assert (
        link_score("机构职能", "http://a.gov.cn/zwgk/jgzn/index.html") == 0
    )  # a hub URL alone is not enough


@pytest.mark.parametrize(
    ("title", "report"),
    [
        ("江门市2023年法治政府建设年度报告", True),
        ("关于2022年法治政府建设工作情况的报告", True),
        ("2016年依法行政工作情况报告", True),
        ("江門市2019年法治政府建設年度報告", True),  # a mirror's traditional characters
        ("图解：江门市2023年法治政府建设年度报告", False),
        ("《江门市2023年法治政府建设年度报告》解读", False),
        ("常务会议审议《2024年度法治政府建设情况报告》", False),
        ("江门市2023年政府信息公开工作年度报告", False),
        ("江门市召开法治政府建设推进会", False),
    ],
)
def test_report_titles(title, report):
    assert is_report_title(title) is report


def test_a_column_lists_reports_and_a_hub_does_not():
    html = (
        "<html><head><title>法治政府建设_某县人民政府</title></head><body><ul>"
        '<li><a href="/zwgk/fzzfjs/202403/t20240320_1.html">某县2023年法治政府建设年度报告</a></li>'
        '<li><a href="/zwgk/fzzfjs/202303/t20230320_2.html">某县2022年法治政府建设年度报告</a></li>'
        "</ul></body></html>"
    )
    url = "http://a.gov.cn/zwgk/fzzfjs/index.html"
    assert is_column(html, url, "法治政府建设", page_links(html, url)) == (True, 2)
    hub = '<title>政务公开</title><a href="/zwgk/fzzfjs/index.html">法治政府建设</a>'
    assert is_column(hub, url, "政务公开", page_links(hub, url))[0] is False


def test_search_forms_of_the_three_templates():
    base = "http://a.gov.cn/"
    trs = find_form(
        '<form action="/was5/web/search"><input type="hidden" name="channelid" value="7">'
        '<input name="searchword"></form>',
        base,
    )
    assert trs.engine == "was5"
    assert search_request(trs, "法治政府建设 报告").url.startswith(
        "http://a.gov.cn/was5/web/search?channelid=7&searchword="
    )
    hanweb = find_form(
        '<form action="/jsearchfront/search.do"><input type="hidden" name="websiteid" value="1934">'
        '<input type="text" name="q"></form>',
        base,
    )
    req = search_request(hanweb, "法治政府建设 报告")
    assert req.method == "POST" and req.url == "http://a.gov.cn/jsearchfront/interfaces/cateSearch.do"
    assert req.formdata["websiteid"] == "1934" and req.formdata["q"] == "法治政府建设 报告"
    govcn = find_form('<form action="/sousuo/search.shtml"><input name="searchWord"></form>', base)
    assert govcn.engine == "form" and "searchWord=" in search_request(govcn, "x").url
    answer = json.dumps({"total": 1, "result": ['<div><a href="/art/2024/3/1/art_1_2.html">标题</a></div>']})
    assert [link.url for link in result_links(answer, base)] == ["http://a.gov.cn/art/2024/3/1/art_1_2.html"]


def _walk(site: dict[str, str], budget: int = 40) -> Discovery:
    """Run a discovery over canned pages (URL → HTML; missing URLs answer 404)."""
    disc = Discovery("p", "http://a.gov.cn/", lambda url: url.startswith("http://a.gov.cn/"), budget=budget)
    while (fetch := disc.next_fetch()) is not None:
        body = site.get(fetch.url, "")
        disc.on_response(fetch, 200 if body else 404, fetch.url, body)
    return disc


def test_walk_follows_the_best_link_and_records_the_path():
    site = {
        "http://a.gov.cn/": '<a href="/pf/index.html">普法</a><a href="/zwgk/index.html">政务公开</a>',
        "http://a.gov.cn/zwgk/index.html": '<a href="/zwgk/fz/index.html" title="法治政府建设年度报告">年度报告</a>',
        "http://a.gov.cn/zwgk/fz/index.html": (
            "<title>法治政府建设</title>"
            '<a href="/zwgk/fz/202403/t20240320_1.html">某县2023年法治政府建设年度报告</a>'
        ),
    }
    disc = _walk(site)
    assert disc.outcome == "found" and disc.requests == 3
    (found,) = disc.found
    assert [s["anchor"] for s in found.evidence] == ["首页", "政务公开", "年度报告"]
    assert all("pf" not in t["url"] for t in disc.tried)  # the 普法 decoy was never fetched


def test_walk_without_a_column_stops_within_its_budget():
    site = {"http://a.gov.cn/": "".join(f'<a href="/zwgk/{i}/index.html">政务公开{i}</a>' for i in range(60))}
    site.update({f"http://a.gov.cn/zwgk/{i}/index.html": "<p>无</p>" for i in range(60)})
    disc = _walk(site, budget=12)
    assert disc.outcome == "no_column_found" and disc.requests == 12 and len(disc.tried) == 12


def test_scope_follows_hosts_of_the_same_government_and_the_registry_can_narrow_it():
    assert registrable("xxgk.jingan.gov.cn") == "jingan.gov.cn"
    portal = PortalConfig(id="a", name="A", home_url="https://www.jingan.gov.cn/")
    allowed = discovery_scope(portal)
    assert allowed("https://xxgk.jingan.gov.cn/fdzdgknr/") and not allowed("https://www.other.gov.cn/")
    narrow = discovery_scope(portal.model_copy(update={"discovery_domains": ["www.jingan.gov.cn"]}))
    assert narrow("https://www.jingan.gov.cn/zwgk/") and not narrow("https://xxgk.jingan.gov.cn/")
    wide = discovery_scope(portal.model_copy(update={"discovery_domains": ["jingan.gov.cn", "sh.gov.cn"]}))
    assert wide("https://zwgk.sh.gov.cn/jingan/")


def test_site_code_confirms_fills_or_flags_the_adcode():
    footer = '<div class="footer"><p>网站标识码：4401130001 <a href="#">粤ICP备05000001号</a></p></div>'
    assert find_site_code(footer) == "4401130001"
    assert find_site_code('<META content="4407000045" name="SiteIDCode">') == "4407000045"
    assert find_site_code("<p>no code here</p>") is None
    assert judge("440113", "4401130001")[0] == "confirmed"
    state, division = judge(None, "4401130001")
    assert state == "filled" and division.name == "番禺区"
    assert judge("440114", "4401130001")[0] == "disagrees"
    assert judge("440113", "bm14000002")[0] == "unknown"  # a ministry's code names no division


def test_a_column_whose_first_page_lists_no_report_yet_is_proved_by_its_next_page():
    site = {
        "http://a.gov.cn/": '<a href="/fz/index.html">法治政府建设年度报告</a>',
        "http://a.gov.cn/fz/index.html": (
            '<a href="/fz/t20250401_1.html">关于印发《2025年法治政府建设工作要点》的通知</a>'
            '<a href="/fz/index_1.html">下一页</a>'
        ),
        "http://a.gov.cn/fz/index_1.html": '<a href="/fz/t20240320_2.html">某县2023年法治政府建设年度报告</a>',
    }
    disc = _walk(site)
    assert [f.url for f in disc.found] == ["http://a.gov.cn/fz/index.html"] and disc.requests == 3
    assert disc.found[0].evidence[-1]["anchor"] == "法治政府建设年度报告"
