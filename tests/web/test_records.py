"""The CLI's ``--json`` and the JSON API read the archive through the same record builders
(archive/records.py): for the same object they must print the same record."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fazhi.cli import app


@pytest.fixture
def cli_json(db_url, archive_ids):
    def run(*args: str):
        result = CliRunner().invoke(app, [*args, "--db", db_url, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run


def test_history_json_equals_the_api_history(cli_json, client, archive_ids) -> None:
    document_id = archive_ids["jingan2024"]
    from_cli = cli_json("history", str(document_id))
    from_api = client.get(f"/api/documents/{document_id}/history").json()
    assert from_cli == from_api
    assert [v["seq"] for v in from_cli["versions"]] == [1, 2]  # the edited report: two versions
    assert [c["kind"] for c in from_cli["changes"]] == ["new", "changed"]


def test_show_json_equals_the_api_document(cli_json, client, archive_ids) -> None:
    document_id = archive_ids["jingan2024"]
    from_cli = cli_json("show", str(document_id))
    detail = client.get(f"/api/documents/{document_id}").json()
    assert from_cli == {**detail["document"], "text": detail["version"]["text"]}
    assert from_cli["versions"] == 2 and from_cli["text"]


def test_changes_json_equals_the_api_feed(cli_json, client) -> None:
    from_cli = cli_json("changes")
    from_api = client.get("/api/changes", params={"limit": 200}).json()
    assert from_cli == from_api
    assert {c["kind"] for c in from_cli} >= {"new", "changed", "missing"}
