"""Which full-text index to use, measured: ``python -m bench.search_backends [--docs 5000]``.

The same realistic reports (:mod:`bench.realistic`) go into each candidate index, and each answers the same
queries *exactly* (every document whose text contains the term, verified where the index alone cannot tell):

- ``trigram``: SQLite FTS5 ``trigram``, ``detail=full`` (the index before issue 15); ≥ 3 characters only.
- ``bigram``: FTS5 ``unicode61`` over :func:`archive.segment.segment` bigrams, ``detail=full``: phrases of
  bigrams, exact for any length.
- ``bigram-none``: the same tokens with ``detail=none`` (document ids only): AND of bigrams, then verified.
- ``tantivy``: Tantivy over the same bigrams (positions), phrase queries.
- ``pg-trgm`` / ``pg-bigram`` (with ``--postgres URL``): ``ILIKE`` over a pg_trgm GIN index, and a GIN
  ``tsvector`` of the bigrams (document level) with ``ILIKE`` verification.

Prints build time, index size and per query class the p50/p95 to list all matches, plus a LIKE scan; ends
with a JSON line. Tantivy is measured as an embedded-engine reference: it cannot share the archive's
transaction, so it could only ever be a second store kept in step.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from archive.segment import runs, segment, term_query
from bench import realistic

Query = Callable[[str], set[int]]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def make_queries(texts: list[str], rng: random.Random) -> dict[str, list[str]]:
    """rare: a phrase around a figure in one report; common: phrases of most reports; short: 1–2 chars."""
    rare = []
    while len(rare) < 12:
        text = rng.choice(texts)
        at = rng.randrange(len(text) - 20)
        piece = text[at : at + rng.randint(5, 8)]
        if any(c.isdigit() for c in piece) and not any(c.isspace() for c in piece):
            rare.append(piece)
    common = ["法治政府建设", "行政复议", "依法行政", "规范性文件", "行政执法", "普法宣传"]
    short = ["法", "县", "复议", "督察", "彩虹", "萬", "鉴定", "湖"]
    return {"rare": rare, "common": common, "short": short}


def like_scan(conn: sqlite3.Connection) -> Query:
    def run(term: str) -> set[int]:
        return {r[0] for r in conn.execute("SELECT id FROM doc WHERE text LIKE ?", (f"%{term}%",))}

    return run


def build_sqlite(path: Path, texts: list[str], kind: str) -> tuple[sqlite3.Connection, float]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO doc VALUES (?, ?)", enumerate(texts, 1))
    conn.commit()
    t = time.perf_counter()
    if kind == "plain":
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return conn, 0.0
    if kind == "trigram":
        conn.execute("CREATE VIRTUAL TABLE ix USING fts5(text, content='', tokenize='trigram')")
        conn.executemany("INSERT INTO ix(rowid, text) VALUES (?, ?)", enumerate(texts, 1))
    else:
        detail = "none" if kind == "bigram-none" else "full"
        conn.execute(
            "CREATE VIRTUAL TABLE ix USING fts5(body, content='', detail=" + detail + ", prefix='1', "
            "tokenize='unicode61 remove_diacritics 0')"
        )
        conn.executemany(
            "INSERT INTO ix(rowid, body) VALUES (?, ?)", ((i, segment(t)) for i, t in enumerate(texts, 1))
        )
    conn.execute("INSERT INTO ix(ix) VALUES ('optimize')")
    conn.commit()
    return conn, time.perf_counter() - t


def sqlite_query(conn: sqlite3.Connection, kind: str) -> Query:
    def run(term: str) -> set[int]:
        if kind == "trigram":
            if len(term) < 3:
                return like_scan(conn)(term)
            q = '"' + term.replace('"', '""') + '"'
            return {r[0] for r in conn.execute("SELECT rowid FROM ix WHERE ix MATCH ?", (q,))}
        expr, verify = term_query(term)
        if kind == "bigram-none":
            expr = " AND ".join(
                f'"{r[i : i + 2]}"' if len(r) > 1 else f'"{r}"*'
                for r in runs(term)
                for i in range(max(1, len(r) - 1))
            )
            verify = verify or len(term) > 2
        sql = "SELECT rowid FROM ix WHERE ix MATCH ?"
        if verify:
            sql = f"SELECT id FROM doc WHERE id IN ({sql}) AND text LIKE ?"
            return {r[0] for r in conn.execute(sql, (expr, f"%{term}%"))}
        return {r[0] for r in conn.execute(sql, (expr,))}

    return run


def build_tantivy(path: Path, texts: list[str]) -> tuple[Query, float]:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, fast=True)
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="position")
    schema = sb.build()
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    t = time.perf_counter()
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for i, text in enumerate(texts, 1):
        writer.add_document(tantivy.Document(id=i, body=segment(text)))
    writer.commit()
    writer.wait_merging_threads()
    built = time.perf_counter() - t
    index.reload()
    searcher = index.searcher()
    by_id = dict(enumerate(texts, 1))

    def run(term: str) -> set[int]:
        parts = []
        for r in runs(term):
            if len(r) == 1:
                parts.append(tantivy.Query.regex_query(schema, "body", f"{r}.?"))
            elif len(r) == 2:
                parts.append(tantivy.Query.term_query(schema, "body", r))
            else:
                words = [r[i : i + 2] for i in range(len(r) - 1)]
                parts.append(tantivy.Query.phrase_query(schema, "body", words))
        query = (
            parts[0]
            if len(parts) == 1
            else tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])
        )
        hits = searcher.search(query, limit=len(texts)).hits
        found = {searcher.doc(addr)["id"][0] for _, addr in hits}
        _, verify = term_query(term)
        return {i for i in found if term in by_id[i]} if verify else found

    return run, built


@contextlib.contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A throw-away database on ``server`` (dropped afterwards), so the benchmark leaves nothing behind."""
    import psycopg

    name = f"fazhi_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(psycopg.conninfo.make_conninfo(server, dbname=name))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_postgres(url: str, texts: list[str], kind: str) -> tuple[Query, float, int]:
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("DROP TABLE IF EXISTS bench_doc")
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    conn.execute("CREATE TABLE bench_doc (id int PRIMARY KEY, text text, bigrams tsvector)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO bench_doc (id, text) VALUES (%s, %s)", list(enumerate(texts, 1)))
    t = time.perf_counter()
    if kind == "pg-trgm":
        conn.execute("CREATE INDEX bench_doc_trgm ON bench_doc USING gin (text gin_trgm_ops)")
    else:
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE bench_doc SET bigrams = array_to_tsvector(%s) WHERE id = %s",
                [(sorted(set(segment(t).split())), i) for i, t in enumerate(texts, 1)],
            )
        conn.execute("CREATE INDEX bench_doc_bigrams ON bench_doc USING gin (bigrams)")
    conn.execute("VACUUM ANALYZE bench_doc")
    built = time.perf_counter() - t
    size = conn.execute("SELECT pg_indexes_size('bench_doc')").fetchone()[0]

    def run(term: str) -> set[int]:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if kind == "pg-trgm":
            rows = conn.execute("SELECT id FROM bench_doc WHERE text ILIKE %s", (pattern,))
            return {r[0] for r in rows}
        lexemes = []
        for r in runs(term):
            if len(r) == 1:
                lexemes.append(f"{r}:*")
            else:
                lexemes.extend(r[i : i + 2] for i in range(len(r) - 1))
        tsq = " & ".join(
            "'" + x.removesuffix(":*") + "'" + (":*" if x.endswith(":*") else "") for x in lexemes
        )
        rows = conn.execute(
            "SELECT id FROM bench_doc WHERE bigrams @@ %s::tsquery AND text ILIKE %s", (tsq, pattern)
        )
        return {r[0] for r in rows}

    return run, built, size


