"""Key figures of a report: what it says about 行政复议, 行政诉讼, 出庭应诉, 规范性文件 … with the sentence and
character offsets each comes from.

How a figure is read:

1. The text is cut into sentences (。！？ or a line end) and each sentence into clauses (， ； ：).
2. Every number followed by a unit is a *mention*: Arabic (``156件``, ``12.3%``, ``5万多人次``), Chinese
   numerals (``一百二十六件``, via :mod:`cn2an`) or ``百分之九十五``.
3. A mention is named by the words around it in its clause: the *lead* (from the previous mention, or the
   clause start, up to the number) and the *tail* (up to the next mention or the clause end), so both
   "审查规范性文件23件" and "对23件规范性文件进行合法性审核" are read. Counts need their noun in that window;
   rates and follow-ups ("依法审结148件", "纠错率12.3%") may take their subject (行政复议 …) from an earlier
   clause of the same sentence.
4. "同比增长15%" / "较上年提高2个百分点" right after a figure is that figure's change (``yoy``, in % or
   percentage points ``pp``), not a figure of its own.

Names come from :data:`VOCABULARY` (documented in the README); units are normalized (宗/起/件次/份 → 件,
名/位 → 人). Approximate counts ("200多件", "近200条") give the number written. Mentions that match no
rule — training sessions, hotline tickets, 网上可办率 — are not key figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.reading.text import sentences

#: name → (unit, meaning). The vocabulary of ``fazhi figures``.
VOCABULARY: dict[str, tuple[str, str]] = {
    "行政复议案件数": ("件", "行政复议申请/案件 received, accepted or handled in the year"),
    "行政复议审结数": ("件", "行政复议案件 decided (审结/办结)"),
    "行政复议纠错率": (
        "%",
        "share of 行政复议 decisions that corrected the agency (纠错率, 综合/直接纠错率)",
    ),
    "行政诉讼案件数": ("件", "行政诉讼/行政应诉 cases in which the government was defendant"),
    "行政诉讼败诉率": ("%", "share of 行政诉讼 cases the government lost"),
    "负责人出庭应诉率": ("%", "行政机关负责人出庭应诉率"),
    "负责人出庭应诉案件数": ("件", "cases (件次) in which an agency head appeared in court"),
    "规范性文件制定数": ("件", "行政规范性文件 made/issued (制定, 出台, 制发)"),
    "规范性文件审查数": ("件", "规范性文件 given legality review (审查, 合法性审核)"),
    "规范性文件备案数": ("件", "规范性文件 filed for the record (备案)"),
    "规范性文件清理数": ("件", "规范性文件 examined in a clean-up (清理)"),
    "重大行政决策数": ("项", "重大行政决策 made or listed in the year's catalogue"),
    "合法性审查数": ("件", "decisions, contracts and documents given legality review (法律顾问, 司法局)"),
    "行政执法案件数": ("件", "行政处罚/行政执法 cases handled or decided"),
    "行政执法人员数": ("人", "持证行政执法人员"),
    "法律顾问人数": ("人", "法律顾问 engaged (聘请, 选聘, 续聘)"),
    "法律援助案件数": ("件", "法律援助案件 handled"),
    "矛盾纠纷调解数": ("件", "矛盾纠纷 mediated (调解)"),
    "调解成功率": ("%", "share of mediations that succeeded"),
    "主动公开政府信息数": ("条", "government information published proactively (主动公开)"),
    "政府信息公开申请数": ("件", "政府信息公开 requests received or handled (依申请公开)"),
}

_UNIT_CLASS = {
    "件": "count",
    "宗": "count",
    "起": "count",
    "件次": "count",
    "份": "count",
    "项": "item",
    "名": "person",
    "人": "person",
    "位": "person",
    "条": "entry",
    "%": "pct",
}
_UNITS = "个百分点|件次|人次|件|宗|起|份|项|名|人|位|条|次|个|%"
_CN_CHARS = "零〇一二两三四五六七八九十百千万"
_MENTION = re.compile(
    rf"(?:百分之(?P<pcn>[{_CN_CHARS}]+(?:点[{_CN_CHARS}]+)?)"
    rf"|(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_CHARS}]{{2,}}|[二两三四五六七八九十])"
    rf"(?P<mul>万|亿)?(?P<approx>多|余)?"
    rf"(?P<unit>{_UNITS}))"
)
_CLAUSE = re.compile(r"[，;；:：]|,(?!(?<=\d,)\d{3}(?!\d))")  # not the comma of 1,234
_YOY = re.compile(
    r"(同比|较上年|比上年|较去年|比去年|较上一年)(增长|上升|提高|增加|下降|减少|降低|回落)了?(约)?$"
)
_DOWN = ("下降", "减少", "降低", "回落")


@dataclass(frozen=True)
class Rule:
    name: str
    units: tuple[str, ...]  # unit classes
    near: str  # regex that must match the lead or the tail
    topic: str | None = None  # with ``carry``: the sentence's subject so far must be this topic
    carry: bool = False
    exclude: str | None = None  # regex that must not match the lead + tail

    def __post_init__(self) -> None:
        object.__setattr__(self, "near_re", re.compile(self.near))
        object.__setattr__(self, "exclude_re", re.compile(self.exclude) if self.exclude else None)


# Order matters: the first rule that fits names the mention.
RULES: tuple[Rule, ...] = (
    Rule("负责人出庭应诉率", ("pct",), r"出庭应诉率", topic="出庭", carry=True),
    Rule("负责人出庭应诉案件数", ("count",), r"负责人.{0,6}出庭应诉", exclude=r"率"),
    Rule("行政复议纠错率", ("pct",), r"纠错率", topic="复议", carry=True),
    Rule("行政诉讼败诉率", ("pct",), r"败诉率", topic="诉讼", carry=True),
    Rule("调解成功率", ("pct",), r"调解成功率|调处成功率"),
    Rule("行政复议审结数", ("count",), r"(审结|办结|结案)", topic="复议", carry=True, exclude=r"率"),
    Rule(
        "行政复议案件数", ("count",), r"行政复议(申请|案件)|复议机关收案", exclude=r"审结|办结|纠错|决定书|率"
    ),
    Rule("行政诉讼案件数", ("count",), r"行政诉讼案件|行政应诉.{0,8}案件|行政案件", exclude=r"出庭|败诉|率"),
    Rule("规范性文件备案数", ("count",), r"规范性文件.{0,20}备案|备案.{0,20}规范性文件"),
    Rule("规范性文件清理数", ("count",), r"清理.{0,6}规范性文件|规范性文件.{0,6}清理"),
    Rule("规范性文件审查数", ("count",), r"(审查|审核).{0,8}规范性文件|规范性文件.{0,12}(审查|审核)"),
    Rule(
        "规范性文件制定数",
        ("count",),
        r"(制定|出台|制发|印发|发布).{0,60}规范性文件|规范性文件.{0,6}(制定|出台|制发)",
    ),
    Rule("重大行政决策数", ("item", "count"), r"重大行政决策"),
    Rule("合法性审查数", ("count",), r"合法性(审查|审核)|法律顾问.{0,12}(审查|审核)", exclude=r"规范性文件"),
    Rule(
        "行政执法案件数",
        ("count",),
        r"行政处罚(案件|决定)?|行政执法案件|执法案件",
        exclude=r"评查|案卷|审核|审查|信息|移送|裁量",
    ),
    Rule("行政执法人员数", ("person",), r"持证.{0,12}(执法人员|人数)|执法人员.{0,4}持证|持证人数"),
    Rule(
        "法律顾问人数",
        ("person",),
        r"(聘请|聘任|选聘|续聘|聘用).{0,60}法律顾问|法律顾问.{0,6}(共|有)",
        exclude=r"专家库",
    ),
    Rule("法律援助案件数", ("count",), r"法律援助案件"),
    Rule("矛盾纠纷调解数", ("count",), r"调解.{0,8}纠纷|纠纷.{0,4}调解", exclude=r"率|成功"),
    Rule("主动公开政府信息数", ("entry",), r"主动公开"),
    Rule("政府信息公开申请数", ("count", "entry"), r"(信息)?公开申请|依申请公开"),
)

# Subjects a sentence can carry into later clauses ("…收到行政复议申请156件，依法审结148件").
_TOPICS = (
    ("出庭", re.compile(r"出庭应诉")),
    ("复议", re.compile(r"行政复议")),
    ("诉讼", re.compile(r"行政诉讼|行政应诉|行政案件")),
    ("other", re.compile(r"规范性文件|重大行政决策|法律顾问|行政处罚|行政执法|调解|法律援助|政府信息")),
)


@dataclass
class Figure:
    name: str
    value: int | float  # int when whole (_clean)
    unit: str
    sentence: str
    start: int  # offsets of the mention (number and unit) in the text
    end: int
    yoy: int | float | None = None  # change on the previous year
    yoy_unit: str | None = None  # "%" (relative) or "pp" (percentage points)


def parse_number(num: str, mul: str | None = None) -> float:
    """ "156" → 156, "12.3" → 12.3, "一百二十六" → 126 (cn2an), with 万/亿 applied."""
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", num):
        value = float(num.replace(",", ""))
    else:
        import cn2an  # imported on first use: 0.4 s

        value = float(cn2an.cn2an(num.replace("〇", "零"), "normal"))
    if mul == "万":
        value *= 10_000
    elif mul == "亿":
        value *= 100_000_000
    return value


def _clean(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def _topic_before(text: str) -> str | None:
    last, at = None, -1
    for name, pattern in _TOPICS:
        for m in pattern.finditer(text):
            if m.start() >= at:
                last, at = name, m.start()
    return last


def _name(sentence: str, lead: str, tail: str, before: str, unit_class: str) -> str | None:
    """The vocabulary name of a mention, from its lead/tail words (and, for ``carry`` rules, the subject
    the sentence has named so far); None when no rule fits."""
    for rule in RULES:
        if unit_class not in rule.units:
            continue
        if rule.exclude_re is not None and rule.exclude_re.search(lead + tail):
            continue
        if not rule.near_re.search(lead + "#" + tail):
            continue
        if rule.carry and (_topic_before(lead + "|" + tail) or _topic_before(before)) != rule.topic:
            continue
        if rule.topic == "出庭" and "负责人" not in sentence:
            continue
        return rule.name
    return None


def _sentence_figures(sentence: str, offset: int) -> list[Figure]:
    out: list[Figure] = []
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(sentence)] + [len(sentence) + 1]
    mentions = list(_MENTION.finditer(sentence))
    for i, m in enumerate(mentions):
        clause_start = max(b for b in bounds if b <= m.start())
        clause_end = min(b for b in bounds if b > m.start()) - 1
        prev_end = mentions[i - 1].end() if i and mentions[i - 1].end() > clause_start else clause_start
        next_start = mentions[i + 1].start() if i + 1 < len(mentions) else clause_end
        lead = sentence[prev_end : m.start()]
        tail = sentence[m.end() : max(m.end(), min(next_start, clause_end))]
        unit = "%" if m.group("pcn") else m.group("unit")
        value = parse_number(m.group("pcn"), None) if m.group("pcn") else None
        yoy = _YOY.search(lead)
        if yoy and unit in ("%", "个百分点"):
            if out and out[-1].yoy is None:
                v = parse_number(m.group("num"), m.group("mul"))
                out[-1].yoy = _clean(-v if yoy.group(2) in _DOWN else v)
                out[-1].yoy_unit = "%" if unit == "%" else "pp"
            continue
        unit_class = _UNIT_CLASS.get(unit)
        if unit_class is None:
            continue
        name = _name(sentence, lead, tail, sentence[: m.start()], unit_class)
        if name is None:
            continue
        if value is None:
            try:
                value = parse_number(m.group("num"), m.group("mul"))
            except ValueError:
                continue
        out.append(
            Figure(name, _clean(value), VOCABULARY[name][0], sentence, offset + m.start(), offset + m.end())
        )
    return out


def key_figures(text: str) -> list[Figure]:
    """Every key figure of ``text`` in reading order."""
    figures: list[Figure] = []
    for start, _end, sentence in sentences(text):
        if _MENTION.search(sentence):
            figures.extend(_sentence_figures(sentence, start))
    return figures
