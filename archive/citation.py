"""Citation ids: a short, stable name for one version of one document, derived from what it says.

``citation_id(url, text)`` is the first 16 hex digits of SHA-256 over the document's URL and its normalized
text: the same words at the same address always get the same id, on any machine and in any copy of the
archive, so a footnote can name the exact text it quotes. ``/v/{id}`` in the web UI resolves it (a text that
returned after an edit resolves to its first version).
"""

from __future__ import annotations

import hashlib

CITATION_CHARS = 16


def citation_id(url: str, text: str) -> str:
    """The citation id of ``text`` (normalized) published at ``url``."""
    digest = hashlib.sha256(f"{url}\n{text}".encode()).hexdigest()
    return digest[:CITATION_CHARS]
