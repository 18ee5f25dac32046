"""Alerts: subscriptions to change events, delivered as one digest per crawl through Apprise.

A :class:`~archive.models.Subscription` is an Apprise URL (``mailto://``, ``json://``, ``dingtalk://``,
``wecombot://``, ``feishu://``, ``tgram://`` …) plus filters that must all match: a portal id, a region
(a prefix of the portal's region name, or, when all digits, of its adcode), a document kind, and the event
kinds wanted (new, changed, missing, gone, returned; all of them when none is given).

At the end of every crawl :func:`send_digests` sends each subscription the events it has not received yet,
as one message ranked by significance. Every event is delivered at most once per subscription (a
:class:`~archive.models.Delivery` row per subscription × change); a digest that fails is recorded as failed
and its events go out again with the next crawl's digest. Events older than the subscription, and edits of
punctuation or spacing only (``significance.cosmetic``), are never sent.

Subscriptions can also live in a YAML file (``FAZHI_SUBSCRIPTIONS``, ``fazhi subscribe --from FILE``); the
file is the authority for the subscriptions it lists (see README: Alerts).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import apprise
import yaml
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from archive.db import session_scope
from archive.models import ALERT_EVENTS, Change, CrawlRun, Delivery, Document, Portal, Subscription
from archive.types import utcnow

DIGEST_LINES = 50  # events listed in one message; the rest are counted ("and N more") and still delivered
# rank of events that carry no significance score: a withdrawal matters most
KIND_RANK = {"gone": 1.0, "missing": 0.9, "new": 0.7, "returned": 0.5, "changed": 0.0}
_KIND_LABEL = {
    "new": "新发布 new",
    "changed": "内容修改 changed",
    "missing": "无法访问 missing",
    "gone": "已撤下 gone",
    "returned": "重新上线 returned",
}


class SubscriptionError(ValueError):
    """A subscription that cannot work: an unknown event kind or a URL Apprise does not understand."""


@dataclass
class Event:
    """One change event as a digest lists it."""

    change_id: int
    kind: str
    at: datetime
    document_id: int
    url: str
    title: str | None
    portal_id: str
    region: str | None
    summary: str
    score: float | None

    @property
    def rank(self) -> float:
        return self.score if self.kind == "changed" and self.score is not None else KIND_RANK[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change_id,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "document": self.document_id,
            "url": self.url,
            "title": self.title,
            "portal": self.portal_id,
            "region": self.region,
            "summary": self.summary,
            "score": self.score,
        }


@dataclass
class DigestOutcome:
    """What :func:`send_digests` did: per subscription id, events sent, or the error of a failed digest."""

    sent: dict[int, int] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": {str(k): v for k, v in self.sent.items()},
            "failed": {str(k): v for k, v in self.failed.items()},
        }


# -- subscriptions ------------------------------------------------------------------------------------------
def check_url(url: str) -> None:
    """Raise :class:`SubscriptionError` unless Apprise can load ``url``."""
    if not apprise.Apprise().add(url):
        raise SubscriptionError(f"Apprise does not understand the URL {url!r} (see the Apprise wiki)")


def _check_events(events: Iterable[str]) -> list[str]:
    events = list(dict.fromkeys(events))
    unknown = [e for e in events if e not in ALERT_EVENTS]
    if unknown:
        raise SubscriptionError(f"unknown event {unknown[0]!r}; expected one of {', '.join(ALERT_EVENTS)}")
    return events


def _last_change_id(session: Session) -> int:
    return session.scalar(select(func.max(Change.id))) or 0


def subscribe(
    session: Session,
    url: str,
    *,
    portal_id: str | None = None,
    region: str | None = None,
    kind: str | None = None,
    events: Iterable[str] = (),
    source: str | None = None,
) -> Subscription:
    """Add a subscription; it receives events from now on (not the archive's history)."""
    check_url(url)
    if kind not in (None, "report", "other"):
        raise SubscriptionError(f"unknown kind {kind!r}; expected report or other")
    subscription = Subscription(
        url=url,
        portal_id=portal_id or None,
        region=(region or "").strip() or None,
        kind=kind,
        events=_check_events(events),
        created_at=utcnow(),
        since_change=_last_change_id(session),
        source=source,
    )
    subscription.handled_through = subscription.since_change
    session.add(subscription)
    session.flush()
    return subscription


def subscriptions(session: Session) -> Sequence[Subscription]:
    return session.scalars(select(Subscription).order_by(Subscription.id)).all()


def unsubscribe(session: Session, subscription_id: int) -> bool:
    """Remove a subscription and its delivery records; False when there is no such subscription."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        return False
    for delivery in session.scalars(select(Delivery).where(Delivery.subscription_id == subscription_id)):
        session.delete(delivery)
    session.delete(subscription)
    session.flush()
    return True


def describe(subscription: Subscription) -> str:
    """The filters of a subscription in words: ``portal jiangmen, region 广东省, events changed+missing``."""
    parts = [
        f"{name} {value}"
        for name, value in (
            ("portal", subscription.portal_id),
            ("region", subscription.region),
            ("kind", subscription.kind),
        )
        if value
    ]
    parts.append("events " + ("+".join(subscription.events) if subscription.events else "all"))
    return ", ".join(parts)


def load_config(path: str | Path) -> list[dict[str, Any]]:
    """The subscriptions listed in a YAML file: ``subscriptions: [{url, portal, region, kind, events}]``."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SubscriptionError(f"{path}: {exc}") from None
    entries = data.get("subscriptions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SubscriptionError(f"{path}: expected a top-level 'subscriptions:' list")
    out = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("url"):
            raise SubscriptionError(f"{path}: subscription {i} needs a 'url'")
        events = entry.get("events") or []
        if isinstance(events, str):
            events = [events]
        out.append(
            {
                "url": str(entry["url"]),
                "portal_id": entry.get("portal"),
                "region": None if entry.get("region") is None else str(entry["region"]),
                "kind": entry.get("kind"),
                "events": _check_events(events),
            }
        )
    return out


def _key(values: dict[str, Any]) -> tuple:
    return (values["url"], values["portal_id"], values["region"], values["kind"], tuple(values["events"]))


def sync_config(session: Session, path: str | Path) -> tuple[int, int]:
    """Make the archive's subscriptions from ``path`` match the file: (added, removed)."""
    wanted = {_key(entry): entry for entry in load_config(path)}
    source = str(Path(path).resolve())
    have = {
        _key(
            {
                "url": s.url,
                "portal_id": s.portal_id,
                "region": s.region,
                "kind": s.kind,
                "events": s.events,
            }
        ): s
        for s in session.scalars(select(Subscription).where(Subscription.source == source))
    }
    removed = 0
    for key, subscription in have.items():
        if key not in wanted:
            unsubscribe(session, subscription.id)
            removed += 1
    added = 0
    for key, entry in wanted.items():
        if key not in have:
            subscribe(session, source=source, **entry)
            added += 1
    return added, removed


# -- matching and digests -----------------------------------------------------------------------------------
def pending_events(
    session: Session,
    subscription: Subscription,
    *,
    undelivered: bool = True,
    upto: int | None = None,
    limit: int | None = None,
) -> list[Event]:
    """Events the subscription wants (and, with ``undelivered``, has not received), most significant first.

    Undelivered events are looked for only after ``handled_through``, so a digest reads what is new since
    the last successful one (and what failed since), not the whole history.
    """
    events = list(subscription.events or ALERT_EVENTS)
    after = (
        max(subscription.since_change, subscription.handled_through)
        if undelivered
        else subscription.since_change
    )
    stmt = (
        select(Change, Document, Portal.region, Portal.adcode)
        .join(Document, Document.id == Change.document_id)
        .join(Portal, Portal.id == Document.portal_id, isouter=True)
        .where(Change.id > after, Change.kind.in_(events))
        .order_by(Change.id)
    )
    if upto is not None:
        stmt = stmt.where(Change.id <= upto)
    if undelivered:
        sent = select(Delivery.change_id).where(
            Delivery.subscription_id == subscription.id, Delivery.status == "sent"
        )
        stmt = stmt.where(Change.id.not_in(sent))
    if subscription.portal_id:
        stmt = stmt.where(Document.portal_id == subscription.portal_id)
    if subscription.kind:
        stmt = stmt.where(Document.kind == subscription.kind)
    if subscription.region:
        column = Portal.adcode if subscription.region.isdigit() else Portal.region
        stmt = stmt.where(column.startswith(subscription.region, autoescape=True))
    out = []
    for change, document, region, _adcode in session.execute(stmt):
        if change.kind == "changed" and (change.significance or {}).get("cosmetic"):
            continue  # punctuation or spacing only: kept in the feed, never alerted
        out.append(
            Event(
                change_id=change.id,
                kind=change.kind,
                at=change.at,
                document_id=document.id,
                url=document.url,
                title=document.title,
                portal_id=document.portal_id,
                region=region,
                summary=change.summary,
                score=change.score,
            )
        )
    out.sort(key=lambda e: (-e.rank, e.change_id))
    return out[:limit] if limit else out


def digest(events: Sequence[Event]) -> tuple[str, str]:
    """The title and plain-text body of one digest, most significant events first."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    title = "fazhi: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    lines = []
    for event in events[:DIGEST_LINES]:
        label = _KIND_LABEL.get(event.kind, event.kind)
        lines.append(f"[{label}] {event.title or event.url}")
        lines.append(f"  {event.region or event.portal_id} · {event.at:%Y-%m-%d %H:%M} UTC · {event.url}")
        if event.summary:
            lines.append(f"  {event.summary}")
    if len(events) > DIGEST_LINES:
        lines.append(f"… and {len(events) - DIGEST_LINES} more (fazhi changes)")
    return title, "\n".join(lines)


def send(url: str, title: str, body: str) -> str | None:
    """Send one message through Apprise; None on success, else what went wrong (Apprise's warnings)."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return f"Apprise does not understand the URL {url!r}"
    with apprise.LogCapture(level=logging.WARNING) as captured:
        ok = bool(notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
    if ok:
        return None
    lines = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line.strip()]
    return "; ".join(lines[-3:]) or "delivery failed"


def _record(
    session: Session, subscription_id: int, events: Sequence[Event], *, error: str | None, run_id: int | None
) -> None:
    now = utcnow()
    existing = {
        d.change_id: d
        for d in session.scalars(
            select(Delivery).where(
                Delivery.subscription_id == subscription_id,
                Delivery.change_id.in_([e.change_id for e in events]),
            )
        )
    }
    for event in events:
        delivery = existing.get(event.change_id) or Delivery(
            subscription_id=subscription_id, change_id=event.change_id, status="failed", at=now
        )
        delivery.status = "failed" if error else "sent"
        delivery.attempts += 1
        delivery.at = now
        delivery.run_id = run_id
        delivery.error = error
        session.add(delivery)
    session.flush()


def send_digests(engine: Engine, *, run_id: int | None = None) -> DigestOutcome:
    """Send every subscription its pending events as one digest; record deliveries and the run's outcome.

    Each subscription is its own transaction, so one receiver's failure never costs another its digest.
    """
    outcome = DigestOutcome()
    with Session(engine) as session:
        ids = [s.id for s in subscriptions(session)]
    for subscription_id in ids:
        with session_scope(engine) as session:
            subscription = session.get(Subscription, subscription_id)
            upto = _last_change_id(session)
            events = pending_events(session, subscription, upto=upto)
            error = None
            if events:
                title, body = digest(events)
                error = send(subscription.url, title, body)
                _record(session, subscription_id, events, error=error, run_id=run_id)
            if error is None and not _has_failed(session, subscription_id):
                subscription.handled_through = upto  # everything so far is delivered or not wanted
                session.add(subscription)
            if not events:
                continue
        if error:
            outcome.failed[subscription_id] = error
        else:
            outcome.sent[subscription_id] = len(events)
    if run_id is not None and (outcome.sent or outcome.failed):
        with session_scope(engine) as session:
            run = session.get(CrawlRun, run_id)
            if run is not None:
                run.alerts = outcome.as_dict()
                session.add(run)
    return outcome


def _has_failed(session: Session, subscription_id: int) -> bool:
    return (
        session.scalar(
            select(Delivery.id)
            .where(Delivery.subscription_id == subscription_id, Delivery.status == "failed")
            .limit(1)
        )
        is not None
    )


def delivery_counts(session: Session, subscription_id: int) -> dict[str, int]:
    """``{"sent": n, "failed": m}`` deliveries recorded for a subscription."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.subscription_id == subscription_id)
        .group_by(Delivery.status)
    )
    return {status: n for status, n in rows}


def subscription_feed(session: Session, subscription: Subscription, *, limit: int = 200) -> bytes:
    """An Atom feed of the events a subscription matches (delivered or not), newest first."""
    from archive.atom import atom_feed

    events = sorted(
        pending_events(session, subscription, undelivered=False), key=lambda e: e.change_id, reverse=True
    )
    rows = [
        {
            "at": e.at.isoformat(),
            "kind": e.kind,
            "document": e.document_id,
            "url": e.url,
            "portal": e.portal_id,
            "title": e.title,
            "summary": e.summary,
        }
        for e in events[:limit]
    ]
    return atom_feed(
        rows,
        title=f"fazhi subscription {subscription.id}: {describe(subscription)}",
        feed_id=f"urn:fazhi:subscription:{subscription.id}",
    )
