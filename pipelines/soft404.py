"""Soft 404s: "page not found" notices that a portal serves with status 200.

Judged on the extracted page's structure, never on a phrase found anywhere: a page is a notice when its
title is made of a not-found phrase, or when its main text is short and holds one. A 法治政府建设 report
quoting "对申请公开的信息不存在的，依法告知" has a report's title and a report's length, and is kept. The
extract pipeline decides (it has the title and main text at no extra cost) and turns such a page into a
``PageMissing``; the spider only recognises redirects from an article to the home page.
"""

from __future__ import annotations

from pipelines import govrules as rules
from pipelines.htmltext import squash


def error_title(title: str | None) -> bool:
    """A title that says "not found" and nothing else (filler, punctuation and a status code aside)."""
    if not title or not rules.SOFT_404_PHRASES.search(title):
        return False
    parts = [part for part in rules.TITLE_SEPARATORS.split(title) if part.strip()]
    return any(_only_notice(part) for part in parts[:2])  # the site name may follow


def _only_notice(text: str) -> bool:
    rest = rules.SOFT_404_PHRASES.sub("", text)
    return rest != text and not rules.SOFT_404_TITLE_FILLER.sub("", rest)


def notice_reason(title: str | None, text: str) -> str | None:
    """Why a page with this title and main text is a not-found notice, or None when it is content."""
    if error_title(title):
        return f"soft 404: error page title {title[:60]!r}"
    main = squash(text)
    if len(main) <= rules.SOFT_404_MAX_CHARS:
        phrase = rules.SOFT_404_PHRASES.search(main)
        if phrase:
            return f"soft 404: {len(main)}-character page saying {phrase[0]!r}"
    return None
