"""Plain paginated lists: the next page is the target of a 下一页-style anchor."""

from __future__ import annotations

from crawler.walkers.links import Link

NEXT_TITLES = frozenset(("下一页", "下页", "后一页", ">", "›", "next", "Next"))


def next_page_links(links: list[Link]) -> list[str]:
    """Targets of 下一页-style anchors."""
    return [link.url for link in links if link.title.replace(" ", "") in NEXT_TITLES]


def next_page(links: list[Link]) -> str | None:
    """The page after this one, if an anchor says so."""
    targets = next_page_links(links)
    return targets[0] if targets else None
