"""Alerts end to end: govsim days 1–3, digests to a local webhook and a local SMTP server, retries."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from archive import alerts
from archive.db import get_engine, session_scope
from archive.models import CrawlRun
from tests.e2e.helpers import crawl, write_registry
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


def test_one_digest_per_crawl_never_twice_failed_ones_retried(govsim, tmp_path):
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
        summary = crawl(registry, db_url, "--recheck", portals=PORTALS)
        assert summary["alerts"] == {"sent": 2, "events": 2, "failed": 1}
        [digest] = web.received["/hook"]
        assert digest["title"] == "fazhi: 1 changed"
        assert edited["url"] in digest["message"] and "→" in digest["message"]
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
