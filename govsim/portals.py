"""Compact portal and article specs: the standard set and the generated scale set.

Pages are rendered on request from these specs, so a spec is all a portal costs until it is visited.
Day evolution lives here too, as fields on the article (``appear_day``, ``edit_day``, ``remove_day``,
``move_day``) and the portal (``reorder_day``), so every day is a pure function of (specs, day).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

DAY1 = date(2025, 4, 10)


def day_date(day: int) -> date:
    """Simulated calendar date of a sim day (day 1 = 2025-04-10)."""
    return DAY1 + timedelta(days=day - 1)


@dataclass
class Article:
    aid: int
    kind: str  # "report" | "other"
    title: str
    published: date
    year: int | None  # year the report covers
    publisher: str | None  # the issuing body, as in the signature
    source: str  # the 来源 line
    group: str | None
    body: tuple  # ("corpus", name, fallback-report-args) | ("report", ...) | ("other", ...)
    appear_day: int = 1
    edit_day: int | None = None
    remove_day: int | None = None
    move_day: int | None = None
    attachment: bool | str = False  # also offered as a file: True (PDF) or a govsim.files format key
    standalone: str | None = None  # the report *is* a file of this format (listed without an HTML page)
    attachment_only: bool = False  # the HTML page only says 详见附件: the attachment is the report
    pages: int = 1  # the article is split over this many pages (TRS: t…_1.html, t…_2.html)
    xxgk: bool = False  # shows the 信息公开 metadata table
    mirror: bool = False  # rendered in traditional characters with inserted pinyin

    @property
    def attachment_format(self) -> str | None:
        """The attachment's format key (govsim.files.FORMATS), None without one."""
        if not self.attachment:
            return None
        return "pdf" if self.attachment is True else str(self.attachment)

    def visible(self, day: int) -> bool:
        return self.appear_day <= day and not (self.remove_day and day >= self.remove_day)

    def moved(self, day: int) -> bool:
        return bool(self.move_day and day >= self.move_day)

    def current_aid(self, day: int) -> int:
        """The id in the URL: a move gives the article a new id (and so a new URL) on the same portal."""
        return self.aid + 700000 if self.moved(day) else self.aid


@dataclass
class Portal:
    id: str
    family: str  # trs | hanweb | jsonly | static | legacy | mirror
    name: str
    short: str  # the jurisdiction's short name used in titles
    region: str | None
    adcode: str | None
    level: str | None
    official: bool = True
    gate: str | None = None  # None | "412" | "521"
    encoding: str = "utf-8"
    meta_style: str | None = None  # 《政府网站发展指引》 meta tags: None | "std" | "upper"
    site_code: str = ""
    column_name: str = "法治政府建设"
    page_size: int = 6
    colid: int = 0  # Hanweb column / unit / web ids
    unitid: int = 0
    webid: int = 0
    reorder_day: int | None = None  # from this day, list page 2 shows its items in reverse order
    route: str = "hub"  # how the home page leads to the report column (govsim/nav.py)
    has_column: bool = True  # False: the portal publishes no report column at all
    # JS-only: the article JSON is a static file with ETag and Last-Modified (as nginx serves a CMS's output);
    # False: a dynamic backend answers it without validators
    api_validators: bool = True
    articles: list[Article] = field(default_factory=list)

    @property
    def js(self) -> bool:
        return self.family == "jsonly"


# --- building blocks ---------------------------------------------------------------------------------

_TITLE_STYLES = [
    "{short}{year}年法治政府建设年度报告",
    "{org}关于{year}年法治政府建设工作情况的报告",
    "{short}{year}年度法治政府建设情况报告",
    "{year}年{short}法治政府建设情况报告",
]
_OLD_TITLE = "{year}年依法行政工作情况报告"
_NO_YEAR_TITLE = "关于法治政府建设工作情况的报告"


