"""The readers on the real reports in ../shared/corpus, against values written by hand after reading them.

Hand reading (what a researcher compiling figures would take from each text):

* 江门 2019 — parts 1 (一、2019年度工作情况), 2 (a sentence: 仍存在一些短板和薄弱环节), 3 (a sentence on
  党政主要负责人履行推进法治建设第一责任人职责), 4 (二、下一步工作意见); no part 5. The 100 lawyers of the
  法律顾问专家库 are an expert pool, not engaged counsel, and are not taken.
* 中山西区 2019 — parts 1, 2, 3 (sentence), 4 (四、西区2020年推进法治政府建设工作计划); no part 5.
* 从化 2016 (a 依法行政 report from before the 2019 rule) — parts 1, 2, 4 (三、2017年工作计划). 直接纠错案件6件
  is a count, not the 纠错率; 调解成功1722件 of 1760 disputes screened is not a count of mediations.
"""

from __future__ import annotations

import pytest

from archive.reading.figures import key_figures
from archive.reading.parts import required_parts
from govsim.content import corpus_text

HAND = {
    "jiangmen-2019": (
        2019,
        {
            1: "一、2019年度工作情况",
            2: "仍存在一些短板和薄弱环节",
            3: "第一责任人职责",
            4: "二、下一步工作意见",
        },
        {
            ("规范性文件制定数", 70),
            ("规范性文件备案数", 51),
            ("规范性文件备案数", 7),
            ("合法性审查数", 200),
            ("行政执法人员数", 6878),
            ("法律顾问人数", 398),
            ("行政复议案件数", 745),
            ("行政复议纠错率", 40.02),
        },
    ),
    "zhongshan-xiqu-2019": (
        2019,
        {
            1: "一、2019年主要工作回顾及取得的成绩",
            2: "二、依法行政工作中存在的问题",
            3: "第一责任人职责",
            4: "四、西区2020年推进法治政府建设工作计划",
        },
        {
            ("规范性文件审查数", 4),
            ("规范性文件制定数", 4),
            ("主动公开政府信息数", 500),
            ("政府信息公开申请数", 4),
            ("法律援助案件数", 10),
            ("法律顾问人数", 3),
        },
    ),
    "conghua-2016": (
        2016,
        {1: "一、依法行政工作情况", 2: "二、存在的问题", 4: "三、2017年工作计划"},
        {
            ("规范性文件审查数", 14),
            ("规范性文件备案数", 2),
            ("规范性文件清理数", 210),
            ("合法性审查数", 270),
            ("政府信息公开申请数", 15),
            ("行政执法案件数", 121675),
            ("行政执法案件数", 761),
            ("行政诉讼案件数", 50),
            ("负责人出庭应诉案件数", 7),
            ("行政复议案件数", 14),
            ("行政复议审结数", 13),
            ("调解成功率", 97.84),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_corpus_parts_and_figures_match_the_hand_reading(name):
    lines = corpus_text(name)
    if lines is None:
        pytest.skip("../shared/corpus is absent")
    text = "\n".join(lines)
    year, parts, figures = HAND[name]
    found = required_parts(text, year)
    assert sorted(found) == sorted(parts)
    for part, evidence in parts.items():
        assert evidence in found[part].text, (part, found[part].text)
        assert text[found[part].start : found[part].end] == found[part].text
    got = key_figures(text)
    assert {(f.name, f.value) for f in got} == figures
    assert len(got) == len(figures)
    for f in got:
        assert f.sentence in text and text[f.start : f.end] in f.sentence
