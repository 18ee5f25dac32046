"""List walkers on real list pages and on the shapes govsim reproduces."""

from __future__ import annotations

from crawler.walkers import hanweb, read_list, trs
from crawler.walkers.links import anchors, looks_like_list_url, title_score
from crawler.walkers.plain import next_page
from tests.paths import realpage


def test_trs_hand_written_pager_from_real_handan_list():
    text = realpage("11_").read_text(encoding="utf-8")
    url = "http://hdzfxxgk.hd.gov.cn/xxgk/index.html"
    pages = trs.page_urls(text, url)
    assert len(pages) == 56
    assert pages[0] == "http://hdzfxxgk.hd.gov.cn/xxgk/index.html"
    assert pages[1] == "http://hdzfxxgk.hd.gov.cn/xxgk/index_1.html"
    assert pages[-1] == "http://hdzfxxgk.hd.gov.cn/xxgk/index_55.html"


def test_trs_real_list_link_carries_title_and_row_date():
    text = realpage("11_").read_text(encoding="utf-8")
    links = [
        link for link in anchors(text, "http://hdzfxxgk.hd.gov.cn/xxgk/index.html") if "/t2020" in link.url
    ]
    assert [(link.title, link.date) for link in links] == [
        ("邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知", "2020-08-05")
    ]


def test_trs_create_page_html_forms():
    four = 'createPageHTML(5, 0, "index", "html");'
    assert trs.page_urls(four, "http://a.gov.cn/col/fzzf/index.html")[1:] == [
        f"http://a.gov.cn/col/fzzf/index_{i}.html" for i in range(1, 5)
    ]
    six = "createPageHTML('page_div',3, 1,'list','shtml',57);"
    assert trs.page_urls(six, "http://a.gov.cn/x/list_1.shtml") == [
        "http://a.gov.cn/x/list.shtml",
        "http://a.gov.cn/x/list_1.shtml",
        "http://a.gov.cn/x/list_2.shtml",
    ]
    # an article's own one-page pager is not a list
    real_article = realpage("02_").read_text(encoding="utf-8")
    assert trs.page_urls(real_article, "http://www.shanxi.gov.cn/yw/t20190918_693227.shtml") == []


def test_hanweb_dataproxy_response_records():
    xml = realpage("06_").read_text(encoding="utf-8")
    links = hanweb.records(xml, "http://wzkj.wenzhou.gov.cn/module/jpage/dataproxy.jsp")
    assert links[0].url == "http://wzkj.wenzhou.gov.cn/art/2017/5/24/art_1312722_7744076.html"
    assert links[0].title.startswith("舟山市科技局关于对2017年省重点研发计划")
    assert hanweb.total_records(xml) == 3432


def test_hanweb_embedded_datastore_and_proxy_params():
    page = """<html><body><div id="4485617"><script type="text/xml"><datastore>
    <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=17&path=/&columnid=1229&unitid=4485617&webname=%E5%8E%BF&permissiontype=0"></a>]]></nextgroup>
    <totalrecord>125</totalrecord>
    <recordset><record><![CDATA[<li><a href="/art/2024/3/28/art_1229_99.html" title="2023年法治政府建设年度报告">2023年…</a><span>2024-03-28</span></li>]]></record></recordset>
    </datastore></script></div>
    <script>$('#4485617').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:20, webid:'17', columnid:'1229', unitid:'4485617'});</script>
    </body></html>"""
    base = "http://x.gov.cn/col/col1229/index.html"
    links = hanweb.records(page, base)
    assert [(link.url, link.date) for link in links] == [
        ("http://x.gov.cn/art/2024/3/28/art_1229_99.html", "2024-03-28")
    ]
    assert anchors(page, base) == []  # an HTML parser does not see script content: hence records()
    proxy = hanweb.find_dataproxy(page, base)
    assert proxy is not None
    assert proxy.url == "http://x.gov.cn/module/web/jpage/dataproxy.jsp"
    assert (
        proxy.form["columnid"] == "1229" and proxy.form["unitid"] == "4485617" and proxy.form["webid"] == "17"
    )
    assert proxy.total == 125
    assert hanweb.chunk_url(proxy, 61).endswith("dataproxy.jsp?startrecord=61&endrecord=120&perpage=20")

    # through the common interface: the embedded record, then the API from record 2 on, then chunk by chunk
    column = read_list(page, base)
    assert [link.url for link in column.links] == ["http://x.gov.cn/art/2024/3/28/art_1229_99.html"]
    [api] = column.next_pages
    assert api.formdata == proxy.form and "startrecord=2&endrecord=61" in api.url
    answer = '<datastore><totalrecord>125</totalrecord><recordset><record><![CDATA[<li><a href="/art/2024/1/1/art_1229_7.html">报告</a></li>]]></record></recordset></datastore>'
    chunk = read_list(answer, api.url, api.cursor)
    assert [link.url for link in chunk.links] == ["http://x.gov.cn/art/2024/1/1/art_1229_7.html"]
    assert "startrecord=62&endrecord=121" in chunk.next_pages[0].url
    third = read_list(answer, chunk.next_pages[0].url, chunk.next_pages[0].cursor)
    assert "startrecord=122&endrecord=181" in third.next_pages[0].url  # 122 ≤ 125 records: one more
    assert read_list(answer, third.next_pages[0].url, third.next_pages[0].cursor).next_pages == []
    empty = "<datastore><totalrecord>125</totalrecord><recordset></recordset></datastore>"
    assert read_list(empty, api.url, api.cursor).next_pages == []  # an empty answer ends the walk


def test_read_list_follows_the_trs_pager_or_a_next_link_one_page_at_a_time():
    pager = '<script>createPageHTML(5, 0, "index", "html");</script><a href="t20240101_1.html">报告</a>'
    assert [p.url for p in read_list(pager, "http://a.gov.cn/c/index.html").next_pages] == [
        "http://a.gov.cn/c/index_1.html"
    ]
    assert [p.url for p in read_list(pager, "http://a.gov.cn/c/index_3.html").next_pages] == [
        "http://a.gov.cn/c/index_4.html"
    ]
    assert read_list(pager, "http://a.gov.cn/c/index_4.html").next_pages == []
    plain = '<a href="list_2.html">下一页</a>'
    assert [p.url for p in read_list(plain, "http://a.gov.cn/a/list.html").next_pages] == [
        "http://a.gov.cn/a/list_2.html"
    ]


def test_title_scores():
    assert title_score("2023年法治政府建设年度报告") == 2
    assert title_score("关于2015年依法行政工作情况的报告") == 2
    assert title_score("XX区2024年法治政府建设工作要点") == 1  # shares words: fetched, then classified
    assert title_score("2023年政府信息公开工作年度报告") == 0
    assert title_score("首页") == 0


def test_plain_next_page_and_list_shapes():
    links = anchors(
        '<div><a href="list_2.html">下一页</a><a href="/a/b/t20240101_1.html">x</a></div>',
        "http://a.gov.cn/a/list.html",
    )
    assert next_page(links) == "http://a.gov.cn/a/list_2.html"
    assert looks_like_list_url("http://a.gov.cn/col/col123/index.html")
    assert not looks_like_list_url("http://a.gov.cn/art/2024/3/1/art_1_2.html")
    assert not looks_like_list_url("http://a.gov.cn/fzzf/202403/t20240328_1.html")
