"""Export: the JSONL contract keys, CSV, reports-only default, streaming in batches."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import Session

from archive import export as export_mod
from archive.export import EXPORT_KEYS, export
from tests.factories import REPORT_2024, populate


def test_jsonl_records_follow_the_contract(engine, monkeypatch):
    ids = populate(engine)
    monkeypatch.setattr(export_mod, "BATCH", 2)  # several batches even on a small archive
    out = io.StringIO()
    with Session(engine) as s:
        n = export(s, out, format="jsonl")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == len(records) == 4  # reports only
    assert all(list(r) == list(EXPORT_KEYS) for r in records)
    assert list(EXPORT_KEYS) == [
        "id",
        "url",
        "portal",
        "kind",
        "title",
        "year",
        "published",
        "publisher",
        "text",
        "report_group",
        "status",
        "versions",
        "first_seen",
        "last_seen",
    ]
    by_id = {r["id"]: r for r in records}
    latest = by_id[ids["jingan2024"]]
    assert latest["text"] == REPORT_2024.replace("7.2%", "7.5%")  # the latest version's normalized text
    assert (latest["versions"], latest["published"], latest["kind"], latest["portal"]) == (
        2,
        "2025-03-20",
        "report",
        "jingan",
    )
    assert latest["first_seen"] == "2025-03-01T08:00:00+00:00"
    assert latest["report_group"] == by_id[ids["mirror2024"]]["report_group"]
    assert by_id[ids["mouxian2024"]]["status"] == "missing"
    assert "法治政府" in out.getvalue()  # UTF-8, not \\u escapes


def test_all_includes_other_documents_and_null_published(engine):
    ids = populate(engine)
    out = io.StringIO()
    with Session(engine) as s:
        assert export(s, out, format="jsonl", all=True) == 5
    notice = [
        json.loads(line) for line in out.getvalue().splitlines() if json.loads(line)["id"] == ids["notice"]
    ][0]
    assert (notice["kind"], notice["published"], notice["year"], notice["report_group"]) == (
        "other",
        None,
        None,
        None,
    )


def test_csv_has_header_and_one_row_per_document(engine):
    populate(engine)
    out = io.StringIO()
    with Session(engine) as s:
        assert export(s, out, format="csv") == 4
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 4
    assert tuple(rows[0]) == EXPORT_KEYS
    assert any("\n" in r["text"] for r in rows)  # multi-line text survives quoting
