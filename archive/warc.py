"""The archive as a web archive: WARC (warcio) and WACZ (py-wacz), for replay tools and citation.

Every stored capture (a version fetched from a portal, with its raw bytes) becomes three WARC records:

* ``response`` — the HTTP status and headers recorded at fetch time and the raw body, dated by the fetch;
* ``request`` — the GET that fetched it (fazhi keeps no request headers, so only Host and our User-Agent);
* ``metadata`` — fazhi's view of that capture as JSON: document id, version, citation id, portal, kind,
  year, title, publisher, text hash.

An article split over pages adds a ``response`` and a ``request`` for each later page (``version_page``).

The response also carries ``WARC-Fazhi-Citation`` and ``WARC-Fazhi-Document`` so a record can be traced
back to the archive without the metadata record. Re-extracted versions (``origin="reextract"``) are the
same captures read again and are not written twice. A document's versions are written under its current
URL: one that moved is exported under the address it has now (its ``moved_from`` is in the metadata).

WACZ wraps that WARC with a CDX index, a ``pages.jsonl`` listing each capture and a signed-off
``datapackage.json`` (py-wacz), which ReplayWeb.page opens.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlmodel import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import Document, Portal, Version
from archive.store import UnreadableRaw, decompress_raw, version_pages

SOFTWARE = "fazhi 0.1 (archive of 法治政府建设 reports)"
USER_AGENT = "Mozilla/5.0 (compatible; fazhi/0.1)"
# the body is stored decoded (no transfer or content coding), so these stored headers no longer apply
_DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}
BATCH = 200


def _warc_date(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def captures(session: Session, portal_ids: Sequence[str] = ()) -> Iterator[tuple[Document, Version]]:
    """Every fetched version with raw bytes, in fetch order, loaded in batches (raw bytes are large)."""
    last = (datetime.min.replace(tzinfo=UTC), 0)
    while True:
        stmt = (
            select(Version.id, Version.fetched_at)
            .join(Document, Document.id == Version.document_id)
            .where(Version.origin == "crawl", Version.raw.is_not(None))
            .where(
                (Version.fetched_at > last[0]) | ((Version.fetched_at == last[0]) & (Version.id > last[1]))
            )
            .order_by(Version.fetched_at, Version.id)
            .limit(BATCH)
        )
        if portal_ids:
            stmt = stmt.where(Document.portal_id.in_(list(portal_ids)))
        keys = session.execute(stmt).all()
        if not keys:
            return
        for version_id, fetched_at in keys:
            version = session.get(Version, version_id)
            yield session.get(Document, version.document_id), version
            session.expunge(version)
            last = (fetched_at, version_id)


def _metadata(document: Document, version: Version, portal: Portal | None) -> dict:
    return {
        "document": document.id,
        "version": version.seq,
        "citation": version.citation,
        "url": document.url,
        "moved_from": document.moved_from,
        "portal": document.portal_id,
        "portal_name": portal.name if portal else None,
        "region": portal.region if portal else None,
        "adcode": portal.adcode if portal else None,
        "kind": document.kind,
        "year": document.year,
        "title": version.title or document.title,
        "publisher": document.publisher,
        "published": document.published.isoformat() if document.published else None,
        "text_hash": version.text_hash,
        "fetched_at": version.fetched_at.isoformat(),
    }


def _write_exchange(
    writer: WARCWriter,
    url: str,
    body: bytes,
    headers: list[tuple[str, str]],
    status: int,
    date: str,
    citation: str | None,
    fazhi_id: str,
) -> str:
    """The ``response`` (stored headers, raw body) and ``request`` records of one fetch; the response's id."""
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(
            _status_line(status), [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
        ),
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Fazhi-Citation": citation or "",
            "WARC-Fazhi-Document": fazhi_id,
        },
    )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"GET {target} HTTP/1.1",
            [("Host", parts.netloc), ("User-Agent", USER_AGENT)],
            is_http_request=True,
        ),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    writer.write_record(response)
    writer.write_record(request)
    return response_id


