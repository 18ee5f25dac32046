"""Commands that read the archive: search, show, history, diff, changes, export, runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from archive.atom import atom_feed
from archive.db import get_engine, resolve_db_url
from archive.diff import diff_texts, side_by_side, unified
from archive.export import export as export_records
from archive.models import Document
from archive.queries import (
    CHANGE_RANKS,
    ID_MAX,
    YEAR_MAX,
    YEAR_MIN,
    find_document,
    recent_runs,
    version_of,
)
from archive.records import document_record, feed_records, history_record, iso, parse_iso, run_record
from archive.runs import close_abandoned
from archive.search import search as search_archive
from fazhi.cli.app import (
    DbOption,
    JsonOption,
    app,
    console,
    err_console,
    plain,
    styled,
    terminal_safe,
    whole_file,
)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 1, no traceback."""
    err_console.print(f"error: {terminal_safe(message)}", markup=False, highlight=False)
    raise typer.Exit(1)


def emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def open_session(db: str | None) -> Iterator[Session]:
    engine = get_engine(resolve_db_url(db))  # an archive that will not open: one sentence, exit 2 (main)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _document(session: Session, ref: str) -> Document:
    digits = ref.strip()
    if digits.isascii() and digits.isdigit() and int(digits) > ID_MAX:
        raise typer.BadParameter(f"{digits} is not a document id (ids go up to {ID_MAX})")
    document = find_document(session, ref)
    if document is None:
        fail(f"no document with id or URL {ref!r}")
    return document


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find; several words must all occur.")],
    year: Annotated[
        int | None, typer.Option(help="Year the report covers.", min=YEAR_MIN, max=YEAR_MAX)
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Portal region, by prefix (上海市 finds 上海市静安区).")
    ] = None,
    level: Annotated[str | None, typer.Option(help="Portal level: province, city, county, ...")] = None,
    portal: Annotated[str | None, typer.Option(help="Portal id.")] = None,
    status: Annotated[str | None, typer.Option(help="live, missing or gone.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many results.", min=1, max=ID_MAX)] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Full-text search (Chinese-aware) over the latest version of every document."""
    if not query.split():  # e.g. ``fazhi search "$TERM"`` with TERM unset: say so rather than "no matches"
        raise typer.BadParameter("give at least one word to search for", param_hint="QUERY")
    with open_session(db) as session:
        hits = search_archive(
            session, query, year=year, region=region, level=level, portal=portal, status=status, limit=limit
        )
    if as_json:
        emit_json([h.to_dict() for h in hits])
        return
    if not hits:
        console.print("no matches")
        return
    table = Table(show_lines=True)
    for column in ("id", "year", "portal", "title", "status", "hits", "snippet"):
        table.add_column(column)
    for h in hits:
        table.add_row(
            str(h.id),
            str(h.year or ""),
            plain(h.portal),
            plain(h.title or ""),
            h.status,
            str(h.matches),
            _highlighted(h.snippet, h.highlights),
        )
    console.print(table)


def _highlighted(snippet: str, highlights: list[tuple[int, int]]) -> Text:
    """The snippet with its matches in bold, each piece made terminal-safe on its own (offsets hold)."""
    text, pos = Text(), 0
    for start, end in sorted(highlights):
        start = max(start, pos)
        text.append(terminal_safe(snippet[pos:start]))
        text.append(terminal_safe(snippet[start:end]), style="bold yellow")
        pos = max(pos, end)
    text.append(terminal_safe(snippet[pos:]))
    return text


@app.command()
def show(
    ref: Annotated[str, typer.Argument(metavar="ID|URL", help="Document id or URL.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A document's metadata and the text of its latest version."""
    with open_session(db) as session:
        document = _document(session, ref)
        record = _record(session, document)
    if as_json:
        emit_json(record)
        return
    meta = Table.grid(padding=(0, 2))
    for key in (
        "id",
        "url",
        "portal",
        "kind",
        "year",
        "publisher",
        "published",
        "status",
        "report_group",
        "versions",
        "first_seen",
        "last_seen",
        "moved_from",
        "moved_to",
    ):
        if record.get(key) is not None:
            meta.add_row(Text(key, style="bold"), plain(record[key]))
    console.print(Panel(meta, title=plain(record["title"] or "(untitled)")))
    console.print(plain(record["text"] or "(no stored text)"))


def _record(session: Session, document: Document) -> dict:
    latest = version_of(session, document.id, document.versions) if document.versions else None
    return {**document_record(session, document), "text": latest.text if latest else None}


