"""The gov-portal rule pack, as data: body containers, chrome phrases, footer markers, metadata labels.

Everything site-shaped lives here (like trafilatura's ``xpaths.py``) so the extractor stays generic and a
new portal template means a new line of data, not new code. Sources for each rule: DOMAIN.md §1, §3 and
the saved pages in ``../shared/realpages``.
"""

from __future__ import annotations

import re

from cssselect import GenericTranslator

# -- body containers ----------------------------------------------------------------------------------

#: CSS selectors of the article body, most specific first. The first selector with enough text wins.
BODY_SELECTORS: tuple[str, ...] = (
    "div.TRS_Editor",  # TRS WCM (samples 02, 04)
    "div.TRS_UEDITOR",  # TRS WCM, newer editor
    "#UCAP-CONTENT",  # www.gov.cn template (sample 03)
    "#zoom",  # Hanweb JCMS and many TRS templates (samples 01, 05)
    "#Zoom",
    ".article-content",
    ".pages_content",
    ".Custom_UnionStyle",
    "#content",
    ".bt_content",  # Hanweb table layout (sample 05)
    "#mainText",
)

#: XPath fallbacks for old layouts, with the text a match needs (they are generic, so a footer or a
#: link box must not pass for a body): the cell holding the most paragraphs (sample 07), and the cell or
#: block whose paragraphs are ``<br>``-separated (ASP-era table layouts, mirror sites).
BODY_XPATHS: tuple[str, ...] = ("//td[count(p) >= 3]", "//td[count(br) >= 3]", "//div[count(br) >= 3]")
BODY_XPATH_MIN_CHARS = 200

#: A container with fewer non-space characters than this is a stub; try the next selector.
MIN_CONTAINER_CHARS = 20

_TRANSLATOR = GenericTranslator()
BODY_CONTAINER_XPATHS: tuple[str, ...] = tuple(
    _TRANSLATOR.css_to_xpath(css, prefix="//") for css in BODY_SELECTORS
) + (BODY_XPATHS)

#: Elements never part of the text.
DROP_TAGS: tuple[str, ...] = (
    "script",
    "style",
    "noscript",
    "template",
    "select",
    "button",
    "textarea",
    "iframe",
)

#: Elements whose content is chrome wherever they sit (share widgets, QR codes, print bars, 纠错): these
#: ids, classes containing these parts, and inline ``display:none``.
CHROME_IDS: tuple[str, ...] = ("_jiucuo_", "qr_container", "share", "share-box", "share-popup")
CHROME_CLASS_PARTS: tuple[str, ...] = ("bshare", "pages_print", "share-box")
#: The same as one XPath. It tests the attribute nodes (``//@id[…]/..``) rather than every element
#: (``//*[@id=… or …]``): the same elements in document order, about four times faster.
CHROME_ELEMENT_XPATH = " | ".join(
    [
        "//@id[" + " or ".join(f". = '{name}'" for name in CHROME_IDS) + "]/..",
        "//@class[" + " or ".join(f"contains(., '{part}')" for part in CHROME_CLASS_PARTS) + "]/..",
        "//@style[contains(translate(., ' ', ''), 'display:none')]/..",
    ]
)

#: Block-level tags: each starts a new line in the extracted text.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "center",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "dl",
        "header",
        "footer",
        "form",
        "hr",
        "caption",
        "tbody",
        "thead",
    ]
)

#: Link targets kept as attachments.
ATTACHMENT_EXTENSIONS: tuple[str, ...] = (
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".ofd",
    ".xls",
    ".xlsx",
    ".et",
    ".zip",
)
#: In trafilatura's output, a line equal to a link text this short is navigation, not body.
NAV_LINK_MAX = 20

#: Ancestors of the body container are searched for attachment links while they add at most this many chars.
ATTACHMENT_SCOPE_SLACK = 200
ATTACHMENT_LINK_TEXT = re.compile(r"附件下载|\[附件\]|【附件】|下载附件")

# -- chrome lines ---------------------------------------------------------------------------------------

