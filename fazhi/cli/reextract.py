"""``fazhi reextract``: run today's extractor over the raw bytes the archive kept.

Changed texts are stored as re-extractions (``version.origin = "reextract"``), never as change events, so
an extractor upgrade never looks like a government edit and never sends an alert.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from archive.models import Document
from archive.queries import latest_captures, version_of
from archive.store import UnreadableRaw, decompress_raw, record_reextraction, version_pages
from fazhi.cli.app import DbOption, JsonOption, app, console, err_console, terminal_safe
from fazhi.cli.query import emit_json, fail, open_session
from pipelines.reextract import reextract as run_chain


@app.command("reextract")
def reextract_command(
    portal: Annotated[
        list[str] | None,
        typer.Option("--portal", help="Only this portal id (repeatable).", show_default=False),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; store nothing.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-extract stored captures with the current extractor; changed texts become re-extractions."""
    checked, changed, skipped, unreadable = 0, [], [], []
    with open_session(db) as session:
        for document_id, seq in latest_captures(session, portal or ()):
            checked += 1
            document = session.get(Document, document_id)
            version = version_of(session, document_id, seq)
            try:
                body = decompress_raw(version.raw, version.raw_codec)
                pages = version_pages(session.connection(), version.id) if version.page_urls else []
            except UnreadableRaw as exc:  # a damaged row: name it, re-extract the others
                unreadable.append(
                    {"document": document.id, "url": document.url, "version": version.seq, "error": str(exc)}
                )
                continue
            if version.page_urls and len(pages) != len(json.loads(version.page_urls)) - 1:
                skipped.append(document.url)  # stored before its later pages were kept (migration 0016)
                continue
            headers = dict(version.headers or {})
            if version.content_type and "content-type" not in headers:
                headers["content-type"] = version.content_type
            item = run_chain(
                portal_id=document.portal_id,
                url=document.url,
                body=body,
                headers=headers,
                fetched_at=version.fetched_at,
                status=version.status or 200,
                list_title=document.title,
                pages=pages,
            )
            session.expunge(version)  # its raw bytes are not needed again
            if not item.text or item.text_hash == document.text_hash:
                continue
            row = {
                "document": document.id,
                "url": document.url,
                "from_version": version.seq,
                "chars": len(item.text),
            }
            if not dry_run:
                row["version"] = record_reextraction(
                    session,
                    document_id=document.id,
                    text=item.text,
                    text_extracted=item.text_extracted,
                    title=item.title,
                    source_seq=version.seq,
                    text_method=item.text_method,
                    text_confidence=item.text_confidence,
                )
            changed.append(row)
        if not dry_run:
            session.commit()
    if as_json:
        emit_json(
            {
                "checked": checked,
                "changed": changed,
                "skipped": skipped,
                "unreadable": unreadable,
                "dry_run": dry_run,
            }
        )
        if unreadable:
            raise typer.Exit(1)
        return
    if changed:
        table = Table(title="re-extracted texts" + (" (dry run: nothing stored)" if dry_run else ""))
        for column in ("document", "from version", "new version", "chars", "url"):
            table.add_column(column)
        for r in changed:
            table.add_row(
                str(r["document"]),
                str(r["from_version"]),
                str(r.get("version", "")),
                str(r["chars"]),
                r["url"],
            )
        console.print(table)
    verb = "would change" if dry_run else "changed"
    done = checked - len(unreadable)
    err_console.print(f"{done} capture(s) re-extracted, {len(changed)} text(s) {verb}", highlight=False)
    if skipped:  # the archive keeps the first page's bytes of an article split over pages
        err_console.print(
            f"{len(skipped)} paginated article(s) skipped: only their first page's bytes are kept"
        )
    if unreadable:
        for r in unreadable:
            err_console.print(
                terminal_safe(
                    f"unreadable: document {r['document']} version {r['version']} ({r['url']}): {r['error']}"
                ),
                markup=False,
                highlight=False,
            )
        fail(f"{len(unreadable)} capture(s) could not be read; the other captures were re-extracted")
