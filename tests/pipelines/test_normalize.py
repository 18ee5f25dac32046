"""Normalization: NFKC, traditional→simplified only for traditional text, inserted pinyin, whitespace;
on the real report texts in ../shared/corpus."""

from __future__ import annotations

import random
import re
import unicodedata

import opencc
import pytest

from pipelines.chrome import strip_chrome_lines
from pipelines.htmltext import tidy_lines
from pipelines.normalize import is_pinyin_syllable, nfkc, normalize_text, remove_pinyin, to_simplified
from tests.pipelines.conftest import CORPUS, shared_file

_T2S = opencc.OpenCC("t2s")
PINYIN_AFTER_HAN = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüv]+\)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("text", ["发干后里台", "范丰云余着了系制复松斗谷才只采历钟冲几划准卜朴叶于游"])
def test_t2s_leaves_simplified_characters_alone(text: str) -> None:
    assert _T2S.convert(text) == text
    assert to_simplified(text) == (text, False)


@pytest.mark.parametrize(
    "text",
    [
        "（一）全年受理行政复议案件１２３件，同比增长４５％。\n①　依法行政\u00a0\n",
        "e\n\u0301a\u0301\n\u1100\n\u1161",  # combining marks and Hangul jamo right after a newline
        "\n\n  ㈠ 第一部分\n",
        "Ａ\u0301ｂ，ｃ\u0308　x\nｶﾞ，ﬁ①㍿",  # fullwidth forms replaced first, then composed with what follows
        "全年，" * 400 + "\u0301",  # a long line of fullwidth commas ending in a combining mark
    ],
)
def test_nfkc_by_line_equals_nfkc_of_the_whole_text(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    "name", ["conghua-2016-with-page-chrome.txt", "jiangmen-2019-mirror-traditional-pinyin.txt"]
)
def test_nfkc_by_line_equals_nfkc_of_the_whole_text_on_the_corpus(name: str) -> None:
    text = shared_file(CORPUS, name).read_text(encoding="utf-8")
    assert nfkc(text) == unicodedata.normalize("NFKC", text)
    fullwidth = text.replace(",", "，").replace(":", "：").replace("(", "（").replace(" ", "\u3000")
    assert nfkc(fullwidth) == unicodedata.normalize("NFKC", fullwidth)


def test_nfkc_equals_unicodedata_on_random_text() -> None:
    """Every character class that matters, shuffled: fullwidth, combining, Hangul, compatibility, newlines."""
    rng = random.Random(7)
    alphabet = "ＡｂＺ，：（）％　a e 한\u1100\u1161\u0301\u0308ﬁ①㍿ｶﾞ\n全年法治"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_traditional_text_is_converted() -> None:
    text, traditional = to_simplified("國務院辦公廳關於加強法治政府建設的意見")
    assert traditional and text == "国务院办公厅关于加强法治政府建设的意见"


def test_a_stray_traditional_character_does_not_convert_a_simplified_text() -> None:
    text = "我区深入推进依法行政，法治政府建设取得新成效。" * 5 + "後"
    assert to_simplified(text) == (text, False)


@pytest.mark.parametrize(
    ("raw", "clean", "removed"),
    [
        ("習(xí)近平", "習近平", 1),
        ("集體學(xué)習(xí)", "集體學習", 2),
        ("國務院辦(ban)公廳", "國務院辦公廳", 1),
        ("綠(lǜ)色發(fa)展", "綠色發展", 2),
        ("女(nv)職工", "女職工", 1),
        ("《法治政府建设实施纲要(2015—2020年)》", "《法治政府建设实施纲要(2015—2020年)》", 0),
        ("(一)坚持党的领导", "(一)坚持党的领导", 0),
        ("《办法(试行)》(以下简称《办法》)", "《办法(试行)》(以下简称《办法》)", 0),
        ("地区生产总值(GDP)增长", "地区生产总值(GDP)增长", 0),
        ("政务服务手机(app)上线", "政务服务手机(app)上线", 0),
        ("备案(含被复议)", "备案(含被复议)", 0),
        ("(xí)在句首", "(xí)在句首", 0),
    ],
)
def test_remove_pinyin(raw: str, clean: str, removed: int) -> None:
    assert remove_pinyin(raw) == (clean, removed)


