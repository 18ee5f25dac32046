"""Scanned reports: the printed pages rendered with Pillow in a CJK font (Debian ``fonts-wqy-zenhei``) at
200 dpi, a red official seal over the signature, a slight skew, speckle noise and JPEG softening, saved
as JPEG pages inside a PDF — what a 盖章 copy scanned on an office copier looks like."""

from __future__ import annotations

import io
import math
import random
from functools import lru_cache
from pathlib import Path

from .layout import PAGE_H, PAGE_W, advance, layout

DPI = 200
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def font_path() -> str:
    for path in FONT_PATHS:
        if Path(path).exists():
            return path
    raise RuntimeError("no CJK font: install Debian's fonts-wqy-zenhei (make setup does)")


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


@lru_cache(maxsize=8)
def _font(size_px: int):
    from PIL import ImageFont

    return ImageFont.truetype(font_path(), size_px)


def _seal(draw, cx: int, cy: int, r: int, issuer: str) -> None:
    """A red round seal: ring, star and the issuer's name around the top."""
    red = (218, 37, 29)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(4, r // 22))
    star = [
        (
            cx + 0.28 * r * math.cos(math.radians(-90 + 72 * k)),
            cy + 0.28 * r * math.sin(math.radians(-90 + 72 * k)),
        )
        for k in (0, 2, 4, 1, 3)
    ]
    draw.polygon(star, fill=red)
    font = _font(max(12, r // 4))
    chars = list(issuer[:14])
    span = 220.0
    for k, ch in enumerate(chars):
        angle = math.radians(-90 - span / 2 + span * (k + 0.5) / len(chars))
        x, y = cx + 0.72 * r * math.cos(angle), cy + 0.72 * r * math.sin(angle)
        draw.text((x, y), ch, font=font, fill=red, anchor="mm")


def _page_image(items, seed: str, issuer: str | None):
    """One page: ink on paper in greyscale (skewed, speckled, softened by the JPEG), then the seal in red
    at its own angle, as a seal is stamped by hand on the printed page."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    size = (_px(PAGE_W), _px(PAGE_H))
    page = Image.new("L", size, 246)
    draw = ImageDraw.Draw(page)
    for item in items:  # character by character on the layout's grid, as the word processor placed them
        x, font = item.x, _font(_px(item.size))
        for ch in item.text:
            draw.text((_px(x), _px(item.y)), ch, font=font, fill=28)
            x += advance(ch) * item.size
    page = page.rotate(rng.uniform(-0.8, 0.8), resample=Image.BILINEAR, fillcolor=246)
    noise = Image.effect_noise((size[0] // 2, size[1] // 2), 24).resize(size)
    page = Image.blend(page, noise, 0.07)
    draw = ImageDraw.Draw(page)
    for _ in range(400):  # dust specks
        draw.point((rng.randrange(size[0]), rng.randrange(size[1])), fill=70)
    image = page.convert("RGB")
    if issuer is not None:
        sig = items[-2] if len(items) >= 2 else items[-1]
        r = _px(21)
        seal = Image.new("RGBA", (2 * r + 8, 2 * r + 8), (0, 0, 0, 0))
        _seal(ImageDraw.Draw(seal), r + 4, r + 4, r, issuer)
        seal = seal.rotate(rng.uniform(-12, 12), resample=Image.BILINEAR)
        seal.putalpha(seal.getchannel("A").point(lambda a: int(a * 0.8)))
        cx = _px(sig.x + sig.size * sum(advance(ch) for ch in sig.text) / 2)
        cy = _px(sig.y + sig.size)
        image.paste(seal, (cx - r - 4, cy - r - 4), seal)
    return image


def scan_pages(title: str, lines: tuple[str, ...]):
    """The page images of a stamped, scanned copy of the report."""
    placed, pages = layout(title, lines)
    issuer = lines[-2] if len(lines) >= 2 else None
    images = []
    for n in range(pages):
        items = [p for p in placed if p.page == n]
        images.append(_page_image(items, f"{title}:{n}", issuer if n == pages - 1 else None))
    return images


@lru_cache(maxsize=8)
def make_scan_pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """A scanned PDF: one JPEG page image per page at 200 dpi, no text layer."""
    images = scan_pages(title, lines)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=DPI, quality=70)
    return buf.getvalue()
