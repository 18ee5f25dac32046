"""Database fixtures (db_url over SQLite and PostgreSQL).

``db_url`` is parametrized over ``sqlite`` (a file in tmp_path, so WAL and a second connection behave as in
production) and ``postgres`` (a throw-away database ``fazhi_t_<random>`` created on the server named by
``$FAZHI_TEST_POSTGRES`` and dropped afterwards; skipped with a reason when the variable is unset).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from archive.db import get_engine, normalize_url

PG_ENV = "FAZHI_TEST_POSTGRES"


def _postgres_url() -> Iterator[str]:
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests skipped")
    server = normalize_url(server)
    name = f"fazhi_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL to an empty database (no schema yet) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fazhi.db'}"
    else:
        yield from _postgres_url()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on ``db_url`` with the schema at Alembic ``head``."""
    eng = get_engine(db_url)
    yield eng
    eng.dispose()
