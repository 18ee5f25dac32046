"""Report and distractor texts: the real corpus when present, deterministic generated text otherwise.

Every text is kept in its *canonical* form — the manifest's normalized text (NFKC, simplified, one paragraph
per line). Pages show it with full-width punctuation (:func:`to_page`), which NFKC maps back exactly, so what a
perfect extractor returns after normalization is the canonical text, byte for byte.
"""

from __future__ import annotations

import os
import random
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import reports

_PINYIN_RE = re.compile(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
_SPACES = re.compile(r"[ \t\u3000]+")

# ASCII punctuation that Chinese pages print full-width; NFKC folds each back to the ASCII form.
_FULLWIDTH = str.maketrans(
    {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？", "%": "％"}
)


def corpus_dir() -> Path | None:
    """The shared real-text corpus: $FAZHI_SHARED/corpus, else <repo>/../shared/corpus; None when absent."""
    env = os.environ.get("FAZHI_SHARED")
    base = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    path = base / "corpus"
    return path if path.is_dir() else None


def normalize_lines(text: str) -> list[str]:
    """The manifest convention: NFKC, lines stripped, runs of spaces collapsed, empty lines dropped."""
    out = []
    for line in unicodedata.normalize("NFKC", text).splitlines():
        line = _SPACES.sub(" ", line).strip()
        if line:
            out.append(line)
    return out


def to_page(line: str) -> str:
    """Canonical line → how a portal prints it (full-width punctuation). ``NFKC(to_page(x)) == x``."""
    return line.translate(_FULLWIDTH)


def strip_pinyin(text: str) -> str:
    """Remove pinyin inserted after characters by mirror sites: 習(xí) → 習; real parentheses stay."""
    return _PINYIN_RE.sub("", text)


@lru_cache(maxsize=4)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def t2s(text: str) -> str:
    return _opencc("t2s").convert(text)


def s2t(text: str) -> str:
    return _opencc("s2t").convert(text)


# --- the real corpus ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def corpus_text(name: str) -> list[str] | None:
    """Canonical lines of one real report (``jiangmen-2019``, ``zhongshan-xiqu-2019``, ``conghua-2016``)."""
    root = corpus_dir()
    if root is None:
        return None
    if name == "conghua-2016":
        path = root / "conghua-2016-with-page-chrome.txt"
        if not path.exists():
            return None
        raw = path.read_text(encoding="utf-8")
        # The file is a naive extraction: the report runs from its first sentence to the signature date.
        start, end_marker = raw.find("2016年,我区各级政府部门"), "2017年2月16日"
        end = raw.find(end_marker)
        if start < 0 or end < 0:
            return None
        return normalize_lines(raw[start : end + len(end_marker)])
    if name == "zhongshan-xiqu-2019":
        path = root / "zhongshan-xiqu-2019.txt"
        return normalize_lines(path.read_text(encoding="utf-8")) if path.exists() else None
    if name == "jiangmen-2019":
        raw = corpus_mirror_raw(name)
        return normalize_lines(t2s(strip_pinyin("\n".join(raw)))) if raw else None
    return None


# The corpus mirror copy has four spots where UTF-8 bytes were once decoded as GBK (mojibake). They are
# repaired here (best reading of the context) so that the official text derived from it is clean.
_MOJIBAKE_REPAIRS = {
    "開展?fàn)I造": "開展營(yíng)造",
    "專家?guī)臁?/span>": "專家庫(kù)。",
    "專家?guī)欤瑸檎卮笮姓Q策": "專家庫(kù),為政府重大行政決策",
    "聚財?shù)姆ㄖ位癄I商": "聚財(cái)的法治化營商",
}


@lru_cache(maxsize=2)
def corpus_mirror_raw(name: str) -> list[str] | None:
    """The mirror's own traditional+pinyin lines (only jiangmen-2019 exists in that form)."""
    root = corpus_dir()
    if root is None or name != "jiangmen-2019":
        return None
    path = root / "jiangmen-2019-mirror-traditional-pinyin.txt"
    if not path.exists():
        return None
    raw = path.read_text(encoding="utf-8")
    for bad, good in _MOJIBAKE_REPAIRS.items():
        raw = raw.replace(bad, good)
    return [ln.strip() for ln in raw.splitlines() if ln.strip()]


# --- mirror rendering --------------------------------------------------------------------------------

# Pinyin that mirror sites insert after (traditional) characters; keys are the traditional forms.
_PINYIN = {
    "設": "shè",
    "執": "zhí",
    "務": "wù",
    "規": "guī",
    "責": "zé",
    "關": "guān",
    "監": "jiān",
    "區": "qū",
    "發": "fā",
    "學": "xué",
    "領": "lǐng",
    "創": "chuàng",
    "業": "yè",
    "調": "diào",
    "現": "xiàn",
    "續": "xù",
    "導": "dǎo",
    "數": "shù",
    "經": "jīng",
    "統": "tǒng",
    "嚴": "yán",
    "權": "quán",
    "認": "rèn",
    "訓": "xùn",
    "環": "huán",
    "構": "gòu",
    "復": "fù",
    "負": "fù",
    "應": "yīng",
    "網": "wǎng",
    "習": "xí",
    "準": "zhǔn",
    "優": "yōu",
    "質": "zhì",
    "標": "biāo",
    "協": "xié",
    "結": "jié",
}


def mirror_lines(lines: list[str], key: str) -> list[str]:
    """Canonical simplified lines → traditional characters with pinyin after some of them (deterministic)."""
    rng = random.Random(f"mirror:{key}")
    out = []
    for line in lines:
        trad = s2t(line)
        buf = []
        for ch in trad:
            buf.append(ch)
            py = _PINYIN.get(ch)
            if py and rng.random() < 0.8:
                buf.append(f"({py})")
        out.append("".join(buf))
    return out


# --- generated reports -------------------------------------------------------------------------------


class _Numbers(dict):
    """A fresh plausible number for every ``{n1}``…``{p3}`` placeholder (used with ``str.format_map``)."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        r = self.rng
        makers = {
            "n1": lambda: str(r.randint(3, 28)),
            "n2": lambda: str(r.randint(20, 160)),
            "n3": lambda: str(r.randint(100, 900)),
            "n4": lambda: str(r.randint(1000, 98000)),
            "p1": lambda: f"{r.randint(90, 99)}.{r.randint(1, 9)}",
            "p2": lambda: f"{r.randint(5, 30)}.{r.randint(1, 9)}",
            "p3": lambda: f"{r.randint(2, 9)}.{r.randint(1, 9)}",
        }
        return makers[key]()


def _numbers(rng: random.Random) -> _Numbers:
    return _Numbers(rng)


def sign_date_line(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@lru_cache(maxsize=4096)
def _report(seed: int, key: str, org: str, year: int, signed: str, old_style: bool, extra: str = ""):
    return reports.generate(seed, key, org, year, signed, old_style, extra)


def report_lines(
    seed: int, key: str, org: str, year: int, signed: str, old_style: bool, extra: str = ""
) -> list[str]:
    """A deterministic annual report covering ``year`` (see :mod:`govsim.reports`); starts "<year>年,",
    ends with the issuing body and the signature date.

    ``extra`` is an additional sentence placed in the first section (used for GBK-only characters).
    """
    return _report(seed, key, org, year, signed, old_style, extra)[0]


def report_truth(
    seed: int, key: str, org: str, year: int, signed: str, old_style: bool, extra: str = ""
) -> reports.Truth:
    """The parts and key figures written into :func:`report_lines` (the manifest's ground truth)."""
    return _report(seed, key, org, year, signed, old_style, extra)[1]


_OTHER_TEMPLATES = {
    "要点": [
        "为深入贯彻落实习近平法治思想，全面推进{year}年法治政府建设，结合本地实际，制定本工作要点。",
        "一、加强党对法治政府建设的领导。",
        "二、依法全面履行政府职能，持续优化法治化营商环境。",
        "三、严格规范公正文明执法，全年开展行政执法培训不少于{n1}期。",
        "四、加强行政复议和行政应诉工作，行政机关负责人出庭应诉率保持100%。",
    ],
    "方案": [
        "为加快建设法治政府，根据《法治政府建设实施纲要(2021—2025年)》，结合本地实际，制定本实施方案。",
        "一、总体要求。到2025年，政府行为全面纳入法治轨道。",
        "二、主要任务。健全政府机构职能体系，完善依法行政制度体系，健全行政决策制度体系。",
        "三、组织保障。各单位要将本方案落实情况纳入年度法治政府建设情况报告。",
    ],
    "通知": [
        "各镇人民政府、街道办事处，各有关单位：",
        "现将《{ref}》印发给你们，请结合实际认真贯彻执行。执行中遇到的问题，请径向司法行政部门反映。",
    ],
    "通报": [
        "各有关单位：",
        "根据年度法治政府建设考评工作安排，对各单位{year}年度法治政府建设情况进行了考评，共有{n1}个单位考评结果为优秀。",
        "希望受表扬的单位再接再厉，其他单位对照问题抓好整改。",
    ],
    "会议": [
        "{mdate}，{org}召开法治政府建设推进会，总结{year}年法治政府建设工作，部署下一阶段重点任务。",
        "会议指出，法治政府建设是全面依法治国的重点任务和主体工程，各单位要压实责任，确保各项任务落到实处。",
        "会议强调，要以法治政府建设示范创建为抓手，推动法治政府建设工作再上新台阶。",
    ],
    "公开": [
        "本报告根据《中华人民共和国政府信息公开条例》要求编制，报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、总体情况。全年主动公开政府信息{n4}条，受理政府信息公开申请{n2}件，均在法定期限内答复。",
        "二、存在的主要问题及改进情况。个别单位信息更新不够及时，下一步将加强督促检查。",
    ],
    "解读": [
        "近日，《{ref}》正式公布。为便于公众了解，现对报告主要内容解读如下。",
        "一、报告的主要内容。报告总结了{year}年法治政府建设的主要举措和成效，分析了存在的不足和原因。",
        "二、主要亮点。全年办理行政复议案件{n2}件，组织行政执法人员培训{n4}人次。",
    ],
    "图解": [
        "图解：{ref}",
        "关键词一：依法全面履行政府职能。",
        "关键词二：严格规范公正文明执法，行政执法案卷优良率{p1}%。",
        "关键词三：依法有效化解社会矛盾纠纷。",
    ],
}


@lru_cache(maxsize=8192)
def other_lines(
    seed: int, key: str, kind: str, org: str, year: int, ref: str, mdate: str, signed: str
) -> list[str]:
    """A short non-report article (distractor) of one of the kinds above; notices end with a signature."""
    rng = random.Random(f"{seed}:other:{key}")
    nums = _numbers(rng)
    nums.update(year=year, org=org, ref=ref, mdate=mdate)
    lines = [t.format_map(nums) for t in _OTHER_TEMPLATES[kind]]
    if kind in {"通知", "通报", "公开", "要点", "方案"}:
        lines += [org, signed]
    return [unicodedata.normalize("NFKC", ln) for ln in lines]


def edit_lines(lines: list[str]) -> list[str]:
    """The day-2 edit: bump the first ``x.y%`` by 0.3 and add one sentence to the following paragraph."""
    out = list(lines)
    pat = re.compile(r"(\d+)\.(\d)%")
    for i, line in enumerate(out):
        m = pat.search(line)
        if m:
            value = int(m.group(1)) * 10 + int(m.group(2)) + 3
            out[i] = line[: m.start()] + f"{value // 10}.{value % 10}%" + line[m.end() :]
            out[i] += "数据已根据年度统计公报更正。"
            break
    else:  # no percentage: still a visible edit
        out.insert(1, "本报告数据已根据年度统计公报更正。")
    return out
