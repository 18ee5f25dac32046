"""Text fidelity and cost of each report-file reader: character F1 against ground truth, seconds per page,
peak memory.

Run: ``python -m bench.formats [--rounds N] [--ocr-texts N] [--dpi D]``. Inputs: the real report texts of
../shared/corpus (7,000–15,000 characters; generated reports when the corpus is absent), written by govsim's
own writers (``govsim/files``) as DOCX, Word 97 DOC, WPS, OFD, text PDF and a stamped scan. Each format is
read in its own child process (so its peak RSS is its own): once untimed (warm-up, which for OCR loads the
models), then each file ``rounds`` times (OCR: once) and the median kept. F1 is
``govsim.quality.char_f1`` of the normalized text against the manifest-style body text. Seconds per page
divide by the printed pages of the 公文 layout (A4, 22 lines of 28 characters), the same for every format.
The baseline is pypdf, the text-PDF reader before PDFium (a dev dependency kept for this), reading the same PDF
files (format ``pypdf``): each format's time is also printed as a ratio to it. Floors: F1 ≥ 0.99 for text formats, ≥ 0.95 for OCR of scans.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import time

FORMATS = ("pypdf", "pdf", "docx", "doc", "wps", "ofd", "scan")
BASELINE = "pypdf"  # the same PDF files, read by pypdf's extract_text
FLOORS = {"scan": 0.95}
DEFAULT_FLOOR = 0.99


def report_texts() -> list[tuple[str, tuple[str, ...]]]:
    """(title, body lines) of the corpus reports, or of three generated reports without the corpus."""
    from govsim.content import corpus_text, report_lines

    titles = {
        "jiangmen-2019": "江门市2019年法治政府建设年度报告",
        "zhongshan-xiqu-2019": "西区办事处2019年法治政府建设工作情况报告",
        "conghua-2016": "从化区2016年依法行政工作情况报告",
    }
    out = []
    for name, title in titles.items():
        lines = corpus_text(name)
        if lines:
            out.append((title, tuple(lines)))
    if not out:
        for year in (2021, 2022, 2023):
            lines = report_lines(0, f"bench:{year}", "某市人民政府", year, f"{year + 1}年3月1日", False)
            out.append((f"某市{year}年法治政府建设年度报告", tuple(lines)))
    return sorted(out, key=lambda t: sum(len(x) for x in t[1]))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(fmt: str, body: bytes, kind: str) -> tuple[str, str, float | None]:
    """(text, method, OCR confidence) of one file, by fazhi's reader or by the baseline."""
    if fmt == BASELINE:
        import io

        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages), fmt, None
    from pipelines.extract import extract_document

    result = extract_document(body, kind)
    return result.text, result.method, result.confidence


