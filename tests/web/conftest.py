"""Fixtures for the web tests: a populated archive on each backend and a TestClient over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fazhi.web import create_app
from tests.web.data import populate


@pytest.fixture
def archive_ids(engine) -> dict[str, int]:
    return populate(engine)


@pytest.fixture
def client(engine, archive_ids) -> Iterator[TestClient]:
    with TestClient(
        create_app(engine=engine), base_url="http://127.0.0.1", headers={"Accept-Language": "en"}
    ) as c:
        yield c


@pytest.fixture
def zh_client(engine, archive_ids) -> Iterator[TestClient]:
    """A client without Accept-Language: the UI's default language, Chinese."""
    with TestClient(create_app(engine=engine), base_url="http://127.0.0.1") as c:
        yield c