def report_title(style: int, short: str, org: str, year: int) -> str:
    if year <= 2017:
        return _OLD_TITLE.format(year=year) if style % 2 == 0 else f"{short}{year}年依法行政工作情况报告"
    return _TITLE_STYLES[style % len(_TITLE_STYLES)].format(short=short, org=org, year=year)


class _Builder:
    """Hands out ids and builds one portal's article list."""

    def __init__(self, seed: int, portal: Portal, base_id: int):
        self.seed, self.portal, self.next_id = seed, portal, base_id
        self.rng = random.Random(f"{seed}:portal:{portal.id}")

    def _aid(self) -> int:
        self.next_id += self.rng.randint(3, 41)
        return self.next_id

    def pubdate(self, year: int, month: int = 3, lo: int = 15, hi: int = 31) -> date:
        day = self.rng.randint(lo, hi)
        while True:
            try:
                return date(year, month, day)
            except ValueError:
                day -= 1

    def report(
        self,
        year: int,
        *,
        title: str | None = None,
        style: int | None = None,
        org: str | None = None,
        published: date | None = None,
        group: str | None = None,
        corpus: str | None = None,
        extra: str = "",
        **flags,
    ) -> Article:
        p = self.portal
        org = org or p.name
        published = published or self.pubdate(year + 1)
        # copies of one report (same group) must carry the same text, so derive it from the group, not the portal
        key = group or f"{p.id}:{year}"
        signed = date(year + 1, 3, random.Random(f"{self.seed}:sign:{key}").randint(8, 25))
        signed = min(signed, published - timedelta(days=1))
        signed_line = f"{signed.year}年{signed.month}月{signed.day}日"
        if title is None:
            title = report_title(self.rng.randrange(4) if style is None else style, p.short, org, year)
        report_args = (key, org, year, signed_line, year <= 2017, extra)
        body = ("corpus", corpus, report_args) if corpus else ("report", *report_args)
        art = Article(
            self._aid(), "report", title, published, year, org, org, group or f"{p.id}-{year}", body, **flags
        )
        self.portal.articles.append(art)
        return art

    def other(self, kind: str, title: str, year: int, published: date, ref: str = "", **flags) -> Article:
        p = self.portal
        if published >= DAY1:  # nothing on day 1 may be dated after the simulated today
            published = DAY1 - timedelta(days=self.rng.randint(2, 40))
        signed = f"{published.year}年{published.month}月{published.day}日"
        mdate = f"{published.month}月{published.day}日"
        body = ("other", f"{p.id}:{title}", kind, p.name, year, ref, mdate, signed)
        art = Article(
            self._aid(),
            "other",
            title,
            published,
            None,
            p.name if kind != "会议" else None,
            p.name,
            None,
            body,
            **flags,
        )
        self.portal.articles.append(art)
        return art

    def distractors(self, years: list[int], kinds: list[str]) -> None:
        """Articles whose titles share words with the reports but are not annual reports."""
        s, org = self.portal.short, self.portal.name
        for i, kind in enumerate(kinds):
            y = years[i % len(years)]
            if kind == "要点":
                self.other(kind, f"{s}{y + 1}年法治政府建设工作要点", y + 1, self.pubdate(y + 1, 4, 1, 28))
            elif kind == "通知":
                ref = f"{s}{y + 1}年法治政府建设工作要点"
                self.other(kind, f"关于印发《{ref}》的通知", y + 1, self.pubdate(y + 1, 5, 1, 20), ref=ref)
            elif kind == "方案":
                self.other(kind, f"{s}法治政府建设实施方案（2021—2025年）", 2021, self.pubdate(2021, 9))
            elif kind == "会议":
                self.other(kind, f"{s}召开法治政府建设推进会", y, self.pubdate(y, 7, 1, 30))
            elif kind == "公开":
                self.other(kind, f"{org}{y}年政府信息公开工作年度报告", y, self.pubdate(y + 1, 1, 10, 31))
            elif kind == "图解":
                ref = f"{s}{y}年法治政府建设年度报告"
                self.other(kind, f"图解：{ref}", y, self.pubdate(y + 1, 4, 1, 9), ref=ref)
            elif kind == "解读":
                ref = f"{s}{y}年法治政府建设年度报告"
                self.other(kind, f"《{ref}》解读", y, self.pubdate(y + 1, 4, 1, 9), ref=ref)
            elif kind == "通报":
                self.other(kind, f"关于{y}年度法治政府建设考评结果的通报", y, self.pubdate(y + 1, 6, 1, 28))


