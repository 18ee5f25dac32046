"""The one home of the test factories: items as the spider fetches them and as the store receives them,
and synthetic report texts."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from pipelines.items import PageItem, PageMissing, PageNotModified

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
_counter = itertools.count(1)

REPORT_2024 = (
    "2024年，在市委、市政府的坚强领导下，我区深入学习贯彻习近平法治思想，全面推进法治政府建设。\n"
    "一、主要举措和成效\n"
    "（一）健全依法行政制度体系。全年审核规范性文件32件，合法性审核率达到100%。\n"
    "（二）严格规范公正文明执法。行政复议纠错率为7.2%，行政机关负责人出庭应诉率100%。\n"
    "（三）强化行政权力制约监督。主动公开政府信息1.2万条，办理依申请公开286件。\n"
    "二、存在的不足\n"
    "部分执法人员法治意识仍需加强；基层法治力量较为薄弱。\n"
    "三、下一步工作安排\n"
    "继续深化行政执法体制改革，加强法治督察，推动法治政府建设再上新台阶。\n"
    "上海市静安区人民政府\n"
    "2025年3月20日"
)

REPORT_OTHER_COUNTY = (
    "2024年，县政府坚持以习近平新时代中国特色社会主义思想为指导，扎实推进依法行政。\n"
    "一、工作开展情况\n"
    "全县共办理行政复议案件58件，开展执法检查12次，培训执法人员640人次。\n"
    "二、存在问题\n"
    "乡镇合法性审核力量不足，执法数字化水平不高。\n"
    "三、2025年工作打算\n"
    "着力提升乡镇依法行政能力，完善行政裁量权基准制度。\n"
    "某某县人民政府\n"
    "2025年3月28日"
)


def page(
    *,
    url: str | None = None,
    text: str | None = REPORT_2024,
    portal_id: str = "jingan",
    kind: str = "report",
    year: int | None = 2024,
    title: str = "上海市静安区2024年法治政府建设情况报告",
    official: bool = True,
    requested_url: str | None = None,
    body: bytes | None = None,
    fetched_at: datetime | None = None,
    headers: dict[str, str] | None = None,
    publisher: str | None = "上海市静安区人民政府",
    published: date | None = date(2025, 3, 20),
    problems: list[str] | None = None,
) -> PageItem:
    """A fully-processed PageItem as the store receives it (after extract/normalize/classify)."""
    url = url or f"https://www.example.gov.cn/fzzfjs/{next(_counter)}.html"
    if body is None:
        body = f"<html><body><div class='nav'>首页</div><p>{text or ''}</p></body></html>".encode()
    return PageItem(
        portal_id=portal_id,
        url=url,
        requested_url=requested_url or url,
        status=200,
        headers=headers or {"content-type": "text/html; charset=utf-8"},
        body=body,
        fetched_at=fetched_at or T0,
        official=official,
        encoding="utf-8",
        title=title,
        text_extracted=text,
        published=published,
        publisher=publisher,
        text=text,
        kind=kind,
        year=year,
        problems=problems or [],
    )


def fetched(
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    url: str = "http://www.xx.gov.cn/fzzfjs/202203/t20220328_1.html",
    portal_id: str = "xx",
    fetched_at: datetime | None = None,
    **fields,
) -> PageItem:
    """A PageItem as the spider yields it: fetch fields only, before extract/normalize/classify."""
    return PageItem(
        portal_id=portal_id,
        url=url,
        requested_url=url,
        status=200,
        headers=headers or {"content-type": "text/html; charset=utf-8"},
        body=body,
        fetched_at=fetched_at or T0,
        **fields,
    )


def missing(url: str, *, status: int = 404, fetched_at: datetime | None = None, portal_id: str = "jingan"):
    return PageMissing(
        portal_id=portal_id, url=url, status=status, fetched_at=fetched_at or T0, reason="Not Found"
    )


def not_modified(url: str, *, fetched_at: datetime | None = None, portal_id: str = "jingan"):
    return PageNotModified(portal_id=portal_id, url=url, fetched_at=fetched_at or T0)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def populate(engine) -> dict[str, int]:
    """A small archive for search, export and CLI tests; returns document ids by name.

    Insertion order is fixed, so ids are the same on every backend.
    """
    from archive.db import session_scope
    from archive.store import record_missing, record_page, upsert_portal

    with session_scope(engine) as s:
        upsert_portal(
            s,
            id="jingan",
            name="上海市静安区人民政府",
            region="上海市静安区",
            level="county",
            start_urls=["https://www.jingan.gov.cn/fzzfjs/"],
        )
        upsert_portal(s, id="shanghai", name="上海市人民政府", region="上海市", level="province")
        upsert_portal(s, id="mouxian", name="某某县人民政府", region="某某省某某县", level="county")
        upsert_portal(s, id="mirror", name="法治资料汇编网", official=False)
    items = {
        "jingan2024": page(url="https://www.jingan.gov.cn/fzzfjs/2024.html", fetched_at=day(0)),
        "jingan2023": page(
            url="https://www.jingan.gov.cn/fzzfjs/2023.html",
            text=REPORT_2024.replace("2024年", "2023年")
            .replace("7.2%", "6.9%")
            .replace("2025年3月20日", "2024年3月22日"),
            year=2023,
            title="上海市静安区2023年法治政府建设情况报告",
            published=date(2024, 3, 22),
            fetched_at=day(0),
        ),
        "mouxian2024": page(
            url="https://www.mouxian.gov.cn/art/2025/3/28/art_1.html",
            portal_id="mouxian",
            text=REPORT_OTHER_COUNTY,
            title="某某县2024年法治政府建设年度报告",
            publisher="某某县人民政府",
            published=date(2025, 3, 28),
            fetched_at=day(1),
        ),
        "notice": page(
            url="https://www.shanghai.gov.cn/nw12344/notice.html",
            portal_id="shanghai",
            kind="other",
            year=None,
            text="关于开展2025年法治政府建设示范创建活动的通知\n各区政府：请做好行政复议工作。",
            title="关于开展法治政府建设示范创建活动的通知",
            publisher="上海市人民政府办公厅",
            published=None,
            fetched_at=day(1),
        ),
        "mirror2024": page(
            url="https://www.fazhi-mirror.cn/a/8841.html",
            portal_id="mirror",
            official=False,
            publisher=None,
            fetched_at=day(2),
        ),
    }
    ids: dict[str, int] = {}
    for name, item in items.items():
        with session_scope(engine) as s:
            ids[name] = record_page(s, item).document_id
    # the 2024 Jingan report is later edited (7.2% -> 7.5%), the county report is taken down
    with session_scope(engine) as s:
        edited = page(
            url=items["jingan2024"].url, text=REPORT_2024.replace("7.2%", "7.5%"), fetched_at=day(5)
        )
        record_page(s, edited)
    with session_scope(engine) as s:
        record_missing(s, missing(items["mouxian2024"].url, portal_id="mouxian", fetched_at=day(6)))
    return ids
