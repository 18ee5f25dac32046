"""Is a page a 法治政府建设 annual report, which year does it cover, and who issued it?

Titles decide (the page title, else the list-page anchor text): a report title names 法治政府建设 or
依法行政 and ends in 报告 or a year's 工作总结. Columns that hold reports also hold their look-alikes, so
exclusions win over matches: 工作要点, 计划, 实施方案, 意见, 通知/通报, meeting news, the 政府信息公开
annual report, 图解/解读, 述法, evaluation/research reports. The year comes from the title, else from the
opening of the body ("2019年，我区…"), else — documented last resort — the published date minus one when
published January–June (reports are due before 1 April for the previous year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pipelines.items import PageItem
from pipelines.metadata import signature
from pipelines.stats import Counting, portal_stat

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

#: Title patterns of the annual report.
REPORT_TITLE = re.compile(
    r"(?:法治政府建设|依法行政)[^。；;]{0,30}?(?:报告|工作总结|年度总结)"
    r"|法治政府建设(?:工作)?情况$"
)
#: Title patterns that are never the annual report, even when REPORT_TITLE matches.
NOT_REPORT_TITLE = re.compile(
    r"实施方案|方案|意见|办法|规划|纲要|通知|通报|函$|决定|批复"
    r"|召开|会议|推进会|座谈会|部署会|报告会|培训|调研|督察|督查|考核|评估|检查|测评|述法|述职"
    r"|信息公开工作(?:年度)?报告|政务公开|图解|解读|一图|读懂|问答|答记者问|视频|新闻|动态"
    r"|半年|季度|月份"
)
#: Plans are excluded unless they follow the year's summary ("工作总结及2022年工作计划" is a report).
PLAN_TITLE = re.compile(r"计划|要点|安排|打算")
SUMMARY_BEFORE_PLAN = re.compile(r"(?:总结|报告).*(?:计划|要点|安排|打算)")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_IN_PARENS = re.compile(r"[(（]\s*((?:19|20)\d{2})\s*(?:年度?)?\s*[)）]")
_BODY_OPENING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年(?:度)?\s*(?:[,，、]|以来|是|我|全年|,?在|来)")
_BODY_REPORTING_YEAR = re.compile(
    r"现将.{0,40}?((?:19|20)\d{2})\s*年度?.{0,20}?(?:法治政府建设|依法行政).{0,12}?(?:报告|汇报)如下"
)
_ON_SUBJECT = re.compile(r"法治|依法|法制")
_ISSUER_IN_OPENING = re.compile(
    r"^\s*(?:19|20)\d{2}\s*年度?\s*[,，]\s*(?!我)(.{2,30}?(?:人民政府|政府|办事处|管委会|委员会|局|厅|办公室))"
    r"(?=坚持|以|在|深入|认真|全面|紧紧|围绕|始终|按照|着力|紧扣)"
)
_ISSUER_IN_TITLE = re.compile(r"^(.{2,30}?(?:人民政府|政府|办公室|局|委员会|办事处|厅))关于")

#: Oldest and newest plausible years covered (the 2004 纲要 started annual 依法行政 reporting).
MIN_YEAR = 2004


@dataclass
class Classification:
    """The verdict; ``reason`` explains it in a few words (shown in logs and the archive)."""

    is_report: bool
    year: int | None = None
    publisher: str | None = None
    reason: str = ""


def _plausible(year: int, published: date | None) -> bool:
    latest = (published.year if published else date.today().year) + 1
    return MIN_YEAR <= year <= latest


def title_verdict(title: str | None) -> tuple[bool, str]:
    """(is report, reason) from a title alone."""
    if not title:
        return False, "no title"
    title = re.sub(r"\s+", "", title)
    excluded = NOT_REPORT_TITLE.search(title)
    if excluded is None and not SUMMARY_BEFORE_PLAN.search(title):
        excluded = PLAN_TITLE.search(title)
    if REPORT_TITLE.search(title):
        if excluded:
            return False, f"report-like title but {excluded.group(0)!r}"
        return True, "report title"
    return False, "not a report title"


def year_from_title(title: str | None) -> int | None:
    """The year a report title names (``2019年``, ``2019年度``, ``（2019年）``)."""
    if not title:
        return None
    for pattern in (_YEAR_IN_PARENS, _YEAR_IN_TITLE):
        match = pattern.search(title)
        if match:
            return int(match.group(1))
    return None


def year_from_body(text: str | None) -> int | None:
    """The year named at the opening of the body ("2019年，我区…") or in "现将…2019年…报告如下"."""
    lines = (text or "").splitlines()
    for line in lines[:3]:
        match = _BODY_OPENING_YEAR.match(line)
        if match:
            return int(match.group(1))
    match = _BODY_REPORTING_YEAR.search("".join(lines[:5])[:600])
    return int(match.group(1)) if match else None


def issuer(title: str | None, text: str | None, source: str | None = None) -> str | None:
    """Who issued the report: the closing signature, else the subject of the opening sentence
    ("2019年，江门市人民政府坚持…"), else the source, else ``XX关于…`` in the title."""
    lines = (text or "").splitlines()
    found = signature(lines)
    if found:
        return found
    opening = _ISSUER_IN_OPENING.match(lines[0]) if lines else None
    if opening:
        return opening.group(1)
    if source:
        return source
    match = _ISSUER_IN_TITLE.match(re.sub(r"\s+", "", title or ""))
    return match.group(1) if match else None


def classify(
    title: str | None,
    text: str | None,
    list_title: str | None = None,
    published: date | None = None,
    *,
    source: str | None = None,
    use_published_year: bool = True,
) -> Classification:
    """Classify one page; ``source`` is the extracted publisher (ContentSource/来源)."""
    is_report, reason = title_verdict(title)
    used_title = title
    if not is_report and list_title and list_title != title:
        list_verdict, list_reason = title_verdict(list_title)
        # The list anchor decides only when the page title says nothing on the subject (a generic site title).
        if list_verdict and not (title and _ON_SUBJECT.search(title)):
            is_report, reason, used_title = True, "report list title", list_title
        elif not title:
            reason = list_reason
    if not is_report:
        return Classification(False, None, None, reason)

    year, year_source = year_from_title(used_title), "title"
    if year is None or not _plausible(year, published):
        year, year_source = year_from_body(text), "body"
    if (year is None or not _plausible(year, published)) and use_published_year and published:
        year, year_source = (published.year - 1, "published") if published.month <= 6 else (None, "")
    if year is not None and not _plausible(year, published):
        year = None
    reason = f"{reason}; year from {year_source}" if year is not None else f"{reason}; year unknown"
    return Classification(True, year, issuer(used_title, text, source), reason)


class ClassifyPipeline(Counting):
    """Set ``kind`` ("report"/"other"), ``year`` and, for reports, ``publisher`` (the issuing body).

    Settings
    --------
    FAZHI_CLASSIFY_PUBLISHED_YEAR : bool
        Allow the published-minus-one year heuristic for reports published January–June.

    Stats: ``classify/report``, ``classify/other``, ``classify/year_unknown``, ``portal/<id>/reports``.
    """

    def __init__(
        self,
        stats: StatsCollector | None = None,
        use_published_year: bool = True,
    ) -> None:
        self.stats = stats
        self.use_published_year = use_published_year

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        settings = crawler.settings
        return cls(crawler.stats, settings.getbool("FAZHI_CLASSIFY_PUBLISHED_YEAR"))

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        result = classify(
            item.title,
            item.text,
            item.list_title,
            item.published,
            source=item.publisher,
            use_published_year=self.use_published_year,
        )
        if result.is_report and item.text:
            item.kind = "report"
            item.year = result.year
            item.publisher = result.publisher or item.publisher
            self._inc("classify/report")
            self._inc(portal_stat(item.portal_id, "reports"))
            if result.year is None:
                self._inc("classify/year_unknown")
        else:
            item.kind = "other"
            self._inc("classify/other")
        return item
