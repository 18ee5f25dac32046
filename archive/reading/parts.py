"""Which of the five parts 《法治政府建设与责任落实督察工作规定》(2019) Art. 25 requires a report contains.

The annual report must cover (1) the year's main measures and results, (2) shortcomings and their causes,
(3) how the principal party and government leaders performed their duty as first persons responsible for
rule of law, (4) the main arrangements for the next year, (5) other matters to report.

A part is found by its **heading** (a level-1 or level-2 heading whose words name it, e.g.
"二、存在的不足和原因") or, failing that, by a **sentence** that does its job (e.g. "但……仍存在一些短板和
薄弱环节" for part 2, a sentence on the leaders' 第一责任人 duty for part 3). The evidence is that heading or
sentence, with its offsets. Headings can name two parts at once ("存在的问题和下一步工作打算").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.reading.sections import headings as find_headings
from archive.reading.text import sentences

PART_NAMES = {
    1: "主要举措和成效",
    2: "存在的不足和原因",
    3: "党政主要负责人履行推进法治建设第一责任人职责情况",
    4: "下一年度推进法治政府建设的主要安排",
    5: "其他需要报告的情况",
}

_NEXT = r"(下一步|下一阶段|下阶段|今后|明年|工作安排|工作计划|工作打算|工作思路|工作意见|工作设想|展望)"
_HEADING_RULES = {
    1: re.compile(r"(举措|成效|成绩|工作情况|主要工作|工作回顾|主要做法|开展情况|进展情况|落实情况)"),
    2: re.compile(r"(不足|问题|短板|薄弱|差距)"),
    3: re.compile(r"(第一责任人|主要负责人.{0,12}职责)"),
    4: re.compile(_NEXT),
    5: re.compile(r"其他.{0,8}(事项|情况)"),
}
_SENTENCE_RULES = {
    1: re.compile(r"(主要举措和成效|取得.{0,6}(新)?成效|(工作|具体)情况(报告)?如下)"),
    2: re.compile(r"(存在|仍有|还有).{0,20}(不足|问题|短板|薄弱环节|差距)"),
    3: re.compile(r"第一责任人.{0,6}(职责|责任)"),
    4: re.compile(r"^(下一步|下一阶段|下来|今后|新的一年|明年)[,，]?.{0,40}(将|要|重点|计划|继续)"),
    5: re.compile(r"其他需要(报告|说明)的(事项|情况)"),
}


@dataclass(frozen=True)
class Evidence:
    part: int
    kind: str  # "heading" | "sentence"
    text: str
    start: int
    end: int


_LEVEL2_SHORTCOMINGS = re.compile(r"(存在|不足|短板|薄弱|差距)")


def _heading_rule(part: int, title: str, year: int | None, level: int = 1) -> bool:
    if part == 2 and level == 2 and not _LEVEL2_SHORTCOMINGS.search(title):
        return False  # "(三)化解矛盾纠纷问题" inside part 1 is not a part of its own
    named = re.search(r"(\d{4})年", title)
    if part == 4 and year is not None and named and int(named.group(1)) != year + 1:
        return False  # "2019年工作计划" in a 2019 report is not next year's plan
    if _HEADING_RULES[part].search(title):
        # plans and problems are not measures, whatever else the heading says
        return not (part == 1 and (_HEADING_RULES[4].search(title) or _HEADING_RULES[2].search(title)))
    # "2020年工作计划" / "2020年推进法治政府建设的主要安排"
    return bool(
        part == 4
        and year is not None
        and re.search(rf"{year + 1}年.{{0,16}}(计划|安排|打算|重点|思路)", title)
    )


def _sentence_rule(part: int, sentence: str, year: int | None) -> bool:
    if _SENTENCE_RULES[part].search(sentence):
        return True
    if part == 4 and year is not None:
        return bool(re.match(rf"{year + 1}年[,，].{{0,40}}(将|要|重点抓好|计划)", sentence))
    return False


def required_parts(text: str, year: int | None = None) -> dict[int, Evidence]:
    """Part number → evidence, for the parts found. ``year`` (the year the report covers) lets
    "2020年工作计划" count as part 4 of a 2019 report."""
    found: dict[int, Evidence] = {}
    heads = [h for h in find_headings(text) if h.level <= 2]
    for level in (1, 2):
        for h in heads:
            if h.level != level:
                continue
            for part in PART_NAMES:
                if part not in found and _heading_rule(part, h.title, year, h.level):
                    found[part] = Evidence(part, "heading", h.marker + h.title, h.start, h.end)
    missing = [p for p in PART_NAMES if p not in found]
    if missing:
        for start, end, sentence in sentences(text):
            for part in missing:
                if part not in found and _sentence_rule(part, sentence, year):
                    found[part] = Evidence(part, "sentence", sentence, start, end)
    return dict(sorted(found.items()))


def compliance_label(parts: list[int] | set[int]) -> str:
    """ "complete", or "missing part 3" / "missing parts 3, 5"."""
    missing = [p for p in PART_NAMES if p not in set(parts)]
    if not missing:
        return "complete"
    word = "part" if len(missing) == 1 else "parts"
    return f"missing {word} {', '.join(map(str, missing))}"
