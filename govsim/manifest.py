"""Ground truth: what a perfect crawler + extractor would archive on a given day, and the registry file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from .content import corpus_dir
from .portals import Article, Portal, day_date
from .site import ATTACHMENT_ONLY_LINES, article_lines, from_corpus

if TYPE_CHECKING:
    from .sim import GovSim


def portal_entry(sim: GovSim, p: Portal) -> dict:
    view = sim.view(p, 1)
    base = sim.base_urls.get(p.id, "")
    return {
        "id": p.id,
        "family": p.family,
        "name": p.name,
        "region": p.region,
        "adcode": p.adcode,
        "level": p.level,
        "official": p.official,
        "base_url": base,
        "start_urls": [base + view.list_paths[0]],
        "render": "auto",
        "gate": p.gate,
        "js": p.js,
        "encoding": p.encoding,
        "meta_tags": p.meta_style,
        "site_code": p.site_code,
    }


def change_of(a: Article, day: int) -> str | None:
    """What happened to the article on ``day`` compared with ``day - 1`` (None on day 1, the base)."""
    if day == 1:
        return None
    for field, name in (
        ("appear_day", "new"),
        ("edit_day", "edited"),
        ("move_day", "moved"),
        ("remove_day", "removed"),
    ):
        if getattr(a, field) == day:
            return name
    return "unchanged"


def _entry(url: str, p: Portal, a: Article | None, **kw) -> dict:
    e = {
        "url": url,
        "portal": p.id,
        "status": 200,
        "location": None,
        "kind": "list",
        "title": None,
        "year": None,
        "publisher": None,
        "published": None,
        "text": None,
        "report_group": None,
        "change": None,
    }
    if a is not None:
        e.update(
            kind=a.kind,
            title=a.title,
            year=a.year,
            publisher=a.publisher,
            published=a.published.isoformat(),
            report_group=a.group if a.kind == "report" else None,
        )
    e.update(kw)
    return e


def _edit_detail(sim: GovSim, a: Article, day: int) -> str:
    before, after = article_lines(sim.seed, a, day - 1), article_lines(sim.seed, a, day)
    for old, new in zip(before, after, strict=False):
        if old != new:
            return f"{old[:60]} → {new[:80]}"
    return "text edited"


def build(sim: GovSim, day: int) -> dict:
    import unicodedata

    pages: list[dict] = []
    changes: list[dict] = []
    groups: dict[str, list[str]] = {}
    for p in sim.specs:
        view = sim.view(p, day)
        base = sim.base_urls.get(p.id, "")
        fam = view.family
        reordered_list = None
        if view.reordered is not None and p.reorder_day == day:
            reordered_list = min(view.reordered, len(view.list_paths) - 1)
        for i, lp in enumerate(view.list_paths):
            title = p.column_name if i == 0 else f"{p.column_name} 第{i + 1}页"
            change = "edited" if i == reordered_list else (None if day == 1 else "unchanged")
            pages.append(_entry(base + lp, p, None, title=title, change=change))
            if i == reordered_list:
                changes.append(
                    {
                        "url": base + lp,
                        "portal": p.id,
                        "change": "reordered",
                        "detail": f"list page {view.reordered + 1} shows its items in reverse order",
                    }
                )
        for a in p.articles:
            if a.appear_day > day:
                continue
            change = change_of(a, day)
            original = base + (fam.file_path if a.standalone else fam.article_path)(p, a, a.aid)
            source = "corpus" if from_corpus(a) else "generated"
            if not a.visible(day):
                pages.append(_entry(original, p, a, status=404, change=change, source=source))
                if change == "removed":
                    changes.append({"url": original, "portal": p.id, "change": "removed", "detail": a.title})
                continue
            current = base + view.url_of[a.aid]
            text = "\n".join(article_lines(sim.seed, a, day))
            extra = {"moved_from": original} if a.moved(day) else {}
            extra["format"] = a.standalone or "html"
            if a.pages > 1:  # one document over several pages: the first page's URL is its identity
                extra["page_urls"] = [current] + [
                    base + fam.page_path(view.url_of[a.aid], i) for i in range(1, a.pages)
                ]
            page_text = text
            if a.attachment_only:  # the page only points to the file, which carries the report
                page_text, extra["attachment_only"] = "\n".join(ATTACHMENT_ONLY_LINES), True
            pages.append(_entry(current, p, a, text=page_text, change=change, source=source, **extra))
            urls = [current]
            if a.moved(day):
                pages.append(
                    _entry(original, p, a, status=301, location=current, change=change, source=source)
                )
                if change == "moved":
                    changes.append(
                        {
                            "url": original,
                            "portal": p.id,
                            "change": "moved",
                            "location": current,
                            "detail": a.title,
                        }
                    )
            if a.attachment:
                att = base + fam.attachment_path(p, a)
                pages.append(
                    _entry(
                        att,
                        p,
                        a,
                        kind="attachment",
                        text=text,
                        change=change,
                        source=source,
                        report_group=a.group,
                        format=a.attachment_format,
                    )
                )
                urls.append(att)
            if change == "new":
                changes.append({"url": current, "portal": p.id, "change": "new", "detail": a.title})
            elif change == "edited":
                changes.append(
                    {"url": current, "portal": p.id, "change": "edited", "detail": _edit_detail(sim, a, day)}
                )
            if a.kind == "report" and a.group:
                groups.setdefault(a.group, []).extend(urls)
    for e in pages:
        if e["title"]:
            e["title"] = unicodedata.normalize("NFKC", e["title"])
    return {
        "day": day,
        "seed": sim.seed,
        "date": day_date(day).isoformat(),
        "corpus": corpus_dir() is not None,
        "portals": [portal_entry(sim, p) for p in sim.specs],
        "pages": pages,
        "groups": groups,
        "changes": changes,
    }


def registry_yaml(sim: GovSim) -> str:
    """The fazhi registry (shared/ARCHITECTURE.md format) for these portals."""
    rows = []
    for e in sim.portals:
        row = {"id": e["id"], "name": e["name"]}
        for key in ("region", "adcode", "level"):
            if e[key] is not None:
                row[key] = e[key]
        row.update(start_urls=e["start_urls"], render="auto", official=e["official"])
        rows.append(row)
    header = "# generated by govsim (simulated portals on 127.0.0.1; ports change per run)\n"
    return header + yaml.safe_dump({"portals": rows}, allow_unicode=True, sort_keys=False, width=200)