def _measure(fmt: str, texts: list[tuple[str, tuple[str, ...]]], rounds: int, dpi: int, queue) -> None:
    """In a child process: read every file of one format; put the figures on ``queue``."""
    from govsim.content import to_page
    from govsim.files import make_file
    from govsim.files import scan as scan_module
    from govsim.files.layout import layout
    from govsim.quality import char_f1
    from pipelines.formats import sniff
    from pipelines.normalize import normalize_text

    scan_module.DPI = dpi
    writer = "pdf" if fmt == BASELINE else fmt
    files = []
    for title, lines in texts:
        body, ctype = make_file(writer, title, tuple(to_page(line) for line in lines))
        pages = layout(title, lines)[1]
        files.append((title, lines, body, sniff(body, ctype, f"x.{writer}"), pages))
    title, lines = texts[0]
    warm, _ = make_file(writer, title, tuple(to_page(line) for line in lines[:3]))  # one page
    base_rss = _rss_mb()
    started = time.perf_counter()
    _read(fmt, warm, sniff(warm, None, f"x.{writer}"))  # warm-up: imports, and the OCR models
    warmup = time.perf_counter() - started
    f1s, per_page, methods, confidences = [], [], set(), []
    for _, lines, body, kind, pages in files:
        times = []
        for _ in range(1 if fmt == "scan" else rounds):
            t0 = time.perf_counter()
            text, method, confidence = _read(fmt, body, kind)
            times.append(time.perf_counter() - t0)
        f1s.append(char_f1(normalize_text(text).text, "\n".join(lines)))
        per_page.append(statistics.median(times) / pages)
        methods.add(method)
        if confidence is not None:
            confidences.append(confidence)
    engine = None
    if fmt == "scan":
        from importlib.metadata import version

        from pipelines.formats.ocr import ENGINE

        engine = f"{ENGINE} {version('rapidocr')} (onnxruntime {version('onnxruntime')})"
    queue.put(
        {
            "format": fmt,
            "files": len(files),
            "pages": sum(f[4] for f in files),
            "bytes": sum(len(f[2]) for f in files),
            "f1_min": round(min(f1s), 4),
            "f1_mean": round(statistics.mean(f1s), 4),
            "s_per_page": round(statistics.median(per_page), 5),
            "warmup_s": round(warmup, 3),
            "peak_rss_mb": round(_rss_mb(), 1),
            "rss_added_mb": round(_rss_mb() - base_rss, 1),
            "method": ",".join(sorted(methods)),
            "ocr_confidence": round(statistics.mean(confidences), 4) if confidences else None,
            "engine": engine,
        }
    )


def run_format(fmt: str, texts, rounds: int, dpi: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(fmt, texts, rounds, dpi, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed reads per file (OCR: 1)")
    parser.add_argument(
        "--ocr-texts", type=int, default=1, help="corpus texts scanned and OCR'd (shortest first)"
    )
    parser.add_argument("--dpi", type=int, default=200, help="resolution of the scans")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args(argv)
    texts = report_texts()
    chars = [sum(len(x) for x in lines) for _, lines in texts]
    print(f"texts: {len(texts)} reports of {min(chars)}–{max(chars)} characters; scans at {args.dpi} dpi")
    rows = []
    for fmt in args.formats.split(","):
        chosen = texts[: args.ocr_texts] if fmt == "scan" else texts
        rows.append(run_format(fmt, chosen, args.rounds, args.dpi))
        r = rows[-1]
        print(
            f"{fmt:5} {r['method']:13} files {r['files']} pages {r['pages']:3}  F1 min {r['f1_min']:.4f} "
            f"mean {r['f1_mean']:.4f}  {r['s_per_page'] * 1000:9.2f} ms/page  peak RSS {r['peak_rss_mb']:6.1f} MB "
            f"(+{r['rss_added_mb']:.1f} reading)  warm-up {r['warmup_s']:.2f} s",
            flush=True,
        )
    base = next((r["s_per_page"] for r in rows if r["format"] == BASELINE), None)
    ok = True
    for r in rows:
        floor = FLOORS.get(r["format"], DEFAULT_FLOOR)
        r["floor"], r["floor_met"] = floor, r["f1_min"] >= floor
        ok &= r["floor_met"]
        r["time_vs_pypdf"] = round(r["s_per_page"] / base, 4) if base else None
    scan = next((r for r in rows if r["format"] == "scan"), None)
    if scan:
        print(
            f"OCR engine: {scan['engine']}; mean confidence {scan['ocr_confidence']}; F1 {scan['f1_min']:.4f}"
        )
    if base:
        print(
            "time per page vs pypdf (the PDF reader before PDFium): "
            + ", ".join(f"{r['format']} {r['time_vs_pypdf']}×" for r in rows if r["format"] != BASELINE)
        )
    print(
        "floors "
        + ("met" if ok else "NOT met")
        + ": "
        + ", ".join(f"{r['format']} ≥ {r['floor']}" for r in rows)
    )
    print(
        json.dumps(
            {"benchmark": "formats", "dpi": args.dpi, "floors_met": ok, "formats": rows}, ensure_ascii=False
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