def write_warc(
    session: Session,
    stream: BinaryIO,
    *,
    portal_ids: Sequence[str] = (),
    filename: str = "fazhi.warc.gz",
    unreadable: list[str] | None = None,
) -> list[dict]:
    """Write every capture as gzipped WARC 1.1 records; returns one page entry per capture (for WACZ).

    A capture whose stored bytes cannot be read (:class:`archive.store.UnreadableRaw`) stops the export,
    unless ``unreadable`` is given: then it is left out and named there (``document 12 version 3: …``), so
    an export of a partly damaged archive holds everything else and says what it lacks."""
    writer = WARCWriter(stream, gzip=True, warc_version="WARC/1.1")
    info = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "description": "Captures of 法治政府建设 reports kept by fazhi, with fazhi's metadata records",
        "isPartOf": "fazhi" + (f" ({', '.join(portal_ids)})" if portal_ids else ""),
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    portals = {p.id: p for p in session.scalars(select(Portal))}
    pages = []
    for document, version in captures(session, portal_ids):
        try:
            body = decompress_raw(version.raw, version.raw_codec)
            later_pages = version_pages(session.connection(), version.id)
        except UnreadableRaw as exc:
            if unreadable is None:
                raise
            unreadable.append(f"document {document.id} version {version.seq} ({document.url}): {exc}")
            continue
        stored = dict(version.headers or {})
        if version.content_type and "content-type" not in stored:
            stored["content-type"] = version.content_type
        headers = [(k, v) for k, v in stored.items() if k.lower() not in _DROP_HEADERS]
        date = _warc_date(version.fetched_at)
        fazhi_id = f"{document.id}/v{version.seq}"
        response_id = _write_exchange(
            writer, document.url, body, headers, version.status or 200, date, version.citation, fazhi_id
        )
        # An article split over pages: its later pages as fetched, each under its own URL. Only their bodies
        # were kept, so they carry the first page's content type and the spider's 200.
        page_headers = [(k, v) for k, v in headers if k.lower() == "content-type"]
        for number, (url, page_body) in enumerate(later_pages, start=2):
            _write_exchange(
                writer, url, page_body, page_headers, 200, date, version.citation, f"{fazhi_id}/p{number}"
            )
        meta = json.dumps(_metadata(document, version, portals.get(document.portal_id)), ensure_ascii=False)
        writer.write_record(
            writer.create_warc_record(
                document.url,
                "metadata",
                payload=io.BytesIO(meta.encode()),
                warc_content_type="application/json",
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
            )
        )
        pages.append(
            {
                "url": document.url,
                "ts": version.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "title": version.title or document.title or document.url,
            }
        )
    return pages


def _package(args: list[str]) -> int:
    """py-wacz's ``create``; an error writing the package (a full disk) comes out as a plain ``OSError``.

    py-wacz leaves its ``ZipFile`` open when a write fails; collected later, the file fails to close again and
    Python prints "Exception ignored in ZipFile.__del__" with a traceback under our one-line error. So the
    failure is re-raised without its frames, once the half-written file has been collected here, quietly.
    """
    from wacz.main import main as wacz_main

    failure: OSError | None = None
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: (
        None if isinstance(unraisable.exc_value, OSError) else hook(unraisable)
    )
    try:
        try:
            return wacz_main(args)
        except OSError as exc:
            failure = OSError(exc.errno, exc.strerror)
        gc.collect()
    finally:
        sys.unraisablehook = hook
    raise failure


def write_wacz(
    session: Session, path: str | Path, *, portal_ids: Sequence[str] = (), unreadable: list[str] | None = None
) -> int:
    """Package the WARC of every capture as a WACZ at ``path``; returns the number of captures
    (``unreadable`` as for :func:`write_warc`)."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "fazhi.warc.gz"
        with warc.open("wb") as out:
            pages = write_warc(session, out, portal_ids=portal_ids, filename=warc.name, unreadable=unreadable)
        pages_file = Path(tmp) / "pages.jsonl"
        header = {"format": "json-pages-1.0", "id": "pages", "title": "fazhi captures"}
        lines = [header] + [{"id": f"p{i}", **page} for i, page in enumerate(pages)]
        pages_file.write_text(
            "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
        )
        args = ["create", "-o", str(path), "-p", str(pages_file), str(warc)]
        args += ["--title", "fazhi: 法治政府建设 reports", "--desc", SOFTWARE]
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # py-wacz prints progress
            code = _package(args)
    if code:
        raise RuntimeError(f"py-wacz could not package {path} (exit {code})")
    return len(pages)
