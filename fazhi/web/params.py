"""Lenient parsing of HTML form values: an empty field means "no filter", not a 422."""

from __future__ import annotations

from datetime import datetime

from archive.records import parse_iso


class BadValue(ValueError):
    """A form value that cannot be understood; shown to the user next to the form."""


def opt_str(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def opt_int(value: str | None, name: str) -> int | None:
    value = opt_str(value)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadValue(f"{name} must be a whole number, not {value!r}") from None


def opt_datetime(value: str | None, name: str) -> datetime | None:
    """An ISO date or date-time; naive values are UTC."""
    value = opt_str(value)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise BadValue(f"{name} must be a date like 2025-04-01, not {value!r}") from None
