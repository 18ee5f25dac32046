"""Subscriptions, matching, digests and deliveries on a small archive (both backends), and the CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from archive import alerts
from archive.db import session_scope
from archive.store import record_page
from fazhi.cli import app
from tests.factories import REPORT_2024, day, page, populate
from tests.receivers import WebhookReceiver

runner = CliRunner()


@pytest.fixture
def web():
    with WebhookReceiver() as receiver:
        yield receiver


def _subscribe(engine, url, **filters) -> int:
    with session_scope(engine) as s:
        return alerts.subscribe(s, url, **filters).id


def test_filters_pick_the_events_a_subscription_asked_for(engine, web):
    shanghai = _subscribe(engine, web.url("/sh"), region="上海市", events=["changed", "missing"])
    county = _subscribe(engine, web.url("/county"), region="某某省", events=["missing"])
    reports = _subscribe(engine, web.url("/reports"), kind="report", events=["new"])
    ids = populate(engine)
    outcome = alerts.send_digests(engine)
    assert outcome.sent == {shanghai: 1, county: 1, reports: 4} and outcome.failed == {}
    [sh] = web.received["/sh"]
    assert sh["title"] == "fazhi: 1 changed" and "7.2% → 7.5%" in sh["message"]
    assert "https://www.jingan.gov.cn/fzzfjs/2024.html" in sh["message"]
    [county_digest] = web.received["/county"]
    assert county_digest["title"] == "fazhi: 1 missing" and "mouxian.gov.cn" in county_digest["message"]
    assert "shanghai.gov.cn/nw12344/notice.html" not in web.received["/reports"][0]["message"]  # kind other
    assert ids  # populated

    # never the same event twice
    assert alerts.send_digests(engine).sent == {}
    assert sum(len(v) for v in web.received.values()) == 3


def test_history_before_the_subscription_and_cosmetic_edits_are_not_sent(engine, web):
    populate(engine)
    sub = _subscribe(engine, web.url("/all"))
    assert alerts.send_digests(engine).sent == {}
    url = "https://www.jingan.gov.cn/fzzfjs/2024.html"
    with session_scope(engine) as s:  # punctuation only: recorded, cosmetic, not alerted
        record_page(
            s, page(url=url, text=REPORT_2024.replace("7.2%", "7.5%").replace("，", ","), fetched_at=day(7))
        )
    assert alerts.send_digests(engine).sent == {}
    with session_scope(engine) as s:
        record_page(s, page(url=url, text=REPORT_2024.replace("7.2%", "7.9%"), fetched_at=day(8)))
    assert alerts.send_digests(engine).sent == {sub: 1}
    assert "7.5% → 7.9%" in web.received["/all"][0]["message"]


def test_a_failed_digest_is_retried_with_the_next_one(engine, web):
    sub = _subscribe(engine, web.url("/down"), region="上海市", events=["changed"])
    web.failing.add("/down")
    populate(engine)
    outcome = alerts.send_digests(engine)
    assert list(outcome.failed) == [sub] and "500" in outcome.failed[sub]
    with session_scope(engine) as s:
        assert alerts.delivery_counts(s, sub) == {"failed": 1}
    web.failing.clear()
    assert alerts.send_digests(engine).sent == {sub: 1}
    with session_scope(engine) as s:
        assert alerts.delivery_counts(s, sub) == {"sent": 1}
    assert web.attempts["/down"] == 2


def test_subscription_atom_feed_lists_matching_events(engine, web):
    sub = _subscribe(engine, web.url("/x"), region="上海市静安区")
    populate(engine)
    with session_scope(engine) as s:
        feed = alerts.subscription_feed(s, s.get(alerts.Subscription, sub))
    root = ET.fromstring(feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:id", ns).text == f"urn:fazhi:subscription:{sub}"
    kinds = [e.find("a:category", ns).get("term") for e in root.findall("a:entry", ns)]
    assert kinds == ["changed", "new", "new"]


def test_config_file_is_the_authority_for_its_subscriptions(engine, tmp_path, web):
    config = tmp_path / "alerts.yaml"
    config.write_text(
        f"subscriptions:\n"
        f"  - url: {web.url('/a')}\n    region: '3101'\n    events: [changed, missing]\n"
        f"  - url: {web.url('/b')}\n    portal: jingan\n",
        encoding="utf-8",
    )
    with session_scope(engine) as s:
        assert alerts.sync_config(s, config) == (2, 0)
    with session_scope(engine) as s:
        assert alerts.sync_config(s, config) == (0, 0)
    config.write_text(f"subscriptions:\n  - url: {web.url('/b')}\n    portal: jingan\n", encoding="utf-8")
    with session_scope(engine) as s:
        assert alerts.sync_config(s, config) == (0, 1)
        assert [x.url for x in alerts.subscriptions(s)] == [web.url("/b")]
    config.write_text("subscriptions:\n  - url: json://x\n    events: [edited]\n", encoding="utf-8")
    with session_scope(engine) as s, pytest.raises(alerts.SubscriptionError, match="unknown event 'edited'"):
        alerts.sync_config(s, config)


def test_cli_subscribe_list_test_and_unsubscribe(db_url, web):
    def run(*args):
        return runner.invoke(app, [*args, "--db", db_url])

    result = run("subscribe", web.url("/cli"), "--region", "4407", "--event", "changed", "--json")
    assert result.exit_code == 0, result.output
    sub = json.loads(result.stdout)
    assert (sub["region"], sub["events"]) == ("4407", ["changed"])

    bad = run("subscribe", web.url("/cli"), "--event", "edited")
    assert bad.exit_code == 1 and "unknown event 'edited'" in bad.output
    bad = run("subscribe", "nonsense://nowhere")
    assert bad.exit_code == 1 and "Apprise does not understand" in bad.output

    listed = json.loads(run("subscriptions", "--json").stdout)
    assert [(s["id"], s["deliveries"], s["pending"]) for s in listed] == [(sub["id"], {}, 0)]

    assert run("notify", "test", str(sub["id"])).exit_code == 0
    assert web.received["/cli"][0]["title"] == "fazhi: test message"
    web.failing.add("/cli")
    failed = run("notify", "test")
    assert failed.exit_code == 1 and "failed" in failed.output

    assert run("unsubscribe", str(sub["id"])).exit_code == 0
    assert run("unsubscribe", str(sub["id"])).exit_code == 1
    assert "no subscriptions" in run("subscriptions").stdout


def test_a_successful_digest_moves_the_mark_so_history_is_not_read_again(engine, web):
    sub = _subscribe(engine, web.url("/mark"), region="上海市", events=["changed"])
    web.failing.add("/mark")
    populate(engine)
    alerts.send_digests(engine)
    with session_scope(engine) as s:
        assert s.get(alerts.Subscription, sub).handled_through == 0  # a failure keeps its events pending
    web.failing.clear()
    alerts.send_digests(engine)
    with session_scope(engine) as s:
        subscription = s.get(alerts.Subscription, sub)
        assert subscription.handled_through == alerts._last_change_id(s) > 0
        assert alerts.pending_events(s, subscription) == []
        assert len(alerts.pending_events(s, subscription, undelivered=False)) == 1  # the Atom feed keeps it
