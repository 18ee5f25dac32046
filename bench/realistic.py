"""Report texts shaped like the real ones, for every benchmark that stores or searches reports.

Real 法治政府建设 reports run 7,000–15,000 characters (``../shared/corpus``: 7,016–14,977) in sections
``一、`` / ``（一）`` / ``1.`` with paragraphs full of figures. A benchmark fed 400-character texts of one
repeated sentence measures nothing an archive will see: posting lists, trigram statistics, MinHash and diff
costs all grow with length and vocabulary. So reports are recombined from the corpus's own headings and
clauses, with each report's place names, years and numbers substituted (every report gets its own
jurisdiction and figures, so terms are as rare or as common as in a real archive). Without the corpus a
small built-in phrase set stands in, with a warning, and :func:`source` says so.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
import warnings
import zlib
from dataclasses import dataclass
from functools import cache

from govsim.content import corpus_dir

MIN_CHARS, MAX_CHARS = 7_000, 15_000
YEARS = list(range(2015, 2025))

# the corpus's own jurisdictions: each report substitutes its own for them
_CORPUS_PLACES = (
    "中山市西区",
    "广州市从化区",
    "江门市",
    "中山市",
    "广州市",
    "广东省",
    "从化区",
    "西区",
    "从化",
    "江门",
    "广东",
)
_PROVINCES = tuple(
    [
        "河北",
        "山西",
        "辽宁",
        "吉林",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "广东",
        "海南",
        "四川",
        "贵州",
        "云南",
        "陕西",
        "甘肃",
        "青海",
    ]
)
_PLACE_CHARS = "东西南北中安平宁和兴丰泰昌华阳山河湖海江川林桥源清新长永富德化庆城溪台岭州沙石金云"
_DISTRICT = ("区", "县", "市")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．])")
_CN_NUM = "一二三四五六七八九十"

_FALLBACK = (
    "深入学习贯彻习近平法治思想，全面推进依法行政，健全依法决策机制。",
    "严格规范公正文明执法，全年办理行政复议案件36件，纠错率为7.5%。",
    "规范性文件合法性审核率达100%，行政机关负责人出庭应诉率为95.2%。",
    "推进政务公开，主动公开政府信息2046条，依申请公开办理118件。",
    "落实行政执法三项制度，组织执法人员培训12期，培训1350人次。",
    "加强基层法治建设，建成民主法治示范村（社区）48个。",
    "优化法治化营商环境，证明事项告知承诺制覆盖事项217项。",
    "开展普法宣传教育活动326场，受众5.6万人次。",
)


PLACE, YEAR = "\x00", "\x01"  # placeholders, replaced once per report


@dataclass(frozen=True)
class Sentence:
    """A corpus clause cut at its numbers: ``parts`` around ``numbers`` (each a ``(low, high, decimals)``
    range of the same shape); place names and years are already placeholders in the parts."""

    parts: tuple[str, ...]
    numbers: tuple[tuple[int, int, int], ...]


def _shape(token: str) -> tuple[int, int, int]:
    whole, _, frac = token.partition(".")
    low = 1 if len(whole) == 1 else 10 ** (len(whole) - 1)
    return low, 10 ** len(whole) - 1, len(frac)


_PLACE_OR_YEAR = re.compile("|".join(_CORPUS_PLACES) + r"|20[12]\d(?!\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _template(clause: str) -> Sentence:
    marked = _PLACE_OR_YEAR.sub(lambda m: YEAR if m.group(0)[0].isdigit() else PLACE, clause)
    return Sentence(tuple(_NUMBER.split(marked)), tuple(_shape(t) for t in _NUMBER.findall(marked)))


def _corpus_texts() -> list[str]:
    """The corpus reports as normalized text (the mirror's traditional/pinyin copy converted back)."""
    corpus = corpus_dir()
    if corpus is None:
        warnings.warn(
            "no ../shared/corpus (or $FAZHI_SHARED/corpus): reports are built from eight stand-in sentences, "
            "far more repetitive than real ones, so the figures are not realistic",
            stacklevel=2,
        )
        return []
    try:
        from pipelines.normalize import normalize_text
    except ImportError:  # pragma: no cover - bench run outside the project
        return []
    texts = []
    for path in sorted(corpus.glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8")).text
        lines = text.splitlines()
        # drop page chrome: keep from the first line that opens the report body
        start = next((i for i, line in enumerate(lines) if re.match(r"^\d{4}年[,，]", line)), 0)
        texts.append("\n".join(lines[start:]))
    return texts


@cache
def _material() -> tuple[
    str, tuple[Sentence, ...], tuple[Sentence, ...], tuple[Sentence, ...], tuple[Sentence, ...]
]:
    """(source, body clauses, top headings, sub headings, item headings) as substitutable templates.

    Sentences are rebuilt from random clauses: three corpus reports hold about 400 sentences, and reports
    recombined from whole sentences shared so many that every pair looked like near-duplicates."""
    texts = _corpus_texts()
    source = "corpus" if texts else "fallback"
    sentences: list[Sentence] = []
    tops, subs, items = [], [], []
    for text in texts or ["\n".join(_FALLBACK)]:
        for line in text.splitlines():
            m = _HEADING.match(line)
            if m and len(line) < 60:
                title = line[m.end() :].rstrip("。")
                head = m.group(0)
                (
                    tops
                    if head.endswith("、") and head[0] in _CN_NUM
                    else subs
                    if head[0] in "(（"
                    else items
                ).append(title)
                continue
            for sentence in re.findall(r"[^。；！？]+", line):
                if "?" in sentence:  # a mirror's leftovers the normalizer could not read
                    continue
                for clause in re.split(r"[,，]", sentence):
                    if len(clause) >= 4:
                        sentences.append(_template(clause))
    if not tops:
        tops = ["主要工作情况", "存在的问题", "下一步工作打算"]
    if not subs:
        subs = ["深入推进依法行政", "严格规范公正文明执法", "强化行政权力制约和监督"]
    if not items:
        items = ["加强组织领导", "完善制度体系", "强化督查考核"]
    heads = (tuple(map(_template, h)) for h in (tops, subs, items))
    return (source, tuple(sentences), *heads)


def source() -> str:
    """``corpus`` when the reports are built from the shared corpus (:func:`govsim.content.corpus_dir`:
    ``$FAZHI_SHARED/corpus``, else ``../shared/corpus``), ``fallback`` otherwise."""
    return _material()[0]


def jurisdiction(rng: random.Random) -> str:
    """A made-up county-level jurisdiction, e.g. 浙江省安平市东川区."""

    def name() -> str:
        return "".join(rng.sample(_PLACE_CHARS, 2))

    return f"{rng.choice(_PROVINCES)}省{name()}市{name()}{rng.choice(_DISTRICT)}"


def _fill(sentence: Sentence, rng: random.Random) -> str:
    if not sentence.numbers:
        return sentence.parts[0]
    out = [sentence.parts[0]]
    for (low, high, decimals), part in zip(sentence.numbers, sentence.parts[1:], strict=True):
        value = str(rng.randint(low, high))
        out.append(f"{value}.{rng.randrange(10**decimals):0{decimals}d}" if decimals else value)
        out.append(part)
    return "".join(out)


def _sentence(rng: random.Random) -> str:
    """A sentence of 2–4 random corpus clauses with fresh figures (place and year still placeholders)."""
    clauses = _material()[1]
    return ",".join([_fill(c, rng) for c in rng.choices(clauses, k=rng.randint(2, 4))]) + "。"


def sentence_pool(rng: random.Random, n: int) -> list[str]:
    """``n`` sentences made once, for :func:`report` to draw from when thousands of reports are needed.

    Drawing is far cheaper than filling clauses: a 100,000-report benchmark then builds in minutes. Each
    pooled sentence (with its figures) recurs in about (reports × 300 / ``n``) reports; place names and
    years are still each report's own.
    """
    return [_sentence(rng) for _ in range(n)]


def report(
    rng: random.Random,
    *,
    chars: int | None = None,
    place: str | None = None,
    year: int | None = None,
    pool: list[str] | None = None,
) -> str:
    """One report of ``chars`` characters (default: uniform in 7,000–15,000): an opening paragraph, then
    sections 一、 with subsections （一） with items 1. and paragraphs of corpus sentences (drawn from
    ``pool`` when given, see :func:`sentence_pool`)."""
    _, _, tops, subs, items = _material()
    target = chars or rng.randint(MIN_CHARS, MAX_CHARS)
    place = place or jurisdiction(rng)
    year = year or rng.choice(YEARS)
    short = place.split("省")[-1]

    def paragraph(n: int) -> str:
        if pool is not None:
            return "".join(rng.choices(pool, k=n))
        return "".join(_sentence(rng) for _ in range(n))

    lines = [f"{year}年，{short}" + paragraph(3)]
    size = len(lines[0]) + 1
    top = 0
    while size < target:
        section = [f"{_CN_NUM[top % 10]}、{_fill(rng.choice(tops), rng)}"]
        top += 1
        for sub in range(rng.randint(2, 4)):
            section.append(f"（{_CN_NUM[sub]}）{_fill(rng.choice(subs), rng)}")
            for item in range(rng.randint(1, 3)):
                section.append(f"{item + 1}.{_fill(rng.choice(items), rng)}")
                section.append(paragraph(rng.randint(2, 6)))
            lines.extend(section)
            size += sum(map(len, section)) + len(section)
            section = []
            if size >= target:
                break
    text = "\n".join(lines).replace(PLACE, short).replace(YEAR, str(year))
    return text[:target].rstrip() if len(text) > target + 200 else text


def title(place: str, year: int) -> str:
    return f"{place}{year}年法治政府建设情况报告"


def page(title: str, body: str) -> bytes:
    """The HTML page a report came from, roughly: site chrome around its paragraphs."""
    paragraphs = "".join(f"<p>{line}</p>\n" for line in body.splitlines())
    chrome = "<div class='nav'><a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a></div>" * 20
    head = f"<html><head><title>{title}</title></head><body>{chrome}<h1>{title}</h1>"
    return (head + paragraphs + "</body></html>").encode()


def machine_ms(texts: list[str], rounds: int = 5) -> float:
    """CPU ms per text to zlib-compress (level 6) and SHA-256 its UTF-8, the best of ``rounds``: work done by
    libraries no commit of ours changes, printed next to a bench's figures so that runs of different days can
    be told apart from the machine's own speed (the same code has run twice as slow from one day to the next).
    """
    data = [text.encode("utf-8") for text in texts]
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for chunk in data:
            zlib.compress(chunk, 6)
            hashlib.sha256(chunk).digest()
        best = min(best, time.process_time() - start)
    return best / max(len(data), 1) * 1000