def _portal(
    pid: str,
    family: str,
    name: str,
    short: str,
    region: str | None,
    adcode: str | None,
    level: str | None,
    **kw,
) -> Portal:
    code = kw.pop("site_code", None) or (adcode or "990000") + "0001"
    return Portal(pid, family, name, short, region, adcode, level, site_code=code, **kw)


# --- the standard set --------------------------------------------------------------------------------

GBK_SENTENCE = "区法制局局长陈堃、副局长李镕带队开展依法行政专项督查，推动问题整改落实。"


def standard_portals(seed: int = 0) -> list[Portal]:
    """One or more portals of every family, sharing one report across two official portals and a mirror."""
    portals: list[Portal] = []

    # 1. TRS: 江门市人民政府 — createPageHTML pager, TRS_Editor, 指引 meta tags, a 信息公开 table.
    p = _portal(
        "jiangmen",
        "trs",
        "江门市人民政府",
        "江门市",
        "广东省江门市",
        "440700",
        "city",
        meta_style="std",
        page_size=5,
        reorder_day=3,
    )
    b = _Builder(seed, p, 1353100)
    b.report(
        2019,
        title="江门市2019年法治政府建设年度报告",
        published=date(2020, 3, 27),
        group="jiangmen-2019",
        corpus="jiangmen-2019",
    )
    b.report(2020, style=1)
    b.report(2021, style=2, move_day=3)
    b.report(2022, title=_NO_YEAR_TITLE, xxgk=True)
    b.report(2023, style=0, edit_day=2)
    b.report(2024, style=0)
    b.distractors([2023, 2024, 2022], ["要点", "通知", "方案", "会议", "公开", "图解", "解读", "通报"])
    portals.append(p)

    # 2. Hanweb: 江门市司法局 — /col/ column with embedded datastore, dataproxy.jsp paging, a PDF attachment.
    p = _portal(
        "jmsfj",
        "hanweb",
        "江门市司法局",
        "江门市司法局",
        "广东省江门市",
        "440700",
        "department",
        meta_style="std",
        page_size=5,
        colid=1621004,
        unitid=3995919,
        webid=1934,
        site_code="4407000045",
    )
    b = _Builder(seed, p, 30332600)
    b.report(
        2019,
        title="江门市2019年法治政府建设年度报告",
        org="江门市人民政府",
        published=date(2020, 3, 30),
        group="jiangmen-2019",
        corpus="jiangmen-2019",
    )
    b.report(2022, style=1)
    b.report(2023, title="江门市司法局2023年法治政府建设年度报告", attachment=True)
    b.report(2024, style=2)
    b.distractors([2023, 2024], ["会议", "通知", "解读", "通报", "公开", "要点"])
    portals.append(p)

    # 3. JS-only: 中山市西区 — list and article bodies arrive as JSON, the HTML is an empty shell.
    p = _portal(
        "xiqu",
        "jsonly",
        "中山市人民政府西区办事处",
        "西区",
        "广东省中山市西区",
        "442000",
        "township",
        page_size=6,
    )
    b = _Builder(seed, p, 5100)
    b.report(
        2019,
        title="西区办事处2019年法治政府建设工作情况报告",
        org="中山市人民政府西区办事处",
        published=date(2019, 11, 25),
        corpus="zhongshan-xiqu-2019",
    )
    for y in (2020, 2021, 2022, 2023):
        b.report(y)
    b.distractors([2022, 2023], ["会议", "图解", "要点"])
    portals.append(p)

    # 4. 瑞数-like gate (HTTP 412) in front of a TRS site with upper-case META tags and 年月日 PubDate.
    p = _portal(
        "panyu",
        "trs",
        "广州市番禺区人民政府",
        "番禺区",
        "广东省广州市番禺区",
        "440113",
        "county",
        gate="412",
        meta_style="upper",
        page_size=6,
    )
    b = _Builder(seed, p, 8823000)
    for y in (2021, 2022, 2023, 2024):
        b.report(y)
    b.distractors([2023, 2024], ["要点", "会议", "公开", "解读"])
    portals.append(p)

    # 5. 加速乐-like gate (HTTP 521) in front of a gov.cn-template static site.
    p = _portal(
        "nansha",
        "static",
        "广州市南沙区人民政府",
        "南沙区",
        "广东省广州市南沙区",
        "440115",
        "county",
        gate="521",
        page_size=6,
    )
    b = _Builder(seed, p, 70100)
    for y in (2020, 2022, 2023, 2024):
        b.report(y)
    b.distractors([2023, 2024], ["通知", "会议", "图解"])
    portals.append(p)

    # 6. Legacy: GBK bytes, table layout, <br> paragraphs, 年月日 dates, per-request counter, no validators.
    p = _portal(
        "conghua",
        "legacy",
        "广州市从化区人民政府",
        "从化区",
        "广东省广州市从化区",
        "440117",
        "county",
        encoding="gbk",
        page_size=5,
    )
    b = _Builder(seed, p, 200)
    b.report(2015, title="2015年依法行政工作情况报告", published=date(2016, 2, 26), extra=GBK_SENTENCE)
    b.report(
        2016,
        title="从化区2016年依法行政工作情况报告",
        published=date(2017, 2, 20),
        org="从化区人民政府",
        corpus="conghua-2016",
    )
    b.report(2017, title="从化区2017年依法行政工作情况报告")
    b.report(2018, style=1)
    b.distractors([2016, 2017], ["要点", "通知", "会议", "公开"])
    portals.append(p)

    # 7. Plain static (gov.cn template, #UCAP-CONTENT, 下一页 links): the day-2 new and day-3 removed reports.
    p = _portal(
        "huadu",
        "static",
        "广州市花都区人民政府",
        "花都区",
        "广东省广州市花都区",
        "440114",
        "county",
        page_size=5,
    )
    b = _Builder(seed, p, 90500)
    b.report(2020, style=3, remove_day=3)
    b.report(2021, style=3)
    huadu_2022 = b.report(2022, style=0)
    b.report(2023, style=2)
    b.report(2024, style=0, published=day_date(2), appear_day=2)
    b.distractors([2022, 2023], ["会议", "要点", "通报", "解读"])
    portals.append(p)

    # 8. Mirror: a non-government site republishing reports in traditional characters with pinyin.
    p = _portal(
        "fagui-mirror",
        "mirror",
        "法规文库网",
        "法规文库网",
        None,
        None,
        None,
        official=False,
        site_code="0000000000",
        page_size=8,
    )
    b = _Builder(seed, p, 41000)
    b.report(
        2019,
        title="江门市2019年法治政府建设年度报告",
        org="江门市人民政府",
        published=date(2020, 6, 2),
        group="jiangmen-2019",
        corpus="jiangmen-2019",
        mirror=True,
    )
    copy = b.report(
        2022,
        title=huadu_2022.title,
        org="广州市花都区人民政府",
        published=date(2023, 5, 9),
        group="huadu-2022",
        mirror=True,
    )
    copy.body = huadu_2022.body  # the very same text as the official copy
    copy.publisher = huadu_2022.publisher
    b.distractors([2023], ["会议", "方案"])
    portals.append(p)
    return portals


