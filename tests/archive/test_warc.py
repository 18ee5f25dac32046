"""Web-archive export: WARC records of every capture (checked by warcio) and a WACZ (validated by py-wacz)."""

from __future__ import annotations

import json
import zipfile

import pytest
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.cli import main as warcio_main

from archive.citation import citation_id
from archive.db import session_scope
from archive.store import record_page
from fazhi.cli import app
from tests.factories import REPORT_2024, day, page, populate

runner = CliRunner()
JINGAN_2024 = "https://www.jingan.gov.cn/fzzfjs/2024.html"


def _export(db_url, fmt, out, *extra):
    result = runner.invoke(app, ["export", "--format", fmt, "-o", str(out), "--db", db_url, *extra])
    assert result.exit_code == 0, result.output
    return result


def test_warc_holds_request_response_and_metadata_for_every_capture(engine, db_url, tmp_path):
    populate(engine)
    with session_scope(engine) as s:  # a capture with real fetch headers and a gzip coding the body lost
        record_page(
            s,
            page(
                url=JINGAN_2024,
                text=REPORT_2024.replace("7.2%", "8.0%"),
                fetched_at=day(9),
                headers={
                    "content-type": "text/html; charset=utf-8",
                    "etag": '"v3"',
                    "content-encoding": "gzip",
                },
            ),
        )
    out = tmp_path / "fazhi.warc.gz"
    _export(db_url, "warc", out)
    with pytest.raises(SystemExit) as checked:
        warcio_main(["check", "-v", str(out)])
    assert checked.value.code == 0

    records = []
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream):
            records.append(
                (record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read())
            )
    kinds = [r[0] for r in records]
    assert kinds[0] == "warcinfo"
    assert (
        kinds.count("response") == kinds.count("request") == kinds.count("metadata") == 7
    )  # 5 docs + 2 edits
    responses = [r for r in records if r[0] == "response"]
    last = responses[-1]
    assert last[1].get_header("WARC-Target-URI") == JINGAN_2024
    assert last[1].get_header("WARC-Date") == "2025-03-10T08:00:00Z"
    assert last[2].get_header("ETag") == '"v3"' and last[2].get_header("Content-Encoding") is None
    assert last[3].decode().count("8.0%") == 1  # the raw page as fetched
    cite = citation_id(JINGAN_2024, REPORT_2024.replace("7.2%", "8.0%"))
    assert last[1].get_header("WARC-Fazhi-Citation") == cite
    meta = json.loads(records[-1][3])
    assert records[-1][0] == "metadata" and (meta["citation"], meta["version"], meta["portal"]) == (
        cite,
        3,
        "jingan",
    )
    request = records[-2]
    assert (
        request[0] == "request"
        and request[2].protocol == "GET"
        and request[2].get_header("Host") == "www.jingan.gov.cn"
    )
    assert request[1].get_header("WARC-Concurrent-To") == last[1].get_header("WARC-Record-ID")

    only = tmp_path / "mouxian.warc.gz"
    _export(db_url, "warc", only, "--portal", "mouxian")
    with only.open("rb") as stream:
        uris = {
            r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert uris == {"https://www.mouxian.gov.cn/art/2025/3/28/art_1.html"}


def test_wacz_passes_py_wacz_validation(engine, db_url, tmp_path):
    from wacz.main import main as wacz_main

    populate(engine)
    out = tmp_path / "fazhi.wacz"
    _export(db_url, "wacz", out)
    assert wacz_main(["validate", "-f", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"datapackage.json", "pages/pages.jsonl"} <= names
        assert any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
        assert any(n.startswith("indexes/") for n in names)
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").splitlines() if line.strip()]
    assert JINGAN_2024 in {p.get("url") for p in pages[1:]}


def test_web_archive_formats_need_an_output_file(db_url):
    result = runner.invoke(app, ["export", "--format", "warc", "--db", db_url])
    assert result.exit_code == 1 and "-o FILE" in result.output


def test_warc_holds_every_page_of_an_article_split_over_pages(engine, db_url, tmp_path):
    """The later pages of a stitched article are captures too: each is kept (``version_page``) and exported
    with its own URL and the bytes fetched, so no fetched byte is missing from the web archive."""
    item = page(url="https://www.jingan.gov.cn/fzzfjs/t20250320_1.shtml", fetched_at=day(9))
    item.pages = [
        ("https://www.jingan.gov.cn/fzzfjs/t20250320_1_1.shtml", b"<html><p>page two</p></html>"),
        ("https://www.jingan.gov.cn/fzzfjs/t20250320_1_2.shtml", b"<html><p>page three</p></html>"),
    ]
    item.page_urls = [item.url] + [url for url, _ in item.pages]
    with session_scope(engine) as s:
        record_page(s, item)
    out = tmp_path / "pages.warc.gz"
    _export(db_url, "warc", out)
    with out.open("rb") as stream:
        responses = {
            r.rec_headers.get_header("WARC-Target-URI"): (
                r.rec_headers.get_header("WARC-Fazhi-Document"),
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert responses[item.url][1] == item.body
    for number, (url, body) in enumerate(item.pages, start=2):
        assert responses[url] == (f"{responses[item.url][0]}/p{number}", body)
