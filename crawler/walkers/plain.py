"""Plain paginated lists: the next page is the target of a 下一页-style anchor."""

from __future__ import annotations

from crawler.walkers.links import Link

NEXT_TITLES = frozenset(("下一页", "下页", "后一页", ">", "›", "next", "Next"))


def next_page(links: list[Link]) -> str | None:
    """The target of the first 下一页-style anchor among ``links``, if any."""
    return next((link.url for link in links if link.title.replace(" ", "") in NEXT_TITLES), None)