# --- the generated scale set -------------------------------------------------------------------------

_FAMILY_WEIGHTS = [
    ("trs", 30),
    ("hanweb", 25),
    ("static", 20),
    ("legacy", 10),
    ("jsonly", 5),
    ("mirror", 4),
    ("gate412", 3),
    ("gate521", 3),
]
# The national night (GovSim(national=True)): about 10% script-only portals and 2% behind an anti-bot gate.
NATIONAL_FAMILY_WEIGHTS = [
    ("trs", 28),
    ("hanweb", 24),
    ("static", 20),
    ("legacy", 10),
    ("jsonly", 10),
    ("mirror", 6),
    ("gate412", 1),
    ("gate521", 1),
]
_NAME_CHARS = "安宁平和丰泰清华阳江山河东西南北新兴昌盛永宏德正长乐文武云龙溪城桥湖海川林峰"
_PROVINCES = [
    ("广东省", "44"),
    ("浙江省", "33"),
    ("江苏省", "32"),
    ("山东省", "37"),
    ("河南省", "41"),
    ("四川省", "51"),
    ("湖南省", "43"),
    ("福建省", "35"),
    ("河北省", "13"),
    ("安徽省", "34"),
]


def generated_portals(
    seed: int, count: int, start: int = 0, weights: list[tuple[str, int]] | None = None
) -> list[Portal]:
    """``count`` synthetic county/city portals mixing the families by weight, deterministically from ``seed``."""
    rng = random.Random(f"{seed}:scale")
    families = [f for f, w in weights or _FAMILY_WEIGHTS for _ in range(w)]
    out = []
    for i in range(start, start + count):
        fam = rng.choice(families)
        gate = {"gate412": "412", "gate521": "521"}.get(fam)
        family = {"gate412": "trs", "gate521": "static"}.get(fam, fam)
        prov, pcode = rng.choice(_PROVINCES)
        short = "".join(rng.sample(_NAME_CHARS, 2)) + rng.choice(["县", "区", "市"])
        adcode = f"{pcode}{rng.randint(1, 20):02d}{rng.randint(21, 99):02d}"
        official = family != "mirror"
        name = f"{short}人民政府" if official else f"{short}法规资料网"
        level = "county" if short[-1] in "县区" else "city"
        p = _portal(
            f"p{i:04d}-{family}",
            family,
            name,
            short,
            f"{prov}{short}" if official else None,
            adcode if official else None,
            level if official else None,
            official=official,
            gate=gate,
            encoding="gbk" if family == "legacy" else "utf-8",
            meta_style=rng.choice([None, "std", "upper"]) if family in ("trs", "hanweb") else None,
            page_size=rng.choice([5, 8, 10, 15]),
            colid=rng.randint(1000, 99999),
            unitid=rng.randint(100000, 999999),
            webid=rng.randint(10, 3000),
            reorder_day=3 if rng.random() < 0.1 else None,
        )
        b = _Builder(seed, p, rng.randint(1000, 900000))
        first = rng.randint(2015, 2020) if family == "legacy" else rng.randint(2018, 2021)
        years = list(range(first, 2025))
        roll = rng.random()
        for y in years:
            flags: dict = {}
            if y == years[-2] and roll < 0.15:
                flags["edit_day"] = 2
            if y == years[0] and 0.15 <= roll < 0.22:
                flags["remove_day"] = 3
            if y == years[1] and 0.22 <= roll < 0.29:
                flags["move_day"] = 3
            if y == years[-1] and 0.29 <= roll < 0.4:
                flags.update(appear_day=2, published=day_date(2))
            b.report(y, mirror=not official, **flags)
        b.distractors(
            years[-3:],
            rng.sample(["要点", "通知", "方案", "会议", "公开", "图解", "解读", "通报"], k=rng.randint(4, 8)),
        )
        out.append(p)
    return out


def build_portals(seed: int, count: int | None, weights: list[tuple[str, int]] | None = None) -> list[Portal]:
    """``None`` → the standard set; ``N`` → the standard set (cut to N) topped up with generated portals
    (families mixed by ``weights``, default the scale set's)."""
    std = standard_portals(seed)
    if count is None:
        return std
    if count <= len(std):
        return std[:count]
    return std + generated_portals(seed, count - len(std), start=len(std), weights=weights)
