"""Classification: realistic report titles (with and without years, older 依法行政 titles) and every kind of
look-alike that sits in the same columns."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.classify import classify, year_from_body

TITLES: list[tuple[str, bool, int | None]] = [
    # reports
    ("2020年静海区法治政府建设情况报告", True, 2020),
    ("静海区2023年度法治政府建设情况报告", True, 2023),
    ("新疆维吾尔自治区人民政府关于2017年法治政府建设工作的报告", True, 2017),
    ("关于2019年法治政府建设工作情况的报告", True, 2019),
    ("江门市人民政府关于2019年度法治政府建设情况的报告", True, 2019),
    ("XX区2021年法治政府建设年度报告", True, 2021),
    ("南昌县2020年度法治政府建设工作报告", True, 2020),
    ("市司法局2022年法治政府建设工作情况报告", True, 2022),
    ("XX县2018年依法行政和法治政府建设工作情况报告", True, 2018),
    ("2019年度推进法治政府建设工作情况报告", True, 2019),
    ("XX区法治政府建设年度报告（2021年）", True, 2021),
    ("XX镇2021年法治政府建设工作总结", True, 2021),
    ("市交通运输局2022年度法治政府建设工作总结及2023年工作计划", True, 2022),
    ("从化区2016年依法行政工作情况报告", True, 2016),
    ("XX市2014年度依法行政工作报告", True, 2014),
    ("XX市人民政府关于2015年依法行政工作情况的报告", True, 2015),
    ("中山市西区办事处2019年法治政府建设情况", True, 2019),
    ("2019年 法治政府建设 情况报告", True, 2019),
    # not reports
    ("2021年法治政府建设工作要点", False, None),
    ("XX区2022年法治政府建设工作计划", False, None),
    ("关于印发《XX市法治政府建设实施方案（2021—2025年）》的通知", False, None),
    ("XX市法治政府建设实施方案（2021—2025年）", False, None),
    ("关于加快推进法治政府建设的意见", False, None),
    ("关于报送2020年度法治政府建设情况报告的通知", False, None),
    ("关于2021年度法治政府建设考核结果的通报", False, None),
    ("我区召开2021年法治政府建设工作推进会", False, None),
    ("市政府常务会议审议2020年度法治政府建设情况报告", False, None),
    ("XX区2020年政府信息公开工作年度报告", False, None),
    ("XX市2021年国民经济和社会发展统计公报", False, None),
    ("XX区2022年政府工作报告", False, None),
    ("图解：2021年XX区法治政府建设年度报告", False, None),
    ("一图读懂XX市2022年法治政府建设情况报告", False, None),
    ("《2021年法治政府建设年度报告》解读", False, None),
    ("区长述法报告：2021年度履行推进法治建设第一责任人职责情况", False, None),
    ("XX区2020年法治政府建设第三方评估报告", False, None),
    ("XX局2022年上半年法治政府建设工作总结", False, None),
    ("XX区开展法治政府建设示范创建培训", False, None),
    ("XX市人民政府关于法治政府建设的调研报告", False, None),
]


def test_table_is_big_enough() -> None:
    assert len(TITLES) >= 30
    assert sum(is_report for _, is_report, _ in TITLES) >= 15


@pytest.mark.parametrize(("title", "is_report", "year"), TITLES, ids=[t for t, _, _ in TITLES])
def test_title_table(title: str, is_report: bool, year: int | None) -> None:
    result = classify(title, "正文。")
    assert (result.is_report, result.year) == (is_report, year), result.reason


def test_year_from_body_when_the_title_has_none() -> None:
    text = "2019年，我区坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政。\n一、主要举措"
    result = classify("XX区法治政府建设情况报告", text)
    assert result.is_report and result.year == 2019 and "body" in result.reason


def test_year_from_reporting_sentence() -> None:
    text = "根据有关要求，现将我局2020年度法治政府建设工作情况报告如下：\n一、主要工作"
    assert year_from_body(text) == 2020


def test_year_from_published_date_as_last_resort() -> None:
    result = classify("XX区法治政府建设年度报告", "一、主要工作\n二、存在问题", published=date(2021, 3, 25))
    assert result.year == 2020 and "published" in result.reason
    late = classify("XX区法治政府建设年度报告", "一、主要工作", published=date(2021, 9, 1))
    assert late.is_report and late.year is None
    off = classify(
        "XX区法治政府建设年度报告", "一、主要工作", published=date(2021, 3, 1), use_published_year=False
    )
    assert off.year is None


def test_issuer_from_signature_then_source_then_title_then_portal() -> None:
    signed = "2019年，我区…\n专此报告。\n从化区人民政府\n2020年2月16日"
    assert classify("2019年法治政府建设情况报告", signed, source="区司法局").publisher == "从化区人民政府"
    assert classify("2019年法治政府建设情况报告", "正文", source="区司法局").publisher == "区司法局"
    opening = "2019年,江门市人民政府坚持以习近平新时代中国特色社会主义思想为指导,深入推进依法行政。"
    assert classify("2019年法治政府建设年度报告", opening, source="法规网").publisher == "江门市人民政府"
    assert (
        classify("2019年法治政府建设年度报告", "2019年,我区各级政府部门坚持…", source="法规网").publisher
        == "法规网"
    )
    titled = classify("XX市人民政府关于2019年法治政府建设情况的报告", "正文")
    assert titled.publisher == "XX市人民政府"
    assert classify("2019年法治政府建设情况报告", "正文").publisher is None  # nobody named: none guessed


def test_list_title_rescues_a_generic_page_title() -> None:
    result = classify("XX区人民政府门户网站", "2020年，我区…", list_title="XX区2020年法治政府建设年度报告")
    assert result.is_report and result.year == 2020
    assert not classify("XX区2021年法治政府建设工作要点", "正文", list_title="法治政府建设年度报告").is_report


def test_non_report_has_no_year_or_publisher() -> None:
    result = classify("2021年法治政府建设工作要点", "2021年，全区…")
    assert (result.is_report, result.year, result.publisher) == (False, None, None)
    excluded = classify("关于报送2020年度法治政府建设情况报告的通知", "正文")
    assert not excluded.is_report and "通知" in excluded.reason
