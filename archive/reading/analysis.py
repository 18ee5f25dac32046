"""One call that reads a version: structure, required parts with evidence, key figures (pure, no database)."""

from __future__ import annotations

from dataclasses import asdict

from archive.reading.figures import key_figures
from archive.reading.parts import required_parts
from archive.reading.sections import structure

#: Bump when an analyzer changes what it finds: cached readings with a lower number are recomputed.
ANALYZER = 2


def analyze(text: str, year: int | None = None, html: str | None = None) -> dict:
    """The ``reading`` row's content for one version's text (and HTML, for bold runs)."""
    parts = required_parts(text, year)
    return {
        "analyzer": ANALYZER,
        "parts": sorted(parts),
        "evidence": {str(p): asdict(e) for p, e in parts.items()},
        "sections": structure(text, html),
        "figures": [asdict(f) for f in key_figures(text)],
    }
