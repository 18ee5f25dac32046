"""Issue 12, defects 4, 9 and 11 (titles) through the CLI: crawled text is never Rich markup nor a terminal
escape, out-of-range numbers are a usage error (exit 2) and not a traceback, and titles are capped."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from archive.db import session_scope
from archive.models import Document, Problem
from archive.store import TITLE_MAX_CHARS, record_missing, record_page
from fazhi.cli import app
from pipelines.items import PageMissing
from tests.factories import T0, page

runner = CliRunner()
HOSTILE_TITLE = "[bold red]静安区[/]2024年法治政府建设[/]情况报告\x1b[31m\x1b]0;pwned\x07\x08"


@pytest.fixture
def archive(engine, db_url):
    with session_scope(engine) as s:
        doc = record_page(s, page(url="https://x.gov.cn/a.html", title=HOSTILE_TITLE)).document_id
    return db_url, doc


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_titles_with_markup_and_escapes_print_as_text(archive):
    db, doc = archive
    for args in (("show", doc), ("history", doc), ("search", "纠错率"), ("changes",)):
        result = run(*args, "--db", db)
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert "\x1b" not in result.output and "\x07" not in result.output and "\x08" not in result.output
    assert "[bold red]静安区[/]2024年法治政府建设[/]" in run("show", doc, "--db", db).output
    assert "[bold red]静安区[/]" in run("history", doc, "--db", db).output


@pytest.mark.parametrize("ident", ["[/]", "[bold red]x"])
def test_registry_errors_are_not_markup(tmp_path, ident):
    registry = tmp_path / "r.yaml"
    registry.write_text(
        f"portals:\n  - {{id: '{ident}', name: A, start_urls: ['http://127.0.0.1:9/']}}\n", encoding="utf-8"
    )
    result = run("crawl", "--registry", registry, "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert result.exit_code == 2, result.output
    assert ident in result.output and "^[a-z0-9][a-z0-9-]*$" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("show", "99999999999999999999"),
        ("history", "99999999999999999999"),
        ("diff", "1", "--from", "99999999999999999999"),
        ("diff", "1", "--to", "-1"),
        ("search", "法治", "--year", "99999999999999999999"),
        ("search", "法治", "--limit", "99999999999999999999"),
        ("coverage", "--year", "99999"),
        ("coverage", "--year", "-5"),
        ("changes", "--limit", "99999999999999999999"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(archive, args):
    db, _ = archive
    result = run(*args, "--db", db)
    assert result.exit_code == 2, (result.output, result.exception)
    assert not isinstance(result.exception, OverflowError | ValueError)
    assert "Traceback" not in result.output


def test_huge_titles_are_capped(engine):
    with session_scope(engine) as s:
        result = record_page(s, page(url="https://x.gov.cn/t.html", title="法治" * 1_000_000))
    with Session(engine) as s:
        title = s.get(Document, result.document_id).title
    assert len(title) == TITLE_MAX_CHARS and title.endswith("…")


def test_a_new_url_judged_soft_404_leaves_a_problem(engine):
    item = PageMissing(
        portal_id="jingan", url="https://x.gov.cn/gone.html", status=200, fetched_at=T0, reason="soft 404: x"
    )
    with session_scope(engine) as s:
        assert record_missing(s, item).outcome == "unknown"
    with Session(engine) as s:
        (problem,) = s.exec(select(Problem)).all()
    assert problem.url == item.url and "soft 404" in problem.message


def test_history_json_lists_problems(archive):
    db, doc = archive
    data = json.loads(run("history", doc, "--db", db, "--json").stdout)
    assert data["problems"] == []
