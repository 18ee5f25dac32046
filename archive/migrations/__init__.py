"""Alembic migrations for the archive schema (run by :func:`archive.db.upgrade`)."""
