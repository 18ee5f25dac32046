"""The ``formats`` portal: reports published in every form governments use, for ``GovSim(formats=True)``.

A TRS portal (台山市) whose column lists, besides HTML reports, report *files* linked
directly (DOCX, Word 97 DOC, WPS, OFD, text PDF and a stamped scan), HTML reports carrying an attachment
of each format, and an attachment-only report whose page says only 详见附件, and a long corpus report split over three
pages by TRS's article pager. The texts are generated
reports of this portal, of realistic length since issue 15 (the scan is 22 printed pages: OCR is most of
tests/e2e/test_formats_crawl.py's two minutes); ``bench.formats`` measures the readers on the corpus texts.
"""

from __future__ import annotations

from datetime import date

from .portals import Portal, _Builder, _portal

FILE_FORMATS = ("docx", "doc", "wps", "ofd", "pdf", "scan")


def formats_portal(seed: int = 0) -> Portal:
    p = _portal(
        "formats",
        "trs",
        "台山市人民政府",
        "台山市",
        "广东省台山市",
        "440781",
        "county",
        meta_style="std",
        page_size=8,
    )
    b = _Builder(seed, p, 7340000)
    # stand-alone files: the list links straight to the file
    for i, fmt in enumerate(FILE_FORMATS):
        year = 2016 + i
        b.report(year, style=i, published=date(year + 1, 3, 20), standalone=fmt)
    # HTML reports with an attachment in another format (the attachment joins the page's group)
    b.report(2022, style=1, published=date(2023, 3, 28), attachment="ofd")
    b.report(2023, style=2, published=date(2024, 3, 27), attachment="wps")
    # the page says 详见附件: the DOCX attachment is the report
    b.report(2024, style=3, published=date(2025, 3, 26), attachment="docx", attachment_only=True)
    # a long report split over three pages (createPageHTML(3, i, "t…", "html"))
    b.report(
        2019,
        title="江门市2019年法治政府建设年度报告",
        org="江门市人民政府",
        published=date(2020, 3, 26),
        group="jiangmen-2019",
        corpus="jiangmen-2019",
        pages=3,
    )
    b.distractors([2023, 2024], ["要点", "通知", "会议"])
    return p
