"""Alembic environment: migrates the connection handed over by :func:`archive.db.upgrade`.

Run from the command line too: ``alembic -c archive/migrations/alembic.ini -x db=URL upgrade head``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import archive.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import archive.scheduling  # noqa: F401  (the scheduler's tables share this database: migration 0002)
from archive.migrations.objects import include_object

config = context.config
target_metadata = SQLModel.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; pass -x db=URL")
run_migrations_online()
