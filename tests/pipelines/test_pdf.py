"""PDF attachments: text via PDFium, visual lines re-joined into paragraphs, broken files noted."""

from __future__ import annotations

from pipelines.extract import extract_document
from pipelines.formats.base import join_plain_lines


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF (Helvetica, ASCII) with one text line per entry."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops.append(f"({line}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_join_pdf_lines_into_paragraphs() -> None:
    lines = [
        "2019年，我区坚持以习近平新时代中国特色社会主义思想为指导，深入推",
        "进依法行政，加快建设法治政府，各项工作取得明显成效。现报告如下：",
        "一、主要工作",
        "（一）加强党对法治政府建设的领导。区委常委会、区政府常务会议专题",
        "研究法治政府建设工作。",
        "XX区人民政府",
        "2020年3月20日",
    ]
    assert join_plain_lines(lines) == [
        lines[0] + lines[1],
        "一、主要工作",
        lines[3] + lines[4],
        "XX区人民政府",
        "2020年3月20日",
    ]


def test_extract_pdf_text() -> None:
    body = make_pdf(["Annual report on law-based government", "Section one.", "The end."])
    result = extract_document(body, "pdf")
    assert result.method == "pdf" and not result.problems
    assert "Section one." in result.text and "The end." in result.text
    assert result.title == "Annual report on law-based government"
    assert "Annual report" not in result.text  # the title line is not repeated as body


def test_broken_pdf_is_a_problem_note() -> None:
    result = extract_document(b"%PDF-1.4\nthis is not really a pdf", "pdf")
    assert result.text == "" and result.problems and result.problems[0].startswith("PDF")


def test_a_pdf_read_in_the_extraction_worker_leaves_no_garbage_for_later() -> None:
    """A reader's garbage may be cyclic: left to the collector's oldest generation, a worker reading PDF after
    PDF grew by tens of MB each with pypdf (pipelines/extract.py, extract_document_in_worker)."""
    import gc

    from pipelines.extract import extract_document_in_worker

    pdf = make_pdf(["Report on the rule of law", "Second line of the report"])
    gc.collect()
    gc.disable()  # no automatic collection may clean up for us in between
    try:
        extract_document(pdf)
        assert gc.collect() > 0  # why the worker collects: the plain read leaves cycles behind
        result = extract_document_in_worker(pdf, "pdf", True)
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert "Second line of the report" in result.text
