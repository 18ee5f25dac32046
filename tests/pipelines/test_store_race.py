"""Issue 12, defect 11: two crawls storing the same new page at once is a harmless race, not a store error.

Crawl A reads the archive (no such document yet) and is held just before its INSERT; crawl B stores the same
page meanwhile. On PostgreSQL A's INSERT then violates the UNIQUE url; on SQLite A's snapshot is stale and
the write is refused. Either way the store redoes A's transaction on what B stored.
"""

from __future__ import annotations

import threading

from sqlalchemy import event, func, select
from sqlmodel import Session

from archive.db import create_db_engine, get_engine
from archive.models import Document, Version
from pipelines.store import write_item
from tests.factories import page


def test_a_unique_race_between_two_crawls_is_redone_not_an_error(db_url):
    get_engine(db_url).dispose()
    engine_a, engine_b = create_db_engine(db_url), create_db_engine(db_url)
    item = page(url="https://www.example.gov.cn/fzzfjs/race.html")
    write_item(engine_b, page(url="https://www.example.gov.cn/fzzfjs/warm.html"), 2)  # the portal row exists
    b_done, held = threading.Event(), []

    @event.listens_for(engine_a, "before_cursor_execute")
    def hold(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO DOCUMENT") and not held:
            held.append(statement)
            assert b_done.wait(60)

    outcome: list = []
    a = threading.Thread(target=lambda: outcome.append(write_item(engine_a, item, 2)))
    a.start()
    while not held and a.is_alive():
        a.join(0.02)
    assert held, "crawl A never reached its INSERT"
    b_result, b_error = write_item(engine_b, item, 2)
    b_done.set()
    a.join(60)
    assert b_error is None and b_result.outcome == "new_version"
    ((a_result, a_error),) = outcome
    assert a_error is None, a_error
    assert a_result.outcome == "unchanged" and a_result.document_id == b_result.document_id
    with Session(engine_b) as session:
        count = session.scalar(select(func.count()).select_from(Version).join(Document))
    assert count == 2  # one version of each page: nothing stored twice
    engine_a.dispose()
    engine_b.dispose()
