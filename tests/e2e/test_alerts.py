"""Telling people what changed, end to end on govsim days 1–3: ``--recheck`` finds an edit a plain crawl
does not, the edit's significance names the changed figure, and digests reach a local webhook and a local
SMTP server once per crawl, never twice, with a failing receiver retried and reported."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlmodel import Session

from archive import alerts
from archive.db import get_engine, session_scope
from archive.models import Change, CrawlRun
from tests.e2e.helpers import changes_after, crawl, last_change_id, write_registry
from tests.receivers import SmtpReceiver, WebhookReceiver

pytestmark = pytest.mark.slow

PORTALS = ["jiangmen", "huadu"]


def _subscribe(db_url: str, url: str) -> int:
    engine = get_engine(db_url)
    with session_scope(engine) as session:
        subscription = alerts.subscribe(session, url, region="广东省", events=["changed", "missing"])
        return subscription.id


def _last_run_alerts(db_url: str) -> dict:
    """What ``fazhi runs`` shows of the last run's digests."""
    with Session(get_engine(db_url)) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        return run.alerts or {}


def _deliveries(db_url: str, subscription_id: int) -> dict[str, int]:
    with Session(get_engine(db_url)) as session:
        return alerts.delivery_counts(session, subscription_id)


def _edited_figure(change: dict) -> tuple[str, str]:
    """The x.y% figure govsim's day-2 edit changed: (old, new), from the manifest's detail."""
    before, after = change["detail"].split(" → ")
    figure = re.compile(r"\d+\.\d+%")
    return next((a, b) for a, b in zip(figure.findall(before), figure.findall(after), strict=False) if a != b)


def _change(db_url: str, after_id: int) -> Change:
    with Session(get_engine(db_url)) as session:
        return session.scalars(select(Change).where(Change.id > after_id)).one()


def test_recheck_significance_and_one_digest_per_crawl(govsim, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    registry = write_registry(govsim, tmp_path)
    with WebhookReceiver() as web, SmtpReceiver() as smtp:
        hook, mail, flaky = (
            _subscribe(db_url, url) for url in (web.url("/hook"), smtp.url(), web.url("/flaky"))
        )
        web.failing.add("/flaky")

        # day 1: everything is new, and no subscription asked for new documents
        summary = crawl(registry, db_url, portals=PORTALS)
        assert summary["alerts"] == {"sent": 0, "events": 0, "failed": 0}
        assert web.attempts == {} and smtp.messages == []

        # day 2: jiangmen's 2023 report is edited (one figure changed) and huadu publishes a 2024 report
        govsim.set_day(2)
        manifest = govsim.manifest()
        edited = next(c for c in manifest["changes"] if c["change"] == "edited")
        mark = last_change_id(db_url)
        plain = crawl(registry, db_url, portals=PORTALS)  # nothing is due yet: the edit stays unseen
        assert plain["portals"]["jiangmen"].get("revalidated", 0) == 0
        assert [(kind, url) for kind, url, _ in changes_after(db_url, mark)] == [
            ("new", c["url"]) for c in manifest["changes"] if c["change"] == "new"
        ]
        assert plain["alerts"] == {"sent": 0, "events": 0, "failed": 0} and web.attempts == {}

        mark = last_change_id(db_url)
        summary = crawl(registry, db_url, "--recheck", portals=PORTALS)
        assert summary["portals"]["jiangmen"]["revalidated"] >= 5
        change = _change(db_url, mark)  # the edit, found by the recheck, says what changed
        assert (change.kind, change.to_version) == ("changed", 2)
        old, new = _edited_figure(edited)
        assert (old, new) in [(n["old"], n["new"]) for n in change.significance["numbers"]]
        assert f"{old} → {new}" in change.summary and change.score > 0
        assert change.significance["sentences_added"] == 1 and not change.significance["cosmetic"]

        assert summary["alerts"] == {"sent": 2, "events": 2, "failed": 1}
        [digest] = web.received["/hook"]
        assert digest["title"] == "fazhi: 1 changed"
        assert edited["url"] in digest["message"] and f"{old} → {new}" in digest["message"]
        [message] = smtp.messages
        assert message["To"] == "alerts@example.org"
        assert edited["url"] in SmtpReceiver.text(message)
        assert web.attempts["/flaky"] == 1
        failed = _last_run_alerts(db_url)["failed"]
        assert list(failed) == [str(flaky)] and "500" in failed[str(flaky)], failed

        # the same day again: nothing new is sent; the failed receiver is retried (and fails again)
        summary = crawl(registry, db_url, "--recheck", portals=PORTALS)
        assert summary["alerts"] == {"sent": 0, "events": 0, "failed": 1}
        assert len(web.received["/hook"]) == 1 and len(smtp.messages) == 1
        assert web.attempts["/flaky"] == 2

        # day 3: huadu's 2020 report is withdrawn (404); the flaky receiver is back
        web.failing.clear()
        govsim.set_day(3)
        removed = next(c for c in govsim.manifest()["changes"] if c["change"] == "removed")
        summary = crawl(registry, db_url, "--recheck", portals=PORTALS)
        assert summary["alerts"] == {"sent": 3, "events": 4, "failed": 0}
        assert len(web.received["/hook"]) == 2 and len(smtp.messages) == 2
        day3 = web.received["/hook"][1]
        assert day3["title"] == "fazhi: 1 missing" and removed["url"] in day3["message"]
        assert edited["url"] not in day3["message"]
        assert removed["url"] in SmtpReceiver.text(smtp.messages[1])
        [retried] = web.received["/flaky"]  # one digest: the day-2 edit it missed and the withdrawal
        assert edited["url"] in retried["message"] and removed["url"] in retried["message"]
        assert retried["message"].index(removed["url"]) < retried["message"].index(edited["url"])

        assert _deliveries(db_url, hook) == _deliveries(db_url, mail) == {"sent": 2}
        assert _deliveries(db_url, flaky) == {"sent": 2}
        assert _last_run_alerts(db_url) == {"sent": {str(hook): 1, str(mail): 1, str(flaky): 2}, "failed": {}}
