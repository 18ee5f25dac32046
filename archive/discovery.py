"""Discovered report columns: what discovery found, the evidence path, and when it was last confirmed.

A stored column is reused (one request: is it still there?) until it moves — a 404, or a redirect to the
home page — or until :data:`REDISCOVER_AFTER` has passed since it was found; then the portal is discovered
again. Every discovery, successful or not, leaves a :class:`DiscoveryAttempt` row saying what it tried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from archive.models import DiscoveredColumn, DiscoveryAttempt

REDISCOVER_AFTER = timedelta(days=30)  # "monthly": columns move when portals are redesigned


def live_columns(session: Session, portal_ids: Iterable[str]) -> dict[str, list[DiscoveredColumn]]:
    """The stored live columns of each portal (oldest first)."""
    ids = list(portal_ids)
    out: dict[str, list[DiscoveredColumn]] = defaultdict(list)
    if not ids:
        return out
    rows = session.scalars(
        select(DiscoveredColumn)
        .where(DiscoveredColumn.portal_id.in_(ids), DiscoveredColumn.status == "live")
        .order_by(DiscoveredColumn.id)
    )
    for row in rows:
        out[row.portal_id].append(row)
    return out


def is_stale(found_at: datetime, now: datetime) -> bool:
    """A column found at ``found_at`` is due for a fresh discovery (found :data:`REDISCOVER_AFTER` ago)."""
    return now - found_at >= REDISCOVER_AFTER


def save_columns(
    session: Session, *, portal_id: str, columns: Iterable[dict], via: str, at: datetime
) -> list[DiscoveredColumn]:
    """Store newly found columns (``{"url", "evidence"}``); a column found again is refreshed, not doubled.

    The portal's other live columns are kept: a portal may have several (a department sub-column).
    """
    saved = []
    for col in columns:
        row = session.scalars(
            select(DiscoveredColumn).where(
                DiscoveredColumn.portal_id == portal_id, DiscoveredColumn.url == col["url"]
            )
        ).first()
        if row is None:
            row = DiscoveredColumn(portal_id=portal_id, url=col["url"], via=via, found_at=at, checked_at=at)
        row.via, row.evidence, row.found_at, row.checked_at, row.status = via, col["evidence"], at, at, "live"
        session.add(row)
        saved.append(row)
    session.flush()
    return saved


def mark_checked(session: Session, *, portal_id: str, url: str, at: datetime) -> None:
    """The column still answered: note when."""
    for row in session.scalars(
        select(DiscoveredColumn).where(DiscoveredColumn.portal_id == portal_id, DiscoveredColumn.url == url)
    ):
        row.checked_at = at
        session.add(row)


def mark_moved(session: Session, *, portal_id: str, url: str, at: datetime) -> None:
    """The column answered 404 or sent us to the home page: it is no longer where we found it."""
    for row in session.scalars(
        select(DiscoveredColumn).where(DiscoveredColumn.portal_id == portal_id, DiscoveredColumn.url == url)
    ):
        row.status, row.checked_at = "moved", at
        session.add(row)


def record_attempt(
    session: Session, *, portal_id: str, at: datetime, outcome: str, requests: int, tried: list[dict]
) -> DiscoveryAttempt:
    attempt = DiscoveryAttempt(portal_id=portal_id, at=at, outcome=outcome, requests=requests, tried=tried)
    session.add(attempt)
    return attempt


def fill_adcode(session: Session, *, portal_id: str, adcode: str, region: str | None) -> bool:
    """Give a portal without an adcode the one its 网站标识码 names (and a region, when it has none)."""
    from archive.models import Portal

    portal = session.get(Portal, portal_id)
    if portal is None or portal.adcode:
        return False
    portal.adcode = adcode
    portal.region = portal.region or region
    session.add(portal)
    return True
