"""``fazhi reextract`` after a rule change: re-extracted texts, no change events, no alerts."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from archive import alerts
from archive.db import get_engine, session_scope
from archive.models import Change, Document, Version
from fazhi.cli import app
from pipelines import chrome
from tests.e2e.helpers import crawl, write_registry
from tests.receivers import WebhookReceiver

pytestmark = pytest.mark.slow
runner = CliRunner()
_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def _reextract(db_url: str, *args: str) -> dict:
    result = runner.invoke(app, ["reextract", "--db", db_url, "--json", "--portal", "huadu", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_reextract_after_a_rule_change_records_reextractions_not_edits(govsim, tmp_path, monkeypatch):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    crawl(write_registry(govsim, tmp_path), db_url, portals=["huadu"])
    engine = get_engine(db_url)
    with Session(engine) as s:
        changes_before = s.scalar(select(func.count()).select_from(Change))
        versions_before = s.scalar(select(func.count()).select_from(Version))
    with WebhookReceiver() as web:
        with session_scope(engine) as s:
            alerts.subscribe(s, web.url("/all"))  # every event kind

        same = _reextract(db_url)
        assert same["checked"] >= 5 and same["changed"] == []  # the same extractor finds the same texts

        # a rule-pack change: a bare closing date line is now treated as chrome
        original = chrome.is_chrome_line
        monkeypatch.setattr(
            chrome, "is_chrome_line", lambda line: original(line) or bool(_DATE_LINE.fullmatch(line.strip()))
        )
        dry = _reextract(db_url, "--dry-run")
        assert len(dry["changed"]) >= 3, dry
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(Version)) == versions_before

        done = _reextract(db_url)
        assert [r["document"] for r in done["changed"]] == [r["document"] for r in dry["changed"]]
        with Session(engine) as s:
            for row in done["changed"]:
                document = s.get(Document, row["document"])
                version = s.scalars(
                    select(Version).where(Version.document_id == document.id, Version.seq == row["version"])
                ).one()
                assert version.origin == "reextract" and document.versions == version.seq
                assert not _DATE_LINE.search(version.text.splitlines()[-1])
                assert version.raw is None and version.citation
            assert s.scalar(select(func.count()).select_from(Change)) == changes_before
        assert alerts.send_digests(engine).sent == {} and web.attempts == {}

        assert _reextract(db_url)["changed"] == []  # the current text is the re-extracted one now
    engine.dispose()
