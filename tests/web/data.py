"""A small archive for the web tests, written through the real store API (``archive.store.record_page``).

* ``jingan2024``: two versions (7.2% → 7.5% and an added sentence), also carried by a mirror (one group);
* ``jingan2023``: on time; ``putuo2024``: published late, later missing; ``putuo`` has no 2023 report;
* ``hostile``: a report whose title and text carry ``<script>`` and ``<img onerror>`` (must never run);
* ``notice``: a non-report document.

Insertion order is fixed, so ids are the same on every backend.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from archive.db import session_scope
from archive.store import record_missing, record_page, upsert_portal
from pipelines.items import PageItem, PageMissing
from tests import factories
from tests.factories import REPORT_2024

V1_TEXT = REPORT_2024
ADDED_SENTENCE = "全年新增政府法律顾问12名，实现街道全覆盖。"
V2_TEXT = V1_TEXT.replace("7.2%", "7.5%").replace(
    "办理依申请公开286件。", "办理依申请公开286件。" + ADDED_SENTENCE
)
V2023_TEXT = (
    V1_TEXT.replace("2024年", "2023年").replace("7.2%", "6.9%").replace("2025年3月20日", "2024年3月22日")
)
PUTUO_TEXT = (
    "2024年，普陀区坚持以习近平新时代中国特色社会主义思想为指导，扎实推进依法行政。\n"
    "一、工作开展情况\n"
    "全区共办理行政复议案件58件，开展执法检查12次，培训执法人员640人次。\n"
    "二、存在问题\n"
    "街镇合法性审核力量不足，执法数字化水平不高。\n"
    "上海市普陀区人民政府\n"
    "2025年4月15日"
)
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
HOSTILE_TITLE = f"上海市2024年法治政府建设情况报告{SCRIPT}"
HOSTILE_TEXT = f"2024年，上海市全面推进依法行政。{SCRIPT}\n行政执法监督平台覆盖全市。{IMG}\n上海市人民政府"

JINGAN_URL = "https://www.jingan.gov.cn/fzzfjs/2024.html"
MIRROR_URL = "https://www.fazhi-mirror.cn/a/8841.html"
PUTUO_URL = "https://www.shpt.gov.cn/fzzf/2025/0415/1.html"


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 8, 0, tzinfo=UTC)


def page(*, title: str, text: str, **fields) -> PageItem:
    """A fully processed item whose raw page shows the title as a heading above the text."""
    body = f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode()
    return factories.page(title=title, text=text, body=body, **{"publisher": None, **fields})


def populate(engine: Engine) -> dict[str, int]:
    """Fill the archive; returns document ids by name."""
    with session_scope(engine) as s:
        upsert_portal(
            s,
            id="jingan",
            name="上海市静安区人民政府",
            region="上海市静安区",
            adcode="310106",
            level="county",
        )
        upsert_portal(
            s, id="putuo", name="上海市普陀区人民政府", region="上海市普陀区", adcode="310107", level="county"
        )
        upsert_portal(
            s, id="shanghai", name="上海市人民政府", region="上海市", adcode="310000", level="province"
        )
        upsert_portal(s, id="mirror", name="法治资料汇编网", official=False)
    jingan = "上海市静安区人民政府"
    items = {
        "jingan2024": page(
            portal_id="jingan",
            url=JINGAN_URL,
            text=V1_TEXT,
            title="上海市静安区2024年法治政府建设情况报告",
            year=2024,
            published=date(2025, 3, 20),
            fetched_at=at(2025, 3, 21),
            publisher=jingan,
        ),
        "jingan2023": page(
            portal_id="jingan",
            url="https://www.jingan.gov.cn/fzzfjs/2023.html",
            text=V2023_TEXT,
            title="上海市静安区2023年法治政府建设情况报告",
            year=2023,
            published=date(2024, 3, 22),
            fetched_at=at(2024, 3, 25),
            publisher=jingan,
        ),
        "mirror2024": page(
            portal_id="mirror",
            url=MIRROR_URL,
            text=V1_TEXT,
            title="上海市静安区2024年法治政府建设情况报告",
            year=2024,
            published=None,
            fetched_at=at(2025, 3, 24),
            official=False,
        ),
        "putuo2024": page(
            portal_id="putuo",
            url=PUTUO_URL,
            text=PUTUO_TEXT,
            title="上海市普陀区2024年法治政府建设情况报告",
            year=2024,
            published=date(2025, 4, 15),
            fetched_at=at(2025, 4, 16),
            publisher="上海市普陀区人民政府",
        ),
        "hostile": page(
            portal_id="shanghai",
            url="https://www.shanghai.gov.cn/nw12344/2024fz.html",
            text=HOSTILE_TEXT,
            title=HOSTILE_TITLE,
            year=2024,
            published=None,
            fetched_at=at(2025, 5, 1),
            publisher="上海市人民政府",
        ),
        "notice": page(
            portal_id="shanghai",
            url="https://www.shanghai.gov.cn/nw12344/notice.html",
            text="关于开展2025年法治政府建设示范创建活动的通知\n各区政府：请做好行政复议工作。",
            title="关于开展法治政府建设示范创建活动的通知",
            year=None,
            published=None,
            fetched_at=at(2025, 3, 2),
            kind="other",
        ),
    }
    ids: dict[str, int] = {}
    for name, item in items.items():
        with session_scope(engine) as s:
            ids[name] = record_page(s, item, now=item.fetched_at).document_id
    edited = page(
        portal_id="jingan",
        url=JINGAN_URL,
        text=V2_TEXT,
        title="上海市静安区2024年法治政府建设情况报告",
        year=2024,
        published=date(2025, 3, 20),
        fetched_at=at(2025, 4, 2),
        publisher=jingan,
    )
    with session_scope(engine) as s:
        record_page(s, edited, now=edited.fetched_at)
    gone = PageMissing(
        portal_id="putuo", url=PUTUO_URL, status=404, fetched_at=at(2025, 6, 1), reason="Not Found"
    )
    with session_scope(engine) as s:
        record_missing(s, gone, now=gone.fetched_at)
    return ids
