"""Search latency over synthetic reports vs a LIKE-scan baseline in the same run: ``python -m bench.search``.

Builds a SQLite archive of ``--docs`` synthetic reports (bulk insert; the FTS5 trigram index is filled by the
schema's triggers), then runs the same queries through :func:`archive.search.search` and through a plain
``LIKE '%q%'`` scan of the latest versions (the baseline). Prints p50/p95 for each, by query class: rare
≥3-character terms (a few hits), common ≥3-character phrases (many hits, ranked), 2-character terms (which
both paths answer with LIKE, trigram cannot).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session

from archive.db import get_engine, session_scope
from archive.models import Document, Portal, Version
from archive.search import search
from bench.dedup import T0, YEARS, synthetic_report

BASELINE = text(
    "SELECT d.id FROM document d JOIN version v ON v.document_id = d.id AND v.seq = d.versions "
    "WHERE v.text LIKE :p ORDER BY d.id LIMIT 20"
)


def build(url: str, n: int, chars: int, rng: random.Random) -> None:
    engine = get_engine(url)
    with session_scope(engine) as s:
        s.execute(
            insert(Portal),
            [
                {
                    "id": f"p{i}",
                    "name": f"p{i}",
                    "official": True,
                    "start_urls": [],
                    "render": "auto",
                    "region": f"省{i % 30}市{i % 7}",
                }
                for i in range(300)
            ],
        )
    for start in range(0, n, 5_000):
        docs, vers = [], []
        for i in range(start + 1, min(n, start + 5_000) + 1):
            year = rng.choice(YEARS)
            docs.append(
                {
                    "id": i,
                    "portal_id": f"p{i % 300}",
                    "url": f"https://s{i % 300}.gov.cn/{i}.html",
                    "title": f"{year}年法治政府建设情况报告",
                    "kind": "report",
                    "year": year,
                    "status": "live",
                    "first_seen": T0,
                    "last_seen": T0,
                    "missing_count": 0,
                    "versions": 1,
                    "text_hash": f"{i:064x}",
                    "text_len": chars,
                }
            )
            vers.append(
                {
                    "document_id": i,
                    "seq": 1,
                    "fetched_at": T0,
                    "title": docs[-1]["title"],
                    "text": synthetic_report(rng, chars),
                    "text_hash": f"{i:064x}",
                    "raw_codec": "zlib",
                    "raw_size": 0,
                }
            )
        with session_scope(engine) as s:
            s.execute(insert(Document), docs)
            s.execute(insert(Version), vers)
    engine.dispose()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=400, help="characters per synthetic report")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1)
    queries = {
        "rare >=3 chars": [f"办理{rng.randint(1000, 9999)}件" for _ in range(10)],
        "common >=3 chars": ["法治督察", "行政复议纠错率", "普法宣传教育", "东山区", "政务公开"],
        "2 chars": ["督察", "复议", "山镇"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'search.db'}"
        t = time.perf_counter()
        build(url, args.docs, args.chars, rng)
        print(f"{args.docs} reports of {args.chars} chars built in {time.perf_counter() - t:.1f} s")
        engine = get_engine(url)
        with Session(engine) as s:
            for label, terms in queries.items():
                ours, base = [], []
                for _ in range(args.repeat):
                    for q in terms:
                        t = time.perf_counter()
                        search(s, q)
                        ours.append(time.perf_counter() - t)
                        t = time.perf_counter()
                        s.execute(BASELINE, {"p": f"%{q}%"}).all()
                        base.append(time.perf_counter() - t)
                print(
                    f"{label:>17}: search p50 {pct(ours, 0.5):8.1f} ms  p95 {pct(ours, 0.95):8.1f} ms | "
                    f"LIKE scan p50 {pct(base, 0.5):8.1f} ms  p95 {pct(base, 0.95):8.1f} ms | "
                    f"p50 speed-up {statistics.median(base) / statistics.median(ours):.1f}x"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
