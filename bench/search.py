"""Search latency over realistic reports vs a LIKE-scan baseline in the same run: ``python -m bench.search``.

Builds a SQLite archive of ``--docs`` realistic reports (:mod:`bench.realistic`: 7,000–15,000 characters,
sections and figures drawn from the corpus) in bulk: documents, versions (with their compressed page)
and the search index rows through :func:`archive.search_index.add_rows`, the code the store uses, a
store batch per transaction (:func:`index_as_the_store_does`), so the index has the segments
a crawled archive has. Then the same
queries run through :func:`archive.search.search` and through a plain ``LIKE '%q%'`` scan of the latest
versions (the baseline), by class: ``rare`` (a phrase around a figure of one report), ``common`` (phrases
in most reports), ``short`` (1–2 characters, frequent, rare and absent). Prints p50/p95 wall time and the
p95 of the process's CPU time (on a shared machine wall time mostly measures waiting for a core), the disk
cost per report, and ends with one JSON line.

``--db URL`` builds and measures the same archive in the database the URL names instead (PostgreSQL, e.g.
``--db postgresql+psycopg://postgres@127.0.0.1:5432/bench_pgs``; create the database first): it must hold no
documents, or with ``--reuse`` it is measured as it is (like ``--keep`` for SQLite). PostgreSQL has no FTS5
index (searches use pg_trgm and a walk of documents in rank order, :mod:`archive.search`), so the build writes
no index rows there and the disk cost's ``index`` is the size of the document and version tables' indexes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine, insert, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from archive import search_index
from archive.db import (
    DatabaseSetupError,
    create_db_engine,
    display_url,
    explain,
    get_engine,
    normalize_url,
    session_scope,
)
from archive.models import Document, Portal, Version
from archive.search import search
from archive.store import RAW_CODEC, compress_raw
from bench import realistic
from pipelines.store import BATCH as STORE_BATCH

T0 = datetime(2025, 3, 1, tzinfo=UTC)
BATCH = 5_000
RAW_SAMPLE = 2_000
POOL = 400_000  # sentences each worker draws reports from
WORKERS = 2
BASELINE = text(
    "SELECT d.id FROM document d JOIN version v ON v.document_id = d.id AND v.seq = d.versions "
    "WHERE v.text LIKE :p ORDER BY d.id LIMIT 20"
)
COMMON = ["法治政府建设", "行政复议", "依法行政", "规范性文件", "行政执法", "普法宣传教育"]
SHORT = ["法", "县", "复议", "督察", "彩虹", "鉴定", "萬", "湖"]


def rare_terms(texts: list[str], rng: random.Random, n: int = 10) -> list[str]:
    """A reader looking up one place or one fact: half jurisdiction names (each report's own), half
    phrases of 5–8 characters around a figure of 3+ digits."""
    terms: list[str] = []
    while len(terms) < n // 2:
        opening = re.match(r"\d{4}年，(..市..[区县市])", rng.choice(texts))  # "2019年，安平市东川区…"
        if opening:
            terms.append(opening.group(1))
    while len(terms) < n:
        body = rng.choice(texts)
        figures = [
            m.start() for m in re.finditer(r"\d{3,}", body) if not re.fullmatch(r"20[12]\d", m.group())
        ]
        at = max(0, rng.choice(figures) - rng.randint(0, 4))
        piece = body[at : at + rng.randint(5, 8)]
        if not any(c.isspace() for c in piece):
            terms.append(piece)
    return terms


_POOL: list[str] = []


def _reports(batch: tuple[int, int, bool]) -> list[tuple[int, str, int, str, str, dict | None]]:
    """(id, kind, year, title, text, index row) of reports ``start..stop``, seeded by ``start``.

    Runs in a worker process: reports draw sentences from a pool made once per worker, and their index
    rows are computed here with :func:`archive.search_index.row` (what the store runs), so the main process
    only writes. No index rows (None) when ``indexed`` is false (PostgreSQL has no such index).
    """
    start, stop, indexed = batch
    if not _POOL:
        _POOL.extend(realistic.sentence_pool(random.Random(0), POOL))
    rng = random.Random(start)
    out = []
    for i in range(start, stop):
        year = rng.choice(realistic.YEARS)
        place = realistic.jurisdiction(rng)
        kind = "report" if i % 10 else "other"
        title = realistic.title(place, year)
        body = realistic.report(rng, place=place, year=year, pool=_POOL)
        out.append(
            (
                i,
                kind,
                year,
                title,
                body,
                search_index.row((search_index.rank_key(kind, year, i), title, body)) if indexed else None,
            )
        )
    return out


def index_as_the_store_does(engine: Engine, rows: list[dict]) -> None:
    """Add search-index rows (:func:`archive.search_index.row`) one transaction of
    :data:`pipelines.store.BATCH` at a time, as the store worker writes them: each becomes one FTS5 segment and
    the index merges them as it does a crawl's, so it has a crawl-built archive's segments and merge levels. A
    bulk load makes a few large segments instead, on which later writes merge less and queries visit fewer
    segments than on an archive the crawler filled (bench/README.md, twelfth session)."""
    for first in range(0, len(rows), STORE_BATCH):
        with session_scope(engine) as session:
            search_index.add_rows(session.connection(), rows[first : first + STORE_BATCH])


def build(url: str, n: int) -> tuple[list[str], int, int]:
    """Fill a fresh archive with ``n`` realistic reports; returns sample texts, total chars, raw bytes/report.

    Reports are generated in a worker process while this one stores and indexes them. The page each came
    from is compressed (``raw``) for the first :data:`RAW_SAMPLE` reports only, to measure its size; the
    rest store none, which saves the benchmark time without touching what is measured. On PostgreSQL there
    is no FTS5 index to write (:func:`archive.search_index.replace` does nothing there either): its search
    indexes are maintained by the server as rows are inserted.
    """
    engine = get_engine(url)
    indexed = engine.dialect.name == "sqlite"
    portals = [
        {
            "id": f"p{i}",
            "name": f"p{i}",
            "official": True,
            "start_urls": [],
            "render": "auto",
            "region": f"省{i % 30}市{i % 7}",
        }
        for i in range(300)
    ]
    with session_scope(engine) as s:
        s.execute(insert(Portal), portals)
    sample, chars, raw_bytes = [], 0, []
    batches = [(start + 1, min(n, start + BATCH) + 1, indexed) for start in range(0, n, BATCH)]
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        for reports in pool.imap(_reports, batches):
            docs, vers, rows = [], [], []
            for i, kind, year, title, body, index_row in reports:
                chars += len(body)
                if i % 500 == 1:
                    sample.append(body)
                raw = compress_raw(realistic.page(title, body)) if i <= RAW_SAMPLE else None
                if raw is not None:
                    raw_bytes.append(len(raw))
                docs.append(
                    {
                        "id": i,
                        "portal_id": f"p{i % 300}",
                        "url": f"https://s{i % 300}.gov.cn/{i}.html",
                        "title": title,
                        "kind": kind,
                        "year": year,
                        "status": "live",
                        "first_seen": T0,
                        "last_seen": T0,
                        "missing_count": 0,
                        "versions": 1,
                        "text_hash": f"{i:064x}",
                        "text_len": len(body),
                    }
                )
                vers.append(
                    {
                        "document_id": i,
                        "seq": 1,
                        "fetched_at": T0,
                        "title": title,
                        "text": body,
                        "text_hash": f"{i:064x}",
                        "raw": raw,
                        "raw_codec": RAW_CODEC,
                        "raw_size": 0,
                    }
                )
                rows.append(index_row)
            with session_scope(engine) as s:
                s.execute(insert(Document), docs)
                s.execute(insert(Version), vers)
            if indexed:
                index_as_the_store_does(engine, rows)
    engine.dispose()
    return sample, chars, round(sum(raw_bytes) / len(raw_bytes))


def reopen(url: str) -> tuple[list[str], int, int]:
    """The sample texts and total chars of an archive :func:`build` made earlier (``--keep``, ``--reuse``)."""
    engine = get_engine(url)
    with engine.connect() as conn:
        chars = conn.execute(text("SELECT sum(text_len) FROM document")).scalar()
        sample = conn.execute(
            text("SELECT text FROM version WHERE document_id % 500 = 1 ORDER BY id")
        ).scalars()
        sample = list(sample)
        raw = conn.execute(text("SELECT avg(length(raw)) FROM version WHERE raw IS NOT NULL")).scalar()
    engine.dispose()
    return sample, int(chars), round(raw)


def disk_per_report(url: str, n: int, raw: int) -> dict[str, int]:
    """Bytes per report: normalized text, compressed raw page (``raw``, measured on a sample), search
    index, and the whole file (which holds no raw pages beyond the sample).

    PostgreSQL: the text as stored (``pg_column_size``: after TOAST compression), every index of the document
    and version tables (pg_trgm's, the rank walk's and the keys'), and the whole database for the file."""
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            text_bytes = conn.execute(text("SELECT sum(pg_column_size(text)) FROM version")).scalar()
            index_bytes = conn.execute(
                text("SELECT pg_indexes_size('version') + pg_indexes_size('document')")
            ).scalar()
            file_bytes = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        engine.dispose()
        return {
            "text": round(text_bytes / n),
            "raw": raw,
            "index": round(index_bytes / n),
            "file": round(file_bytes / n),
        }
    with engine.connect() as conn:
        text_bytes = conn.execute(text("SELECT sum(length(CAST(text AS BLOB))) FROM version")).scalar()
        index_bytes = conn.execute(
            text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE :p"), {"p": f"{search_index.TABLE}%"}
        ).scalar()
    engine.dispose()
    path = Path(make_url(url).database)
    return {
        "text": round(text_bytes / n),
        "raw": raw,
        "index": round(index_bytes / n),
        "file": round(path.stat().st_size / n),
    }


def analyze(url: str) -> None:
    """PostgreSQL: gather the planner's statistics of the freshly loaded tables. In real use autovacuum runs
    ``ANALYZE`` after a crawl writes this many rows; the benchmark measures right after its bulk load, before
    autovacuum has come round, and would otherwise measure plans made without statistics."""
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


def documents_in(url: str) -> int:
    """How many documents the database at ``url`` holds (0 if it has no archive schema yet), read before
    :func:`archive.db.get_engine` would migrate it. Raises :class:`DatabaseSetupError` if it cannot be read."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("document"):
                return 0
            return conn.execute(text("SELECT count(*) FROM document")).scalar()
    except DBAPIError as exc:
        raise DatabaseSetupError(explain(url, exc)) from exc
    finally:
        engine.dispose()


def target(args: argparse.Namespace, tmp: str) -> tuple[str, str, bool]:
    """The archive to measure: its URL, how to show it, and whether to reuse it rather than build it. Exits 2
    on a ``--db`` that cannot be used as asked."""
    if not args.db:
        path = Path(args.keep or tmp) / f"search_{args.docs}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}", str(path), bool(args.keep and path.exists())
    try:
        url = normalize_url(args.db)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
            fail("--db sqlite:// needs a file (each connection would see its own empty database)")
        held = documents_in(url)
    except DatabaseSetupError as exc:
        fail(str(exc))
    shown = display_url(url)
    if held and not args.reuse:
        fail(
            f"{shown} already holds {held} documents: the benchmark fills an empty database "
            "(pass --reuse to measure it as it is, or drop and create it)"
        )
    if held and held != args.docs:
        fail(f"{shown} holds {held} documents, not --docs {args.docs}: pass --docs {held} to reuse it")
    return url, shown, bool(held)


def fail(message: str) -> NoReturn:
    print(f"bench.search: {message}", file=sys.stderr)
    sys.exit(2)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query through search")
    parser.add_argument(
        "--keep",
        help="directory to keep the database in, and to reuse it from if there (default: a temp dir)",
    )
    parser.add_argument(
        "--db",
        help="database URL to build the archive in instead (PostgreSQL: an existing database without documents)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --db: measure the archive already there without rebuilding"
    )
    args = parser.parse_args()
    if args.db and args.keep:
        fail("--keep is for the SQLite archive in a directory; with --db, the database is kept (use --reuse)")
    if args.reuse and not args.db:
        fail("--reuse needs --db (for SQLite, --keep DIR reuses the archive in DIR)")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        url, where, reused = target(args, tmp)
        backend = make_url(url).get_backend_name()
        print(f"backend: {backend} ({where})")
        t = time.perf_counter()
        if reused:  # built by an earlier run: measure again without rebuilding
            sample, chars, raw = reopen(url)
            print(f"reusing {where} (build time not measured)")
        else:
            sample, chars, raw = build(url, args.docs)
        built = time.perf_counter() - t
        if backend == "postgresql" and not reused:
            analyze(url)
        mean_chars = chars / args.docs
        if not reused:
            print(
                f"{args.docs} realistic reports ({realistic.source()}, mean {mean_chars:.0f} chars) built in "
                f"{built:.1f} s ({built / args.docs * 1000:.1f} ms/report, index included)"
            )
        disk = disk_per_report(url, args.docs, raw)
        print("disk per report: " + ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in disk.items()))
        queries = {"rare": rare_terms(sample, rng), "common": COMMON, "short": SHORT}
        figures: dict[str, dict] = {}
        engine = get_engine(url)
        with Session(engine) as s:
            for label, terms in queries.items():
                ours, base, ours_cpu, base_cpu = [], [], [], []
                for q in terms:  # the scan once per term: it is the slow side
                    t, c = time.perf_counter(), time.process_time()
                    s.execute(BASELINE, {"p": f"%{q}%"}).all()
                    base.append(time.perf_counter() - t)
                    base_cpu.append(time.process_time() - c)
                for _ in range(args.repeat):
                    for q in terms:
                        t, c = time.perf_counter(), time.process_time()
                        search(s, q)
                        ours.append(time.perf_counter() - t)
                        ours_cpu.append(time.process_time() - c)
                fig = {
                    "p50_ms": round(pct(ours, 0.5), 2),
                    "p95_ms": round(pct(ours, 0.95), 2),
                    "scan_p50_ms": round(pct(base, 0.5), 2),
                    "scan_p95_ms": round(pct(base, 0.95), 2),
                    "cpu_p95_ms": round(pct(ours_cpu, 0.95), 2),
                    "scan_cpu_p95_ms": round(pct(base_cpu, 0.95), 2),
                }
                fig["scan_speedup_p95"] = round(fig["scan_p95_ms"] / fig["p95_ms"], 1)
                figures[label] = fig
                print(
                    f"{label:>7}: search p50 {fig['p50_ms']:8.1f} ms  p95 {fig['p95_ms']:8.1f} ms "
                    f"(CPU p95 {fig['cpu_p95_ms']:6.1f}) | LIKE scan p50 {fig['scan_p50_ms']:8.1f} ms  p95 "
                    f"{fig['scan_p95_ms']:8.1f} ms (CPU p95 {fig['scan_cpu_p95_ms']:7.1f}) | p95 ratio "
                    f"{fig['scan_speedup_p95']}x  ({len(terms)} terms, e.g. {terms[0]!r})"
                )
        engine.dispose()
    print(f"load average: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    summary = {
        "backend": backend,
        "docs": args.docs,
        "mean_chars": round(mean_chars),
        "build_ms_per_report": None if reused else round(built / args.docs * 1000, 2),
        "disk_bytes_per_report": disk,
        "load": round(os.getloadavg()[0], 1),
        **figures,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
