"""Defect 8 of issue 12: a maintenance page served with 200 is not a new version of a known report."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from archive.db import session_scope
from archive.models import Change, Document, Problem
from archive.store import HELD_PREFIX, record_page
from tests.factories import REPORT_2024, day, page

URL = "https://www.jingan.gov.cn/fzzfjs/2024.html"
MAINTENANCE = "系统维护中\n尊敬的用户：本网站正在进行系统升级维护，暂停访问，给您带来不便敬请谅解。"


def put(engine, item):
    with session_scope(engine) as s:
        return record_page(s, item)


def state(engine, document_id):
    with Session(engine) as s:
        doc = s.get(Document, document_id)
        kinds = s.scalars(select(Change.kind).where(Change.document_id == document_id)).all()
        problems = s.scalars(select(Problem.message).where(Problem.document_id == document_id)).all()
        return doc.kind, doc.versions, doc.title, list(kinds), list(problems)


def test_maintenance_page_is_held_not_a_version(engine):
    first = put(engine, page(url=URL))
    outage = page(url=URL, text=MAINTENANCE, kind="other", year=None, title="系统维护", fetched_at=day(1))
    held = put(engine, outage)
    assert (held.outcome, held.version, held.changes) == ("held", None, [])
    kind, versions, title, kinds, problems = state(engine, first.document_id)
    assert (kind, versions, kinds) == ("report", 1, ["new"])
    assert title == "上海市静安区2024年法治政府建设情况报告"
    assert (
        len(problems) == 1 and problems[0].startswith(HELD_PREFIX) and "kind report -> other" in problems[0]
    )
    # the report comes back: nothing happened
    back = put(engine, page(url=URL, fetched_at=day(2)))
    assert back.outcome == "unchanged" and state(engine, first.document_id)[1] == 1


def test_a_replacement_seen_again_at_a_later_crawl_is_confirmed(engine):
    first = put(engine, page(url=URL))
    stub = "本报告已移至附件，请下载查看。上海市静安区人民政府办公室。"
    assert put(engine, page(url=URL, text=stub, fetched_at=day(1))).outcome == "held"
    confirmed = put(engine, page(url=URL, text=stub, fetched_at=day(8)))
    assert (confirmed.outcome, confirmed.changes, confirmed.version) == ("new_version", ["changed"], 2)
    assert state(engine, first.document_id)[1] == 2


def test_an_ordinary_edit_is_not_held(engine):
    first = put(engine, page(url=URL))
    edited = put(engine, page(url=URL, text=REPORT_2024.replace("32件", "35件"), fetched_at=day(1)))
    assert (edited.outcome, edited.version) == ("new_version", 2)
    assert state(engine, first.document_id)[4] == []


def test_an_empty_answer_does_not_flip_a_known_report(engine):
    first = put(engine, page(url=URL))
    empty = put(engine, page(url=URL, text="", kind="other", year=None, title="", fetched_at=day(1)))
    assert empty.outcome == "problem"
    kind, versions, title, _, _ = state(engine, first.document_id)
    assert (kind, versions) == ("report", 1) and title.startswith("上海市静安区")
