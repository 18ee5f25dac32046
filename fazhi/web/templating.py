"""The Jinja2 environment: autoescape on for every template, plus the few filters the pages need.

Everything the archive stores came from the internet, so escaping is not opt-in per file extension: the
environment escapes all output, and the filters that emit markup build it from escaped pieces only.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from archive.coverage import deadline
from fazhi.web.i18n import STATE_LABELS, template_context

TEMPLATES_DIR = Path(__file__).parent / "templates"


def highlight(snippet: str, spans: list[tuple[int, int]] | list[list[int]]) -> Markup:
    """``snippet`` with each [start, end) span wrapped in ``<mark>``; every piece of text is escaped."""
    out: list[Markup] = []
    pos = 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        start, end = max(start, pos), min(end, len(snippet))
        if start >= end:
            continue
        out.append(escape(snippet[pos:start]))
        out.append(Markup("<mark>") + escape(snippet[start:end]) + Markup("</mark>"))
        pos = end
    out.append(escape(snippet[pos:]))
    return Markup("").join(out)


def short_time(value: str | None) -> str:
    """``2025-03-01T08:00:00+00:00`` → ``2025-03-01 08:00`` (UTC) for tables."""
    if not value:
        return ""
    return value[:16].replace("T", " ")


@jinja2.pass_context
def url_for(context: dict, name: str, /, **params: object) -> str:
    """The path of a named route (relative to the host, so the UI works behind any proxy or host name)."""
    return str(context["request"].app.url_path_for(name, **params))


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["url_for"] = url_for  # before Jinja2Templates adds its absolute-URL default
    env.filters["highlight"] = highlight
    env.filters["short_time"] = short_time
    env.globals["state_labels"] = STATE_LABELS
    env.globals["deadline"] = deadline
    env.globals["q"] = ""  # the header's search box; the search page passes the current query
    return Jinja2Templates(env=env, context_processors=[template_context])
