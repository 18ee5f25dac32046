"""The on-time / late / undated / missing / not-due rule, with explicit dates, and the matrix query."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from archive.coverage import CoverageDoc, classify_cell, coverage, deadline


def doc(published: date | None, first_seen: date, *, id: int = 1) -> CoverageDoc:  # noqa: A002
    return CoverageDoc(
        id=id,
        url=f"https://x.gov.cn/{id}",
        title="t",
        published=published,
        first_seen=first_seen,
        status="live",
        report_group=None,
    )


def test_deadline_is_31_march_of_the_next_year():
    assert deadline(2024) == date(2025, 3, 31)
    assert deadline(2019) == date(2020, 3, 31)


@pytest.mark.parametrize(
    ("published", "first_seen", "state", "days_late"),
    [
        (date(2025, 3, 31), date(2025, 4, 3), "on_time", None),  # the deadline day itself is on time
        (date(2025, 1, 15), date(2025, 1, 16), "on_time", None),
        (date(2025, 4, 1), date(2025, 4, 1), "late", 1),  # 1 April is already late
        (date(2025, 6, 30), date(2025, 7, 1), "late", 91),
        (None, date(2025, 3, 30), "on_time", None),  # undated, but it existed before the deadline
        (None, date(2025, 3, 31), "on_time", None),
        (None, date(2025, 4, 2), "undated", None),  # undated and first seen too late to tell
    ],
)
def test_one_document(published, first_seen, state, days_late):
    cell = classify_cell(
        [doc(published, first_seen)], year=2024, others_have_year=True, today=date(2025, 8, 1)
    )
    assert (cell.state, cell.days_late) == (state, days_late)
    assert cell.date == (published or first_seen)
    assert cell.date_source == ("published" if published else "first_seen")


def test_published_date_wins_over_first_seen_and_earliest_copy_counts():
    docs = [doc(date(2025, 4, 20), date(2025, 4, 21), id=1), doc(date(2025, 3, 28), date(2025, 5, 2), id=2)]
    cell = classify_cell(docs, year=2024, others_have_year=False, today=date(2025, 8, 1))
    assert (cell.state, cell.date) == ("on_time", date(2025, 3, 28))
    # a dated copy beats an undated one even when the undated one was seen earlier
    mixed = [doc(None, date(2025, 3, 1), id=1), doc(date(2025, 4, 9), date(2025, 4, 9), id=2)]
    assert classify_cell(mixed, year=2024, others_have_year=True, today=date(2025, 8, 1)).state == "late"


@pytest.mark.parametrize(
    ("others", "today", "state"),
    [
        (True, date(2025, 2, 1), "missing"),  # others published already: this portal has not
        (False, date(2025, 3, 31), "not_due"),  # nobody has one and the deadline is today
        (False, date(2025, 4, 1), "missing"),  # deadline passed
        (True, date(2026, 1, 1), "missing"),
    ],
)
def test_no_document(others, today, state):
    cell = classify_cell([], year=2024, others_have_year=others, today=today)
    assert cell.state == state and cell.date is None and cell.documents == []


def test_matrix_from_the_archive(engine, archive_ids):
    with Session(engine) as s:
        cov = coverage(s, today=date(2025, 6, 1))
        assert cov.years == [2023, 2024]
        assert [r.portal for r in cov.rows] == ["shanghai", "jingan", "putuo"]  # adcode order, no mirror
        states = {r.portal: [r.cells[y].state for y in cov.years] for r in cov.rows}
        assert states == {
            "shanghai": ["missing", "undated"],
            "jingan": ["on_time", "on_time"],
            "putuo": ["missing", "late"],
        }
        putuo = cov.rows[2].cells[2024]
        assert putuo.days_late == 15 and [d.status for d in putuo.documents] == ["missing"]
        assert cov.rows[1].cells[2024].also_on == ["mirror"]

        # a year nobody has reached yet: not due before its deadline, missing after it
        ahead = coverage(s, years=[2025], today=date(2026, 3, 31))
        assert {r.cells[2025].state for r in ahead.rows} == {"not_due"}
        after = coverage(s, years=[2025], today=date(2026, 4, 1))
        assert {r.cells[2025].state for r in after.rows} == {"missing"}

        mirrors = coverage(s, years=[2024], include_mirrors=True, today=date(2025, 6, 1))
        assert mirrors.rows[-1].portal == "mirror"
        assert mirrors.rows[-1].cells[2024].state == "on_time"  # undated, but seen on 2025-03-24
        assert mirrors.totals()[2024] == {"on_time": 2, "late": 1, "undated": 1, "missing": 0, "not_due": 0}


def test_empty_archive(engine):
    with Session(engine) as s:
        cov = coverage(s, today=date(2025, 6, 1))
    assert cov.years == [] and cov.rows == []
    assert cov.to_dict()["rows"] == []