#: Whole lines (short ones) that are page chrome when they *start* with these.
CHROME_LINE_STARTS = re.compile(
    r"^\s*(?:当前位置|您所在的位置|您当前所在位置|您现在的位置|您的位置|当前的位置|所在位置|位置)\s*[:：]"
    r"|^\s*今天是"
    r"|^\s*(?:相关文档|相关链接|相关公告|相关稿件|相关文章|相关新闻|相关阅读|相关信息)\s*[:：]?"
    r"|^\s*(?:上一篇|下一篇|上一条|下一条)\s*[:：]"
    r"|^\s*(?:分享到|分享)\s*[:：]"
    r"|^\s*(?:字体|字号)\s*[:：]"
    r"|^\s*(?:浏览次数|访问次数|阅读次数|点击次数|点击数|浏览量|阅读量)\s*[:：]"
    r"|^\s*[【\[]?\s*广告\s*[】\]]"
    # Volatile lines: counters, clocks and request ids that differ on every fetch (a new version each
    # crawl otherwise). A label family followed by its number or token, not one exact string.
    r"|^\s*(?:当前|目前|实时)?在线(?:人数|用户|访客|人)?\s*[:：]?\s*\d"
    r"|^\s*您是(?:本站|本网站|本网)?(?:的)?第\s*[\d,]+\s*(?:位|个|名)"
    r"|^\s*(?:今日|今天|本日|昨日|本月|累计|总|本站|网站|全站)?"
    r"(?:访问量|访问人数|访问人次|访问次数|浏览人次|浏览量|点击量|访客数?|PV|UV)\s*[:：]?\s*[\d,]"
    r"|^\s*(?:请求|Request|Trace|会话|Session|流水)\s*[-_ ]?(?:ID|Id|id|编号|标识|号)\s*[:：=]"
    r"|^\s*(?:页面|本页|网页)?(?:生成|执行|加载|响应|查询)(?:时间|耗时|用时)\s*[:：]?\s*[\d.]+\s*(?:ms|毫秒|秒|s)"
    r"|^\s*(?:当前时间|服务器时间|系统时间|北京时间|现在时间)\s*[:：]"
    # an id under a short Latin label: a UUID, or 16+ hex digits mixing letters and digits (never a 文号)
    r"|^[A-Za-z_\s-]{0,16}[:：=]\s*[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\s*$"
    r"|^[A-Za-z_\s-]{0,16}[:：=]\s*(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{16,}\s*$"
)

#: Tokens of page chrome; a short line made only of these (plus punctuation) is dropped.
CHROME_TOKENS = re.compile(
    r"打印本页|打印页面|打印此页|打印文章|打印|关闭窗口|关闭本页|关闭页面|点击关闭|关闭|返回顶部|回到顶部|返回首页|返回"
    r"|扫一扫在手机打开当前页|扫一扫在手机上查看当前页面|扫一扫|手机打开当前页"
    r"|(?:浏览次数|访问次数|阅读次数|点击次数|点击数|浏览量|阅读量)\s*[:：]?\s*[-\d]*"
    r"|我要纠错|网站纠错|纠错|分享到|分享|收藏|无障碍|简体|繁体|长辈版|关怀版|适老化"
    r"|字体|字号|默认|超大|大|中|小|保存|下载|视力保护色|双击屏幕自动滚动"
    r"|(?i:pdf|word|wps|ofd|docx?|txt)\s*(?:版|格式|文件)?\s*下载"  # download bars: pdf下载 word下载
)
#: Punctuation and separators that may surround chrome tokens.
CHROME_FILLER = re.compile(r"[\s\[\]【】()（）<>《》|｜/:：·•、,，;；.。\-—_=+*#>»]+")
#: A chrome-token line is only dropped when it is at most this long (body sentences mentioning 打印 stay).
CHROME_LINE_MAX = 60

#: Footer markers: everything from the first one (in the last part of the text) onwards is cut.
FOOTER_MARKERS = re.compile(
    r"网站标识码|ICP备|ICP证|公网安备|主办单位\s*[:：]|承办单位\s*[:：]|版权所有|Copyright|©|技术支持\s*[:：]"
    r"|建议使用.{0,20}浏览器|党政机关网站"
)
#: A footer marker line this long or longer is body text that mentions the phrase, not a footer.
FOOTER_LINE_MAX = 120

# -- "not found" notices served with 200 (soft 404s) -------------------------------------------------

#: Phrases of a "not found" notice. A page is only a soft 404 when such a phrase *dominates* it (its title,
#: or a main text of at most ``SOFT_404_MAX_CHARS``): real reports quote them (对申请公开的信息不存在的，…).
SOFT_404_PHRASES = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要访问的|您所访问的)?(?:页面|网页|文章|信息)|您(?:所|要)?访问的(?:页面|网页)"
    r"|404\s*Not\s*Found|Page\s*Not\s*Found|Not\s*Found|(?:该|此)?(?:信息|文章|内容|页面)已(?:被)?(?:删除|撤销|下线)"
    r"|(?:信息|文章|内容|网页)不存在|(?:页面|网页)(?:出错|错误)|出错了|错误页面|\b404\b",
    re.IGNORECASE,
)
#: What else an error page's title may say around the phrase ("抱歉！页面不存在 - 404").
SOFT_404_TITLE_FILLER = re.compile(
    r"抱歉|对不起|提示(?:信息)?|系统|错误|error|访问|[\s\W_\d]+", re.IGNORECASE
)
#: A main text (non-space characters) this short that holds a phrase is a not-found notice.
SOFT_404_MAX_CHARS = 300

