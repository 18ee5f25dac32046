"""Report-grouping cost per added document vs archive size (SQLite): ``python -m bench.dedup``.

For each archive size (1k, 10k, 100k reports already archived) a fresh SQLite file is filled in bulk, then
the same 40 reports are stored one by one through :func:`archive.store.record_page` (one transaction each,
as the crawler does): 20 near-duplicate copies of reports already in the archive and 20 new reports. We
time the whole ``record_page`` + commit, and ``assign_group`` alone (hash lookup, LSH candidate lookup,
verification). The figure of merit is the 100k / 1k ratio (target ≤ 2×): grouping must not scan.

How the archive is built fast: background documents are inserted with executemany. Their stored text is a
short synthetic paragraph (the FTS index stays small), their ``text_len`` spans 2k–12k characters and their
32 LSH band keys are random 64-bit integers — which is what the band keys of distinct texts are. The 20
"family" reports that the near-duplicates must find are stored through ``record_page`` like real ones.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from archive import groups, store
from archive.db import get_engine, session_scope
from archive.fingerprint import BANDS
from archive.models import Document, MinHashBand, Portal, ReportGroup, Version
from pipelines.items import PageItem

T0 = datetime(2025, 3, 1, tzinfo=UTC)
YEARS = list(range(2015, 2025))
PHRASES = (
    "深入学习贯彻习近平法治思想",
    "全面推进依法行政",
    "健全依法决策机制",
    "严格规范公正文明执法",
    "行政复议纠错率为",
    "规范性文件合法性审核",
    "政务公开",
    "行政机关负责人出庭应诉率",
    "法治督察",
    "行政执法三项制度",
    "基层法治建设",
    "证明事项告知承诺制",
    "优化法治化营商环境",
    "矛盾纠纷多元化解",
    "普法宣传教育",
    "行政裁量权基准",
    "执法人员培训",
)
PLACES = ("区", "县", "市", "镇", "街道", "开发区")


def synthetic_report(rng: random.Random, chars: int) -> str:
    """Report-like text: numbered sentences of gov phrases with random figures, one paragraph per line."""
    lines, size = [], 0
    while size < chars:
        place = rng.choice("东西南北中") + rng.choice("山河湖海城林") + rng.choice(PLACES)
        phrase = "，".join(rng.sample(PHRASES, 3))
        line = f"{place}{phrase}，全年办理{rng.randint(1, 9999)}件，完成率{rng.randint(50, 100)}.{rng.randint(0, 9)}%。"
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def item(
    url: str, text: str, *, year: int, portal_id: str, official: bool = True, at: datetime = T0
) -> PageItem:
    return PageItem(
        portal_id=portal_id,
        url=url,
        requested_url=url,
        status=200,
        headers={"content-type": "text/html"},
        body=f"<html><body>{text}</body></html>".encode(),
        fetched_at=at,
        official=official,
        title=f"{year}年法治政府建设情况报告",
        text=text,
        kind="report",
        year=year,
    )


def build_archive(url: str, n: int, rng: random.Random) -> None:
    """Bulk-insert ``n`` background reports (one group each) with random LSH band keys."""
    engine = get_engine(url)
    portals = [
        {"id": f"p{i}", "name": f"portal {i}", "official": True, "start_urls": [], "render": "auto"}
        for i in range(500)
    ]
    with session_scope(engine) as s:
        s.execute(insert(Portal), portals)
    batch = 5_000
    for start in range(0, n, batch):
        ids = range(start + 1, min(n, start + batch) + 1)
        docs, vers, bands, grps = [], [], [], []
        for i in ids:
            year = rng.choice(YEARS)
            grps.append(
                {"id": i, "year": year, "jurisdiction": f"portal {i % 500}", "canonical_document_id": None}
            )
            docs.append(
                {
                    "id": i,
                    "portal_id": f"p{i % 500}",
                    "url": f"https://bg{i % 500}.gov.cn/art/{i}.html",
                    "title": f"{year}年法治政府建设情况报告",
                    "kind": "report",
                    "year": year,
                    "status": "live",
                    "first_seen": T0,
                    "last_seen": T0,
                    "report_group_id": i,
                    "missing_count": 0,
                    "versions": 1,
                    "text_hash": f"{rng.getrandbits(256):064x}",
                    "text_len": rng.randint(2_000, 12_000),
                }
            )
            vers.append(
                {
                    "document_id": i,
                    "seq": 1,
                    "fetched_at": T0,
                    "title": docs[-1]["title"],
                    "text": synthetic_report(rng, 120),
                    "text_hash": docs[-1]["text_hash"],
                    "raw": None,
                    "raw_codec": "zlib",
                    "raw_size": 0,
                }
            )
            bands.extend(
                {"document_id": i, "band": b, "key": rng.getrandbits(64) - 2**63} for b in range(BANDS)
            )
        with session_scope(engine) as s:
            s.execute(insert(ReportGroup), grps)
            s.execute(insert(Document), docs)
            s.execute(insert(Version), vers)
            s.execute(insert(MinHashBand), bands)
    engine.dispose()


def measure(url: str, rng: random.Random) -> dict[str, float]:
    engine = get_engine(url)
    families = [(synthetic_report(rng, rng.randint(3_000, 6_000)), rng.choice(YEARS)) for _ in range(20)]
    for k, (text, year) in enumerate(families):  # the reports the near-duplicates must find
        with session_scope(engine) as s:
            store.record_page(s, item(f"https://fam.gov.cn/{k}.html", text, year=year, portal_id=f"p{k}"))
    new_items = []
    for k, (text, year) in enumerate(families):  # mirror copies: a few characters differ
        copy = text.replace("完成率", "完成比率", 3) + "\n（来源：某某网）"
        new_items.append(
            item(f"https://mirror.cn/{k}.html", copy, year=year, portal_id="p499", official=False)
        )
    for k in range(20):  # new reports
        text = synthetic_report(rng, rng.randint(3_000, 6_000))
        new_items.append(
            item(f"https://new.gov.cn/{k}.html", text, year=rng.choice(YEARS), portal_id=f"p{k}")
        )

    grouping: list[float] = []
    original = groups.assign_group

    def timed_assign(session, **kw):
        t = time.perf_counter()
        try:
            return original(session, **kw)
        finally:
            grouping.append(time.perf_counter() - t)

    store.assign_group = timed_assign
    totals = []
    try:
        for it in new_items:
            t = time.perf_counter()
            with session_scope(engine) as s:
                store.record_page(s, it)
            totals.append(time.perf_counter() - t)
    finally:
        store.assign_group = original
    with session_scope(engine) as s:  # correctness: every mirror copy joined its family's group
        grouped = sum(
            s.scalar(select(Document.report_group_id).where(Document.url == f"https://fam.gov.cn/{k}.html"))
            == s.scalar(select(Document.report_group_id).where(Document.url == f"https://mirror.cn/{k}.html"))
            for k in range(20)
        )
    engine.dispose()
    return {
        "total_ms": statistics.median(totals) * 1000,
        "group_ms": statistics.median(grouping) * 1000,
        "grouped": grouped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated archive sizes")
    parser.add_argument("--keep", help="directory to keep the databases in (default: a temp dir)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        for n in sizes:
            url = f"sqlite:///{folder / f'dedup_{n}.db'}"
            t = time.perf_counter()
            build_archive(url, n, random.Random(n))
            built = time.perf_counter() - t
            results[n] = measure(url, random.Random(7))
            r = results[n]
            print(
                f"{n:>7} archived (built in {built:5.1f} s): record_page median {r['total_ms']:6.1f} ms/doc, "
                f"assign_group median {r['group_ms']:6.2f} ms/doc, mirror copies grouped {r['grouped']}/20"
            )
    lo, hi = min(sizes), max(sizes)
    for key, label in (("total_ms", "record_page"), ("group_ms", "assign_group")):
        ratio = results[hi][key] / results[lo][key]
        print(f"{label}: {hi}/{lo} cost ratio {ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
