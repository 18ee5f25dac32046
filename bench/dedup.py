"""Report-grouping cost per added document vs archive size (SQLite): ``python -m bench.dedup``.

For each archive size (1k, 10k, 100k reports already archived) a fresh SQLite file is filled in bulk, then
the same 40 realistic reports (:mod:`bench.realistic`: 7,000–15,000 characters) are stored one by one through
:func:`archive.store.record_page` (one transaction each, as a quiet crawl's store worker writes them): 20
near-duplicate copies of reports already in the archive and 20 new reports. We time the whole
``record_page`` + commit, and ``assign_group`` alone (hash lookup, LSH candidate lookup, verification). Then
:data:`BATCHES` batches more (20 copies, the rest new) go through :func:`pipelines.store.write_items` in
transactions of :data:`pipelines.store.BATCH`, as a busy crawl's store worker writes them; their figure is a
batch's time over its reports, as the median batch and as the mean (total over reports: it carries the search
index's segment merges and the WAL checkpoints, which land on some batches only). The figure of merit is the
100k / 1k ratio (target ≤ 2×): grouping must not scan.

How the archive is built: background documents are inserted with executemany. Their stored text is a
200-character paragraph, their ``text_len`` spans 7k–15k characters and their 32 LSH band keys are random
64-bit integers, which is what the band keys of distinct texts are. Their search-index rows are those of
:data:`INDEX_POOL` realistic reports, written a store batch per transaction
(:func:`bench.search.index_as_the_store_does`): the index then has the size, segments and merge levels
of an archive the crawler filled, and a new report pays the merges it would pay there. (Until the twelfth
session the index held the 200-character texts in a few bulk segments, which made writes look cheaper.) The 20
"family" reports that the near-duplicates must find are stored through ``record_page`` like real ones.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from archive import groups, search_index, store
from archive.db import get_engine, session_scope
from archive.fingerprint import BANDS
from archive.models import Document, MinHashBand, Portal, ReportGroup, Version
from bench import realistic
from bench.search import index_as_the_store_does
from pipelines.items import PageItem
from pipelines.store import BATCH, write_items

T0 = datetime(2025, 3, 1, tzinfo=UTC)
#: Batches written through ``write_items`` per archive size: enough that the mean carries the index's
#: segment merges and the checkpoints (a small merge every few batches, a larger one now and then) rather
#: than catching or missing one.
BATCHES = 32
#: Distinct realistic reports whose index rows the background documents carry.
INDEX_POOL = 250
YEARS = realistic.YEARS


def item(
    url: str, text: str, *, year: int, portal_id: str, official: bool = True, at: datetime = T0
) -> PageItem:
    return PageItem(
        portal_id=portal_id,
        url=url,
        requested_url=url,
        status=200,
        headers={"content-type": "text/html"},
        body=realistic.page(f"{year}年法治政府建设情况报告", text),
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
    background = [realistic.report(rng, chars=200)[:200] for _ in range(100)]
    index_pool = [
        search_index.row((0, "2024年法治政府建设情况报告", realistic.report(rng))) for _ in range(INDEX_POOL)
    ]
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
                    "text_len": rng.randint(realistic.MIN_CHARS, realistic.MAX_CHARS),
                }
            )
            vers.append(
                {
                    "document_id": i,
                    "seq": 1,
                    "fetched_at": T0,
                    "title": docs[-1]["title"],
                    "text": background[i % len(background)],
                    "text_hash": docs[-1]["text_hash"],
                    "raw": None,
                    "raw_codec": store.RAW_CODEC,
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
        index_as_the_store_does(
            engine,
            [
                {
                    **index_pool[d["id"] % len(index_pool)],
                    "key": search_index.rank_key("report", d["year"], d["id"]),
                }
                for d in docs
            ],
        )
    engine.dispose()


def measure(url: str, rng: random.Random) -> dict[str, float]:
    engine = get_engine(url)
    families = [(realistic.report(rng), rng.choice(YEARS)) for _ in range(20)]
    for k, (text, year) in enumerate(families):  # the reports the near-duplicates must find
        with session_scope(engine) as s:
            store.record_page(s, item(f"https://fam.gov.cn/{k}.html", text, year=year, portal_id=f"p{k}"))
    new_items = arrivals(families, 20, rng, "")

    grouping: list[float] = []
    original = groups.assign_group

    def timed_assign(session, **kw):
        t = time.perf_counter()
        try:
            return original(session, **kw)
        finally:
            grouping.append(time.perf_counter() - t)

    store.assign_group = timed_assign
    totals, cpu = [], []
    try:
        for it in new_items:
            t, c = time.perf_counter(), time.process_time()
            with session_scope(engine) as s:
                store.record_page(s, it)
            totals.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    finally:
        store.assign_group = original
    batched, batched_cpu = [], []
    later = arrivals(families, BATCHES * BATCH - len(families), rng, "batch.")
    for start in range(0, len(later), BATCH):
        batch = later[start : start + BATCH]
        t, c = time.perf_counter(), time.process_time()
        assert all(error is None for _, error in write_items(engine, batch, store.GONE_AFTER))
        batched.append((time.perf_counter() - t) / len(batch))
        batched_cpu.append((time.process_time() - c) / len(batch))
    grouped = {prefix: families_grouped(engine, prefix) for prefix in ("", "batch.")}
    engine.dispose()
    return {
        "mean_chars": statistics.mean(len(it.text) for it in new_items),
        "total_ms": statistics.median(totals) * 1000,
        "total_p90_ms": sorted(totals)[int(0.9 * len(totals))] * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "cpu_mean_ms": statistics.mean(cpu) * 1000,  # with the index's segment merges, which come in bursts
        "group_ms": statistics.median(grouping) * 1000,
        "grouped": grouped[""],
        "batched_ms": statistics.median(batched) * 1000,
        "batched_cpu_ms": statistics.median(batched_cpu) * 1000,
        "batched_mean_ms": statistics.mean(batched) * 1000,
        "batched_cpu_mean_ms": statistics.mean(batched_cpu) * 1000,
        "batched_grouped": grouped["batch."],
    }


def arrivals(families: list[tuple[str, int]], new: int, rng: random.Random, host: str) -> list[PageItem]:
    """A mirror copy of each family report (a few characters differ), then ``new`` new reports."""
    items = []
    for k, (text, year) in enumerate(families):
        copy = text[:1000] + "（转载）" + text[1000:5000] + "有关" + text[5000:] + "\n（来源：某某网）"
        items.append(
            item(f"https://{host}mirror.cn/{k}.html", copy, year=year, portal_id="p499", official=False)
        )
    for k in range(new):
        text = realistic.report(rng)
        items.append(
            item(f"https://{host}new.gov.cn/{k}.html", text, year=rng.choice(YEARS), portal_id=f"p{k % 500}")
        )
    return items


def families_grouped(engine, host: str) -> int:
    """How many of the 20 mirror copies on ``host`` joined their family's group (correctness)."""
    with session_scope(engine) as s:
        return sum(
            s.scalar(select(Document.report_group_id).where(Document.url == f"https://fam.gov.cn/{k}.html"))
            == s.scalar(
                select(Document.report_group_id).where(Document.url == f"https://{host}mirror.cn/{k}.html")
            )
            for k in range(20)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated archive sizes")
    parser.add_argument("--keep", help="directory to keep the databases in (default: a temp dir)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {n: folder / f"dedup_{n}.db" for n in sizes}
        if taken := [str(p) for p in paths.values() if p.exists()]:
            parser.error(f"the bench builds its archives afresh; remove or move away: {', '.join(taken)}")
        for n, path in paths.items():
            url = f"sqlite:///{path}"
            t = time.perf_counter()
            build_archive(url, n, random.Random(n))
            built = time.perf_counter() - t
            results[n] = measure(url, random.Random(7))
            r = results[n]
            print(
                f"{n:>7} archived (built in {built:5.1f} s): record_page median {r['total_ms']:6.1f} ms/doc "
                f"(CPU {r['cpu_ms']:5.1f} ms, mean {r['cpu_mean_ms']:5.1f}), "
                f"assign_group median {r['group_ms']:6.2f} ms/doc, mirror copies grouped {r['grouped']}/20"
            )
            print(
                f"{'':>7} in transactions of {BATCH}: median {r['batched_ms']:6.1f} ms/doc "
                f"(CPU {r['batched_cpu_ms']:5.1f} ms), mean {r['batched_mean_ms']:6.1f} ms/doc "
                f"(CPU {r['batched_cpu_mean_ms']:5.1f} ms), mirror copies grouped {r['batched_grouped']}/20"
            )
    lo, hi = min(sizes), max(sizes)
    ratios = {}
    for key, label in (
        ("total_ms", "record_page"),
        ("cpu_ms", "record_page CPU"),
        ("group_ms", "assign_group"),
        ("batched_cpu_ms", f"batches of {BATCH} CPU"),
        ("batched_cpu_mean_ms", f"batches of {BATCH} CPU, mean"),
    ):
        ratios[key] = results[hi][key] / results[lo][key]
        print(f"{label}: {hi}/{lo} cost ratio {ratios[key]:.2f}x (target <= 2x)")
    load = os.getloadavg()
    machine = realistic.machine_ms([realistic.report(random.Random(k)) for k in range(40)])
    print(
        f"reports built from: {realistic.source()} (mean {statistics.mean(r['mean_chars'] for r in results.values()):.0f} chars)"
    )
    print(
        f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; machine: {machine:.3f} ms a report (zlib + sha256)"
    )
    summary = {
        "texts": realistic.source(),
        "mean_chars": round(statistics.mean(r["mean_chars"] for r in results.values())),
        "per_report_ms": {str(n): round(r["total_ms"], 2) for n, r in results.items()},
        "per_report_p90_ms": {str(n): round(r["total_p90_ms"], 2) for n, r in results.items()},
        "per_report_cpu_ms": {str(n): round(r["cpu_ms"], 2) for n, r in results.items()},
        "per_report_cpu_mean_ms": {str(n): round(r["cpu_mean_ms"], 2) for n, r in results.items()},
        "group_ms": {str(n): round(r["group_ms"], 2) for n, r in results.items()},
        "grouped_of_20": {str(n): r["grouped"] for n, r in results.items()},
        "batch": BATCH,
        "batched_per_report_ms": {str(n): round(r["batched_ms"], 2) for n, r in results.items()},
        "batched_per_report_cpu_ms": {str(n): round(r["batched_cpu_ms"], 2) for n, r in results.items()},
        "batched_mean_per_report_ms": {str(n): round(r["batched_mean_ms"], 2) for n, r in results.items()},
        "batched_mean_per_report_cpu_ms": {
            str(n): round(r["batched_cpu_mean_ms"], 2) for n, r in results.items()
        },
        "batched_grouped_of_20": {str(n): r["batched_grouped"] for n, r in results.items()},
        "ratio_total": round(ratios["total_ms"], 2),
        "ratio_cpu": round(ratios["cpu_ms"], 2),
        "load": round(load[0], 1),
        "machine_ms": round(machine, 3),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
