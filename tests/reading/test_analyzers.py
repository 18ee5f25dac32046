"""The pure readers in archive/reading: headings and bold runs, required parts, key figures."""

from __future__ import annotations

import pytest

from archive.reading.analysis import analyze
from archive.reading.figures import VOCABULARY, key_figures, parse_number
from archive.reading.parts import compliance_label, required_parts
from archive.reading.sections import bold_spans, headings

REPORT = "\n".join(
    [
        "2024年,某区坚持以习近平新时代中国特色社会主义思想为指导。现将有关情况报告如下:",
        "一、2024年法治政府建设主要举措和成效",
        "(一)加强党的领导。",
        "1.强化统筹。召开专题会议5次。",
        "(1)细化任务",
        "全年共收到行政复议申请156件,依法审结148件,纠错率12.3%。",
        "行政机关负责人出庭应诉率达100%。",
        "二、存在的不足和原因",
        "基层法治力量薄弱。",
        "三、2025年工作安排",
        "持续优化法治化营商环境。",
    ]
)


def test_headings_levels_titles_and_spans():
    hs = headings(REPORT)
    assert [(h.level, h.marker, h.title) for h in hs] == [
        (1, "一、", "2024年法治政府建设主要举措和成效"),
        (2, "(一)", "加强党的领导"),
        (3, "1.", "强化统筹"),
        (4, "(1)", "细化任务"),
        (1, "二、", "存在的不足和原因"),
        (1, "三、", "2025年工作安排"),
    ]
    first = hs[0]
    assert REPORT[first.start : first.end] == "一、2024年法治政府建设主要举措和成效"
    assert REPORT[first.section_end :].startswith("二、存在的不足和原因")
    assert REPORT[hs[2].section_end :].startswith("二、")  # level 3 runs until the next level ≤ 3
    assert hs[-1].section_end == len(REPORT)


def test_numbers_inside_sentences_are_not_headings():
    text = "2019年,全年受理1.5万件。\n10.5%的案件\n十九大以来"
    assert headings(text) == []


def test_bold_runs_are_located_in_the_text():
    html = "<div><p><strong>一、主要举措</strong>正文</p><p>其中<span style='font-weight: bold'>重点任务</span></p></div>"
    text = "一、主要举措正文\n其中重点任务"
    assert bold_spans(text, html) == [(0, 6, "一、主要举措"), (11, 15, "重点任务")]


def test_required_parts_by_heading_and_by_sentence():
    parts = required_parts(REPORT, 2024)
    assert sorted(parts) == [1, 2, 4]
    assert parts[4].kind == "heading" and parts[4].text == "三、2025年工作安排"
    text = REPORT + "\n区长认真履行推进法治建设第一责任人职责,带头学法。\n五、其他需要报告的事项\n无。"
    parts = required_parts(text, 2024)
    assert sorted(parts) == [1, 2, 3, 4, 5]
    assert parts[3].kind == "sentence" and text[parts[3].start : parts[3].end] == parts[3].text
    assert compliance_label(parts) == "complete"
    assert compliance_label([1, 2, 4]) == "missing parts 3, 5"
    assert compliance_label([1, 2, 3, 4]) == "missing part 5"


def test_next_year_plan_needs_the_following_year():
    text = "一、2019年主要工作\n正文。\n二、2019年工作计划\n正文。"
    assert 4 not in required_parts(text, 2019)  # the plan for the year covered is not next year's
    assert 4 in required_parts(text.replace("二、2019年", "二、2020年"), 2019)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "全年共收到行政复议申请156件,依法审结148件,纠错率12.3%。",
            [("行政复议案件数", 156, "件"), ("行政复议审结数", 148, "件"), ("行政复议纠错率", 12.3, "%")],
        ),
        ("行政机关负责人出庭应诉率达100%。", [("负责人出庭应诉率", 100, "%")]),
        ("全年审查规范性文件23件。", [("规范性文件审查数", 23, "件")]),
        ("司法局对23件行政规范性文件进行了合法性审核。", [("规范性文件审查数", 23, "件")]),
        (
            "全年受理行政复议案件一百二十六件,办结一百二十件。",
            [("行政复议案件数", 126, "件"), ("行政复议审结数", 120, "件")],
        ),
        ("全年作出行政处罚决定1.2万宗。", [("行政执法案件数", 12000, "件")]),
        ("辖区275个单位聘请法律顾问398名。", [("法律顾问人数", 398, "人")]),
        (
            "全市行政机关共办理行政应诉案件88件,行政诉讼败诉率4.5%。",
            [("行政诉讼案件数", 88, "件"), ("行政诉讼败诉率", 4.5, "%")],
        ),
        (
            "全市共办理行政复议案件1,234件,审结行政复议案件1,200件。",
            [("行政复议案件数", 1234, "件"), ("行政复议审结数", 1200, "件")],
        ),
        ("公开行政复议决定书13份,评查行政处罚案卷56宗。", []),
        # other numbers are not key figures
        ("组织行政执法人员培训12期,培训900人次,案卷优良率达96.1%。", []),
        ("新增市场主体16484户,同比增长17.6%。", []),
        ("全年按规定办理信息公开申请15件、案件6件。", [("政府信息公开申请数", 15, "件")]),
        ("推行“一件事一次办”,审核三项制度。", []),
    ],
)
def test_figure_phrasings(sentence, expected):
    got = key_figures(sentence)
    assert [(f.name, f.value, f.unit) for f in got] == expected
    for f in got:
        assert f.sentence == sentence and f.name in VOCABULARY
        assert sentence[f.start : f.end][0] in "0123456789一二三四五六七八九十百"


def test_year_on_year_changes_belong_to_the_figure_before():
    [f] = key_figures("全市办理行政复议案件300件,同比增长15%。")
    assert (f.value, f.yoy, f.yoy_unit) == (300, 15, "%")
    [f, g] = key_figures("办理行政应诉案件40件,行政诉讼败诉率3.1%,同比下降2.5个百分点。")
    assert (g.name, g.yoy, g.yoy_unit, f.yoy) == ("行政诉讼败诉率", -2.5, "pp", None)


def test_offsets_point_into_the_whole_text():
    text = "一、工作情况\n全年共收到行政复议申请156件,依法审结148件。"
    figures = key_figures(text)
    assert [text[f.start : f.end] for f in figures] == ["156件", "148件"]


def test_parse_number():
    assert parse_number("126") == 126
    assert parse_number("一百二十六") == 126
    assert parse_number("两千零三") == 2003
    assert parse_number("4.5", "万") == 45000


def test_analyze_is_json_ready():
    import json

    reading = analyze(REPORT, 2024)
    assert json.loads(json.dumps(reading, ensure_ascii=False)) == reading
    assert reading["parts"] == [1, 2, 4] and len(reading["figures"]) == 4
