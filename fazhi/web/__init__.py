"""The web UI and JSON API over the archive (``fazhi serve``)."""

from __future__ import annotations

from fazhi.web.app import create_app

__all__ = ["create_app"]
