"""schemathesis over ``/openapi.json`` of ``fazhi serve``'s app, in process (ASGI): no operation answers 500,
whatever the generated (valid or invalid) input. Budget: tests/conftest.py's Hypothesis profile."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import settings

from archive.db import get_engine
from fazhi.web import create_app
from tests.web.data import populate


@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'fazhi.db'}")
    populate(engine)  # reports with versions, a group, hostile titles, a missing document
    yield create_app(engine=engine)
    engine.dispose()


@pytest.fixture(scope="module")
def api_schema(web_app):
    return schemathesis.openapi.from_dict(web_app.openapi())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=20)
def test_no_operation_answers_500(case, web_app):
    response = case.call(app=web_app, base_url="http://127.0.0.1")
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
    if response.status_code in (404, 422):
        (content_type,) = response.headers["content-type"]  # schemathesis keeps every value of a header
        assert content_type == "application/json"
