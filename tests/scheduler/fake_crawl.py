"""A stand-in for ``scrapy crawl reports``: takes the same arguments and ``$FAZHI_DB``, behaves as
``$FAKE_CRAWL_MODE`` says.

Modes: ``ok`` (record the run ok; sleeps ``$FAKE_CRAWL_SLEEP`` seconds first), ``fail:<portal>`` (that
portal's own outcome is failed: the run is recorded ``partial`` and exits 1, or ``failed`` and exits 3 when it was
the only portal, as ``scrapy crawl reports`` does), ``crash`` (exit 3 without recording), ``norecord`` (exit 0 without
recording), ``slow`` (write rows in transactions until SIGTERM, then record ``interrupted`` like Scrapy's
RunRecorder), ``stubborn`` (like slow but ignores SIGTERM). Each start appends ``<run_id> <portals>`` to
``$FAKE_CRAWL_LOG``; ``slow``/``stubborn`` append ``ready <run_id>`` once writing.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import UTC, datetime


def parse(argv: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for flag, pair in zip(argv[::2], argv[1::2], strict=False):
        if flag in ("-a", "-s"):
            key, _, value = pair.partition("=")
            values[key] = value
    return values


def note(line: str) -> None:
    path = os.environ.get("FAKE_CRAWL_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())


def connect(url: str):
    """A plain SQLAlchemy engine (kept light: no archive/alembic imports, this starts once per crawl)."""
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def record(engine, run_id: int, outcome: str, portals: list[str], failed: str | None = None) -> None:
    """What RunRecorder does when the spider closes: outcome, end time, per-portal counters."""
    from sqlalchemy import text

    counters = {p: {"outcome": "failed" if p == failed else "ok", "articles": 1} for p in portals}
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE crawl_run SET outcome = :o, finished_at = :t, counters = :c WHERE id = :id"),
            {"o": outcome, "t": datetime.now(UTC), "c": json.dumps(counters), "id": run_id},
        )


def write_until_stopped(engine, run_id: int, *, obey: bool) -> None:
    from sqlalchemy import text

    stopping = []
    if obey:
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    else:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS fake_write (run_id INTEGER, n INTEGER, payload TEXT)"))
    n = 0
    while not stopping:
        with engine.begin() as conn:  # one transaction per "item", as the store pipeline does
            for _ in range(20):
                conn.execute(
                    text("INSERT INTO fake_write (run_id, n, payload) VALUES (:r, :n, :p)"),
                    {"r": run_id, "n": n, "p": "法治政府建设" * 20},
                )
                n += 1
        if n == 20:
            note(f"ready {run_id}")
        time.sleep(0.02)


def main() -> int:
    args = parse(sys.argv[1:])
    run_id = int(args["FAZHI_RUN_ID"])
    portals = [p for p in args["portal"].split(",") if p]
    mode = os.environ.get("FAKE_CRAWL_MODE", "ok")
    note(f"{run_id} {','.join(portals)}")
    if mode == "crash":
        return 3
    if mode == "norecord":
        return 0
    engine = connect(os.environ["FAZHI_DB"])  # as scrapy crawl finds it when no -s FAZHI_DB is given
    if mode in ("slow", "stubborn"):
        write_until_stopped(engine, run_id, obey=mode == "slow")
        record(engine, run_id, "interrupted", portals)
        return 0
    time.sleep(float(os.environ.get("FAKE_CRAWL_SLEEP", "0")))
    failed = mode.partition(":")[2] if mode.startswith("fail:") else None
    if failed in portals:
        outcome, code = ("failed", 3) if portals == [failed] else ("partial", 1)
        record(engine, run_id, outcome, portals, failed)
        return code
    record(engine, run_id, "ok", portals, failed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
