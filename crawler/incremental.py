"""What a crawl remembers from earlier crawls, so that re-crawls cost little.

Known documents are revalidated with conditional GETs (If-None-Match / If-Modified-Since) once they are due
(``FAZHI_REVALIDATE_AFTER`` hours since we last saw them), never re-extracted when the server answers 304, and
list paging stops at the first page that holds only known items, except in a full sweep (``--full``, or every
``FAZHI_FULL_SWEEP_DAYS`` days per portal) which walks every list page again. A recheck (``--recheck``)
revalidates every known document now, due or not: for an edit someone has just heard of. A portal whose
last crawls may have fetched pages without storing them (store errors such as a full disk, a failed or
interrupted run) gets a full sweep at its next crawl, so every page that was lost is fetched and stored again;
pages such a run stored are fetched again in full then, so a file they link that the run lost is fetched too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from archive.models import CrawlRun, Document, RenderedList, Version
from archive.runs import abandoned
from crawler.walkers.links import is_attachment_url

OTHER_SLOWDOWN = 7
#: A page stored this long before a lost run began is read again too: the run's start and the page's fetch
#: time may come from the clocks of two machines (a scheduler and a worker).
CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class KnownDocument:
    url: str
    etag: str | None
    last_modified: str | None
    last_seen: datetime
    status: str
    kind: str = "report"
    versions: int = 1  # 0: no text stored yet (a scan left for OCR): due at every crawl
    # a rendered page's data requests: (url, etag, last-modified[, digest]) each (crawler/spiders/datachecks.py)
    render_data: tuple[tuple[str | None, ...], ...] | None = None


@dataclass(frozen=True)
class RenderedListCheck:
    """What a script-built list's last rendering showed: its shell's validators and its data requests."""

    etag: str | None
    last_modified: str | None
    render_data: tuple[tuple[str | None, ...], ...]


@dataclass
class CrawlMemory:
    """Known documents per portal and when each portal last had a full sweep."""

    documents: dict[str, dict[str, KnownDocument]] = field(default_factory=dict)
    last_full_sweep: dict[str, datetime] = field(default_factory=dict)
    # portals with a run since their last full sweep that may have fetched pages it did not store (store
    # errors, a failed or interrupted run): their lists are walked in full again, so nothing stays lost
    retry: set[str] = field(default_factory=set)
    # per retry portal: pages whose text was stored since its first run that may have lost pages. The files
    # such a page links may have been lost after the page was stored; the page is known and a revalidation
    # (a 304) follows no link, so it is fetched again in full (:meth:`lost_links`)
    relink: dict[str, set[str]] = field(default_factory=dict)
    # script-built lists as last rendered, per portal and list URL (crawler/spiders/datachecks.py)
    lists: dict[str, dict[str, RenderedListCheck]] = field(default_factory=dict)

    def knows(self, portal_id: str, url: str) -> bool:
        return url in self.documents.get(portal_id, {})

    def remember_move(self, portal_id: str, old_url: str, new_url: str) -> None:
        """A known document answered from a new URL: the list should treat that URL as known."""
        docs = self.documents.setdefault(portal_id, {})
        if old_url in docs:
            docs[new_url] = docs[old_url]

    def due(self, portal_id: str, now: datetime, revalidate_after: timedelta) -> list[KnownDocument]:
        """Known documents of the portal not seen within ``revalidate_after``, oldest first.

        Pages that are not reports (notices, news) are checked :data:`OTHER_SLOWDOWN` times less often: an
        edit there matters less, and they outnumber the reports.
        """
        docs = {id(d): d for d in self.documents.get(portal_id, {}).values()}.values()  # moved: one entry
        due = [
            d
            for d in docs
            if not d.versions
            or now - d.last_seen >= revalidate_after * (1 if d.kind == "report" else OTHER_SLOWDOWN)
        ]
        return sorted(due, key=lambda d: d.last_seen)

    def lost_links(self, portal_id: str) -> list[KnownDocument]:
        """Known pages (not files: they link nothing) whose links a lost run may not have followed."""
        urls = self.relink.get(portal_id, set())
        docs = self.documents.get(portal_id, {})
        found = (docs[url] for url in urls if url in docs and not is_attachment_url(url))
        return sorted(found, key=lambda d: d.last_seen)

    def every(self, portal_id: str) -> list[KnownDocument]:
        """Every known document of the portal, oldest first (a recheck: all of them are due now)."""
        docs = {id(d): d for d in self.documents.get(portal_id, {}).values()}.values()  # moved: one entry
        return sorted(docs, key=lambda d: d.last_seen)

    def needs_full_sweep(self, portal_id: str, now: datetime, every: timedelta) -> bool:
        if portal_id in self.retry:
            return True
        last = self.last_full_sweep.get(portal_id)
        return last is None or now - last >= every


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Validators from the last fetch, for a conditional GET."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def load_memory(engine: Engine, portal_ids: Iterable[str], *, recent_runs: int = 200) -> CrawlMemory:
    """Read known documents and full-sweep times for ``portal_ids`` from the archive."""
    portal_ids = list(portal_ids)
    memory = CrawlMemory(documents={pid: {} for pid in portal_ids})
    with Session(engine) as session:
        rows = session.exec(
            select(
                Document.portal_id,
                Document.url,
                Document.etag,
                Document.last_modified,
                Document.last_seen,
                Document.status,
                Document.kind,
                Document.versions,
                Document.render_data,
            ).where(Document.portal_id.in_(portal_ids))
        )
        for portal_id, url, etag, last_modified, last_seen, status, kind, versions, render_data in rows:
            data = tuple(tuple(entry) for entry in render_data) if render_data is not None else None
            memory.documents[portal_id][url] = KnownDocument(
                url, etag, last_modified, last_seen, status, kind, versions, data
            )
        lists = session.exec(select(RenderedList).where(RenderedList.portal_id.in_(portal_ids)))
        for rendered in lists:
            if rendered.render_data is None:  # a rendering that did not vouch for its data: render it again
                continue
            memory.lists.setdefault(rendered.portal_id, {})[rendered.url] = RenderedListCheck(
                rendered.etag, rendered.last_modified, tuple(tuple(e) for e in rendered.render_data)
            )
        recent = session.exec(select(CrawlRun).order_by(CrawlRun.started_at.desc()).limit(recent_runs))
        wanted, decided = set(portal_ids), set()
        lost_since: dict[str, datetime] = {}
        for run in recent:  # newest first, back to each portal's last clean full sweep
            if run.outcome == "running" and not abandoned(run):
                continue  # this crawl, or one still under way
            for portal_id in run.portals or []:
                if portal_id not in wanted or portal_id in decided:
                    continue
                counters = (run.counters or {}).get(portal_id, {})
                # pages may have been lost: a failed run, or this portal's own errors (fetch, stage, store)
                lost = counters.get("outcome") in ("partial", "failed") or counters.get("store_errors")
                if run.outcome not in ("ok", "partial") or lost:
                    memory.retry.add(portal_id)
                    lost_since[portal_id] = run.started_at  # read on: the earliest loss counts
                elif counters.get("full_sweep"):
                    memory.last_full_sweep[portal_id] = run.started_at
                    decided.add(portal_id)
        if lost_since:  # one query for every portal that lost pages, each filtered by its own loss
            stored = (
                select(Document.portal_id, Document.url, Version.fetched_at)
                .join(Version, Version.document_id == Document.id)
                .where(
                    Document.portal_id.in_(lost_since),
                    Version.fetched_at >= min(lost_since.values()) - CLOCK_SKEW,
                )
            )
            for portal_id, url, fetched_at in session.exec(stored):
                if fetched_at >= lost_since[portal_id] - CLOCK_SKEW:
                    memory.relink.setdefault(portal_id, set()).add(url)
    return memory
