"""The web UI's languages: Chinese (zh-CN) first, English available.

Templates write English source strings as ``{{ _("Search") }}``; :data:`ZH` is the Chinese catalogue (a test
checks that every string the templates use has an entry). The language of a request is, in order: the
``?lang=`` parameter (which also sets the ``lang`` cookie), the ``lang`` cookie, the browser's
``Accept-Language``, and otherwise zh-CN — the archive's users are Chinese researchers and officials.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from starlette.requests import Request

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
COOKIE = "lang"

ZH: dict[str, str] = {
    # navigation and frame
    "Search": "搜索",
    "Changes": "变更",
    "Coverage": "发布情况",
    "Figures": "数据对比",
    "search reports": "搜索报告全文",
    "Annual rule-of-law government report archive": "法治政府建设年度报告档案",
    "fazhi keeps every version of every report it finds. Times are UTC.": "fazhi 保存所发现每份报告的每个版本。时间均为 UTC。",
    "Archive": "档案",
    # home
    "Every annual rule-of-law government report fazhi has found on government portals, with every version, what changed, and who published on time (before 1 April).": "fazhi 在政府网站上找到的每一份法治政府建设年度报告：每个版本、改了什么、谁按时（4月1日前）发布。",
    "portals": "个网站",
    "reports": "份报告",
    "documents": "篇文档",
    "versions": "个版本",
    "change events": "条变更",
    "Latest changes": "最新变更",
    "All changes →": "全部变更 →",
    "The archive is empty. Run fazhi crawl first.": "档案为空，请先运行 fazhi crawl。",
    # report page
    "untitled": "无标题",
    "Portal": "网站",
    "Kind": "类型",
    "Year covered": "报告年度",
    "Publisher": "发布机关",
    "Published": "发布日期",
    "Status": "状态",
    "First / last seen": "首次 / 最近发现",
    "Moved from": "原地址",
    "Moved to": "新地址",
    "Document id": "文档编号",
    "unknown": "未知",
    "mirror": "转载网站",
    "on time": "按时发布",
    "after the 31 March deadline": "晚于3月31日期限",
    "Where this report is published": "该报告的发布位置",
    "report group": "报告组",
    "canonical": "原始版本",
    "published": "发布于",
    "Versions and events": "版本与事件",
    "version": "版本",
    "fetched (UTC)": "抓取时间 (UTC)",
    "chars": "字数",
    "similarity": "相似度",
    "Compare": "比较",
    "with": "与",
    "Show diff": "显示差异",
    "Text of version": "版本正文",
    "fetched": "抓取于",
    "not the latest": "非最新版本",
    "No text stored for this document.": "该文档没有保存正文。",
    # reading
    "Required parts": "法定内容",
    "Required parts (督察工作规定 Art. 25)": "报告法定内容（《法治政府建设与责任落实督察工作规定》第二十五条）",
    "complete": "内容齐全",
    "missing": "缺少",
    "part": "第",
    "found by heading": "依据标题",
    "found by sentence": "依据语句",
    "not found": "未找到",
    "Structure": "结构",
    "Key figures": "主要数据",
    "figure": "指标",
    "value": "数值",
    "year on year": "同比",
    "sentence": "出处",
    "No key figures found.": "未找到主要数据。",
    "No numbered headings.": "没有编号标题。",
    "Bold in the page": "网页中的粗体",
    # coverage
    "Coverage: who published, and when": "发布情况：谁发布了报告、何时发布",
    "Year": "年度",
    "include mirrors": "包括转载网站",
    "Show": "显示",
    "portal": "网站",
    "due": "截止",
    "totals": "合计",
    "days late": "天逾期",
    "also on": "亦见于",
    "first seen": "首次发现",
    "No reports in the archive yet.": "档案中还没有报告。",
    "contents": "内容",
    "late": "逾期发布",
    "date unknown": "日期不详",
    "not due yet": "未到期",
    # figures chart
    "Figures over the years": "历年数据对比",
    "Jurisdictions": "地区（网站）",
    "Show chart": "显示图表",
    "No values for this figure and these jurisdictions.": "所选地区没有该指标的数据。",
    "Values": "数据",
    "source": "出处",
    "A figure over the years for the chosen jurisdictions, read from their reports (latest version of each).": "所选地区历年报告（各取最新版本）中的同一指标。",
    # search, changes, diff, groups, errors
    "Words": "关键词",
    "Region": "地区",
    "Level": "层级",
    "any": "全部",
    "Nothing matches every word. One- and two-character words are matched as substrings; try fewer words.": "没有同时包含所有关键词的结果。一、二字的词按子串匹配；请减少关键词。",
    "Change feed": "变更记录",
    "Since": "起始日期",
    "Event": "事件",
    "Filter": "筛选",
    "Order": "排序",
    "most significant first": "重要变更优先",
    "newest first": "最新优先",
    "Cite as": "引用",
    "re-extracted": "重新提取",
    "No change events.": "没有变更事件。",
    "time (UTC)": "时间 (UTC)",
    "event": "事件",
    "document": "文档",
    "summary": "摘要",
    "Report group": "报告组",
    "Version": "版本",
    "characters, similarity": "字，相似度",
    "The two versions have the same text.": "两个版本正文相同。",
    "Back to the archive": "返回档案首页",
    "or search below.": "或在下方搜索。",
    "Not found": "未找到",
    "Error": "错误",
    "Bad request": "请求有误",
    "English": "English",
    "中文": "中文",
}

STATE_LABELS = {
    "on_time": "on time",
    "late": "late",
    "undated": "date unknown",
    "missing": "missing",
    "not_due": "not due yet",
}


def _accept_language(header: str) -> str | None:
    """The best of :data:`LANGUAGES` in an ``Accept-Language`` header (q-values honoured), if any."""
    choices = []
    for i, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        choices.append((-q, i, tag.strip().lower()))
    for _, _, tag in sorted(choices):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return None


def _known(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    if value.startswith("zh"):
        return "zh-CN"
    if value.startswith("en"):
        return "en"
    return None


def language(request: Request) -> str:
    """The UI language of a request: ?lang=, then the cookie, then Accept-Language, then zh-CN."""
    return (
        _known(request.query_params.get("lang"))
        or _known(request.cookies.get(COOKIE))
        or _accept_language(request.headers.get("accept-language", ""))
        or DEFAULT
    )


def translator(lang: str) -> Callable[[str], str]:
    """``_("Search")`` → "搜索" in zh-CN, the English source otherwise (or when the catalogue lacks it)."""
    if lang == "en":
        return lambda text: text
    return lambda text: ZH.get(text, text)


def switch_url(request: Request, lang: str) -> str:
    """This page (path and query, relative to the host) in another language."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    return request.url.path + "?" + urlencode(params)


def template_context(request: Request) -> dict:
    """Starlette context processor: every template gets ``lang``, ``_`` and the language switch links."""
    lang = language(request)
    return {
        "lang": lang,
        "_": translator(lang),
        "lang_links": {code: switch_url(request, code) for code in LANGUAGES},
    }
