"""Per-portal stats keys: one spelling, written by every stage and read back by the crawl summary."""

from __future__ import annotations

PREFIX = "portal/"


def portal_stat(portal_id: str, name: str) -> str:
    """The namespaced per-portal stats key (``portal/<id>/<name>``)."""
    return f"{PREFIX}{portal_id}/{name}"


def split_portal_stat(key: str) -> tuple[str, str] | None:
    """``(portal_id, name)`` of a per-portal stats key, or None for any other key."""
    if not key.startswith(PREFIX):
        return None
    portal_id, _, name = key[len(PREFIX) :].partition("/")
    return (portal_id, name) if name else None