def test_pinyin_syllables() -> None:
    assert all(is_pinyin_syllable(s) for s in ["xí", "zhuàng", "lǜ", "nv", "er", "a", "chuàng", "jiān"])
    assert not any(is_pinyin_syllable(s) for s in ["GDP", "app", "wifi", "xyz", "Xí", "abc"])


def test_nfkc_and_whitespace() -> None:
    result = normalize_text(
        "\u3000\u3000一、总体情况（试行）：\r\n\n  \n  ２０１９年，我区 \u00a0 推进   依法行政。 \n"
    )
    assert result.text == "一、总体情况(试行):\n2019年,我区 推进 依法行政。"
    assert not result.was_traditional and result.pinyin_removed == 0


def test_normalize_is_idempotent() -> None:
    once = normalize_text("國務院辦(ban)公廳（試行）\n\n 習(xí)近平")
    assert normalize_text(once.text).text == once.text
    assert once.text == "国务院办公厅(试行)\n习近平" and once.was_traditional and once.pinyin_removed == 2


def test_surrogates_from_a_browser_or_a_pdf_become_storable_text(engine) -> None:
    """A pair is joined into its character, a lone surrogate becomes U+FFFD: the text hashes and stores."""
    from sqlmodel import Session

    from archive.fingerprint import text_hash
    from archive.store import record_page
    from pipelines.normalize import normalize_title
    from tests.factories import page

    raw = "年度报告\ud83d\ude00正文\ud800全年办理行政复议案件58件。"
    text = normalize_text(raw).text
    assert text == "年度报告\U0001f600正文\ufffd全年办理行政复议案件58件。"
    assert normalize_title("法治政府\udc00建设报告") == "法治政府\ufffd建设报告"
    assert text_hash(text)
    with Session(engine) as session:
        assert record_page(session, page(text=text)).outcome == "new_version"
        session.commit()


# -- the real report texts ------------------------------------------------------------------------------


def test_jiangmen_mirror_becomes_simplified_without_pinyin() -> None:
    raw = shared_file(CORPUS, "jiangmen-2019-mirror-traditional-pinyin.txt").read_text(encoding="utf-8")
    assert PINYIN_AFTER_HAN.search(raw)
    result = normalize_text(raw)
    assert result.was_traditional and result.pinyin_removed > 700
    assert not PINYIN_AFTER_HAN.search(result.text)
    assert _T2S.convert(result.text) == result.text  # no traditional character left
    assert result.text.startswith("2019年,江门市人民政府坚持以习近平新时代中国特色社会主义思想为指导")
    for kept in ["(一)", "(2019—2021年)", "(含副省级)", "(街道)", "(社区)", "(江门市五邑公证处)"]:
        assert kept in result.text
    assert len(result.text.splitlines()) == len([line for line in raw.splitlines() if line.strip()])


def test_zhongshan_clean_text_is_untouched() -> None:
    raw = shared_file(CORPUS, "zhongshan-xiqu-2019.txt").read_text(encoding="utf-8")
    result = normalize_text(raw)
    assert not result.was_traditional and result.pinyin_removed == 0
    assert _squash(result.text) == _squash(raw)
    assert result.text.splitlines()[-2:] == ["中山市人民政府西区办事处", "2019年11月20日"]


def test_conghua_chrome_lines_are_removed() -> None:
    raw = shared_file(CORPUS, "conghua-2016-with-page-chrome.txt").read_text(encoding="utf-8")
    cleaned = "\n".join(strip_chrome_lines(tidy_lines(raw), "从化区2016年依法行政工作情况报告"))
    start, end = raw.index("2016年,我区各级政府部门"), raw.index("2017年2月16日") + len("2017年2月16日")
    assert _squash(cleaned) == _squash(raw[start:end])
    for chrome in [
        "今天是",
        "当前所在位置",
        "来源:",
        "发布时间",
        "返回顶部",
        "打印页面",
        "浏览次数",
        "扫一扫",
        "点击关闭",
    ]:
        assert chrome not in cleaned
    assert normalize_text(cleaned).text == cleaned