def measure(run: Query, queries: dict[str, list[str]], truth: dict[str, set[int]], repeat: int) -> dict:
    out = {}
    for label, terms in queries.items():
        times = []
        for _ in range(repeat):
            for term in terms:
                t = time.perf_counter()
                got = run(term)
                times.append(time.perf_counter() - t)
                if got != truth[term]:
                    raise AssertionError(f"{term!r}: {len(got)} hits, LIKE scan finds {len(truth[term])}")
        out[label] = {"p50_ms": round(pct(times, 0.5), 2), "p95_ms": round(pct(times, 0.95), 2)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", default="trigram,bigram,bigram-none,tantivy")
    parser.add_argument("--postgres", default=os.environ.get("FAZHI_TEST_POSTGRES"), help="server URL")
    args = parser.parse_args()
    rng = random.Random(5)
    texts = [realistic.report(rng) for _ in range(args.docs)]
    mean_chars = sum(map(len, texts)) / len(texts)
    queries = make_queries(texts, rng)
    print(
        f"{args.docs} realistic reports ({realistic.source()}), mean {mean_chars:.0f} chars; load: {os.getloadavg()}"
    )
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        base = Path(tmp)
        pg = None
        if args.postgres:
            server = args.postgres.replace("postgresql+psycopg://", "postgresql://")
            pg = stack.enter_context(scratch_database(server))
        plain, _ = build_sqlite(base / "plain.db", texts, "plain")
        scan = like_scan(plain)
        truth = {t: scan(t) for ts in queries.values() for t in ts}
        text_bytes = (base / "plain.db").stat().st_size
        results["like-scan"] = measure(scan, queries, truth, 1)
        for kind in args.kinds.split(","):
            if kind == "tantivy":
                run, built = build_tantivy(base / "tantivy", texts)
                size = sum(p.stat().st_size for p in (base / "tantivy").iterdir())
                shutil.rmtree(base / "tantivy")
            elif kind.startswith("pg-"):
                if pg is None:
                    continue
                run, built, size = build_postgres(pg, texts, kind)
            else:
                conn, built = build_sqlite(base / f"{kind}.db", texts, kind)
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                size = (base / f"{kind}.db").stat().st_size - text_bytes
                run = sqlite_query(conn, kind)
            results[kind] = measure(run, queries, truth, args.repeat)
            results[kind].update(build_s=round(built, 1), index_bytes_per_doc=round(size / args.docs))
            r = results[kind]
            print(
                f"{kind:>12}: build {built:6.1f} s, index {size / args.docs / 1024:6.1f} KiB/doc | "
                + " | ".join(f"{c} p50 {r[c]['p50_ms']:7.1f} p95 {r[c]['p95_ms']:7.1f} ms" for c in queries)
            )
    r = results["like-scan"]
    print(f"{'like-scan':>12}: " + " | ".join(f"{c} p50 {r[c]['p50_ms']:7.1f} ms" for c in queries))
    print(
        json.dumps({"docs": args.docs, "mean_chars": round(mean_chars), "text_bytes": text_bytes, **results})
    )


if __name__ == "__main__":
    main()
