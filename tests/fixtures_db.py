"""Database fixtures (db_url over SQLite and PostgreSQL)."""
