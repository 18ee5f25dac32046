"""Per-page cost of our extract → normalize → classify chain against ``trafilatura.extract`` alone.

Run: ``python -m bench.extract [--rounds N] [--no-govsim]``. Pages: the realpages articles (../shared) plus,
when govsim is importable, every non-gated, non-JS article page of its day-1 manifest. Each function runs
once per page as warm-up (not timed); then each page is timed ``rounds`` times and its median kept. Prints
the median over pages for both and the ratio (target ≤ 1.5×).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import trafilatura

from pipelines.classify import classify
from pipelines.extract import extract_page
from pipelines.normalize import normalize_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALPAGES = ("01", "02", "03", "04", "05", "07", "10", "12")

Page = tuple[str, bytes, dict[str, str]]


def realpages() -> list[Page]:
    """The saved real article pages (12's JSP header cut before <head>)."""
    folder = SHARED / "realpages"
    pages = []
    for path in sorted(folder.glob("*.html")) if folder.is_dir() else []:
        if path.name[:2] in REALPAGES:
            body = path.read_bytes()
            if path.name.startswith("12_"):
                body = body[body.find(b"<head") :]
            pages.append((f"http://realpages.test/{path.name}", body, {"content-type": "text/html"}))
    return pages


def govsim_pages() -> list[Page]:
    """Article pages (reports and others) served by govsim on 127.0.0.1, skipping gated and JS portals."""
    try:
        from govsim import GovSim
    except ImportError:
        return []
    pages: list[Page] = []
    with GovSim(day=1) as sim:
        manifest = sim.manifest()
        skip = {p["id"] for p in sim.portals if p.get("gate") or p.get("js")}
        for entry in manifest["pages"]:
            if entry.get("kind") not in ("report", "other") or entry.get("portal") in skip:
                continue
            if entry.get("status", 200) != 200:
                continue
            with urllib.request.urlopen(entry["url"], timeout=10) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                pages.append((entry["url"], response.read(), headers))
    return pages


def ours(url: str, body: bytes, headers: dict[str, str]) -> None:
    result = extract_page(body, url, headers)
    normalized = normalize_text(result.text)
    classify(result.title, normalized.text, published=result.published, source=result.publisher)


def baseline(url: str, body: bytes, headers: dict[str, str]) -> None:
    trafilatura.extract(body, url=url)


def per_page_median(
    func: Callable[[str, bytes, dict[str, str]], None], pages: list[Page], rounds: int
) -> float:
    """Median over pages of each page's median time (seconds); one untimed warm-up call per page."""
    for page in pages:
        func(*page)
    medians = []
    for page in pages:
        times = []
        for _ in range(rounds):
            gc.disable()
            start = time.perf_counter()
            func(*page)
            times.append(time.perf_counter() - start)
            gc.enable()
        medians.append(statistics.median(times))
    return statistics.median(medians)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-govsim", action="store_true", help="realpages only")
    args = parser.parse_args(argv)
    pages = realpages()
    n_real = len(pages)
    if not args.no_govsim:
        pages += govsim_pages()
    if not pages:
        print("no pages: ../shared/realpages is absent and govsim is unavailable", file=sys.stderr)
        return 1
    base = per_page_median(baseline, pages, args.rounds)
    mine = per_page_median(ours, pages, args.rounds)
    print(f"pages: {len(pages)} ({n_real} realpages, {len(pages) - n_real} govsim), rounds: {args.rounds}")
    print(f"trafilatura.extract alone          median {base * 1000:7.2f} ms/page")
    print(f"extract → normalize → classify     median {mine * 1000:7.2f} ms/page")
    print(f"ratio ours / trafilatura: {mine / base:.2f}× (target ≤ 1.5×)")
    summary = {
        "pages": len(pages),
        "realpages": n_real,
        "rounds": args.rounds,
        "trafilatura_ms": round(base * 1000, 3),
        "ours_ms": round(mine * 1000, 3),
        "ratio": round(mine / base, 3),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