@app.command()
def history(
    ref: Annotated[str, typer.Argument(metavar="ID|URL", help="Document id or URL.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every stored version of a document, every change event and every fetch that made no version."""
    with open_session(db) as session:
        document = _document(session, ref)
        record = history_record(session, document)
    if as_json:
        emit_json(record)
        return
    versions, changes, problems = record["versions"], record["changes"], record["problems"]
    console.print(
        styled((document.title or document.url, "bold"), f"  (document {document.id}, {document.status})")
    )
    vt = Table(title="versions")
    for column in ("seq", "fetched_at", "chars", "+", "-", "similarity", "cite as", "origin"):
        vt.add_column(column)
    for v in versions:
        vt.add_row(
            str(v["seq"]),
            v["fetched_at"],
            str(v["chars"]),
            str(v["chars_added"] or ""),
            str(v["chars_removed"] or ""),
            "" if v["similarity"] is None else f"{v['similarity']:.4f}",
            v["citation"] or "",
            v["origin"],
        )
    console.print(vt)
    ct = Table(title="changes")
    for column in ("at", "kind", "versions", "summary"):
        ct.add_column(column)
    for c in changes:
        span = "" if c["to_version"] is None else f"{c['from_version'] or ''}→{c['to_version']}"
        ct.add_row(c["at"], c["kind"], span, plain(c["summary"]))
    console.print(ct)
    if problems:  # fetches that made no version: empty text, suspected outages held
        pt = Table(title="problems")
        for column in ("at", "message"):
            pt.add_column(column)
        for p in problems:
            pt.add_row(p["at"], plain(p["message"]))
        console.print(pt)


@app.command()
def diff(
    ref: Annotated[str, typer.Argument(metavar="ID|URL", help="Document id or URL.")],
    from_seq: Annotated[
        int | None,
        typer.Option("--from", help="Old version (default: the one before --to).", min=0, max=ID_MAX),
    ] = None,
    to_seq: Annotated[
        int | None, typer.Option("--to", help="New version (default: the latest).", min=1, max=ID_MAX)
    ] = None,
    side: Annotated[
        bool, typer.Option("--side-by-side", help="Show changed passages in two columns.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between two versions: sentences first, then the characters inside them."""
    with open_session(db) as session:
        document = _document(session, ref)
        if document.versions == 0:
            fail(f"document {document.id} has no stored version")
        to_n = to_seq if to_seq is not None else document.versions
        from_n = from_seq if from_seq is not None else to_n - 1
        if from_n < 1:
            fail(f"document {document.id} has only version {to_n}; nothing to compare (use --from/--to)")
        old, new = version_of(session, document.id, from_n), version_of(session, document.id, to_n)
        for n, v in ((to_n, new), (from_n, old)):
            if v is None:
                fail(f"document {document.id} has no version {n} (it has 1..{document.versions})")
    result = diff_texts(old.text, new.text)
    if as_json:
        emit_json(
            {
                "id": document.id,
                "from": from_n,
                "to": to_n,
                **result.summary(),
                "unified": unified(result, from_label=f"v{from_n}", to_label=f"v{to_n}"),
            }
        )
        return
    s = result.summary()
    console.print(
        f"document {document.id}: v{from_n} → v{to_n}: +{s['chars_added']} -{s['chars_removed']} chars, "
        f"similarity {s['similarity']:.4f}",
        highlight=False,
    )
    if side:
        console.print(side_by_side(result, from_label=f"v{from_n}", to_label=f"v{to_n}"))
    else:
        text = unified(
            result, from_label=f"v{from_n} {iso(old.fetched_at)}", to_label=f"v{to_n} {iso(new.fetched_at)}"
        )
        sys.stdout.write(terminal_safe(text) if sys.stdout.isatty() else text)


@app.command()
def changes(
    since: Annotated[str | None, typer.Option(help="Only events at or after this date (YYYY-MM-DD).")] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Only these kinds (new, changed, missing, gone, returned, moved); repeatable."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many events (0: all).", min=0, max=ID_MAX)] = 200,
    rank: Annotated[
        str, typer.Option(help="time (newest first) or significance (the edits that changed most first).")
    ] = "time",
    atom: Annotated[
        Path | None, typer.Option("--atom", help="Also write the events as an Atom feed to this file.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The change feed, newest first (or most significant first); edits say what changed."""
    if rank not in CHANGE_RANKS:
        fail(f"unknown rank {rank!r}; use {' or '.join(CHANGE_RANKS)}")
    since_dt = _parse_since(since)
    with open_session(db) as session:
        rows = feed_records(session, since=since_dt, kinds=kind or (), limit=limit or None, rank=rank)
    if atom is not None:
        try:
            atom.write_bytes(atom_feed(rows))
        except OSError as exc:
            fail(f"cannot write {atom}: {exc.strerror}")
        err_console.print(plain(f"wrote {len(rows)} events to {atom}"), highlight=False)
    if as_json:
        emit_json(rows)
        return
    table = Table()
    for column in ("at", "kind", "doc", "portal", "title", "score", "summary"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["at"],
            r["kind"],
            str(r["document"]),
            plain(r["portal"]),
            plain(r["title"] or r["url"]),
            "" if r["score"] is None else f"{r['score']:.2f}",
            plain(r["summary"]),
        )
    console.print(table if rows else "no changes")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv, markdown, warc or wacz.")] = "jsonl",
    include_all: Annotated[bool, typer.Option("--all", help="All documents, not only reports.")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    portal: Annotated[
        list[str] | None,
        typer.Option("--portal", help="warc/wacz: only this portal id (repeatable).", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """One record per document (reports only unless --all) as JSONL, CSV or Markdown; or every stored
    capture as a web archive (WARC, WACZ) that replay tools open."""
    if fmt in ("warc", "wacz"):
        _export_web_archive(fmt, output, portal or [], db)
        return
    if fmt not in ("jsonl", "csv", "markdown"):
        raise typer.BadParameter(
            f"unknown format {fmt!r}; use jsonl, csv, markdown, warc or wacz", param_hint="'--format'"
        )
    if portal:
        raise typer.BadParameter("--portal applies to --format warc and wacz", param_hint="'--portal'")
    with open_session(db) as session:
        if output is None:
            export_records(session, sys.stdout, format=fmt, all=include_all)
            return
        try:
            with whole_file(output) as part, part.open("w", encoding="utf-8", newline="") as out:
                count = export_records(session, out, format=fmt, all=include_all)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}")
    err_console.print(plain(f"exported {count} records to {output}"), highlight=False)


def _export_web_archive(fmt: str, output: Path | None, portals: list[str], db: str | None) -> None:
    """Every capture (every version fetched, with its raw bytes) as WARC records or a WACZ package."""
    from archive.warc import write_wacz, write_warc

    if output is None:
        fail(f"--format {fmt} writes a binary file: give -o FILE")
    unreadable: list[str] = []
    with open_session(db) as session:
        try:
            with whole_file(output) as part:
                if fmt == "warc":
                    with part.open("wb") as out:
                        pages = write_warc(
                            session, out, portal_ids=portals, filename=output.name, unreadable=unreadable
                        )
                        count = len(pages)
                else:
                    count = write_wacz(session, part, portal_ids=portals, unreadable=unreadable)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}")
    err_console.print(f"exported {count} captures to {output} ({fmt.upper()})", highlight=False)
    if unreadable:
        for line in unreadable:
            err_console.print(f"left out: {terminal_safe(line)}", markup=False, highlight=False)
        fail(f"{len(unreadable)} capture(s) could not be read and are not in {output}")


def _alerts_cell(alerts: dict | None) -> str:
    """``2 sent; subscription 3 failed: HTTP 500`` for a run's digests."""
    if not alerts:
        return ""
    parts = []
    if alerts.get("sent"):
        parts.append(f"{len(alerts['sent'])} sent")
    parts += [f"subscription {sid} failed: {error}" for sid, error in (alerts.get("failed") or {}).items()]
    return "; ".join(parts)


@app.command()
def runs(
    limit: Annotated[int, typer.Option(help="At most this many runs.", min=1, max=ID_MAX)] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recent crawl runs with their outcome and per-portal counters.

    A run left ``running`` by a process of this machine that is gone is recorded as ``interrupted`` first.
    """
    with open_session(db) as session:
        if close_abandoned(session):
            session.commit()
        rows = [run_record(r) for r in recent_runs(session, limit=limit)]
    if as_json:
        emit_json(rows)
        return
    table = Table()
    for column in ("id", "started", "finished", "outcome", "portals", "counters", "alerts"):
        table.add_column(column)
    for r in rows:
        totals: dict[str, int] = {}
        for values in (r["counters"] or {}).values():
            for key, n in values.items():
                if isinstance(n, int) and not isinstance(n, bool):
                    totals[key] = totals.get(key, 0) + n
        table.add_row(
            str(r["id"]),
            r["started_at"],
            r["finished_at"] or "",
            plain(r["outcome"]),
            str(len(r["portals"] or [])),
            plain(", ".join(f"{k}={v}" for k, v in sorted(totals.items()))),
            plain(_alerts_cell(r["alerts"])),
        )
    console.print(table if rows else "no crawl runs")
