"""The ``reading`` table as a cache: readings of versions, computed on first use and kept.

Readings are not computed by the crawl (the store path stays as cheap as it was); the first command or page
that needs one computes it (about 4 ms for a 10,000-character report) and stores it, and later ones load it.
Writing is best effort: when the database is busy (a crawl holds SQLite's write lock) the computed readings
are still returned, and stored next time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from archive.models import Reading, Version
from archive.reading.analysis import ANALYZER, analyze
from archive.store import UnreadableRaw, decompress_raw

log = logging.getLogger(__name__)
READING = Reading.__table__
_CHUNK = 500


def _html(version: Version) -> str | None:
    """The fetched HTML of a version (for bold runs), or None for PDFs and missing bodies."""
    if not version.raw or "html" not in (version.content_type or "html"):
        return None
    try:
        body = decompress_raw(version.raw, version.raw_codec)
        return body.decode(version.encoding or "utf-8", errors="replace")
    except UnreadableRaw as exc:  # the reading goes on from the text alone
        log.warning("version %s: %s", version.id, exc)
        return None
    except (ValueError, LookupError):
        return None


def readings(
    session: Session, version_ids: Iterable[int], years: dict[int, int | None], *, store: bool = True
) -> dict[int, dict]:
    """version id → reading (dict with ``parts``, ``evidence``, ``sections``, ``figures``).

    ``years`` gives the year each version's report covers (it lets "2020年工作计划" count as part 4 of a 2019
    report). ``store=False`` (the read-only web UI) computes what is missing without writing it.
    """
    ids = list(dict.fromkeys(version_ids))
    out: dict[int, dict] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        rows = session.execute(select(READING).where(READING.c.version_id.in_(chunk))).mappings()
        for row in rows:
            if row["analyzer"] == ANALYZER:
                out[row["version_id"]] = dict(row)
    missing = [v for v in ids if v not in out]
    fresh = []
    for i in range(0, len(missing), _CHUNK):
        for version in session.scalars(select(Version).where(Version.id.in_(missing[i : i + _CHUNK]))):
            reading = analyze(version.text, years.get(version.id), _html(version))
            reading["version_id"] = version.id
            out[version.id] = reading
            fresh.append(reading)
    if fresh and store:
        _store(session, fresh)
    return out


def _store(session: Session, fresh: list[dict]) -> None:
    try:
        session.execute(delete(READING).where(READING.c.version_id.in_([r["version_id"] for r in fresh])))
        session.execute(insert(READING), fresh)
        session.commit()
    except OperationalError as exc:  # busy database: keep the results, store them another time
        session.rollback()
        log.warning("readings not cached: %s", str(exc).splitlines()[0])
