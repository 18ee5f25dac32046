"""The figure chart and the compliance badge in the real Chromium, checked on screenshots.

The browser asks for Chinese (locale zh-CN, so Accept-Language: zh-CN); the PNGs of the chart and of the badge
are decoded with Pillow and their pixels checked: the chart is drawn (non-white pixels across its box, the
series colour present), the badge shows the red "incomplete" colour.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest

from tests.web.test_browser import CHROMIUM, LAUNCH_ARGS, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def zh_page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        pg.close()
        context.close()


def _pixels(png: bytes):
    image = Image.open(io.BytesIO(png)).convert("RGB")
    raw = image.tobytes()
    return image, [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]


def test_chart_and_badge_render(server, zh_page, tmp_path):  # noqa: F811
    base, ids = server
    page = zh_page
    page.goto(f"{base}/figures?name={quote('行政复议纠错率')}&portal=jingan&portal=putuo")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "历年数据对比"
    chart = page.locator("svg.chart")
    box = chart.bounding_box()
    assert box is not None and abs(box["width"] - 760) <= 2 and abs(box["height"] - 380) <= 2
    assert page.locator("svg.chart circle.point").count() == 2
    assert page.locator("svg.chart text.legend").all_text_contents() == ["上海市静安区人民政府"]
    png = chart.screenshot(path=str(tmp_path / "chart.png"))
    image, pixels = _pixels(png)
    assert abs(image.size[0] - 760) <= 2 and abs(image.size[1] - 380) <= 2
    drawn = sum(1 for p in pixels if p != (255, 255, 255))
    assert drawn > 0.01 * len(pixels), f"only {drawn} non-white pixels: the chart looks blank"
    red = sum(1 for r, g, b in pixels if r > 170 and g < 90 and b < 80)  # the first series is #c0392b
    assert red > 150, f"the series line is not visible ({red} red pixels)"
    # the line rises from 2023 (6.9%) to 2024 (7.5%): its right end is higher on screen
    cy = [float(c.get_attribute("cy")) for c in page.locator("svg.chart circle.point").all()]
    assert cy[1] < cy[0]

    page.goto(f"{base}/documents/{ids['jingan2024']}")
    badge = page.locator("#compliance-badge")
    assert badge.inner_text() == "缺少 第3部分, 第5部分"
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 226, 225)"
    png = badge.screenshot(path=str(tmp_path / "badge.png"))
    image, pixels = _pixels(png)
    assert image.size[0] > 60 and image.size[1] > 12
    pink = sum(1 for p in pixels if p == (253, 226, 225))
    assert pink > 0.3 * len(pixels), "the badge's background colour is not on screen"
    page.screenshot(path=str(tmp_path / "report.png"))
    badge.click()  # the badge links to the parts list
    assert page.url.endswith("#parts")
    assert page.locator("#parts li.absent").count() == 2
