"""Lenient parsing of HTML form values: an empty field means "no filter", not a 422."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path, Query

from archive.queries import ID_MAX, YEAR_MAX, YEAR_MIN
from archive.records import parse_iso

#: Path and query numbers that name rows: beyond the INTEGER columns' range they are a 422, never a 500.
DocumentId = Annotated[int, Path(ge=1, le=ID_MAX, description="Document id")]
GroupId = Annotated[int, Path(ge=1, le=ID_MAX, description="Report group id")]
Seq = Annotated[int, Path(ge=1, le=ID_MAX, description="Version number (1 is the first)")]
FromSeq = Annotated[
    int | None, Query(alias="from", ge=0, le=ID_MAX, description="Old version (default: to − 1)")
]
ToSeq = Annotated[int | None, Query(ge=1, le=ID_MAX, description="New version (default: the latest)")]
Year = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX)]


class BadValue(ValueError):
    """A form value that cannot be understood; shown to the user next to the form."""


def opt_str(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def opt_int(value: str | None, name: str, low: int = -ID_MAX, high: int = ID_MAX) -> int | None:
    value = opt_str(value)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadValue(f"{name} must be a whole number, not {value[:40]!r}") from None
    if not low <= number <= high:
        raise BadValue(f"{name} must be between {low} and {high}, not {value[:40]}")
    return number


def opt_year(value: str | None) -> int | None:
    return opt_int(value, "year", YEAR_MIN, YEAR_MAX)


def opt_datetime(value: str | None, name: str) -> datetime | None:
    """An ISO date or date-time; naive values are UTC."""
    value = opt_str(value)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise BadValue(f"{name} must be a date like 2025-04-01, not {value[:40]!r}") from None
