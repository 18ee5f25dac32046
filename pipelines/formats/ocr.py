"""OCR of scanned pages with RapidOCR (PaddleOCR's PP-OCR models on ONNX Runtime, CPU only).

The ``rapidocr`` wheel ships its detection, direction and recognition models, so nothing is downloaded at run
time. Pages are read from the red channel: black ink stays black while a red official seal (公章) over the
signature fades to near white, so the seal's ring text is not read into the report. Recognised boxes are put
back into printed lines by their vertical centre and into paragraphs by indentation.
"""

from __future__ import annotations

import io
import os
from functools import cache
from typing import TYPE_CHECKING

from pipelines.formats.base import DocText, FormatError, VisualLine, join_visual_lines

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PIL import Image

#: What ``DocText.method`` says for OCR text: the engine and its models.
ENGINE = "rapidocr"
METHOD = f"ocr:{ENGINE}"
_MAX_PIXELS = 40_000_000
#: Pages are scaled to this long side before detection. Measured on stamped 200 dpi A4 scans: 1,400 px gave
#: the same F1 as 2,000 (0.9997 vs 0.9995) in two thirds of the time and 180 MB less peak memory.
MAX_SIDE = 1400
MIN_PAGE_SIDE = 400  # pixels: smaller images are icons, logos and spacers, not pages  # a page scanned at 600 dpi is about 35 Mpx; larger images are refused


@cache
def engine():
    """The OCR engine, built once per process (model load: about a second). Threads: ``FAZHI_OCR_THREADS``
    (default 1: OCR runs beside the crawl on a shared machine)."""
    from rapidocr import RapidOCR

    threads = int(os.environ.get("FAZHI_OCR_THREADS", "1"))
    return RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.use_cls": False,  # scans are upright; the direction model only costs time
            "Global.max_side_len": MAX_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def _ink(image: Image.Image) -> Image.Image:
    """Grey page with red seals faded out: the red channel of an RGB scan."""
    if image.mode in ("RGB", "RGBA", "P", "CMYK"):
        return image.convert("RGB").split()[0]
    return image.convert("L")


def ocr_page(image: Image.Image) -> tuple[list[VisualLine], list[tuple[str, float]]]:
    """Printed lines of one page image, and each recognised box's text with its score."""
    import numpy as np

    if image.width * image.height > _MAX_PIXELS:
        raise FormatError(f"page image of {image.width}×{image.height} pixels is too large to OCR")
    gray = np.asarray(_ink(image))
    result = engine()(np.stack([gray] * 3, axis=-1))
    if result.boxes is None or not result.txts:
        return [], []
    boxes = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        boxes.append((min(xs), max(xs), min(ys), max(ys), text, float(score)))
    boxes.sort(key=lambda b: (b[2] + b[3]) / 2)
    rows: list[list[tuple]] = []
    for box in boxes:
        centre, height = (box[2] + box[3]) / 2, box[3] - box[2]
        if rows:
            last = rows[-1][-1]
            if abs(centre - (last[2] + last[3]) / 2) < 0.5 * min(height, last[3] - last[2]):
                rows[-1].append(box)
                continue
        rows.append([box])
    lines = []
    for row in rows:
        row.sort()
        height = sorted(b[3] - b[2] for b in row)[len(row) // 2]
        lines.append(VisualLine(row[0][0], max(b[1] for b in row), height, "".join(b[4] for b in row)))
    return lines, [(b[4], b[5]) for b in boxes]


def ocr_images(images: Iterable[Image.Image]) -> DocText:
    """Paragraphs of a sequence of page images (read one at a time), with the mean confidence weighted by
    characters."""
    visual: list[VisualLine] = []
    scored: list[tuple[str, float]] = []
    count = 0
    for image in images:
        lines, boxes = ocr_page(image)
        visual.extend(lines)
        scored.extend(boxes)
        count += 1
    chars = sum(len(t) for t, _ in scored)
    confidence = sum(len(t) * s for t, s in scored) / chars if chars else None
    doc = DocText(lines=join_visual_lines(visual), method=METHOD, confidence=confidence, pages=count)
    if count and not doc.lines:
        doc.problems.append("OCR found no text")
    return doc


def read_image(body: bytes, *, ocr: bool = True) -> DocText:
    """A scanned page served as an image file (JPEG, PNG, multi-page TIFF …)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(body))
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise FormatError(f"image could not be read: {exc}") from exc
    if max(image.width, image.height) < MIN_PAGE_SIDE:
        raise FormatError(f"image of {image.width}×{image.height} pixels is not a scanned page")
    if not ocr:
        return DocText(method=METHOD, pages=len(frames), needs_ocr=True)
    return ocr_images(frames)
