"""The query commands against a populated archive, through Typer's CliRunner, on both backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive.db import get_engine, session_scope
from archive.runs import finish_run, start_run
from fazhi.cli import app
from tests.factories import day, populate
from tests.fulldisk import fill

runner = CliRunner()


@pytest.fixture
def populated(engine, db_url):
    ids = populate(engine)
    with session_scope(engine) as s:
        run = start_run(s, portals=["jingan", "mouxian"], registry_path="seeds", pid=123, now=day(5))
        finish_run(
            s, run.id, outcome="ok", counters={"jingan": {"new_versions": 2, "outcome": "ok"}}, now=day(5)
        )
    return db_url, ids


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


def test_search_json_and_table(populated):
    db, ids = populated
    result = run("search", "纠错率", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [h["id"] for h in hits] == [ids["jingan2024"], ids["mirror2024"], ids["jingan2023"]]
    assert {"id", "url", "title", "year", "snippet", "highlights", "matches"} <= set(hits[0])
    assert [
        h["id"] for h in json.loads(run("search", "法治", "--year", 2023, "--db", db, "--json").stdout)
    ] == [ids["jingan2023"]]
    assert [
        h["id"]
        for h in json.loads(run("search", "法治政府", "--portal", "mouxian", "--db", db, "--json").stdout)
    ] == [ids["mouxian2024"]]
    assert len(json.loads(run("search", "法治政府", "--region", "上海市", "--db", db, "--json").stdout)) == 3
    table = run("search", "纠错率", "--db", db)
    assert table.exit_code == 0 and "jingan" in table.stdout


def test_show_by_id_and_url(populated):
    db, ids = populated
    by_id = json.loads(run("show", ids["jingan2024"], "--db", db, "--json").stdout)
    by_url = json.loads(run("show", by_id["url"], "--db", db, "--json").stdout)
    assert by_id == by_url
    assert by_id["versions"] == 2 and "7.5%" in by_id["text"]
    text = run("show", ids["jingan2024"], "--db", db)
    assert text.exit_code == 0 and "出庭应诉率" in text.stdout


def test_history_lists_versions_and_changes(populated):
    db, ids = populated
    data = json.loads(run("history", ids["jingan2024"], "--db", db, "--json").stdout)
    assert [v["seq"] for v in data["versions"]] == [1, 2]
    assert (data["versions"][1]["chars_added"], data["versions"][1]["chars_removed"]) == (1, 1)
    assert [c["kind"] for c in data["changes"]] == ["new", "changed"]
    assert run("history", ids["mouxian2024"], "--db", db).exit_code == 0


def test_diff_default_explicit_and_side_by_side(populated):
    db, ids = populated
    out = run("diff", ids["jingan2024"], "--db", db)
    assert out.exit_code == 0
    assert "~行政复议纠错率为7.[-2-]{+5+}%" in out.stdout
    assert run("diff", ids["jingan2024"], "--from", 1, "--to", 2, "--db", db).stdout == out.stdout
    side = run("diff", ids["jingan2024"], "--side-by-side", "--db", db)
    assert side.exit_code == 0 and "7.2%" in side.stdout and "7.5%" in side.stdout
    data = json.loads(run("diff", ids["jingan2024"], "--json", "--db", db).stdout)
    assert (data["from"], data["to"], data["chars_added"], data["chars_removed"]) == (1, 2, 1, 1)


def test_changes_feed_since(populated):
    db, ids = populated
    feed = json.loads(run("changes", "--db", db, "--json").stdout)
    assert [c["kind"] for c in feed][:2] == ["missing", "changed"]  # newest first
    recent = json.loads(run("changes", "--since", "2025-03-05", "--db", db, "--json").stdout)
    assert [(c["kind"], c["document"]) for c in recent] == [
        ("missing", ids["mouxian2024"]),
        ("changed", ids["jingan2024"]),
    ]
    assert run("changes", "--since", "yesterday", "--db", db).exit_code == 2


def test_portal_without_a_web_archive_format_is_a_usage_error(populated):
    result = run("export", "--portal", "x", "--db", populated[0])
    assert result.exit_code == 2 and "--portal applies to --format warc and wacz" in " ".join(
        result.output.split()
    )


def test_changes_as_atom_feed(populated, tmp_path):
    import xml.etree.ElementTree as ET

    db, ids = populated
    target = tmp_path / "changes.atom"
    assert run("changes", "--since", "2025-03-05", "--atom", target, "--db", db).exit_code == 0
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(target).getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:category", ns).get("term") for e in entries] == ["missing", "changed"]
    assert all(e.find("a:link", ns).get("href").startswith("http") for e in entries)
    assert len({e.find("a:id", ns).text for e in entries}) == 2


def test_export_to_file_and_stdout(populated, tmp_path):
    db, _ = populated
    target = tmp_path / "out.jsonl"
    result = run("export", "--db", db, "-o", target)
    assert result.exit_code == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    csv_out = run("export", "--db", db, "--format", "csv", "--all")
    assert csv_out.stdout.splitlines()[0].startswith("id,url,portal,kind,title,year,published")
    assert run("export", "--db", db, "--format", "xml").exit_code == 2  # a usage error
    markdown = run("export", "--db", db, "--format", "markdown").stdout
    assert markdown.count("\n## ") + markdown.startswith("## ") == 4  # one section per report


def test_runs(populated):
    db, _ = populated
    data = json.loads(run("runs", "--db", db, "--json").stdout)
    assert [(r["outcome"], r["portals"], r["pid"]) for r in data] == [("ok", ["jingan", "mouxian"], 123)]
    assert data[0]["counters"]["jingan"]["new_versions"] == 2
    table = run("runs", "--db", db)
    assert table.exit_code == 0 and "new_versions=2" in table.stdout


@pytest.mark.parametrize("command", ["show", "history", "diff"])
def test_unknown_documents_are_a_one_line_error(populated, command):
    db, _ = populated
    for ref in ("999999", "https://nowhere.gov.cn/x.html"):
        result = run(command, ref, "--db", db)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.strip().splitlines() == [f"error: no document with id or URL '{ref}'"]
        assert "Traceback" not in result.output


def test_diff_of_a_single_version_is_a_clear_error(populated):
    db, ids = populated
    result = run("diff", ids["jingan2023"], "--db", db)
    assert result.exit_code == 1 and "only version 1" in result.stderr
    result = run("diff", ids["jingan2024"], "--to", 7, "--db", db)
    assert result.exit_code == 1 and "no version 7" in result.stderr


def test_a_damaged_stored_page_is_named_and_the_other_captures_still_export_and_reextract(
    populated, engine, tmp_path
):
    """One version's stored bytes are damaged (a bad disk, a botched restore): export and re-extraction name
    it and fail, after doing everything else, instead of stopping at a traceback or leaving it out silently."""
    from sqlalchemy import func, select, update
    from warcio.archiveiterator import ArchiveIterator

    from archive.models import Version
    from archive.queries import latest_captures
    from archive.store import UnreadableRaw, decompress_raw

    db, ids = populated
    with session_scope(engine) as s:
        damaged = s.scalars(
            select(Version).where(Version.document_id == ids["mouxian2024"]).order_by(Version.seq.desc())
        ).first()
        s.execute(update(Version).where(Version.id == damaged.id).values(raw=damaged.raw[:20]))
        captures = s.scalar(select(func.count()).select_from(Version).where(Version.raw.is_not(None)))
        latest = len(latest_captures(s))
    with pytest.raises(UnreadableRaw, match="damaged"):
        decompress_raw(damaged.raw[:20], damaged.raw_codec)

    out = tmp_path / "a.warc.gz"
    result = run("export", "--format", "warc", "-o", out, "--db", db)
    assert result.exit_code == 1
    assert f"document {ids['mouxian2024']} version {damaged.seq}" in result.output
    assert "1 capture(s) could not be read" in result.output
    with out.open("rb") as stream:
        responses = [r for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert len(responses) == captures - 1

    result = run("reextract", "--db", db, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(r["document"], r["version"]) for r in report["unreadable"]] == [
        (ids["mouxian2024"], damaged.seq)
    ]
    # the others went through, and what changed was stored although the command failed
    assert report["checked"] == latest >= 3
    changed = {r["document"] for r in report["changed"]}
    assert changed and ids["mouxian2024"] not in changed
    with session_scope(engine) as s:
        stored = s.scalars(select(Version.document_id).where(Version.origin == "reextract")).all()
    assert sorted(stored) == sorted(changed)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fill standard output")
def test_a_full_disk_on_standard_output_is_one_error_line_and_exit_1(tmp_path):
    """``fazhi export > file`` on a full disk: one line saying so and exit 1, not a traceback."""
    db = f"sqlite:///{tmp_path / 'a.db'}"
    engine = get_engine(db)
    populate(engine)
    engine.dispose()
    for args in (["export"], ["search", "法治", "--json"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "fazhi", *args, "--db", db],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
                check=False,
            )
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.strip() == "error: cannot write the output: No space left on device"


@pytest.mark.parametrize(
    "args",
    [
        ["export"],
        ["export", "--format", "warc"],
        ["export", "--format", "wacz"],
        ["registry", "export", "--registry", "seeds"],
    ],
    ids=["jsonl", "warc", "wacz", "registry"],
)
def test_an_output_file_on_a_full_disk_is_left_as_it_was(args, tiny_disk, tmp_path):
    """``-o FILE`` on a full disk: one error line, exit 1, and no truncated file in FILE's place; a FILE from
    an earlier export stays whole. (py-wacz's half-written package used to print a traceback as well.)"""
    db = f"sqlite:///{tmp_path / 'a.db'}"
    engine = get_engine(db)
    populate(engine)
    engine.dispose()
    earlier = tiny_disk / "earlier.out"
    earlier.write_text("an earlier export\n", encoding="utf-8")
    fill(tiny_disk, leave=0)
    for target in (tiny_disk / "new.out", earlier):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "fazhi",
                *args,
                "-o",
                str(target),
                *(["--db", db] if args[0] == "export" else []),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.strip() == f"error: cannot write {target}: No space left on device"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["earlier.out", "filler"]
    assert earlier.read_text(encoding="utf-8") == "an earlier export\n"


def test_an_export_file_appears_whole(populated, tmp_path):
    """With room, ``-o FILE`` is there under its own name once the export is done, and nothing beside it."""
    db, _ = populated
    for fmt in ("jsonl", "wacz"):
        target = tmp_path / "out" / f"archive.{fmt}"
        target.parent.mkdir(exist_ok=True)
        result = run("export", "--format", fmt, "-o", str(target), "--db", db)
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["archive.jsonl", "archive.wacz"]


def test_a_blank_query_is_a_usage_error(populated):
    db, _ = populated
    result = run("search", "  ", "--db", db)
    assert result.exit_code == 2 and "give at least one word" in result.output
