"""The ``formats`` portal: reports published in every form governments use, for ``GovSim(formats=True)``.

A gov.cn-template static portal (台山市) whose column lists, besides HTML reports, report *files* linked
directly (DOCX, Word 97 DOC, WPS, OFD, text PDF and a stamped scan), HTML reports carrying an attachment
of each format, and an attachment-only report whose page says only 详见附件. The texts are generated
reports of this portal (about two printed pages, so OCR in end-to-end tests stays cheap); ``bench.formats``
measures the readers on the long corpus texts.
"""

from __future__ import annotations

from datetime import date

from .portals import Portal, _Builder, _portal

FILE_FORMATS = ("docx", "doc", "wps", "ofd", "pdf", "scan")


def formats_portal(seed: int = 0) -> Portal:
    p = _portal(
        "formats",
        "static",
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
    b.distractors([2023, 2024], ["要点", "通知", "会议"])
    return p
