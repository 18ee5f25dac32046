"""Alert commands: ``fazhi subscribe``, ``subscriptions``, ``unsubscribe`` and ``notify test``.

Digests themselves go out at the end of every crawl (crawler/extensions.py → archive/alerts.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from archive import alerts
from archive.models import ALERT_EVENTS, Subscription
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console
from fazhi.cli.query import emit_json, fail, open_session

notify_app = typer.Typer(help="Alert deliveries: send a test message.", no_args_is_help=True)
app.add_typer(notify_app, name="notify")


def _row(session, subscription: Subscription) -> dict:
    return {
        "id": subscription.id,
        "url": subscription.url,
        "portal": subscription.portal_id,
        "region": subscription.region,
        "kind": subscription.kind,
        "events": subscription.events or list(ALERT_EVENTS),
        "created_at": subscription.created_at.isoformat(),
        "source": subscription.source,
        "deliveries": alerts.delivery_counts(session, subscription.id),
        "pending": len(alerts.pending_events(session, subscription)),
    }


@app.command()
def subscribe(
    url: Annotated[
        str | None,
        typer.Argument(
            metavar="APPRISE_URL", help="Where to send digests (mailto://, json://, dingtalk://, …)."
        ),
    ] = None,
    portal: Annotated[str | None, typer.Option(help="Only this portal id.")] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Only portals whose region starts with this (广东省), or adcode prefix (4407)."),
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Only documents of this kind: report or other.")] = None,
    event: Annotated[
        list[str] | None,
        typer.Option("--event", help="new, changed, missing, gone or returned (repeatable; default all)."),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from", help="Sync the subscriptions listed in this YAML file instead (README: Alerts)."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Subscribe an Apprise URL to change events; a digest is sent at the end of every crawl."""
    with open_session(db) as session:
        try:
            if from_file is not None:
                added, removed = alerts.sync_config(session, from_file)
                session.commit()
                err_console.print(
                    f"{from_file}: {added} subscription(s) added, {removed} removed", highlight=False
                )
                return
            if not url:
                fail("give an APPRISE_URL, or --from FILE")
            subscription = alerts.subscribe(
                session, url, portal_id=portal, region=region, kind=kind, events=event or ()
            )
            session.commit()
            row = _row(session, subscription)
        except alerts.SubscriptionError as exc:
            fail(str(exc))
        if as_json:
            emit_json(row)
            return
        console.print(f"subscription {subscription.id}: {alerts.describe(subscription)}", highlight=False)


@app.command("subscriptions")
def list_subscriptions(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every subscription with its filters, deliveries sent and failed, and events pending."""
    with open_session(db) as session:
        rows = [_row(session, s) for s in alerts.subscriptions(session)]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        console.print("no subscriptions")
        return
    table = Table()
    for column in ("id", "url", "portal", "region", "kind", "events", "sent", "failed", "pending"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["id"]),
            Text(r["url"]),
            r["portal"] or "",
            r["region"] or "",
            r["kind"] or "",
            ",".join(r["events"]),
            str(r["deliveries"].get("sent", 0)),
            str(r["deliveries"].get("failed", 0)),
            str(r["pending"]),
        )
    console.print(table)


@app.command()
def unsubscribe(
    subscription_id: Annotated[int, typer.Argument(metavar="ID", help="Subscription id.")],
    db: DbOption = None,
) -> None:
    """Remove a subscription (and its delivery records)."""
    with open_session(db) as session:
        if not alerts.unsubscribe(session, subscription_id):
            fail(f"no subscription {subscription_id}")
        session.commit()
    console.print(f"subscription {subscription_id} removed")


@notify_app.command("test")
def notify_test(
    subscription_id: Annotated[
        int | None, typer.Argument(metavar="[ID]", help="Subscription id (default: every subscription).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Send a test message to one subscription or all; exit 1 if any delivery failed."""
    with open_session(db) as session:
        if subscription_id is None:
            targets = list(alerts.subscriptions(session))
        else:
            subscription = session.get(Subscription, subscription_id)
            if subscription is None:
                fail(f"no subscription {subscription_id}")
            targets = [subscription]
        if not targets:
            fail("no subscriptions (add one with fazhi subscribe APPRISE_URL)")
        failed = 0
        for s in targets:
            error = alerts.send(
                s.url,
                "fazhi: test message",
                f"This is a test from fazhi. Subscription {s.id}: {alerts.describe(s)}.",
            )
            if error:
                failed += 1
                err_console.print(f"subscription {s.id}: [red]failed[/] {error}", highlight=False)
            else:
                console.print(f"subscription {s.id}: sent", highlight=False)
    if failed:
        raise typer.Exit(1)
