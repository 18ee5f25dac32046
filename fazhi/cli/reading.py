"""Commands that read what reports say: ``figures`` (key figures) and ``compliance`` (required parts)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from typing import Annotated

import typer

from archive.reading.records import (
    COMPLIANCE_KEYS,
    FIGURE_KEYS,
    compliance_record,
    figure_records,
    report_readings,
)
from fazhi.cli.app import DbOption, app
from fazhi.cli.query import open_session

FormatOption = Annotated[str, typer.Option("--format", help="jsonl or csv.")]


def _write(records: Iterable[dict], fmt: str, keys: tuple[str, ...]) -> None:
    """JSONL (every key) or CSV (the contract's keys first, then the extras; dicts/lists as JSON)."""
    if fmt == "jsonl":
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    writer = None
    for record in records:
        if writer is None:
            fields = list(keys) + [k for k in record if k not in keys]
            writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in record.items()
            }
        )
    if writer is None:
        csv.writer(sys.stdout, lineterminator="\n").writerow(keys)


def _check(fmt: str) -> None:
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use jsonl or csv", param_hint="'--format'")


@app.command()
def figures(
    region: Annotated[
        str | None, typer.Option(help="Portal region, by prefix (广东省 finds 广东省江门市).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year the report covers.")] = None,
    portal: Annotated[str | None, typer.Option(help="Portal id.")] = None,
    fmt: FormatOption = "jsonl",
    db: DbOption = None,
) -> None:
    """Key figures of every archived report (行政复议案件数, 负责人出庭应诉率 …), one record per figure."""
    _check(fmt)
    with open_session(db) as session:
        rows = report_readings(session, year=year, region=region, portal=portal)
        _write((rec for r in rows for rec in figure_records(r)), fmt, FIGURE_KEYS)


@app.command()
def compliance(
    year: Annotated[int | None, typer.Option(help="Year the report covers.")] = None,
    fmt: FormatOption = "jsonl",
    db: DbOption = None,
) -> None:
    """Which of the five parts required by 督察工作规定 Art. 25 each archived report contains, with evidence."""
    _check(fmt)
    with open_session(db) as session:
        _write((compliance_record(r) for r in report_readings(session, year=year)), fmt, COMPLIANCE_KEYS)
