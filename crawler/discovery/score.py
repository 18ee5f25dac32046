"""Scoring a portal's links on the way from its home page to the report column, and recognising the column.

Signals are the anchor text, the ``title`` attribute and the URL. Navigation toward the column is worth
following (政务公开 / 信息公开 → 法定主动公开内容 → 法治政府建设 (年度报告); 专题专栏 → 法治政府建设 → 年度报告);
columns that share the vocabulary but hold something else are *decoys* and are never followed: 普法 /
法治宣传, 工作动态 news about 法治政府建设, the 政府信息公开工作年度报告 column (another annual report),
政策解读 and 规范性文件.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from crawler.walkers.links import canonical_url, is_attachment_url

_DECOY_TEXT = re.compile(
    r"普法|法治宣传|宣传|动态|要闻|新闻|资讯|解读|图解|规范性文件|信息公开(工作)?年(度)?报|年报|政府工作报告|"
    r"指南|依申请|办事|服务|互动|留言|信箱|征集|调查|登录|注册|无障碍|长者|纠错|English|招聘|采购|招标"
)
_DECOY_URL = re.compile(r"pfzl|pufa|fzxc|gzdt|zcjd|gfxwj|xxgkndbg|gkndbg|xwzx|xwdt", re.I)
_POSITIVE = [
    (re.compile(r"法治政府建设"), 6.0),
    (re.compile(r"法治政府(?!建设)"), 4.0),
    (re.compile(r"依法行政"), 5.0),
    (re.compile(r"法治建设"), 3.0),
    (re.compile(r"年度报告|情况报告"), 3.0),
    (re.compile(r"报告"), 1.0),
    (re.compile(r"法定主动公开"), 3.0),
    (re.compile(r"政务公开|政府信息公开|信息公开"), 2.5),
    (re.compile(r"专题专栏|专题"), 1.5),
    (re.compile(r"主动公开|公开目录"), 1.0),
]
_URL_POSITIVE = re.compile(r"fzzf|fzjs|yfxz", re.I)
_URL_HUB = re.compile(r"zwgk|xxgk|fdzdgk|gkml|ztzl", re.I)
_ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art/\d{4}/\d{1,2}/\d{1,2}/|content_\d+|/\d{6}/[0-9a-f]{16,}\.s?html?$|"
    r"/article/|detail|show\.asp|/site/art/|/\d{3,}\.s?html?$",
    re.IGNORECASE,
)

_REPORT = re.compile(
    r"(法治政府建设|法治建设|依法行政).{0,30}(报告|总结)|(报告|总结).{0,12}(法治政府建设|依法行政)"
)
# Titles that carry the report's words but are not the report: news about it, its 解读, circulars.
_NOT_REPORT = re.compile(
    r"图解|解读|审议|听取|召开|印发|通知|要点|方案|通报|推进会|培训|部署|信息公开工作年度报告|考评|督察|征求意见"
)
COLUMN_WORDS = re.compile(r"法治政府|依法行政|法治建设|年度报告|工作报告")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def clean(text: str | None) -> str:
    """NFKC, simplified characters (mirrors write traditional ones), no whitespace."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return _t2s().convert(text) if text else text


def is_report_title(title: str) -> bool:
    """A link title naming a 法治政府建设 annual report itself (not news, 解读 or circulars about one)."""
    title = clean(title)
    return bool(_REPORT.search(title)) and not _NOT_REPORT.search(title)


def is_decoy(text: str, url: str = "") -> bool:
    return bool(_DECOY_TEXT.search(clean(text))) or bool(_DECOY_URL.search(urlsplit(url).path))


def looks_like_article(url: str) -> bool:
    return bool(_ARTICLE_URL.search(urlsplit(url).path)) or is_attachment_url(url)


def link_score(text: str, url: str) -> float:
    """How promising a navigation link is (anchor text + title attribute, and URL); ≤ 0: not followed."""
    text = clean(text)
    if not text or is_decoy(text, url):
        return 0.0
    score = sum(weight for pattern, weight in _POSITIVE if pattern.search(text))
    path = urlsplit(url).path
    if _URL_POSITIVE.search(path):
        score += 2.0
    elif _URL_HUB.search(path) and score:
        score += 0.5  # a hub's URL only backs up what its anchor says
    return score


@dataclass(frozen=True)
class PageLink:
    url: str
    text: str  # anchor text and title attribute, as shown
    anchor: str
    title: str


def page_links(markup: str, base_url: str) -> list[PageLink]:
    """Every http(s) link of a page with its anchor text and title attribute (Hanweb records included)."""
    if not markup or not markup.strip():
        return []
    markup = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", markup, flags=re.S)  # Hanweb datastore records
    markup = markup.replace('type="text/xml"', 'type="text/plain"')
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    out = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = canonical_url(urljoin(base_url, href))
        if not url.startswith(("http://", "https://")):
            continue
        anchor = re.sub(r"\s+", " ", a.text_content() or "").strip()
        title = (a.get("title") or "").strip()
        out.append(PageLink(url, f"{anchor} {title}".strip(), anchor, title))
    # Hanweb keeps the records inside <script type="text/xml">: lxml drops script content, so read them too
    for block in re.findall(r"<script[^>]*text/plain[^>]*>(.*?)</script>", markup, flags=re.S):
        out += page_links(block, base_url)
    return out


def report_items(links: list[PageLink], here: str) -> list[PageLink]:
    """Links of a list page that are annual reports (articles or files, not other columns)."""
    return [
        link
        for link in links
        if link.url != here and is_report_title(link.text) and looks_like_article(link.url)
    ]


def page_heading(markup: str) -> str:
    """The page's <title> and first <h1>/<h2>: what the page says it is."""
    found = re.findall(
        r"<title[^>]*>(.*?)</title>|<h[12][^>]*>(.*?)</h[12]>", markup[:200_000], flags=re.S | re.I
    )
    parts = [a or b for a, b in found[:3]]
    return re.sub(r"<[^>]+>", "", " ".join(parts))


def is_column(markup: str, url: str, anchor: str, links: list[PageLink]) -> tuple[bool, int]:
    """Whether a page is a report column: it lists annual reports (two, or one on a page named for them)
    and does not call itself a decoy. Returns the decision and the number of report items."""
    reports = len(report_items(links, canonical_url(url)))
    if not reports:
        return False, 0
    heading = clean(page_heading(markup))
    own = clean(anchor) + heading
    if _DECOY_TEXT.search(clean(anchor)) or re.search(r"信息公开(工作)?年(度)?报|解读|普法|动态", heading):
        return False, reports
    return reports >= 2 or bool(COLUMN_WORDS.search(own)), reports