# -- header line and 信息公开 metadata table -------------------------------------------------------------

#: Labels of the 来源/发布时间 line under the title.
HEADER_LABELS = (
    "来源|信息来源|文章来源|稿件来源|发布时间|发布日期|发表时间|更新时间|时间|日期|作者|信息发布人|发布人|编辑"
    "|责任编辑|浏览次数|访问次数|阅读次数|点击数|阅读|浏览|点击|字号|字体"
)
HEADER_LINE = re.compile(rf"^\s*(?:[\[【(（]?\s*(?:{HEADER_LABELS})\s*[:：])")
#: A header line also may start with the date itself ("2021年06月10日 17:35 来源：").
HEADER_LINE_DATE_FIRST = re.compile(
    rf"^\s*\d{{4}}\s*[-年/.]\s*\d{{1,2}}\s*[-月/.]\s*\d{{1,2}}\s*日?[\s\d:：]*.{{0,20}}?(?:{HEADER_LABELS})\s*[:：]"
)
HEADER_LINE_MAX = 120

#: Labels of the 信息公开 metadata table (索引号 … 发文字号).
XXGK_LABELS: tuple[str, ...] = (
    "索引号",
    "主题分类",
    "发布机构",
    "发文机关",
    "发文机构",
    "发文单位",
    "发布单位",
    "成文日期",
    "发布日期",
    "发文字号",
    "文号",
    "生效日期",
    "有效性",
    "主题词",
    "公开方式",
    "公开范围",
    "信息分类",
    "体裁分类",
    "组配分类",
    "名称",
    "标题",
)
#: The issuer line above a 关于…的报告 heading (某某县人民政府, 某某市司法局): an organisation's name alone.
ISSUER_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(?:人民政府|政府|办公室|办公厅|局|委员会|委|办事处|厅|院|中心|街道|镇|乡)$"
)
#: A metadata table holds no body sentence: text this long with a full stop is a paragraph.
XXGK_BODY_SENTENCE = 50

#: An element is the metadata table when it holds at least this many labels and little else.
XXGK_MIN_LABELS = 3
XXGK_MAX_CHARS = 600
XXGK_LINE = re.compile(r"^\s*(?:" + "|".join(XXGK_LABELS) + r")\s*[:：]")
XXGK_LABEL_ONLY = re.compile(r"^\s*(?:" + "|".join(XXGK_LABELS) + r")\s*[:：]?\s*$")

# -- metadata -------------------------------------------------------------------------------------------

#: 指引 meta names (lower-cased) in order of preference.
META_TITLE = ("articletitle", "og:title", "title")
META_PUBDATE = ("pubdate", "firstpublishedtime", "publishdate", "article:published_time", "pubtime")
META_SOURCE = ("contentsource", "source")
META_SITENAME = ("sitename", "og:site_name")

#: Visible date labels, strongest first.
DATE_LABELS = ("发布时间", "发布日期", "发表时间", "公开日期", "成文日期", "时间", "日期")
SOURCE_LABELS = ("来源", "信息来源", "文章来源", "稿件来源")
XXGK_PUBLISHER_LABELS = ("发布机构", "发文机关", "发文机构", "发文单位", "发布单位")
#: Visible labels that state the publication date itself. Such a date wins over the PubDate meta, which
#: templates refill with the build time when a page is re-published; 生成日期 (build date) never counts.
PUBLICATION_DATE_LABELS = ("发布时间", "发布日期", "发表时间", "公开日期")

#: Site-name parts of a <title> (``报告_XX区人民政府``, ``XX人民政府门户网站——报告``).
SITE_NAME_PART = re.compile(
    r"(?:人民政府|政府|办公室|办公厅)(?:门户)?(?:网站|网|门户)?$|门户网站$|政府网$|网站$|首页$|信息公开(?:网|平台)?$"
    r"|^[\u4e00-\u9fff]{2,10}(?:网|平台|在线)$"  # a mirror's own name (…情况报告-政策资讯网)
)
TITLE_SEPARATORS = re.compile(r"\s*(?:_|——|--|\||｜|(?<!\d)[-—](?!\d))\s*")
